//! Lists: filters, one page, and lazy streams of pages or items.
//!
//! Lightspeed list responses carry no total and no next link. Pages are numbered from 1, hold at
//! most 250 items, and the last page is the first one shorter than the limit. A stream also ends
//! (with a warning) when a page repeats one already seen, so a server that ignores `page` cannot
//! make it loop forever.

use std::marker::PhantomData;

use chrono::{DateTime, TimeZone, Utc};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use http::Method;
use koppel_http::RepeatGuard;

use crate::client::LightspeedClient;
use crate::entity::{Entity, Keys};
use crate::envelope::{Count, Items};
use crate::error::Result;
use crate::execute::Body;

/// The API's largest page.
pub const MAX_LIMIT: u32 = 250;

/// Query parameters that are paging, not filtering (left out of `count`).
const PAGING_PARAMS: [&str; 3] = ["page", "limit", "fields"];

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The page number (1-based).
    pub page: u32,
    /// The limit the page was requested with.
    pub limit: u32,
}

impl<T> Page<T> {
    /// Whether this is the last page (shorter than the limit).
    pub fn is_last(&self) -> bool {
        self.items.len() < self.limit as usize
    }
}

/// A list request: set filters, then [`send`](Self::send) one page, or walk all pages with
/// [`pages`](Self::pages) / [`stream`](Self::stream). Nothing is sent until then.
pub struct ListRequest<T> {
    client: LightspeedClient,
    path: String,
    keys: Keys,
    params: Vec<(String, String)>,
    limit: u32,
    start_page: u32,
    max_pages: Option<u32>,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for ListRequest<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            path: self.path.clone(),
            keys: self.keys,
            params: self.params.clone(),
            limit: self.limit,
            start_page: self.start_page,
            max_pages: self.max_pages,
            _t: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListRequest")
            .field("path", &self.path)
            .field("params", &self.params)
            .field("limit", &self.limit)
            .field("start_page", &self.start_page)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

/// Formats a time for the `*_at_min/max` filters: `YYYY-MM-DD HH:MM:SS` in UTC.
pub fn format_filter_time<Tz: TimeZone>(t: &DateTime<Tz>) -> String {
    t.with_timezone(&Utc)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

impl<T: Entity> ListRequest<T> {
    pub(crate) fn new(client: LightspeedClient, path: String, keys: Keys) -> Self {
        Self {
            client,
            path,
            keys,
            params: Vec::new(),
            limit: MAX_LIMIT,
            start_page: 1,
            max_pages: None,
            _t: PhantomData,
        }
    }

    /// Sets a query parameter (replacing an earlier value of the same name). Use it for filters
    /// this crate has no method for.
    pub fn param(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        let name = name.into();
        self.params.retain(|(k, _)| *k != name);
        self.params.push((name, value.to_string()));
        self
    }

    /// Items per page, capped at 250 (the default here; the API's own default is 50).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit.clamp(1, MAX_LIMIT);
        self
    }

    /// The items per page this request asks for (see [`limit`](Self::limit)).
    pub fn page_size(&self) -> u32 {
        self.limit
    }

    /// Removes a query parameter, if set.
    pub(crate) fn without_param(mut self, name: &str) -> Self {
        self.params.retain(|(k, _)| k != name);
        self
    }

    /// The first page to fetch (1-based, default 1).
    pub fn page(mut self, page: u32) -> Self {
        self.start_page = page.max(1);
        self
    }

    /// Stop a stream after this many pages.
    pub fn max_pages(mut self, max_pages: u32) -> Self {
        self.max_pages = Some(max_pages);
        self
    }

    /// Only ids greater than this.
    pub fn since_id(self, id: u64) -> Self {
        self.param("since_id", id)
    }

    /// Created at or after this time.
    pub fn created_at_min<Tz: TimeZone>(self, t: DateTime<Tz>) -> Self {
        self.param("created_at_min", format_filter_time(&t))
    }

    /// Created at or before this time.
    pub fn created_at_max<Tz: TimeZone>(self, t: DateTime<Tz>) -> Self {
        self.param("created_at_max", format_filter_time(&t))
    }

    /// Changed at or after this time.
    pub fn updated_at_min<Tz: TimeZone>(self, t: DateTime<Tz>) -> Self {
        self.param("updated_at_min", format_filter_time(&t))
    }

    /// Changed at or before this time.
    pub fn updated_at_max<Tz: TimeZone>(self, t: DateTime<Tz>) -> Self {
        self.param("updated_at_max", format_filter_time(&t))
    }

    /// Only return these fields (include `id`: models need it).
    pub fn fields<I, S>(self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined = fields
            .into_iter()
            .map(|f| f.as_ref().to_owned())
            .collect::<Vec<_>>()
            .join(",");
        self.param("fields", joined)
    }

    /// The query parameters set so far.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    async fn fetch(&self, page: u32) -> Result<Page<T>> {
        let mut query = self.params.clone();
        query.retain(|(k, _)| k != "page" && k != "limit");
        query.push(("page".into(), page.to_string()));
        query.push(("limit".into(), self.limit.to_string()));
        let Items(items) = self
            .client
            .call::<Items<T>>(Method::GET, &self.path, &query, Body::Empty, self.keys.list)
            .await?;
        Ok(Page {
            items,
            page,
            limit: self.limit,
        })
    }

