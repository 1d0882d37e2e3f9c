//! Articles: business object `AK1`, table `ARTICLE`.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::{Columns, Record, RowReader, WritableRecord};
use crate::dataset::Row;
use crate::error::{Error, Result};
use crate::write::{FieldType::*, TableWrite, WriteRequest};

/// An article. Every `QTY_*` column is kept in [`Article::qty`]: which of them means "available" or
/// "reserved" differs per installation, so the stock formula picks them by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Article {
    /// `ART_CODE`: article code (key; the shop SKU by default).
    pub art_code: Option<String>,
    /// `ART_DESC1`: description.
    pub art_desc1: Option<String>,
    /// `AG_CODE`: article group.
    pub ag_code: Option<String>,
    /// `PX_SELL`: sales price.
    pub px_sell: Option<Decimal>,
    /// `COST_PX`: average cost price.
    pub cost_px: Option<Decimal>,
    /// `L_COSTPX`: last cost price.
    pub l_costpx: Option<Decimal>,
    /// `CNG_DATE`: last change (read only; the incremental-sync cursor).
    pub cng_date: Option<NaiveDateTime>,
    /// Every `QTY_*` column by name (read only: AccountView computes stock).
    pub qty: BTreeMap<String, Decimal>,
    /// Every other column.
    pub extra: Row,
}

impl Article {
    /// A quantity column by name (`QTY_AVAIL` or `AVAIL`, case-insensitive).
    pub fn qty(&self, column: &str) -> Option<Decimal> {
        let wanted = column.to_ascii_uppercase();
        let wanted = if wanted.starts_with("QTY_") {
            wanted
        } else {
            format!("QTY_{wanted}")
        };
        self.qty.get(&wanted).copied()
    }

    /// `QTY_TECH`: technical stock, physically on the shelf.
    pub fn qty_tech(&self) -> Option<Decimal> {
        self.qty("QTY_TECH")
    }

    /// `QTY_AVAIL`: the stock APIcenter pushes to shops.
    pub fn qty_avail(&self) -> Option<Decimal> {
        self.qty("QTY_AVAIL")
    }

    /// `QTY_FREE2`: "free" stock as shown by one public app.
    pub fn qty_free2(&self) -> Option<Decimal> {
        self.qty("QTY_FREE2")
    }
}

impl Record for Article {
    const BUSINESS_OBJECT: &'static str = "AK1";
    const TABLE: &'static str = "ARTICLE";
    const KEY: &'static str = "ART_CODE";

    fn from_row(row: &Row) -> Result<Self> {
        let mut r = RowReader::new(row);
        let mut qty = BTreeMap::new();
        for (name, _) in r.take_matching(|k| k.len() > 4 && k[..4].eq_ignore_ascii_case("QTY_")) {
            let value = row.decimal(&name).map_err(|e| match e {
                Error::Decode {
                    source, snippet, ..
                } => Error::Decode {
                    path: name.clone(),
                    source,
                    snippet,
                },
                other => other,
            })?;
            if let Some(v) = value {
                qty.insert(name.to_ascii_uppercase(), v);
            }
        }
        Ok(Self {
            art_code: r.text("ART_CODE"),
            art_desc1: r.text("ART_DESC1"),
            ag_code: r.text("AG_CODE"),
            px_sell: r.decimal("PX_SELL")?,
            cost_px: r.decimal("COST_PX")?,
            l_costpx: r.decimal("L_COSTPX")?,
            cng_date: r.datetime("CNG_DATE")?,
            qty,
            extra: r.extra(),
        })
    }
}

impl WritableRecord for Article {
    /// Declares the set typed columns and the extra columns; never the `QTY_*` stock columns.
    fn to_write_request(&self) -> Result<WriteRequest> {
        let mut c = Columns::default();
        c.put("ART_CODE", C, self.art_code.as_deref())
            .put("ART_DESC1", C, self.art_desc1.as_deref())
            .put("AG_CODE", C, self.ag_code.as_deref())
            .put("PX_SELL", N, self.px_sell)
            .put("COST_PX", N, self.cost_px)
            .put("L_COSTPX", N, self.l_costpx)
            .extra(&self.extra);
        Ok(WriteRequest::new(
            Self::BUSINESS_OBJECT,
            TableWrite::from_columns(Self::TABLE, vec![(0, c.into_vec())]),
        ))
    }

    fn update_id(&self) -> Option<String> {
        self.art_code.clone()
    }
}
