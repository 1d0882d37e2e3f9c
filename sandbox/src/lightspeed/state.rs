//! The simulated shop: the store plus shop-wide facts, rendering and change tracking.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::kinds::Kind;
use super::store::{Item, Links, Store, link_id};
use super::templates::template;
use crate::clock::{SimClock, ls_time};
use crate::geo::{Language, language_json};

/// A change that webhooks may report (`orders/updated` for order 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) group: &'static str,
    pub(crate) action: &'static str,
    pub(crate) id: u64,
    /// The object as it was, for deletions (it can no longer be rendered from the store).
    pub(crate) snapshot: Option<Value>,
}

/// What a shipping method costs (the shop's tariff; not part of the method's JSON).
#[derive(Debug, Clone)]
pub(crate) struct Tariff {
    pub(crate) value_id: u64,
    /// Nominal price including 21 % VAT.
    pub(crate) price_incl: Decimal,
    /// Orders whose products total (incl.) reaches this ship free.
    pub(crate) free_above: Option<Decimal>,
    pub(crate) pickup: bool,
    /// Which destinations use it by default: `nl`, `eu`, `world` (or `pickup`).
    pub(crate) zone: &'static str,
}

/// Running document numbers.
#[derive(Debug, Default, Clone)]
pub(crate) struct Numbers {
    pub(crate) order: u64,
    pub(crate) invoice: u64,
    pub(crate) shipment: u64,
}

/// The whole shop.
#[derive(Debug)]
pub(crate) struct LsState {
    pub(crate) store: Store,
    pub(crate) links: Links,
    pub(crate) clock: SimClock,
    pub(crate) language: &'static Language,
    pub(crate) shop: Map<String, Value>,
    pub(crate) account: Map<String, Value>,
    pub(crate) shop_id: u64,
    pub(crate) numbers: Numbers,
    pub(crate) tariffs: HashMap<u64, Tariff>,
    pub(crate) payment_costs: HashMap<String, Decimal>,
    pub(crate) changes: Vec<Change>,
    /// Invoices, shipments and events per order (none of them can be deleted), so rendering an
    /// order does not scan every document of the shop.
    pub(crate) order_docs: HashMap<u64, Vec<(Kind, u64)>>,
    /// Customers that have ordered before (`isNewCustomer`).
    pub(crate) customers_with_orders: HashSet<u64>,
    /// SKU → variant id while seeding (checked against the variant before use).
    pub(crate) sku_hint: HashMap<String, u64>,
}

impl LsState {
    pub(crate) fn new(
        links: Links,
        clock: SimClock,
        language: &'static Language,
        shop_id: u64,
    ) -> Self {
        Self {
            store: Store::default(),
            links,
            clock,
            language,
            shop: Map::new(),
            account: Map::new(),
            shop_id,
            numbers: Numbers::default(),
            tariffs: HashMap::new(),
            payment_costs: HashMap::new(),
            changes: Vec::new(),
            order_docs: HashMap::new(),
            customers_with_orders: HashSet::new(),
            sku_hint: HashMap::new(),
        }
    }

    /// The current simulated time in Lightspeed form.
    pub(crate) fn now(&self) -> String {
        ls_time(self.clock.now())
    }

    pub(crate) fn language_json(&self) -> Value {
        language_json(self.language)
    }

    /// A fresh object of a kind with a new id, stamped with `now`.
    pub(crate) fn fresh(&mut self, kind: Kind, now: &str) -> Map<String, Value> {
        let id = self.store.next_id(kind);
        template(kind, id, now, &self.links, &self.language_json())
    }

    /// Records a webhook-worthy change.
    pub(crate) fn changed(&mut self, group: &'static str, action: &'static str, id: u64) {
        self.changes.push(Change {
            group,
            action,
            id,
            snapshot: None,
        });
    }

    /// Takes the recorded changes.
    pub(crate) fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    /// An object as a list shows it (no embedding).
    pub(crate) fn render(&self, kind: Kind, item: &Item) -> Value {
        let mut obj = item.obj.clone();
        if kind == Kind::ProductAttribute {
            let id = item.id();
            if let Some(attr) = self.store.get(Kind::Attribute, None, id) {
                obj.insert("attribute".into(), Value::Object(attr.obj.clone()));
            }
        }
        Value::Object(obj)
    }

    /// An object as `GET {kind}/{id}` shows it: orders embed their lines, customer, invoices,
    /// shipments, metafields and events like the vendor example.
    pub(crate) fn render_single(&self, kind: Kind, item: &Item) -> Value {
        let mut v = self.render(kind, item);
        if kind == Kind::Order {
            self.embed_order(item.id(), &mut v);
        }
        v
    }

