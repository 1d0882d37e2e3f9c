//! POST / PUT / DELETE semantics per kind.

use serde_json::{Map, Value, json};

use super::api::ApiError;
use super::fields::{
    apply, check_webhook, clear_default_tax, derive_prices, image_from_input, image_object,
    input_id, invalid, place_category, relations, require_text, slug,
};
use super::kinds::Kind;
use super::state::{LsState, kind_group};
use super::store::link_id;

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
