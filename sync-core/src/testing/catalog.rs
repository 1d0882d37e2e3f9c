//! An in-memory article source (ledger side) and catalogue (shop side).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rust_decimal::Decimal;

use super::{Faults, lock};
use crate::domain::{Article, ArticleGroup, MatchKey, Product};
use crate::error::{ErrorKind, SyncError};
use crate::traits::{
    ArticleSource, Catalog, Keyed, ProductPatch, ReadWindow, ShopProduct, ShopVariant, StockTarget,
    StockUpdate, VariantIndex,
};

/// An [`ArticleSource`] over seeded articles and groups. Clones share state.
#[derive(Debug, Clone, Default)]
pub struct MemoryArticleSource {
    state: Arc<Mutex<(Vec<Article>, Vec<ArticleGroup>)>>,
    faults: Faults,
}

impl MemoryArticleSource {
    /// An empty source.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add or replace an article (by code).
    pub fn upsert(&self, article: Article) {
        let mut state = lock(&self.state);
        state.0.retain(|a| a.code != article.code);
        state.0.push(article);
    }

    /// Add an article group.
    pub fn add_group(&self, group: ArticleGroup) {
        lock(&self.state).1.push(group);
    }

    /// Fault injection and call counts.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }
}

#[async_trait]
impl ArticleSource for MemoryArticleSource {
    async fn changed_articles(&self, window: &ReadWindow) -> Result<Vec<Article>, SyncError> {
        self.faults.check("changed_articles")?;
        Ok(lock(&self.state)
            .0
            .iter()
            .filter(|a| match a.changed_at {
                Some(at) => window.contains(at),
                None => window.since.is_none(),
            })
            .cloned()
            .collect())
    }

    async fn all_articles(&self) -> Result<Vec<Article>, SyncError> {
        self.faults.check("all_articles")?;
        Ok(lock(&self.state).0.clone())
    }

    async fn article_groups(&self) -> Result<Vec<ArticleGroup>, SyncError> {
        self.faults.check("article_groups")?;
        Ok(lock(&self.state).1.clone())
    }
}

#[derive(Debug, Default)]
struct CatalogState {
    products: BTreeMap<String, (Product, ShopProduct)>,
    stock_writes: Vec<StockUpdate>,
    patches: Vec<(String, ProductPatch)>,
    next_id: u64,
}

impl CatalogState {
    fn next(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    fn variant_mut(&mut self, variant_id: &str) -> Option<&mut ShopVariant> {
        self.products
            .values_mut()
            .flat_map(|(_, shop)| shop.variants.iter_mut())
            .find(|v| v.variant_id == variant_id)
    }

    fn find_by(&self, key: MatchKey, value: &str) -> Option<ShopProduct> {
        let wanted = value.trim();
        self.products
            .values()
            .find(|(_, shop)| {
                shop.variants.iter().any(|v| {
                    v.key(key)
                        .is_some_and(|k| k.trim().eq_ignore_ascii_case(wanted))
                })
            })
            .map(|(_, shop)| shop.clone())
    }
}

/// A [`Catalog`] in memory. Products get ids `p1`, `p2`…, variants `v1`, `v2`… from one counter.
/// It records every stock write and product patch so tests can assert that only changes were sent.
/// Clones share state.
#[derive(Debug, Clone, Default)]
pub struct MemoryCatalog {
    state: Arc<Mutex<CatalogState>>,
    faults: Faults,
}

impl MemoryCatalog {
    /// An empty catalogue.
    pub fn new() -> Self {
        Self::default()
    }

    /// A product and its shop view, by id.
    pub fn product(&self, product_id: &str) -> Option<(Product, ShopProduct)> {
        lock(&self.state).products.get(product_id).cloned()
    }

    /// The number of products.
    pub fn product_count(&self) -> usize {
        lock(&self.state).products.len()
    }

    /// Every stock write received, in order.
    pub fn stock_writes(&self) -> Vec<StockUpdate> {
        lock(&self.state).stock_writes.clone()
    }

    /// Every product patch received, in order.
    pub fn patches(&self) -> Vec<(String, ProductPatch)> {
        lock(&self.state).patches.clone()
    }

