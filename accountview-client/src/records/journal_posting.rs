//! Sales-journal postings: business object `DJ2`, header `DJ_PAGE` + lines `DJ_LINE`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Columns, RowReader};
use crate::dataset::{DataSet, Row};
use crate::error::Result;
use crate::write::{FieldType::*, TableWrite, WriteRequest};

/// A journal page (invoice header).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalPage {
    /// `DJ_CODE`: journal (e.g. the sales journal).
    pub dj_code: Option<String>,
    /// `SUB_NR`: debtor.
    pub sub_nr: Option<String>,
    /// `INV_NR`: invoice number.
    pub inv_nr: Option<String>,
    /// `TRN_DATE`: transaction date (sent as a date-time, as public posts do).
    pub trn_date: Option<NaiveDate>,
    /// `PERIOD`: book period.
    pub period: Option<i64>,
    /// `HDR_DESC`: description (mandatory, max 40, truncated beyond).
    pub hdr_desc: Option<String>,
    /// `GROSS_FLG`: amounts include VAT.
    pub gross_flg: Option<bool>,
    /// `CUR_CODE`.
    pub cur_code: Option<String>,
    /// `CRED_DAYS`: payment term in days.
    pub cred_days: Option<i64>,
    /// `DISC_CODE`: payment condition.
    pub disc_code: Option<String>,
    /// `COMMENT1`: memo.
    pub comment1: Option<String>,
    /// `EXT_DESC`: payment reference.
    pub ext_desc: Option<String>,
    /// `PAGE_NR`: page number (assigned by AccountView).
    pub page_nr: Option<String>,
    /// Every other column.
    pub extra: Row,
}

/// A journal line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalLine {
    /// `ACCT_NR`: ledger (revenue) account.
    pub acct_nr: Option<String>,
    /// `TRN_DESC`: description (max 40, truncated beyond).
    pub trn_desc: Option<String>,
    /// `AMOUNT`.
    pub amount: Option<Decimal>,
    /// `VAT_CODE`.
    pub vat_code: Option<String>,
    /// `VAT_AMT`.
    pub vat_amt: Option<Decimal>,
    /// `TRN_QTY`.
    pub trn_qty: Option<Decimal>,
    /// Every other column.
    pub extra: Row,
}

/// A journal posting: one page and its lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalPosting {
    /// `BookDate` of the write.
    pub book_date: Option<chrono::NaiveDateTime>,
    /// The page.
    pub page: JournalPage,
    /// The lines.
    pub lines: Vec<JournalLine>,
}

impl JournalPage {
    /// Reads a `DJ_PAGE` row.
    pub fn from_row(row: &Row) -> Result<Self> {
        let mut r = RowReader::new(row);
        Ok(Self {
            dj_code: r.text("DJ_CODE"),
            sub_nr: r.text("SUB_NR"),
            inv_nr: r.text("INV_NR"),
            trn_date: r.date("TRN_DATE")?,
            period: r.int("PERIOD")?,
            hdr_desc: r.text("HDR_DESC"),
            gross_flg: r.bool("GROSS_FLG")?,
            cur_code: r.text("CUR_CODE"),
            cred_days: r.int("CRED_DAYS")?,
            disc_code: r.text("DISC_CODE"),
            comment1: r.text("COMMENT1"),
            ext_desc: r.text("EXT_DESC"),
            page_nr: r.text("PAGE_NR"),
            extra: r.extra(),
        })
    }

    fn columns(&self) -> Columns {
        let mut c = Columns::default();
        c.put("DJ_CODE", C, self.dj_code.as_deref())
            .put("SUB_NR", C, self.sub_nr.as_deref())
            .put("INV_NR", C, self.inv_nr.as_deref())
            .put("TRN_DATE", T, self.trn_date)
            .put("PERIOD", N, self.period)
            .put("HDR_DESC", C, self.hdr_desc.as_deref())
            .put("GROSS_FLG", L, self.gross_flg)
            .put("CUR_CODE", C, self.cur_code.as_deref())
            .put("CRED_DAYS", N, self.cred_days)
            .put("DISC_CODE", C, self.disc_code.as_deref())
            .put("COMMENT1", M, self.comment1.as_deref())
            .put("EXT_DESC", C, self.ext_desc.as_deref())
            .put("PAGE_NR", C, self.page_nr.as_deref())
            .extra(&self.extra);
        c
    }
}

impl JournalLine {
    /// Reads a `DJ_LINE` row.
    pub fn from_row(row: &Row) -> Result<Self> {
        let mut r = RowReader::new(row);
        Ok(Self {
            acct_nr: r.text("ACCT_NR"),
            trn_desc: r.text("TRN_DESC"),
            amount: r.decimal("AMOUNT")?,
            vat_code: r.text("VAT_CODE"),
            vat_amt: r.decimal("VAT_AMT")?,
            trn_qty: r.decimal("TRN_QTY")?,
            extra: r.extra(),
        })
    }

    fn columns(&self) -> Columns {
        let mut c = Columns::default();
        c.put("ACCT_NR", C, self.acct_nr.as_deref())
            .put("TRN_DESC", C, self.trn_desc.as_deref())
            .put("AMOUNT", N, self.amount)
            .put("VAT_CODE", C, self.vat_code.as_deref())
            .put("VAT_AMT", N, self.vat_amt)
            .put("TRN_QTY", N, self.trn_qty)
            .extra(&self.extra);
        c
    }
}

impl JournalPosting {
    /// Business object code.
    pub const BUSINESS_OBJECT: &'static str = "DJ2";
    /// Page table.
    pub const PAGE_TABLE: &'static str = "DJ_PAGE";
    /// Line table.
    pub const LINE_TABLE: &'static str = "DJ_LINE";

    /// The posting in a read-shape response (`DJ2P` reads, write responses); `None` without a page row.
    pub fn from_dataset(data: &DataSet) -> Result<Option<Self>> {
        let Some(page) = data.table(Self::PAGE_TABLE).first() else {
            return Ok(None);
        };
        Ok(Some(Self {
            book_date: None,
            page: JournalPage::from_row(page).map_err(|e| e.at_path("DJ_PAGE[0]"))?,
            lines: data.decode_rows(Self::LINE_TABLE, JournalLine::from_row)?,
        }))
    }

    /// The `POST` body.
    pub fn to_write_request(&self) -> Result<WriteRequest> {
        let page =
            TableWrite::from_columns(Self::PAGE_TABLE, vec![(0, self.page.columns().into_vec())]);
        let lines = TableWrite::from_columns(
            Self::LINE_TABLE,
            self.lines
                .iter()
                .map(|l| (0, l.columns().into_vec()))
                .collect(),
        );
        let mut request = WriteRequest::new(Self::BUSINESS_OBJECT, page).with_detail(lines);
        request.book_date = self.book_date;
        Ok(request)
    }
}
