//! Envelopes: `{"order": {...}}`, `{"orders": [...]}`, `{"count": 42}`, and error bodies.
//!
//! Responses are decoded in one pass straight from the bytes: the top-level object is scanned for
//! one of the accepted keys (the documented key plus the aliases seen live), the value under it is
//! decoded into the model with `serde_path_to_error` tracking the path, and an `error`/`errors`
//! key anywhere at the top level turns the response into an API error, even on a 2xx.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::entity::Entity;
use crate::error::{Error, Result};
use crate::serde_util::ItemsVisitor;

/// How many bytes of a body go into error messages.
const SNIPPET_LEN: usize = 300;

/// What a body held.
#[derive(Debug)]
pub(crate) enum Decoded<W> {
    /// The value under one of the accepted keys.
    Value(W),
    /// An `error`/`errors` object (to be turned into [`Error::Api`] with the request context).
    ApiError(serde_json::Value),
}

/// Decodes `{"<key>": <W>}` for any of `keys`.
pub(crate) fn decode_envelope<W>(body: &[u8], keys: &[&str]) -> Result<Decoded<W>>
where
    W: for<'de> Deserialize<'de>,
{
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(decode_error(".", de::Error::custom("empty body"), body));
    }
    let mut json = serde_json::Deserializer::from_slice(body);
    let mut track = serde_path_to_error::Track::new();
    let seed = EnvelopeSeed::<W> {
        keys,
        _w: PhantomData,
    };
    let outcome = seed.deserialize(serde_path_to_error::Deserializer::new(
        &mut json, &mut track,
    ));
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => return Err(decode_error(&track.path().to_string(), e, body)),
    };
    if let Err(e) = json.end() {
        return Err(decode_error(".", e, body));
    }
    match outcome {
        Outcome::Found(w) => Ok(Decoded::Value(w)),
        Outcome::ApiError(v) => Ok(Decoded::ApiError(v)),
        Outcome::Missing(seen) => Err(decode_error(
            ".",
            de::Error::custom(format!(
                "expected the key {} but found {}",
                keys.first().copied().unwrap_or("?"),
                if seen.is_empty() {
                    "no keys".to_owned()
                } else {
                    seen.join(", ")
                }
            )),
            body,
        )),
    }
}

/// The top-level `error` value of a parsed body, if it holds a real error.
pub(crate) fn error_in(value: &serde_json::Value) -> Option<&serde_json::Value> {
    let obj = value.as_object()?;
    ["error", "errors"]
        .iter()
        .filter_map(|k| obj.get(*k))
        .find(|v| is_real_error(v))
}

fn is_real_error(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null | serde_json::Value::Bool(false) => false,
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

pub(crate) fn decode_error(path: &str, source: serde_json::Error, body: &[u8]) -> Error {
    Error::Decode {
        path: if path.is_empty() {
            ".".into()
        } else {
            path.into()
        },
        source,
        snippet: snippet(body),
    }
}

/// The start of a body as text, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let end = body.len().min(SNIPPET_LEN);
    let mut text = String::from_utf8_lossy(&body[..end]).into_owned();
    text.retain(|c| !c.is_control() || c == ' ');
    if body.len() > SNIPPET_LEN {
        text.push('…');
    }
    text
}

enum Outcome<W> {
    Found(W),
    ApiError(serde_json::Value),
    Missing(Vec<String>),
}

struct EnvelopeSeed<'k, W> {
    keys: &'k [&'k str],
    _w: PhantomData<W>,
}

impl<'de, W: Deserialize<'de>> DeserializeSeed<'de> for EnvelopeSeed<'_, W> {
    type Value = Outcome<W>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, W: Deserialize<'de>> Visitor<'de> for EnvelopeSeed<'_, W> {
    type Value = Outcome<W>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with the key {:?}", self.keys.first())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let mut error = None;
        let mut seen = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if error.is_none() && (key == "error" || key == "errors") {
                let v: serde_json::Value = map.next_value()?;
                if is_real_error(&v) {
                    error = Some(v);
                }
            } else if found.is_none() && self.keys.contains(&key.as_str()) {
                found = Some(map.next_value::<W>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
                seen.push(key);
            }
        }
        Ok(match (error, found) {
            (Some(e), _) => Outcome::ApiError(e),
            (None, Some(w)) => Outcome::Found(w),
            (None, None) => Outcome::Missing(seen),
        })
    }
}

/// One object; a one-element list is accepted too (some create responses use the plural key).
pub(crate) struct Single<T>(pub(crate) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Single<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SingleVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for SingleVisitor<T> {
            type Value = Single<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Single<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Single)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Single<T>, A::Error> {
                let first = seq
                    .next_element::<T>()?
                    .ok_or_else(|| de::Error::invalid_length(0, &"one object"))?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Single(first))
            }
        }

        d.deserialize_any(SingleVisitor(PhantomData))
    }
}

/// A list: an array, an object keyed by id, or `false`/`null` for empty.
pub(crate) struct Items<T>(pub(crate) Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Items<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ItemsVisitor(PhantomData)).map(Items)
    }
}