    /// Fault injection and call counts.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }
}

#[async_trait]
impl StockTarget for MemoryCatalog {
    async fn variant_index(&self) -> Result<VariantIndex, SyncError> {
        self.faults.check("variant_index")?;
        Ok(lock(&self.state)
            .products
            .values()
            .flat_map(|(_, shop)| shop.variants.iter().cloned())
            .collect())
    }

    async fn set_stock(
        &self,
        variant_id: &str,
        quantity: Decimal,
        managed: Option<bool>,
    ) -> Result<(), SyncError> {
        self.faults.check("set_stock")?;
        let mut state = lock(&self.state);
        let variant = state.variant_mut(variant_id).ok_or_else(|| {
            SyncError::skippable(ErrorKind::NotFound, format!("no variant `{variant_id}`"))
        })?;
        variant.stock_level = Some(quantity);
        if managed.is_some() {
            variant.stock_managed = managed;
        }
        state.stock_writes.push(StockUpdate {
            variant_id: variant_id.to_owned(),
            quantity,
            managed,
        });
        Ok(())
    }
}

#[async_trait]
impl Catalog for MemoryCatalog {
    async fn find_product_by_sku(&self, sku: &str) -> Result<Option<ShopProduct>, SyncError> {
        self.faults.check("find_product_by_sku")?;
        Ok(lock(&self.state).find_by(MatchKey::Sku, sku))
    }

    async fn find_product_by_ean(&self, ean: &str) -> Result<Option<ShopProduct>, SyncError> {
        self.faults.check("find_product_by_ean")?;
        Ok(lock(&self.state).find_by(MatchKey::Ean, ean))
    }

    async fn create_product(&self, product: &Product) -> Result<ShopProduct, SyncError> {
        self.faults.check("create_product")?;
        let mut state = lock(&self.state);
        let product_id = state.next("p");
        let mut variants = Vec::with_capacity(product.variants.len());
        for variant in &product.variants {
            variants.push(ShopVariant {
                variant_id: state.next("v"),
                product_id: product_id.clone(),
                sku: variant.sku.clone(),
                ean: variant.ean.clone(),
                article_code: Some(variant.article_code.clone()),
                stock_level: variant.stock,
                stock_managed: None,
            });
        }
        let shop = ShopProduct {
            product_id: product_id.clone(),
            title: product.title.clone(),
            variants,
        };
        state
            .products
            .insert(product_id, (product.clone(), shop.clone()));
        Ok(shop)
    }

