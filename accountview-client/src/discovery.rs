//! What an administration offers: its business objects and its field and table dictionaries.
//!
//! A setup wizard uses these to list what can be read and written, and to learn an installation's
//! real columns (e.g. the `QTY_*` stock columns of `ARTICLE`, custom `K1_…` fields).

use http::Method;

use crate::client::{AccountViewClient, Call};
use crate::dataset::Row;
use crate::error::{Error, Result, snippet};
use crate::query::{Filter, FilterOperator, Query};
use crate::write::FieldType;

/// One business object (`GET /accountviewsystembusinessobjects`). A value the entry does not
/// carry (a missing, `null` or empty column) is `None`: a right AccountView did not state is
/// neither granted nor refused.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BusinessObjectInfo {
    /// Code, e.g. `AR1`.
    pub code: Option<String>,
    /// Description (Dutch), e.g. `Debiteuren`.
    pub description: Option<String>,
    /// `InsertAllowed`.
    pub insert_allowed: Option<bool>,
    /// `UpdateAllowed`.
    pub update_allowed: Option<bool>,
    /// `DeleteAllowed`.
    pub delete_allowed: Option<bool>,
}

impl BusinessObjectInfo {
    /// Reads one entry.
    pub fn from_row(row: &Row) -> Result<Self> {
        Ok(Self {
            code: row.text_lossy("Code"),
            description: row.text_lossy("Description"),
            insert_allowed: row.bool("InsertAllowed")?,
            update_allowed: row.bool("UpdateAllowed")?,
            delete_allowed: row.bool("DeleteAllowed")?,
        })
    }

    /// Whether this entry is the business object `code` (case-insensitive).
    pub fn is(&self, code: &str) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c.trim().eq_ignore_ascii_case(code.trim()))
    }
}

/// One column of the field dictionary (`DCT_FLD`). A value the entry does not carry (a missing,
/// `null` or blank column) is `None`; an entry without its table or field name describes no
/// column and is skipped where columns are looked up.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FieldDictionaryEntry {
    /// `DBF_NAME` (trimmed), e.g. `CONTACT`.
    pub table: Option<String>,
    /// `FIELD_NAME` (trimmed).
    pub field: Option<String>,
    /// `FLD_DESC` (Dutch label).
    pub description: Option<String>,
    /// `FIELD_LEN` (characters for `C`, width for `N`).
    pub length: Option<usize>,
    /// `FIELD_TYPE`; `None` for a type letter this crate does not know.
    pub field_type: Option<FieldType>,
    /// `INP_MAND`.
    pub mandatory: Option<bool>,
    /// `FLD_FMT` (`!` = uppercase).
    pub format: Option<String>,
    /// The whole row, for the columns not modelled (`FLD_MASK`, `COM_BLK`, …).
    pub row: Row,
}

impl FieldDictionaryEntry {
    /// Whether this entry describes a column of `table` (case-insensitive, trimmed).
    pub fn is_in_table(&self, table: &str) -> bool {
        self.table
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case(table.trim()))
    }

    /// Whether this entry describes the column `field` (case-insensitive, trimmed).
    pub fn is_field(&self, field: &str) -> bool {
        self.field
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case(field.trim()))
    }

    /// Reads one `DCT_FLD` row.
    pub fn from_row(row: &Row) -> Result<Self> {
        Ok(Self {
            table: row.text_lossy("DBF_NAME").map(|t| t.trim().to_owned()),
            field: row.text_lossy("FIELD_NAME").map(|f| f.trim().to_owned()),
            description: row.text_lossy("FLD_DESC"),
            length: row.int("FIELD_LEN")?.and_then(|n| usize::try_from(n).ok()),
            field_type: row.text("FIELD_TYPE").and_then(FieldType::from_code),
            mandatory: row.bool("INP_MAND")?,
            format: row.text_lossy("FLD_FMT"),
            row: row.clone(),
        })
    }
}

/// One table of the table dictionary (`DCT_FILE`): which business object uses which tables.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TableDictionaryEntry {
    /// `OBJ_CODE`: the business object code.
    pub business_object: Option<String>,
    /// `DBF_NAME`: the table.
    pub table: Option<String>,
    /// `DBF_DESC`.
    pub description: Option<String>,
    /// `TBL_CHILD`: the detail table(s), as sent.
    pub child_tables: Option<String>,
    /// `DBF_VIRT`: whether the table is a virtual view.
    pub is_virtual: Option<bool>,
    /// `DBF_BASE`: the base table of a view.
    pub base_table: Option<String>,
    /// The whole row.
    pub row: Row,
}

