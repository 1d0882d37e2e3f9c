//! POST / PUT / DELETE semantics per kind.

use base64::Engine as _;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::api::ApiError;
use super::kinds::Kind;
use super::state::{LsState, kind_group};
use super::store::link_id;
use crate::geo::{self, country_json, language_json};
use crate::money::{dec, fixed_str, num, round, round2};

/// Order statuses the API accepts.
pub(crate) const ORDER_STATUSES: &[&str] = &[
    "on_hold",
    "processing_awaiting_payment",
    "processing_awaiting_shipment",
    "processing_awaiting_pickup",
    "processing_ready_for_pickup",
    "completed",
    "completed_shipped",
    "completed_picked_up",
    "cancelled",
    "new",
    "offer",
    "processing",
    "processing_partially_paid",
    "processing_partially_shipped",
    "processing_partially_picked_up",
];
const PAYMENT_STATUSES: &[&str] = &["not_paid", "partially_paid", "paid", "cancelled"];
const SHIPMENT_STATUSES: &[&str] = &["not_shipped", "partially_shipped", "shipped", "cancelled"];
const ORDER_WRITABLE: &[&str] = &[
    "status",
    "customStatusId",
    "memo",
    "paymentStatus",
    "shipmentStatus",
    "comment",
    "doNotifyNew",
    "doNotifyReminder",
    "doNotifyCancelled",
    "shippingDate",
    "deliveryDate",
];
const ITEM_GROUPS: &[&str] = &[
    "customers",
    "orders",
    "invoices",
    "shipments",
    "products",
    "variants",
    "quotes",
    "reviews",
    "returns",
    "tickets",
    "subscriptions",
    "contacts",
];

fn invalid() -> ApiError {
    ApiError::new(400, "Invalid data input.")
}

/// Relation fields of a kind: input ids become resource links to the target kind.
fn relations(kind: Kind) -> &'static [(&'static str, Kind)] {
    match kind {
        Kind::Product => &[
            ("brand", Kind::Brand),
            ("supplier", Kind::Supplier),
            ("type", Kind::Type),
        ],
        Kind::Variant => &[("product", Kind::Product), ("tax", Kind::Tax)],
        Kind::Category => &[("parent", Kind::Category)],
        Kind::CategoriesProduct => &[("category", Kind::Category), ("product", Kind::Product)],
        Kind::TypesAttribute => &[("type", Kind::Type), ("attribute", Kind::Attribute)],
        Kind::ProductFilterValue => &[("filter", Kind::Filter), ("filtervalue", Kind::FilterValue)],
        Kind::ShippingMethod => &[("tax", Kind::Tax)],
        _ => &[],
    }
}

/// An id from an input value: `5`, `"5"`, `{"id": 5}` or a resource link.
fn input_id(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Object(o) => o.get("id").and_then(input_id).or_else(|| link_id(v)),
        _ => None,
    }
}

fn is_nothing(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Bool(false)) || v.as_u64() == Some(0) || v.as_str() == Some("")
}

/// Copies input fields onto an object with type checks and coercion; relation ids become links.
fn apply(
    state: &LsState,
    kind: Kind,
    obj: &mut Map<String, Value>,
    input: &Map<String, Value>,
) -> Result<(), ApiError> {
    for (key, value) in input {
        if matches!(key.as_str(), "id" | "createdAt" | "updatedAt") {
            continue;
        }
        if let Some((_, target)) = relations(kind).iter().find(|(k, _)| k == key) {
            if is_nothing(value) {
                obj.insert(key.clone(), json!(false));
                continue;
            }
            let id = input_id(value).ok_or_else(invalid)?;
            let target_item = state
                .store
                .find(*target, id)
                .ok_or_else(|| ApiError::new(400, &format!("Invalid {key}.")))?;
            obj.insert(key.clone(), state.links.to(*target, target_item.parent, id));
            continue;
        }
        let Some(current) = obj.get(key) else {
            tracing::debug!(field = %key, "ignoring unknown field on write");
            continue;
        };
        let coerced = coerce(key, current, value)?;
        obj.insert(key.clone(), coerced);
    }
    Ok(())
}

