//! Reading every record changed in a time window, however the shop changes during the read:
//! [`WindowScan`].
//!
//! # The problem
//!
//! Lightspeed lists page by offset (`page`, `limit`), in ascending id order, and cannot sort by
//! anything else. A record updated while a multi-page scan of an `updated_at` window runs leaves
//! the window (its `updatedAt` becomes "now"); every later record moves up one place and the one
//! that moves across a page boundary is never read. A count taken after the scan cannot tell: it
//! no longer includes the record that left, while the ids read still do, so the two agree. A
//! cursor that then moves past the window passes the skipped record for good.
//!
//! # The scan
//!
//! [`WindowScan`] never relies on a read at an offset greater than zero:
//!
//! 1. **List first.** Request page 1 of the window. A page shorter than the limit is the whole
//!    window, and the scan is done: a window that holds less than a page costs exactly one
//!    request, as a plain list does.
//! 2. **Split a full window.** `count` the window (`{resource}/count.json` with the same
//!    filters) and split it into equal-time sub-windows, so many that each should hold about
//!    four fifths of a page (at least two). Read the sub-windows in ascending time order, each the
//!    same way: page 1, and a full one is split again.
//! 3. **Split one second by creation time.** The narrowest `updated_at` window is one second
//!    (`updated_at_max` = `updated_at_min` + 1 s). One that is still full (a merchant's bulk
//!    status change touches a thousand orders in the same second) is split the same way on
//!    `created_at_min`/`created_at_max`, which never change. When every record on a full page
//!    shares one second of `updatedAt`, that second alone holds a page, so a wider window is split
//!    on `createdAt` at once instead of narrowing `updatedAt` first: which time a window is split
//!    on changes the cost, never what is read.
//! 4. **Fall back for a full cell.** Only a cell of one second of `updatedAt` × one second of
//!    `createdAt` that still holds a full page is read by offset paging (all pages, then a count,
//!    and up to three rescans whose results are merged while the count shows more than was read).
//!    A warning says that completeness could not be proven for that cell.
//!
//! Adjacent sub-windows share their boundary second: the filters are second-granular and the API
//! does not document whether `*_min`/`*_max` are inclusive, so whichever way it reads them, no
//! second falls between two sub-windows. Records read twice (at a shared second, or on a full
//! page and again in a sub-window) are kept once, by id. The first and last sub-window keep the
//! parent's ends, so a window that is open at one end (no `since`, or no creation-time bound)
//! stays open there; the split points of an open end are placed between the earliest and latest
//! times on the full page just read (or the `updatedAt` bound, or 2000-01-01 when no record
//! says), which only affects the cost, never what is read.
//!
//! # Why the result is complete
//!
//! * **Each read that ends a branch is a snapshot.** One request is answered from one state of
//!   the shop, so a page shorter than the limit holds every record that matched its filters at
//!   that moment. The scan relies on nothing else: full pages are kept but never trusted to be
//!   complete.
//! * **The sub-windows cover their parent**, by the shared boundaries and the kept ends above.
//! * **Nothing enters the window during the scan.** Creating or updating a record sets its
//!   `updatedAt` to the shop's "now", which lies after `until` when `until` is in the past (the
//!   flows use the run's start). `createdAt` never changes.
//! * So a record of the window that is **not changed** during the scan stays in the same
//!   sub-window of every level and is in the snapshot of the leaf that holds it. A record that
//!   **is changed** during the scan was either read before the change, or now has an `updatedAt`
//!   after `until`: the next poll reads it, because its window starts at or before this `until`
//!   (a flow's cursor never passes the `until` it read up to).
//! * **Ascending order** keeps this true when `until` is not quite in the past for the shop (its
//!   clock behind ours, or a window that ends "now"), so that an update can move a record forward
//!   *inside* the window. At any moment the sub-windows not yet read cover everything after the
//!   one being read; a record that moves only moves forward, so if its old place was not read yet
//!   its new place is not read yet either, and it is read there (or lies after `until`). Its
//!   `createdAt` part does not change at all. Read in descending order, it could move from an
//!   unread sub-window into one already read. (In that case records created during the scan can
//!   also enter the window; as with any reader, the next poll's look-back covers them.)
//!
//! **The limit:** a full one-second × one-second cell. Inside it, offset paging has the original
//! weakness (a record that leaves the cell mid-read hides another, and the count after the read
//! cannot see it), so completeness is proven for every record except those in such a cell, and
//! each such cell is logged with a warning and counted in [`ScanStats::unproven_cells`]. It
//! takes more than a page (250) of records that were created in the same second and updated in
//! the same second.
//!
//! **A server that does not apply a filter** would make every sub-window full and the splitting
//! endless. Two guards turn that into the fallback, with the same warning: a full page whose
//! records do not fit the window asked for (a time more than a day outside it, or times spread
//! wider than the window itself; both tests allow for a server that reads the filter text in
//! another time zone) is read by offset paging instead of being split; and past a budget of
//! sub-windows (set by the first count, several times what any real spread of records needs) the
//! scan stops splitting and reads the whole window by offset paging once.
//!
//! # Cost
//!
//! One request for a window that holds less than a page. Otherwise about one list request per
//! four fifths of a page, plus one count per full (sub-)window: a little more than offset
//! paging's one request per page, in exchange for a proof. The counts are in [`ScanStats`]. In
//! the simulated shop of the tests, with pages of 250: 249 orders over a day cost 1 request,
//! 1,000 cost 7 (offset paging: 5), 5,000 cost 27 (21), and 1,000 orders updated in the same
//! second 18 (5): the bulk second is found and split on creation time.
//!
//! ```no_run
//! use lightspeed_client::LightspeedClient;
//!
//! # async fn run(client: LightspeedClient) -> lightspeed_client::Result<()> {
//! let until = chrono::Utc::now() - chrono::Duration::minutes(1);
//! let since = until - chrono::Duration::hours(1);
//! let scanned = client.orders().list().scan_window(Some(since), until).run().await?;
//! println!(
//!     "{} orders in {} list and {} count requests",
//!     scanned.items.len(),
//!     scanned.stats.list_requests,
//!     scanned.stats.count_requests
//! );
//! # Ok(()) }
//! ```

