//! Encoding `POST` / `PUT /accountviewdata` bodies.
//!
//! Columns are declared once (`Table.Definition.Fields`, name + FoxPro type) and every row is a
//! positional `Values` array. The encoder adds `RowId` to every row (header rows numbered from `"1"`)
//! and `RowId` + `HeaderId` to detail rows, declared first, as every public example does.

use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

mod value;

pub use value::WriteValue;
pub(crate) use value::format_datetime;

use crate::error::{Error, Result, ValidationProblem};

/// A Visual FoxPro column type, as AccountView declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// Character (fixed width).
    C,
    /// Memo (long text).
    M,
    /// Numeric.
    N,
    /// Currency.
    Y,
    /// Double.
    B,
    /// Integer.
    I,
    /// Logical.
    L,
    /// Date.
    D,
    /// Date-time.
    T,
}

impl FieldType {
    /// The type letter.
    pub fn as_char(self) -> char {
        match self {
            Self::C => 'C',
            Self::M => 'M',
            Self::N => 'N',
            Self::Y => 'Y',
            Self::B => 'B',
            Self::I => 'I',
            Self::L => 'L',
            Self::D => 'D',
            Self::T => 'T',
        }
    }

    /// Parses a type letter (case-insensitive, surrounding blanks ignored).
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code.trim().to_ascii_uppercase().as_str() {
            "C" => Self::C,
            "M" => Self::M,
            "N" => Self::N,
            "Y" => Self::Y,
            "B" => Self::B,
            "I" => Self::I,
            "L" => Self::L,
            "D" => Self::D,
            "T" => Self::T,
            _ => return None,
        })
    }

    /// Whether values of this type are text (`C`, `M`).
    pub fn is_text(self) -> bool {
        matches!(self, Self::C | Self::M)
    }
}

/// A declared column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    /// Column name, e.g. `ACCT_NAME`.
    pub name: String,
    /// FoxPro type.
    pub field_type: FieldType,
}

impl FieldDef {
    /// A column declaration.
    pub fn new(name: impl Into<String>, field_type: FieldType) -> Self {
        Self {
            name: name.into(),
            field_type,
        }
    }
}

/// One row of a [`TableWrite`]: values in declaration order, and (for detail tables) which header row
/// it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteRow {
    /// Values, one per declared field.
    pub values: Vec<WriteValue>,
    /// 0-based index of the header row this detail row belongs to (ignored on the header table).
    pub header: usize,
}

impl From<Vec<WriteValue>> for WriteRow {
    fn from(values: Vec<WriteValue>) -> Self {
        Self { values, header: 0 }
    }
}

/// One table of a write: its name, its declared columns (without `RowId` / `HeaderId`) and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableWrite {
    /// Table name, e.g. `CONTACT`, `SO_LINE`.
    pub name: String,
    /// Declared columns, in order.
    pub fields: Vec<FieldDef>,
    /// Rows.
    pub rows: Vec<WriteRow>,
}

impl TableWrite {
    /// An empty table.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            fields: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Builds a table from per-row column lists. The declared columns are the union of all rows'
    /// columns in first-seen order; a row without a value for a column gets [`WriteValue::Null`].
    pub fn from_columns(
        name: impl Into<String>,
        rows: Vec<(usize, Vec<(FieldDef, WriteValue)>)>,
    ) -> Self {
        let mut fields: Vec<FieldDef> = Vec::new();
        for (_, cols) in &rows {
            for (def, _) in cols {
                if !fields.iter().any(|f| f.name == def.name) {
                    fields.push(def.clone());
                }
            }
        }
        let rows = rows
            .into_iter()
            .map(|(header, mut cols)| WriteRow {
                values: fields
                    .iter()
                    .map(|f| {
                        cols.iter()
                            .position(|(d, _)| d.name == f.name)
                            .map_or(WriteValue::Null, |i| cols.swap_remove(i).1)
                    })
                    .collect(),
                header,
            })
            .collect();
        Self {
            name: name.into(),
            fields,
            rows,
        }
    }

