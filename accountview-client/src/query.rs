//! The query builder for `GET /accountviewdata` (and the system endpoint).
//!
//! ```
//! use accountview_client::{Filter, FilterOperator, FilterValue, Query, SortOrder};
//! use chrono::NaiveDate;
//!
//! let since = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! let q = Query::new("AK1")
//!     .fields(["ART_CODE", "ART_DESC1", "QTY_AVAIL"])
//!     .filter(Filter::new("CNG_DATE", FilterOperator::DateOnOrAfterDate, FilterValue::DateTime(since)))
//!     .sort(["ART_CODE"], SortOrder::Ascending)
//!     .page_size(200);
//! let params = q.to_params();
//! assert!(params.contains(&("FilterValue1".to_owned(), "{^2024-05-01 00:00:00}".to_owned())));
//! ```

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

/// Largest page size used in working public code; AccountView documents no maximum.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// Page size used when a query does not set one.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// A filter operator (`FilterOperator{n}`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FilterOperator {
    /// `Equal`.
    Equal,
    /// `NotEqual`.
    NotEqual,
    /// `Contains`.
    Contains,
    /// `DateOnOrAfterDate` (for incremental reads on `CNG_DATE`).
    DateOnOrAfterDate,
    /// Any other operator name or code, sent as is (the full list is not public).
    Other(String),
}

impl FilterOperator {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Equal => "Equal",
            Self::NotEqual => "NotEqual",
            Self::Contains => "Contains",
            Self::DateOnOrAfterDate => "DateOnOrAfterDate",
            Self::Other(s) => s,
        }
    }
}

/// A filter value; its variant decides `FilterValueType{n}` (`C`, `N`, `D`, `T`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FilterValue {
    /// Text (`C`).
    Text(String),
    /// Number (`N`).
    Number(Decimal),
    /// Date (`D`), sent as the FoxPro literal `{^2024-05-01}`.
    Date(NaiveDate),
    /// Date-time (`T`), sent as `{^2024-05-01 13:45:00}`.
    DateTime(NaiveDateTime),
}

impl FilterValue {
    /// The FoxPro type letter for `FilterValueType{n}`.
    pub fn type_code(&self) -> &'static str {
        match self {
            Self::Text(_) => "C",
            Self::Number(_) => "N",
            Self::Date(_) => "D",
            Self::DateTime(_) => "T",
        }
    }

    /// The wire text for `FilterValue{n}`.
    pub fn render(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Number(d) => d.normalize().to_string(),
            Self::Date(d) => format!("{{^{}}}", d.format("%Y-%m-%d")),
            Self::DateTime(dt) => format!("{{^{}}}", dt.format("%Y-%m-%d %H:%M:%S")),
        }
    }
}

impl From<&str> for FilterValue {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}
impl From<String> for FilterValue {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}
impl From<&String> for FilterValue {
    fn from(s: &String) -> Self {
        Self::Text(s.clone())
    }
}
impl From<Decimal> for FilterValue {
    fn from(d: Decimal) -> Self {
        Self::Number(d)
    }
}
impl From<i64> for FilterValue {
    fn from(i: i64) -> Self {
        Self::Number(Decimal::from(i))
    }
}
impl From<NaiveDate> for FilterValue {
    fn from(d: NaiveDate) -> Self {
        Self::Date(d)
    }
}
impl From<NaiveDateTime> for FilterValue {
    fn from(dt: NaiveDateTime) -> Self {
        Self::DateTime(dt)
    }
}

/// One numbered filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    field: String,
    operator: FilterOperator,
    values: Vec<FilterValue>,
    is_list: bool,
}

impl Filter {
    /// `field operator value`. `field` may be bare (`MAIL_BUS`) or table-qualified (`contact.mail_bus`).
    pub fn new(
        field: impl Into<String>,
        operator: FilterOperator,
        value: impl Into<FilterValue>,
    ) -> Self {
        Self {
            field: field.into(),
            operator,
            values: vec![value.into()],
            is_list: false,
        }
    }

