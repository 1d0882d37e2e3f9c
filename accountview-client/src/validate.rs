//! Client-side validation of writes against AccountView's field facts.
//!
//! A value AccountView would reject becomes a typed [`Error::Validation`] before any request: a
//! missing mandatory value (creates only), lowercase in an uppercase key column, an over-long key or
//! name. Over-long free text (descriptions, address lines) is truncated, character-safe, with a
//! `tracing` warning. Each fact states its policies explicitly ([`OverflowPolicy`], [`CaseRule`]).
//!
//! The built-in table holds the facts `reference/accountview.md` gives (GO-AV dictionary dumps, AC, DL);
//! an installation's own facts can be merged in from its field dictionary
//! ([`FieldFacts::extend_from_dictionary`]).

use std::collections::HashMap;

use crate::discovery::FieldDictionaryEntry;
use crate::error::{Error, Result, ValidationProblem};
use crate::write::{FieldType, WriteRequest, WriteValue};

/// What to do with a text value longer than the column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverflowPolicy {
    /// A typed validation error (keys, codes, names: cutting them would corrupt identity).
    Reject,
    /// Cut to the maximum length (character-safe) and warn (free text: descriptions, address lines).
    Truncate,
}

/// How an uppercase-formatted (`FLD_FMT "!"`) column treats lowercase input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRule {
    /// No case rule.
    Any,
    /// Lowercase is a validation error (keys and references: silently changing them would create or
    /// point to a different record than the caller meant, e.g. debtor number `abc1`).
    RejectLowercase,
    /// Lowercase is converted to uppercase (formatted values such as post codes and country codes).
    ToUppercase,
}

/// What AccountView requires of one column.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldFact {
    /// Table, e.g. `CONTACT`.
    pub table: String,
    /// Column, e.g. `ACCT_NAME`.
    pub field: String,
    /// FoxPro type.
    pub field_type: FieldType,
    /// Maximum length in characters, for text columns.
    pub max_len: Option<usize>,
    /// Uppercase rule.
    pub case: CaseRule,
    /// Mandatory on create.
    pub mandatory: bool,
    /// Over-length policy.
    pub overflow: OverflowPolicy,
}

impl FieldFact {
    /// A fact with no length, case or mandatory rule.
    pub fn new(table: impl Into<String>, field: impl Into<String>, field_type: FieldType) -> Self {
        Self {
            table: table.into(),
            field: field.into(),
            field_type,
            max_len: None,
            case: CaseRule::Any,
            mandatory: false,
            overflow: OverflowPolicy::Reject,
        }
    }

    /// Sets the maximum length and what happens beyond it.
    pub fn max_len(mut self, len: usize, overflow: OverflowPolicy) -> Self {
        self.max_len = Some(len);
        self.overflow = overflow;
        self
    }

    /// Sets the case rule.
    pub fn case(mut self, case: CaseRule) -> Self {
        self.case = case;
        self
    }

    /// Marks the column mandatory on create.
    pub fn mandatory(mut self) -> Self {
        self.mandatory = true;
        self
    }
}

/// Whether a write creates or updates (mandatory columns are only enforced on create).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// `POST`.
    Create,
    /// `PUT`: a partial update may leave mandatory columns out.
    Update,
}

/// The facts table: `(TABLE, FIELD)` → [`FieldFact`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldFacts {
    facts: HashMap<(String, String), FieldFact>,
}

/// Compact row of the built-in table: (field, type, max len, case, mandatory, overflow).
type Spec = (
    &'static str,
    FieldType,
    Option<usize>,
    CaseRule,
    bool,
    OverflowPolicy,
);

const KEY: CaseRule = CaseRule::RejectLowercase;
const UP: CaseRule = CaseRule::ToUppercase;
const ANY: CaseRule = CaseRule::Any;
const REJ: OverflowPolicy = OverflowPolicy::Reject;
const CUT: OverflowPolicy = OverflowPolicy::Truncate;
use FieldType::{C, D, I, L, M, N, T, Y};

