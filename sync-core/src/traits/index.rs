//! Lookup indexes that resolve an item by article code, SKU or EAN in a configured order.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::{Article, MatchKey, OrderLine, StockLevel, Variant, normalize_ean};
use crate::error::{ErrorKind, SyncError};

/// Something with article code / SKU / EAN keys.
pub trait Keyed {
    /// The raw key for `key`, if the item has one.
    fn key(&self, key: MatchKey) -> Option<&str>;
}

/// The comparison form of a key: codes and SKUs trimmed and uppercased, EANs reduced to digits.
fn index_key(key: MatchKey, value: &str) -> Option<String> {
    match key {
        MatchKey::Ean => normalize_ean(value),
        MatchKey::ArticleCode | MatchKey::Sku => {
            let v = value.trim().to_uppercase();
            (!v.is_empty()).then_some(v)
        }
    }
}

/// A resolved item and the key that found it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved<'a, T> {
    /// The item.
    pub item: &'a T,
    /// The key that matched.
    pub matched_by: MatchKey,
}

/// An index over items by article code, SKU and EAN (case-insensitive for codes and SKUs, digits only
/// for EANs). One index type serves the ledger's articles ([`ArticleIndex`]) and the shop's variants
/// ([`VariantIndex`]).
#[derive(Debug, Clone)]
pub struct CatalogIndex<T> {
    items: Vec<T>,
    by_key: HashMap<(MatchKey, String), Vec<usize>>,
}

impl<T> Default for CatalogIndex<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            by_key: HashMap::new(),
        }
    }
}

impl<T: Keyed> FromIterator<T> for CatalogIndex<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut index = Self::default();
        iter.into_iter().for_each(|item| index.insert(item));
        index
    }
}

impl<T: Keyed> CatalogIndex<T> {
    /// Add an item under each of its keys.
    pub fn insert(&mut self, item: T) {
        let position = self.items.len();
        for key in [MatchKey::ArticleCode, MatchKey::Sku, MatchKey::Ean] {
            if let Some(k) = item.key(key).and_then(|v| index_key(key, v)) {
                self.by_key.entry((key, k)).or_default().push(position);
            }
        }
        self.items.push(item);
    }

    /// All items, in insertion order.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The item with `value` under `key`. More than one item with that key is a skippable
    /// `ambiguous_match` error: never pick one at random.
    pub fn get(&self, key: MatchKey, value: &str) -> Result<Option<&T>, SyncError> {
        let Some(k) = index_key(key, value) else {
            return Ok(None);
        };
        match self.by_key.get(&(key, k)).map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([one]) => Ok(self.items.get(*one)),
            Some(many) => Err(SyncError::skippable(
                ErrorKind::AmbiguousMatch,
                format!(
                    "{} `{}` matches {} items",
                    key.as_str(),
                    value.trim(),
                    many.len()
                ),
            )),
        }
    }

    /// Resolve `probe` by trying each key of `order` the probe has; the first hit wins.
    pub fn resolve<'a>(
        &'a self,
        order: &[MatchKey],
        probe: &impl Keyed,
    ) -> Result<Option<Resolved<'a, T>>, SyncError> {
        for &key in order {
            if let Some(value) = probe.key(key)
                && let Some(item) = self.get(key, value)?
            {
                return Ok(Some(Resolved {
                    item,
                    matched_by: key,
                }));
            }
        }
        Ok(None)
    }
}

/// What a ledger's article index holds per article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRef {
    /// The ledger's article code.
    pub code: String,
    /// The SKU, when kept apart from the code.
    #[serde(default)]
    pub sku: Option<String>,
    /// The EAN.
    #[serde(default)]
    pub ean: Option<String>,
    /// The description.
    #[serde(default)]
    pub description: String,
    /// Whether the article is blocked.
    #[serde(default)]
    pub blocked: bool,
}

impl From<&Article> for ArticleRef {
    fn from(article: &Article) -> Self {
        Self {
            code: article.code.clone(),
            sku: article.sku.clone(),
            ean: article.ean.clone(),
            description: article.description.clone(),
            blocked: article.blocked,
        }
    }
}

/// The ledger's articles by code, SKU and EAN.
pub type ArticleIndex = CatalogIndex<ArticleRef>;

impl ArticleIndex {
    /// The article for an order line, trying `order`'s keys in turn. No match is a skippable
    /// `missing_article` error naming every key the line has (the flow may use a fallback article
    /// instead).
    pub fn article_for_line(
        &self,
        line: &OrderLine,
        order: &[MatchKey],
    ) -> Result<Resolved<'_, ArticleRef>, SyncError> {
        self.resolve(order, line)?.ok_or_else(|| {
            let keys: Vec<String> = order
                .iter()
                .filter_map(|k| line.key(*k).map(|v| format!("{} `{v}`", k.as_str())))
                .collect();
            let described = if keys.is_empty() {
                "no article code, SKU or EAN".to_owned()
            } else {
                keys.join(", ")
            };
            SyncError::skippable(
                ErrorKind::MissingArticle,
                format!(
                    "order line `{}` ({}): no article in the ledger with {described}",
                    line.line_id, line.description
                ),
            )
        })
    }
}