    /// `field = value`.
    pub fn equal(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::new(field, FilterOperator::Equal, value)
    }

    /// `field <> value`.
    pub fn not_equal(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::new(field, FilterOperator::NotEqual, value)
    }

    /// `field` contains `value`.
    pub fn contains(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::new(field, FilterOperator::Contains, value)
    }

    /// `field` on or after `value` (a date or date-time).
    pub fn on_or_after(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::new(field, FilterOperator::DateOnOrAfterDate, value)
    }

    /// `field` equals any of `values` (`FilterIsListOfValues=true`, values comma-separated). The value
    /// type is taken from the first value. AccountView splits the list at its commas, so a value
    /// holding one (an e-mail address may) cannot be in a list: ask for it with one
    /// [`Filter::equal`] per value and [`Query::match_any`] instead. A list of one value is sent as
    /// that value (not as a list). Remember that text `Equal` matches prefixes (FoxPro's `SET EXACT
    /// OFF`): compare the rows read with the values asked for.
    pub fn any_of<V: Into<FilterValue>>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Self {
            field: field.into(),
            operator: FilterOperator::Equal,
            values: values.into_iter().map(Into::into).collect(),
            is_list: true,
        }
    }

    /// Uses another operator (e.g. `NotEqual` with a list).
    pub fn with_operator(mut self, operator: FilterOperator) -> Self {
        self.operator = operator;
        self
    }

    /// The filtered field.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The operator.
    pub fn operator(&self) -> &FilterOperator {
        &self.operator
    }

    /// The value(s).
    pub fn values(&self) -> &[FilterValue] {
        &self.values
    }

    fn push_params(&self, n: usize, out: &mut Vec<(String, String)>) {
        let value_type = self.values.first().map_or("C", FilterValue::type_code);
        let value = self
            .values
            .iter()
            .map(FilterValue::render)
            .collect::<Vec<_>>()
            .join(",");
        out.push((format!("FilterControlSource{n}"), self.field.clone()));
        out.push((
            format!("FilterOperator{n}"),
            self.operator.as_str().to_owned(),
        ));
        out.push((format!("FilterValueType{n}"), value_type.to_owned()));
        out.push((format!("FilterValue{n}"), value));
        // One value is that value, also when it holds a comma.
        let is_list = self.is_list && self.values.len() > 1;
        out.push((format!("FilterIsListOfValues{n}"), is_list.to_string()));
    }
}

/// Sort direction (`SortOrder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// `Ascending`.
    #[default]
    Ascending,
    /// `Descending`.
    Descending,
}

impl SortOrder {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ascending => "Ascending",
            Self::Descending => "Descending",
        }
    }
}

/// Which endpoint a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// `GET /accountviewdata` (business objects).
    Data,
    /// `GET /accountviewsystemdata` (`fld`, `dbf`, `ADL`).
    System,
}

impl Source {
    pub(crate) fn path(self) -> &'static str {
        match self {
            Self::Data => "accountviewdata",
            Self::System => "accountviewsystemdata",
        }
    }
}

/// A read of one business object: fields, numbered filters, sort, book date and paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub(crate) source: Source,
    business_object: String,
    fields: Vec<String>,
    filters: Vec<Filter>,
    match_any: bool,
    raw_filter: Option<String>,
    sort_fields: Vec<String>,
    sort_order: SortOrder,
    book_date: Option<NaiveDate>,
    page_size: u32,
    page_number: Option<u32>,
    table: Option<String>,
}

impl Query {
    /// A query of business object `code` (e.g. `AR1`, `AK1`).
    pub fn new(code: impl Into<String>) -> Self {
        Self {
            source: Source::Data,
            business_object: code.into(),
            fields: Vec::new(),
            filters: Vec::new(),
            match_any: false,
            raw_filter: None,
            sort_fields: Vec::new(),
            sort_order: SortOrder::Ascending,
            book_date: None,
            page_size: DEFAULT_PAGE_SIZE,
            page_number: None,
            table: None,
        }
    }