fn coerce(key: &str, current: &Value, value: &Value) -> Result<Value, ApiError> {
    if key.ends_with("Country") || key == "country_id" {
        return match value {
            Value::String(code) => geo::country(code).map(country_json).ok_or_else(invalid),
            Value::Object(_) | Value::Bool(false) | Value::Null => Ok(value.clone()),
            _ => Err(invalid()),
        };
    }
    if key == "language" {
        return match value {
            Value::String(code) => geo::language(code).map(language_json).ok_or_else(invalid),
            Value::Object(_) | Value::Bool(false) => Ok(value.clone()),
            _ => Err(invalid()),
        };
    }
    match current {
        Value::Number(_) => match value {
            Value::Number(_) => Ok(value.clone()),
            Value::String(s) => crate::money::parse(s.trim()).map(num).ok_or_else(invalid),
            _ => Err(invalid()),
        },
        Value::String(s) if s.parse::<f64>().is_ok() && key.ends_with("Value") => match value {
            Value::Number(_) | Value::String(_) => {
                dec(value).map(|d| fixed_str(d, 3)).ok_or_else(invalid)
            }
            _ => Err(invalid()),
        },
        Value::String(_) => match value {
            Value::String(_) => Ok(value.clone()),
            Value::Number(n) => Ok(Value::String(n.to_string())),
            Value::Null => Ok(json!("")),
            _ => Err(invalid()),
        },
        Value::Bool(true) => match value {
            Value::Bool(_) => Ok(value.clone()),
            Value::String(s) if s == "true" || s == "false" => Ok(json!(s == "true")),
            _ => Err(invalid()),
        },
        // `false`/`null` placeholders and structured fields take what they are given.
        _ => Ok(value.clone()),
    }
}

