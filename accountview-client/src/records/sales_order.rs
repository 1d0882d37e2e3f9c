//! Sales orders: business object `SO1`, header `SO_HDR` + lines `SO_LINE`.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::{Columns, RowReader};
use crate::dataset::{DataSet, Row};
use crate::error::Result;
use crate::write::{FieldType::*, TableWrite, WriteRequest};

/// The order header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SalesOrderHeader {
    /// `ORD_DATE`: order date.
    pub ord_date: Option<NaiveDateTime>,
    /// `INV_DATE`: invoice date.
    pub inv_date: Option<NaiveDateTime>,
    /// `DEL_DATE`: delivery date.
    pub del_date: Option<NaiveDateTime>,
    /// `RPL_INV`: invoice debtor (`SUB_NR`).
    pub rpl_inv: Option<String>,
    /// `RPL_DEL`: delivery debtor (`SUB_NR`).
    pub rpl_del: Option<String>,
    /// `DEL_CODE`: delivery address (`DEL_ADDR.REC_ID`).
    pub del_code: Option<String>,
    /// `COMMENT1`: order description (e.g. shop order number and customer name).
    pub comment1: Option<String>,
    /// `TO_EMAIL`: e-mail for the order.
    pub to_email: Option<String>,
    /// `COMMENT2`: external note.
    pub comment2: Option<String>,
    /// `PD_AMT`: discount amount.
    pub pd_amt: Option<Decimal>,
    /// `EMP_NR`: salesperson.
    pub emp_nr: Option<String>,
    /// `APX_LIST`: price list.
    pub apx_list: Option<String>,
    /// Every other column (e.g. a custom `A8_INV_NR` external reference).
    pub extra: Row,
}

/// One order line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SalesOrderLine {
    /// `DEL_DATE`: delivery date.
    pub del_date: Option<NaiveDateTime>,
    /// `ART_CODE`: article (description, VAT code and revenue account default from it).
    pub art_code: Option<String>,
    /// `ORD_QTY`: quantity ordered.
    pub ord_qty: Option<Decimal>,
    /// `ART_PX`: unit price (gross or net per the administration's order-entry setting).
    pub art_px: Option<Decimal>,
    /// Every other column.
    pub extra: Row,
}

/// A sales order with its lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SalesOrder {
    /// `BookDate` of the write (send the order date).
    pub book_date: Option<NaiveDateTime>,
    /// The header.
    pub header: SalesOrderHeader,
    /// The lines.
    pub lines: Vec<SalesOrderLine>,
}

impl SalesOrderHeader {
    /// Reads an `SO_HDR` row.
    pub fn from_row(row: &Row) -> Result<Self> {
        let mut r = RowReader::new(row);
        Ok(Self {
            ord_date: r.datetime("ORD_DATE")?,
            inv_date: r.datetime("INV_DATE")?,
            del_date: r.datetime("DEL_DATE")?,
            rpl_inv: r.text("RPL_INV"),
            rpl_del: r.text("RPL_DEL"),
            del_code: r.text("DEL_CODE"),
            comment1: r.text("COMMENT1"),
            to_email: r.text("TO_EMAIL"),
            comment2: r.text("COMMENT2"),
            pd_amt: r.decimal("PD_AMT")?,
            emp_nr: r.text("EMP_NR"),
            apx_list: r.text("APX_LIST"),
            extra: r.extra(),
        })
    }

    fn columns(&self) -> Columns {
        let mut c = Columns::default();
        c.put("ORD_DATE", T, self.ord_date)
            .put("INV_DATE", T, self.inv_date)
            .put("DEL_DATE", T, self.del_date)
            .put("RPL_INV", C, self.rpl_inv.as_deref())
            .put("RPL_DEL", C, self.rpl_del.as_deref())
            .put("DEL_CODE", C, self.del_code.as_deref())
            .put("COMMENT1", C, self.comment1.as_deref())
            .put("TO_EMAIL", C, self.to_email.as_deref())
            .put("COMMENT2", C, self.comment2.as_deref())
            .put("PD_AMT", N, self.pd_amt)
            .put("EMP_NR", C, self.emp_nr.as_deref())
            .put("APX_LIST", C, self.apx_list.as_deref())
            .extra(&self.extra);
        c
    }
}

impl SalesOrderLine {
    /// Reads an `SO_LINE` row.
    pub fn from_row(row: &Row) -> Result<Self> {
        let mut r = RowReader::new(row);
        Ok(Self {
            del_date: r.datetime("DEL_DATE")?,
            art_code: r.text("ART_CODE"),
            ord_qty: r.decimal("ORD_QTY")?,
            art_px: r.decimal("ART_PX")?,
            extra: r.extra(),
        })
    }

    fn columns(&self) -> Columns {
        let mut c = Columns::default();
        c.put("DEL_DATE", T, self.del_date)
            .put("ART_CODE", C, self.art_code.as_deref())
            .put("ORD_QTY", N, self.ord_qty)
            .put("ART_PX", N, self.art_px)
            .extra(&self.extra);
        c
    }
}

impl SalesOrder {
    /// Business object code.
    pub const BUSINESS_OBJECT: &'static str = "SO1";
    /// Header table.
    pub const HEADER_TABLE: &'static str = "SO_HDR";
    /// Line table.
    pub const LINE_TABLE: &'static str = "SO_LINE";

    /// The order in a read-shape response: the first `SO_HDR` row and every `SO_LINE` row; `None`
    /// without a header row.
    pub fn from_dataset(data: &DataSet) -> Result<Option<Self>> {
        let Some(header) = data.table(Self::HEADER_TABLE).first() else {
            return Ok(None);
        };
        Ok(Some(Self {
            book_date: None,
            header: SalesOrderHeader::from_row(header).map_err(|e| e.at_path("SO_HDR[0]"))?,
            lines: data.decode_rows(Self::LINE_TABLE, SalesOrderLine::from_row)?,
        }))
    }

    /// The `POST` body: the header's set columns, and the union of the lines' set columns.
    pub fn to_write_request(&self) -> Result<WriteRequest> {
        let header = TableWrite::from_columns(
            Self::HEADER_TABLE,
            vec![(0, self.header.columns().into_vec())],
        );
        let lines = TableWrite::from_columns(
            Self::LINE_TABLE,
            self.lines
                .iter()
                .map(|l| (0, l.columns().into_vec()))
                .collect(),
        );
        let mut request = WriteRequest::new(Self::BUSINESS_OBJECT, header).with_detail(lines);
        request.book_date = self.book_date;
        Ok(request)
    }
}