use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, NaiveDateTime, SubsecRound, TimeDelta, Utc};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::entity::Entity;
use crate::error::Result;
use crate::list::{ListRequest, format_filter_time};
use crate::models;

const UPDATED_MIN: &str = "updated_at_min";
const UPDATED_MAX: &str = "updated_at_max";
const CREATED_MIN: &str = "created_at_min";
const CREATED_MAX: &str = "created_at_max";

/// Sub-windows are planned to hold `FILL_NUM / FILL_DEN` of a page, so that an uneven spread
/// still leaves most of them short of a full page.
const FILL_NUM: u64 = 4;
const FILL_DEN: u64 = 5;

/// How often a fallback cell is read again while its count shows more records than were read.
const MAX_RESCANS: usize = 3;

/// How far outside the sub-window asked for a record's time may lie before the scan takes the
/// filter as not applied (a day: wider than any time-zone offset the server might read the
/// filter text in).
const FILTER_TOLERANCE: TimeDelta = TimeDelta::days(1);

/// How much wider than its window the times on one page may be spread before the scan takes the
/// filter as not applied: an hour (a daylight-saving change inside the window) and a second
/// (inclusive ends).
const WIDTH_SLACK: TimeDelta = TimeDelta::seconds(3601);

/// The most parts one split makes (a count of a million records at 250 a page asks for 5,000;
/// each of 1,024 parts is then split again as needed).
const MAX_PARTS: i64 = 1024;

/// The sub-windows a scan may read: `BUDGET_BASE` plus `BUDGET_PER_PART` per part of its first
/// split (whose number follows from the window's count), several times what records spread in
/// any real way need. Past it, the scan stops splitting and reads the whole window by offset
/// paging (a server that does not apply a filter would otherwise make every sub-window full).
const BUDGET_BASE: u64 = 32;
const BUDGET_PER_PART: u64 = 8;

/// The earliest time assumed when a window is open at the start and no record gives a better
/// guess (2000-01-01 00:00:00 UTC, before any Lightspeed eCom shop). Only used to place split
/// points: the first sub-window stays open at the start.
const FLOOR_SECONDS: i64 = 946_684_800;

/// A record with the times Lightspeed's `created_at_*` and `updated_at_*` filters select on.
///
/// A [`WindowScan`] uses them to place split points in a window that is open at one end, and to
/// notice a server that ignores a filter. Implemented for the models that have both times.
pub trait Timestamped {
    /// When the record was created (`createdAt`), in UTC.
    fn created_at_utc(&self) -> Option<DateTime<Utc>>;
    /// When the record last changed (`updatedAt`), in UTC.
    fn updated_at_utc(&self) -> Option<DateTime<Utc>>;
}

macro_rules! timestamped {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl Timestamped for $ty {
                fn created_at_utc(&self) -> Option<DateTime<Utc>> {
                    self.created_at.map(|t| t.to_utc())
                }

                fn updated_at_utc(&self) -> Option<DateTime<Utc>> {
                    self.updated_at.map(|t| t.to_utc())
                }
            }
        )+
    };
}