fn require_text(input: &Map<String, Value>, key: &str) -> Result<(), ApiError> {
    match input.get(key).and_then(Value::as_str) {
        Some(s) if !s.trim().is_empty() => Ok(()),
        _ => Err(ApiError::new(400, &format!("The field {key} is required."))),
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Keeps `priceExcl`/`priceIncl` consistent when only one of them was written.
fn derive_prices(state: &LsState, obj: &mut Map<String, Value>, input: &Map<String, Value>) {
    let rate = {
        let item = super::store::Item {
            parent: None,
            obj: obj.clone(),
        };
        state.variant_tax_rate(&item)
    };
    let factor = Decimal::ONE + rate;
    match (
        input.get("priceExcl").and_then(dec),
        input.get("priceIncl").and_then(dec),
    ) {
        (Some(excl), None) => {
            obj.insert("priceIncl".into(), num(round2(excl * factor)));
        }
        (None, Some(incl)) => {
            obj.insert("priceExcl".into(), num(round(incl / factor, 4)));
        }
        _ => {}
    }
}

/// Creates an object; returns its id.
pub(crate) fn create(
    state: &mut LsState,
    kind: Kind,
    parent: Option<u64>,
    input: &Map<String, Value>,
) -> Result<u64, ApiError> {
    let now = state.now();
    match kind {
        Kind::Product => require_text(input, "title")?,
        Kind::Customer => require_text(input, "email")?,
        Kind::Webhook => require_text(input, "address")?,
        Kind::OrderMetafield => require_text(input, "key")?,
        Kind::CustomStatus
        | Kind::Attribute
        | Kind::Type
        | Kind::Filter
        | Kind::FilterValue
        | Kind::Brand
        | Kind::Supplier
        | Kind::Category => require_text(input, "title")?,
        Kind::Variant => {
            let pid = input
                .get("product")
                .and_then(input_id)
                .ok_or_else(|| ApiError::new(400, "The field product is required."))?;
            if state.store.get(Kind::Product, None, pid).is_none() {
                return Err(ApiError::new(400, "Invalid product."));
            }
        }
        Kind::CategoriesProduct | Kind::TypesAttribute | Kind::ProductFilterValue => {
            for (k, _) in relations(kind) {
                if input.get(*k).and_then(input_id).is_none() {
                    return Err(ApiError::new(400, &format!("The field {k} is required.")));
                }
            }
        }
        _ => {}
    }
    let mut obj = state.fresh(kind, &now);
    let id = obj.get("id").and_then(Value::as_u64).unwrap_or(0);
    apply(state, kind, &mut obj, input)?;
    match kind {
        Kind::Product => {
            let title = obj.get("title").cloned().unwrap_or(json!(""));
            if obj
                .get("fulltitle")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .is_empty()
            {
                obj.insert("fulltitle".into(), title.clone());
            }
            if obj
                .get("url")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .is_empty()
            {
                obj.insert(
                    "url".into(),
                    json!(slug(title.as_str().unwrap_or_default())),
                );
            }
        }
        Kind::Variant => {
            derive_prices(state, &mut obj, input);
            let pid = obj.get("product").and_then(link_id).unwrap_or(0);
            let siblings = state
                .store
                .all(Kind::Variant)
                .filter(|v| v.obj.get("product").and_then(link_id) == Some(pid))
                .count();
            obj.insert("sortOrder".into(), json!(siblings + 1));
            obj.insert("isDefault".into(), json!(siblings == 0));
        }
        Kind::Category => {
            let title = obj
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            place_category(state, id, &mut obj, &title);
        }
        Kind::ProductFilterValue => {
            let filter = obj.get("filter").and_then(link_id).unwrap_or(0);
            let value = obj.get("filtervalue").and_then(link_id).unwrap_or(0);
            if state
                .store
                .get(Kind::FilterValue, Some(filter), value)
                .is_none()
            {
                return Err(ApiError::new(
                    400,
                    "The filter value does not belong to the filter.",
                ));
            }
        }
        Kind::CategoriesProduct => {
            let (c, p) = (
                obj.get("category").and_then(link_id),
                obj.get("product").and_then(link_id),
            );
            if state.store.all(kind).any(|i| {
                i.obj.get("category").and_then(link_id) == c
                    && i.obj.get("product").and_then(link_id) == p
            }) {
                return Err(ApiError::new(
                    400,
                    "The product is already in this category.",
                ));
            }
        }
        Kind::ProductImage => image_from_input(state, parent.unwrap_or(0), id, &mut obj, input),
        Kind::Webhook => check_webhook(&obj)?,
        Kind::Tax if obj.get("isDefault") == Some(&json!(true)) => {
            clear_default_tax(state);
        }
        _ => {}
    }
    state.store.insert(kind, parent, obj);
    match kind {
        Kind::Product => {
            // Lightspeed creates the default variant with every product.
            let mut v = state.fresh(Kind::Variant, &now);
            v.insert("isDefault".into(), json!(true));
            v.insert("title".into(), json!("Default"));
            v.insert("product".into(), state.links.to(Kind::Product, None, id));
            state.store.insert(Kind::Variant, None, v);
        }
        Kind::ProductImage => {
            let pid = parent.unwrap_or(0);
            let first = state.store.under(Kind::ProductImage, Some(pid)).len() == 1;
            if first
                && let Some(img) = state
                    .store
                    .get(Kind::ProductImage, Some(pid), id)
                    .map(|i| image_object(&i.obj))
                && let Some(p) = state.store.get_mut(Kind::Product, None, pid)
            {
                p.obj.insert("image".into(), img);
            }
        }
        _ => {}
    }
    if let Some(group) = kind_group(kind) {
        state.changed(group, "created", id);
    }
    Ok(id)
}

fn clear_default_tax(state: &mut LsState) {
    let ids: Vec<u64> = state.store.all(Kind::Tax).map(|t| t.id()).collect();
    for id in ids {
        if let Some(t) = state.store.get_mut(Kind::Tax, None, id) {
            t.obj.insert("isDefault".into(), json!(false));
        }
    }
}

fn check_webhook(obj: &Map<String, Value>) -> Result<(), ApiError> {
    let s = |k: &str| {
        obj.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    if !ITEM_GROUPS.contains(&s("itemGroup").as_str()) {
        return Err(ApiError::new(400, "Invalid itemGroup."));
    }
    if !["*", "created", "updated", "deleted"].contains(&s("itemAction").as_str()) {
        return Err(ApiError::new(400, "Invalid itemAction."));
    }
    if !["json", "xml"].contains(&s("format").as_str()) {
        return Err(ApiError::new(400, "Invalid format."));
    }
    if !s("address").starts_with("http") {
        return Err(ApiError::new(400, "Invalid address."));
    }
    Ok(())
}

fn place_category(state: &LsState, id: u64, obj: &mut Map<String, Value>, title: &str) {
    let parent = obj
        .get("parent")
        .and_then(link_id)
        .and_then(|p| state.store.get(Kind::Category, None, p));
    let (depth, mut path, url) = match parent {
        Some(p) => {
            let depth = p.obj.get("depth").and_then(Value::as_u64).unwrap_or(1) + 1;
            let path: Vec<Value> = p
                .obj
                .get("path")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let url = format!(
                "{}/{}",
                p.obj.get("url").and_then(Value::as_str).unwrap_or_default(),
                slug(title)
            );
            (depth, path, url)
        }
        None => (1, Vec::new(), slug(title)),
    };
    path.insert(0, json!(id.to_string()));
    obj.insert("depth".into(), json!(depth));
    obj.insert("path".into(), Value::Array(path));
    if obj
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .is_empty()
    {
        obj.insert("url".into(), json!(url));
    }
    if obj
        .get("fulltitle")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .is_empty()
    {
        obj.insert("fulltitle".into(), json!(title));
    }
}

/// The product's `image` object (an image without `id`/`sortOrder`).
fn image_object(img: &Map<String, Value>) -> Value {
    let mut m = img.clone();
    m.remove("id");
    m.remove("sortOrder");
    Value::Object(m)
}

/// Fills a product image from `attachment` (URL or base64), `filename`, `src` and `title`.
fn image_from_input(
    state: &LsState,
    product: u64,
    id: u64,
    obj: &mut Map<String, Value>,
    input: &Map<String, Value>,
) {
    let text = |k: &str| {
        input
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let attachment = text("attachment");
    let source = if attachment.is_empty() {
        text("src")
    } else {
        attachment.clone()
    };
    let clean = |n: &str| -> String {
        let n: String = n.chars().filter(|c| !matches!(c, '(' | ')')).collect();
        n.split_whitespace().collect::<Vec<_>>().join("-")
    };
    let name = [
        clean(&text("filename")),
        clean(source.rsplit('/').next().unwrap_or_default()),
    ]
    .into_iter()
    .find(|n| n.contains('.') && n.len() < 120)
    .unwrap_or_else(|| format!("image-{id}.jpg"));
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name.as_str(), "jpg"));
    let size = if attachment.starts_with("http") {
        50_000
    } else {
        base64::engine::general_purpose::STANDARD
            .decode(attachment.as_bytes())
            .map(|b| b.len())
            .unwrap_or(attachment.len())
    };
    let file = 497_000_000 + id % 1_000_000;
    let shop = state.shop_id;
    let siblings = state.store.under(Kind::ProductImage, Some(product)).len();
    obj.insert(
        "sortOrder".into(),
        input
            .get("sortOrder")
            .cloned()
            .unwrap_or(json!(siblings + 1)),
    );
    obj.insert("extension".into(), json!(ext.to_ascii_lowercase()));
    obj.insert("size".into(), json!(size));
    let title = text("title");
    obj.insert(
        "title".into(),
        json!(if title.is_empty() {
            stem.to_owned()
        } else {
            title
        }),
    );
    obj.insert(
        "thumb".into(),
        json!(format!(
            "https://cdn.webshopapp.com/shops/{shop}/files/{file}/50x50x2/{name}"
        )),
    );
    obj.insert(
        "src".into(),
        json!(format!(
            "https://cdn.webshopapp.com/shops/{shop}/files/{file}/{name}"
        )),
    );
}

/// Updates an object.
pub(crate) fn update(
    state: &mut LsState,
    kind: Kind,
    parent: Option<u64>,
    id: u64,
    input: &Map<String, Value>,
) -> Result<(), ApiError> {
    let now = state.now();
    if kind == Kind::ProductAttribute {
        return set_product_attribute(state, parent.unwrap_or(0), id, input);
    }
    let mut obj = state
        .store
        .get(kind, parent, id)
        .map(|i| i.obj.clone())
        .ok_or_else(ApiError::not_found)?;
    let before = obj.clone();
    match kind {
        Kind::Order => {
            let mut allowed = Map::new();
            for (k, v) in input {
                if ORDER_WRITABLE.contains(&k.as_str()) {
                    allowed.insert(k.clone(), v.clone());
                } else {
                    tracing::debug!(field = %k, "ignoring read-only order field");
                }
            }
            check_status(&allowed, "status", ORDER_STATUSES)?;
            check_status(&allowed, "paymentStatus", PAYMENT_STATUSES)?;
            check_status(&allowed, "shipmentStatus", SHIPMENT_STATUSES)?;
            if let Some(cs) = allowed.get("customStatusId")
                && !cs.is_null()
            {
                let csid = input_id(cs).ok_or_else(invalid)?;
                if state.store.get(Kind::CustomStatus, None, csid).is_none() {
                    return Err(ApiError::new(400, "Invalid customStatusId."));
                }
                allowed.insert("customStatusId".into(), json!(csid));
            }
            for (k, v) in &allowed {
                obj.insert(
                    k.clone(),
                    if k == "memo" || k == "comment" {
                        json!(v.as_str().unwrap_or_default())
                    } else {
                        v.clone()
                    },
                );
            }
        }
        _ => apply(state, kind, &mut obj, input)?,
    }
    match kind {
        Kind::Variant => {
            derive_prices(state, &mut obj, input);
            if let Some(level) = input.get("stockLevel") {
                let new = level
                    .as_i64()
                    .or_else(|| level.as_str().and_then(|s| s.trim().parse().ok()))
                    .ok_or_else(invalid)?;
                obj.insert("stockLevel".into(), json!(new));
                let old = before
                    .get("stockLevel")
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                if new != old {
                    let mut m = state.fresh(Kind::VariantMovement, &now);
                    m.insert("stockLevelChange".into(), json!(new - old));
                    m.insert(
                        "product".into(),
                        obj.get("product").cloned().unwrap_or(json!(false)),
                    );
                    m.insert("variant".into(), state.links.to(Kind::Variant, None, id));
                    state.store.insert(Kind::VariantMovement, None, m);
                }
            }
        }
        Kind::Category => {
            let title = obj
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if input.contains_key("parent") {
                obj.insert("url".into(), json!(""));
            }
            place_category(state, id, &mut obj, &title);
        }
        Kind::Webhook => check_webhook(&obj)?,
        Kind::Tax if input.get("isDefault") == Some(&json!(true)) => {
            clear_default_tax(state);
        }
        _ => {}
    }
    if kind.spec().timestamps {
        obj.insert("updatedAt".into(), json!(now));
    }
    let changed = obj != before;
    if kind == Kind::Order {
        for (field, kind_name) in [
            ("status", "order"),
            ("paymentStatus", "invoice"),
            ("shipmentStatus", "shipment"),
        ] {
            if obj.get(field) != before.get(field) {
                let message = obj
                    .get(field)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                state.add_event(id, kind_name, &message, None, None, &now);
            }
        }
    }
    if let Some(item) = state.store.get_mut(kind, parent, id) {
        item.obj = obj;
    }
    if changed && let Some(group) = kind_group(kind) {
        state.changed(group, "updated", id);
    }
    Ok(())
}

fn check_status(input: &Map<String, Value>, key: &str, allowed: &[&str]) -> Result<(), ApiError> {
    match input.get(key) {
        None => Ok(()),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(()),
        Some(_) => Err(ApiError::new(400, &format!("Invalid {key}."))),
    }
}

/// `PUT products/{p}/attributes/{attributeId}` with `{"productAttribute": {"value": …}}`.
fn set_product_attribute(
    state: &mut LsState,
    product: u64,
    attribute: u64,
    input: &Map<String, Value>,
) -> Result<(), ApiError> {
    if state.store.get(Kind::Product, None, product).is_none()
        || state.store.get(Kind::Attribute, None, attribute).is_none()
    {
        return Err(ApiError::not_found());
    }
    let value = match input.get("value") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(invalid()),
    };
    let now = state.now();
    let mut obj = state
        .store
        .get(Kind::ProductAttribute, Some(product), attribute)
        .map(|i| i.obj.clone())
        .unwrap_or_else(|| {
            super::templates::template(
                Kind::ProductAttribute,
                attribute,
                &now,
                &state.links,
                &json!(false),
            )
        });
    obj.insert("value".into(), json!(value));
    state
        .store
        .insert(Kind::ProductAttribute, Some(product), obj);
    if let Some(p) = state.store.get_mut(Kind::Product, None, product) {
        p.obj.insert("updatedAt".into(), json!(now));
    }
    state.changed("products", "updated", product);
    Ok(())
}

/// `PUT products/{p}/attributes` (bulk): `[{"attribute": id, "value": …}]` or `{"<id>": "value"}`.
pub(crate) fn set_product_attributes(
    state: &mut LsState,
    product: u64,
    input: &Value,
) -> Result<(), ApiError> {
    let pairs: Vec<(u64, Value)> = match input {
        Value::Array(items) => items
            .iter()
            .map(|i| {
                let id = i
                    .get("attribute")
                    .or_else(|| i.get("id"))
                    .and_then(input_id)
                    .ok_or_else(invalid)?;
                Ok((id, i.get("value").cloned().unwrap_or(json!(""))))
            })
            .collect::<Result<_, ApiError>>()?,
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| {
                let id = k.parse().map_err(|_| invalid())?;
                let value = v.get("value").cloned().unwrap_or_else(|| v.clone());
                Ok((id, value))
            })
            .collect::<Result<_, ApiError>>()?,
        _ => return Err(invalid()),
    };
    for (id, value) in pairs {
        let mut m = Map::new();
        m.insert("value".into(), value);
        set_product_attribute(state, product, id, &m)?;
    }
    Ok(())
}

