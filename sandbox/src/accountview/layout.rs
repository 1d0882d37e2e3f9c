//! [`AvLayout`]: how one simulated administration's columns differ from the standard dictionary.
//!
//! Real installations differ: a column has another name (the EAN in `EAN_CODE` instead of
//! `BAR_CODE`), a column the standard dictionary has is not there at all (no blocked flag on
//! articles), a business object is missing (no `PC1` payment conditions). The simulator keeps its
//! data in the standard column names internally and translates at its HTTP boundary: reads, filters,
//! sorts and write definitions are taken in the administration's names, answers are given in them,
//! and its field dictionary (`fld`, `/accountviewfields`, `dbf`) tells the truth about them. A
//! column that is not in the administration is an unknown column in every request that names it
//! (`Veld … bestaat niet in tabel …`).

use serde_json::{Map, Value};

/// How an administration's columns and business objects differ from the standard dictionary
/// (default: not at all). Table and column names are compared case-insensitively.
///
/// ```
/// let layout = sandbox::AvLayout::standard()
///     .rename("ARTICLE", "BAR_CODE", "EAN_CODE")
///     .drop_column("ARTICLE", "REC_BLK")
///     .without_payment_conditions();
/// let cfg = sandbox::SandboxConfig::default().av_layout(layout);
/// # let _ = cfg;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AvLayout {
    /// `(table, standard name, this administration's name)`, upper case.
    renames: Vec<(String, String, String)>,
    /// `(table, standard name)` of columns this administration does not have, upper case.
    dropped: Vec<(String, String)>,
    /// Whether the `PC1` business object (and its `PAY_COND` table) is missing.
    no_payment_conditions: bool,
}

fn upper(s: &str) -> String {
    s.trim().to_ascii_uppercase()
}

impl AvLayout {
    /// The standard dictionary, unchanged.
    pub fn standard() -> Self {
        Self::default()
    }

    /// The variant administration of the "first hour" tests: the EAN in `ARTICLE.EAN_CODE`, sales
    /// reservations in `ARTICLE.QTY_RESERV`; no blocked flag and no VAT code on articles; no
    /// discount amount, VAT code or revenue account on sales-order lines; no mobile phone or
    /// language on debtors; no payment-condition business object (`PC1`).
    pub fn variant() -> Self {
        Self::standard()
            .rename("ARTICLE", "BAR_CODE", "EAN_CODE")
            .rename("ARTICLE", "QTY_RES_SO", "QTY_RESERV")
            .drop_column("ARTICLE", "REC_BLK")
            .drop_column("ARTICLE", "VAT_CODE")
            .drop_column("SO_LINE", "DISC_AMT")
            .drop_column("SO_LINE", "VAT_CODE")
            .drop_column("SO_LINE", "ACCT_NR")
            .drop_column("CONTACT", "TEL_MOB")
            .drop_column("CONTACT", "LNG_CODE")
            .without_payment_conditions()
    }

    /// `table.standard` is called `name` in this administration (its description stays).
    pub fn rename(mut self, table: &str, standard: &str, name: &str) -> Self {
        self.renames
            .push((upper(table), upper(standard), upper(name)));
        self
    }

    /// `table.column` (a standard name) does not exist in this administration.
    pub fn drop_column(mut self, table: &str, column: &str) -> Self {
        self.dropped.push((upper(table), upper(column)));
        self
    }

    /// The administration has no payment-condition business object (`PC1` / `PAY_COND`).
    pub fn without_payment_conditions(mut self) -> Self {
        self.no_payment_conditions = true;
        self
    }

    /// Whether the administration offers business object `code`.
    pub(crate) fn has_business_object(&self, code: &str) -> bool {
        !(self.no_payment_conditions && code.eq_ignore_ascii_case("PC1"))
    }

    /// Whether the administration has table `table`.
    pub(crate) fn has_table(&self, table: &str) -> bool {
        !(self.no_payment_conditions && table.eq_ignore_ascii_case("PAY_COND"))
    }

    /// The administration's name of standard column `table.column`; `None` when it does not have
    /// it. Columns the standard dictionary does not know (`RowId`, `EXT_KEY`, `…_Id`) pass as they
    /// are.
    pub(crate) fn external(&self, table: &str, column: &str) -> Option<String> {
        let (t, c) = (upper(table), upper(column));
        if self.dropped.iter().any(|(dt, dc)| *dt == t && *dc == c) {
            return None;
        }
        Some(
            self.renames
                .iter()
                .find(|(rt, rs, _)| *rt == t && *rs == c)
                .map_or_else(|| column.trim().to_owned(), |(_, _, name)| name.clone()),
        )
    }

