//! A [`SalesDocument`] as an AccountView sales order (`SO1`: `SO_HDR` + `SO_LINE`).

use rust_decimal::{Decimal, RoundingStrategy};
use sync_core::domain::{BookingLine, SalesDocument, round_cents};
use sync_core::error::SyncError;

use super::documents::{
    decimal_value, describe_line, midnight, put, put_constants, reference_text,
};
use super::options::LedgerOptions;
use super::text::filled;
use crate::records::{SalesOrder, SalesOrderHeader, SalesOrderLine};
use crate::validate::FieldFacts;

/// A difference below half a cent between `quantity × unit price` and the line amount is rounding,
/// not a discount.
const HALF_CENT: Decimal = Decimal::from_parts(5, 0, 0, false, 3);

/// Decimals of a derived (net) unit price.
const UNIT_PRICE_DECIMALS: u32 = 4;

/// The sales order for `document`.
///
/// Header: `ORD_DATE`, `INV_DATE` (when known), `RPL_INV` = `RPL_DEL` = the debtor, `DEL_CODE` (the
/// delivery address), `TO_EMAIL`, `PD_AMT` (the header discount, when the document has one), the
/// reference column, and the configured payment condition, shipping
/// method, payment method and shop id columns when the document has those values, then the header
/// constants. Lines: see [`order_line`]. Shipping, payment-cost, discount and rounding lines are
/// article lines with their special article codes; the document already contains them.
pub(super) fn sales_order(
    document: &SalesDocument,
    options: &LedgerOptions,
    facts: &FieldFacts,
) -> Result<SalesOrder, SyncError> {
    let reference = reference_text(
        &document.reference,
        SalesOrder::HEADER_TABLE,
        &options.sales_order_reference_column,
        facts,
    )?;
    let debtor = filled(Some(&document.debtor.number))
        .ok_or_else(|| SyncError::mapping("the sales order has no debtor number"))?;
    let mut header = SalesOrderHeader {
        ord_date: Some(midnight(document.order_date)),
        inv_date: document.invoice_date.map(midnight),
        rpl_inv: Some(debtor.clone()),
        rpl_del: Some(debtor),
        del_code: filled(document.debtor.delivery_address_id.as_deref()),
        to_email: document.email.as_ref().map(|e| e.as_str().to_owned()),
        pd_amt: (!document.header_discount.is_zero()).then_some(document.header_discount),
        ..SalesOrderHeader::default()
    };
    let extra = &mut header.extra;
    extra.insert(options.sales_order_reference_column.clone(), reference);
    put(
        extra,
        options.payment_condition_column.as_deref(),
        filled(document.payment_condition.as_deref()),
    );
    put(
        extra,
        options.shipping_method_column.as_deref(),
        filled(document.shipping_method_code.as_deref()),
    );
    put(
        extra,
        options.payment_method_column.as_deref(),
        filled(document.payment_method_code.as_deref()),
    );
    put(
        extra,
        options.shop_id_column.as_deref(),
        filled(document.shop_id.as_deref()),
    );
    put_constants(extra, &options.header_constants);

    let lines = document
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| order_line(i, line, document.amounts_include_vat, options))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SalesOrder {
        book_date: header.ord_date,
        header,
        lines,
    })
}

/// One `SO_LINE`: `ART_CODE`, `ORD_QTY`, `ART_PX` and the optional columns.
///
/// `ART_PX` is the unit price as the document states it (incl. or excl. VAT per
/// `amounts_include_vat`). A line whose amount is below `quantity × unit price` has a discount: with a
/// discount column configured, the line's total discount (rounded to cents) goes there and `ART_PX`
/// stays the list price; without one, `ART_PX` becomes the net unit price (line amount / quantity, 4
/// decimals). A line amount above `quantity × unit price` is sent as the net unit price too.
fn order_line(
    index: usize,
    line: &BookingLine,
    include_vat: bool,
    options: &LedgerOptions,
) -> Result<SalesOrderLine, SyncError> {
    let code = filled(line.article_code.as_deref()).ok_or_else(|| {
        SyncError::mapping(format!(
            "{} has no article code",
            describe_line(index, line)
        ))
    })?;
    let amount = if include_vat {
        line.amount_incl
    } else {
        line.amount_excl
    };
    let discount = line.quantity * line.unit_price - amount;
    let mut row = SalesOrderLine {
        art_code: Some(code),
        ord_qty: Some(line.quantity),
        ..SalesOrderLine::default()
    };
    let net_unit_price = || {
        if line.quantity.is_zero() {
            line.unit_price
        } else {
            (amount / line.quantity)
                .round_dp_with_strategy(UNIT_PRICE_DECIMALS, RoundingStrategy::MidpointAwayFromZero)
        }
    };
    row.art_px = Some(match options.order_line_discount_column.as_deref() {
        Some(column) if discount >= HALF_CENT => {
            row.extra
                .insert(column, decimal_value(round_cents(discount)));
            line.unit_price
        }
        _ if discount.abs() >= HALF_CENT => net_unit_price(),
        _ => line.unit_price,
    });
    let extra = &mut row.extra;
    put(
        extra,
        options.order_line_description_column.as_deref(),
        filled(Some(&line.description)),
    );
    put(
        extra,
        options.order_line_vat_code_column.as_deref(),
        filled(line.vat_code.as_deref()),
    );
    put(
        extra,
        options.order_line_revenue_account_column.as_deref(),
        filled(line.revenue_account.as_deref()),
    );
    put_constants(extra, &options.line_constants);
    Ok(row)
}