    /// Index of a declared column (case-insensitive).
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.name.eq_ignore_ascii_case(name))
    }

    fn encode(&self, detail: bool, header_count: usize) -> Result<(Value, Value)> {
        let mut fields = vec![json!({"Name": "RowId", "FieldType": "C"})];
        if detail {
            fields.push(json!({"Name": "HeaderId", "FieldType": "C"}));
        }
        for f in &self.fields {
            if f.name.eq_ignore_ascii_case("RowId") || f.name.eq_ignore_ascii_case("HeaderId") {
                return Err(Error::validation(
                    &self.name,
                    &f.name,
                    ValidationProblem::Reserved,
                ));
            }
            fields.push(json!({"Name": f.name, "FieldType": f.field_type.as_char().to_string()}));
        }
        let mut rows = Vec::with_capacity(self.rows.len());
        for (i, row) in self.rows.iter().enumerate() {
            if row.values.len() != self.fields.len() {
                return Err(Error::validation(
                    &self.name,
                    "",
                    ValidationProblem::WrongValueCount {
                        expected: self.fields.len(),
                        found: row.values.len(),
                    },
                ));
            }
            let mut values = vec![Value::String((i + 1).to_string())];
            if detail {
                if row.header >= header_count {
                    return Err(Error::validation(
                        &self.name,
                        "HeaderId",
                        ValidationProblem::UnknownHeaderRow { index: row.header },
                    ));
                }
                values.push(Value::String((row.header + 1).to_string()));
            }
            for (f, v) in self.fields.iter().zip(&row.values) {
                let encoded = v.encode(f.field_type).ok_or_else(|| {
                    Error::validation(
                        &self.name,
                        &f.name,
                        ValidationProblem::TypeMismatch {
                            expected: f.field_type.as_char(),
                            found: v.describe(),
                        },
                    )
                })?;
                values.push(encoded);
            }
            rows.push(json!({ "Values": values }));
        }
        Ok((
            json!({"Name": self.name, "Fields": fields}),
            json!({ "Rows": rows }),
        ))
    }
}

/// A complete write: business object, header table and detail tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteRequest {
    /// `BookDate` (book-year context; send the document date). `None` is sent as `""`, which
    /// AccountView tolerates (a public client has done so since 2022).
    pub book_date: Option<NaiveDateTime>,
    /// Business object code, e.g. `AR1`.
    pub business_object: String,
    /// The header table (`Table.Definition`, `TableData.Data`).
    pub header: TableWrite,
    /// Detail tables (`DetailDefinitions`, `DetailData`), in order.
    pub details: Vec<TableWrite>,
    /// Top-level `"id"` for an update (`PUT`), e.g. the debtor's `SUB_NR`.
    pub id: Option<String>,
}

impl WriteRequest {
    /// A write of `business_object` with the given header table and no details.
    pub fn new(business_object: impl Into<String>, header: TableWrite) -> Self {
        Self {
            book_date: None,
            business_object: business_object.into(),
            header,
            details: Vec::new(),
            id: None,
        }
    }

    /// Sets `BookDate`.
    pub fn with_book_date(mut self, date: NaiveDateTime) -> Self {
        self.book_date = Some(date);
        self
    }

    /// Adds a detail table.
    pub fn with_detail(mut self, detail: TableWrite) -> Self {
        self.details.push(detail);
        self
    }

    /// Sets the top-level `"id"` used by updates.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// All tables, header first.
    pub fn tables(&self) -> impl Iterator<Item = &TableWrite> {
        std::iter::once(&self.header).chain(&self.details)
    }

    /// All tables, header first, mutably.
    pub fn tables_mut(&mut self) -> impl Iterator<Item = &mut TableWrite> {
        std::iter::once(&mut self.header).chain(&mut self.details)
    }

