//! Decoding what AccountView really sends: every read-shaped fixture in `fixtures/accountview/`,
//! mutated the ways installations and relays differ, must still decode through the public API
//! (the generic [`DataSet`] and the typed records), and must not invent values.
//!
//! For each fixture, each row and each column the generator makes one document per applicable
//! mutation:
//!
//! - a number → the same number as a string (`"CRED_LIM": "2500"`): the decoded record must
//!   equal the original's, and the row's typed accessors must read the same value;
//! - a date → `""` (AccountView's empty date): the record's field must be absent;
//! - a column dropped: the record's field must be absent (not `""`, `false` or `0`);
//! - one row of a table as an object instead of an array (the one-row quirk): the table must
//!   decode into exactly that row.
//!
//! Records are compared through a view per record type: a map from column name to the typed
//! value read from it (absent values are not in the map), plus the columns kept verbatim
//! (`extra`, or the whole row for dictionary entries). The expected view of a mutated row is the
//! original's with only the mutated column changed: the same typed value for a numeric string,
//! no typed value for an empty date or a dropped column; a verbatim column follows the raw value.
//!
//! Request fixtures (`*_request.json`) are not decoded; `writing.rs` and `fixtures.rs` check that
//! they are reproduced. Token and error bodies are not data.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use accountview_client::{
    Article, ArticleGroup, BusinessObjectInfo, Company, DataSet, Debtor, DeliveryAddress,
    FieldDictionaryEntry, LedgerAccount, Record, Row, VatCode,
};
use chrono::{NaiveDate, NaiveDateTime};
use common::{fixture, fixture_path};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

/// A typed value read from one column.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Decimal(Decimal),
    Integer(i64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Other(String),
}

trait IntoCell {
    fn cell(&self) -> Option<Cell>;
}

impl IntoCell for Option<String> {
    fn cell(&self) -> Option<Cell> {
        self.clone().map(Cell::Text)
    }
}

impl IntoCell for String {
    fn cell(&self) -> Option<Cell> {
        Some(Cell::Text(self.clone()))
    }
}

impl IntoCell for Option<Decimal> {
    fn cell(&self) -> Option<Cell> {
        self.map(Cell::Decimal)
    }
}

impl IntoCell for Option<i64> {
    fn cell(&self) -> Option<Cell> {
        self.map(Cell::Integer)
    }
}

impl IntoCell for Option<usize> {
    fn cell(&self) -> Option<Cell> {
        self.map(|n| Cell::Integer(i64::try_from(n).expect("small")))
    }
}

impl IntoCell for Option<bool> {
    fn cell(&self) -> Option<Cell> {
        self.map(Cell::Bool)
    }
}

impl IntoCell for bool {
    fn cell(&self) -> Option<Cell> {
        Some(Cell::Bool(*self))
    }
}

impl IntoCell for Option<NaiveDate> {
    fn cell(&self) -> Option<Cell> {
        self.map(Cell::Date)
    }
}

impl IntoCell for Option<NaiveDateTime> {
    fn cell(&self) -> Option<Cell> {
        self.map(Cell::DateTime)
    }
}

impl IntoCell for Option<accountview_client::FieldType> {
    fn cell(&self) -> Option<Cell> {
        self.map(|t| Cell::Other(format!("{t:?}")))
    }
}

/// What a record read from a row: typed values by column, columns kept verbatim, and which
/// columns the record reads as typed values.
#[derive(Debug, Clone, PartialEq, Default)]
struct View {
    typed: BTreeMap<String, Cell>,
    raw: BTreeMap<String, Value>,
    typed_columns: BTreeSet<String>,
}

impl View {
    fn typed(&mut self, column: &str, value: &dyn IntoCell) {
        self.typed_columns.insert(column.to_owned());
        if let Some(cell) = value.cell() {
            self.typed.insert(column.to_owned(), cell);
        }
    }

