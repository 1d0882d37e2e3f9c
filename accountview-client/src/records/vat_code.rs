//! VAT codes: business object `VA1`, table `VAT` (read only).

use rust_decimal::Decimal;

use super::{Record, RowReader};
use crate::dataset::Row;
use crate::error::Result;

/// A VAT code of the administration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VatCode {
    /// `VAT_CODE`: key, e.g. `2`.
    pub vat_code: Option<String>,
    /// `VAT_NAME`.
    pub vat_name: Option<String>,
    /// `VAT_PCT`: the rate as a percentage, e.g. `21`.
    pub vat_pct: Option<Decimal>,
    /// `VAT_TYPE`.
    pub vat_type: Option<i64>,
    /// `CALC_TYPE`.
    pub calc_type: Option<i64>,
    /// `VAT_ACCT`: VAT ledger account.
    pub vat_acct: Option<String>,
    /// `FRM_CODE`: VAT return box.
    pub frm_code: Option<String>,
    /// `IS_REVERSE`: reverse charge.
    pub is_reverse: Option<bool>,
    /// `VAT_LINK`.
    pub vat_link: Option<String>,
    /// Every other column.
    pub extra: Row,
}

impl VatCode {
    /// The rate as a fraction (`VAT_PCT / 100`, e.g. `0.21`).
    pub fn rate(&self) -> Option<Decimal> {
        self.vat_pct.map(|p| p / Decimal::ONE_HUNDRED)
    }
}

impl Record for VatCode {
    const BUSINESS_OBJECT: &'static str = "VA1";
    const TABLE: &'static str = "VAT";
    const KEY: &'static str = "VAT_CODE";

    fn from_row(row: &Row) -> Result<Self> {
        let mut r = RowReader::new(row);
        Ok(Self {
            vat_code: r.text("VAT_CODE"),
            vat_name: r.text("VAT_NAME"),
            vat_pct: r.decimal("VAT_PCT")?,
            vat_type: r.int("VAT_TYPE")?,
            calc_type: r.int("CALC_TYPE")?,
            vat_acct: r.text("VAT_ACCT"),
            frm_code: r.text("FRM_CODE"),
            is_reverse: r.bool("IS_REVERSE")?,
            vat_link: r.text("VAT_LINK"),
            extra: r.extra(),
        })
    }
}
