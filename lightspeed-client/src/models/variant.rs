//! Variants (`variants`): price and stock live here; stock movements (`variants/movements`).

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{Image, Link, Metafield};
use super::enums::{Channel, StockTracking};
use super::product::Product;
use super::tax::Tax;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, items, opt_decimal, opt_int};

/// A variant (`GET variants/{id}.json`). Prices keep 4 decimals (`priceExcl` 2.8843 next to a
/// rounded `priceIncl` 3.49).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    /// Variant id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// The product's default variant (carries a simple product's price and stock).
    #[serde(default)]
    pub is_default: Option<bool>,
    /// Position.
    #[serde(default, deserialize_with = "opt_int")]
    pub sort_order: Option<i64>,
    /// The merchant's article code.
    #[serde(default, deserialize_with = "false_as_none")]
    pub article_code: Option<String>,
    /// EAN / GTIN.
    #[serde(default, deserialize_with = "false_as_none")]
    pub ean: Option<String>,
    /// SKU.
    #[serde(default, deserialize_with = "false_as_none")]
    pub sku: Option<String>,
    /// HS (customs) code.
    #[serde(default, deserialize_with = "false_as_none")]
    pub hs: Option<String>,
    /// Unit price (price per unit of measure).
    #[serde(default, with = "opt_decimal")]
    pub unit_price: Option<Decimal>,
    /// Unit of measure.
    #[serde(default, deserialize_with = "false_as_none")]
    pub unit_unit: Option<String>,
    /// Price excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_excl: Option<Decimal>,
    /// Price including VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_incl: Option<Decimal>,
    /// Cost price.
    #[serde(default, with = "opt_decimal")]
    pub price_cost: Option<Decimal>,
    /// Previous price excluding VAT (strike-through price).
    #[serde(default, with = "opt_decimal")]
    pub old_price_excl: Option<Decimal>,
    /// Previous price including VAT.
    #[serde(default, with = "opt_decimal")]
    pub old_price_incl: Option<Decimal>,
    /// Stock tracking mode; `stockLevel` only matters when `enabled`.
    #[serde(default, deserialize_with = "false_as_none")]
    pub stock_tracking: Option<StockTracking>,
    /// Stock level (absolute).
    #[serde(default, deserialize_with = "opt_int")]
    pub stock_level: Option<i64>,
    /// Low-stock alert level.
    #[serde(default, deserialize_with = "opt_int")]
    pub stock_alert: Option<i64>,
    /// Minimum stock.
    #[serde(default, deserialize_with = "opt_int")]
    pub stock_minimum: Option<i64>,
    /// Units sold.
    #[serde(default, deserialize_with = "opt_int")]
    pub stock_sold: Option<i64>,
    /// Minimum order quantity (the API's misspelt duplicate of `stockBuyMinimum`).
    #[serde(default, deserialize_with = "opt_int")]
    pub stock_buy_mininum: Option<i64>,
    /// Minimum order quantity.
    #[serde(default, deserialize_with = "opt_int")]
    pub stock_buy_minimum: Option<i64>,
    /// Maximum order quantity.
    #[serde(default, deserialize_with = "opt_int")]
    pub stock_buy_maximum: Option<i64>,
    /// Weight.
    #[serde(default, with = "opt_decimal")]
    pub weight: Option<Decimal>,
    /// Weight in `weight_unit` (sent as a string).
    #[serde(default, with = "opt_decimal")]
    pub weight_value: Option<Decimal>,
    /// Weight unit (`g`, `kg`, `oz`, `lb`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub weight_unit: Option<String>,
    /// Volume.
    #[serde(default, with = "opt_decimal")]
    pub volume: Option<Decimal>,
    /// Volume in `volume_unit`.
    #[serde(default, with = "opt_decimal")]
    pub volume_value: Option<Decimal>,
    /// Volume unit (`ml`, `fl_oz`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub volume_unit: Option<String>,
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
    /// Size X in `size_unit` (sent as a string).
    #[serde(default, with = "opt_decimal")]
    pub size_x_value: Option<Decimal>,
    /// Size Y in `size_unit` (sent as a string).
    #[serde(default, with = "opt_decimal")]
    pub size_y_value: Option<Decimal>,
    /// Size Z in `size_unit` (sent as a string).
    #[serde(default, with = "opt_decimal")]
    pub size_z_value: Option<Decimal>,
    /// Size unit (`cm`, `in`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub size_unit: Option<String>,
    /// Matrix position (`false` for non-matrix variants; shape not documented).
    #[serde(default, deserialize_with = "false_as_none")]
    pub matrix: Option<serde_json::Value>,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Tax type (`auto`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub tax_type: Option<String>,
    /// Variant image.
    #[serde(default, deserialize_with = "false_as_none")]
    pub image: Option<Image>,
    /// Tax (`false` means the shop default).
    #[serde(default, deserialize_with = "false_as_none")]
    pub tax: Option<Link<Tax>>,
    /// The product.
    #[serde(default, deserialize_with = "false_as_none")]
    pub product: Option<Link<Product>>,
    /// Stock movements.
    #[serde(default, deserialize_with = "false_as_none")]
    pub movements: Option<Link<Vec<VariantMovement>>>,
    /// Metafields.
    #[serde(default, deserialize_with = "false_as_none")]
    pub metafields: Option<Link<Vec<Metafield>>>,
    /// Additional cost (`false` when none; shape not documented).
    #[serde(default, deserialize_with = "false_as_none")]
    pub additionalcost: Option<serde_json::Value>,
    /// Matrix options (empty for non-matrix variants; shape not documented).
    #[serde(default, deserialize_with = "items")]
    pub options: Vec<serde_json::Value>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Variant {
    /// The product id.
    pub fn product_id(&self) -> Option<u64> {
        self.product.as_ref().and_then(|l| l.id)
    }
}

/// Body to create or update a variant. Only the fields that are set are sent; amounts are written
/// as JSON numbers. Send `price_excl` *or* `price_incl`, not both. `stock_level` is absolute.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantUpdate {
    /// Product id (required on create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<u64>,
    /// Make this the default variant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// Position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<i64>,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Article code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_code: Option<String>,
    /// EAN / GTIN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ean: Option<String>,
    /// SKU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// HS code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hs: Option<String>,
    /// Price excluding VAT.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub price_excl: Option<Decimal>,
    /// Price including VAT.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub price_incl: Option<Decimal>,
    /// Cost price.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub price_cost: Option<Decimal>,
    /// Previous price excluding VAT.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub old_price_excl: Option<Decimal>,
    /// Previous price including VAT.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub old_price_incl: Option<Decimal>,
    /// Unit price.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub unit_price: Option<Decimal>,
    /// Unit of measure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_unit: Option<String>,
    /// Stock tracking mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_tracking: Option<StockTracking>,
    /// Absolute stock level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_level: Option<i64>,
    /// Low-stock alert level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_alert: Option<i64>,
    /// Minimum stock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_minimum: Option<i64>,
    /// Minimum order quantity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_buy_minimum: Option<i64>,
    /// Maximum order quantity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_buy_maximum: Option<i64>,
    /// Weight.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub weight: Option<Decimal>,
    /// Volume.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub volume: Option<Decimal>,
    /// Tax id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax: Option<u64>,
}

