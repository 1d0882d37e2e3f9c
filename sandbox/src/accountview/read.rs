//! `GET /accountviewdata` (and the system data): numbered filters, field selection, sorting and
//! paging over rows, answered keyed by table name.
//!
//! Operators (case-insensitive): `Equal`, `NotEqual`, `Contains`, `StartsWith`, `GreaterThan`,
//! `GreaterThanOrEqual`, `LessThan`, `LessThanOrEqual`, `DateOnOrAfterDate`, `DateOnOrBeforeDate`,
//! `DateAfterDate`, `DateBeforeDate`, and the numeric codes `42` (≥) and `43` (≤) seen in old
//! code. Value types `C` (text, trailing blanks ignored, case-sensitive like FoxPro), `N`, `D`,
//! `T` (FoxPro literals `{^2024-05-01}` / `{^2024-05-01 13:45:00}` or ISO) and `L`. Text
//! `Equal`/`NotEqual` compare as FoxPro with `SET EXACT OFF` unless exact comparison is configured:
//! a non-empty value matches every text that starts with it (`1001` matches `10010`); an empty
//! value matches only empty text (a sandbox assumption).
//! `FilterIsListOfValues{n}=true` makes `FilterValue{n}` a comma list (any of / none of).
//! `PageSize` defaults to 100 and is capped at 1000; `PageNumber` is 1-based.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

use super::db::{AvError, Row, codes};
use super::dictionary;
use super::layout::AvLayout;
use crate::clock::parse_av_datetime;
use crate::money::{dec, parse};

/// Default and largest page size.
pub(crate) const DEFAULT_PAGE_SIZE: usize = 100;
pub(crate) const MAX_PAGE_SIZE: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal,
    NotEqual,
    Contains,
    StartsWith,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

impl Op {
    fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "equal" | "equals" => Op::Equal,
            "notequal" => Op::NotEqual,
            "contains" => Op::Contains,
            "startswith" => Op::StartsWith,
            "greaterthan" | "dateafterdate" => Op::Greater,
            "greaterthanorequal" | "dateonorafterdate" | "42" => Op::GreaterOrEqual,
            "lessthan" | "datebeforedate" => Op::Less,
            "lessthanorequal" | "dateonorbeforedate" | "43" => Op::LessOrEqual,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
struct Filter {
    field: String,
    op: Op,
    ty: char,
    values: Vec<String>,
}

/// A parsed read.
#[derive(Debug, Clone)]
pub(crate) struct ReadQuery {
    pub(crate) business_object: Option<String>,
    fields: Option<Vec<(Option<String>, String)>>,
    filters: Vec<Filter>,
    match_any: bool,
    sort: Vec<String>,
    descending: bool,
    page_size: usize,
    page: usize,
    /// Text filters compare exactly (else as FoxPro's `SET EXACT OFF`: by prefix).
    exact: bool,
}

fn bad(message: impl Into<String>) -> AvError {
    AvError::request(codes::MALFORMED, message)
}

fn field_name(raw: &str) -> (Option<String>, String) {
    let raw = raw.trim();
    match raw.split_once('.') {
        Some((t, f)) => (Some(t.to_ascii_uppercase()), f.to_ascii_uppercase()),
        None => (None, raw.to_ascii_uppercase()),
    }
}

impl ReadQuery {
    /// Parses the query string; parameter names are case-insensitive.
    pub(crate) fn parse(query: &str) -> Result<Self, AvError> {
        let params: BTreeMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
            .collect();
        let get = |k: &str| params.get(k).map(String::as_str);
        let truthy = |k: &str| get(k).is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
        let fields = get("fields")
            .filter(|f| !f.trim().is_empty() && f.trim() != "*")
            .map(|f| {
                f.split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(field_name)
                    .collect::<Vec<_>>()
            });
        let mut filters = Vec::new();
        for n in 1..=50 {
            let Some(source) = get(&format!("filtercontrolsource{n}")) else {
                continue;
            };
            let op_raw = get(&format!("filteroperator{n}")).unwrap_or("Equal");
            let op = Op::parse(op_raw)
                .ok_or_else(|| bad(format!("Onbekende filteroperator '{op_raw}'.")))?;
            let ty = get(&format!("filtervaluetype{n}"))
                .and_then(|t| t.trim().chars().next())
                .map(|c| c.to_ascii_uppercase())
                .unwrap_or('C');
            if !matches!(ty, 'C' | 'N' | 'D' | 'T' | 'L') {
                return Err(bad(format!("Onbekend filterwaardetype '{ty}'.")));
            }
            let value = get(&format!("filtervalue{n}")).unwrap_or_default();
            let values = if truthy(&format!("filterislistofvalues{n}")) {
                value.split(',').map(|s| s.trim().to_owned()).collect()
            } else {
                vec![value.to_owned()]
            };
            filters.push(Filter {
                field: field_name(source).1,
                op,
                ty,
                values,
            });
        }
        let page_size = match get("pagesize") {
            Some(s) => s
                .trim()
                .parse::<usize>()
                .map_err(|_| bad("Ongeldige PageSize."))?
                .clamp(1, MAX_PAGE_SIZE),
            None => DEFAULT_PAGE_SIZE,
        };
        let page = match get("pagenumber") {
            Some(s) => s
                .trim()
                .parse::<usize>()
                .map_err(|_| bad("Ongeldig PageNumber."))?
                .max(1),
            None => 1,
        };
        if let Some(bd) = get("bookdate")
            && !bd.trim().is_empty()
            && parse_av_datetime(bd).is_none()
        {
            return Err(bad("Ongeldige BookDate."));
        }
        Ok(Self {
            business_object: get("businessobject").map(|s| s.trim().to_ascii_uppercase()),
            fields,
            filters,
            match_any: truthy("matchanyfilter"),
            sort: get("sortfields")
                .map(|s| {
                    s.split(',')
                        .filter(|x| !x.trim().is_empty())
                        .map(|x| field_name(x).1)
                        .collect()
                })
                .unwrap_or_default(),
            descending: get("sortorder")
                .is_some_and(|s| s.to_ascii_lowercase().starts_with("desc")),
            page_size,
            page,
            exact: false,
        })
    }