    fn embed_order(&self, id: u64, v: &mut Value) {
        let render_all = |kind: Kind, items: Vec<&Item>| -> Value {
            Value::Array(items.into_iter().map(|i| self.render(kind, i)).collect())
        };
        let lines = render_all(
            Kind::OrderProduct,
            self.store.under(Kind::OrderProduct, Some(id)),
        );
        let metafields = render_all(
            Kind::OrderMetafield,
            self.store.under(Kind::OrderMetafield, Some(id)),
        );
        let docs = self.order_docs.get(&id).cloned().unwrap_or_default();
        let related = |kind: Kind| -> Value {
            render_all(
                kind,
                docs.iter()
                    .filter(|(k, _)| *k == kind)
                    .filter_map(|(k, doc)| self.store.get(*k, None, *doc))
                    .collect(),
            )
        };
        let invoices = related(Kind::Invoice);
        let shipments = related(Kind::Shipment);
        let events = related(Kind::OrderEvent);
        let customer = v
            .get("customer")
            .and_then(link_id)
            .and_then(|cid| self.store.get(Kind::Customer, None, cid))
            .map(|c| Value::Object(c.obj.clone()));
        let embed = |v: &mut Value, key: &str, what: Value| {
            if let Some(res) = v
                .get_mut(key)
                .and_then(|l| l.get_mut("resource"))
                .and_then(Value::as_object_mut)
            {
                res.insert("embedded".into(), what);
            }
        };
        if let Some(c) = customer {
            embed(v, "customer", c);
        }
        embed(v, "invoices", invoices);
        embed(v, "shipments", shipments);
        embed(v, "products", lines);
        embed(v, "metafields", metafields);
        embed(v, "events", events);
    }

    /// The full single JSON of an object by kind and id (top-level kinds).
    pub(crate) fn single_json(&self, kind: Kind, id: u64) -> Option<Value> {
        self.store
            .get(kind, None, id)
            .map(|i| self.render_single(kind, i))
    }

    /// The webhook body for a change: `{"order": …}` etc.
    pub(crate) fn webhook_body(&self, change: &Change) -> Option<Value> {
        let kind = group_kind(change.group)?;
        let obj = match &change.snapshot {
            Some(s) => s.clone(),
            None => self.single_json(kind, change.id)?,
        };
        let mut m = Map::new();
        m.insert(kind.spec().singular.to_owned(), obj);
        Some(Value::Object(m))
    }

    /// Looks a variant up by SKU, falling back to article code and EAN.
    pub(crate) fn variant_by_code(&self, code: &str) -> Option<&Item> {
        let field_is = |i: &&Item, f: &str| i.obj.get(f).and_then(Value::as_str) == Some(code);
        if let Some(hit) = self
            .sku_hint
            .get(code)
            .and_then(|id| self.store.get(Kind::Variant, None, *id))
            .filter(|i| field_is(i, "sku"))
        {
            return Some(hit);
        }
        let all = || self.store.all(Kind::Variant);
        all()
            .find(|i| field_is(i, "sku"))
            .or_else(|| all().find(|i| field_is(i, "articleCode")))
            .or_else(|| all().find(|i| field_is(i, "ean")))
    }

    /// The tax rate (fraction) of a variant: its own tax, else the shop's default tax.
    pub(crate) fn variant_tax_rate(&self, variant: &Item) -> Decimal {
        let tax = variant
            .obj
            .get("tax")
            .and_then(link_id)
            .and_then(|id| self.store.get(Kind::Tax, None, id))
            .or_else(|| {
                self.store
                    .all(Kind::Tax)
                    .find(|t| t.obj.get("isDefault") == Some(&json!(true)))
            });
        tax.and_then(|t| t.obj.get("rate"))
            .and_then(crate::money::dec)
            .unwrap_or_default()
    }
}

/// The kind a webhook item group reports.
pub(crate) fn group_kind(group: &str) -> Option<Kind> {
    Some(match group {
        "orders" => Kind::Order,
        "customers" => Kind::Customer,
        "invoices" => Kind::Invoice,
        "shipments" => Kind::Shipment,
        "products" => Kind::Product,
        "variants" => Kind::Variant,
        _ => return None,
    })
}

/// The webhook item group a kind belongs to, if webhooks report it.
pub(crate) fn kind_group(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Order => "orders",
        Kind::Customer => "customers",
        Kind::Invoice => "invoices",
        Kind::Shipment => "shipments",
        Kind::Product => "products",
        Kind::Variant => "variants",
        _ => return None,
    })
}
