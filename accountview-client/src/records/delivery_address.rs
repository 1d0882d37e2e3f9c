//! Delivery addresses: business object `ADDR`, table `DEL_ADDR`.

use super::{Columns, Record, RowReader, WritableRecord};
use crate::dataset::Row;
use crate::error::Result;
use crate::write::{FieldType::*, TableWrite, WriteRequest};

/// A delivery address of a debtor. Its `REC_ID` (generated on create) goes into `SO_HDR.DEL_CODE`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliveryAddress {
    /// `REC_ID`: key, generated on create.
    pub rec_id: Option<String>,
    /// `SUB_NR`: the debtor.
    pub sub_nr: Option<String>,
    /// `DEL_NAME`: addressee.
    pub del_name: Option<String>,
    /// `ADDRESS1`.
    pub address1: Option<String>,
    /// `POST_CODE`.
    pub post_code: Option<String>,
    /// `CITY`.
    pub city: Option<String>,
    /// `CNT_CODE`.
    pub cnt_code: Option<String>,
    /// `MAIL_BUS`.
    pub mail_bus: Option<String>,
    /// `TEL_BUS`.
    pub tel_bus: Option<String>,
    /// Every other column.
    pub extra: Row,
}

impl Record for DeliveryAddress {
    const BUSINESS_OBJECT: &'static str = "ADDR";
    const TABLE: &'static str = "DEL_ADDR";
    const KEY: &'static str = "REC_ID";

    fn from_row(row: &Row) -> Result<Self> {
        let mut r = RowReader::new(row);
        Ok(Self {
            rec_id: r.text("REC_ID"),
            sub_nr: r.text("SUB_NR"),
            del_name: r.text("DEL_NAME"),
            address1: r.text("ADDRESS1"),
            post_code: r.text("POST_CODE"),
            city: r.text("CITY"),
            cnt_code: r.text("CNT_CODE"),
            mail_bus: r.text("MAIL_BUS"),
            tel_bus: r.text("TEL_BUS"),
            extra: r.extra(),
        })
    }
}

impl WritableRecord for DeliveryAddress {
    fn to_write_request(&self) -> Result<WriteRequest> {
        let mut c = Columns::default();
        c.put("REC_ID", C, self.rec_id.as_deref())
            .put("SUB_NR", C, self.sub_nr.as_deref())
            .put("DEL_NAME", C, self.del_name.as_deref())
            .put("ADDRESS1", C, self.address1.as_deref())
            .put("POST_CODE", C, self.post_code.as_deref())
            .put("CITY", C, self.city.as_deref())
            .put("CNT_CODE", C, self.cnt_code.as_deref())
            .put("MAIL_BUS", C, self.mail_bus.as_deref())
            .put("TEL_BUS", C, self.tel_bus.as_deref())
            .extra(&self.extra);
        Ok(WriteRequest::new(
            Self::BUSINESS_OBJECT,
            TableWrite::from_columns(Self::TABLE, vec![(0, c.into_vec())]),
        ))
    }

    fn update_id(&self) -> Option<String> {
        self.rec_id.clone()
    }
}