    /// Every `(table, column)` the read names in `Fields`, filters and sorts, as sent (a bare name
    /// counted on `main`).
    pub(crate) fn named_columns(&self, main: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .filters
            .iter()
            .map(|f| &f.field)
            .chain(self.sort.iter())
            .map(|c| (main.to_owned(), c.clone()))
            .collect();
        for (table, column) in self.fields.iter().flatten() {
            out.push((
                table.clone().unwrap_or_else(|| main.to_owned()),
                column.clone(),
            ));
        }
        out
    }

    /// Compares text filters exactly (`true`) or by prefix, as FoxPro's `SET EXACT OFF` (`false`).
    pub(crate) fn exact_text(mut self, exact: bool) -> Self {
        self.exact = exact;
        self
    }

    /// Takes the filter, sort and `Fields` names of a read of business object tables `main` (+
    /// `child`) in the administration's names and turns them into standard ones. A name the
    /// administration does not have, or a `Fields` entry no table of the business object has, is
    /// AccountView's unknown-column error.
    pub(crate) fn translate_to_standard(
        &mut self,
        layout: &AvLayout,
        main: &str,
        child: Option<&str>,
    ) -> Result<(), AvError> {
        let unknown = |name: &str, table: &str| {
            AvError::request(
                codes::UNKNOWN_FIELD,
                format!("Veld {name} bestaat niet in tabel {table}."),
            )
        };
        let known = |table: &str, name: &str| {
            name == "EXT_KEY"
                || name.eq_ignore_ascii_case(&format!("{table}_Id"))
                || dictionary::table(table).is_some_and(|t| t.field(name).is_some())
        };
        for name in self
            .filters
            .iter_mut()
            .map(|f| &mut f.field)
            .chain(self.sort.iter_mut())
        {
            *name = layout
                .standard_name(main, name)
                .ok_or_else(|| unknown(name, main))?;
        }
        if let Some(fields) = &mut self.fields {
            for (table, name) in fields.iter_mut() {
                let tables: Vec<&str> = match table.as_deref() {
                    Some(t) if t.eq_ignore_ascii_case(main) => vec![main],
                    Some(t) if child.is_some_and(|c| t.eq_ignore_ascii_case(c)) => {
                        child.into_iter().collect()
                    }
                    Some(t) => return Err(unknown(name, t)),
                    None => std::iter::once(main).chain(child).collect(),
                };
                let standard = tables.iter().find_map(|t| {
                    layout
                        .standard_name(t, name)
                        .filter(|s| known(t, &s.to_ascii_uppercase()))
                });
                *name = standard.ok_or_else(|| unknown(name, tables.first().unwrap_or(&main)))?;
            }
        }
        Ok(())
    }

    pub(crate) fn has_filters(&self) -> bool {
        !self.filters.is_empty()
    }