    async fn update_product(
        &self,
        product_id: &str,
        patch: &ProductPatch,
    ) -> Result<ShopProduct, SyncError> {
        self.faults.check("update_product")?;
        let mut state = lock(&self.state);
        let mut new_ids = Vec::new();
        for v in patch.variants.iter().filter(|v| v.variant_id.is_none()) {
            new_ids.push((state.next("v"), v.clone()));
        }
        let (product, shop) = state.products.get_mut(product_id).ok_or_else(|| {
            SyncError::skippable(ErrorKind::NotFound, format!("no product `{product_id}`"))
        })?;
        macro_rules! set {
            ($($field:ident),*) => {$(
                if let Some(value) = &patch.$field { product.$field = value.clone().into(); }
            )*};
        }
        set!(short_description, long_description, brand);
        if let Some(title) = &patch.title {
            product.title.clone_from(title);
            shop.title.clone_from(title);
        }
        if let Some(visible) = patch.visible {
            product.visible = visible;
        }
        if let Some(categories) = &patch.categories {
            product.categories.clone_from(categories);
        }
        if let Some(images) = &patch.images {
            product.images.clone_from(images);
        }
        if let Some(attributes) = &patch.attributes {
            product.attributes.clone_from(attributes);
        }
        if let Some(filters) = &patch.filter_values {
            product.filter_values.clone_from(filters);
        }
        for v in patch.variants.iter().filter(|v| v.variant_id.is_some()) {
            let existing = shop
                .variants
                .iter_mut()
                .find(|sv| Some(&sv.variant_id) == v.variant_id.as_ref());
            if let Some(sv) = existing {
                if v.sku.is_some() {
                    sv.sku.clone_from(&v.sku);
                }
                if v.ean.is_some() {
                    sv.ean.clone_from(&v.ean);
                }
            }
        }
        for (variant_id, v) in new_ids {
            shop.variants.push(ShopVariant {
                variant_id,
                product_id: product_id.to_owned(),
                sku: v.sku,
                ean: v.ean,
                article_code: v.article_code,
                stock_level: None,
                stock_managed: None,
            });
        }
        let result = shop.clone();
        state.patches.push((product_id.to_owned(), patch.clone()));
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Variant;
    use crate::testing::ArticleBuilder;
    use crate::traits::VariantPatch;
    use chrono::{TimeZone, Utc};
    use rust_decimal_macros::dec;

    fn product() -> Product {
        Product {
            key: "ART-1".into(),
            title: "Shirt".into(),
            variants: vec![Variant {
                article_code: "ART-1".into(),
                sku: Some("ART-1".into()),
                ean: Some("8712345678906".into()),
                ..Variant::default()
            }],
            ..Product::default()
        }
    }

    #[tokio::test]
    async fn create_find_patch_and_set_stock() {
        let catalog = MemoryCatalog::new();
        let created = catalog.create_product(&product()).await.unwrap();
        assert_eq!(created.product_id, "p1");
        assert_eq!(created.variants[0].variant_id, "v2");
        let by_sku = catalog.find_product_by_sku("art-1").await.unwrap().unwrap();
        assert_eq!(by_sku.product_id, "p1");
        assert!(
            catalog
                .find_product_by_ean("8712345678906")
                .await
                .unwrap()
                .is_some()
        );
        assert!(catalog.find_product_by_ean("0000").await.unwrap().is_none());

        let patch = ProductPatch {
            title: Some("Shirt blue".into()),
            long_description: Some("<p>Nice</p>".into()),
            variants: vec![VariantPatch {
                article_code: Some("ART-2".into()),
                sku: Some("ART-2".into()),
                ..VariantPatch::default()
            }],
            ..ProductPatch::default()
        };
        assert!(!patch.is_empty());
        assert!(ProductPatch::default().is_empty());
        let updated = catalog.update_product("p1", &patch).await.unwrap();
        assert_eq!(updated.variants.len(), 2);
        let (stored, _) = catalog.product("p1").unwrap();
        assert_eq!(stored.title, "Shirt blue");
        assert_eq!(stored.long_description.as_deref(), Some("<p>Nice</p>"));
        assert_eq!(catalog.patches().len(), 1);
        assert!(catalog.update_product("p9", &patch).await.is_err());

        let index = catalog.variant_index().await.unwrap();
        assert_eq!(index.len(), 2);
        let results = catalog
            .set_stock_many(&[
                StockUpdate {
                    variant_id: "v2".into(),
                    quantity: dec!(4),
                    managed: Some(true),
                },
                StockUpdate {
                    variant_id: "missing".into(),
                    quantity: dec!(1),
                    managed: None,
                },
            ])
            .await;
        assert!(results[0].is_ok());
        assert_eq!(results[1].as_ref().unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(catalog.stock_writes().len(), 1);
        let (_, shop) = catalog.product("p1").unwrap();
        assert_eq!(shop.variants[0].stock_level, Some(dec!(4)));
        assert_eq!(shop.variants[0].stock_managed, Some(true));
        assert_eq!(catalog.product_count(), 1);
    }

    #[tokio::test]
    async fn article_source_windows_and_groups() {
        let t = |d| Utc.with_ymd_and_hms(2024, 1, d, 0, 0, 0).unwrap();
        let source = MemoryArticleSource::new();
        source.upsert(ArticleBuilder::new("A").changed_at(t(1)).build());
        source.upsert(ArticleBuilder::new("B").changed_at(t(5)).build());
        source.upsert(ArticleBuilder::new("C").build());
        source.upsert(ArticleBuilder::new("C").description("replaced").build());
        source.add_group(ArticleGroup {
            code: "G1".into(),
            name: "Shirts".into(),
        });
        let window = ReadWindow::new(Some(t(2)), t(10));
        let changed = source.changed_articles(&window).await.unwrap();
        assert_eq!(
            changed.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(),
            ["B"]
        );
        let all = source
            .changed_articles(&ReadWindow::up_to(t(10)))
            .await
            .unwrap();
        assert_eq!(all.len(), 3, "a full read includes undated articles");
        assert_eq!(source.all_articles().await.unwrap().len(), 3);
        assert_eq!(source.article_groups().await.unwrap().len(), 1);
    }
}
