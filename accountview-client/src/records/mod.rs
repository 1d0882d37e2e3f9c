//! Typed records for the business objects Koppel uses, and a generic handler over them.
//!
//! Every record reads from a [`Row`] (`from_row`), keeps the columns it does not model in `extra`, and
//! (where AccountView accepts writes) converts to a [`WriteRequest`] that declares only the columns
//! that are set, in a stable order, plus the `extra` columns except system ones (`EXT_KEY`,
//! `<TABLE>_Id`, `CNG_DATE`, `INP_DATE`, `CNG_NR`, `SYNC_STATE`).

mod article;
mod article_group;
mod company;
mod debtor;
mod delivery_address;
mod journal;
mod journal_posting;
mod ledger_account;
mod sales_order;
mod vat_code;

use std::marker::PhantomData;

use chrono::{NaiveDate, NaiveDateTime};
use futures::stream::{Stream, StreamExt};
use rust_decimal::Decimal;
use serde_json::Value;

pub use article::Article;
pub use article_group::ArticleGroup;
pub use company::Company;
pub use debtor::Debtor;
pub use delivery_address::DeliveryAddress;
pub use journal::Journal;
pub use journal_posting::{JournalLine, JournalPage, JournalPosting};
pub use ledger_account::LedgerAccount;
pub use sales_order::{SalesOrder, SalesOrderHeader, SalesOrderLine};
pub use vat_code::VatCode;

use crate::client::AccountViewClient;
use crate::dataset::{DataSet, Row};
use crate::error::{Error, Result};
use crate::query::{Filter, Query, SortOrder};
use crate::write::{FieldDef, FieldType, WriteRequest, WriteValue};

/// A record stored as one row of one table of one business object.
pub trait Record: Sized + Send + 'static {
    /// Business object code, e.g. `AR1`.
    const BUSINESS_OBJECT: &'static str;
    /// Main table, e.g. `CONTACT`.
    const TABLE: &'static str;
    /// Key column, e.g. `SUB_NR` (used by `get` and as the default sort for stable paging).
    const KEY: &'static str;

    /// Reads a record from a row.
    fn from_row(row: &Row) -> Result<Self>;

    /// A query of this business object's table, sorted on the key.
    fn query() -> Query {
        Query::new(Self::BUSINESS_OBJECT)
            .table(Self::TABLE)
            .sort([Self::KEY], SortOrder::Ascending)
    }
}

/// A record AccountView accepts writes for.
pub trait WritableRecord: Record {
    /// The write request that creates (or, with [`WritableRecord::update_id`], updates) this record.
    fn to_write_request(&self) -> Result<WriteRequest>;

    /// The top-level `"id"` for an update, e.g. the debtor's `SUB_NR`.
    fn update_id(&self) -> Option<String>;
}

/// Reads typed columns from a row and remembers which it used; the rest becomes `extra`.
pub(crate) struct RowReader<'a> {
    row: &'a Row,
    used: Vec<String>,
}

impl<'a> RowReader<'a> {
    pub(crate) fn new(row: &'a Row) -> Self {
        Self {
            row,
            used: Vec::new(),
        }
    }

    fn mark(&mut self, column: &str) {
        self.used.push(column.to_owned());
    }

    /// Text without trailing blanks; blank is `None`.
    pub(crate) fn text(&mut self, column: &str) -> Option<String> {
        self.mark(column);
        self.row.text_lossy(column)
    }

    pub(crate) fn decimal(&mut self, column: &str) -> Result<Option<Decimal>> {
        self.mark(column);
        self.row.decimal(column)
    }

    pub(crate) fn int(&mut self, column: &str) -> Result<Option<i64>> {
        self.mark(column);
        self.row.int(column)
    }

    pub(crate) fn bool(&mut self, column: &str) -> Result<Option<bool>> {
        self.mark(column);
        self.row.bool(column)
    }

    pub(crate) fn date(&mut self, column: &str) -> Result<Option<NaiveDate>> {
        self.mark(column);
        self.row.date(column)
    }

    pub(crate) fn datetime(&mut self, column: &str) -> Result<Option<NaiveDateTime>> {
        self.mark(column);
        self.row.datetime(column)
    }

