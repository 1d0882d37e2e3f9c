//! Parsing the positional write format: `BusinessObject`, `Table.Definition`,
//! `DetailDefinitions`, `TableData.Data.Rows[].Values`, `DetailData[i].Rows`, `RowId`/`HeaderId`.
//! Property names are case-insensitive; values are coerced from strings, numbers and booleans to
//! the column's FoxPro type.

use serde_json::{Value, json};

use super::db::{AvError, Row, codes};
use super::dictionary::{self, BoDef, FieldDef, TableDef};
use super::layout::AvLayout;
use crate::clock::{fmt_av, parse_av_datetime};
use crate::money::{dec, num};

/// A case-insensitive property lookup.
fn get_ci<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

pub(crate) fn malformed(message: impl Into<String>) -> AvError {
    AvError::request(codes::MALFORMED, message)
}

/// One table's part of a write: rows as (RowId, HeaderId, column values).
#[derive(Debug, Clone)]
pub(crate) struct TableRows {
    pub(crate) table: &'static TableDef,
    pub(crate) rows: Vec<(String, Option<String>, Row)>,
}

/// A parsed write request.
#[derive(Debug, Clone)]
pub(crate) struct WriteRequest {
    pub(crate) bo: &'static BoDef,
    pub(crate) header: TableRows,
    pub(crate) detail: Option<TableRows>,
    /// Top-level `id` of an update (DL's form).
    pub(crate) id: Option<String>,
}

/// Reads the business object code of a write body, if it has one.
pub(crate) fn business_object_of(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    get_ci(&v, "BusinessObject")?
        .as_str()
        .map(|s| s.trim().to_ascii_uppercase())
}

/// Every `(table, column)` a write body declares (`RowId`/`HeaderId` aside), as sent; read loosely,
/// so a malformed body names what it can.
pub(crate) fn declared_columns(body: &[u8]) -> Vec<(String, String)> {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let Some(table) = get_ci(&v, "Table") else {
        return Vec::new();
    };
    let definitions = get_ci(table, "Definition").into_iter().chain(
        get_ci(table, "DetailDefinitions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    let mut out = Vec::new();
    for def in definitions {
        let name = get_ci(def, "Name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase();
        for f in get_ci(def, "Fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let field = get_ci(f, "Name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim();
            if !field.eq_ignore_ascii_case("RowId") && !field.eq_ignore_ascii_case("HeaderId") {
                out.push((name.clone(), field.to_ascii_uppercase()));
            }
        }
    }
    out
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Coerces a wire value to the column's type.
fn coerce(field: &FieldDef, table: &str, v: &Value) -> Result<Value, AvError> {
    let invalid = || {
        AvError::validation(
            codes::INVALID_VALUE,
            format!(
                "Ongeldige waarde '{}' voor veld {} in tabel {}.",
                text_of(v),
                field.name,
                table
            ),
        )
    };
    match field.ty {
        'N' | 'Y' | 'B' | 'I' => match v {
            Value::Null => Ok(json!(0)),
            Value::String(s) if s.trim().is_empty() => Ok(json!(0)),
            _ => dec(v).map(num).ok_or_else(invalid),
        },
        'L' => match v {
            Value::Bool(b) => Ok(json!(b)),
            Value::Number(n) => Ok(json!(n.as_f64().is_some_and(|x| x != 0.0))),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "t" | ".t." | "1" | "y" | "j" => Ok(json!(true)),
                "false" | "f" | ".f." | "0" | "n" | "" => Ok(json!(false)),
                _ => Err(invalid()),
            },
            Value::Null => Ok(json!(false)),
            _ => Err(invalid()),
        },
        'D' | 'T' => match v {
            Value::Null => Ok(json!("")),
            Value::String(s) if s.trim().is_empty() => Ok(json!("")),
            Value::String(s) => parse_av_datetime(s)
                .map(|t| json!(fmt_av(t)))
                .ok_or_else(invalid),
            _ => Err(invalid()),
        },
        _ => match v {
            Value::Object(_) | Value::Array(_) => Err(invalid()),
            other => Ok(json!(text_of(other))),
        },
    }
}

fn parse_table(
    def: &Value,
    data: &Value,
    expected: &'static TableDef,
    is_detail: bool,
    layout: &AvLayout,
) -> Result<TableRows, AvError> {
    let name = get_ci(def, "Name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !name.eq_ignore_ascii_case(expected.name) {
        return Err(malformed(format!(
            "Tabel {name} hoort niet bij dit bedrijfsobject (verwacht {}).",
            expected.name
        )));
    }
    let fields: Vec<String> = get_ci(def, "Fields")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            malformed(format!(
                "Velddefinitie ontbreekt voor tabel {}.",
                expected.name
            ))
        })?
        .iter()
        .map(|f| {
            get_ci(f, "Name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_owned()
        })
        .collect();
    let unknown = |f: &str| {
        AvError::validation(
            codes::UNKNOWN_FIELD,
            format!(
                "Veld {} bestaat niet in tabel {}.",
                f.to_ascii_uppercase(),
                expected.name
            ),
        )
    };
    // The administration's names as standard ones; a column it does not have is unknown.
    let fields = fields
        .into_iter()
        .map(|f| {
            let special = f.eq_ignore_ascii_case("RowId") || f.eq_ignore_ascii_case("HeaderId");
            if special {
                return Ok(f);
            }
            layout
                .standard_name(expected.name, &f)
                .filter(|s| expected.field(s).is_some())
                .ok_or_else(|| unknown(&f))
        })
        .collect::<Result<Vec<String>, AvError>>()?;
    let rows = get_ci(data, "Rows")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed(format!("Geen rijen voor tabel {}.", expected.name)))?;
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let values = get_ci(r, "Values")
            .and_then(Value::as_array)
            .ok_or_else(|| malformed("Rij zonder Values."))?;
        if values.len() != fields.len() {
            return Err(malformed(format!(
                "Rij {} van tabel {} heeft {} waarden voor {} velden.",
                i + 1,
                expected.name,
                values.len(),
                fields.len()
            )));
        }
        let mut row_id = (i + 1).to_string();
        let mut header_id = None;
        let mut row = Row::new();
        for (name, value) in fields.iter().zip(values) {
            if name.eq_ignore_ascii_case("RowId") {
                row_id = text_of(value);
            } else if name.eq_ignore_ascii_case("HeaderId") {
                header_id = Some(text_of(value));
            } else if let Some(fd) = expected.field(name) {
                row.insert(fd.name.to_owned(), coerce(fd, expected.name, value)?);
            }
        }
        if is_detail && header_id.is_none() {
            header_id = Some("1".into());
        }
        out.push((row_id, header_id, row));
    }
    Ok(TableRows {
        table: expected,
        rows: out,
    })
}