/// A count: a number or a numeric string.
pub(crate) struct Count(pub(crate) u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CountVisitor;

        impl Visitor<'_> for CountVisitor {
            type Value = Count;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a count")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v)
                    .map(Count)
                    .map_err(|_| E::custom(format!("negative count {v}")))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Count, E> {
                v.trim()
                    .parse()
                    .map(Count)
                    .map_err(|_| E::custom(format!("`{v}` is not a count")))
            }
        }

        d.deserialize_any(CountVisitor)
    }
}

/// A write body: `{"<key>": body}`.
pub(crate) struct WriteEnvelope<'a, B> {
    pub(crate) key: &'a str,
    pub(crate) body: &'a B,
}

impl<B: Serialize> Serialize for WriteEnvelope<'_, B> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(self.key, self.body)?;
        map.end()
    }
}

/// Decodes a single-object response body (`{"order": {...}}`) into its model, accepting the
/// model's key aliases. A body holding an `error` object is an [`Error::Api`].
///
/// Useful for payloads that arrive outside the client (webhooks, stored responses, fixtures).
///
/// ```
/// use lightspeed_client::{envelope, models::Tax};
/// let tax: Tax = envelope::decode(br#"{"tax": {"id": 1, "rate": 0.21, "title": "Hoog"}}"#)?;
/// assert_eq!(tax.rate_percent().unwrap().to_string(), "21");
/// # Ok::<(), lightspeed_client::Error>(())
/// ```
pub fn decode<T: Entity>(body: &[u8]) -> Result<T> {
    match decode_envelope::<Single<T>>(body, T::KEYS.single)? {
        Decoded::Value(Single(t)) => Ok(t),
        Decoded::ApiError(e) => Err(api_error_without_context(&e)),
    }
}

/// Decodes a list response body (`{"orders": [...]}`) into its models.
pub fn decode_list<T: Entity>(body: &[u8]) -> Result<Vec<T>> {
    match decode_envelope::<Items<T>>(body, T::KEYS.list)? {
        Decoded::Value(Items(items)) => Ok(items),
        Decoded::ApiError(e) => Err(api_error_without_context(&e)),
    }
}

fn api_error_without_context(error: &serde_json::Value) -> Error {
    crate::api_error::api_error_from_value(http::StatusCode::OK, "?", "?", error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Order, ProductFilterValue, Tax, TypesAttribute};

    #[test]
    fn single_with_alias_key() {
        let body = br#"{"productFiltervalue": {"id": 3, "filter": false, "filtervalue": false}}"#;
        let v: ProductFilterValue = decode(body).unwrap();
        assert_eq!(v.id, 3);
    }

    #[test]
    fn plural_create_response_key() {
        let body = br#"{"typesAttributes": {"id": 8, "sortOrder": null}}"#;
        let v: TypesAttribute = decode(body).unwrap();
        assert_eq!(v.id, 8);
        let body = br#"{"typesAttributes": [{"id": 9}]}"#;
        assert_eq!(decode::<TypesAttribute>(body).unwrap().id, 9);
    }

    #[test]
    fn list_accepts_array_object_and_false() {
        let list: Vec<Tax> = decode_list(br#"{"taxes": [{"id": 1}, {"id": 2}]}"#).unwrap();
        assert_eq!(list.len(), 2);
        let list: Vec<Tax> = decode_list(br#"{"taxes": {"7": {"id": 7}}}"#).unwrap();
        assert_eq!(list[0].id, 7);
        let list: Vec<Tax> = decode_list(br#"{"taxes": false}"#).unwrap();
        assert!(list.is_empty());
    }

    #[test]
    fn error_body_wins_even_on_success() {
        let body = br#"{"error": {"code": 400, "method": "CREATE", "request": "/nl/products/1/images.json", "message": "Invalid data input."}}"#;
        match decode::<Tax>(body) {
            Err(Error::Api { message, code, .. }) => {
                assert_eq!(message, "Invalid data input.");
                assert_eq!(code.as_deref(), Some("400"));
            }
            other => panic!("expected an API error, got {other:?}"),
        }
    }

    #[test]
    fn empty_error_values_are_ignored() {
        let tax: Tax = decode(br#"{"error": false, "tax": {"id": 5}}"#).unwrap();
        assert_eq!(tax.id, 5);
    }

    #[test]
    fn decode_errors_name_the_path_and_show_the_body() {
        let body = br#"{"order": {"id": 1, "priceIncl": "lots"}}"#;
        match decode::<Order>(body) {
            Err(Error::Decode { path, snippet, .. }) => {
                assert_eq!(path, "order.priceIncl");
                assert!(snippet.contains("lots"));
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn missing_key_and_garbage_are_decode_errors() {
        assert!(matches!(
            decode::<Tax>(br#"{"other": 1}"#),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            decode::<Tax>(b"<html>"),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(decode::<Tax>(b"  "), Err(Error::Decode { .. })));
    }

    #[test]
    fn write_envelope_wraps_the_body() {
        let body = serde_json::json!({"stockLevel": 5});
        let json = serde_json::to_string(&WriteEnvelope {
            key: "variant",
            body: &body,
        })
        .unwrap();
        assert_eq!(json, r#"{"variant":{"stockLevel":5}}"#);
    }
}
