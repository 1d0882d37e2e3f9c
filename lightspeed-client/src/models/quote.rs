//! Quotes (carts; embedded in orders) and the payment/shipment provider data blobs.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{Country, Language, Link, RawLink};
use super::customer::Customer;
use super::enums::{Channel, DiscountType};
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, json_object, opt_decimal, opt_id_zero_none, opt_int};

/// Provider data of a payment (`paymentData`). Only `method` is common to all providers; the
/// rest is kept in `extra`. The API sends an object, `""`, `[]` or (on quotes) a JSON string.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
pub struct PaymentData {
    /// Payment method (`invoice`, `ideal`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub method: Option<String>,
    /// Provider-specific fields.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Provider data of a shipment (`shipmentData`): `{"method", "shipment_id", "shipping_value_id"}`
/// for core shipping methods; other providers add their own fields (kept in `extra`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
pub struct ShipmentData {
    /// Shipping method kind (`default`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub method: Option<String>,
    /// Shipping method id.
    #[serde(default, deserialize_with = "opt_id_zero_none")]
    pub shipment_id: Option<u64>,
    /// Shipping method value (rate) id.
    #[serde(default, deserialize_with = "opt_id_zero_none")]
    pub shipping_value_id: Option<u64>,
    /// Provider-specific fields.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A quote: the cart an order was made from (`quotes/{id}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// Quote id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Last recalculation.
    #[serde(default, deserialize_with = "false_as_none")]
    pub recalculated_at: Option<DateTime<FixedOffset>>,
    /// Locked for changes.
    #[serde(default)]
    pub is_locked: Option<bool>,
    /// Channel.
    #[serde(default, deserialize_with = "false_as_none")]
    pub channel: Option<Channel>,
    /// Cart recovery hash.
    #[serde(default, deserialize_with = "false_as_none")]
    pub recovery_hash: Option<String>,
    /// Buyer's IP address.
    #[serde(default, deserialize_with = "false_as_none")]
    pub remote_ip: Option<String>,
    /// Buyer's browser.
    #[serde(default, deserialize_with = "false_as_none")]
    pub user_agent: Option<String>,
    /// Referral id.
    #[serde(default, deserialize_with = "false_as_none")]
    pub referral_id: Option<String>,
    /// Weight.
    #[serde(default, with = "opt_decimal")]
    pub weight: Option<Decimal>,
    /// Volume.
    #[serde(default, with = "opt_decimal")]
    pub volume: Option<Decimal>,
    /// Packages.
    #[serde(default, with = "opt_decimal")]
    pub colli: Option<Decimal>,
    /// Payment country.
    #[serde(default, deserialize_with = "false_as_none")]
    pub payment_country: Option<Country>,
    /// Shipping country.
    #[serde(default, deserialize_with = "false_as_none")]
    pub shipment_country: Option<Country>,
    /// Shipping postal code (`null` for abandoned carts).
    #[serde(default, deserialize_with = "false_as_none")]
    pub shipment_zipcode: Option<String>,
    /// Shipping address equals billing address.
    #[serde(default)]
    pub shipment_same_address: Option<bool>,
    /// Cost price total.
    #[serde(default, with = "opt_decimal")]
    pub price_cost: Option<Decimal>,
    /// Total excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_excl: Option<Decimal>,
    /// Total including VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_incl: Option<Decimal>,
    /// Discount excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub discount_excl: Option<Decimal>,
    /// Discount including VAT.
    #[serde(default, with = "opt_decimal")]
    pub discount_incl: Option<Decimal>,
    /// Number of distinct products.
    #[serde(default, deserialize_with = "opt_int")]
    pub products_count: Option<u64>,
    /// Total quantity.
    #[serde(default, with = "opt_decimal")]
    pub products_quantity: Option<Decimal>,
    /// A shipping method was chosen.
    #[serde(default)]
    pub shipment_is_set: Option<bool>,
    /// Shipping method id (`core|…|…`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub shipment_id: Option<String>,
    /// Shipping costs excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub shipment_price_excl: Option<Decimal>,
    /// Shipping costs including VAT.
    #[serde(default, with = "opt_decimal")]
    pub shipment_price_incl: Option<Decimal>,
    /// Shipping tax rate (fraction).
    #[serde(default, with = "opt_decimal")]
    pub shipment_tax_rate: Option<Decimal>,
    /// Shipping method title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub shipment_title: Option<String>,
    /// Shipping provider data.
    #[serde(default, deserialize_with = "json_object")]
    pub shipment_data: Option<ShipmentData>,
    /// A payment method was chosen.
    #[serde(default)]
    pub payment_is_set: Option<bool>,
    /// Payment method key.
    #[serde(default, deserialize_with = "false_as_none")]
    pub payment_id: Option<String>,
    /// Payment provider data.
    #[serde(default, deserialize_with = "json_object")]
    pub payment_data: Option<PaymentData>,
    /// Payment costs excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub payment_price_excl: Option<Decimal>,
    /// Payment costs including VAT.
    #[serde(default, with = "opt_decimal")]
    pub payment_price_incl: Option<Decimal>,
    /// Payment title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub payment_title: Option<String>,
    /// Additional costs including VAT (sent as a string).
    #[serde(default, with = "opt_decimal")]
    pub additional_cost_incl: Option<Decimal>,
    /// Additional costs excluding VAT (sent as a string).
    #[serde(default, with = "opt_decimal")]
    pub additional_cost_excl: Option<Decimal>,
    /// A discount applies.
    #[serde(default)]
    pub discount_is_set: Option<bool>,
    /// Discount id (`0` = none).
    #[serde(default, deserialize_with = "opt_id_zero_none")]
    pub discount_id: Option<u64>,
    /// Kind of discount.
    #[serde(default, deserialize_with = "false_as_none")]
    pub discount_type: Option<DiscountType>,
    /// Discount amount.
    #[serde(default, with = "opt_decimal")]
    pub discount_amount: Option<Decimal>,
    /// Discount as a fraction.
    #[serde(default, with = "opt_decimal")]
    pub discount_percentage: Option<Decimal>,
    /// How the discount treats shipping (`default`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub discount_shipment: Option<String>,
    /// Minimum amount for the discount (sent as a string).
    #[serde(default, with = "opt_decimal")]
    pub discount_minimum_amount: Option<Decimal>,
    /// Coupon code.
    #[serde(default, deserialize_with = "false_as_none")]
    pub discount_coupon_code: Option<String>,
    /// Buyer's comment.
    #[serde(default, deserialize_with = "false_as_none")]
    pub comment: Option<String>,
    /// Notifications allowed.
    #[serde(default)]
    pub allow_notifications: Option<bool>,
    /// The customer.
    #[serde(default, deserialize_with = "false_as_none")]
    pub customer: Option<Link<Customer>>,
    /// Language.
    #[serde(default, deserialize_with = "false_as_none")]
    pub language: Option<Language>,
    /// Cart lines.
    #[serde(default, deserialize_with = "false_as_none")]
    pub products: Option<RawLink>,
    /// Available shipping methods.
    #[serde(default, deserialize_with = "false_as_none")]
    pub shippingmethods: Option<RawLink>,
    /// Available payment methods.
    #[serde(default, deserialize_with = "false_as_none")]
    pub paymentmethods: Option<RawLink>,
}

entity!(Quote, single: ["quote"], list: ["quotes"], write: "quote");