timestamped!(
    models::Order,
    models::Invoice,
    models::Shipment,
    models::Customer,
    models::Product,
    models::Variant,
);

/// What a [`WindowScan`] cost, and whether any part of it is unproven.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScanStats {
    /// List requests (`{resource}.json`, one page each).
    pub list_requests: u64,
    /// Count requests (`{resource}/count.json`).
    pub count_requests: u64,
    /// Windows whose first page was read: the window itself and every sub-window.
    pub windows: u64,
    /// Windows read by offset paging instead of being split (see the [module docs](self)):
    /// completeness is not proven for the records in them. Each one is also logged as a warning.
    pub unproven_cells: u64,
}

impl ScanStats {
    /// List and count requests together.
    pub fn requests(&self) -> u64 {
        self.list_requests.saturating_add(self.count_requests)
    }
}

/// The records of a window, each once, in the order they were first read (roughly ascending
/// `updatedAt`; not sorted).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Scanned<T> {
    /// The records.
    pub items: Vec<T>,
    /// What reading them cost.
    pub stats: ScanStats,
}

/// A complete read of the records changed in `[since, until]` (see the [module docs](self)):
/// a reusable building block for every incremental poll of a Lightspeed list.
///
/// Built from a [`ListRequest`] that carries the other filters (status, customer…) and the page
/// size; the scan owns the `updated_at_*` filters and the page number of that request, and narrows
/// its `created_at_*` filters where it splits on creation time (a `created_at_min`/`max` already
/// set on the request, in the client's own format, is kept as the outer bound). `until` should
/// lie in the past for the shop: that is what makes a page shorter than the limit complete.
pub struct WindowScan<T> {
    request: ListRequest<T>,
    since: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
}

impl<T> Clone for WindowScan<T> {
    fn clone(&self) -> Self {
        Self {
            request: self.request.clone(),
            since: self.since,
            until: self.until,
        }
    }
}

impl<T> fmt::Debug for WindowScan<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WindowScan")
            .field("request", &self.request)
            .field("since", &self.since)
            .field("until", &self.until)
            .finish()
    }
}

impl<T: Entity> ListRequest<T> {
    /// A complete read of the records of this list changed in `[since, until]` (`since: None`
    /// reads everything up to `until`); see [`WindowScan`]. Nothing is sent until
    /// [`run`](WindowScan::run).
    pub fn scan_window(self, since: Option<DateTime<Utc>>, until: DateTime<Utc>) -> WindowScan<T> {
        WindowScan::new(self, since, until)
    }
}

impl<T: Entity> WindowScan<T> {
    /// A scan of the records `request` lists that changed in `[since, until]`. Times are used to
    /// the second (the filters' granularity).
    pub fn new(
        request: ListRequest<T>,
        since: Option<DateTime<Utc>>,
        until: DateTime<Utc>,
    ) -> Self {
        Self {
            request,
            since,
            until,
        }
    }
}

/// Where a scan stands between two steps: the windows still to read (the next on top), the ids
/// read so far, the cost, and the splitting budget.
struct ScanState {
    stack: Vec<Cell>,
    seen: HashSet<u64>,
    stats: ScanStats,
    budget: Option<u64>,
}

