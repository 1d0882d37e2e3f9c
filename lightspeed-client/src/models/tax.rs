//! Shop settings the ledger mapping needs: taxes, payment methods and shipping methods.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{Link, RawLink, fraction_to_percent};
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, opt_decimal, opt_int};

/// A tax rate (`taxes`). `rate` is a fraction: `0.21` is 21 %.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tax {
    /// Tax id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// The shop's default tax.
    #[serde(default)]
    pub is_default: Option<bool>,
    /// Rate as a fraction.
    #[serde(default, with = "opt_decimal")]
    pub rate: Option<Decimal>,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
}

impl Tax {
    /// The rate as a percentage (`0.21` → `21`).
    pub fn rate_percent(&self) -> Option<Decimal> {
        self.rate.map(fraction_to_percent)
    }
}

/// Body to create or update a tax.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Rate as a fraction (`0.21`).
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub rate: Option<Decimal>,
    /// Make it the default tax.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
}

/// Body to create a tax (same shape as [`TaxUpdate`]).
pub type TaxCreate = TaxUpdate;

entity!(
    Tax,
    single: ["tax"],
    list: ["taxes"],
    write: "tax",
    create: TaxCreate,
    update: TaxUpdate,
    delete: true
);

/// A payment method (`paymentmethods`, read-only). `key` matches an order's `paymentId`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethod {
    /// Id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Key (`invoice`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub key: Option<String>,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
}

entity!(
    PaymentMethod,
    single: ["paymentmethod", "paymentMethod"],
    list: ["paymentmethods", "paymentMethods"],
    write: "paymentmethod"
);

/// A shipping method (`shippingmethods`, read-only). An order's `shipmentId` is
/// `core|{shippingMethodId}|{valueId}`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingMethod {
    /// Id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Kind (`default`…).
    #[serde(default, rename = "type", deserialize_with = "false_as_none")]
    pub method_type: Option<String>,
    /// Only usable from the back office.
    #[serde(default)]
    pub is_backoffice_only: Option<bool>,
    /// Position.
    #[serde(default, deserialize_with = "opt_int")]
    pub sort_order: Option<i64>,
    /// Free shipping above this order amount.
    #[serde(default, with = "opt_decimal")]
    pub free_above: Option<Decimal>,
    /// Payment surcharge excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub payment_price_excl: Option<Decimal>,
    /// Payment surcharge including VAT.
    #[serde(default, with = "opt_decimal")]
    pub payment_price_incl: Option<Decimal>,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Description.
    #[serde(default, deserialize_with = "false_as_none")]
    pub description: Option<String>,
    /// Tax (`false` = shop default).
    #[serde(default, deserialize_with = "false_as_none")]
    pub tax: Option<Link<Tax>>,
    /// Countries served.
    #[serde(default, deserialize_with = "false_as_none")]
    pub countries: Option<RawLink>,
    /// Rates.
    #[serde(default, deserialize_with = "false_as_none")]
    pub values: Option<RawLink>,
}

entity!(
    ShippingMethod,
    single: ["shippingmethod", "shippingMethod"],
    list: ["shippingmethods", "shippingMethods"],
    write: "shippingmethod"
);
