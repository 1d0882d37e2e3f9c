//! The Lightspeed resource kinds: envelope keys, paths, allowed methods and id ranges.

/// A Lightspeed resource kind (one collection, possibly nested under a parent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    Order,
    OrderProduct,
    OrderMetafield,
    OrderEvent,
    CustomStatus,
    Customer,
    Product,
    Variant,
    VariantMovement,
    Category,
    CategoriesProduct,
    ProductImage,
    Attribute,
    Type,
    TypesAttribute,
    ProductAttribute,
    Filter,
    FilterValue,
    ProductFilterValue,
    Tax,
    PaymentMethod,
    ShippingMethod,
    Brand,
    Supplier,
    Invoice,
    InvoiceItem,
    Shipment,
    Webhook,
}

/// Methods a kind allows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Allow {
    pub(crate) post: bool,
    pub(crate) put: bool,
    pub(crate) delete: bool,
}

const READ_ONLY: Allow = Allow {
    post: false,
    put: false,
    delete: false,
};
const CRUD: Allow = Allow {
    post: true,
    put: true,
    delete: true,
};
const READ_PUT: Allow = Allow {
    post: false,
    put: true,
    delete: false,
};
const NO_PUT: Allow = Allow {
    post: true,
    put: false,
    delete: true,
};
const NO_POST: Allow = Allow {
    post: false,
    put: true,
    delete: true,
};

/// Static facts about a kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    /// Key of a single object (`order`).
    pub(crate) singular: &'static str,
    /// Key of a list (`orders`).
    pub(crate) plural: &'static str,
    /// Collection path; `{p}` stands for the parent id (`orders/{p}/products`).
    pub(crate) path: &'static str,
    /// Allowed writes.
    pub(crate) allow: Allow,
    /// First id handed out (ids of different kinds never collide).
    pub(crate) id_base: u64,
    /// Whether objects carry `createdAt`/`updatedAt` maintained by writes.
    pub(crate) timestamps: bool,
}

impl Kind {
    /// Every kind (for iteration).
    #[cfg(test)]
    pub(crate) const ALL: [Kind; 28] = [
        Kind::Order,
        Kind::OrderProduct,
        Kind::OrderMetafield,
        Kind::OrderEvent,
        Kind::CustomStatus,
        Kind::Customer,
        Kind::Product,
        Kind::Variant,
        Kind::VariantMovement,
        Kind::Category,
        Kind::CategoriesProduct,
        Kind::ProductImage,
        Kind::Attribute,
        Kind::Type,
        Kind::TypesAttribute,
        Kind::ProductAttribute,
        Kind::Filter,
        Kind::FilterValue,
        Kind::ProductFilterValue,
        Kind::Tax,
        Kind::PaymentMethod,
        Kind::ShippingMethod,
        Kind::Brand,
        Kind::Supplier,
        Kind::Invoice,
        Kind::InvoiceItem,
        Kind::Shipment,
        Kind::Webhook,
    ];