impl<T: Entity + Timestamped + Send + 'static> WindowScan<T> {
    /// Reads the window: one request when it holds less than a page, otherwise sub-windows as
    /// the [module docs](self) describe.
    ///
    /// # Errors
    ///
    /// The first error of any request (the client has already retried what was safe to retry);
    /// records read before it are dropped.
    pub async fn run(&self) -> Result<Scanned<T>> {
        let mut state = self.start();
        let mut items = Vec::new();
        while let Some(batch) = self.step(&mut state).await? {
            items.extend(batch);
        }
        self.finish(&state, items.len());
        Ok(Scanned {
            items,
            stats: state.stats,
        })
    }

    /// The records of the window as a lazy stream: a (sub-)window is requested only when the
    /// records before it were taken, so memory holds about one page, not the window. The records
    /// come in the order [`run`](Self::run) returns them; the first error ends the stream.
    pub fn stream(self) -> BoxStream<'static, Result<T>> {
        let state = self.start();
        stream::try_unfold((self, state), |(scan, mut state)| async move {
            match scan.step(&mut state).await? {
                Some(batch) => Ok(Some((batch, (scan, state)))),
                None => {
                    scan.finish(&state, 0);
                    Ok(None)
                }
            }
        })
        .map_ok(|batch| stream::iter(batch.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }

    fn start(&self) -> ScanState {
        ScanState {
            stack: vec![self.root()],
            seen: HashSet::new(),
            stats: ScanStats::default(),
            budget: None,
        }
    }

    fn finish(&self, state: &ScanState, items: usize) {
        tracing::debug!(
            items,
            lists = state.stats.list_requests,
            counts = state.stats.count_requests,
            unproven = state.stats.unproven_cells,
            "scanned a window"
        );
    }

    /// Reads the next window on the stack: the records it found that were not read before
    /// (possibly none), or `None` when every window is read.
    async fn step(&self, st: &mut ScanState) -> Result<Option<Vec<T>>> {
        let Some(cell) = st.stack.pop() else {
            return Ok(None);
        };
        let limit = self.request.page_size();
        let request = self.request_for(&cell);
        let page = request.send().await?;
        st.stats.list_requests += 1;
        st.stats.windows += 1;
        if page.is_last() {
            let (new, _) = keep_new(&mut st.seen, page.items);
            return Ok(Some(new));
        }
        let updated_times = times(Dim::Updated, &page.items);
        let created_times = times(Dim::Created, &page.items);
        let dim = choose(&cell, &updated_times, page.items.len());
        let stray = cell
            .updated
            .stray(&updated_times)
            .map(|t| (Dim::Updated, cell.updated, t))
            .or_else(|| {
                cell.created
                    .stray(&created_times)
                    .map(|t| (Dim::Created, cell.created, t))
            });
        let times = match dim {
            Some(Dim::Created) => created_times,
            _ => updated_times,
        };
        let (mut new, page_ids) = keep_new(&mut st.seen, page.items);
        let why = match (dim, stray) {
            (None, _) => Some(Fallback::Cell),
            (_, Some((filter, window, time))) => Some(Fallback::Stray {
                filter,
                window,
                time,
            }),
            _ if st.budget.is_some_and(|b| st.stats.windows >= b) => Some(Fallback::Budget),
            _ => None,
        };
        let dim = match (dim, why) {
            (Some(dim), None) => dim,
            (_, Some(Fallback::Budget)) => {
                // Give up proving: read the whole window the way a plain list does, once,
                // instead of every sub-window still waiting.
                Fallback::Budget.warn(&cell);
                st.stats.unproven_cells += 1;
                st.stack.clear();
                let whole = self.request_for(&self.root());
                new.extend(self.read_by_offset(&whole, 1, Vec::new(), st).await?);
                return Ok(Some(new));
            }
            (_, why) => {
                why.unwrap_or(Fallback::Cell).warn(&cell);
                st.stats.unproven_cells += 1;
                new.extend(self.read_by_offset(&request, 2, page_ids, st).await?);
                return Ok(Some(new));
            }
        };
        let span = cell.span(dim);
        let count = request.count().await?;
        st.stats.count_requests += 1;
        let sample = times.iter().min().copied().zip(times.iter().max().copied());
        let hint = match dim {
            Dim::Updated => None,
            // `createdAt` is at most `updatedAt`; the last part stays open all the same.
            Dim::Created => cell.updated.max,
        };
        let Some(parts) = split(span, count, limit, sample, hint) else {
            Fallback::Narrow {
                filter: dim,
                window: span,
            }
            .warn(&cell);
            st.stats.unproven_cells += 1;
            new.extend(self.read_by_offset(&request, 2, page_ids, st).await?);
            return Ok(Some(new));
        };
        tracing::debug!(
            filter = dim.name(),
            window = %span,
            count,
            parts = parts.len(),
            "a window held a full page; reading it in sub-windows"
        );
        // Set by the first split: generous for any real spread of records, and an end to the
        // splitting when a server's answers make every sub-window full.
        let planned = u64::try_from(parts.len()).unwrap_or(u64::MAX);
        st.budget
            .get_or_insert(BUDGET_BASE.saturating_add(BUDGET_PER_PART.saturating_mul(planned)));
        // Last pushed, first read: ascending time order.
        st.stack
            .extend(parts.into_iter().rev().map(|part| cell.with(dim, part)));
        Ok(Some(new))
    }

    /// The whole window: `[since, until]` of `updatedAt`, and whatever creation-time bounds the
    /// request already carries.
    fn root(&self) -> Cell {
        let parsed = |name: &str| {
            self.request
                .params()
                .iter()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S").ok())
                .map(|t| t.and_utc())
        };
        Cell {
            updated: Span {
                min: self.since.map(|t| t.trunc_subsecs(0)),
                max: Some(self.until.trunc_subsecs(0)),
            },
            created: Span {
                min: parsed(CREATED_MIN),
                max: parsed(CREATED_MAX),
            },
        }
    }

    /// Page 1 of one cell.
    fn request_for(&self, cell: &Cell) -> ListRequest<T> {
        let set = |request: ListRequest<T>, name: &str, t: Option<DateTime<Utc>>| match t {
            Some(t) => request.param(name, format_filter_time(&t)),
            None => request.without_param(name),
        };
        let request = self.request.clone().page(1);
        let request = set(request, UPDATED_MIN, cell.updated.min);
        let request = set(request, UPDATED_MAX, cell.updated.max);
        let request = set(request, CREATED_MIN, cell.created.min);
        set(request, CREATED_MAX, cell.created.max)
    }

    /// The fallback for a window that is not split: its pages from `start` on (`read` holds the
    /// ids of the pages before), then a count, and up to [`MAX_RESCANS`] more reads merged in
    /// while the count shows more than was read.
    async fn read_by_offset(
        &self,
        request: &ListRequest<T>,
        start: u32,
        read: Vec<u64>,
        st: &mut ScanState,
    ) -> Result<Vec<T>> {
        let mut cell_ids: HashSet<u64> = read.into_iter().collect();
        let mut new = offset_pages(request, start, &mut cell_ids, st).await?;
        for attempt in 0..=MAX_RESCANS {
            let expected = request.count().await?;
            st.stats.count_requests += 1;
            let read = cell_ids.len() as u64;
            if read >= expected {
                return Ok(new);
            }
            if attempt == MAX_RESCANS {
                tracing::warn!(
                    expected,
                    read,
                    "a window read by offset paging still counts more records than were read \
                     after {MAX_RESCANS} rescans; some of its records may be missing"
                );
                return Ok(new);
            }
            tracing::info!(
                expected,
                read,
                "records moved while paging a window by offset; reading it again"
            );
            new.extend(offset_pages(request, 1, &mut cell_ids, st).await?);
        }
        Ok(new)
    }
}

