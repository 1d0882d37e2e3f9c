//! Types shared by many resources: resource links, countries, languages, files, tax lines,
//! metafields, addresses and the shop id.

use std::fmt;

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::entity::entity;
use crate::serde_util::{false_as_none, int, opt_decimal, opt_int};

/// A link to another resource: `{"resource": {"id": 1, "url": "customers/1", "link": "https://…"}}`.
///
/// `T` is the linked model. When the API inlines the target (`resource.embedded`, as the order
/// example does for its customer, lines, invoices, shipments, quote and events), it is decoded
/// into `embedded`; do not rely on it being present.
///
/// Every part may be absent: a relation the API sends as `{"resource": false}` (or `null`, `""`,
/// `[]`) is a link with nothing in it, and serialises back as `{"resource": null}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Link<T> {
    /// The target's id; `None` for collection links (the API sends `false`).
    pub id: Option<u64>,
    /// Relative URL without language and `.json`, possibly with a filter (`invoices?order=1`).
    pub url: Option<String>,
    /// Absolute URL with language and `.json`.
    pub link: Option<String>,
    /// The inlined target, when the API embedded it.
    pub embedded: Option<Box<T>>,
}

/// A link to a resource this crate does not model (delivery dates, reviews, tags…).
pub type RawLink = Link<serde_json::Value>;

impl<T> Link<T> {
    /// The embedded target, if the API inlined it.
    pub fn embedded(&self) -> Option<&T> {
        self.embedded.as_deref()
    }
}

#[derive(Deserialize)]
#[serde(bound = "T: Deserialize<'de>")]
struct LinkWire<T> {
    #[serde(default, deserialize_with = "false_as_none")]
    resource: Option<ResourceWire<T>>,
}

#[derive(Deserialize)]
#[serde(bound = "T: Deserialize<'de>")]
struct ResourceWire<T> {
    #[serde(default, deserialize_with = "opt_int")]
    id: Option<u64>,
    #[serde(default, deserialize_with = "false_as_none")]
    url: Option<String>,
    #[serde(default, deserialize_with = "false_as_none")]
    link: Option<String>,
    #[serde(default, deserialize_with = "false_as_none")]
    embedded: Option<Box<T>>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Link<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Some(resource) = LinkWire::<T>::deserialize(d)?.resource else {
            return Ok(Link {
                id: None,
                url: None,
                link: None,
                embedded: None,
            });
        };
        Ok(Link {
            id: resource.id,
            url: resource.url,
            link: resource.link,
            embedded: resource.embedded,
        })
    }
}

#[derive(Serialize)]
struct LinkOut<'a, T> {
    resource: Option<ResourceOut<'a, T>>,
}

#[derive(Serialize)]
struct ResourceOut<'a, T> {
    id: serde_json::Value,
    url: Option<&'a str>,
    link: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    embedded: Option<&'a T>,
}

impl<T: Serialize> Serialize for Link<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let empty = self.id.is_none()
            && self.url.is_none()
            && self.link.is_none()
            && self.embedded.is_none();
        LinkOut {
            resource: (!empty).then(|| ResourceOut {
                id: self
                    .id
                    .map_or(serde_json::Value::Bool(false), serde_json::Value::from),
                url: self.url.as_deref(),
                link: self.link.as_deref(),
                embedded: self.embedded.as_deref(),
            }),
        }
        .serialize(s)
    }
}

/// A country as the API returns it: `{"id": 150, "code": "nl", "code3": "nld", "title": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Country {
    /// Lightspeed's country id.
    #[serde(deserialize_with = "opt_int")]
    pub id: Option<u64>,
    /// ISO 3166-1 alpha-2 code, lower case (`nl`).
    #[serde(deserialize_with = "false_as_none")]
    pub code: Option<String>,
    /// ISO 3166-1 alpha-3 code, lower case (`nld`).
    #[serde(deserialize_with = "false_as_none")]
    pub code3: Option<String>,
    /// Name in the request language.
    #[serde(deserialize_with = "false_as_none")]
    pub title: Option<String>,
}

/// Region details of an address (`addressBillingRegionData`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RegionData {
    /// Region id.
    #[serde(deserialize_with = "opt_int")]
    pub id: Option<u64>,
    /// Region name.
    #[serde(deserialize_with = "false_as_none")]
    pub name: Option<String>,
    /// Region code (`QC`).
    #[serde(deserialize_with = "false_as_none")]
    pub code: Option<String>,
}

/// A shop language (`language.json`, and inline on orders, customers and webhooks).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Language {
    /// Language id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Whether the language is active in the shop (only on the language resource).
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Whether it is the shop's default language (only on the language resource).
    #[serde(default)]
    pub is_default: Option<bool>,
    /// Two-letter code used in URLs (`nl`, `us`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub code: Option<String>,
    /// Locale (`nl_NL`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub locale: Option<String>,
    /// Display name.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
}

entity!(Language, single: ["language"], list: ["languages"], write: "language");

/// A file object (product main image, brand logo, variant image).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Image {
    /// Upload time.
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// File extension (`png`).
    #[serde(deserialize_with = "false_as_none")]
    pub extension: Option<String>,
    /// Size in bytes.
    #[serde(deserialize_with = "opt_int")]
    pub size: Option<u64>,
    /// Title.
    #[serde(deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Thumbnail URL (with a size segment such as `50x50x2`).
    #[serde(deserialize_with = "false_as_none")]
    pub thumb: Option<String>,
    /// Full-size URL.
    #[serde(deserialize_with = "false_as_none")]
    pub src: Option<String>,
}

