//! Lazy `PageNumber` paging as a `Stream`.
//!
//! Pages are fetched only when polled. The stream stops on a short or empty page (AccountView's "no
//! records" answer, or an empty-bodied 404 on a later page, counts as empty: see
//! [`AccountViewClient::read`]), after `max_pages`, or when a page repeats any earlier one (a server
//! that ignores `PageNumber` would otherwise loop forever; the guard is the one
//! `lightspeed-client` uses, [`koppel_http::RepeatGuard`]).

use futures::stream::{self, Stream, TryStreamExt};
use koppel_http::RepeatGuard;

use crate::client::AccountViewClient;
use crate::dataset::{DataSet, Row};
use crate::error::Result;
use crate::query::Query;

/// One fetched page.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Everything the page returned (all tables).
    pub data: DataSet,
    /// The result table's rows.
    pub rows: Vec<Row>,
}

/// A query bound to a client: page through it, or take its first row.
#[derive(Debug, Clone)]
#[must_use = "a query call does nothing until streamed or awaited"]
pub struct QueryCall {
    client: AccountViewClient,
    query: Query,
    max_pages: Option<u32>,
}

struct PagerState {
    client: AccountViewClient,
    query: Query,
    next: u32,
    fetched: u32,
    max_pages: Option<u32>,
    seen: RepeatGuard,
    done: bool,
}

/// The result table's rows of a page: the query's table if set, else the first table.
fn result_rows(query: &Query, data: &DataSet) -> Vec<Row> {
    match query.result_table() {
        Some(table) => data.table(table).to_vec(),
        None => data
            .first_table()
            .map(|(_, rows)| rows.to_vec())
            .unwrap_or_default(),
    }
}

/// A page's identity: its rows as JSON text, hashed (values are JSON, which has no `Hash`).
fn fingerprint(rows: &[Row]) -> u64 {
    let text: Vec<String> = rows
        .iter()
        .map(|row| serde_json::to_string(row).unwrap_or_default())
        .collect();
    koppel_http::paging::fingerprint(&text)
}

impl QueryCall {
    pub(crate) fn new(client: AccountViewClient, query: Query) -> Self {
        Self {
            client,
            query,
            max_pages: None,
        }
    }

    /// Stops after `pages` pages at most.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// The pages, lazily.
    pub fn pages(self) -> impl Stream<Item = Result<Page>> + Send + 'static {
        let state = PagerState {
            next: self.query.get_page_number().unwrap_or(1),
            client: self.client,
            query: self.query,
            fetched: 0,
            max_pages: self.max_pages,
            seen: RepeatGuard::new(),
            done: false,
        };
        stream::try_unfold(state, |mut st| async move {
            if st.done || st.max_pages.is_some_and(|max| st.fetched >= max) {
                return Ok(None);
            }
            let number = st.next;
            let query = st.query.clone().page_number(number);
            let data = st.client.read(&query).await?;
            st.fetched += 1;
            let rows = result_rows(&st.query, &data);
            if rows.is_empty() {
                return Ok(None);
            }
            if !st.seen.first_time(fingerprint(&rows)) {
                tracing::warn!(
                    business_object = st.query.business_object(),
                    page = number,
                    "page repeats an earlier one; stopping (server may ignore PageNumber)"
                );
                return Ok(None);
            }
            let page_size = usize::try_from(st.query.get_page_size()).unwrap_or(usize::MAX);
            st.done = rows.len() < page_size;
            st.next = number.saturating_add(1);
            Ok(Some((Page { number, data, rows }, st)))
        })
    }

    /// The result rows of every page, lazily.
    pub fn stream(self) -> impl Stream<Item = Result<Row>> + Send + 'static {
        self.pages()
            .map_ok(|page| stream::iter(page.rows.into_iter().map(Ok)))
            .try_flatten()
    }

    /// All result rows, collected.
    pub async fn collect(self) -> Result<Vec<Row>> {
        self.stream().try_collect().await
    }

    /// The first result row (one request with `PageSize=1`), or `None`.
    pub async fn first(self) -> Result<Option<Row>> {
        let query = self.query.page_size(1).page_number(1);
        let data = self.client.read(&query).await?;
        Ok(result_rows(&query, &data).into_iter().next())
    }
}

impl AccountViewClient {
    /// Binds a query to this client; then `.stream()`, `.pages()`, `.collect()` or `.first()`.
    pub fn query(&self, query: Query) -> QueryCall {
        QueryCall::new(self.clone(), query)
    }
}