/// Why a full (sub-)window is read by offset paging instead of being split.
#[derive(Debug, Clone, Copy)]
enum Fallback {
    /// One second of `updatedAt` × one second of `createdAt`.
    Cell,
    /// The page holds records that do not fit the window, as if the API ignored a filter.
    Stray {
        filter: Dim,
        window: Span,
        time: DateTime<Utc>,
    },
    /// The span cannot be split into narrower parts (times at the end of chrono's range).
    Narrow { filter: Dim, window: Span },
    /// The scan has read more sub-windows than any real spread of records needs: the whole
    /// window is read by offset paging instead.
    Budget,
}

impl Fallback {
    fn warn(self, cell: &Cell) {
        let (updated, created) = (cell.updated, cell.created);
        match self {
            Fallback::Cell => tracing::warn!(
                %updated,
                %created,
                "completeness could not be proven for this cell: more than a page of records \
                 share one second of updatedAt and one of createdAt; reading it by offset paging \
                 with a count check"
            ),
            Fallback::Stray {
                filter,
                window,
                time,
            } => tracing::warn!(
                %updated,
                %created,
                filter = filter.name(),
                %window,
                record_time = %time,
                "completeness could not be proven for this window: the API returned records that \
                 do not fit it, as if it ignored the filter; reading it by offset paging with a \
                 count check instead of splitting it"
            ),
            Fallback::Narrow { filter, window } => tracing::warn!(
                %updated,
                %created,
                filter = filter.name(),
                %window,
                "completeness could not be proven for this window: it cannot be split further; \
                 reading it by offset paging with a count check"
            ),
            Fallback::Budget => tracing::warn!(
                %updated,
                %created,
                "completeness could not be proven for this scan: it has split more windows than \
                 any real spread of records needs (does the API apply the time filters?); \
                 reading the whole window by offset paging with a count check instead"
            ),
        }
    }
}

/// The times of `dim` on a page, to the second (records without one are left out).
fn times<T: Timestamped>(dim: Dim, items: &[T]) -> Vec<DateTime<Utc>> {
    items
        .iter()
        .filter_map(|item| dim.time(item))
        .map(|t| t.trunc_subsecs(0))
        .collect()
}

