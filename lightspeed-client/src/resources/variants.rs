//! Variants (price and stock), their metafields and stock movements.

use super::VARIANT_METAFIELDS;
use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::list::ListRequest;
use crate::models::{Metafield, Variant, VariantMovement};

impl LightspeedClient {
    /// Variants (`variants`). Stock is written with
    /// `update(id, &VariantUpdate { stock_level: Some(n), ..Default::default() })`.
    pub fn variants(&self) -> Handler<Variant> {
        Handler::new(self, "variants")
    }
}

impl Handler<Variant> {
    /// Metafields of a variant (`variants/{id}/metafields`).
    pub fn metafields(&self, variant_id: u64) -> Handler<Metafield> {
        Handler::new(&self.client, format!("variants/{variant_id}/metafields"))
            .with_keys(VARIANT_METAFIELDS)
    }

    /// Stock movements (`variants/movements`, read-only; filter with `.variant(id)`).
    pub fn movements(&self) -> Handler<VariantMovement> {
        Handler::new(&self.client, "variants/movements")
    }
}

impl ListRequest<Variant> {
    /// Only variants of this product (`variants?product=`).
    pub fn product(self, product_id: u64) -> Self {
        self.param("product", product_id)
    }

    /// Only variants with this SKU.
    pub fn sku(self, sku: &str) -> Self {
        self.param("sku", sku)
    }

    /// Only variants with this article code.
    pub fn article_code(self, article_code: &str) -> Self {
        self.param("articleCode", article_code)
    }

    /// Only variants with this EAN.
    pub fn ean(self, ean: &str) -> Self {
        self.param("ean", ean)
    }
}

impl ListRequest<VariantMovement> {
    /// Movements of this variant.
    pub fn variant(self, variant_id: u64) -> Self {
        self.param("variant", variant_id)
    }

    /// Movements of this product's variants.
    pub fn product(self, product_id: u64) -> Self {
        self.param("product", product_id)
    }
}
