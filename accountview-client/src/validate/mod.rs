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

use std::collections::{HashMap, HashSet};

use crate::discovery::FieldDictionaryEntry;
use crate::error::{Error, Result, ValidationProblem};
use crate::write::{FieldType, TableWrite, WriteRequest, WriteValue};

mod builtin;

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
    /// Columns the administration does not have: left out of every write.
    omitted: HashSet<(String, String)>,
}

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
        for (table, specs) in builtin::BUILTIN {
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

    /// Marks `table.field` as a column the administration does not have: [`FieldFacts::apply`]
    /// leaves it out of every write (with its values), so an optional column the field dictionary
    /// lacks is dropped instead of failing the write.
    pub fn omit(&mut self, table: &str, field: &str) {
        self.omitted.insert(key(table, field));
    }

    /// Whether `table.field` is left out of writes (see [`FieldFacts::omit`]).
    pub fn is_omitted(&self, table: &str, field: &str) -> bool {
        self.omitted.contains(&key(table, field))
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
            // An entry that does not name its column says nothing about any column.
            let (Some(table), Some(field), Some(field_type)) =
                (e.table.as_deref(), e.field.as_deref(), e.field_type)
            else {
                continue;
            };
            let max_len = if field_type == FieldType::C {
                e.length
            } else {
                None
            };
            let uppercase = e.format.as_deref().is_some_and(|f| f.contains('!'));
            match self.facts.get_mut(&key(table, field)) {
                Some(fact) => {
                    fact.field_type = field_type;
                    fact.max_len = max_len;
                    if uppercase && fact.case == CaseRule::Any {
                        fact.case = CaseRule::ToUppercase;
                    }
                }
                None => self.insert(FieldFact {
                    table: table.trim().to_ascii_uppercase(),
                    field: field.trim().to_ascii_uppercase(),
                    field_type,
                    max_len,
                    case: if uppercase {
                        CaseRule::ToUppercase
                    } else {
                        CaseRule::Any
                    },
                    // Only a column the dictionary states is mandatory is treated as such.
                    mandatory: e.mandatory == Some(true),
                    overflow: OverflowPolicy::Reject,
                }),
            }
        }
    }

    /// Checks (and where the policy says so, fixes) a write in place. Omitted columns (see
    /// [`FieldFacts::omit`]) are removed first.
    pub fn apply(&self, request: &mut WriteRequest, mode: WriteMode) -> Result<()> {
        for table in request.tables_mut() {
            self.remove_omitted(table);
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

impl FieldFacts {
    /// Removes the omitted columns of `table` (declaration and values).
    fn remove_omitted(&self, table: &mut TableWrite) {
        if self.omitted.is_empty() {
            return;
        }
        while let Some(idx) = table
            .fields
            .iter()
            .position(|f| self.is_omitted(&table.name, &f.name))
        {
            let field = table.fields.remove(idx);
            for row in &mut table.rows {
                if idx < row.values.len() {
                    row.values.remove(idx);
                }
            }
            tracing::debug!(table = %table.name, field = %field.name, "column the administration lacks left out of the write");
        }
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
    fn omitted_columns_are_left_out_of_writes() {
        let mut cols = base();
        cols.push(("TEL_MOB", "0612345678"));
        cols.push(("CITY", "Groningen"));
        let mut req = contact(cols);
        let mut facts = FieldFacts::builtin();
        facts.omit("contact", "tel_mob");
        assert!(facts.is_omitted("CONTACT", "TEL_MOB"));
        facts.apply(&mut req, WriteMode::Create).unwrap();
        let names: Vec<&str> = req.header.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["SUB_NR", "ACCT_NR", "SRC_CODE", "ACCT_NAME", "CITY"]
        );
        assert_eq!(req.header.rows[0].values.len(), 5);
        assert_eq!(req.header.rows[0].values[4], WriteValue::from("Groningen"));
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
            table: Some("CONTACT ".into()),
            field: Some(field.into()),
            description: None,
            length: Some(len),
            field_type: Some(FieldType::C),
            mandatory: Some(mand),
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