/// Which time to split a full cell on: `updatedAt` while its window can be narrowed, then
/// `createdAt`; `None` when neither can (a cell for the fallback).
///
/// One shortcut: when every record on the full page shares one second of `updatedAt`, that
/// second alone holds a full page, so narrowing `updatedAt` first would only cost requests on the
/// way down (a bulk status change); the cell is split on `createdAt` right away. Which time a
/// cell is split on never affects what is read, only the cost: `createdAt` never changes, so a
/// record stays in its `createdAt` part whatever happens to its `updatedAt`.
fn choose(cell: &Cell, updated_times: &[DateTime<Utc>], records: usize) -> Option<Dim> {
    let one_second = updated_times.len() == records
        && updated_times
            .iter()
            .min()
            .zip(updated_times.iter().max())
            .is_some_and(|(a, b)| *b - *a <= TimeDelta::seconds(1));
    match (cell.updated.is_narrowest(), cell.created.is_narrowest()) {
        (true, true) => None,
        (true, false) => Some(Dim::Created),
        (false, false) if one_second => Some(Dim::Created),
        (false, _) => Some(Dim::Updated),
    }
}

/// Reads the pages of `request` from `start` on, until a short page or a page that repeats one
/// of this pass (a server that ignores `page`), adding the ids to `cell_ids`; returns the records
/// not read before.
async fn offset_pages<T: Entity>(
    request: &ListRequest<T>,
    start: u32,
    cell_ids: &mut HashSet<u64>,
    st: &mut ScanState,
) -> Result<Vec<T>> {
    let mut pass: HashSet<u64> = HashSet::new();
    let mut page_no = start;
    let mut new = Vec::new();
    loop {
        let page = request.clone().page(page_no).send().await?;
        st.stats.list_requests += 1;
        let last = page.is_last();
        let (kept, ids) = keep_new(&mut st.seen, page.items);
        new.extend(kept);
        let fresh = ids.iter().filter(|id| pass.insert(**id)).count();
        cell_ids.extend(ids.iter().copied());
        if last || (fresh == 0 && !ids.is_empty()) {
            return Ok(new);
        }
        match page_no.checked_add(1) {
            Some(next) => page_no = next,
            None => return Ok(new),
        }
    }
}

/// The records of a page not read before (records without an id are always kept), and the ids on
/// the page.
fn keep_new<T: Entity>(seen: &mut HashSet<u64>, items: Vec<T>) -> (Vec<T>, Vec<u64>) {
    let mut ids = Vec::with_capacity(items.len());
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        match item.id() {
            Some(id) => {
                ids.push(id);
                if seen.insert(id) {
                    kept.push(item);
                }
            }
            None => kept.push(item),
        }
    }
    (kept, ids)
}

/// The two times a window can be split on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    Updated,
    Created,
}

impl Dim {
    fn name(self) -> &'static str {
        match self {
            Dim::Updated => "updated_at",
            Dim::Created => "created_at",
        }
    }

    fn time<T: Timestamped>(self, item: &T) -> Option<DateTime<Utc>> {
        match self {
            Dim::Updated => item.updated_at_utc(),
            Dim::Created => item.created_at_utc(),
        }
    }
}

/// A range of one time, to the second; both ends are filter values (`None`: no filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    min: Option<DateTime<Utc>>,
    max: Option<DateTime<Utc>>,
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.min {
            Some(t) => write!(f, "[{}", format_filter_time(&t))?,
            None => f.write_str("(…")?,
        }
        match self.max {
            Some(t) => write!(f, ", {}]", format_filter_time(&t)),
            None => f.write_str(", …)"),
        }
    }
}

impl Span {
    /// Bounded and at most one second from end to end: the narrowest window.
    fn is_narrowest(&self) -> bool {
        match (self.min, self.max) {
            (Some(a), Some(b)) => b - a <= TimeDelta::seconds(1),
            _ => false,
        }
    }

    /// Whether a record at `t` could have been returned for this span (within the tolerance).
    fn admits(&self, t: DateTime<Utc>) -> bool {
        // Near the ends of chrono's range there is nothing beyond the tolerance to compare with.
        let above = |a: DateTime<Utc>| {
            a.checked_sub_signed(FILTER_TOLERANCE)
                .is_none_or(|a| t >= a)
        };
        let below = |b: DateTime<Utc>| {
            b.checked_add_signed(FILTER_TOLERANCE)
                .is_none_or(|b| t <= b)
        };
        self.min.is_none_or(above) && self.max.is_none_or(below)
    }

    /// A time among `times` (the records of one page listed for this span) that shows the API
    /// did not apply this span's filter: one far outside the span, or, for a bounded span, the
    /// latest of times spread wider than the span itself. The width test holds whatever time
    /// zone the server reads the filter text in (a shift moves every time alike); the slack
    /// allows for a daylight-saving change inside the window and for inclusive ends.
    fn stray(&self, times: &[DateTime<Utc>]) -> Option<DateTime<Utc>> {
        if let Some(t) = times.iter().find(|t| !self.admits(**t)) {
            return Some(*t);
        }
        let (a, b) = self.min.zip(self.max)?;
        let (lo, hi) = times.iter().min().zip(times.iter().max())?;
        let allowed = (b - a).checked_add(&WIDTH_SLACK)?;
        (*hi - *lo > allowed).then_some(*hi)
    }
}