    /// The standard name of the administration's column `table.name`; `None` when the
    /// administration has no such column (a dropped column, or a standard name it calls otherwise).
    pub(crate) fn standard_name(&self, table: &str, name: &str) -> Option<String> {
        let (t, n) = (upper(table), upper(name));
        if let Some((_, standard, _)) = self.renames.iter().find(|(rt, _, rn)| *rt == t && *rn == n)
        {
            return Some(standard.clone());
        }
        if self.renames.iter().any(|(rt, rs, _)| *rt == t && *rs == n)
            || self.dropped.iter().any(|(dt, dc)| *dt == t && *dc == n)
        {
            return None;
        }
        Some(name.trim().to_owned())
    }

    /// Whether any column of `table` differs from the standard.
    fn touches(&self, table: &str) -> bool {
        let t = upper(table);
        self.renames.iter().any(|(rt, _, _)| *rt == t)
            || self.dropped.iter().any(|(dt, _)| *dt == t)
    }

    /// A row of `table` (standard names) as the administration shows it: renamed columns under
    /// their names, dropped ones left out.
    pub(crate) fn external_row(&self, table: &str, row: &Map<String, Value>) -> Map<String, Value> {
        if !self.touches(table) {
            return row.clone();
        }
        row.iter()
            .filter_map(|(k, v)| self.external(table, k).map(|name| (name, v.clone())))
            .collect()
    }

    /// A row in the administration's names as standard names; the first name it does not have is
    /// the error.
    pub(crate) fn standard_row(
        &self,
        table: &str,
        row: Map<String, Value>,
    ) -> Result<Map<String, Value>, String> {
        if !self.touches(table) {
            return Ok(row);
        }
        row.into_iter()
            .map(|(k, v)| self.standard_name(table, &k).map(|s| (s, v)).ok_or(k))
            .collect()
    }

    /// Renames the rows of every table in a read-shaped answer (`{"TABLE": [rows]}` or a single-row
    /// object) to the administration's names.
    pub(crate) fn external_answer(&self, answer: Value) -> Value {
        let Value::Object(tables) = answer else {
            return answer;
        };
        let out = tables
            .into_iter()
            .map(|(table, rows)| {
                let rows = match rows {
                    Value::Array(rows) => Value::Array(
                        rows.into_iter()
                            .map(|r| match r {
                                Value::Object(m) => Value::Object(self.external_row(&table, &m)),
                                other => other,
                            })
                            .collect(),
                    ),
                    Value::Object(m) => Value::Object(self.external_row(&table, &m)),
                    other => other,
                };
                (table, rows)
            })
            .collect();
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renames_and_drops_translate_both_ways() {
        let l = AvLayout::variant();
        assert_eq!(
            l.external("ARTICLE", "BAR_CODE").as_deref(),
            Some("EAN_CODE")
        );
        assert_eq!(l.external("article", "rec_blk"), None);
        assert_eq!(
            l.external("ARTICLE", "ART_CODE").as_deref(),
            Some("ART_CODE")
        );
        assert_eq!(
            l.standard_name("ARTICLE", "ean_code").as_deref(),
            Some("BAR_CODE")
        );
        assert_eq!(l.standard_name("ARTICLE", "BAR_CODE"), None, "renamed away");
        assert_eq!(l.standard_name("ARTICLE", "REC_BLK"), None, "dropped");
        assert_eq!(
            l.standard_name("CONTACT", "REC_BLK").as_deref(),
            Some("REC_BLK")
        );
        assert!(!l.has_business_object("pc1") && !l.has_table("PAY_COND"));
        let row = json!({"ART_CODE": "A", "BAR_CODE": "871", "REC_BLK": false});
        let out = l.external_row("ARTICLE", row.as_object().unwrap());
        assert_eq!(
            Value::Object(out),
            json!({"ART_CODE": "A", "EAN_CODE": "871"})
        );
        let back = l
            .standard_row(
                "ARTICLE",
                json!({"EAN_CODE": "1"}).as_object().cloned().unwrap(),
            )
            .unwrap();
        assert_eq!(Value::Object(back), json!({"BAR_CODE": "1"}));
        assert_eq!(
            l.standard_row(
                "ARTICLE",
                json!({"REC_BLK": true}).as_object().cloned().unwrap()
            ),
            Err("REC_BLK".to_owned())
        );
        assert_eq!(
            AvLayout::standard()
                .external("ARTICLE", "REC_BLK")
                .as_deref(),
            Some("REC_BLK")
        );
    }
}
