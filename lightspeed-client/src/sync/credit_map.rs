//! A Lightspeed credit invoice (`isCreditNote`) with its items as sync-core's [`CreditNote`].
//!
//! Invoice items carry a `type`: `product` items become lines, `shipment` and `payment` items the
//! credited shipping and payment costs. Amounts are made positive whatever sign Lightspeed uses:
//! the ledger side books a credit note as a credit.

use rust_decimal::Decimal;
use serde_json::Value;
use sync_core::domain::{Charge, CreditNote, OrderLine, OrderTotals};
use sync_core::error::SyncError;

use super::amounts::{self, ChargeParts, required, vat_from_amounts};
use super::order_map::MapContext;
use super::party::text;
use crate::models::{Invoice, InvoiceItem};

/// What an invoice item stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Product,
    Shipment,
    Payment,
}

fn kind(item: &InvoiceItem) -> ItemKind {
    match item.item_type.as_deref().map(str::trim) {
        Some(t) if t.eq_ignore_ascii_case("shipment") => ItemKind::Shipment,
        Some(t) if t.eq_ignore_ascii_case("payment") => ItemKind::Payment,
        Some(t) if !t.eq_ignore_ascii_case("product") => {
            tracing::warn!(
                item = item.id,
                r#type = t,
                "unknown invoice item type; booked as a line"
            );
            ItemKind::Product
        }
        _ => ItemKind::Product,
    }
}

fn abs(value: Option<Decimal>) -> Option<Decimal> {
    value.map(|v| v.abs())
}

/// The item title, unless it is a placeholder such as `_paymentcosts_`; then the variant text
/// (which holds the method's title on cost items).
fn item_title(item: &InvoiceItem) -> Option<&String> {
    item.title
        .as_ref()
        .filter(|t| !t.trim().is_empty() && !t.trim().starts_with('_'))
        .or(item.variant.as_ref())
}

fn credit_line(item: &InvoiceItem, record: &str) -> Result<OrderLine, SyncError> {
    let record = format!("{record} item {}", item.id);
    let quantity = required(abs(item.quantity), "quantity", &record)?;
    let total_excl = required(abs(item.price_excl), "priceExcl", &record)?;
    let total_incl = required(abs(item.price_incl), "priceIncl", &record)?;
    let discount_excl = abs(item.discount_excl).unwrap_or_default();
    let discount_incl = abs(item.discount_incl).unwrap_or_default();
    let unit = |base: Option<Decimal>, total: Decimal, discount: Decimal| {
        abs(base).unwrap_or_else(|| {
            if quantity.is_zero() {
                Decimal::ZERO
            } else {
                (total + discount) / quantity
            }
        })
    };
    let article_code = text(item.article_code.as_ref());
    let sku = text(item.sku.as_ref());
    Ok(OrderLine {
        line_id: item.id.to_string(),
        description: amounts::description(item.title.as_ref(), item.variant.as_ref())
            .or_else(|| article_code.clone())
            .or_else(|| sku.clone())
            .unwrap_or_else(|| format!("item {}", item.id)),
        article_code,
        sku,
        ean: text(item.ean.as_ref()),
        quantity,
        unit_price_excl: unit(item.base_price_excl, total_excl, discount_excl),
        unit_price_incl: unit(item.base_price_incl, total_incl, discount_incl),
        total_excl,
        total_incl,
        discount_excl,
        discount_incl,
        vat_rate: amounts::vat_rate(item.tax_rate, &[], (total_excl, total_incl), &record)?,
    })
}

fn credit_charge(item: &InvoiceItem, record: &str) -> Result<Option<Charge>, SyncError> {
    let default_title = match kind(item) {
        ItemKind::Shipment => "Shipping",
        _ => "Payment costs",
    };
    amounts::charge(
        ChargeParts {
            code: None,
            title: item_title(item),
            default_title,
            net: (abs(item.price_excl), abs(item.price_incl)),
            discount: (abs(item.discount_excl), abs(item.discount_incl)),
            rate: item.tax_rate,
            tax_lines: &[],
        },
        &format!("{record} item {}", item.id),
    )
}

/// Adds a second charge of the same kind to the first (same VAT rate only).
fn merge(into: &mut Option<Charge>, add: Charge, record: &str) -> Result<(), SyncError> {
    match into {
        None => *into = Some(add),
        Some(c) if c.vat_rate == add.vat_rate => {
            c.price_excl += add.price_excl;
            c.price_incl += add.price_incl;
            c.discount_excl += add.discount_excl;
            c.discount_incl += add.discount_incl;
        }
        Some(c) => {
            return Err(SyncError::mapping(format!(
                "{record}: two `{}` items with different VAT rates ({} and {})",
                c.title, c.vat_rate, add.vat_rate
            )));
        }
    }
    Ok(())
}

/// Maps a credit invoice and its items. `raw` is the invoice JSON kept for the activity log.
///
/// # Errors
///
/// A skippable mapping error naming the credit note and field when the number, the date, the totals
/// or an item's amounts are missing or unusable.
pub fn map_credit_note(
    invoice: &Invoice,
    items: &[InvoiceItem],
    raw: Value,
    ctx: &MapContext,
) -> Result<CreditNote, SyncError> {
    let number = text(invoice.number.as_ref()).ok_or_else(|| {
        SyncError::mapping(format!("credit note {}: `number` is missing", invoice.id))
    })?;
    let record = format!("credit note {number}");
    let date = invoice
        .created_at
        .or(invoice.updated_at)
        .map(|t| t.date_naive())
        .ok_or_else(|| SyncError::mapping(format!("{record}: `createdAt` is missing")))?;
    let mut lines = Vec::new();
    let (mut shipping, mut payment) = (None, None);
    for item in items {
        match kind(item) {
            ItemKind::Product => lines.push(credit_line(item, &record)?),
            ItemKind::Shipment => {
                if let Some(c) = credit_charge(item, &record)? {
                    merge(&mut shipping, c, &record)?;
                }
            }
            ItemKind::Payment => {
                if let Some(c) = credit_charge(item, &record)? {
                    merge(&mut payment, c, &record)?;
                }
            }
        }
    }
    let amounts: Vec<_> = lines
        .iter()
        .map(|l| (l.vat_rate, l.total_excl, l.total_incl))
        .chain(
            [&shipping, &payment]
                .into_iter()
                .flatten()
                .map(|c| (c.vat_rate, c.net_excl(), c.net_incl())),
        )
        .collect();
    let order = invoice.order.as_ref();
    Ok(CreditNote {
        source_id: invoice.id.to_string(),
        date,
        updated_at: invoice.updated_at.map(|t| t.with_timezone(&chrono::Utc)),
        order_source_id: order.and_then(|l| l.id).map(|id| id.to_string()),
        order_number: order
            .and_then(|l| l.embedded())
            .and_then(|o| text(o.number.as_ref())),
        lines,
        shipping,
        payment,
        totals: OrderTotals {
            excl: required(abs(invoice.price_excl), "priceExcl", &record)?,
            incl: required(abs(invoice.price_incl), "priceIncl", &record)?,
            vat_by_rate: vat_from_amounts(&amounts),
        },
        currency: ctx.currency,
        raw,
        number,
    })
}