/// One sub-window: a span of `updatedAt` and one of `createdAt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    updated: Span,
    created: Span,
}

impl Cell {
    fn span(&self, dim: Dim) -> Span {
        match dim {
            Dim::Updated => self.updated,
            Dim::Created => self.created,
        }
    }

    fn with(&self, dim: Dim, span: Span) -> Cell {
        match dim {
            Dim::Updated => Cell {
                updated: span,
                created: self.created,
            },
            Dim::Created => Cell {
                updated: self.updated,
                created: span,
            },
        }
    }
}

/// `t` plus `seconds`, or `None` out of range.
fn plus(t: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
    TimeDelta::try_seconds(seconds).and_then(|d| t.checked_add_signed(d))
}

/// Splits a full span into equal-time parts that should each hold about four fifths of a page
/// (at least two parts, at most one per second and [`MAX_PARTS`]), sharing their boundary
/// seconds; the first and last part keep the span's own ends. `sample` is the earliest and latest
/// time on the full page just read and `hint` a known upper bound; both only place the split
/// points of an open end. `None` when the span cannot be split.
fn split(
    span: Span,
    count: u64,
    limit: u32,
    sample: Option<(DateTime<Utc>, DateTime<Utc>)>,
    hint: Option<DateTime<Utc>>,
) -> Option<Vec<Span>> {
    let (sample_min, sample_max) = sample.unzip();
    let floor = DateTime::from_timestamp(FLOOR_SECONDS, 0).unwrap_or(DateTime::UNIX_EPOCH);
    let hi = span.max.or(sample_max.max(hint));
    let lo = span.min.or(sample_min);
    let (mut lo, mut hi) = match (lo, hi) {
        (Some(l), Some(h)) => (l.min(h), h),
        (Some(l), None) => (l, l),
        (None, Some(h)) => (floor.min(h), h),
        (None, None) => (floor, floor),
    };
    if hi - lo < TimeDelta::seconds(2) {
        // An open end gives room: step one second at a time past the records seen.
        if span.min.is_none() {
            lo = plus(hi, -2)?;
        } else if span.max.is_none() {
            hi = plus(lo, 2)?;
        }
    }
    let seconds = (hi - lo).num_seconds();
    if seconds < 2 {
        return None;
    }
    let per_part = u128::from(limit) * u128::from(FILL_NUM);
    let wanted = (u128::from(count) * u128::from(FILL_DEN)).div_ceil(per_part.max(1));
    let parts = i64::try_from(wanted)
        .unwrap_or(i64::MAX)
        .clamp(2, MAX_PARTS)
        .min(seconds);
    let boundary = |i: i64| -> Option<DateTime<Utc>> {
        let offset = i128::from(seconds) * i128::from(i) / i128::from(parts);
        plus(lo, i64::try_from(offset).ok()?)
    };
    let mut out = Vec::with_capacity(usize::try_from(parts).unwrap_or(0));
    for i in 0..parts {
        let part = Span {
            min: if i == 0 { span.min } else { Some(boundary(i)?) },
            max: if i == parts - 1 {
                span.max
            } else {
                Some(boundary(i + 1)?)
            },
        };
        // Every part must be narrower than the span, or the scan would not end.
        if part == span {
            return None;
        }
        out.push(part);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn bounded(a: &str, b: &str) -> Span {
        Span {
            min: Some(t(a)),
            max: Some(t(b)),
        }
    }

    #[test]
    fn parts_cover_the_span_and_share_their_boundaries() {
        let span = bounded("2026-06-02T00:00:00Z", "2026-06-03T00:00:00Z");
        let parts = split(span, 1000, 250, None, None).unwrap();
        // 1000 / (0.8 × 250) = 5 parts.
        assert_eq!(parts.len(), 5);
        assert_eq!(parts[0].min, span.min);
        assert_eq!(parts[4].max, span.max);
        for pair in parts.windows(2) {
            assert_eq!(pair[0].max, pair[1].min, "adjacent parts share a second");
        }
        assert_eq!(parts[1].min, Some(t("2026-06-02T04:48:00Z")));
    }

    #[test]
    fn at_least_two_parts_and_at_most_one_per_second() {
        let span = bounded("2026-06-02T00:00:00Z", "2026-06-02T01:00:00Z");
        assert_eq!(split(span, 0, 250, None, None).unwrap().len(), 2);
        let span = bounded("2026-06-02T00:00:00Z", "2026-06-02T00:00:03Z");
        let parts = split(span, 100_000, 250, None, None).unwrap();
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(Span::is_narrowest));
        let span = bounded("2026-06-02T00:00:00Z", "2026-06-02T00:00:01Z");
        assert!(span.is_narrowest());
        assert_eq!(split(span, 1000, 250, None, None), None);
    }

    #[test]
    fn open_ends_stay_open_and_split_between_the_times_seen() {
        let span = Span {
            min: None,
            max: None,
        };
        let sample = Some((t("2026-06-01T00:00:00Z"), t("2026-06-01T10:00:00Z")));
        let hint = Some(t("2026-06-02T00:00:00Z"));
        let parts = split(span, 500, 250, sample, hint).unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].min, None);
        assert_eq!(parts[0].max, Some(t("2026-06-01T08:00:00Z")));
        assert_eq!(parts[2].max, None);

        // Every record seen at the open span's end: step past them one second at a time.
        let span = Span {
            min: None,
            max: Some(t("2026-06-01T00:00:05Z")),
        };
        let at_end = Some((t("2026-06-01T00:00:05Z"), t("2026-06-01T00:00:05Z")));
        let parts = split(span, 500, 250, at_end, None).unwrap();
        assert_eq!(
            parts,
            vec![
                Span {
                    min: None,
                    max: Some(t("2026-06-01T00:00:04Z"))
                },
                bounded("2026-06-01T00:00:04Z", "2026-06-01T00:00:05Z"),
            ]
        );
        let span = Span {
            min: Some(t("2026-06-01T00:00:05Z")),
            max: None,
        };
        let parts = split(span, 500, 250, at_end, None).unwrap();
        assert_eq!(
            parts[0],
            bounded("2026-06-01T00:00:05Z", "2026-06-01T00:00:06Z")
        );
        assert_eq!(parts[1].max, None);
    }

    #[test]
    fn the_ends_of_chronos_range_do_not_panic() {
        let whole = Span {
            min: Some(DateTime::<Utc>::MIN_UTC),
            max: Some(DateTime::<Utc>::MAX_UTC),
        };
        let times = [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC];
        assert!(whole.admits(times[0]) && whole.admits(times[1]));
        assert_eq!(whole.stray(&times), None);
        let parts = split(whole, u64::MAX, 1, Some((times[0], times[1])), None).unwrap();
        assert_eq!(parts.first().unwrap().min, whole.min);
        assert_eq!(parts.last().unwrap().max, whole.max);
        let open = Span {
            min: None,
            max: Some(DateTime::<Utc>::MIN_UTC),
        };
        assert_eq!(split(open, 500, 250, None, None), None);
    }

    #[test]
    fn no_record_times_fall_back_to_the_floor() {
        let span = Span {
            min: None,
            max: Some(t("2026-06-01T00:00:00Z")),
        };
        let parts = split(span, 100, 250, None, None).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].min, None);
        assert!(parts[0].max.unwrap() > t("2000-01-01T00:00:00Z"));
    }

    #[test]
    fn spans_admit_times_a_day_outside_and_display_as_filters() {
        let span = bounded("2026-06-02T00:00:00Z", "2026-06-02T00:00:01Z");
        assert!(span.admits(t("2026-06-02T14:00:00Z")));
        assert!(!span.admits(t("2026-06-04T00:00:00Z")));
        // Shifted by a time zone: fits. Spread wider than the window: the filter was ignored.
        let shifted = [t("2026-06-02T02:00:00Z"), t("2026-06-02T02:00:01Z")];
        assert_eq!(span.stray(&shifted), None);
        let spread = [t("2026-06-02T00:00:00Z"), t("2026-06-02T03:00:00Z")];
        assert_eq!(span.stray(&spread), Some(t("2026-06-02T03:00:00Z")));
        let far = [t("2026-06-05T00:00:00Z")];
        assert_eq!(span.stray(&far), Some(far[0]));
        let open = Span {
            min: None,
            max: Some(t("2026-06-02T00:00:00Z")),
        };
        assert_eq!(open.stray(&spread), None);
        assert_eq!(
            span.to_string(),
            "[2026-06-02 00:00:00, 2026-06-02 00:00:01]"
        );
        let open = Span {
            min: None,
            max: None,
        };
        assert_eq!(open.to_string(), "(…, …)");
    }
}