impl TableDictionaryEntry {
    /// Reads one `DCT_FILE` row.
    pub fn from_row(row: &Row) -> Result<Self> {
        Ok(Self {
            business_object: row.text_lossy("OBJ_CODE"),
            table: row.text_lossy("DBF_NAME"),
            description: row.text_lossy("DBF_DESC"),
            child_tables: row.text_lossy("TBL_CHILD"),
            // Unknown wire type for this flag; a value we cannot read is kept in `row` only.
            is_virtual: row.bool("DBF_VIRT").ok().flatten(),
            base_table: row.text_lossy("DBF_BASE"),
            row: row.clone(),
        })
    }
}

/// Columns requested from the field dictionary.
const FLD_FIELDS: [&str; 9] = [
    "dct_fld.FLD_DESC",
    "dct_fld.FIELD_NAME",
    "dct_fld.DBF_NAME",
    "dct_fld.FIELD_LEN",
    "dct_fld.FIELD_TYPE",
    "dct_fld.INP_MAND",
    "dct_fld.FLD_FMT",
    "dct_fld.FLD_MASK",
    "dct_fld.COM_BLK",
];

/// Decodes a top-level JSON array of objects into rows (errors name `[i]`).
pub(crate) fn array_rows(body: &[u8]) -> Result<Vec<Row>> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| Error::Decode {
        path: "$".into(),
        source: Box::new(e),
        snippet: snippet(body),
    })?;
    let serde_json::Value::Array(items) = value else {
        return Err(Error::decode("$", "expected a JSON array", snippet(body)));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            serde_json::Value::Object(map) => Ok(Row::from_iter(map)),
            _ => Err(Error::decode(
                format!("[{i}]"),
                "expected an object",
                snippet(body),
            )),
        })
        .collect()
}

impl AccountViewClient {
    /// The business objects of the administration, with their insert/update/delete rights.
    pub async fn business_objects(&self) -> Result<Vec<BusinessObjectInfo>> {
        let call = Call {
            path: "accountviewsystembusinessobjects",
            params: Vec::new(),
            body: None,
            business_object: None,
            needs_company: true,
        };
        let response = self.send(Method::GET, call).await?;
        array_rows(&response.body)?
            .iter()
            .enumerate()
            .map(|(i, row)| {
                BusinessObjectInfo::from_row(row).map_err(|e| e.at_path(&format!("[{i}]")))
            })
            .collect()
    }

    /// The field dictionary of one table (`fld` with `DBF_NAME` contains `table`), only rows whose
    /// table is exactly `table`.
    pub async fn field_dictionary(&self, table: &str) -> Result<Vec<FieldDictionaryEntry>> {
        let query = Query::system("fld")
            .fields(FLD_FIELDS)
            .filter(Filter::new(
                "DBF_NAME",
                FilterOperator::Contains,
                table.trim().to_ascii_uppercase(),
            ))
            .table("DCT_FLD")
            .page_size(256);
        let rows = self.query(query).collect().await?;
        let mut out = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let entry = FieldDictionaryEntry::from_row(row)
                .map_err(|e| e.at_path(&format!("DCT_FLD[{i}]")))?;
            if entry.is_in_table(table) {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// Loads the field dictionary of `tables` and merges it into this client's field facts
    /// (see [`crate::FieldFacts::extend_from_dictionary`]).
    pub async fn load_field_facts(&self, tables: &[&str]) -> Result<()> {
        let mut facts = self.field_facts();
        for table in tables {
            facts.extend_from_dictionary(&self.field_dictionary(table).await?);
        }
        self.set_field_facts(facts);
        Ok(())
    }

    /// The table dictionary (`dbf`): business object ↔ table ↔ detail tables.
    pub async fn table_dictionary(&self) -> Result<Vec<TableDictionaryEntry>> {
        let query = Query::system("dbf")
            .fields([
                "dct_file.obj_code",
                "dct_file.dbf_name",
                "dct_file.dbf_desc",
                "dct_file.tbl_child",
                "dct_file.dbf_virt",
                "dct_file.dbf_base",
            ])
            .raw_filter("!EMPTY(dct_file.obj_code)")
            .table("DCT_FILE")
            .page_size(1000);
        let rows = self.query(query).collect().await?;
        rows.iter()
            .enumerate()
            .map(|(i, row)| {
                TableDictionaryEntry::from_row(row)
                    .map_err(|e| e.at_path(&format!("DCT_FILE[{i}]")))
            })
            .collect()
    }
}
