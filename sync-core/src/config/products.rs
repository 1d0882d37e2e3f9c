//! `[products]`: how ledger articles become shop products.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ArticleCondition, ConditionOp, FieldOwnership, Problems, Schedule};
use crate::datamapper::{Datamapper, Rule};
use crate::domain::{Article, Currency, MatchKey, ProductImage, VatRate, round_cents};

/// Prices: whether ledger prices include VAT, and the VAT rate per ledger VAT code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriceConfig {
    /// Whether ledger prices include VAT when the article does not say (default false).
    pub include_vat: bool,
    /// VAT code → percentage. Defaults `0` → 0, `1` → 9, `2` → 21 (sample codes, to be corrected).
    pub vat_rates: BTreeMap<String, Decimal>,
    /// The percentage for articles without a (known) VAT code (default 21).
    pub default_vat_percent: Decimal,
}

impl Default for PriceConfig {
    fn default() -> Self {
        Self {
            include_vat: false,
            vat_rates: BTreeMap::from([
                ("0".to_owned(), Decimal::ZERO),
                ("1".to_owned(), Decimal::from(9)),
                ("2".to_owned(), Decimal::from(21)),
            ]),
            default_vat_percent: Decimal::from(21),
        }
    }
}

/// How article groups become shop categories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryMode {
    /// Find a category by the group's name, create it when missing.
    #[default]
    CreateByName,
    /// Only use the `map` (group code → shop category).
    Map,
    /// Do not set categories.
    Off,
}

/// Categories from article groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CategoryConfig {
    /// The mode.
    pub mode: CategoryMode,
    /// Group code → shop category (id or name); consulted first in every mode but `off`.
    pub map: BTreeMap<String, String>,
}

/// Product images from an article field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageConfig {
    /// The article field holding the image file name (e.g. `IMG_MEDIUM`); absent = no images.
    pub field: Option<String>,
    /// The URL the file name is appended to; absent = the field holds a full URL.
    pub base_url: Option<String>,
}

/// A shop name filled from an article field: `{ name = "Land van herkomst", field = "K1_ORIGIN" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldMapping {
    /// The shop-side name (option, attribute or filter).
    pub name: String,
    /// The article field.
    pub field: String,
}

impl FieldMapping {
    /// A mapping of `name` from `field`.
    pub fn new(name: &str, field: &str) -> Self {
        Self {
            name: name.to_owned(),
            field: field.to_owned(),
        }
    }
}

/// `[products]`: the product flow's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProductsConfig {
    /// Whether the flow runs (default off: it writes to the merchant's shop front).
    pub enabled: bool,
    /// How often it runs (default hourly).
    pub schedule: Option<Schedule>,
    /// How articles are matched to shop products (default SKU, then EAN).
    pub match_order: Vec<MatchKey>,
    /// Which articles go to the shop; all conditions must hold. Default: `K1_WEBSHOP` is truthy (a
    /// custom field name, to be adapted per tenant).
    pub article_filter: Vec<ArticleCondition>,
    /// Leave blocked articles out (default true).
    pub skip_blocked: bool,
    /// The field whose value groups articles into one product with variants (default `K1_MODEL`);
    /// absent, or empty on an article = a simple product.
    pub variant_key_field: Option<String>,
    /// Variant options from fields. Default `Maat` ← `K1_SIZE`, `Kleur` ← `K1_COLOR`.
    pub options: Vec<FieldMapping>,
    /// Which fields Koppel writes on create and on update.
    pub ownership: FieldOwnership,
    /// Prices and VAT.
    pub prices: PriceConfig,
    /// Categories.
    pub categories: CategoryConfig,
    /// Images.
    pub images: ImageConfig,
    /// Attributes/specifications from fields.
    pub attributes: Vec<FieldMapping>,
    /// Shop filter values from fields (comma-separated values become several).
    pub filters: Vec<FieldMapping>,
    /// The shop currency.
    pub currency: Currency,
    /// Extra datamapper rules over the article record.
    pub rules: Vec<Rule>,
}

impl Default for ProductsConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            schedule: Some(Schedule::minutes(60)),
            match_order: vec![MatchKey::Sku, MatchKey::Ean],
            article_filter: vec![ArticleCondition {
                field: "K1_WEBSHOP".into(),
                op: ConditionOp::Truthy,
                value: None,
            }],
            skip_blocked: true,
            variant_key_field: Some("K1_MODEL".into()),
            options: vec![
                FieldMapping::new("Maat", "K1_SIZE"),
                FieldMapping::new("Kleur", "K1_COLOR"),
            ],
            ownership: FieldOwnership::default(),
            prices: PriceConfig::default(),
            categories: CategoryConfig::default(),
            images: ImageConfig::default(),
            attributes: Vec::new(),
            filters: Vec::new(),
            currency: Currency::EUR,
            rules: Vec::new(),
        }
    }
}