/// `CONTACT` (AR1). Source: GO-AV `fields/contact.json` via the reference. `SUB_NR` is `INP_MAND` in the
/// dictionary but not enforced here: administrations with automatic debtor numbering generate it on
/// create (and return it), and AccountView itself rejects a missing number where numbering is manual.
/// `ACCT_NR` is mandatory through the `ACCT_REC` view.
const CONTACT: &[Spec] = &[
    ("SUB_NR", C, Some(10), KEY, false, REJ),
    ("ACCT_NAME", C, Some(40), ANY, true, REJ),
    ("SRC_CODE", C, Some(10), UP, true, REJ),
    ("ACCT_NR", C, Some(10), KEY, true, REJ),
    ("DEB_NR", C, Some(10), ANY, false, REJ),
    ("DEB_NRV", C, Some(10), KEY, false, REJ),
    ("PAY_NAME", C, Some(24), ANY, false, REJ),
    ("RPL_INV", C, Some(10), KEY, false, REJ),
    ("RPL_GRP", C, Some(10), KEY, false, REJ),
    ("HDQ_CODE", C, Some(10), KEY, false, REJ),
    ("ADDRESS1", C, Some(80), ANY, false, CUT),
    ("ST_STREET", C, Some(60), ANY, false, CUT),
    ("ST_NR", C, Some(10), ANY, false, REJ),
    ("ST_EXTRA", C, Some(10), ANY, false, REJ),
    ("ST_PROP", C, Some(40), ANY, false, CUT),
    ("ST_REGION", C, Some(40), ANY, false, CUT),
    ("ADDR_LINE1", C, Some(40), ANY, false, CUT),
    ("ADDR_LINE2", C, Some(40), ANY, false, CUT),
    ("POST_CODE", C, Some(10), UP, false, REJ),
    ("CITY", C, Some(35), ANY, false, CUT),
    ("BOX_CITY", C, Some(35), ANY, false, CUT),
    ("CNT_CODE", C, Some(2), UP, false, REJ),
    ("COUNTRY", C, Some(30), ANY, false, CUT),
    ("PO_BOX", C, Some(80), ANY, false, CUT),
    ("PO_CODE", C, Some(10), UP, false, REJ),
    ("PO_CITY", C, Some(35), ANY, false, CUT),
    ("MAIL_BUS", C, Some(50), ANY, false, REJ),
    ("TEL_BUS", C, Some(20), ANY, false, REJ),
    ("TEL_MOB", C, Some(20), ANY, false, REJ),
    ("FAX_BUS", C, Some(20), ANY, false, REJ),
    ("WWW_URL", C, Some(60), ANY, false, REJ),
    ("MAIN_CONT", C, Some(40), ANY, false, REJ),
    ("MAIN_PP", C, Some(10), KEY, false, REJ),
    ("MC_MAILB", C, Some(50), ANY, false, REJ),
    ("ADMIN_PP", C, Some(10), KEY, false, REJ),
    ("LNG_CODE", C, Some(5), UP, false, REJ),
    ("EIA", C, Some(50), ANY, false, REJ),
    ("VAT_CODE", C, Some(2), KEY, false, REJ),
    ("VAT_NR", C, Some(14), UP, false, REJ),
    ("VAT_DATE", D, None, ANY, false, REJ),
    ("COC_CODE", C, Some(15), ANY, false, REJ),
    ("DISC_CODE", C, Some(2), KEY, false, REJ),
    ("DISC_PCT", N, None, ANY, false, REJ),
    ("CRED_LIM", I, None, ANY, false, REJ),
    ("CUR_CODE", C, Some(3), UP, false, REJ),
    ("IBAN_NR", C, Some(34), UP, false, REJ),
    ("APX_LIST", C, Some(5), KEY, false, REJ),
    ("MRN_LIST", C, Some(5), KEY, false, REJ),
    ("EMP_NR", C, Some(10), KEY, false, REJ),
    ("SHIP_MTH", C, Some(10), KEY, false, REJ),
    ("SHIP_COMP", L, None, ANY, false, REJ),
    ("BLK_SP", L, None, ANY, false, REJ),
    ("REC_BLK", L, None, ANY, false, REJ),
    ("EL_SI", L, None, ANY, false, REJ),
    ("EL_SO", L, None, ANY, false, REJ),
    ("INV_ADDRES", M, None, ANY, false, REJ),
    ("VIS_ADDRES", M, None, ANY, false, REJ),
    ("CNG_DATE", T, None, ANY, false, REJ),
    ("INP_DATE", T, None, ANY, false, REJ),
];

