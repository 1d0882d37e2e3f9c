//! Invoices (`invoices`) and their lines (`invoices/{id}/items`).

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{Link, Metafield};
use super::customer::Customer;
use super::enums::InvoiceStatus;
use super::order::Order;
use super::order_extra::OrderEvent;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, opt_decimal, opt_int};

/// An invoice or credit note.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    /// Invoice id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Invoice number (`INV00038`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub number: Option<String>,
    /// Status.
    #[serde(default, deserialize_with = "false_as_none")]
    pub status: Option<InvoiceStatus>,
    /// VAT reverse-charged.
    #[serde(default)]
    pub is_vat_shifted: Option<bool>,
    /// Total excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_excl: Option<Decimal>,
    /// Total including VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_incl: Option<Decimal>,
    /// Mail when created.
    #[serde(default)]
    pub do_notify_new: Option<bool>,
    /// Mail when paid.
    #[serde(default)]
    pub do_notify_paid: Option<bool>,
    /// For a credit note: the original invoice.
    #[serde(default, deserialize_with = "false_as_none")]
    pub invoice: Option<Link<Invoice>>,
    /// This is a credit note.
    #[serde(default)]
    pub is_credit_note: Option<bool>,
    /// The credit note of this invoice, if any.
    #[serde(default, deserialize_with = "false_as_none")]
    pub credit_note: Option<Link<Invoice>>,
    /// The order.
    #[serde(default, deserialize_with = "false_as_none")]
    pub order: Option<Link<Order>>,
    /// The customer.
    #[serde(default, deserialize_with = "false_as_none")]
    pub customer: Option<Link<Customer>>,
    /// Lines (`invoices/{id}/items`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub items: Option<Link<Vec<InvoiceItem>>>,
    /// Metafields.
    #[serde(default, deserialize_with = "false_as_none")]
    pub metafields: Option<Link<Vec<Metafield>>>,
    /// Events (`orders/events?invoice=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub events: Option<Link<Vec<OrderEvent>>>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Body of `PUT invoices/{id}.json`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceUpdate {
    /// New status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<InvoiceStatus>,
    /// Mail when paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_notify_paid: Option<bool>,
}

entity!(Invoice, single: ["invoice"], list: ["invoices"], write: "invoice", update: InvoiceUpdate);

/// One invoice line. Payment and shipping costs are lines too (`type` `payment`/`shipment`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceItem {
    /// Line id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Line kind (`product`, `payment`, `shipment`…).
    #[serde(default, rename = "type", deserialize_with = "false_as_none")]
    pub item_type: Option<String>,
    /// Title (`_paymentcosts_` for payment costs).
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Variant *title* (a string here, not a link).
    #[serde(default, deserialize_with = "false_as_none")]
    pub variant: Option<String>,
    /// The order line this item invoices.
    #[serde(default, deserialize_with = "opt_int")]
    pub order_product_id: Option<u64>,
    /// Article code.
    #[serde(default, deserialize_with = "false_as_none")]
    pub article_code: Option<String>,
    /// EAN.
    #[serde(default, deserialize_with = "false_as_none")]
    pub ean: Option<String>,
    /// SKU.
    #[serde(default, deserialize_with = "false_as_none")]
    pub sku: Option<String>,
    /// Tax rate (fraction).
    #[serde(default, with = "opt_decimal")]
    pub tax_rate: Option<Decimal>,
    /// Unit price before discount, excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub base_price_excl: Option<Decimal>,
    /// Unit price before discount, including VAT.
    #[serde(default, with = "opt_decimal")]
    pub base_price_incl: Option<Decimal>,
    /// Line total excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_excl: Option<Decimal>,
    /// Line total including VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_incl: Option<Decimal>,
    /// Discount excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub discount_excl: Option<Decimal>,
    /// Discount including VAT.
    #[serde(default, with = "opt_decimal")]
    pub discount_incl: Option<Decimal>,
    /// Quantity.
    #[serde(default, with = "opt_decimal")]
    pub quantity: Option<Decimal>,
}

entity!(
    InvoiceItem,
    single: ["invoiceItem", "invoicesItem"],
    list: ["invoiceItems", "invoicesItems"],
    write: "invoiceItem"
);