    pub(crate) fn spec(self) -> Spec {
        let s = |singular, plural, path, allow, id_base, timestamps| Spec {
            singular,
            plural,
            path,
            allow,
            id_base,
            timestamps,
        };
        match self {
            Kind::Order => s("order", "orders", "orders", READ_PUT, 310_000_001, true),
            Kind::OrderProduct => s(
                "orderProduct",
                "orderProducts",
                "orders/{p}/products",
                READ_ONLY,
                520_000_001,
                false,
            ),
            Kind::OrderMetafield => s(
                "orderMetafield",
                "orderMetafields",
                "orders/{p}/metafields",
                CRUD,
                610_000_001,
                true,
            ),
            Kind::OrderEvent => s(
                "ordersEvent",
                "ordersEvents",
                "orders/events",
                READ_ONLY,
                710_000_001,
                false,
            ),
            Kind::CustomStatus => s(
                "customStatus",
                "customStatuses",
                "orders/customstatuses",
                CRUD,
                2_301,
                true,
            ),
            Kind::Customer => s(
                "customer",
                "customers",
                "customers",
                CRUD,
                226_000_001,
                true,
            ),
            Kind::Product => s("product", "products", "products", CRUD, 163_000_001, true),
            Kind::Variant => s("variant", "variants", "variants", CRUD, 322_000_001, true),
            Kind::VariantMovement => s(
                "variantMovement",
                "variantsMovements",
                "variants/movements",
                READ_ONLY,
                114_000_001,
                false,
            ),
            Kind::Category => s(
                "category",
                "categories",
                "categories",
                CRUD,
                13_881_001,
                true,
            ),
            Kind::CategoriesProduct => s(
                "categoriesProduct",
                "categoriesProducts",
                "categories/products",
                NO_PUT,
                1_171_000_001,
                false,
            ),
            Kind::ProductImage => s(
                "productImage",
                "productImages",
                "products/{p}/images",
                CRUD,
                445_000_001,
                true,
            ),
            Kind::Attribute => s("attribute", "attributes", "attributes", CRUD, 15_001, false),
            Kind::Type => s("type", "types", "types", CRUD, 3_001, false),
            Kind::TypesAttribute => s(
                "typesAttribute",
                "typesAttributes",
                "types/attributes",
                CRUD,
                8_201,
                false,
            ),
            Kind::ProductAttribute => s(
                "productAttribute",
                "productAttributes",
                "products/{p}/attributes",
                NO_POST,
                0,
                false,
            ),
            Kind::Filter => s("filter", "filters", "filters", CRUD, 7_101, true),
            Kind::FilterValue => s(
                "filterValue",
                "filterValues",
                "filters/{p}/values",
                CRUD,
                26_701,
                true,
            ),
            Kind::ProductFilterValue => s(
                "productFiltervalue",
                "productFiltervalue",
                "products/{p}/filtervalues",
                NO_PUT,
                3_901,
                false,
            ),
            Kind::Tax => s("tax", "taxes", "taxes", CRUD, 1_207_001, false),
            Kind::PaymentMethod => s(
                "paymentmethod",
                "paymentmethods",
                "paymentmethods",
                READ_ONLY,
                121,
                false,
            ),
            Kind::ShippingMethod => s(
                "shippingmethod",
                "shippingmethods",
                "shippingmethods",
                READ_ONLY,
                747_001,
                false,
            ),
            Kind::Brand => s("brand", "brands", "brands", CRUD, 5_000_901, true),
            Kind::Supplier => s("supplier", "suppliers", "suppliers", CRUD, 82_101, true),
            Kind::Invoice => s(
                "invoice",
                "invoices",
                "invoices",
                READ_PUT,
                1_742_000_001,
                true,
            ),
            Kind::InvoiceItem => s(
                "invoiceItem",
                "invoiceItems",
                "invoices/{p}/items",
                READ_ONLY,
                7_041_000_001,
                false,
            ),
            Kind::Shipment => s(
                "shipment",
                "shipments",
                "shipments",
                READ_PUT,
                4_981_000_001,
                true,
            ),
            Kind::Webhook => s("webhook", "webhooks", "webhooks", CRUD, 4_745_001, true),
        }
    }

    /// The kind of the parent object, for nested kinds.
    pub(crate) fn parent_kind(self) -> Option<Kind> {
        match self {
            Kind::OrderProduct | Kind::OrderMetafield => Some(Kind::Order),
            Kind::ProductImage | Kind::ProductAttribute | Kind::ProductFilterValue => {
                Some(Kind::Product)
            }
            Kind::FilterValue => Some(Kind::Filter),
            Kind::InvoiceItem => Some(Kind::Invoice),
            _ => None,
        }
    }

    /// The collection path for a parent id.
    pub(crate) fn collection_path(self, parent: Option<u64>) -> String {
        let path = self.spec().path;
        match parent {
            Some(p) => path.replace("{p}", &p.to_string()),
            None => path.to_owned(),
        }
    }

    /// The item path (`orders/12/products/5`).
    pub(crate) fn item_path(self, parent: Option<u64>, id: u64) -> String {
        format!("{}/{}", self.collection_path(parent), id)
    }
}

/// What a request path addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A collection (list, POST, bulk PUT).
    Collection,
    /// `…/count`.
    Count,
    /// One object by id.
    Item(u64),
}

/// A parsed resource path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// A resource collection, its count, or one of its items.
    Resource {
        kind: Kind,
        parent: Option<u64>,
        target: Target,
    },
    /// `POST orders/{id}/credit`.
    OrderCredit(u64),
    /// `shop`.
    Shop,
    /// `account`.
    Account,
    /// `account/ratelimit`.
    AccountRatelimit,
    /// `account/permissions`.
    AccountPermissions,
}