/// `DEL_ADDR` (ADDR). Source: AC; the reference gives no lengths for this table, so the columns shared
/// with `CONTACT` take `CONTACT`'s facts [inferred: same domain]. `REC_ID` is generated on create.
const DEL_ADDR: &[Spec] = &[
    ("SUB_NR", C, Some(10), KEY, true, REJ),
    ("ADDRESS1", C, Some(80), ANY, false, CUT),
    ("POST_CODE", C, Some(10), UP, false, REJ),
    ("CITY", C, Some(35), ANY, false, CUT),
    ("CNT_CODE", C, Some(2), UP, false, REJ),
    ("MAIL_BUS", C, Some(50), ANY, false, REJ),
    ("TEL_BUS", C, Some(20), ANY, false, REJ),
];

/// `ARTICLE` (AK1). The reference gives `ART_CODE` as string(15) (Invantive `ART_LINE`) and no other
/// lengths; no uppercase rule is evidenced for article codes.
const ARTICLE: &[Spec] = &[
    ("ART_CODE", C, Some(15), ANY, true, REJ),
    ("ART_DESC1", C, None, ANY, false, CUT),
    ("AG_CODE", C, None, ANY, false, REJ),
    ("PX_SELL", Y, None, ANY, false, REJ),
];

/// `ART_GRP` (AG1): only the column names are known.
const ART_GRP: &[Spec] = &[
    ("AG_CODE", C, None, ANY, true, REJ),
    ("AG_DESC", C, None, ANY, false, CUT),
];

/// `SO_HDR` (SO1). Source: AC. `RPL_INV` / `RPL_DEL` hold a debtor's `SUB_NR` [inferred: same facts].
const SO_HDR: &[Spec] = &[
    ("RPL_INV", C, Some(10), KEY, true, REJ),
    ("RPL_DEL", C, Some(10), KEY, false, REJ),
    ("EMP_NR", C, Some(10), KEY, false, REJ),
    ("APX_LIST", C, Some(5), KEY, false, REJ),
];

/// `SO_LINE` (SO1): article code as in `ARTICLE`.
const SO_LINE: &[Spec] = &[
    ("ART_CODE", C, Some(15), ANY, true, REJ),
    ("ORD_QTY", N, None, ANY, true, REJ),
];

/// `DJ_PAGE` (DJ2). Source: GO-AV `fields/dj_page.json`. `PAGE_NR` is `INP_MAND` in the dictionary but
/// AccountView numbers pages itself on API posts (DL and the fixture send none), so it is not enforced.
const DJ_PAGE: &[Spec] = &[
    ("DJ_CODE", C, Some(3), KEY, true, REJ),
    ("PAGE_NR", C, Some(10), KEY, false, REJ),
    ("HDR_DESC", C, Some(40), ANY, true, CUT),
    ("INV_NR", C, Some(12), KEY, false, REJ),
    ("SUB_NR", C, Some(10), KEY, false, REJ),
    ("CUR_CODE", C, Some(3), UP, false, REJ),
    ("DISC_CODE", C, Some(2), KEY, false, REJ),
    ("EXT_DESC", C, Some(40), ANY, false, CUT),
    ("GROSS_FLG", L, None, ANY, false, REJ),
    ("COMMENT1", M, None, ANY, false, REJ),
];