    fn raw(&mut self, row: &Row) {
        for (k, v) in row.iter() {
            self.raw.insert(k.to_owned(), v.clone());
        }
    }
}

/// Declares the view of a record type: `column => field` pairs, and where verbatim columns go.
macro_rules! view {
    ($r:ident: $ty:ty { $($col:literal => $field:expr),* $(,)? } raw: $raw:expr) => {
        pub fn view_of(_row: &Row, $r: &$ty) -> View {
            let mut v = View::default();
            $( v.typed($col, &$field); )*
            v.raw(&$raw);
            v
        }
    };
}

mod views {
    use super::*;

    pub mod debtor {
        use super::*;
        view!(d: Debtor {
            "SUB_NR" => d.sub_nr, "ACCT_NR" => d.acct_nr, "SRC_CODE" => d.src_code,
            "ACCT_NAME" => d.acct_name, "ADDRESS1" => d.address1, "POST_CODE" => d.post_code,
            "CITY" => d.city, "CNT_CODE" => d.cnt_code, "TEL_BUS" => d.tel_bus,
            "MAIL_BUS" => d.mail_bus, "VAT_NR" => d.vat_nr, "DEB_NR" => d.deb_nr,
            "MAIN_CONT" => d.main_cont, "TEL_MOB" => d.tel_mob, "COC_CODE" => d.coc_code,
            "VAT_CODE" => d.vat_code, "DISC_CODE" => d.disc_code, "CUR_CODE" => d.cur_code,
            "LNG_CODE" => d.lng_code, "REC_BLK" => d.rec_blk, "CRED_LIM" => d.cred_lim,
            "CNG_DATE" => d.cng_date, "INP_DATE" => d.inp_date,
        } raw: d.extra);
    }

    pub mod article {
        use super::*;
        pub fn view_of(row: &Row, a: &Article) -> View {
            let mut v = View::default();
            v.typed("ART_CODE", &a.art_code);
            v.typed("ART_DESC1", &a.art_desc1);
            v.typed("AG_CODE", &a.ag_code);
            v.typed("PX_SELL", &a.px_sell);
            v.typed("COST_PX", &a.cost_px);
            v.typed("L_COSTPX", &a.l_costpx);
            v.typed("CNG_DATE", &a.cng_date);
            // every QTY_* column is a typed quantity
            for (column, _) in row.iter() {
                if column.to_ascii_uppercase().starts_with("QTY_") {
                    v.typed(column, &a.qty(column));
                }
            }
            v.raw(&a.extra);
            v
        }
    }

    pub mod article_group {
        use super::*;
        view!(g: ArticleGroup { "AG_CODE" => g.ag_code, "AG_DESC" => g.ag_desc } raw: g.extra);
    }

    pub mod delivery_address {
        use super::*;
        view!(a: DeliveryAddress {
            "REC_ID" => a.rec_id, "SUB_NR" => a.sub_nr, "DEL_NAME" => a.del_name,
            "ADDRESS1" => a.address1, "POST_CODE" => a.post_code, "CITY" => a.city,
            "CNT_CODE" => a.cnt_code, "MAIL_BUS" => a.mail_bus, "TEL_BUS" => a.tel_bus,
        } raw: a.extra);
    }

    pub mod ledger_account {
        use super::*;
        view!(l: LedgerAccount {
            "ACCT_NR" => l.acct_nr, "ACCT_NAME" => l.acct_name, "ACCT_TYPE" => l.acct_type,
            "ACCT_LINK" => l.acct_link, "STAT_SELL" => l.stat_sell, "VAT_CODE" => l.vat_code,
            "VAT_MAND" => l.vat_mand, "REC_BLK" => l.rec_blk,
        } raw: l.extra);
    }

    pub mod vat_code {
        use super::*;
        view!(c: VatCode {
            "VAT_CODE" => c.vat_code, "VAT_NAME" => c.vat_name, "VAT_PCT" => c.vat_pct,
            "VAT_TYPE" => c.vat_type, "CALC_TYPE" => c.calc_type, "VAT_ACCT" => c.vat_acct,
            "FRM_CODE" => c.frm_code, "IS_REVERSE" => c.is_reverse, "VAT_LINK" => c.vat_link,
        } raw: c.extra);
    }

