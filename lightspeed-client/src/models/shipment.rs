//! Shipments (`shipments`).

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{Link, Metafield, RawLink};
use super::customer::Customer;
use super::enums::ShipmentStatus;
use super::order::Order;
use super::order_extra::OrderEvent;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, opt_decimal};

/// A shipment of (part of) an order.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipment {
    /// Shipment id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Shipment number (`SHIP00038`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub number: Option<String>,
    /// Status.
    #[serde(default, deserialize_with = "false_as_none")]
    pub status: Option<ShipmentStatus>,
    /// Carrier tracking code.
    #[serde(default, deserialize_with = "false_as_none")]
    pub tracking_code: Option<String>,
    /// Mail when shipped.
    #[serde(default)]
    pub do_notify_shipped: Option<bool>,
    /// Mail when ready for pickup.
    #[serde(default)]
    pub do_notify_ready_for_pickup: Option<bool>,
    /// Mail with the tracking code.
    #[serde(default)]
    pub do_notify_tracking_code: Option<bool>,
    /// Total weight.
    #[serde(default, with = "opt_decimal")]
    pub total_weight: Option<Decimal>,
    /// Total size X.
    #[serde(default, with = "opt_decimal")]
    pub total_size_x: Option<Decimal>,
    /// Total size Y.
    #[serde(default, with = "opt_decimal")]
    pub total_size_y: Option<Decimal>,
    /// Total size Z.
    #[serde(default, with = "opt_decimal")]
    pub total_size_z: Option<Decimal>,
    /// The customer.
    #[serde(default, deserialize_with = "false_as_none")]
    pub customer: Option<Link<Customer>>,
    /// The order.
    #[serde(default, deserialize_with = "false_as_none")]
    pub order: Option<Link<Order>>,
    /// Shipped lines (`shipments/{id}/products`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub products: Option<RawLink>,
    /// Metafields.
    #[serde(default, deserialize_with = "false_as_none")]
    pub metafields: Option<Link<Vec<Metafield>>>,
    /// Events (`orders/events?shipment=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub events: Option<Link<Vec<OrderEvent>>>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Body of `PUT shipments/{id}.json`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentUpdate {
    /// New status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ShipmentStatus>,
    /// Carrier tracking code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
    /// Mail when shipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_notify_shipped: Option<bool>,
    /// Mail with the tracking code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_notify_tracking_code: Option<bool>,
}

entity!(
    Shipment,
    single: ["shipment"],
    list: ["shipments"],
    write: "shipment",
    update: ShipmentUpdate
);