    /// A query of a system table (`fld` field dictionary, `dbf` table dictionary, `ADL` administrations)
    /// on `/accountviewsystemdata`.
    pub fn system(code: impl Into<String>) -> Self {
        Self {
            source: Source::System,
            ..Self::new(code)
        }
    }

    /// The business object code.
    pub fn business_object(&self) -> &str {
        &self.business_object
    }

    /// Replaces the business object code.
    pub fn with_business_object(mut self, code: impl Into<String>) -> Self {
        self.business_object = code.into();
        self
    }

    /// Columns to return (`Fields`); `*` or nothing for all.
    pub fn fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a numbered filter (`FilterControlSource{n}` …).
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filters.push(filter);
        self
    }

    /// `matchAnyFilter=true`: OR the filters instead of AND.
    pub fn match_any(mut self, any: bool) -> Self {
        self.match_any = any;
        self
    }

    /// A raw FoxPro filter expression (`Filter`), e.g. `!EMPTY(dct_file.obj_code)`.
    pub fn raw_filter(mut self, expression: impl Into<String>) -> Self {
        self.raw_filter = Some(expression.into());
        self
    }

    /// Sort columns and direction (`SortFields`, `SortOrder`). Sort on the key for stable paging.
    pub fn sort<S: Into<String>>(
        mut self,
        fields: impl IntoIterator<Item = S>,
        order: SortOrder,
    ) -> Self {
        self.sort_fields = fields.into_iter().map(Into::into).collect();
        self.sort_order = order;
        self
    }

    /// The book-year context (`BookDate`).
    pub fn book_date(mut self, date: NaiveDate) -> Self {
        self.book_date = Some(date);
        self
    }

    /// Rows per page (`PageSize`), clamped to 1..=1000.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size.clamp(1, MAX_PAGE_SIZE);
        self
    }

    /// Reads one specific page (`PageNumber`, 1-based); the paginator sets it itself.
    pub fn page_number(mut self, page: u32) -> Self {
        self.page_number = Some(page.max(1));
        self
    }

    /// The table whose rows are the query's results (default: the first table of the response).
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = Some(table.into());
        self
    }

    /// The configured result table, if any.
    pub fn result_table(&self) -> Option<&str> {
        self.table.as_deref()
    }

    /// The configured page size.
    pub fn get_page_size(&self) -> u32 {
        self.page_size
    }

    /// The configured page number, if any.
    pub fn get_page_number(&self) -> Option<u32> {
        self.page_number
    }

    /// Whether the query has any filter (numbered or raw).
    pub fn has_filters(&self) -> bool {
        !self.filters.is_empty() || self.raw_filter.is_some()
    }

    /// Whether the query sets a sort order.
    pub fn has_sort(&self) -> bool {
        !self.sort_fields.is_empty()
    }

    /// The query parameters, in a stable order.
    pub fn to_params(&self) -> Vec<(String, String)> {
        let mut out = vec![("BusinessObject".to_owned(), self.business_object.clone())];
        if let Some(date) = self.book_date {
            out.push(("BookDate".into(), date.format("%Y-%m-%d").to_string()));
        }
        if !self.fields.is_empty() {
            out.push(("Fields".into(), self.fields.join(",")));
        }
        for (i, filter) in self.filters.iter().enumerate() {
            filter.push_params(i + 1, &mut out);
        }
        if self.match_any {
            out.push(("matchAnyFilter".into(), "true".into()));
        }
        if let Some(raw) = &self.raw_filter {
            out.push(("Filter".into(), raw.clone()));
        }
        if !self.sort_fields.is_empty() {
            out.push(("SortFields".into(), self.sort_fields.join(",")));
            out.push(("SortOrder".into(), self.sort_order.as_str().into()));
        }
        out.push(("PageSize".into(), self.page_size.to_string()));
        if let Some(page) = self.page_number {
            out.push(("PageNumber".into(), page.to_string()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn params(q: &Query) -> Vec<(String, String)> {
        q.to_params()
    }

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn renders_numbered_filters_exactly() {
        let since = NaiveDate::from_ymd_opt(2024, 5, 1)
            .unwrap()
            .and_hms_opt(13, 45, 0)
            .unwrap();
        let q = Query::new("AR1")
            .fields(["SUB_NR", "MAIL_BUS"])
            .filter(Filter::equal("MAIL_BUS", "x@y.nl"))
            .filter(Filter::new(
                "CNG_DATE",
                FilterOperator::DateOnOrAfterDate,
                FilterValue::DateTime(since),
            ))
            .match_any(true)
            .sort(["SUB_NR"], SortOrder::Ascending)
            .book_date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
            .page_size(50)
            .page_number(2);
        assert_eq!(
            params(&q),
            vec![
                p("BusinessObject", "AR1"),
                p("BookDate", "2024-01-01"),
                p("Fields", "SUB_NR,MAIL_BUS"),
                p("FilterControlSource1", "MAIL_BUS"),
                p("FilterOperator1", "Equal"),
                p("FilterValueType1", "C"),
                p("FilterValue1", "x@y.nl"),
                p("FilterIsListOfValues1", "false"),
                p("FilterControlSource2", "CNG_DATE"),
                p("FilterOperator2", "DateOnOrAfterDate"),
                p("FilterValueType2", "T"),
                p("FilterValue2", "{^2024-05-01 13:45:00}"),
                p("FilterIsListOfValues2", "false"),
                p("matchAnyFilter", "true"),
                p("SortFields", "SUB_NR"),
                p("SortOrder", "Ascending"),
                p("PageSize", "50"),
                p("PageNumber", "2"),
            ]
        );
    }

    #[test]
    fn renders_dates_numbers_lists_and_other_operators() {
        let q = Query::new("AK1")
            .filter(Filter::on_or_after(
                "INP_DATE",
                NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
            ))
            .filter(Filter::any_of("ART_CODE", ["FB-1001", "BND-2654"]))
            .filter(Filter::not_equal("QTY_TECH", dec!(0.00)))
            .filter(Filter::new(
                "PX_SELL",
                FilterOperator::Other("42".into()),
                10i64,
            ))
            .raw_filter("!EMPTY(article.ag_code)");
        let ps = params(&q);
        assert!(ps.contains(&p("FilterValue1", "{^2024-05-01}")));
        assert!(ps.contains(&p("FilterValueType1", "D")));
        assert!(ps.contains(&p("FilterValue2", "FB-1001,BND-2654")));
        assert!(ps.contains(&p("FilterIsListOfValues2", "true")));
        assert!(ps.contains(&p("FilterOperator3", "NotEqual")));
        assert!(ps.contains(&p("FilterValueType3", "N")));
        assert!(ps.contains(&p("FilterValue3", "0")));
        assert!(ps.contains(&p("FilterOperator4", "42")));
        assert!(ps.contains(&p("Filter", "!EMPTY(article.ag_code)")));
        assert!(
            !ps.iter()
                .any(|(k, _)| k == "matchAnyFilter" || k == "PageNumber")
        );
        assert!(q.has_filters());
    }

    #[test]
    fn a_list_of_one_value_is_that_value_also_with_a_comma() {
        let q = Query::new("AR1").filter(Filter::any_of("MAIL_BUS", ["a,b@x.nl"]));
        let ps = params(&q);
        assert!(ps.contains(&p("FilterValue1", "a,b@x.nl")));
        assert!(ps.contains(&p("FilterIsListOfValues1", "false")));
    }

    #[test]
    fn page_size_is_clamped() {
        assert_eq!(
            Query::new("AK1").page_size(5000).get_page_size(),
            MAX_PAGE_SIZE
        );
        assert_eq!(Query::new("AK1").page_size(0).get_page_size(), 1);
        assert_eq!(Query::new("AK1").get_page_size(), DEFAULT_PAGE_SIZE);
        assert_eq!(Query::system("fld").source, Source::System);
    }
}