    pub mod dictionary {
        use super::*;
        view!(e: FieldDictionaryEntry {
            "DBF_NAME" => e.table, "FIELD_NAME" => e.field, "FLD_DESC" => e.description,
            "FIELD_LEN" => e.length, "FIELD_TYPE" => e.field_type, "INP_MAND" => e.mandatory,
            "FLD_FMT" => e.format,
        } raw: e.row);
    }

    pub mod company {
        use super::*;
        view!(c: Company {
            "Id" => c.id, "Code" => c.code, "Description" => c.description,
        } raw: c.extra);
    }

    pub mod business_object {
        use super::*;
        view!(b: BusinessObjectInfo {
            "Code" => b.code, "Description" => b.description,
            "InsertAllowed" => b.insert_allowed, "UpdateAllowed" => b.update_allowed,
            "DeleteAllowed" => b.delete_allowed,
        } raw: Row::new());
    }
}

/// Reads one row into its record's view (the error boxed: it is large).
type ViewFn = fn(&Row) -> Result<View, Box<accountview_client::Error>>;

fn via<T>(
    from_row: fn(&Row) -> accountview_client::Result<T>,
    view_of: fn(&Row, &T) -> View,
) -> impl Fn(&Row) -> Result<View, Box<accountview_client::Error>> {
    move |row| from_row(row).map(|r| view_of(row, &r)).map_err(Box::new)
}

/// How a fixture is shaped and which record its rows are.
enum Shape {
    /// `{"TABLE": [rows], …}`: decoded by [`DataSet`], the main table by `view`.
    DataSet { table: &'static str, view: ViewFn },
    /// A top-level array of objects (`/companies`, the business objects).
    Array { view: ViewFn },
}

/// The match table for the read-shaped fixtures; `None` for a file that is not read-shaped data.
fn shape(name: &str) -> Option<Shape> {
    macro_rules! ds {
        ($ty:ty, $module:ident) => {
            Shape::DataSet {
                table: <$ty as Record>::TABLE,
                view: |row| via(<$ty>::from_row, views::$module::view_of)(row),
            }
        };
    }
    Some(match name {
        "addr_delivery_addresses_get_response.json" => ds!(DeliveryAddress, delivery_address),
        "ag1_article_groups_get_response.json" => ds!(ArticleGroup, article_group),
        "ak1_articles_get_response.json" => ds!(Article, article),
        "ar1_debtors_get_response.json" | "ar1_debtor_create_response.json" => {
            ds!(Debtor, debtor)
        }
        "gl1_ledger_get_response.json" => ds!(LedgerAccount, ledger_account),
        "va1_vat_codes_get_response.json" => ds!(VatCode, vat_code),
        "fld_dictionary_contact_get_response.json" => Shape::DataSet {
            table: "DCT_FLD",
            view: |row| via(FieldDictionaryEntry::from_row, views::dictionary::view_of)(row),
        },
        "companies_get_response.json" => Shape::Array {
            view: |row| via(Company::from_row, views::company::view_of)(row),
        },
        "business_objects_get_response.json" => Shape::Array {
            view: |row| {
                via(
                    BusinessObjectInfo::from_row,
                    views::business_object::view_of,
                )(row)
            },
        },
        _ => return None,
    })
}

/// Files that are not read-shaped data, and where they are checked.
const NOT_DATA: [&str; 6] = [
    "addr_delivery_address_create_request.json", // writing.rs, fixtures.rs
    "ar1_debtor_create_request.json",
    "dj2_sales_invoice_journal_create_request.json",
    "so1_sales_order_create_request.json",
    "error_response.json", // errors.rs
    "token_response.json", // auth.rs
];

/// Columns a record cannot do without: dropping one must be a decode error naming the column,
/// never a made-up value (the administration's `Id` goes into every data call's `X-Company`).
const REQUIRED: [(&str, &str); 1] = [("companies_get_response.json", "Id")];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    NumberAsString,
    EmptyDate,
    MissingColumn,
    ObjectForArray,
}

