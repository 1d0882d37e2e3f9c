//! Decoding AccountView read responses.
//!
//! A response is a JSON object keyed by table name (`{"CONTACT":[…],"USR_LINK":[…]}`), each value an
//! array of rows with uppercase columns. Real payloads bend this: a table may be a single object
//! instead of a one-row array, empty dates are `""`, numbers may be strings, and installations add
//! custom columns (`K1_…`, `A8_…`). [`DataSet`] keeps everything, in order; [`Row`] offers typed,
//! tolerant accessors.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result, snippet};

/// One decoded response: every table, in the order the server sent them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DataSet {
    /// Rows per table name.
    pub tables: IndexMap<String, Vec<Row>>,
}

impl DataSet {
    /// Decodes a response body. Errors name the JSON path of the problem.
    pub fn from_slice(body: &[u8]) -> Result<Self> {
        let value: Value = serde_json::from_slice(body).map_err(|e| Error::Decode {
            path: "$".into(),
            source: Box::new(e),
            snippet: snippet(body),
        })?;
        Self::from_value(value).map_err(|e| match e {
            Error::Decode { path, source, .. } => Error::Decode {
                path,
                source,
                snippet: snippet(body),
            },
            other => other,
        })
    }

    /// Decodes an already parsed response.
    pub fn from_value(value: Value) -> Result<Self> {
        let Value::Object(map) = value else {
            return Err(Error::decode(
                "$",
                format!(
                    "expected an object keyed by table name, got {}",
                    kind(&value)
                ),
                "",
            ));
        };
        let mut tables = IndexMap::with_capacity(map.len());
        for (name, value) in map {
            let rows = match value {
                Value::Array(items) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| match item {
                        Value::Object(columns) => Ok(Row::from_iter(columns)),
                        other => Err(Error::decode(
                            format!("{name}[{i}]"),
                            format!("expected a row object, got {}", kind(&other)),
                            "",
                        )),
                    })
                    .collect::<Result<Vec<_>>>()?,
                // The one-row quirk: a table serialised as an object instead of an array.
                Value::Object(columns) => vec![Row::from_iter(columns)],
                Value::Null => Vec::new(),
                other => {
                    // Not a table (a scalar beside the tables); keep tolerant, but say so.
                    tracing::debug!(key = %name, kind = kind(&other), "ignoring non-table value in response");
                    continue;
                }
            };
            tables.insert(name, rows);
        }
        Ok(Self { tables })
    }

    /// Rows of `table` (case-insensitive); empty when the table is absent.
    pub fn table(&self, table: &str) -> &[Row] {
        self.tables
            .get(table)
            .or_else(|| {
                self.tables
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(table))
                    .map(|(_, v)| v)
            })
            .map_or(&[], Vec::as_slice)
    }

    /// Takes the rows of `table` (case-insensitive) out of the set.
    pub fn take_table(&mut self, table: &str) -> Vec<Row> {
        let key = self
            .tables
            .keys()
            .find(|k| k.eq_ignore_ascii_case(table))
            .cloned();
        key.and_then(|k| self.tables.shift_remove(&k))
            .unwrap_or_default()
    }

    /// The first table's name and rows (the business object's main table).
    pub fn first_table(&self) -> Option<(&str, &[Row])> {
        self.tables.first().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Decodes every row of `table` with `decode`; errors name `TABLE[i].COLUMN`.
    pub fn decode_rows<T>(
        &self,
        table: &str,
        decode: impl Fn(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.table(table)
            .iter()
            .enumerate()
            .map(|(i, row)| decode(row).map_err(|e| e.at_path(&format!("{table}[{i}]"))))
            .collect()
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One row: every column in the order received, custom columns included.
///
/// Accessors look a column up exactly first, then case-insensitively. Typed accessors return
/// `Ok(None)` for a missing column, `null` and `""`, and a [`Error::Decode`] naming the column when a
/// value is present but cannot be read as the requested type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Row {
    columns: IndexMap<String, Value>,
}

impl FromIterator<(String, Value)> for Row {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Self {
            columns: iter.into_iter().collect(),
        }
    }
}

impl From<IndexMap<String, Value>> for Row {
    fn from(columns: IndexMap<String, Value>) -> Self {
        Self { columns }
    }
}

impl Row {
    /// An empty row.
    pub fn new() -> Self {
        Self::default()
    }

    /// The raw value of a column.
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.columns.get(column).or_else(|| {
            self.columns
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(column))
                .map(|(_, v)| v)
        })
    }

    /// Whether the row has the column (case-insensitive).
    pub fn contains(&self, column: &str) -> bool {
        self.get(column).is_some()
    }

    /// Sets a column (replacing an existing value in place).
    pub fn insert(&mut self, column: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        self.columns.insert(column.into(), value.into())
    }

    /// Removes a column (exact name), keeping the order of the others.
    pub fn remove(&mut self, column: &str) -> Option<Value> {
        self.columns.shift_remove(column)
    }

    /// Column names and values in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.columns.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The columns as an ordered map.
    pub fn as_map(&self) -> &IndexMap<String, Value> {
        &self.columns
    }

    /// Consumes the row into its ordered map.
    pub fn into_map(self) -> IndexMap<String, Value> {
        self.columns
    }

    fn bad(&self, column: &str, wanted: &str, value: &Value) -> Error {
        Error::decode(
            column,
            format!("cannot read {} as {wanted}", kind(value)),
            snippet(value.to_string().as_bytes()),
        )
    }

    /// A text column with trailing blanks removed (AccountView pads fixed-width `C` columns).
    /// `None` for missing, `null` and non-string values.
    pub fn text(&self, column: &str) -> Option<&str> {
        match self.get(column)? {
            Value::String(s) => Some(s.trim_end()),
            _ => None,
        }
    }

    /// A text column as an owned string, numbers and booleans rendered as text; `None` for missing,
    /// `null` and blank values. Use for identifiers that may arrive as numbers.
    pub fn text_lossy(&self, column: &str) -> Option<String> {
        let text = match self.get(column)? {
            Value::String(s) => s.trim_end().to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        (!text.trim().is_empty()).then_some(text)
    }

    /// A decimal from a JSON number or a numeric string. JSON floats are read through their shortest
    /// round-trip text (`4.95` stays `4.95`), never through `f64` arithmetic.
    pub fn decimal(&self, column: &str) -> Result<Option<Decimal>> {
        let Some(value) = self.get(column) else {
            return Ok(None);
        };
        match value {
            Value::Null => Ok(None),
            Value::Number(n) => number_to_decimal(n)
                .map(Some)
                .ok_or_else(|| self.bad(column, "a decimal", value)),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => parse_decimal(s.trim())
                .map(Some)
                .ok_or_else(|| self.bad(column, "a decimal", value)),
            other => Err(self.bad(column, "a decimal", other)),
        }
    }

    /// An integer from a JSON number or a numeric string (a fractional value is an error).
    pub fn int(&self, column: &str) -> Result<Option<i64>> {
        let Some(value) = self.get(column) else {
            return Ok(None);
        };
        if let Value::Number(n) = value
            && let Some(i) = n.as_i64()
        {
            return Ok(Some(i));
        }
        match self.decimal(column)? {
            None => Ok(None),
            Some(d) if d.fract().is_zero() => i64::try_from(d)
                .map(Some)
                .map_err(|_| self.bad(column, "an integer", value)),
            Some(_) => Err(self.bad(column, "an integer", value)),
        }
    }

    /// A logical: `true`/`false`, `1`/`0`, and the strings `"1"`/`"0"`, `"TRUE"`/`"FALSE"`, `"T"`/`"F"`,
    /// `"Y"`/`"N"`, `".T."`/`".F."` (any case).
    pub fn bool(&self, column: &str) -> Result<Option<bool>> {
        let Some(value) = self.get(column) else {
            return Ok(None);
        };
        match value {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(*b)),
            Value::Number(n) => match n.as_i64() {
                Some(0) => Ok(Some(false)),
                Some(1) => Ok(Some(true)),
                _ => Err(self.bad(column, "a logical", value)),
            },
            Value::String(s) => match s.trim().to_ascii_uppercase().as_str() {
                "" => Ok(None),
                "1" | "TRUE" | "T" | "Y" | ".T." => Ok(Some(true)),
                "0" | "FALSE" | "F" | "N" | ".F." => Ok(Some(false)),
                _ => Err(self.bad(column, "a logical", value)),
            },
            other => Err(self.bad(column, "a logical", other)),
        }
    }

    /// A date from `YYYY-MM-DD`, `YYYY-MM-DDThh:mm:ss[.fff]` or RFC 3339 (the date part); `""` is `None`.
    pub fn date(&self, column: &str) -> Result<Option<NaiveDate>> {
        Ok(self.datetime(column)?.map(|dt| dt.date()))
    }

    /// A date-time from `YYYY-MM-DDThh:mm:ss[.fff]` (AccountView's form, no zone), RFC 3339 (the
    /// wall-clock time as written), or `YYYY-MM-DD` (midnight); `""` is `None`.
    pub fn datetime(&self, column: &str) -> Result<Option<NaiveDateTime>> {
        let Some(value) = self.get(column) else {
            return Ok(None);
        };
        match value {
            Value::Null => Ok(None),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => parse_datetime(s.trim())
                .map(Some)
                .ok_or_else(|| self.bad(column, "a date-time", value)),
            other => Err(self.bad(column, "a date-time", other)),
        }
    }
}