/// One tax line of a total: `{"name": "GST", "rate": 0.05, "amount": 2.1}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaxRateLine {
    /// Tax name.
    #[serde(deserialize_with = "false_as_none")]
    pub name: Option<String>,
    /// Rate as a fraction (`0.21` = 21 %).
    #[serde(with = "opt_decimal")]
    pub rate: Option<Decimal>,
    /// Tax amount.
    #[serde(with = "opt_decimal")]
    pub amount: Option<Decimal>,
}

impl TaxRateLine {
    /// The rate as a percentage (`0.21` → `21`).
    pub fn rate_percent(&self) -> Option<Decimal> {
        self.rate.map(fraction_to_percent)
    }
}

/// Converts a tax fraction (`0.21`) into a percentage (`21`), normalised (no trailing zeros).
pub fn fraction_to_percent(rate: Decimal) -> Decimal {
    (rate * Decimal::ONE_HUNDRED).normalize()
}

/// A metafield (`{"productMetafield": {"id", "key", "value"}}` and the same under orders,
/// customers, variants, invoices, shipments, the shop and the account).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metafield {
    /// Metafield id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default)]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Key.
    #[serde(default, deserialize_with = "false_as_none")]
    pub key: Option<String>,
    /// Value.
    #[serde(default, deserialize_with = "false_as_none")]
    pub value: Option<String>,
}

/// Body to create or update a metafield.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetafieldUpdate {
    /// Key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Body to create a metafield (same shape as [`MetafieldUpdate`]).
pub type MetafieldCreate = MetafieldUpdate;

entity!(
    Metafield,
    single: [
        "metafield", "productMetafield", "orderMetafield", "customerMetafield",
        "variantMetafield", "invoiceMetafield", "shipmentMetafield", "shopMetafield",
        "accountMetafield"
    ],
    list: [
        "metafields", "productMetafields", "orderMetafields", "customerMetafields",
        "variantMetafields", "invoiceMetafields", "shipmentMetafields", "shopMetafields",
        "accountMetafields"
    ],
    write: "metafield",
    create: MetafieldCreate,
    update: MetafieldUpdate,
    delete: true
);

/// An address assembled from the flat `addressBilling*` / `addressShipping*` fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    /// Company (shipping addresses only).
    pub company: Option<String>,
    /// Addressee name.
    pub name: Option<String>,
    /// Street.
    pub street: Option<String>,
    /// Second street line.
    pub street2: Option<String>,
    /// House number.
    pub number: Option<String>,
    /// House number extension.
    pub extension: Option<String>,
    /// Postal code.
    pub zipcode: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Country.
    pub country: Option<Country>,
}

/// A shop id. The documentation shows the string `"000001"`, a live shop sends the number
/// `356891`; both are accepted and the text is kept as received.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShopId(String);

impl ShopId {
    /// Creates a shop id from its text.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as text, exactly as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The numeric value (`"000001"` → `1`), if the id is numeric.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.trim().parse().ok()
    }
}

impl fmt::Display for ShopId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<u64> for ShopId {
    fn from(id: u64) -> Self {
        Self(id.to_string())
    }
}

impl From<&str> for ShopId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

impl Serialize for ShopId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ShopId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ShopIdVisitor;

        impl Visitor<'_> for ShopIdVisitor {
            type Value = ShopId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a shop id (number or string)")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ShopId, E> {
                Ok(ShopId(v.to_string()))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ShopId, E> {
                Ok(ShopId(v.to_string()))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<ShopId, E> {
                Ok(ShopId(v.to_owned()))
            }
        }

        d.deserialize_any(ShopIdVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_with_id_and_embedded() {
        let json = r#"{"resource": {"id": 5, "url": "customers/5", "link": "https://x/nl/customers/5.json",
            "embedded": {"id": 5, "code": "nl"}}}"#;
        let link: Link<Language> = serde_json::from_str(json).unwrap();
        assert_eq!(link.id, Some(5));
        assert_eq!(link.url.as_deref(), Some("customers/5"));
        assert_eq!(link.embedded().unwrap().code.as_deref(), Some("nl"));
    }

    #[test]
    fn collection_link_has_no_id() {
        let json = r#"{"resource": {"id": false, "url": "invoices?order=1", "link": "https://x"}}"#;
        let link: RawLink = serde_json::from_str(json).unwrap();
        assert_eq!(link.id, None);
        assert!(link.embedded.is_none());
        let back = serde_json::to_value(&link).unwrap();
        assert_eq!(back["resource"]["id"], serde_json::Value::Bool(false));
    }

    #[test]
    fn empty_embedded_list_is_an_empty_list() {
        let json = r#"{"resource": {"id": false, "url": "u", "link": "l", "embedded": []}}"#;
        let link: Link<Vec<Metafield>> = serde_json::from_str(json).unwrap();
        assert_eq!(link.embedded().map(Vec::len), Some(0));
    }

    #[test]
    fn shop_id_accepts_number_and_string() {
        let a: ShopId = serde_json::from_str("356891").unwrap();
        let b: ShopId = serde_json::from_str("\"000001\"").unwrap();
        assert_eq!(a.as_u64(), Some(356_891));
        assert_eq!(b.as_str(), "000001");
        assert_eq!(b.as_u64(), Some(1));
    }

    #[test]
    fn tax_fraction_as_percent() {
        let line: TaxRateLine = serde_json::from_str(r#"{"rate": 0.21}"#).unwrap();
        assert_eq!(line.rate_percent().unwrap().to_string(), "21");
        assert_eq!(fraction_to_percent(Decimal::new(9, 2)).to_string(), "9");
    }
}