impl Kind {
    const ALL: [Kind; 4] = [
        Kind::NumberAsString,
        Kind::EmptyDate,
        Kind::MissingColumn,
        Kind::ObjectForArray,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::NumberAsString => "numbers as strings",
            Kind::EmptyDate => "empty dates",
            Kind::MissingColumn => "missing columns",
            Kind::ObjectForArray => "object for array",
        }
    }
}

struct Mutation {
    kind: Kind,
    table: String,
    row: usize,
    /// The mutated column; `None` for [`Kind::ObjectForArray`].
    column: Option<String>,
    /// The column's new raw value; `None` when it is dropped.
    value: Option<Value>,
}

impl Mutation {
    fn describe(&self) -> String {
        match &self.column {
            Some(c) => format!("{:?} at {}[{}].{c}", self.kind, self.table, self.row),
            None => format!("{:?} at {}[{}]", self.kind, self.table, self.row),
        }
    }
}

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

/// The tables of a document: `(name, rows)`; a top-level array is one table named `""`.
fn tables(doc: &Value) -> Vec<(String, Vec<Map<String, Value>>)> {
    let rows = |v: &Value| -> Vec<Map<String, Value>> {
        v.as_array()
            .map(|a| a.iter().filter_map(|r| r.as_object().cloned()).collect())
            .unwrap_or_default()
    };
    match doc {
        Value::Array(_) => vec![(String::new(), rows(doc))],
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), rows(v))).collect(),
        _ => Vec::new(),
    }
}

fn mutations(doc: &Value) -> Vec<Mutation> {
    let mut out = Vec::new();
    for (table, rows) in tables(doc) {
        for (i, row) in rows.iter().enumerate() {
            for (column, value) in row {
                let at = |kind, value| Mutation {
                    kind,
                    table: table.clone(),
                    row: i,
                    column: Some(column.clone()),
                    value,
                };
                if let Value::Number(n) = value {
                    out.push(at(Kind::NumberAsString, Some(Value::String(n.to_string()))));
                }
                if let Value::String(s) = value
                    && looks_like_date(s)
                {
                    out.push(at(Kind::EmptyDate, Some(Value::String(String::new()))));
                }
                out.push(at(Kind::MissingColumn, None));
            }
            if !table.is_empty() {
                out.push(Mutation {
                    kind: Kind::ObjectForArray,
                    table: table.clone(),
                    row: i,
                    column: None,
                    value: None,
                });
            }
        }
    }
    out
}

/// The table's rows in a document (`[]` for a top-level array's).
fn table_mut<'a>(doc: &'a mut Value, table: &str) -> &'a mut Value {
    if table.is_empty() {
        doc
    } else {
        doc.get_mut(table).expect("table exists")
    }
}

fn apply(doc: &Value, m: &Mutation) -> Value {
    let mut doc = doc.clone();
    let rows = table_mut(&mut doc, &m.table);
    if m.kind == Kind::ObjectForArray {
        let row = rows[m.row].clone();
        *rows = row;
        return doc;
    }
    let row = rows[m.row].as_object_mut().expect("row object");
    let column = m.column.as_deref().expect("a column");
    match &m.value {
        Some(v) => {
            row.insert(column.to_owned(), v.clone());
        }
        None => {
            row.shift_remove(column);
        }
    }
    doc
}

/// Rows of a top-level array, the way a caller of the public API builds them.
fn array_rows(doc: &Value) -> Vec<Row> {
    doc.as_array()
        .expect("an array")
        .iter()
        .map(|r| Row::from_iter(r.as_object().expect("row object").clone()))
        .collect()
}

