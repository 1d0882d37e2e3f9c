//! A Lightspeed order (with its lines and invoices) as sync-core's neutral [`Order`].

use chrono::{DateTime, Utc};
use serde_json::Value;
use sync_core::domain::{Currency, InvoiceInfo, Order, OrderSummary, OrderTotals};
use sync_core::error::SyncError;

use super::amounts::{self, required};
use super::party::{address, party, text};
use super::status;
use crate::models::{self, Invoice, InvoiceStatus, OrderProduct};

/// What the mapping needs besides the payloads: facts about the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapContext {
    /// The shop id stamped on the order (and thus on the booking).
    pub shop_id: Option<String>,
    /// The currency of the amounts (Lightspeed orders carry none).
    pub currency: Currency,
}

impl MapContext {
    /// A context for `shop_id` with amounts in `currency`.
    pub fn new(shop_id: Option<String>, currency: Currency) -> Self {
        Self { shop_id, currency }
    }
}

/// The first invoice that is not a credit note and not cancelled, as number and date (the date of
/// `createdAt` in the offset Lightspeed states).
pub fn invoice_info(invoices: &[Invoice]) -> Option<InvoiceInfo> {
    invoices
        .iter()
        .filter(|i| i.is_credit_note != Some(true))
        .filter(|i| i.status != Some(InvoiceStatus::Cancelled))
        .find_map(|i| {
            Some(InvoiceInfo {
                number: text(i.number.as_ref())?,
                date: i.created_at.map(|t| t.date_naive()),
                is_credit_note: false,
            })
        })
}

/// Maps a Lightspeed order. `lines` are the order lines (empty for list summaries), `invoices` the
/// order's invoices as far as they are known, `raw` the order JSON kept for the activity log.
///
/// `placed_on` is the date of `createdAt` in the offset Lightspeed states (an order placed at
/// 00:56 in Amsterdam belongs to that day); times are converted to UTC.
///
/// # Errors
///
/// A skippable mapping error naming the order and field when the number, the timestamps, the
/// totals or a VAT rate are missing or unusable.
pub fn map_order(
    order: &models::Order,
    lines: &[OrderProduct],
    invoices: &[Invoice],
    raw: Value,
    ctx: &MapContext,
) -> Result<Order, SyncError> {
    let record = format!("order {}", order.id);
    let number = text(order.number.as_ref())
        .ok_or_else(|| SyncError::mapping(format!("{record}: `number` is missing")))?;
    let record = format!("order {number}");
    let (created_at, updated_at) = timestamps(order).ok_or_else(|| {
        SyncError::mapping(format!("{record}: `createdAt` and `updatedAt` are missing"))
    })?;
    let lines = lines
        .iter()
        .map(|l| amounts::order_line(l, &number))
        .collect::<Result<Vec<_>, _>>()?;
    let discounts = amounts::order_discount(order, &lines).into_iter().collect();
    Ok(Order {
        source_id: order.id.to_string(),
        shop_id: ctx.shop_id.clone(),
        created_at,
        placed_on: order.created_at.map(|t| t.date_naive()),
        updated_at,
        status: status::order_status(order.status.as_ref()),
        payment_status: status::payment_status(order.payment_status.as_ref()),
        shipment_status: status::shipment_status(order.shipment_status.as_ref()),
        customer: party(order),
        billing_address: address(&order.billing_address(), &number),
        shipping_address: address(&order.shipping_address(), &number),
        shipping: amounts::shipping(order, &record)?,
        payment: amounts::payment(order, &record)?,
        discounts,
        lines,
        totals: OrderTotals {
            excl: required(order.price_excl, "priceExcl", &record)?,
            incl: required(order.price_incl, "priceIncl", &record)?,
            vat_by_rate: amounts::vat_by_rate(&order.tax_rates, &record)?,
        },
        currency: ctx.currency,
        payment_method: text(order.payment_id.as_ref()),
        shipping_method: text(order.shipment_title.as_ref()),
        invoice: invoice_info(invoices),
        raw,
        number,
    })
}

/// `(created_at, updated_at)` in UTC, each falling back to the other.
fn timestamps(order: &models::Order) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let created = order.created_at.or(order.updated_at)?.with_timezone(&Utc);
    let updated = order.updated_at.or(order.created_at)?.with_timezone(&Utc);
    Some((created, updated))
}

/// An order as the list shows it (no lines, no totals): what the flow decides on before it fetches
/// the complete order. Never fails: an entry whose details the mapping would refuse is still
/// listed, so the flow fetches it and dead-letters it with the reason instead of losing it. A list
/// entry without change times takes `seen_at`.
pub(crate) fn order_summary(
    order: &models::Order,
    raw: Value,
    ctx: &MapContext,
    seen_at: DateTime<Utc>,
) -> OrderSummary {
    OrderSummary {
        source_id: order.id.to_string(),
        number: text(order.number.as_ref()).unwrap_or_else(|| order.id.to_string()),
        shop_id: ctx.shop_id.clone(),
        created_at: order.created_at.map(|t| t.with_timezone(&Utc)),
        updated_at: order
            .updated_at
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(seen_at),
        status: status::order_status(order.status.as_ref()),
        payment_status: status::payment_status(order.payment_status.as_ref()),
        shipment_status: status::shipment_status(order.shipment_status.as_ref()),
        raw,
    }
}
