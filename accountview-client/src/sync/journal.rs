//! A [`SalesDocument`] as a sales-journal posting (`DJ2`: `DJ_PAGE` + `DJ_LINE`).

use chrono::Datelike;
use rust_decimal::Decimal;
use sync_core::domain::{BookingLine, SalesDocument, SalesDocumentKind};
use sync_core::error::{ErrorKind, SyncError};

use super::documents::{describe_line, midnight, put, put_constants, reference_text};
use super::options::LedgerOptions;
use super::text::{ascii_key, filled, truncate_with_warning};
use crate::records::{JournalLine, JournalPage, JournalPosting};
use crate::validate::FieldFacts;

/// `DJ_PAGE.HDR_DESC` holds at most 40 characters.
const HDR_DESC_LEN: usize = 40;
/// `DJ_PAGE.INV_NR` length when the field facts do not say.
const INV_NR_LEN: usize = 12;

/// The posting for a sales invoice or credit note.
///
/// Page: `DJ_CODE` (the sales journal), `SUB_NR`, `INV_NR` (the document's invoice number, else derived
/// from the reference), `TRN_DATE` (invoice date, else order date) and `PERIOD` (its month),
/// `HDR_DESC`, the reference column, `GROSS_FLG` = false (amounts are posted excl. VAT with the VAT
/// beside them), `CUR_CODE`, the payment condition column, then the journal header constants.
///
/// Lines: `ACCT_NR` (the revenue account; a line without one is a skippable mapping error naming it),
/// `TRN_DESC`, `AMOUNT` (excl. VAT), `VAT_CODE`, `VAT_AMT`, `TRN_QTY`, then the journal line constants.
/// Signs: document amounts are as the shop states them (sold goods positive, discounts negative; a
/// credit note's credited goods positive too). A sales invoice credits revenue, so `AMOUNT` and
/// `VAT_AMT` are negated; a credit note debits revenue, so they keep their sign.
///
/// A journal page has no header discount: a document with one is a fatal configuration error (the
/// flow's discount mode must be `line` for journal postings).
pub(super) fn journal_posting(
    document: &SalesDocument,
    options: &LedgerOptions,
    facts: &FieldFacts,
) -> Result<JournalPosting, SyncError> {
    let sign = match document.kind {
        SalesDocumentKind::SalesInvoice => Decimal::NEGATIVE_ONE,
        SalesDocumentKind::CreditNote => Decimal::ONE,
        SalesDocumentKind::SalesOrder => {
            return Err(SyncError::fatal(
                ErrorKind::Internal,
                "a sales order cannot be posted as a journal page",
            ));
        }
    };
    if !document.header_discount.is_zero() {
        return Err(SyncError::config(format!(
            "{}: a journal posting cannot carry a header discount ({}); book order-level discounts \
             as lines (`orders.order_discount = \"line\"`)",
            document.reference, document.header_discount
        )));
    }
    let reference_column = options.sales_invoice_reference_column.as_str();
    let reference = reference_text(
        &document.reference,
        JournalPosting::PAGE_TABLE,
        reference_column,
        facts,
    )?;
    let debtor = filled(Some(&document.debtor.number))
        .ok_or_else(|| SyncError::mapping("the journal posting has no debtor number"))?;
    let date = document.invoice_date.unwrap_or(document.order_date);
    let description = if reference_column.eq_ignore_ascii_case("HDR_DESC") {
        reference.clone()
    } else {
        let text = filled(Some(&document.description)).unwrap_or_else(|| reference.clone());
        truncate_with_warning(&text, HDR_DESC_LEN, "DJ_PAGE.HDR_DESC")
    };
    let mut page = JournalPage {
        dj_code: filled(Some(&options.sales_journal)),
        sub_nr: Some(debtor),
        inv_nr: Some(invoice_number(document, &reference, facts)),
        trn_date: Some(date),
        period: Some(i64::from(date.month())),
        hdr_desc: Some(description),
        gross_flg: Some(false),
        cur_code: Some(document.currency.as_str().to_owned()),
        ..JournalPage::default()
    };
    if !reference_column.eq_ignore_ascii_case("HDR_DESC") {
        page.extra.insert(reference_column, reference);
    }
    put(
        &mut page.extra,
        options.payment_condition_column.as_deref(),
        filled(document.payment_condition.as_deref()),
    );
    put_constants(&mut page.extra, &options.journal_header_constants);

    let lines = document
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| journal_line(i, line, sign, options))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(JournalPosting {
        book_date: Some(midnight(date)),
        page,
        lines,
    })
}

/// The document's invoice number (uppercase), else the reference's letters and digits, the last
/// `INV_NR`-length characters of them (the order number sits at the end of the reference).
fn invoice_number(document: &SalesDocument, reference: &str, facts: &FieldFacts) -> String {
    if let Some(number) = filled(document.invoice_number.as_deref()) {
        return number.to_uppercase();
    }
    let max = facts
        .get(JournalPosting::PAGE_TABLE, "INV_NR")
        .and_then(|f| f.max_len)
        .unwrap_or(INV_NR_LEN);
    let key = ascii_key(reference);
    let skip = key.chars().count().saturating_sub(max);
    key.chars().skip(skip).collect()
}

fn journal_line(
    index: usize,
    line: &BookingLine,
    sign: Decimal,
    options: &LedgerOptions,
) -> Result<JournalLine, SyncError> {
    let account = filled(line.revenue_account.as_deref()).ok_or_else(|| {
        SyncError::mapping(format!(
            "{} has no revenue account (configure a revenue account for its country)",
            describe_line(index, line)
        ))
    })?;
    let mut row = JournalLine {
        acct_nr: Some(account),
        trn_desc: filled(Some(&line.description)),
        amount: Some(sign * line.amount_excl),
        vat_code: filled(line.vat_code.as_deref()),
        vat_amt: Some(sign * line.vat_amount),
        trn_qty: Some(line.quantity),
        ..JournalLine::default()
    };
    put_constants(&mut row.extra, &options.journal_line_constants);
    Ok(row)
}