/// The row's typed accessors, for the generic `DataSet` check.
#[derive(Debug, PartialEq)]
struct Reads {
    text: Option<String>,
    decimal: Option<Option<Decimal>>,
    int: Option<Option<i64>>,
    bool: Option<Option<bool>>,
    datetime: Option<Option<NaiveDateTime>>,
}

fn reads(row: &Row, column: &str) -> Reads {
    Reads {
        text: row.text_lossy(column),
        decimal: row.decimal(column).ok(),
        int: row.int(column).ok(),
        bool: row.bool(column).ok(),
        datetime: row.datetime(column).ok(),
    }
}

/// What every accessor reads from an absent value: nothing, and no error.
const NOTHING: Reads = Reads {
    text: None,
    decimal: Some(None),
    int: Some(None),
    bool: Some(None),
    datetime: Some(None),
};

/// The generic check: the mutated `DataSet` has the original's tables and rows, the mutated
/// column reads as before (numeric string) or as nothing (empty date, dropped), everything else
/// is untouched.
fn check_dataset(m: &Mutation, original: &DataSet, mutated: &DataSet) -> Result<(), String> {
    let names: Vec<&String> = original.tables.keys().collect();
    let names_after: Vec<&String> = mutated.tables.keys().collect();
    if names != names_after {
        return Err(format!("tables changed: {names:?} → {names_after:?}"));
    }
    for (name, rows) in &original.tables {
        let after = &mutated.tables[name];
        if *name != m.table {
            if rows != after {
                return Err(format!("table {name} changed"));
            }
            continue;
        }
        if m.kind == Kind::ObjectForArray {
            return if after.len() == 1 && after[0] == rows[m.row] {
                Ok(())
            } else {
                Err(format!(
                    "expected exactly row {} as one row, got {} rows",
                    m.row,
                    after.len()
                ))
            };
        }
        if rows.len() != after.len() {
            return Err(format!("{name}: {} rows → {}", rows.len(), after.len()));
        }
        for (i, (r0, r1)) in rows.iter().zip(after).enumerate() {
            if i != m.row {
                if r0 != r1 {
                    return Err(format!("{name}[{i}] changed"));
                }
                continue;
            }
            let column = m.column.as_deref().expect("a column");
            let mut expected = r0.clone();
            match &m.value {
                Some(v) => {
                    expected.insert(column, v.clone());
                }
                None => {
                    expected.remove(column);
                }
            }
            if &expected != r1 {
                return Err(format!("{name}[{i}]: other columns changed"));
            }
            let before = reads(r0, column);
            let now = reads(r1, column);
            match m.kind {
                Kind::NumberAsString => {
                    // `bool`/`int` may fail on the original too (a decimal is no integer); a read
                    // that worked must still work and give the same value.
                    let same = before.text == now.text
                        && before.decimal == now.decimal
                        && before.int.is_none_or(|v| now.int == Some(v))
                        && before.bool.is_none_or(|v| now.bool == Some(v))
                        && before.datetime.is_none_or(|v| now.datetime == Some(v));
                    if !same {
                        return Err(format!("{column} reads differently: {before:?} → {now:?}"));
                    }
                }
                Kind::EmptyDate | Kind::MissingColumn => {
                    if now != NOTHING {
                        return Err(format!("{column} still reads as something: {now:?}"));
                    }
                    if m.kind == Kind::MissingColumn && r1.get(column).is_some() {
                        return Err(format!("{column} is still there"));
                    }
                }
                Kind::ObjectForArray => unreachable!("handled above"),
            }
        }
    }
    Ok(())
}