/// Body to create a variant (same shape as [`VariantUpdate`]; set `product`).
pub type VariantCreate = VariantUpdate;

entity!(
    Variant,
    single: ["variant"],
    list: ["variants"],
    write: "variant",
    create: VariantCreate,
    update: VariantUpdate,
    delete: true
);

/// A stock movement (`variants/movements`; read-only history).
///
/// The documented example has `channel` and `stockLevelChange`; a live shop showed
/// `type`/`amount`/`description` instead, so every field is optional.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantMovement {
    /// Movement id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// When it happened.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// What caused it (`auto`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub channel: Option<Channel>,
    /// Signed change of the stock level.
    #[serde(default, deserialize_with = "opt_int")]
    pub stock_level_change: Option<i64>,
    /// Movement type (live shape).
    #[serde(default, rename = "type", deserialize_with = "false_as_none")]
    pub kind: Option<String>,
    /// Signed amount (live shape).
    #[serde(default, deserialize_with = "opt_int")]
    pub amount: Option<i64>,
    /// Description (live shape).
    #[serde(default, deserialize_with = "false_as_none")]
    pub description: Option<String>,
    /// The product.
    #[serde(default, deserialize_with = "false_as_none")]
    pub product: Option<Link<Product>>,
    /// The variant.
    #[serde(default, deserialize_with = "false_as_none")]
    pub variant: Option<Link<Variant>>,
}

entity!(
    VariantMovement,
    single: ["variantMovement", "variantsMovement"],
    list: ["variantsMovements", "variantMovements"],
    write: "variantMovement"
);