/// `DJ_LINE` (DJ2). Source: GO-AV `fields/dj_line.json`. The dictionary also marks `REC_ID`, `SRC_ID`,
/// `SRC_TYPE`, `TRN_DATE`, `PAGE_NR`, `DJ_CODE` mandatory, but public posts omit them (AccountView
/// fills them from the page), so they are not enforced.
const DJ_LINE: &[Spec] = &[
    ("ACCT_NR", C, Some(10), KEY, true, REJ),
    ("VAT_CODE", C, Some(2), KEY, false, REJ),
    ("TRN_DESC", C, Some(40), ANY, false, CUT),
    ("AMOUNT", Y, None, ANY, false, REJ),
    ("VAT_AMT", Y, None, ANY, false, REJ),
    ("BASE_AMT", Y, None, ANY, false, REJ),
    ("TRN_QTY", N, None, ANY, false, REJ),
];

const BUILTIN: &[(&str, &[Spec])] = &[
    ("CONTACT", CONTACT),
    ("DEL_ADDR", DEL_ADDR),
    ("ARTICLE", ARTICLE),
    ("ART_GRP", ART_GRP),
    ("SO_HDR", SO_HDR),
    ("SO_LINE", SO_LINE),
    ("DJ_PAGE", DJ_PAGE),
    ("DJ_LINE", DJ_LINE),
];

fn key(table: &str, field: &str) -> (String, String) {
    (
        table.trim().to_ascii_uppercase(),
        field.trim().to_ascii_uppercase(),
    )
}

impl FieldFacts {
    /// An empty table (no validation at all).
    pub fn empty() -> Self {
        Self::default()
    }

    /// The built-in facts from the reference.
    pub fn builtin() -> Self {
        let mut facts = Self::empty();
        for (table, specs) in BUILTIN {
            for &(field, field_type, max_len, case, mandatory, overflow) in *specs {
                facts.insert(FieldFact {
                    table: (*table).to_owned(),
                    field: field.to_owned(),
                    field_type,
                    max_len,
                    case,
                    mandatory,
                    overflow,
                });
            }
        }
        facts
    }

    /// Adds or replaces one fact.
    pub fn insert(&mut self, fact: FieldFact) {
        self.facts.insert(key(&fact.table, &fact.field), fact);
    }

    /// The fact for `table.field` (case-insensitive).
    pub fn get(&self, table: &str, field: &str) -> Option<&FieldFact> {
        self.facts.get(&key(table, field))
    }

