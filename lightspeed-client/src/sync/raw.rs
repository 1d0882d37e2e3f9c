//! A model decoded together with the JSON it came from.
//!
//! Flows keep the payload "as received" in the activity log and in dead letters. The client's
//! handlers decode straight into typed models, so the connector lists and fetches `Raw<Order>`
//! instead: the envelope is decoded by the client as usual (aliases, error bodies, paging), and
//! each item is first read as a [`serde_json::Value`] and then decoded from that value into the
//! model. Decoding from a `Value` gives the same result as decoding from the bytes (numbers reach
//! the decimal visitor as the same `f64`), and a failure names the path inside the item.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::entity::{Entity, Keys};
use crate::scan::Timestamped;

/// `T` and the JSON object it was decoded from.
#[derive(Debug, Clone)]
pub(crate) struct Raw<T> {
    /// The typed model.
    pub(crate) model: T,
    /// The item as received (keys in their original order).
    pub(crate) json: Value,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Raw<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let json = Value::deserialize(d)?;
        let model = serde_path_to_error::deserialize(&json).map_err(|e| {
            let path = e.path().to_string();
            D::Error::custom(format!("at `{path}`: {}", e.into_inner()))
        })?;
        Ok(Raw { model, json })
    }
}

impl<T: Entity> Entity for Raw<T> {
    const KEYS: Keys = T::KEYS;

    fn id(&self) -> Option<u64> {
        self.model.id()
    }
}

impl<T: Timestamped> Timestamped for Raw<T> {
    fn created_at_utc(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.model.created_at_utc()
    }

    fn updated_at_utc(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.model.updated_at_utc()
    }
}

/// Puts `items` where Lightspeed embeds a linked collection: `json[link].resource.embedded`.
/// Used when lines or invoice items came from a request of their own, so the raw payload always
/// holds the complete record. Does nothing when `json[link]` is not a resource link object.
pub(crate) fn embed(json: &mut Value, link: &str, items: Vec<Value>) {
    if let Some(resource) = json
        .get_mut(link)
        .and_then(|l| l.get_mut("resource"))
        .and_then(Value::as_object_mut)
    {
        resource.insert("embedded".to_owned(), Value::Array(items));
    } else if let Some(object) = json.as_object_mut() {
        object.insert(
            link.to_owned(),
            serde_json::json!({"resource": {"id": false, "embedded": items}}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Order;
    use rust_decimal_macros::dec;

    #[test]
    fn keeps_model_and_json() {
        let raw: Raw<Order> =
            serde_json::from_str(r#"{"id": 7, "priceIncl": 50.35, "unknownField": false}"#)
                .unwrap();
        assert_eq!(raw.model.id, 7);
        assert_eq!(raw.model.price_incl, Some(dec!(50.35)));
        assert_eq!(raw.json["unknownField"], Value::Bool(false));
        assert_eq!(raw.json["priceIncl"].to_string(), "50.35");
        assert_eq!(Entity::id(&raw), Some(7));
    }

    #[test]
    fn decode_errors_name_the_inner_path() {
        let err = serde_json::from_str::<Raw<Order>>(r#"{"id": 7, "priceIncl": "lots"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("at `priceIncl`"), "{err}");
    }

    #[test]
    fn embed_fills_an_existing_link_or_adds_one() {
        let mut json = serde_json::json!({"products": {"resource": {"id": false, "url": "u"}}});
        embed(&mut json, "products", vec![serde_json::json!({"id": 1})]);
        assert_eq!(json["products"]["resource"]["url"], "u");
        assert_eq!(json["products"]["resource"]["embedded"][0]["id"], 1);
        let mut bare = serde_json::json!({"id": 1});
        embed(&mut bare, "items", vec![]);
        assert_eq!(bare["items"]["resource"]["embedded"], serde_json::json!([]));
    }
}
