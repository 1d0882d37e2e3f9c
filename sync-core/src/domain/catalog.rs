//! Catalogue: ledger articles, shop products and variants, stock levels.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::VatRate;

/// Which identifier to match articles, variants and order lines on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKey {
    /// The ledger's article code.
    ArticleCode,
    /// The stock-keeping unit.
    Sku,
    /// The EAN/GTIN barcode.
    Ean,
}

impl MatchKey {
    /// The snake_case name (`"article_code"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ArticleCode => "article_code",
            Self::Sku => "sku",
            Self::Ean => "ean",
        }
    }
}

/// Normalise an EAN/GTIN: keep the digits only (`"87 12345 678906"` → `"8712345678906"`); `None` when
/// nothing is left.
pub fn normalize_ean(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// Whether `ean` (after [`normalize_ean`]) is a GTIN-8, -12, -13 or -14 with a correct check digit.
pub fn ean_checksum_valid(ean: &str) -> bool {
    let Some(digits) = normalize_ean(ean) else {
        return false;
    };
    if ![8, 12, 13, 14].contains(&digits.len()) {
        return false;
    }
    let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    let (body, check) = values.split_at(values.len() - 1);
    // From the right, excluding the check digit, weights alternate 3, 1, 3, …
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    check.first().is_some_and(|c| (10 - sum % 10) % 10 == *c)
}

/// An article group in the ledger (becomes a shop category).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArticleGroup {
    /// The group code.
    pub code: String,
    /// The group name.
    #[serde(default)]
    pub name: String,
}

/// An article as a ledger knows it, in neutral terms.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Article {
    /// The article code (the ledger's key).
    pub code: String,
    /// The (short) description.
    pub description: String,
    /// A longer description.
    pub long_description: Option<String>,
    /// The article group.
    pub group: Option<ArticleGroup>,
    /// The EAN/GTIN.
    pub ean: Option<String>,
    /// The SKU, when the ledger keeps one apart from the article code.
    pub sku: Option<String>,
    /// The sales price.
    pub price: Option<Decimal>,
    /// Whether `price` includes VAT; `None` when the ledger does not say (configuration decides).
    pub price_includes_vat: Option<bool>,
    /// The ledger's VAT code for the article.
    pub vat_code: Option<String>,
    /// Quantity columns by name (e.g. technical, available, reserved), for the stock formula.
    pub quantities: BTreeMap<String, Decimal>,
    /// Any other column, by name, for filters, options, attributes and the datamapper.
    pub fields: BTreeMap<String, serde_json::Value>,
    /// Whether the article is blocked in the ledger.
    pub blocked: bool,
    /// When the ledger last changed the article.
    pub changed_at: Option<DateTime<Utc>>,
}

impl Article {
    /// The article's key for a match key: the code, the SKU or the EAN, when present and not blank.
    pub fn key(&self, key: MatchKey) -> Option<&str> {
        let value = match key {
            MatchKey::ArticleCode => Some(self.code.as_str()),
            MatchKey::Sku => self.sku.as_deref(),
            MatchKey::Ean => self.ean.as_deref(),
        };
        value.map(str::trim).filter(|v| !v.is_empty())
    }

    /// A custom field by name; exact match first, then ignoring ASCII case.
    pub fn field(&self, name: &str) -> Option<&serde_json::Value> {
        self.fields.get(name).or_else(|| {
            self.fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    }

    /// A custom field as text: strings trimmed, numbers and booleans printed, blank and null as `None`.
    pub fn field_text(&self, name: &str) -> Option<String> {
        let text = match self.field(name)? {
            serde_json::Value::String(s) => s.trim().to_owned(),
            serde_json::Value::Null => return None,
            other => other.to_string(),
        };
        (!text.is_empty()).then_some(text)
    }

    /// A quantity column by name; exact match first, then ignoring ASCII case.
    pub fn quantity(&self, column: &str) -> Option<Decimal> {
        self.quantities.get(column).copied().or_else(|| {
            self.quantities
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(column))
                .map(|(_, v)| *v)
        })
    }
}

/// A product image.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProductImage {
    /// Where the image can be downloaded.
    pub url: String,
    /// A file name or title.
    #[serde(default)]
    pub name: Option<String>,
}

