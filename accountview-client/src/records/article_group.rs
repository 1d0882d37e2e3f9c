//! Article groups: business object `AG1`, table `ART_GRP`.

use super::{Columns, Record, RowReader, WritableRecord};
use crate::dataset::Row;
use crate::error::Result;
use crate::write::{FieldType::*, TableWrite, WriteRequest};

/// An article group (a shop category by default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleGroup {
    /// `AG_CODE`: key.
    pub ag_code: Option<String>,
    /// `AG_DESC`: description.
    pub ag_desc: Option<String>,
    /// Every other column.
    pub extra: Row,
}

impl Record for ArticleGroup {
    const BUSINESS_OBJECT: &'static str = "AG1";
    const TABLE: &'static str = "ART_GRP";
    const KEY: &'static str = "AG_CODE";

    fn from_row(row: &Row) -> Result<Self> {
        let mut r = RowReader::new(row);
        Ok(Self {
            ag_code: r.text("AG_CODE"),
            ag_desc: r.text("AG_DESC"),
            extra: r.extra(),
        })
    }
}

impl WritableRecord for ArticleGroup {
    fn to_write_request(&self) -> Result<WriteRequest> {
        let mut c = Columns::default();
        c.put("AG_CODE", C, self.ag_code.as_deref())
            .put("AG_DESC", C, self.ag_desc.as_deref())
            .extra(&self.extra);
        Ok(WriteRequest::new(
            Self::BUSINESS_OBJECT,
            TableWrite::from_columns(Self::TABLE, vec![(0, c.into_vec())]),
        ))
    }

    fn update_id(&self) -> Option<String> {
        self.ag_code.clone()
    }
}