fn mapped(mappings: &[FieldMapping], article: &Article) -> Vec<(String, String)> {
    mappings
        .iter()
        .filter_map(|m| article.field_text(&m.field).map(|v| (m.name.clone(), v)))
        .collect()
}

impl ProductsConfig {
    /// Whether an article goes to the shop.
    pub fn accepts(&self, article: &Article) -> bool {
        !(self.skip_blocked && article.blocked)
            && self.article_filter.iter().all(|c| c.matches(article))
    }

    /// The product key: the variant grouping value, else the article code.
    pub fn group_key(&self, article: &Article) -> String {
        self.variant_key_field
            .as_deref()
            .and_then(|f| article.field_text(f))
            .unwrap_or_else(|| article.code.clone())
    }

    /// The VAT rate for a ledger VAT code (the default rate for none or an unknown code).
    pub fn vat_rate(&self, vat_code: Option<&str>) -> VatRate {
        let percent = vat_code
            .and_then(|c| self.prices.vat_rates.get(c.trim()))
            .copied()
            .unwrap_or(self.prices.default_vat_percent);
        VatRate::from_percentage(percent)
    }

    /// The article's price excluding and including VAT, rounded to cents, and its rate.
    pub fn prices(&self, article: &Article) -> Option<(Decimal, Decimal, VatRate)> {
        let price = article.price?;
        let rate = self.vat_rate(article.vat_code.as_deref());
        let (excl, incl) = if article
            .price_includes_vat
            .unwrap_or(self.prices.include_vat)
        {
            (rate.excl_from_incl(price), price)
        } else {
            (price, rate.incl_from_excl(price))
        };
        Some((round_cents(excl), round_cents(incl), rate))
    }

    /// Option name/value pairs for an article's variant.
    pub fn options_for(&self, article: &Article) -> Vec<(String, String)> {
        mapped(&self.options, article)
    }

    /// Attributes for an article.
    pub fn attributes_for(&self, article: &Article) -> IndexMap<String, String> {
        mapped(&self.attributes, article).into_iter().collect()
    }

    /// Filter values for an article (comma-separated field values split).
    pub fn filter_values_for(&self, article: &Article) -> IndexMap<String, Vec<String>> {
        mapped(&self.filters, article)
            .into_iter()
            .map(|(name, value)| {
                let values = value
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect();
                (name, values)
            })
            .collect()
    }

    /// The image for an article, if configured and present.
    pub fn image_for(&self, article: &Article) -> Option<ProductImage> {
        let name = article.field_text(self.images.field.as_deref()?)?;
        let url = match &self.images.base_url {
            Some(base) => format!(
                "{}/{}",
                base.trim_end_matches('/'),
                name.trim_start_matches('/')
            ),
            None => name.clone(),
        };
        Some(ProductImage {
            url,
            name: Some(name),
        })
    }

    /// The category for an article group code, from the map.
    pub fn mapped_category(&self, group_code: &str) -> Option<&str> {
        (self.categories.mode != CategoryMode::Off)
            .then(|| self.categories.map.get(group_code).map(String::as_str))
            .flatten()
    }