/// Deletes an object (and what hangs off it).
pub(crate) fn delete(
    state: &mut LsState,
    kind: Kind,
    parent: Option<u64>,
    id: u64,
) -> Result<(), ApiError> {
    let snapshot = state
        .store
        .get(kind, parent, id)
        .map(|i| state.render(kind, i))
        .ok_or_else(ApiError::not_found)?;
    state.store.remove(kind, parent, id);
    let refers_to = |field: &'static str, id: u64| {
        move |i: &super::store::Item| i.obj.get(field).and_then(link_id) == Some(id)
    };
    match kind {
        Kind::Product => {
            state
                .store
                .remove_where(Kind::Variant, refers_to("product", id));
            state
                .store
                .remove_where(Kind::CategoriesProduct, refers_to("product", id));
            state.store.remove_under(Kind::ProductImage, id);
            state.store.remove_under(Kind::ProductAttribute, id);
            state.store.remove_under(Kind::ProductFilterValue, id);
        }
        Kind::Category => state
            .store
            .remove_where(Kind::CategoriesProduct, refers_to("category", id)),
        Kind::Filter => state.store.remove_under(Kind::FilterValue, id),
        Kind::Attribute => state
            .store
            .remove_where(Kind::TypesAttribute, refers_to("attribute", id)),
        Kind::Type => state
            .store
            .remove_where(Kind::TypesAttribute, refers_to("type", id)),
        _ => {}
    }
    if let Some(group) = kind_group(kind) {
        state.changes.push(super::state::Change {
            group,
            action: "deleted",
            id,
            snapshot: Some(snapshot),
        });
    }
    Ok(())
}
