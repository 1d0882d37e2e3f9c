//! One administration's data: rows per table, `EXT_KEY`s, derived stock columns, errors.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::dictionary::{self, TableDef};
use crate::money::{dec, num};

/// A row: uppercase column → value.
pub(crate) type Row = Map<String, Value>;

/// An AccountView error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AvError {
    pub(crate) number: u32,
    pub(crate) message: String,
    /// Whether it is a validation error (status configurable) rather than a malformed request.
    pub(crate) validation: bool,
}

impl AvError {
    pub(crate) fn validation(number: u32, message: impl Into<String>) -> Self {
        Self {
            number,
            message: message.into(),
            validation: true,
        }
    }

    pub(crate) fn request(number: u32, message: impl Into<String>) -> Self {
        Self {
            number,
            message: message.into(),
            validation: false,
        }
    }

    /// `{"ErrorType":"AccountViewError","ErrorNumbers":[n],"ErrorMessage":"…"}`.
    pub(crate) fn body(&self) -> Value {
        json!({ "ErrorType": "AccountViewError", "ErrorNumbers": [self.number], "ErrorMessage": self.message })
    }
}

/// Error numbers the sandbox uses (its own choice; real numbers are undocumented).
pub(crate) mod codes {
    pub(crate) const MANDATORY: u32 = 1001;
    pub(crate) const UPPERCASE: u32 = 1002;
    pub(crate) const TOO_LONG: u32 = 1003;
    pub(crate) const UNKNOWN_REFERENCE: u32 = 1004;
    pub(crate) const DUPLICATE: u32 = 1005;
    pub(crate) const INVALID_VALUE: u32 = 1006;
    pub(crate) const NOT_ALLOWED: u32 = 1007;
    pub(crate) const MALFORMED: u32 = 1008;
    pub(crate) const UNKNOWN_FIELD: u32 = 1009;
    pub(crate) const NOT_FOUND: u32 = 1010;
    pub(crate) const NO_RECORDS: u32 = 1011;
    pub(crate) const COMPANY: u32 = 1012;
}

/// A row with every column of the table at its empty value.
pub(crate) fn empty_row(t: &TableDef) -> Row {
    t.fields
        .iter()
        .map(|f| {
            let v = match f.ty {
                'N' | 'Y' | 'B' | 'I' => json!(0),
                'L' => json!(false),
                _ => json!(""),
            };
            (f.name.to_owned(), v)
        })
        .collect()
}

/// The data of one company.
#[derive(Debug, Default, Clone)]
pub(crate) struct Db {
    tables: BTreeMap<&'static str, Vec<Row>>,
    next_ext_key: u64,
}

impl Db {
    pub(crate) fn new(first_ext_key: u64) -> Self {
        let mut tables = BTreeMap::new();
        for t in dictionary::TABLES {
            tables.insert(t.name, Vec::new());
        }
        Self {
            tables,
            next_ext_key: first_ext_key,
        }
    }

    pub(crate) fn rows(&self, table: &str) -> &[Row] {
        dictionary::table(table)
            .and_then(|t| self.tables.get(t.name))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub(crate) fn rows_mut(&mut self, table: &str) -> Option<&mut Vec<Row>> {
        let t = dictionary::table(table)?;
        self.tables.get_mut(t.name)
    }

    /// Adds a row (filling absent columns and `EXT_KEY`); returns its `EXT_KEY`.
    pub(crate) fn insert(&mut self, table: &str, values: Row) -> u64 {
        let Some(def) = dictionary::table(table) else {
            return 0;
        };
        let mut row = empty_row(def);
        row.extend(values);
        let key = self.next_ext_key;
        self.next_ext_key += 1;
        row.insert("EXT_KEY".into(), json!(key));
        if let Some(rows) = self.tables.get_mut(def.name) {
            rows.push(row);
        }
        key
    }

    /// Finds a row whose column equals a value (trailing blanks ignored).
    pub(crate) fn find(&self, table: &str, column: &str, value: &str) -> Option<&Row> {
        let want = value.trim_end();
        self.rows(table)
            .iter()
            .find(|r| r.get(column).and_then(Value::as_str).map(str::trim_end) == Some(want))
    }

    pub(crate) fn find_mut(&mut self, table: &str, column: &str, value: &str) -> Option<&mut Row> {
        let want = value.trim_end().to_owned();
        self.rows_mut(table)?.iter_mut().find(|r| {
            r.get(column).and_then(Value::as_str).map(str::trim_end) == Some(want.as_str())
        })
    }

    pub(crate) fn exists(&self, table: &str, column: &str, value: &str) -> bool {
        self.find(table, column, value).is_some()
    }

    /// The next free number of a numeric code column (at least `floor`).
    pub(crate) fn next_number(&self, table: &str, column: &str, floor: u64) -> u64 {
        self.rows(table)
            .iter()
            .filter_map(|r| r.get(column).and_then(Value::as_str))
            .filter_map(|s| s.trim().parse::<u64>().ok())
            .max()
            .map_or(floor, |m| (m + 1).max(floor))
    }
}

/// Recomputes the derived stock columns of an article:
/// `QTY_AVAIL = QTY_TECH − QTY_RES_SO`, `QTY_FREE2 = max(QTY_AVAIL, 0)`,
/// `QTY_ECON = QTY_TECH + QTY_BESTEL − QTY_RES_SO`.
pub(crate) fn derive_quantities(row: &mut Row) {
    let q = |k: &str| row.get(k).and_then(dec).unwrap_or_default();
    let (tech, res, bestel) = (q("QTY_TECH"), q("QTY_RES_SO"), q("QTY_BESTEL"));
    // Available = what is on the shelf and may be sold (the sandbox blocks no stock, so it equals the
    // technical quantity); sales reservations are kept apart so "available minus reservations" is
    // the free stock; economic = technical + on order − reserved.
    row.insert("QTY_AVAIL".into(), num(tech));
    row.insert("QTY_FREE2".into(), num((tech - res).max(Decimal::ZERO)));
    row.insert("QTY_ECON".into(), num(tech + bestel - res));
}

/// The stock columns a change of which makes the derived ones be recomputed.
pub(crate) const BASE_QUANTITIES: &[&str] = &["QTY_TECH", "QTY_RES_SO", "QTY_BESTEL"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_quantities_follow_the_documented_formulas() {
        let mut row = Row::new();
        row.insert("QTY_TECH".into(), json!(10));
        row.insert("QTY_RES_SO".into(), json!(12));
        row.insert("QTY_BESTEL".into(), json!(5));
        derive_quantities(&mut row);
        assert_eq!(row["QTY_AVAIL"], json!(10));
        assert_eq!(row["QTY_FREE2"], json!(0));
        assert_eq!(row["QTY_ECON"], json!(3));
    }

    #[test]
    fn inserts_fill_every_column_and_number_ext_keys() {
        let mut db = Db::new(100);
        let mut v = Row::new();
        v.insert("SUB_NR".into(), json!("10001"));
        assert_eq!(db.insert("CONTACT", v), 100);
        let row = db.find("CONTACT", "SUB_NR", "10001  ").unwrap();
        assert_eq!(row["REC_BLK"], json!(false));
        assert_eq!(row["CNG_DATE"], json!(""));
        assert_eq!(db.next_number("CONTACT", "SUB_NR", 10001), 10002);
        assert_eq!(
            AvError::validation(1001, "x").body()["ErrorNumbers"],
            json!([1001])
        );
    }
}
