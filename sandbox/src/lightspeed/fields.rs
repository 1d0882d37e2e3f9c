//! Write input handling shared by every kind: relation ids to links, type checks and coercion,
//! required fields, and the per-kind details (prices, categories, images, webhooks).

use base64::Engine as _;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::api::ApiError;
use super::kinds::Kind;
use super::state::LsState;
use super::store::link_id;
use crate::geo::{self, country_json, language_json};
use crate::money::{dec, fixed_str, num, round, round2};

/// Webhook item groups the API knows.
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

pub(crate) fn invalid() -> ApiError {
    ApiError::new(400, "Invalid data input.")
}

/// Relation fields of a kind: input ids become resource links to the target kind.
pub(crate) fn relations(kind: Kind) -> &'static [(&'static str, Kind)] {
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
pub(crate) fn input_id(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Object(o) => o.get("id").and_then(input_id).or_else(|| link_id(v)),
        _ => None,
    }
}

pub(crate) fn is_nothing(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Bool(false)) || v.as_u64() == Some(0) || v.as_str() == Some("")
}

/// Copies input fields onto an object with type checks and coercion; relation ids become links.
pub(crate) fn apply(
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

pub(crate) fn coerce(key: &str, current: &Value, value: &Value) -> Result<Value, ApiError> {
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

pub(crate) fn require_text(input: &Map<String, Value>, key: &str) -> Result<(), ApiError> {
    match input.get(key).and_then(Value::as_str) {
        Some(s) if !s.trim().is_empty() => Ok(()),
        _ => Err(ApiError::new(400, &format!("The field {key} is required."))),
    }
}

pub(crate) fn slug(s: &str) -> String {
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
pub(crate) fn derive_prices(
    state: &LsState,
    obj: &mut Map<String, Value>,
    input: &Map<String, Value>,
) {
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

pub(crate) fn clear_default_tax(state: &mut LsState) {
    let ids: Vec<u64> = state.store.all(Kind::Tax).map(|t| t.id()).collect();
    for id in ids {
        if let Some(t) = state.store.get_mut(Kind::Tax, None, id) {
            t.obj.insert("isDefault".into(), json!(false));
        }
    }
}

pub(crate) fn check_webhook(obj: &Map<String, Value>) -> Result<(), ApiError> {
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

pub(crate) fn place_category(state: &LsState, id: u64, obj: &mut Map<String, Value>, title: &str) {
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
pub(crate) fn image_object(img: &Map<String, Value>) -> Value {
    let mut m = img.clone();
    m.remove("id");
    m.remove("sortOrder");
    Value::Object(m)
}

/// Fills a product image from `attachment` (URL or base64), `filename`, `src` and `title`.
pub(crate) fn image_from_input(
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
