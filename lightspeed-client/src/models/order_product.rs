//! Order lines (`orders/{id}/products`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{Link, TaxRateLine};
use super::product::Product;
use super::variant::Variant;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, items, opt_decimal};

/// One order line (`{"orderProduct": {...}}`).
///
/// Price semantics from the vendor example: `base_price_*` is the **unit** price before discount,
/// `price_*` the **line total** after discount and `discount_*` the line discount
/// (6 × 7.00 = 42.00; 40.00 − 21.00 = 19.00 for one unit).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderProduct {
    /// Line id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Supplier name at order time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub supplier_title: Option<String>,
    /// Brand name at order time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub brand_title: Option<String>,
    /// Product title at order time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub product_title: Option<String>,
    /// Variant title at order time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub variant_title: Option<String>,
    /// Tax rate (fraction, `0.21`).
    #[serde(default, with = "opt_decimal")]
    pub tax_rate: Option<Decimal>,
    /// Tax lines.
    #[serde(default, deserialize_with = "items")]
    pub tax_rates: Vec<TaxRateLine>,
    /// Quantity ordered.
    #[serde(default, with = "opt_decimal")]
    pub quantity_ordered: Option<Decimal>,
    /// Quantity invoiced.
    #[serde(default, with = "opt_decimal")]
    pub quantity_invoiced: Option<Decimal>,
    /// Quantity shipped.
    #[serde(default, with = "opt_decimal")]
    pub quantity_shipped: Option<Decimal>,
    /// Quantity refunded.
    #[serde(default, with = "opt_decimal")]
    pub quantity_refunded: Option<Decimal>,
    /// Quantity returned.
    #[serde(default, with = "opt_decimal")]
    pub quantity_returned: Option<Decimal>,
    /// The merchant's article code.
    #[serde(default, deserialize_with = "false_as_none")]
    pub article_code: Option<String>,
    /// EAN / GTIN.
    #[serde(default, deserialize_with = "false_as_none")]
    pub ean: Option<String>,
    /// SKU.
    #[serde(default, deserialize_with = "false_as_none")]
    pub sku: Option<String>,
    /// Weight.
    #[serde(default, with = "opt_decimal")]
    pub weight: Option<Decimal>,
    /// Volume.
    #[serde(default, with = "opt_decimal")]
    pub volume: Option<Decimal>,
    /// Packages.
    #[serde(default, with = "opt_decimal")]
    pub colli: Option<Decimal>,
    /// Size X.
    #[serde(default, with = "opt_decimal")]
    pub size_x: Option<Decimal>,
    /// Size Y.
    #[serde(default, with = "opt_decimal")]
    pub size_y: Option<Decimal>,
    /// Size Z.
    #[serde(default, with = "opt_decimal")]
    pub size_z: Option<Decimal>,
    /// Cost price.
    #[serde(default, with = "opt_decimal")]
    pub price_cost: Option<Decimal>,
    /// Custom price excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub custom_excl: Option<Decimal>,
    /// Custom price including VAT.
    #[serde(default, with = "opt_decimal")]
    pub custom_incl: Option<Decimal>,
    /// Unit price before discount, excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub base_price_excl: Option<Decimal>,
    /// Unit price before discount, including VAT.
    #[serde(default, with = "opt_decimal")]
    pub base_price_incl: Option<Decimal>,
    /// Line total after discount, excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_excl: Option<Decimal>,
    /// Line total after discount, including VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_incl: Option<Decimal>,
    /// Line discount excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub discount_excl: Option<Decimal>,
    /// Line discount including VAT.
    #[serde(default, with = "opt_decimal")]
    pub discount_incl: Option<Decimal>,
    /// Custom fields entered by the buyer (free-form; `false` when none).
    #[serde(default, deserialize_with = "false_as_none")]
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
    /// The product.
    #[serde(default, deserialize_with = "false_as_none")]
    pub product: Option<Link<Product>>,
    /// The variant (`false` when it no longer exists).
    #[serde(default, deserialize_with = "false_as_none")]
    pub variant: Option<Link<Variant>>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl OrderProduct {
    /// The variant id, the stable key to match a line to a stock article.
    pub fn variant_id(&self) -> Option<u64> {
        self.variant.as_ref().and_then(|l| l.id)
    }

    /// The product id.
    pub fn product_id(&self) -> Option<u64> {
        self.product.as_ref().and_then(|l| l.id)
    }
}

entity!(
    OrderProduct,
    single: ["orderProduct", "ordersProduct"],
    list: ["orderProducts", "ordersProducts"],
    write: "orderProduct"
);