/// A shop product built from one or more articles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Product {
    /// The grouping key: the article code for a simple product, the variant grouping value otherwise.
    pub key: String,
    /// The title.
    pub title: String,
    /// A short description.
    pub short_description: Option<String>,
    /// A long description (may be HTML).
    pub long_description: Option<String>,
    /// The brand.
    pub brand: Option<String>,
    /// Category names or ids (as configured).
    pub categories: Vec<String>,
    /// Images.
    pub images: Vec<ProductImage>,
    /// Attributes/specifications by name ("Land van herkomst" → "NL").
    pub attributes: IndexMap<String, String>,
    /// Shop filter values by filter name.
    pub filter_values: IndexMap<String, Vec<String>>,
    /// Whether the product is visible in the shop.
    pub visible: bool,
    /// The variants (one for a simple product).
    pub variants: Vec<Variant>,
}

/// One sellable variant of a product.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Variant {
    /// The ledger article behind the variant.
    pub article_code: String,
    /// The SKU.
    pub sku: Option<String>,
    /// The EAN/GTIN.
    pub ean: Option<String>,
    /// The variant title ("Rood / XL").
    pub title: String,
    /// Option name/value pairs (("Maat", "XL"), ("Kleur", "Rood")), in order.
    pub options: Vec<(String, String)>,
    /// Price excluding VAT.
    pub price_excl: Decimal,
    /// Price including VAT.
    pub price_incl: Decimal,
    /// The VAT rate.
    pub vat_rate: VatRate,
    /// Stock level, when the product flow writes it.
    pub stock: Option<Decimal>,
    /// Extra fields for the shop, produced by the datamapper.
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// A computed stock level for one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    /// The ledger article code.
    pub article_code: String,
    /// The SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// The EAN/GTIN.
    #[serde(default)]
    pub ean: Option<String>,
    /// The quantity to show in the shop.
    pub quantity: Decimal,
    /// Whether the shop should track stock for it; `None` leaves the shop setting alone.
    #[serde(default)]
    pub managed: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use serde_json::json;

    #[test]
    fn ean_normalisation() {
        assert_eq!(
            normalize_ean(" 87 12345-678906 ").as_deref(),
            Some("8712345678906")
        );
        assert_eq!(normalize_ean("n/a"), None);
    }

    #[test]
    fn ean_checksums() {
        assert!(ean_checksum_valid("8712345678906"));
        assert!(ean_checksum_valid("4006381333931"));
        assert!(ean_checksum_valid("96385074"), "EAN-8");
        assert!(ean_checksum_valid("036000291452"), "UPC-A");
        assert!(!ean_checksum_valid("8712345678907"), "wrong check digit");
        assert!(!ean_checksum_valid("12345"), "wrong length");
        assert!(!ean_checksum_valid(""));
    }

    #[test]
    fn article_keys_fields_and_quantities() {
        let article = Article {
            code: "ART-1".into(),
            sku: Some(" ".into()),
            ean: Some("8712345678906".into()),
            quantities: BTreeMap::from([("QTY_TECH".to_owned(), dec!(5))]),
            fields: BTreeMap::from([
                ("K1_WEBSHOP".to_owned(), json!(true)),
                ("K1_SIZE".to_owned(), json!(" XL ")),
                ("K1_NONE".to_owned(), json!(null)),
                ("K1_NUM".to_owned(), json!(42)),
            ]),
            ..Article::default()
        };
        assert_eq!(article.key(MatchKey::ArticleCode), Some("ART-1"));
        assert_eq!(article.key(MatchKey::Sku), None);
        assert_eq!(article.key(MatchKey::Ean), Some("8712345678906"));
        assert_eq!(article.field("k1_webshop"), Some(&json!(true)));
        assert_eq!(article.field_text("K1_SIZE").as_deref(), Some("XL"));
        assert_eq!(article.field_text("K1_NONE"), None);
        assert_eq!(article.field_text("K1_NUM").as_deref(), Some("42"));
        assert_eq!(article.quantity("qty_tech"), Some(dec!(5)));
        assert_eq!(article.quantity("QTY_AVAIL"), None);
        assert_eq!(MatchKey::ArticleCode.as_str(), "article_code");
    }
}