    pub(super) fn collect_problems(&self, p: &mut Problems) {
        p.match_order("products.match_order", &self.match_order);
        for (i, c) in self.article_filter.iter().enumerate() {
            let path = format!("products.article_filter[{i}]");
            p.require(&format!("{path}.field"), &c.field);
            let needs_value = matches!(
                c.op,
                ConditionOp::Equals | ConditionOp::NotEquals | ConditionOp::OneOf
            );
            if needs_value && c.value.is_none() {
                p.add(&path, "this op needs a `value`");
            }
            if c.op == ConditionOp::OneOf
                && !matches!(c.value, Some(serde_json::Value::Array(_)) | None)
            {
                p.add(&path, "`one_of` needs an array `value`");
            }
        }
        if let Some(f) = &self.variant_key_field {
            p.require("products.variant_key_field", f);
        }
        for (list, name) in [
            (&self.options, "options"),
            (&self.attributes, "attributes"),
            (&self.filters, "filters"),
        ] {
            for (i, m) in list.iter().enumerate() {
                p.require(&format!("products.{name}[{i}].name"), &m.name);
                p.require(&format!("products.{name}[{i}].field"), &m.field);
            }
        }
        let percent_ok = |d: &Decimal| *d >= Decimal::ZERO && *d <= Decimal::ONE_HUNDRED;
        for (code, percent) in &self.prices.vat_rates {
            if !percent_ok(percent) {
                p.add(
                    &format!("products.prices.vat_rates.{code}"),
                    "must be a percentage between 0 and 100",
                );
            }
        }
        if !percent_ok(&self.prices.default_vat_percent) {
            p.add(
                "products.prices.default_vat_percent",
                "must be a percentage between 0 and 100",
            );
        }
        if self.categories.mode == CategoryMode::Map && self.categories.map.is_empty() {
            p.add(
                "products.categories.map",
                "mode `map` needs at least one group code → category",
            );
        }
        if let Some(url) = &self.images.base_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            p.add(
                "products.images.base_url",
                "must start with https:// or http://",
            );
        }
        if let Err(e) = Datamapper::new(self.rules.clone()) {
            p.add("products.rules", e.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ArticleBuilder;
    use rust_decimal_macros::dec;

    #[test]
    fn accepts_applies_the_filter_and_skips_blocked_articles() {
        let config = ProductsConfig::default();
        assert!(config.accepts(&ArticleBuilder::new("A").field("K1_WEBSHOP", "J").build()));
        assert!(!config.accepts(&ArticleBuilder::new("B").field("K1_WEBSHOP", false).build()));
        assert!(!config.accepts(&ArticleBuilder::new("C").build()));
        let blocked = ArticleBuilder::new("D")
            .field("K1_WEBSHOP", 1)
            .blocked()
            .build();
        assert!(!config.accepts(&blocked));
    }

    #[test]
    fn prices_incl_and_excl_with_the_vat_table() {
        let config = ProductsConfig::default();
        let excl = ArticleBuilder::new("A")
            .price(dec!(10), false)
            .vat_code("2")
            .build();
        assert_eq!(
            config.prices(&excl),
            Some((dec!(10), dec!(12.10), VatRate::from_percentage(21)))
        );
        let incl = ArticleBuilder::new("A")
            .price(dec!(10.90), true)
            .vat_code("1")
            .build();
        assert_eq!(
            config.prices(&incl),
            Some((dec!(10), dec!(10.90), VatRate::from_percentage(9)))
        );
        let mut unknown = ArticleBuilder::new("A").vat_code("Z").build();
        unknown.price = Some(dec!(1));
        assert_eq!(
            config.prices(&unknown).unwrap().2,
            VatRate::from_percentage(21)
        );
        assert_eq!(config.prices(&ArticleBuilder::new("A").build()), None);
    }

    #[test]
    fn options_attributes_filters_images_and_grouping() {
        let config = ProductsConfig {
            attributes: vec![FieldMapping::new("Land van herkomst", "K1_ORIGIN")],
            filters: vec![FieldMapping::new("Materiaal", "K1_MAT")],
            images: ImageConfig {
                field: Some("IMG_MEDIUM".into()),
                base_url: Some("https://cdn.example.nl/img/".into()),
            },
            ..ProductsConfig::default()
        };
        let a = ArticleBuilder::new("SHIRT-RED-XL")
            .field("K1_MODEL", "SHIRT")
            .field("K1_SIZE", "XL")
            .field("K1_COLOR", "Rood")
            .field("K1_ORIGIN", "NL")
            .field("K1_MAT", "katoen, linnen,")
            .field("IMG_MEDIUM", "/shirt.jpg")
            .build();
        assert_eq!(config.group_key(&a), "SHIRT");
        assert_eq!(
            config.options_for(&a),
            [
                ("Maat".to_owned(), "XL".to_owned()),
                ("Kleur".to_owned(), "Rood".to_owned())
            ]
        );
        assert_eq!(config.attributes_for(&a)["Land van herkomst"], "NL");
        assert_eq!(
            config.filter_values_for(&a)["Materiaal"],
            ["katoen", "linnen"]
        );
        assert_eq!(
            config.image_for(&a).unwrap().url,
            "https://cdn.example.nl/img/shirt.jpg"
        );
        let simple = ArticleBuilder::new("MUG").build();
        assert_eq!(config.group_key(&simple), "MUG");
        assert!(config.image_for(&simple).is_none());
        assert_eq!(config.mapped_category("G1"), None);
    }
}