    /// Checks that filter and sort fields exist in the table.
    pub(crate) fn check_fields(&self, table: &str, columns: &[&str]) -> Result<(), AvError> {
        for name in self
            .filters
            .iter()
            .map(|f| &f.field)
            .chain(self.sort.iter())
        {
            if !columns.iter().any(|c| c.eq_ignore_ascii_case(name)) && name != "EXT_KEY" {
                return Err(AvError::request(
                    codes::UNKNOWN_FIELD,
                    format!("Veld {name} bestaat niet in tabel {table}."),
                ));
            }
        }
        Ok(())
    }

    fn row_matches(&self, row: &Row) -> bool {
        if self.filters.is_empty() {
            return true;
        }
        let mut results = self
            .filters
            .iter()
            .map(|f| filter_matches(f, row, self.exact));
        if self.match_any {
            results.any(|r| r)
        } else {
            results.all(|r| r)
        }
    }

    /// Filters, sorts and pages rows; returns the page.
    pub(crate) fn select<'a>(&self, rows: &'a [Row]) -> Vec<&'a Row> {
        let mut hits: Vec<&Row> = rows.iter().filter(|r| self.row_matches(r)).collect();
        if !self.sort.is_empty() {
            hits.sort_by(|a, b| {
                let ord = self
                    .sort
                    .iter()
                    .map(|k| compare_values(a.get(k), b.get(k)))
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal);
                if self.descending { ord.reverse() } else { ord }
            });
        }
        hits.into_iter()
            .skip((self.page - 1).saturating_mul(self.page_size))
            .take(self.page_size)
            .collect()
    }

    /// A row in the answer: selected columns (all for `*`), plus `EXT_KEY` and `<TABLE>_Id`.
    pub(crate) fn project(&self, table: &str, row: &Row, index: usize) -> Value {
        let mut out = Map::new();
        for (k, v) in row {
            if k == "EXT_KEY" {
                continue;
            }
            let keep = match &self.fields {
                None => true,
                Some(fields) => fields
                    .iter()
                    .any(|(t, f)| f == k && t.as_deref().is_none_or(|t| t == table)),
            };
            if keep {
                out.insert(k.clone(), v.clone());
            }
        }
        out.insert(
            "EXT_KEY".into(),
            row.get("EXT_KEY").cloned().unwrap_or(json!(0)),
        );
        out.insert(format!("{table}_Id"), json!(index));
        Value::Object(out)
    }
}

fn compare_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a.and_then(dec), b.and_then(dec)) {
        (Some(x), Some(y)) if !matches!(a, Some(Value::String(_))) => x.cmp(&y),
        _ => {
            let s = |v: Option<&Value>| {
                v.map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string())
                })
                .unwrap_or_default()
            };
            s(a).cmp(&s(b))
        }
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim_end().to_owned(),
        Value::Bool(b) => if *b { "T" } else { "F" }.to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn cmp_op<T: PartialOrd>(op: Op, a: &T, b: &T) -> bool {
    match op {
        Op::Equal => a == b,
        Op::NotEqual => a != b,
        Op::Greater => a > b,
        Op::GreaterOrEqual => a >= b,
        Op::Less => a < b,
        Op::LessOrEqual => a <= b,
        Op::Contains | Op::StartsWith => false,
    }
}

fn bool_of(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | ".t." | "1" | "y" | "j" => Some(true),
        "false" | "f" | ".f." | "0" | "n" => Some(false),
        _ => None,
    }
}

fn one_matches(f: &Filter, cell: &Value, want: &str, exact: bool) -> bool {
    match f.ty {
        'N' => match (dec(cell), parse(want.trim())) {
            (Some(a), Some(b)) => cmp_op(f.op, &a, &b),
            _ => false,
        },
        'L' => {
            let a = cell.as_bool().or_else(|| cell.as_str().and_then(bool_of));
            match (a, bool_of(want)) {
                (Some(a), Some(b)) => cmp_op(f.op, &a, &b),
                _ => false,
            }
        }
        'D' | 'T' => {
            let a = cell.as_str().and_then(parse_av_datetime);
            let b = parse_av_datetime(want);
            match (a, b) {
                (Some(a), Some(b)) if f.ty == 'D' => cmp_op(f.op, &a.date(), &b.date()),
                (Some(a), Some(b)) => cmp_op::<NaiveDateTime>(f.op, &a, &b),
                (None, _) => f.op == Op::NotEqual,
                _ => false,
            }
        }
        _ => {
            let a = text_of(cell);
            let b = want.trim_end();
            match f.op {
                Op::Contains => a.contains(b),
                Op::StartsWith => a.starts_with(b),
                // FoxPro `SET EXACT OFF`: compared up to the length of the value asked for.
                Op::Equal if !exact && !b.is_empty() => a.starts_with(b),
                op => cmp_op(op, &a.as_str(), &b),
            }
        }
    }
}

