//! The smaller order resources: events (status history), custom statuses and credit notes.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::Link;
use super::enums::Channel;
use super::invoice::Invoice;
use super::order::Order;
use super::shipment::Shipment;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int};

/// One entry of an order's status history (`orders/events?order=`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderEvent {
    /// Event id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// When it happened.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Who caused it (`auto`, `api`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub channel: Option<Channel>,
    /// What changed: `order`, `invoice` or `shipment`.
    #[serde(default, rename = "type", deserialize_with = "false_as_none")]
    pub kind: Option<String>,
    /// The new state (`new`, `paid`, `not_paid`…).
    #[serde(default, deserialize_with = "false_as_none")]
    pub message: Option<String>,
    /// Comment.
    #[serde(default, deserialize_with = "false_as_none")]
    pub comment: Option<String>,
    /// The order.
    #[serde(default, deserialize_with = "false_as_none")]
    pub order: Option<Link<Order>>,
    /// The invoice, for invoice events.
    #[serde(default, deserialize_with = "false_as_none")]
    pub invoice: Option<Link<Invoice>>,
    /// The shipment, for shipment events.
    #[serde(default, deserialize_with = "false_as_none")]
    pub shipment: Option<Link<Shipment>>,
}

entity!(
    OrderEvent,
    single: ["ordersEvent", "orderEvent"],
    list: ["ordersEvents", "orderEvents"],
    write: "ordersEvent"
);

/// A merchant-defined order status (`orders/customstatuses`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomStatus {
    /// Custom status id (`order.customStatusId`).
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Colour (`#f00095`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub color: Option<String>,
}

/// Body to create or update a custom status.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomStatusUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Colour (`#rrggbb`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

/// Body to create a custom status (same shape as [`CustomStatusUpdate`]).
pub type CustomStatusCreate = CustomStatusUpdate;

entity!(
    CustomStatus,
    single: ["customStatus", "ordersCustomstatus"],
    list: ["customStatuses", "ordersCustomstatuses"],
    write: "customStatus",
    create: CustomStatusCreate,
    update: CustomStatusUpdate,
    delete: true
);

/// Body of `POST orders/{id}/credit.json`: a credit note or refund.
///
/// The shape (`creditPayment`, `creditShipment`, `notifyNew`, `updateStock`, `orderProducts`) is
/// documented but not confirmed on a live shop.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Credit {
    /// Also credit the payment costs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit_payment: Option<bool>,
    /// Also credit the shipping costs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit_shipment: Option<bool>,
    /// Send the buyer a notification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_new: Option<bool>,
    /// Put the credited quantities back into stock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_stock: Option<bool>,
    /// The lines to credit.
    pub order_products: Vec<CreditLine>,
}

/// One line of a [`Credit`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditLine {
    /// Order line id ([`OrderProduct::id`](super::OrderProduct::id)).
    pub id: u64,
    /// Quantity to credit.
    #[serde(with = "crate::serde_util::decimal")]
    pub quantity: Decimal,
}