/// Path patterns, most specific first; `*` captures the parent id.
const PATTERNS: &[(&[&str], Kind)] = &[
    (&["orders", "customstatuses"], Kind::CustomStatus),
    (&["orders", "events"], Kind::OrderEvent),
    (&["orders", "*", "products"], Kind::OrderProduct),
    (&["orders", "*", "metafields"], Kind::OrderMetafield),
    (&["orders"], Kind::Order),
    (&["products", "*", "images"], Kind::ProductImage),
    (&["products", "*", "attributes"], Kind::ProductAttribute),
    (&["products", "*", "filtervalues"], Kind::ProductFilterValue),
    (&["products"], Kind::Product),
    (&["variants", "movements"], Kind::VariantMovement),
    (&["variants"], Kind::Variant),
    (&["categories", "products"], Kind::CategoriesProduct),
    (&["categories"], Kind::Category),
    (&["types", "attributes"], Kind::TypesAttribute),
    (&["types"], Kind::Type),
    (&["attributes"], Kind::Attribute),
    (&["filters", "*", "values"], Kind::FilterValue),
    (&["filters"], Kind::Filter),
    (&["taxes"], Kind::Tax),
    (&["paymentmethods"], Kind::PaymentMethod),
    (&["shippingmethods"], Kind::ShippingMethod),
    (&["brands"], Kind::Brand),
    (&["suppliers"], Kind::Supplier),
    (&["invoices", "*", "items"], Kind::InvoiceItem),
    (&["invoices"], Kind::Invoice),
    (&["shipments"], Kind::Shipment),
    (&["webhooks"], Kind::Webhook),
    (&["customers"], Kind::Customer),
];

/// Parses a resource path (without language and `.json`) into a route.
pub(crate) fn parse_route(path: &str) -> Option<Route> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["shop"] => return Some(Route::Shop),
        ["account"] => return Some(Route::Account),
        ["account", "ratelimit"] => return Some(Route::AccountRatelimit),
        ["account", "permissions"] => return Some(Route::AccountPermissions),
        ["orders", id, "credit"] => return id.parse().ok().map(Route::OrderCredit),
        _ => {}
    }
    for (pattern, kind) in PATTERNS {
        if segs.len() < pattern.len() {
            continue;
        }
        let mut parent = None;
        let mut ok = true;
        for (p, s) in pattern.iter().zip(&segs) {
            if *p == "*" {
                match s.parse::<u64>() {
                    Ok(id) => parent = Some(id),
                    Err(_) => {
                        ok = false;
                        break;
                    }
                }
            } else if p != s {
                ok = false;
                break;
            }
        }
        if !ok {
            continue;
        }
        let target = match &segs[pattern.len()..] {
            [] => Target::Collection,
            ["count"] => Target::Count,
            [id] => match id.parse::<u64>() {
                Ok(id) => Target::Item(id),
                Err(_) => continue,
            },
            _ => continue,
        };
        return Some(Route::Resource {
            kind: *kind,
            parent,
            target,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_and_special_paths() {
        assert_eq!(
            parse_route("orders/customstatuses/count"),
            Some(Route::Resource {
                kind: Kind::CustomStatus,
                parent: None,
                target: Target::Count
            })
        );
        assert_eq!(
            parse_route("orders/12/products/5"),
            Some(Route::Resource {
                kind: Kind::OrderProduct,
                parent: Some(12),
                target: Target::Item(5)
            })
        );
        assert_eq!(
            parse_route("orders/12"),
            Some(Route::Resource {
                kind: Kind::Order,
                parent: None,
                target: Target::Item(12)
            })
        );
        assert_eq!(
            parse_route("orders/12/credit"),
            Some(Route::OrderCredit(12))
        );
        assert_eq!(
            parse_route("account/ratelimit"),
            Some(Route::AccountRatelimit)
        );
        assert_eq!(parse_route("orders/abc"), None);
        assert_eq!(parse_route("nothing"), None);
        assert_eq!(
            Kind::FilterValue.item_path(Some(3), 9),
            "filters/3/values/9"
        );
    }
}