    /// Fetches one page (the start page).
    pub async fn send(&self) -> Result<Page<T>> {
        self.fetch(self.start_page).await
    }

    /// Counts the matching items (`{resource}/count.json` with the same filters).
    pub async fn count(&self) -> Result<u64> {
        let query: Vec<(String, String)> = self
            .params
            .iter()
            .filter(|(k, _)| !PAGING_PARAMS.contains(&k.as_str()))
            .cloned()
            .collect();
        let (path, own_query) = match self.path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (self.path.as_str(), None),
        };
        let count_path = match own_query {
            Some(q) => format!("{path}/count?{q}"),
            None => format!("{path}/count"),
        };
        let Count(n) = self
            .client
            .call::<Count>(Method::GET, &count_path, &query, Body::Empty, &["count"])
            .await?;
        Ok(n)
    }

    /// All pages, lazily: no request is sent until the stream is polled. Ends after a short or
    /// empty page, after `max_pages`, on the first error, or when a page repeats.
    pub fn pages(&self) -> BoxStream<'static, Result<Page<T>>> {
        let state = PagerState {
            request: self.clone(),
            next: Some(self.start_page),
            seen: RepeatGuard::new(),
            fetched: 0,
        };
        stream::try_unfold(state, |mut st| async move {
            let Some(page_no) = st.next else {
                return Ok(None);
            };
            if st.request.max_pages.is_some_and(|max| st.fetched >= max) {
                return Ok(None);
            }
            let page = st.request.fetch(page_no).await?;
            st.fetched += 1;
            if page.items.is_empty() {
                return Ok(None);
            }
            if !st.seen.first_time(fingerprint(&page.items)) {
                tracing::warn!(
                    path = %st.request.path,
                    page = page_no,
                    "page repeats an earlier page; stopping the list"
                );
                return Ok(None);
            }
            st.next = if page.is_last() {
                None
            } else {
                page_no.checked_add(1)
            };
            Ok(Some((page, st)))
        })
        .boxed()
    }

    /// All items of all pages, lazily (see [`pages`](Self::pages)).
    pub fn stream(&self) -> BoxStream<'static, Result<T>> {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Collects every item (convenience for small lists).
    pub async fn all(&self) -> Result<Vec<T>> {
        self.stream().try_collect().await
    }
}

struct PagerState<T> {
    request: ListRequest<T>,
    next: Option<u32>,
    seen: RepeatGuard,
    fetched: u32,
}

/// A page's identity: the hash of its sorted item ids.
fn fingerprint<T: Entity>(items: &[T]) -> u64 {
    let mut ids: Vec<u64> = items.iter().map(|i| i.id().unwrap_or(u64::MAX)).collect();
    ids.sort_unstable();
    koppel_http::paging::fingerprint(&ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    #[test]
    fn filter_times_are_utc_text() {
        let t = DateTime::<FixedOffset>::parse_from_rfc3339("2026-06-02T10:24:43+02:00").unwrap();
        assert_eq!(format_filter_time(&t), "2026-06-02 08:24:43");
    }

    #[test]
    fn pages_know_when_they_are_last() {
        let page = Page {
            items: vec![1, 2],
            page: 3,
            limit: 2,
        };
        assert!(!page.is_last());
        let page = Page {
            items: vec![1],
            page: 3,
            limit: 2,
        };
        assert!(page.is_last());
    }
}