/// Parses a write body in the administration's column names (`layout`).
pub(crate) fn parse(body: &[u8], layout: &AvLayout) -> Result<WriteRequest, AvError> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| malformed(format!("Ongeldige JSON: {e}")))?;
    let code = get_ci(&v, "BusinessObject")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("BusinessObject ontbreekt."))?;
    let bo = dictionary::business_object(code.trim())
        .filter(|bo| layout.has_business_object(bo.code))
        .ok_or_else(|| malformed(format!("Onbekend bedrijfsobject {code}.")))?;
    if let Some(bd) = get_ci(&v, "BookDate").and_then(Value::as_str)
        && !bd.trim().is_empty()
        && parse_av_datetime(bd).is_none()
    {
        return Err(malformed("Ongeldige BookDate."));
    }
    let table = get_ci(&v, "Table").ok_or_else(|| malformed("Table ontbreekt."))?;
    let data = get_ci(&v, "TableData").ok_or_else(|| malformed("TableData ontbreekt."))?;
    let main_def = dictionary::table(bo.table).ok_or_else(|| malformed("Onbekende tabel."))?;
    let header = parse_table(
        get_ci(table, "Definition").ok_or_else(|| malformed("Definition ontbreekt."))?,
        get_ci(data, "Data").ok_or_else(|| malformed("Data ontbreekt."))?,
        main_def,
        false,
        layout,
    )?;
    let detail_defs = get_ci(table, "DetailDefinitions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let detail_data = get_ci(data, "DetailData")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let detail = match (detail_defs.first(), bo.child.and_then(dictionary::table)) {
        (Some(def), Some(child)) => {
            let data = detail_data
                .first()
                .ok_or_else(|| malformed("DetailData ontbreekt."))?;
            Some(parse_table(def, data, child, true, layout)?)
        }
        (Some(_), None) => {
            return Err(malformed(format!(
                "Bedrijfsobject {} heeft geen detailtabel.",
                bo.code
            )));
        }
        (None, _) => None,
    };
    let id = get_ci(&v, "id").map(text_of).filter(|s| !s.is_empty());
    Ok(WriteRequest {
        bo,
        header,
        detail,
        id,
    })
}