    /// Marks every column matching `pred` as used and returns them.
    pub(crate) fn take_matching(&mut self, pred: impl Fn(&str) -> bool) -> Vec<(String, Value)> {
        let taken: Vec<_> = self
            .row
            .iter()
            .filter(|(k, _)| pred(k))
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect();
        self.used.extend(taken.iter().map(|(k, _)| k.clone()));
        taken
    }

    /// The columns not read.
    pub(crate) fn extra(self) -> Row {
        self.row
            .iter()
            .filter(|(k, _)| !self.used.iter().any(|u| u.eq_ignore_ascii_case(k)))
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect()
    }
}

/// Whether a read column is maintained by AccountView and never written back.
fn is_system_column(name: &str) -> bool {
    name.ends_with("_Id")
        || ["EXT_KEY", "CNG_DATE", "INP_DATE", "CNG_NR", "SYNC_STATE"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(name))
}

/// Collects the columns of one row to write, in the order they are added.
#[derive(Default)]
pub(crate) struct Columns(Vec<(FieldDef, WriteValue)>);

impl Columns {
    /// Adds the column when the value is set.
    pub(crate) fn put<V: Into<WriteValue>>(
        &mut self,
        name: &str,
        field_type: FieldType,
        value: Option<V>,
    ) -> &mut Self {
        if let Some(v) = value {
            self.0.push((FieldDef::new(name, field_type), v.into()));
        }
        self
    }

    /// Adds the caller's extra columns (type inferred from the JSON value), skipping system columns
    /// and columns already declared.
    pub(crate) fn extra(&mut self, extra: &Row) -> &mut Self {
        for (name, value) in extra.iter() {
            if is_system_column(name)
                || self
                    .0
                    .iter()
                    .any(|(d, _)| d.name.eq_ignore_ascii_case(name))
            {
                continue;
            }
            let (field_type, value) = match value {
                Value::String(s) => (FieldType::C, WriteValue::Text(s.clone())),
                Value::Bool(b) => (FieldType::L, WriteValue::Bool(*b)),
                Value::Number(n) => match n.as_i64() {
                    Some(i) => (FieldType::N, WriteValue::Integer(i)),
                    None => match crate::dataset::number_to_decimal(n) {
                        Some(d) => (FieldType::N, WriteValue::Number(d)),
                        None => continue,
                    },
                },
                Value::Null | Value::Array(_) | Value::Object(_) => {
                    tracing::debug!(
                        column = name,
                        "extra column without a writable value skipped"
                    );
                    continue;
                }
            };
            self.0.push((FieldDef::new(name, field_type), value));
        }
        self
    }

    pub(crate) fn into_vec(self) -> Vec<(FieldDef, WriteValue)> {
        self.0
    }
}

/// Typed access to one business object: list, get, and (for writable records) create and update.
#[derive(Debug, Clone)]
pub struct Records<T> {
    pub(crate) client: AccountViewClient,
    _record: PhantomData<fn() -> T>,
}

impl<T: Record> Records<T> {
    pub(crate) fn new(client: AccountViewClient) -> Self {
        Self {
            client,
            _record: PhantomData,
        }
    }