fn filter_matches(f: &Filter, row: &Row, exact: bool) -> bool {
    let cell = row.get(&f.field).cloned().unwrap_or(Value::Null);
    if f.op == Op::NotEqual {
        f.values.iter().all(|v| {
            let eq = Filter {
                op: Op::Equal,
                ..f.clone()
            };
            !one_matches(&eq, &cell, v, exact)
        })
    } else {
        f.values.iter().any(|v| one_matches(f, &cell, v, exact))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        [
            json!({"ART_CODE": "FB-1001", "QTY_TECH": 42, "CNG_DATE": "2024-05-01T16:40:12", "K1_WEBSHOP": true, "EXT_KEY": 1}),
            json!({"ART_CODE": "BND-2654", "QTY_TECH": 6, "CNG_DATE": "2024-05-02T07:55:00", "K1_WEBSHOP": false, "EXT_KEY": 2}),
            json!({"ART_CODE": "FB-1002", "QTY_TECH": 0, "CNG_DATE": "", "K1_WEBSHOP": true, "EXT_KEY": 3}),
        ]
        .into_iter()
        .map(|v| v.as_object().cloned().unwrap_or_default())
        .collect()
    }

    fn codes(q: &str) -> Vec<String> {
        let rows = rows();
        let query = ReadQuery::parse(q).unwrap();
        query
            .select(&rows)
            .iter()
            .map(|r| r["ART_CODE"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn numbered_filters_types_and_lists() {
        assert_eq!(
            codes(
                "filtercontrolsource1=ART_CODE&filteroperator1=Contains&filtervaluetype1=C&filtervalue1=FB"
            ),
            ["FB-1001", "FB-1002"]
        );
        assert_eq!(
            codes(
                "FilterControlSource1=CNG_DATE&FilterOperator1=DateOnOrAfterDate&FilterValueType1=T&FilterValue1={^2024-05-01 16:40:12}"
            ),
            ["FB-1001", "BND-2654"]
        );
        assert_eq!(
            codes(
                "FilterControlSource1=CNG_DATE&FilterOperator1=DateOnOrAfterDate&FilterValueType1=D&FilterValue1={^2024-05-02}"
            ),
            ["BND-2654"]
        );
        assert_eq!(
            codes(
                "FilterControlSource1=QTY_TECH&FilterOperator1=GreaterThan&FilterValueType1=N&FilterValue1=5"
            ),
            ["FB-1001", "BND-2654"]
        );
        assert_eq!(
            codes(
                "FilterControlSource1=ART_CODE&FilterOperator1=Equal&FilterValue1=FB-1002,BND-2654&FilterIsListOfValues1=true"
            ),
            ["BND-2654", "FB-1002"]
        );
        assert_eq!(
            codes(
                "FilterControlSource1=ART_CODE&FilterOperator1=NotEqual&FilterValue1=FB-1002,BND-2654&FilterIsListOfValues1=true"
            ),
            ["FB-1001"]
        );
        assert_eq!(
            codes(
                "FilterControlSource1=K1_WEBSHOP&FilterValueType1=L&FilterValue1=true&FilterControlSource2=QTY_TECH&FilterValueType2=N&FilterOperator2=Equal&FilterValue2=6&matchAnyFilter=true"
            ),
            ["FB-1001", "BND-2654", "FB-1002"]
        );
        assert_eq!(
            codes("SortFields=QTY_TECH&SortOrder=Descending&PageSize=2&PageNumber=1"),
            ["FB-1001", "BND-2654"]
        );
        assert_eq!(
            codes("SortFields=QTY_TECH&PageSize=2&PageNumber=2"),
            ["FB-1001"]
        );
        assert!(ReadQuery::parse("FilterControlSource1=X&FilterOperator1=Like").is_err());
    }

    #[test]
    fn projection_keeps_selected_columns_and_row_ids() {
        let rows = rows();
        let q = ReadQuery::parse("Fields=article.art_code").unwrap();
        let v = q.project("ARTICLE", &rows[0], 0);
        assert_eq!(
            v,
            json!({"ART_CODE": "FB-1001", "EXT_KEY": 1, "ARTICLE_Id": 0})
        );
    }
}