    /// Number of facts.
    pub fn len(&self) -> usize {
        self.facts.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    /// Merges an installation's field dictionary (`DCT_FLD` rows, see
    /// [`crate::AccountViewClient::field_dictionary`]).
    ///
    /// For a column already known, the dictionary's type and length win and a `!` format adds an
    /// uppercase rule, while the built-in mandatory flag and policies stay (the dictionary's `INP_MAND`
    /// also marks columns AccountView fills itself on API writes). A new column takes the dictionary's
    /// `INP_MAND`, [`OverflowPolicy::Reject`] (no silent data loss) and, for `!`, [`CaseRule::ToUppercase`].
    /// Use [`FieldFacts::insert`] to override any of this.
    pub fn extend_from_dictionary(&mut self, entries: &[FieldDictionaryEntry]) {
        for e in entries {
            let Some(field_type) = e.field_type else {
                continue;
            };
            let max_len = if field_type == FieldType::C {
                e.length
            } else {
                None
            };
            let uppercase = e.format.as_deref().is_some_and(|f| f.contains('!'));
            match self.facts.get_mut(&key(&e.table, &e.field)) {
                Some(fact) => {
                    fact.field_type = field_type;
                    fact.max_len = max_len;
                    if uppercase && fact.case == CaseRule::Any {
                        fact.case = CaseRule::ToUppercase;
                    }
                }
                None => self.insert(FieldFact {
                    table: e.table.trim().to_ascii_uppercase(),
                    field: e.field.trim().to_ascii_uppercase(),
                    field_type,
                    max_len,
                    case: if uppercase {
                        CaseRule::ToUppercase
                    } else {
                        CaseRule::Any
                    },
                    mandatory: e.mandatory,
                    overflow: OverflowPolicy::Reject,
                }),
            }
        }
    }

    /// Checks (and where the policy says so, fixes) a write in place.
    pub fn apply(&self, request: &mut WriteRequest, mode: WriteMode) -> Result<()> {
        for table in request.tables_mut() {
            if table.rows.is_empty() {
                continue;
            }
            if mode == WriteMode::Create {
                for fact in self
                    .facts
                    .values()
                    .filter(|f| f.mandatory && f.table.eq_ignore_ascii_case(&table.name))
                {
                    let Some(idx) = table.field_index(&fact.field) else {
                        return Err(Error::validation(
                            &table.name,
                            &fact.field,
                            ValidationProblem::Missing,
                        ));
                    };
                    if table
                        .rows
                        .iter()
                        .any(|r| r.values.get(idx).is_none_or(WriteValue::is_blank))
                    {
                        return Err(Error::validation(
                            &table.name,
                            &fact.field,
                            ValidationProblem::Missing,
                        ));
                    }
                }
            }
            for (idx, def) in table.fields.iter().enumerate() {
                let Some(fact) = self.get(&table.name, &def.name) else {
                    continue;
                };
                for row in &mut table.rows {
                    if let Some(WriteValue::Text(text)) = row.values.get_mut(idx) {
                        check_text(fact, &table.name, text)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Applies one fact's case and length rules to a text value.
fn check_text(fact: &FieldFact, table: &str, text: &mut String) -> Result<()> {
    match fact.case {
        CaseRule::Any => {}
        CaseRule::RejectLowercase => {
            if text.chars().any(char::is_lowercase) {
                return Err(Error::validation(
                    table,
                    &fact.field,
                    ValidationProblem::NotUppercase {
                        value: text.clone(),
                    },
                ));
            }
        }
        CaseRule::ToUppercase => {
            if text.chars().any(char::is_lowercase) {
                *text = text.to_uppercase();
            }
        }
    }
    if let Some(max) = fact.max_len {
        let length = text.chars().count();
        if length > max {
            match fact.overflow {
                OverflowPolicy::Reject => {
                    return Err(Error::validation(
                        table,
                        &fact.field,
                        ValidationProblem::TooLong { length, max },
                    ));
                }
                OverflowPolicy::Truncate => {
                    tracing::warn!(table, field = %fact.field, length, max, "value too long for AccountView column, truncated");
                    *text = text.chars().take(max).collect();
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::{FieldDef, TableWrite};

    fn contact(cols: Vec<(&str, &str)>) -> WriteRequest {
        WriteRequest::new(
            "AR1",
            TableWrite::from_columns(
                "CONTACT",
                vec![(
                    0,
                    cols.into_iter()
                        .map(|(k, v)| (FieldDef::new(k, FieldType::C), WriteValue::from(v)))
                        .collect(),
                )],
            ),
        )
    }

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("SUB_NR", "10025"),
            ("ACCT_NR", "1300"),
            ("SRC_CODE", "pietersen"),
            ("ACCT_NAME", "P. Pietersen"),
        ]
    }

    #[test]
    fn accepts_valid_and_uppercases_formatted_values() {
        let mut cols = base();
        cols.push(("POST_CODE", "9711 aa"));
        let mut req = contact(cols);
        FieldFacts::builtin()
            .apply(&mut req, WriteMode::Create)
            .unwrap();
        let values = &req.header.rows[0].values;
        assert_eq!(values[2], WriteValue::from("PIETERSEN"));
        assert_eq!(values[4], WriteValue::from("9711 AA"));
    }

    #[test]
    fn rejects_lowercase_key() {
        let mut cols = base();
        cols[0] = ("SUB_NR", "abc1");
        let err = FieldFacts::builtin()
            .apply(&mut contact(cols), WriteMode::Create)
            .unwrap_err();
        assert!(
            matches!(err, Error::Validation { ref field, problem: ValidationProblem::NotUppercase { .. }, .. } if field == "SUB_NR")
        );
    }

    #[test]
    fn rejects_long_name_and_truncates_free_text() {
        let long_name = "N".repeat(41);
        let mut cols = base();
        cols[3] = ("ACCT_NAME", &long_name);
        let err = FieldFacts::builtin()
            .apply(&mut contact(cols), WriteMode::Create)
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Validation {
                problem: ValidationProblem::TooLong {
                    length: 41,
                    max: 40
                },
                ..
            }
        ));

        let street = "é".repeat(90);
        let mut cols = base();
        cols.push(("ADDRESS1", &street));
        let mut req = contact(cols);
        FieldFacts::builtin()
            .apply(&mut req, WriteMode::Create)
            .unwrap();
        assert_eq!(
            req.header.rows[0].values[4],
            WriteValue::from("é".repeat(80))
        );
    }

    #[test]
    fn mandatory_only_on_create() {
        let mut req = contact(vec![("SUB_NR", "10025"), ("ACCT_NAME", "X")]);
        let err = FieldFacts::builtin()
            .apply(&mut req.clone(), WriteMode::Create)
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Validation {
                problem: ValidationProblem::Missing,
                ..
            }
        ));
        FieldFacts::builtin()
            .apply(&mut req, WriteMode::Update)
            .unwrap();

        let mut cols = base();
        cols[3] = ("ACCT_NAME", "  ");
        let err = FieldFacts::builtin()
            .apply(&mut contact(cols), WriteMode::Create)
            .unwrap_err();
        assert!(
            matches!(err, Error::Validation { ref field, problem: ValidationProblem::Missing, .. } if field == "ACCT_NAME")
        );
    }

    #[test]
    fn dictionary_extends_and_overrides() {
        let mut facts = FieldFacts::builtin();
        let entry = |field: &str, len: usize, fmt: &str, mand: bool| FieldDictionaryEntry {
            table: "CONTACT ".into(),
            field: field.into(),
            description: None,
            length: Some(len),
            field_type: Some(FieldType::C),
            mandatory: mand,
            format: Some(fmt.into()),
            row: Default::default(),
        };
        facts.extend_from_dictionary(&[
            entry("ACCT_NAME", 50, "", true),
            entry("K1_WEBSHOP", 1, "!", false),
        ]);
        let name = facts.get("CONTACT", "ACCT_NAME").unwrap();
        assert_eq!(name.max_len, Some(50));
        assert_eq!(name.overflow, OverflowPolicy::Reject);
        let custom = facts.get("contact", "k1_webshop").unwrap();
        assert_eq!(custom.case, CaseRule::ToUppercase);
        assert_eq!(custom.max_len, Some(1));
        let mut cols = base();
        let long_name = "N".repeat(45);
        cols[3] = ("ACCT_NAME", &long_name);
        facts.apply(&mut contact(cols), WriteMode::Create).unwrap();
    }

    #[test]
    fn builtin_covers_the_eight_tables() {
        let facts = FieldFacts::builtin();
        for t in [
            "CONTACT", "DEL_ADDR", "ARTICLE", "ART_GRP", "SO_HDR", "SO_LINE", "DJ_PAGE", "DJ_LINE",
        ] {
            assert!(facts.facts.values().any(|f| f.table == t), "{t}");
        }
        assert!(FieldFacts::empty().is_empty());
    }
}