    /// Streams the records matching `query` (its business object and table are set to `T`'s; without a
    /// sort it is sorted on the key, for stable paging).
    pub fn list(&self, query: Query) -> impl Stream<Item = Result<T>> + Send + 'static {
        let mut query = query
            .with_business_object(T::BUSINESS_OBJECT)
            .table(T::TABLE);
        if !query.has_sort() {
            query = query.sort([T::KEY], SortOrder::Ascending);
        }
        self.client
            .query(query)
            .stream()
            .map(|row| row.and_then(|row| T::from_row(&row).map_err(|e| e.at_path(T::TABLE))))
    }

    /// Every record (all pages), collected.
    pub async fn all(&self) -> Result<Vec<T>> {
        use futures::TryStreamExt;
        self.list(T::query()).try_collect().await
    }

    /// The first record matching `query`.
    pub async fn find(&self, query: Query) -> Result<Option<T>> {
        let query = query
            .with_business_object(T::BUSINESS_OBJECT)
            .table(T::TABLE);
        match self.client.query(query).first().await? {
            Some(row) => T::from_row(&row).map(Some).map_err(|e| e.at_path(T::TABLE)),
            None => Ok(None),
        }
    }

    /// The record whose key is `key` (trailing blanks and case aside), or `None`.
    ///
    /// AccountView's `Equal` on text matches prefixes (FoxPro's `SET EXACT OFF`: key `1001` also
    /// finds `10010`), so a few rows sorted on the key are read and the key is compared exactly; the
    /// record itself sorts before every longer key it prefixes.
    pub async fn get(&self, key: &str) -> Result<Option<T>> {
        let wanted = key.trim();
        let query = T::query()
            .with_business_object(T::BUSINESS_OBJECT)
            .table(T::TABLE)
            .filter(Filter::equal(T::KEY, wanted))
            .sort([T::KEY], SortOrder::Ascending)
            .page_size(EXACT_LOOKUP_ROWS);
        let rows = self.client.query(query).max_pages(1).collect().await?;
        rows.iter()
            .find(|r| same_text(r, T::KEY, wanted))
            .map(|r| T::from_row(r).map_err(|e| e.at_path(T::TABLE)))
            .transpose()
    }
}

/// Rows read by a lookup of one record by an exact value (see [`Records::get`]).
const EXACT_LOOKUP_ROWS: u32 = 10;

/// Whether `row.column` is `wanted`, trailing blanks and case aside.
fn same_text(row: &Row, column: &str, wanted: &str) -> bool {
    row.text_lossy(column)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(wanted.trim()))
}

impl<T: Record> Records<T> {}

/// The first row of `T::TABLE` in a write response, as a `T`.
fn created<T: Record>(data: &DataSet) -> Result<T> {
    let row = data.table(T::TABLE).first().ok_or_else(|| {
        Error::decode(
            T::TABLE,
            format!(
                "write response has no {} row (the write itself succeeded)",
                T::TABLE
            ),
            "",
        )
    })?;
    T::from_row(row).map_err(|e| e.at_path(&format!("{}[0]", T::TABLE)))
}

impl<T: WritableRecord> Records<T> {
    /// Creates the record; returns it as stored (read shape, with generated keys such as `SUB_NR`).
    pub async fn create(&self, record: &T) -> Result<T> {
        created(&self.client.create(&record.to_write_request()?).await?)
    }

    /// Updates the record (`PUT` with its key as `"id"`); returns it as stored.
    pub async fn update(&self, record: &T) -> Result<T> {
        let id = record.update_id().ok_or_else(|| {
            Error::validation(T::TABLE, T::KEY, crate::error::ValidationProblem::Missing)
        })?;
        let request = record.to_write_request()?.with_id(id);
        created(&self.client.update(&request).await?)
    }
}

impl Records<Debtor> {
    /// The debtor whose business e-mail (`MAIL_BUS`) equals `email` (trimmed; compared again
    /// case-insensitively on the result, as AccountView's `Equal` also matches longer addresses
    /// that start with it: sorted on the address, the exact one comes first).
    pub async fn find_by_email(&self, email: &str) -> Result<Option<Debtor>> {
        let email = email.trim();
        let query = Debtor::query()
            .filter(Filter::equal("MAIL_BUS", email))
            .sort(["MAIL_BUS"], SortOrder::Ascending)
            .page_size(EXACT_LOOKUP_ROWS);
        let rows = self.client.query(query).max_pages(1).collect().await?;
        rows.iter()
            .find(|r| same_text(r, "MAIL_BUS", email))
            .map(|r| Debtor::from_row(r).map_err(|e| e.at_path(Debtor::TABLE)))
            .transpose()
    }
}

