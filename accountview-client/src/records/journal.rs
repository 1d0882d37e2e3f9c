//! Journals: business object `DJ1`, table `DAILY` (read only).

use super::{Record, RowReader};
use crate::dataset::Row;
use crate::error::Result;

/// A journal (dagboek), e.g. the sales journal postings go to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Journal {
    /// `DJ_CODE`: key.
    pub dj_code: Option<String>,
    /// `DJ_NAME`.
    pub dj_name: Option<String>,
    /// `DJ_TYPE`.
    pub dj_type: Option<i64>,
    /// `NUM_AUTO`: invoice numbers assigned automatically.
    pub num_auto: Option<bool>,
    /// `GROSS_FLG`: amounts entered including VAT.
    pub gross_flg: Option<bool>,
    /// `CUR_CODE`.
    pub cur_code: Option<String>,
    /// Every other column.
    pub extra: Row,
}

impl Record for Journal {
    const BUSINESS_OBJECT: &'static str = "DJ1";
    const TABLE: &'static str = "DAILY";
    const KEY: &'static str = "DJ_CODE";

    fn from_row(row: &Row) -> Result<Self> {
        let mut r = RowReader::new(row);
        Ok(Self {
            dj_code: r.text("DJ_CODE"),
            dj_name: r.text("DJ_NAME"),
            dj_type: r.int("DJ_TYPE")?,
            num_auto: r.bool("NUM_AUTO")?,
            gross_flg: r.bool("GROSS_FLG")?,
            cur_code: r.text("CUR_CODE"),
            extra: r.extra(),
        })
    }
}