/// A variant as the shop knows it, for stock and product matching.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopVariant {
    /// The shop's variant id.
    pub variant_id: String,
    /// The shop's product id.
    pub product_id: String,
    /// The SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// The EAN.
    #[serde(default)]
    pub ean: Option<String>,
    /// The article code.
    #[serde(default)]
    pub article_code: Option<String>,
    /// The current stock level in the shop.
    #[serde(default)]
    pub stock_level: Option<Decimal>,
    /// Whether the shop tracks stock for it.
    #[serde(default)]
    pub stock_managed: Option<bool>,
}

/// The shop's variants by article code, SKU and EAN.
pub type VariantIndex = CatalogIndex<ShopVariant>;

fn pick<'a>(
    key: MatchKey,
    code: Option<&'a str>,
    sku: Option<&'a str>,
    ean: Option<&'a str>,
) -> Option<&'a str> {
    match key {
        MatchKey::ArticleCode => code,
        MatchKey::Sku => sku,
        MatchKey::Ean => ean,
    }
}

impl Keyed for ArticleRef {
    fn key(&self, key: MatchKey) -> Option<&str> {
        pick(
            key,
            Some(&self.code),
            self.sku.as_deref(),
            self.ean.as_deref(),
        )
    }
}

impl Keyed for ShopVariant {
    fn key(&self, key: MatchKey) -> Option<&str> {
        pick(
            key,
            self.article_code.as_deref(),
            self.sku.as_deref(),
            self.ean.as_deref(),
        )
    }
}

impl Keyed for StockLevel {
    fn key(&self, key: MatchKey) -> Option<&str> {
        pick(
            key,
            Some(&self.article_code),
            self.sku.as_deref(),
            self.ean.as_deref(),
        )
    }
}

impl Keyed for Variant {
    fn key(&self, key: MatchKey) -> Option<&str> {
        pick(
            key,
            Some(&self.article_code),
            self.sku.as_deref(),
            self.ean.as_deref(),
        )
    }
}

impl Keyed for Article {
    fn key(&self, key: MatchKey) -> Option<&str> {
        Article::key(self, key)
    }
}

impl Keyed for OrderLine {
    fn key(&self, key: MatchKey) -> Option<&str> {
        OrderLine::key(self, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::OrderBuilder;
    use rust_decimal_macros::dec;

    fn article(code: &str, sku: Option<&str>, ean: Option<&str>) -> ArticleRef {
        ArticleRef {
            code: code.into(),
            sku: sku.map(Into::into),
            ean: ean.map(Into::into),
            ..ArticleRef::default()
        }
    }

    #[test]
    fn resolves_in_the_configured_order_ignoring_case_and_spacing() {
        let index: ArticleIndex = [
            article("ART-1", Some("sku-1"), Some("8712345678906")),
            article("ART-2", None, Some("4006381333931")),
        ]
        .into_iter()
        .collect();
        assert_eq!(index.len(), 2);
        let found = index.get(MatchKey::Sku, " SKU-1 ").unwrap().unwrap();
        assert_eq!(found.code, "ART-1");
        let found = index
            .get(MatchKey::Ean, "4006 3813 33931")
            .unwrap()
            .unwrap();
        assert_eq!(found.code, "ART-2");

        let mut line = OrderBuilder::new("1")
            .line("unknown", dec!(1), dec!(1))
            .build()
            .lines
            .remove(0);
        line.ean = Some("4006381333931".into());
        let order = [MatchKey::ArticleCode, MatchKey::Sku, MatchKey::Ean];
        let r = index.article_for_line(&line, &order).unwrap();
        assert_eq!(
            (r.item.code.as_str(), r.matched_by),
            ("ART-2", MatchKey::Ean)
        );
        // Without EAN in the order, the line is missing.
        let err = index
            .article_for_line(&line, &[MatchKey::ArticleCode])
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MissingArticle);
        assert!(err.is_skippable());
        assert!(err.message().contains("article_code `unknown`"), "{err}");
    }

    #[test]
    fn duplicate_keys_are_ambiguous_not_guessed() {
        let index: ArticleIndex = [
            article("A", Some("DUP"), None),
            article("B", Some("dup"), None),
        ]
        .into_iter()
        .collect();
        let err = index.get(MatchKey::Sku, "dup").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AmbiguousMatch);
        assert!(err.is_skippable());
    }

    #[test]
    fn variant_index_matches_stock_levels() {
        let index: VariantIndex = [ShopVariant {
            variant_id: "v1".into(),
            product_id: "p1".into(),
            sku: Some("ART-1".into()),
            ..ShopVariant::default()
        }]
        .into_iter()
        .collect();
        let level = StockLevel {
            article_code: "ART-1".into(),
            sku: None,
            ean: None,
            quantity: dec!(3),
            managed: None,
        };
        // StockLevel has no SKU, so SKU matching fails; the article code does not match either
        // because the variant has none.
        assert!(
            index
                .resolve(&[MatchKey::Sku, MatchKey::ArticleCode], &level)
                .unwrap()
                .is_none()
        );
        let level = StockLevel {
            sku: Some("art-1".into()),
            ..level
        };
        let r = index.resolve(&[MatchKey::Sku], &level).unwrap().unwrap();
        assert_eq!(r.item.variant_id, "v1");
        assert!(index.get(MatchKey::Ean, "").unwrap().is_none());
    }
}