impl Records<DeliveryAddress> {
    /// The delivery addresses of one debtor (only that debtor's: AccountView's `Equal` also
    /// matches debtor numbers that start with `sub_nr`; a row without a debtor number is kept).
    pub async fn for_debtor(&self, sub_nr: &str) -> Result<Vec<DeliveryAddress>> {
        use futures::TryStreamExt;
        let wanted = sub_nr.trim();
        let all: Vec<DeliveryAddress> = self
            .list(DeliveryAddress::query().filter(Filter::equal("SUB_NR", wanted)))
            .try_collect()
            .await?;
        Ok(all
            .into_iter()
            .filter(|a| {
                a.sub_nr
                    .as_deref()
                    .is_none_or(|s| s.trim().eq_ignore_ascii_case(wanted))
            })
            .collect())
    }
}

/// Creates sales orders (`SO1`).
#[derive(Debug, Clone)]
pub struct SalesOrders {
    client: AccountViewClient,
}

impl SalesOrders {
    /// Creates the order; returns AccountView's response in the read shape (its exact content for
    /// `SO1` is not public yet; see [`SalesOrder::from_dataset`]).
    pub async fn create(&self, order: &SalesOrder) -> Result<DataSet> {
        self.client.create(&order.to_write_request()?).await
    }
}

/// Creates sales-journal postings (`DJ2`). AccountView does not update journal pages through the API.
#[derive(Debug, Clone)]
pub struct JournalPostings {
    client: AccountViewClient,
}

impl JournalPostings {
    /// Posts the page and its lines; returns the response in the read shape (`DJ_PAGE` with `INV_NR`, …).
    pub async fn create(&self, posting: &JournalPosting) -> Result<DataSet> {
        self.client.create(&posting.to_write_request()?).await
    }
}

impl AccountViewClient {
    /// Debtors (`AR1`).
    pub fn debtors(&self) -> Records<Debtor> {
        Records::new(self.clone())
    }

    /// Delivery addresses (`ADDR`).
    pub fn delivery_addresses(&self) -> Records<DeliveryAddress> {
        Records::new(self.clone())
    }

    /// Articles (`AK1`).
    pub fn articles(&self) -> Records<Article> {
        Records::new(self.clone())
    }

    /// Article groups (`AG1`).
    pub fn article_groups(&self) -> Records<ArticleGroup> {
        Records::new(self.clone())
    }

    /// VAT codes (`VA1`).
    pub fn vat_codes(&self) -> Records<VatCode> {
        Records::new(self.clone())
    }

    /// Ledger accounts (`GL1`).
    pub fn ledger_accounts(&self) -> Records<LedgerAccount> {
        Records::new(self.clone())
    }

    /// Journals (`DJ1`).
    pub fn journals(&self) -> Records<Journal> {
        Records::new(self.clone())
    }

    /// Sales orders (`SO1`).
    pub fn sales_orders(&self) -> SalesOrders {
        SalesOrders {
            client: self.clone(),
        }
    }

    /// Sales-journal postings (`DJ2`).
    pub fn journal_postings(&self) -> JournalPostings {
        JournalPostings {
            client: self.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extra_columns_skip_system_ones_and_infer_types() {
        let extra: Row = match json!({"EXT_KEY": 1, "CONTACT_Id": 0, "CNG_DATE": "x", "A8_INV_NR": "LS-1", "K1_FLAG": true, "K1_QTY": 2.5, "K1_N": 3, "K1_NULL": null, "SUB_NR": "dup"})
        {
            Value::Object(m) => Row::from_iter(m),
            _ => unreachable!(),
        };
        let mut cols = Columns::default();
        cols.put("SUB_NR", FieldType::C, Some("10025"));
        cols.put("ACCT_NAME", FieldType::C, None::<String>);
        cols.extra(&extra);
        let names: Vec<_> = cols
            .into_vec()
            .into_iter()
            .map(|(d, v)| (d.name, d.field_type, v))
            .collect();
        assert_eq!(
            names,
            vec![
                ("SUB_NR".into(), FieldType::C, WriteValue::from("10025")),
                ("A8_INV_NR".into(), FieldType::C, WriteValue::from("LS-1")),
                ("K1_FLAG".into(), FieldType::L, WriteValue::Bool(true)),
                (
                    "K1_QTY".into(),
                    FieldType::N,
                    WriteValue::Number(rust_decimal_macros::dec!(2.5))
                ),
                ("K1_N".into(), FieldType::N, WriteValue::Integer(3)),
            ]
        );
    }
}