/// The typed check on the mutated row's record (see the module docs).
fn check_record(m: &Mutation, v0: &View, v1: &View) -> Result<(), String> {
    let mut expected = v0.clone();
    if let Some(column) = &m.column {
        match m.kind {
            Kind::NumberAsString => {}
            Kind::EmptyDate | Kind::MissingColumn => {
                expected.typed.remove(column);
            }
            Kind::ObjectForArray => unreachable!("no column"),
        }
        if v0.raw.contains_key(column) {
            match &m.value {
                Some(v) => expected.raw.insert(column.clone(), v.clone()),
                None => expected.raw.remove(column),
            };
        }
    }
    if v1.typed != expected.typed {
        let column = m.column.as_deref().unwrap_or("?");
        return Err(format!(
            "typed values differ: expected {column} = {:?}, got {:?} (all: {:?})",
            expected.typed.get(column),
            v1.typed.get(column),
            diff_keys(&expected.typed, &v1.typed)
        ));
    }
    if v1.raw != expected.raw {
        return Err(format!(
            "verbatim columns differ: {:?}",
            diff_keys(&expected.raw, &v1.raw)
        ));
    }
    Ok(())
}

fn diff_keys<V: PartialEq>(a: &BTreeMap<String, V>, b: &BTreeMap<String, V>) -> Vec<String> {
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[derive(Default)]
struct Counts {
    generated: usize,
    /// Documents of `DataSet`-shaped fixtures (the others are top-level arrays).
    dataset_shaped: usize,
    datasets: usize,
    records: usize,
}

#[test]
fn every_read_fixture_decodes_under_every_mutation_without_inventing_values() {
    let mut names: Vec<String> = std::fs::read_dir(fixture_path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();

    let mut failures = Vec::new();
    let mut per_kind: BTreeMap<Kind, Counts> = BTreeMap::new();
    let mut per_fixture = Vec::new();
    let mut refused = 0;
    for name in &names {
        let Some(shape) = shape(name) else {
            if !NOT_DATA.contains(&name.as_str()) {
                failures.push(format!("{name}: not mapped to a record"));
            }
            continue;
        };
        let text = fixture(name);
        let doc: Value = serde_json::from_str(&text).unwrap();
        let all = mutations(&doc);
        per_fixture.push(format!("{name} {}", all.len()));

        // The original's views, per row of the main table.
        let (main_table, view, original_set) = match &shape {
            Shape::DataSet { table, view } => (
                (*table).to_owned(),
                *view,
                Some(DataSet::from_slice(text.as_bytes()).expect("the fixture decodes")),
            ),
            Shape::Array { view } => (String::new(), *view, None),
        };
        let original_rows: Vec<Row> = match &original_set {
            Some(set) => set.table(&main_table).to_vec(),
            None => array_rows(&doc),
        };
        let v0: Vec<View> = original_rows
            .iter()
            .map(|r| view(r).expect("the fixture's rows decode"))
            .collect();
        // The views must account for every column of the fixture.
        for (i, (row, v)) in original_rows.iter().zip(&v0).enumerate() {
            for (column, _) in row.iter() {
                if !v.typed_columns.contains(column) && !v.raw.contains_key(column) {
                    failures.push(format!(
                        "{name}: {main_table}[{i}].{column} is in no field of the view"
                    ));
                }
            }
        }

        for m in &all {
            let counts = per_kind.entry(m.kind).or_default();
            counts.generated += 1;
            let mutated = apply(&doc, m);
            let bytes = serde_json::to_vec(&mutated).unwrap();
            let rows = match &original_set {
                Some(original) => {
                    counts.dataset_shaped += 1;
                    let set = match DataSet::from_slice(&bytes) {
                        Ok(set) => set,
                        Err(e) => {
                            failures.push(format!("{name}: {}: DataSet: {e}", m.describe()));
                            continue;
                        }
                    };
                    if let Err(e) = check_dataset(m, original, &set) {
                        failures.push(format!("{name}: {}: DataSet: {e}", m.describe()));
                        continue;
                    }
                    counts.datasets += 1;
                    set.table(&main_table).to_vec()
                }
                None => array_rows(&mutated),
            };
            if m.table != main_table {
                // another table of the response (none of the fixtures has rows there today)
                continue;
            }
            let (row, original_view) = if m.kind == Kind::ObjectForArray {
                (rows.first(), &v0[m.row])
            } else {
                (rows.get(m.row), &v0[m.row])
            };
            let Some(row) = row else {
                failures.push(format!("{name}: {}: the row is gone", m.describe()));
                continue;
            };
            let required = m.kind == Kind::MissingColumn
                && REQUIRED
                    .iter()
                    .any(|(f, c)| f == name && m.column.as_deref() == Some(*c));
            let v1 = match (view(row), required) {
                (Ok(v), false) => v,
                (Err(e), true)
                    if matches!(&*e, accountview_client::Error::Decode { path, .. }
                        if m.column.as_deref() == Some(path.as_str())) =>
                {
                    refused += 1;
                    continue;
                }
                (Ok(_), true) => {
                    failures.push(format!(
                        "{name}: {}: a required column was made up",
                        m.describe()
                    ));
                    continue;
                }
                (Err(e), _) => {
                    failures.push(format!("{name}: {}: record: {e}", m.describe()));
                    continue;
                }
            };
            match check_record(m, original_view, &v1) {
                Ok(()) => counts.records += 1,
                Err(e) => failures.push(format!("{name}: {}: record: {e}", m.describe())),
            }
        }
    }

    let sum = |f: fn(&Counts) -> usize| per_kind.values().map(f).sum::<usize>();
    let generated = sum(|c| c.generated);
    let kinds: Vec<String> = Kind::ALL
        .iter()
        .map(|k| {
            let c = per_kind.get(k);
            format!(
                "{} {} ({} DataSet, {} records)",
                k.label(),
                c.map_or(0, |c| c.generated),
                c.map_or(0, |c| c.datasets),
                c.map_or(0, |c| c.records)
            )
        })
        .collect();
    println!(
        "accountview mutations: {generated} documents, {} decoded into typed records, {} of {} \
         DataSet-shaped decoded as DataSet: {}",
        sum(|c| c.records),
        sum(|c| c.datasets),
        sum(|c| c.dataset_shaped),
        kinds.join(", ")
    );
    println!(
        "  per fixture: {}; a dropped required column ({}) refused with its path: {refused}",
        per_fixture.join(", "),
        REQUIRED.map(|(_, c)| c).join(", ")
    );
    for kind in Kind::ALL {
        assert!(
            per_kind.get(&kind).is_some_and(|c| c.generated > 0),
            "no {} mutation generated: a fixture went missing",
            kind.label()
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {generated} mutated documents failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The checker itself: a typed value made up for a dropped column is caught.
#[test]
fn the_checker_catches_invented_values() {
    let view = |pairs: &[(&str, Cell)]| View {
        typed: pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        raw: BTreeMap::new(),
        typed_columns: pairs.iter().map(|(k, _)| (*k).to_owned()).collect(),
    };
    let dropped = Mutation {
        kind: Kind::MissingColumn,
        table: "T".into(),
        row: 0,
        column: Some("FLAG".into()),
        value: None,
    };
    let before = view(&[("FLAG", Cell::Bool(true)), ("N", Cell::Integer(1))]);
    // false (or "" or 0) where the column was dropped
    let invented = view(&[("FLAG", Cell::Bool(false)), ("N", Cell::Integer(1))]);
    assert!(check_record(&dropped, &before, &invented).is_err());
    // another column changed on the way
    let other = view(&[("N", Cell::Integer(2))]);
    assert!(check_record(&dropped, &before, &other).is_err());
    let absent = view(&[("N", Cell::Integer(1))]);
    assert_eq!(check_record(&dropped, &before, &absent), Ok(()));
    // a numeric string must read as the same value
    let as_string = Mutation {
        kind: Kind::NumberAsString,
        column: Some("N".into()),
        value: Some(Value::String("1".into())),
        ..dropped
    };
    assert_eq!(check_record(&as_string, &before, &before), Ok(()));
    assert!(check_record(&as_string, &before, &invented).is_err());
}
