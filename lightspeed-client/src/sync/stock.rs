//! The shop side of the stock flow: the variant list (ids, SKU, EAN, article code, level, tracking)
//! and absolute stock writes, `PUT variants/{id}.json` `{"variant": {"stockLevel": n}}`.
//!
//! `PUT variants/bulk.json` would save requests, but its body shape is not known from any source
//! (reference §7.6); until a live shop confirms it, levels are written one variant at a time, and
//! only the changed ones (the flow's job).

use async_trait::async_trait;
use futures::TryStreamExt;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sync_core::error::{ErrorKind, SyncError};
use sync_core::report::ApiStats;
use sync_core::traits::{ShopVariant, StockTarget, VariantIndex};

use super::LightspeedShop;
use super::errors::{Operation, map_error};
use crate::models::{StockTracking, Variant, VariantUpdate};

/// The API-key permission scope of variants.
const PRODUCTS_SCOPE: &str = "products";

/// A Lightspeed variant as the stock flow sees it.
pub(crate) fn shop_variant(variant: &Variant) -> ShopVariant {
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    ShopVariant {
        variant_id: variant.id.to_string(),
        product_id: variant
            .product
            .as_ref()
            .and_then(|p| p.id)
            .map(|id| id.to_string())
            .unwrap_or_default(),
        sku: text(&variant.sku),
        ean: text(&variant.ean),
        article_code: text(&variant.article_code),
        stock_level: variant.stock_level.map(Decimal::from),
        stock_managed: variant
            .stock_tracking
            .as_ref()
            .map(|t| *t == StockTracking::Enabled),
    }
}

#[async_trait]
impl StockTarget for LightspeedShop {
    fn api_stats(&self) -> ApiStats {
        self.usage()
    }

    /// `GET variants.json?limit=250`, all pages: one request per 250 variants.
    async fn variant_index(&self) -> Result<VariantIndex, SyncError> {
        let variants: Vec<Variant> = self
            .client
            .variants()
            .list()
            .limit(self.options.page_size)
            .stream()
            .try_collect()
            .await
            .map_err(|e| {
                map_error(
                    e,
                    Operation::Read,
                    PRODUCTS_SCOPE,
                    "listing the shop's variants",
                )
            })?;
        Ok(variants.iter().map(shop_variant).collect())
    }

    /// `PUT variants/{id}.json` with the absolute level (and `stockTracking: enabled` when `managed`
    /// is `Some(true)`, `disabled` when `Some(false)`). Lightspeed keeps whole units: a fraction is
    /// rounded down, never up.
    async fn set_stock(
        &self,
        variant_id: &str,
        quantity: Decimal,
        managed: Option<bool>,
    ) -> Result<(), SyncError> {
        let id = variant_id.trim().parse::<u64>().map_err(|_| {
            SyncError::skippable(
                ErrorKind::Validation,
                format!("`{variant_id}` is not a Lightspeed variant id"),
            )
        })?;
        let level = quantity.floor().to_i64().ok_or_else(|| {
            SyncError::skippable(
                ErrorKind::Validation,
                format!("stock level {quantity} does not fit a Lightspeed variant"),
            )
        })?;
        if Decimal::from(level) != quantity {
            tracing::warn!(variant = id, %quantity, level, "rounding a fractional stock level down");
        }
        let update = VariantUpdate {
            stock_level: Some(level),
            stock_tracking: managed.map(|m| {
                if m {
                    StockTracking::Enabled
                } else {
                    StockTracking::Disabled
                }
            }),
            ..VariantUpdate::default()
        };
        self.client
            .variants()
            .update(id, &update)
            .await
            .map_err(|e| {
                map_error(
                    e,
                    Operation::Write,
                    PRODUCTS_SCOPE,
                    &format!("setting the stock of variant {id}"),
                )
            })?;
        Ok(())
    }
}
