//! The catalogue: the ledger's articles and the shop's products, variants and stock.

use std::collections::BTreeMap;

use async_trait::async_trait;
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ReadWindow, ShopVariant, VariantIndex};
use crate::domain::{Article, ArticleGroup, Product, ProductImage, VatRate};
use crate::error::SyncError;

/// The ledger's articles.
#[async_trait]
pub trait ArticleSource: Send + Sync {
    /// The connector's cumulative API usage (monotonic counters); flows record the difference over a
    /// run in its report. Connectors without counters keep the default (all zero).
    fn api_stats(&self) -> crate::report::ApiStats {
        crate::report::ApiStats::default()
    }

    /// Called once at the start of every stock run, before any article is read: the connector
    /// loads what it keeps per run (an administration's field dictionary, say) and checks the
    /// columns the run needs against the ledger. The warnings (an optional column that is absent and
    /// left out, say) go into the run report; an error (a quantity column of the formula the ledger
    /// lacks) stops the run before anything is written. The default does nothing.
    async fn prepare(&self) -> Result<Vec<String>, SyncError> {
        Ok(Vec::new())
    }

    /// Articles changed inside `window` (the ledger's change timestamp). Stock changes may not move
    /// that timestamp in every ledger; the stock flow can use [`all_articles`](Self::all_articles).
    async fn changed_articles(&self, window: &ReadWindow) -> Result<Vec<Article>, SyncError>;

    /// Every article.
    async fn all_articles(&self) -> Result<Vec<Article>, SyncError>;

    /// Every article group.
    async fn article_groups(&self) -> Result<Vec<ArticleGroup>, SyncError>;
}

/// A product in the shop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopProduct {
    /// The shop's product id.
    pub product_id: String,
    /// The title.
    #[serde(default)]
    pub title: String,
    /// Its variants.
    #[serde(default)]
    pub variants: Vec<ShopVariant>,
}

/// One stock change for [`Catalog::set_stock_many`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockUpdate {
    /// The shop's variant id.
    pub variant_id: String,
    /// The new stock level.
    pub quantity: Decimal,
    /// Whether the shop should track stock; `None` leaves the setting alone.
    #[serde(default)]
    pub managed: Option<bool>,
}

/// Changes to one variant. `None` fields are left alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VariantPatch {
    /// The variant to change; `None` creates a new variant on the product.
    pub variant_id: Option<String>,
    /// The ledger article behind it.
    pub article_code: Option<String>,
    /// New SKU.
    pub sku: Option<String>,
    /// New EAN.
    pub ean: Option<String>,
    /// New title.
    pub title: Option<String>,
    /// New options.
    pub options: Option<Vec<(String, String)>>,
    /// New price excluding VAT.
    pub price_excl: Option<Decimal>,
    /// New price including VAT.
    pub price_incl: Option<Decimal>,
    /// New VAT rate.
    pub vat_rate: Option<VatRate>,
    /// Extra fields from the datamapper.
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// Changes to a product, after field ownership (create-only vs kept in sync) was applied: only what
/// may be overwritten is set. `None` fields are left alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductPatch {
    /// New title.
    pub title: Option<String>,
    /// New short description.
    pub short_description: Option<String>,
    /// New long description.
    pub long_description: Option<String>,
    /// New brand.
    pub brand: Option<String>,
    /// New visibility.
    pub visible: Option<bool>,
    /// New categories (replacing the managed ones).
    pub categories: Option<Vec<String>>,
    /// New images.
    pub images: Option<Vec<ProductImage>>,
    /// New attributes.
    pub attributes: Option<IndexMap<String, String>>,
    /// New filter values.
    pub filter_values: Option<IndexMap<String, Vec<String>>>,
    /// Variant changes and new variants.
    pub variants: Vec<VariantPatch>,
    /// Extra product fields from the datamapper.
    pub fields: BTreeMap<String, serde_json::Value>,
}

impl ProductPatch {
    /// Whether the patch changes nothing (then the flow writes nothing).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Where shop stock levels live: the shop's variants, for the stock flow.
#[async_trait]
pub trait StockTarget: Send + Sync {
    /// The connector's cumulative API usage (monotonic counters); flows record the difference over a
    /// run in its report. Connectors without counters keep the default (all zero).
    fn api_stats(&self) -> crate::report::ApiStats {
        crate::report::ApiStats::default()
    }

    /// Every variant, indexed by article code, SKU and EAN. Flows call this once per run.
    async fn variant_index(&self) -> Result<VariantIndex, SyncError>;

    /// Set one variant's stock level and, when `managed` is `Some`, whether the shop tracks it.
    async fn set_stock(
        &self,
        variant_id: &str,
        quantity: Decimal,
        managed: Option<bool>,
    ) -> Result<(), SyncError>;

    /// Set several stock levels, returning one result per update in the same order so only failures
    /// are retried. The default calls [`set_stock`](Self::set_stock) for each; connectors with a bulk
    /// endpoint override it.
    async fn set_stock_many(&self, updates: &[StockUpdate]) -> Vec<Result<(), SyncError>> {
        let mut results = Vec::with_capacity(updates.len());
        for update in updates {
            results.push(
                self.set_stock(&update.variant_id, update.quantity, update.managed)
                    .await,
            );
        }
        results
    }
}

/// The shop's catalogue: its products and variants, for the product flow (which also sets stock).
#[async_trait]
pub trait Catalog: StockTarget {
    /// The product that has a variant with this SKU.
    async fn find_product_by_sku(&self, sku: &str) -> Result<Option<ShopProduct>, SyncError>;

    /// The product that has a variant with this EAN.
    async fn find_product_by_ean(&self, ean: &str) -> Result<Option<ShopProduct>, SyncError>;

    /// Create a product with its variants.
    async fn create_product(&self, product: &Product) -> Result<ShopProduct, SyncError>;

    /// Apply a patch to product `product_id`.
    async fn update_product(
        &self,
        product_id: &str,
        patch: &ProductPatch,
    ) -> Result<ShopProduct, SyncError>;
}