    /// The JSON body. Errors on rows that do not match their declaration or values that cannot be
    /// written as their column's type.
    pub fn to_json(&self) -> Result<Value> {
        let header_count = self.header.rows.len();
        let (definition, data) = self.header.encode(false, header_count)?;
        let mut table = Map::new();
        table.insert("Definition".into(), definition);
        let mut table_data = Map::new();
        table_data.insert("Data".into(), data);
        if !self.details.is_empty() {
            let mut defs = Vec::new();
            let mut datas = Vec::new();
            for d in &self.details {
                let (def, data) = d.encode(true, header_count)?;
                defs.push(def);
                datas.push(data);
            }
            table.insert("DetailDefinitions".into(), Value::Array(defs));
            table_data.insert("DetailData".into(), Value::Array(datas));
        }
        let mut body = Map::new();
        body.insert(
            "BookDate".into(),
            Value::String(self.book_date.map(format_datetime).unwrap_or_default()),
        );
        body.insert(
            "BusinessObject".into(),
            Value::String(self.business_object.clone()),
        );
        body.insert("Table".into(), Value::Object(table));
        body.insert("TableData".into(), Value::Object(table_data));
        if let Some(id) = &self.id {
            body.insert("id".into(), Value::String(id.clone()));
        }
        Ok(Value::Object(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn header_and_details_get_row_and_header_ids() {
        let header = TableWrite::from_columns(
            "SO_HDR",
            vec![(
                0,
                vec![(FieldDef::new("RPL_INV", FieldType::C), "10025".into())],
            )],
        );
        let lines = TableWrite::from_columns(
            "SO_LINE",
            vec![
                (
                    0,
                    vec![
                        (FieldDef::new("ART_CODE", FieldType::C), "A".into()),
                        (FieldDef::new("ORD_QTY", FieldType::N), dec!(2).into()),
                    ],
                ),
                (
                    0,
                    vec![(FieldDef::new("ART_CODE", FieldType::C), "B".into())],
                ),
            ],
        );
        let body = WriteRequest::new("SO1", header)
            .with_detail(lines)
            .with_book_date(dt("2024-05-02 10:20:00"))
            .to_json()
            .unwrap();
        assert_eq!(body["BookDate"], json!("2024-05-02T10:20:00.000Z"));
        assert_eq!(
            body["Table"]["DetailDefinitions"][0]["Fields"][1],
            json!({"Name": "HeaderId", "FieldType": "C"})
        );
        assert_eq!(
            body["TableData"]["Data"]["Rows"][0]["Values"],
            json!(["1", "10025"])
        );
        assert_eq!(
            body["TableData"]["DetailData"][0]["Rows"][1]["Values"],
            json!(["2", "1", "B", null])
        );
        assert!(body.get("id").is_none());
    }

    #[test]
    fn no_detail_keys_without_details_and_id_for_updates() {
        let header = TableWrite::from_columns(
            "DEL_ADDR",
            vec![(
                0,
                vec![(FieldDef::new("CITY", FieldType::C), "ZEIST".into())],
            )],
        );
        let body = WriteRequest::new("ADDR", header)
            .with_id("0000000412")
            .to_json()
            .unwrap();
        assert!(body["Table"].get("DetailDefinitions").is_none());
        assert!(body["TableData"].get("DetailData").is_none());
        assert_eq!(body["BookDate"], json!(""));
        assert_eq!(body["id"], json!("0000000412"));
    }

    #[test]
    fn rejects_malformed_tables() {
        let mut t = TableWrite::new("CONTACT");
        t.fields.push(FieldDef::new("RowId", FieldType::C));
        t.rows.push(vec![WriteValue::from("1")].into());
        assert!(matches!(
            WriteRequest::new("AR1", t).to_json(),
            Err(Error::Validation {
                problem: ValidationProblem::Reserved,
                ..
            })
        ));

        let mut t = TableWrite::new("CONTACT");
        t.fields.push(FieldDef::new("SUB_NR", FieldType::C));
        t.rows.push(WriteRow {
            values: vec![],
            header: 0,
        });
        assert!(matches!(
            WriteRequest::new("AR1", t).to_json(),
            Err(Error::Validation {
                problem: ValidationProblem::WrongValueCount {
                    expected: 1,
                    found: 0
                },
                ..
            })
        ));

        let header = TableWrite::from_columns("SO_HDR", vec![(0, vec![])]);
        let lines = TableWrite::from_columns(
            "SO_LINE",
            vec![(
                3,
                vec![(FieldDef::new("ART_CODE", FieldType::C), "A".into())],
            )],
        );
        assert!(matches!(
            WriteRequest::new("SO1", header)
                .with_detail(lines)
                .to_json(),
            Err(Error::Validation {
                problem: ValidationProblem::UnknownHeaderRow { index: 3 },
                ..
            })
        ));

        let t = TableWrite::from_columns(
            "X",
            vec![(
                0,
                vec![(FieldDef::new("AMOUNT", FieldType::N), "lots".into())],
            )],
        );
        match WriteRequest::new("X", t).to_json() {
            Err(Error::Validation {
                field,
                problem: ValidationProblem::TypeMismatch { expected: 'N', .. },
                ..
            }) => assert_eq!(field, "AMOUNT"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn field_type_codes_round_trip() {
        for c in ["C", "M", "N", "Y", "B", "I", "L", "D", "T"] {
            let t = FieldType::from_code(c).unwrap();
            assert_eq!(t.as_char().to_string(), c);
        }
        assert_eq!(FieldType::from_code(" c "), Some(FieldType::C));
        assert_eq!(FieldType::from_code("X"), None);
    }
}