/// A JSON number as a decimal: integers exactly, floats via their shortest round-trip text.
pub(crate) fn number_to_decimal(n: &serde_json::Number) -> Option<Decimal> {
    if let Some(i) = n.as_i64() {
        return Some(Decimal::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Some(Decimal::from(u));
    }
    // Rust's `Display` for f64 prints the shortest text that round-trips, without an exponent.
    let f = n.as_f64()?;
    if !f.is_finite() {
        return None;
    }
    parse_decimal(&f.to_string())
}

/// Parses plain (`-12.50`) or scientific (`1.2e3`) decimal text.
pub(crate) fn parse_decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str(text)
        .ok()
        .or_else(|| Decimal::from_scientific(text).ok())
}

/// Parses the date-time forms AccountView and its relays are known to send.
pub(crate) fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    if let Ok(dt) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(dt);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.naive_local());
    }
    if let Ok(dt) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f") {
        return Some(dt);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use serde_json::json;

    fn row(v: Value) -> Row {
        match v {
            Value::Object(m) => Row::from_iter(m),
            _ => unreachable!(),
        }
    }

    #[test]
    fn decodes_object_as_single_row_and_keeps_order() {
        let ds = DataSet::from_slice(br#"{"ARTICLE":{"ART_CODE":"A","K1_QDPX":"x","QTY_TECH":1},"USR_LINK":[],"NULLT":null}"#).unwrap();
        assert_eq!(ds.table("ARTICLE").len(), 1);
        assert_eq!(ds.table("article").len(), 1);
        let cols: Vec<_> = ds.table("ARTICLE")[0]
            .iter()
            .map(|(k, _)| k.to_owned())
            .collect();
        assert_eq!(cols, ["ART_CODE", "K1_QDPX", "QTY_TECH"]);
        assert!(ds.table("USR_LINK").is_empty());
        assert!(ds.table("NULLT").is_empty());
        assert!(ds.table("MISSING").is_empty());
        assert_eq!(ds.first_table().unwrap().0, "ARTICLE");
    }

    #[test]
    fn decode_errors_name_the_path() {
        let err = DataSet::from_slice(br#"{"CONTACT":[{"A":1}, 5]}"#).unwrap_err();
        match err {
            Error::Decode { path, .. } => assert_eq!(path, "CONTACT[1]"),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            DataSet::from_slice(b"[1]"),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            DataSet::from_slice(b"<html>"),
            Err(Error::Decode { .. })
        ));

        let ds =
            DataSet::from_slice(br#"{"CONTACT":[{"CRED_LIM":1},{"CRED_LIM":"lots"}]}"#).unwrap();
        let err = ds
            .decode_rows("CONTACT", |r| r.int("CRED_LIM"))
            .unwrap_err();
        match err {
            Error::Decode { path, .. } => assert_eq!(path, "CONTACT[1].CRED_LIM"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn text_accessors() {
        let r = row(json!({"SUB_NR": "10023   ", "N": 12, "E": "", "NUL": null}));
        assert_eq!(r.text("SUB_NR"), Some("10023"));
        assert_eq!(r.text("sub_nr"), Some("10023"));
        assert_eq!(r.text("N"), None);
        assert_eq!(r.text("E"), Some(""));
        assert_eq!(r.text_lossy("N").as_deref(), Some("12"));
        assert_eq!(r.text_lossy("E"), None);
        assert_eq!(r.text_lossy("NUL"), None);
    }

    #[test]
    fn decimal_accessor_is_exact() {
        let r = row(
            json!({"A": 4.95, "B": "21.50", "C": 42, "D": "", "E": "abc", "F": 0.1, "G": "1.5e2", "H": -8.18, "I": true}),
        );
        assert_eq!(r.decimal("A").unwrap(), Some(dec!(4.95)));
        assert_eq!(r.decimal("B").unwrap(), Some(dec!(21.50)));
        assert_eq!(r.decimal("C").unwrap(), Some(dec!(42)));
        assert_eq!(r.decimal("D").unwrap(), None);
        assert_eq!(r.decimal("F").unwrap(), Some(dec!(0.1)));
        assert_eq!(r.decimal("G").unwrap(), Some(dec!(150)));
        assert_eq!(r.decimal("H").unwrap(), Some(dec!(-8.18)));
        assert_eq!(r.decimal("MISSING").unwrap(), None);
        assert!(matches!(r.decimal("E"), Err(Error::Decode { path, .. }) if path == "E"));
        assert!(r.decimal("I").is_err());
    }

    #[test]
    fn int_accessor() {
        let r = row(json!({"A": 2500, "B": "12", "C": 3.0, "D": 3.5, "E": ""}));
        assert_eq!(r.int("A").unwrap(), Some(2500));
        assert_eq!(r.int("B").unwrap(), Some(12));
        assert_eq!(r.int("C").unwrap(), Some(3));
        assert!(r.int("D").is_err());
        assert_eq!(r.int("E").unwrap(), None);
    }

    #[test]
    fn bool_accessor_accepts_foxpro_forms() {
        let r = row(
            json!({"a": true, "b": "1", "c": "0", "d": "TRUE", "e": "false", "f": "T", "g": "F", "h": 1, "i": ".T.", "j": "maybe", "k": ""}),
        );
        assert_eq!(r.bool("a").unwrap(), Some(true));
        assert_eq!(r.bool("b").unwrap(), Some(true));
        assert_eq!(r.bool("c").unwrap(), Some(false));
        assert_eq!(r.bool("d").unwrap(), Some(true));
        assert_eq!(r.bool("e").unwrap(), Some(false));
        assert_eq!(r.bool("f").unwrap(), Some(true));
        assert_eq!(r.bool("g").unwrap(), Some(false));
        assert_eq!(r.bool("h").unwrap(), Some(true));
        assert_eq!(r.bool("i").unwrap(), Some(true));
        assert!(r.bool("j").is_err());
        assert_eq!(r.bool("k").unwrap(), None);
    }

    #[test]
    fn date_accessors() {
        let r = row(json!({
            "A": "2024-05-01T16:40:12", "B": "", "C": "2024-05-01", "D": "2024-05-01T16:40:12+02:00",
            "E": "2024-05-01T16:40:12.500", "F": "01-05-2024", "G": 5
        }));
        let dt = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap();
        assert_eq!(r.datetime("A").unwrap(), Some(dt("2024-05-01 16:40:12")));
        assert_eq!(r.datetime("B").unwrap(), None);
        assert_eq!(r.datetime("C").unwrap(), Some(dt("2024-05-01 00:00:00")));
        assert_eq!(r.datetime("D").unwrap(), Some(dt("2024-05-01 16:40:12")));
        assert_eq!(r.datetime("E").unwrap(), Some(dt("2024-05-01 16:40:12.5")));
        assert_eq!(r.date("A").unwrap(), NaiveDate::from_ymd_opt(2024, 5, 1));
        assert_eq!(r.date("B").unwrap(), None);
        assert!(r.datetime("F").is_err());
        assert!(r.date("G").is_err());
    }

    #[test]
    fn row_mutation_keeps_order() {
        let mut r = row(json!({"A": 1, "B": 2, "C": 3}));
        r.remove("B");
        r.insert("D", 4);
        let cols: Vec<_> = r.iter().map(|(k, _)| k.to_owned()).collect();
        assert_eq!(cols, ["A", "C", "D"]);
        assert_eq!(r.len(), 3);
        assert!(r.contains("d"));
    }
}
