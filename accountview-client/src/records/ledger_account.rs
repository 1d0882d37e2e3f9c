//! Ledger accounts: business object `GL1`, table `LEDGER` (read only).

use super::{Record, RowReader};
use crate::dataset::Row;
use crate::error::Result;

/// A general-ledger account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LedgerAccount {
    /// `ACCT_NR`: key.
    pub acct_nr: Option<String>,
    /// `ACCT_NAME`.
    pub acct_name: Option<String>,
    /// `ACCT_TYPE`.
    pub acct_type: Option<i64>,
    /// `ACCT_LINK`: collective-account type (debtors, creditors, …).
    pub acct_link: Option<i64>,
    /// `STAT_SELL`: revenue account.
    pub stat_sell: Option<bool>,
    /// `VAT_CODE`: default VAT code.
    pub vat_code: Option<String>,
    /// `VAT_MAND`: VAT code mandatory on postings.
    pub vat_mand: Option<bool>,
    /// `REC_BLK`: blocked.
    pub rec_blk: Option<bool>,
    /// Every other column.
    pub extra: Row,
}

impl Record for LedgerAccount {
    const BUSINESS_OBJECT: &'static str = "GL1";
    const TABLE: &'static str = "LEDGER";
    const KEY: &'static str = "ACCT_NR";

    fn from_row(row: &Row) -> Result<Self> {
        let mut r = RowReader::new(row);
        Ok(Self {
            acct_nr: r.text("ACCT_NR"),
            acct_name: r.text("ACCT_NAME"),
            acct_type: r.int("ACCT_TYPE")?,
            acct_link: r.int("ACCT_LINK")?,
            stat_sell: r.bool("STAT_SELL")?,
            vat_code: r.text("VAT_CODE"),
            vat_mand: r.bool("VAT_MAND")?,
            rec_blk: r.bool("REC_BLK")?,
            extra: r.extra(),
        })
    }
}
