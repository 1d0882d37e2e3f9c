//! The state store: everything Koppel must remember between runs and share between workers.
//!
//! The store is a set of role traits — [`CursorStore`], [`IdMap`], [`ContentHashes`],
//! [`ClaimStore`], [`InboxStore`], [`DeadLetterStore`], [`RunLog`], [`SecretStore`],
//! [`LeaseStore`], [`StoreOverview`] — so a custom store implements what a flow needs: the orders
//! flow takes an [`OrdersState`], the stock flow a [`StockState`], an OAuth token store a
//! [`TokenState`]. [`StateStore`] is all of them at once. Three implementations:
//!
//! | store | feature | for |
//! | --- | --- | --- |
//! | [`MemoryStateStore`] | always | tests and throw-away runs |
//! | `SqliteStateStore` | `sqlite` | one process, embedded (rusqlite, bundled SQLite) |
//! | `PostgresStateStore` | `postgres` | several workers on one database |
//!
//! Every one passes the same conformance suite, which a custom store can run against itself
//! (`sync_core::testing::conformance`, feature `testing`).
//!
//! [`open`] picks one from a URL: `memory://`, `sqlite::memory:`, `sqlite://path/to/state.db`
//! (`sqlite:///abs/path.db` for an absolute path) or `postgres://user@host/db`.
//!
//! Scopes are plain strings: a `connection` names one shop/administration pair (for example
//! `"default"`), a `flow` one of `"orders"`, `"stock"`, `"products"`, `"customers"`. What an id-map
//! entry or a content hash is about is an [`IdKind`] or a [`HashKind`]; a dead letter's key a
//! [`RecordKey`]; an activity entry's stage, outcome and direction are [`ActivityStage`],
//! [`ActivityOutcome`] and [`Direction`].
//!
//! Every method that depends on the clock takes `now` (or a timestamp in its record), so callers
//! decide the time and tests never sleep. Timestamps are kept at microsecond precision.
//!
//! ```
//! use chrono::Utc;
//! use sync_core::state::{self, ClaimOutcome, Cursor, IdKind};
//!
//! # async fn demo() -> Result<(), sync_core::state::StateError> {
//! let store = state::open("memory://").await?;
//! let now = Utc::now();
//! if let ClaimOutcome::Claimed { token } = store.try_claim("default", "order:1001", "worker-1", now).await? {
//!     // … write the order to AccountView, which answers with booking 2024-0042 …
//!     assert!(store.confirm_claim("default", "order:1001", token, "2024-0042").await?);
//!     store.link("default", &IdKind::Order, "1001", "2024-0042").await?;
//!     // Only now that the target acknowledged, move the cursor.
//!     store.put_cursor("default", "orders", &Cursor::new(now, ["1001"], now)).await?;
//! }
//! assert_eq!(store.lookup("default", &IdKind::Order, "1001").await?.as_deref(), Some("2024-0042"));
//! # Ok(()) }
//! # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::SecretString;

mod error;
mod kinds;
mod memory;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod migrations;
mod options;
#[cfg(feature = "postgres")]
mod postgres;
mod records;
pub mod redact;
mod rules;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod statements;

pub use error::{BoxError, StateError};
pub use kinds::{
    ActivityOutcome, ActivityStage, Direction, HashKind, IdKind, RecordKey, RecordKind,
};

/// Every role trait in one import, for code that calls store methods on a concrete store type
/// (`use sync_core::state::prelude::*;`). Code holding a `dyn StateStore` needs none of it.
pub mod prelude {
    pub use super::{
        ClaimStore, ContentHashes, CursorStore, DeadLetterStore, IdMap, InboxStore, LeaseStore,
        OrdersState, RunLog, SecretStore, StateStore, StockState, StoreOverview, TokenState,
    };
}
pub use memory::MemoryStateStore;
pub use options::{RetrySchedule, StoreOptions};
#[cfg(feature = "postgres")]
pub use postgres::{PostgresOptions, PostgresStateStore};
pub use records::{
    ActivityEntry, ActivityFilter, ActivityId, ActivityRecord, ClaimOutcome, ClaimToken,
    ConnectionSummary, ContentHash, Cursor, DeadLetter, DeadLetterFilter, DeadLetterId,
    DeadLetterStatus, HashOrigin, InboxItem, Lease, NewDeadLetter, RunFilter, RunFinish, RunId,
    RunRecord, RunStart, StoreStats, truncate_to_micros,
};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStateStore;

/// How far each flow has read its source, per (connection, flow).
///
/// One of the role traits of [`StateStore`]; object safe, so flows can hold it as `dyn`.
#[async_trait]
pub trait CursorStore: Send + Sync {
    /// The cursor of a flow, if it ever stored one.
    async fn get_cursor(&self, connection: &str, flow: &str) -> Result<Option<Cursor>, StateError>;

    /// Stores the cursor of a flow (replacing the previous one).
    ///
    /// **Contract:** call this only after the target acknowledged every record at or before
    /// `cursor.position` (and the ones in `cursor.boundary`). A cursor is a promise that those
    /// records are durable in the target; writing it earlier loses records on a crash. Never write
    /// a cursor for a failed or empty run just to "save progress" with a reset value.
    async fn put_cursor(
        &self,
        connection: &str,
        flow: &str,
        cursor: &Cursor,
    ) -> Result<(), StateError>;

    /// Forgets the cursor of a flow (the next run starts from its configured beginning).
    /// Returns whether there was one.
    async fn delete_cursor(&self, connection: &str, flow: &str) -> Result<bool, StateError>;
}

/// Links between a record's id in one system and its id in the other, per connection and kind.
///
/// One of the role traits of [`StateStore`]; object safe, so flows can hold it as `dyn`.
#[async_trait]
pub trait IdMap: Send + Sync {
    /// Records that `source_id` corresponds to `target_id` (replacing an earlier link of `source_id`).
    async fn link(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
        target_id: &str,
    ) -> Result<(), StateError>;

    /// The target id linked to `source_id`.
    async fn lookup(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
    ) -> Result<Option<String>, StateError>;

    /// Every source id linked to `target_id`, sorted (several e-mail addresses can share one
    /// collective debtor, so this is a list).
    async fn reverse_lookup(
        &self,
        connection: &str,
        kind: &IdKind,
        target_id: &str,
    ) -> Result<Vec<String>, StateError>;

    /// Removes the link of `source_id`; returns whether there was one.
    async fn unlink(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
    ) -> Result<bool, StateError>;
}

/// The hash of what a target record last contained, and who wrote it (changed-only writes, echo
/// suppression).
///
/// One of the role traits of [`StateStore`]; object safe, so flows can hold it as `dyn`.
#[async_trait]
pub trait ContentHashes: Send + Sync {
    /// The hash last recorded for a target record.
    async fn get_hash(
        &self,
        connection: &str,
        kind: &HashKind,
        target_id: &str,
    ) -> Result<Option<ContentHash>, StateError>;

    /// Records the hash of what a target record now contains, and who wrote it.
    async fn put_hash(
        &self,
        connection: &str,
        kind: &HashKind,
        target_id: &str,
        hash: &ContentHash,
    ) -> Result<(), StateError>;
}

/// Idempotency claims with fencing tokens: one owner per record while it is written to a target.
///
/// One of the role traits of [`StateStore`]; object safe, so flows can hold it as `dyn`.
#[async_trait]
pub trait ClaimStore: Send + Sync {
    /// Claims `key` for `owner` before writing to the target. Atomic: of two concurrent calls on
    /// the same key exactly one gets [`ClaimOutcome::Claimed`] (with a fresh fencing token). The
    /// claim goes stale at `now +` [`StoreOptions::claim_stale_after`] unless renewed; a stale claim
    /// is reported as [`ClaimOutcome::Stale`] and is **not** taken over: look the record up in the
    /// target, then `take_over_claim`.
    ///
    /// Stores whose workers may run on several hosts time claims by the database's clock
    /// ([`StoreOptions::database_clock`]); the others use `now`.
    async fn try_claim(
        &self,
        connection: &str,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StateError>;

    /// Takes over a stale claim (or claims a free key) for `owner`, with a new fencing token.
    /// Atomic: when two callers both saw the claim as stale, only one gets `Claimed`; the other sees
    /// the fresh claim `InFlight`. A claim that is not stale is not taken over.
    async fn take_over_claim(
        &self,
        connection: &str,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StateError>;

    /// Keeps an unconfirmed claim the caller still holds (`token` matches) from going stale for
    /// `hold` from now: the heartbeat of a record in progress (`hold` = the stale age), or a claim
    /// parked after an ambiguous write until the target had time to show it (`hold` = that time).
    /// `false` when the claim is no longer the caller's (taken over, released or confirmed): stop,
    /// and write nothing.
    async fn renew_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
        hold: Duration,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError>;

    /// Marks `key` as done with the id the target gave the record, if the caller still holds the
    /// claim (`token` matches) — or it is already confirmed with the same id. Later claims answer
    /// [`ClaimOutcome::AlreadyDone`]. `false` when the claim was lost: someone else owns the key now.
    async fn confirm_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
        target_id: &str,
    ) -> Result<bool, StateError>;

    /// Gives up an unconfirmed claim the caller holds (`token` matches) after a failed write, so the
    /// record can be tried again. Confirmed claims and other owners' claims are kept. Returns whether
    /// a claim was released.
    async fn release_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
    ) -> Result<bool, StateError>;

    /// How long an unconfirmed claim lasts without a renewal ([`StoreOptions::claim_stale_after`]):
    /// flows renew claims well within it and stop work on a record before it runs out.
    fn claim_stale_after(&self) -> Duration {
        StoreOptions::default().claim_stale_after
    }
}

/// Records announced for processing (by webhooks) and kept until they are done.
///
/// One of the role traits of [`StateStore`]; object safe, so flows can hold it as `dyn`.
#[async_trait]
pub trait InboxStore: Send + Sync {
    /// Records that `key` was announced for processing in `flow` (a webhook said the order changed)
    /// so the announcement survives a crash. Announcing a waiting key again bumps its version.
    /// Returns whether the key was newly queued.
    async fn enqueue(
        &self,
        connection: &str,
        flow: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError>;

    /// Up to `limit` waiting items of a flow, oldest first.
    async fn pending_inbox(
        &self,
        connection: &str,
        flow: &str,
        limit: usize,
    ) -> Result<Vec<InboxItem>, StateError>;

    /// Removes an item after its record was processed, unless it was announced again since it was
    /// read (its version moved on). Returns whether it was removed.
    async fn ack_inbox(
        &self,
        connection: &str,
        flow: &str,
        key: &str,
        version: i64,
    ) -> Result<bool, StateError>;
}

/// Records that failed, with their reason and a retry schedule.
///
/// One of the role traits of [`StateStore`]; object safe, so flows can hold it as `dyn`.
#[async_trait]
pub trait DeadLetterStore: Send + Sync {
    /// Stores a failed record, one letter per (connection, flow, record key). A pending letter for
    /// the key gets its attempts incremented and payloads and error replaced; a replayed or dropped
    /// one becomes a new pending incident (attempts 1). `next_attempt_at` follows
    /// [`StoreOptions::dead_letter_retry`].
    async fn put_dead_letter(&self, letter: &NewDeadLetter) -> Result<DeadLetter, StateError>;

    /// One dead letter by id.
    async fn get_dead_letter(&self, id: DeadLetterId) -> Result<Option<DeadLetter>, StateError>;

    /// Dead letters matching the filter, by id.
    async fn list_dead_letters(
        &self,
        filter: &DeadLetterFilter,
    ) -> Result<Vec<DeadLetter>, StateError>;

    /// Pending letters of a flow whose retry is due at `now` and that have attempts left, in due order.
    async fn due_dead_letters(
        &self,
        connection: &str,
        flow: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<DeadLetter>, StateError>;

    /// Marks a letter as successfully replayed. [`StateError::NotFound`] if it does not exist.
    async fn mark_dead_letter_replayed(&self, id: DeadLetterId) -> Result<(), StateError>;

    /// Marks a letter as dropped (kept for the record, never retried).
    /// [`StateError::NotFound`] if it does not exist.
    async fn drop_dead_letter(&self, id: DeadLetterId) -> Result<(), StateError>;
}

/// Runs and the activity log.
///
/// One of the role traits of [`StateStore`]; object safe, so flows can hold it as `dyn`.
#[async_trait]
pub trait RunLog: Send + Sync {
    /// Records the start of a run and returns its id.
    async fn begin_run(&self, start: &RunStart) -> Result<RunId, StateError>;

    /// Records how a run ended. [`StateError::NotFound`] if the run does not exist.
    async fn finish_run(&self, id: RunId, finish: &RunFinish) -> Result<(), StateError>;

    /// One run by id.
    async fn get_run(&self, id: RunId) -> Result<Option<RunRecord>, StateError>;

    /// Up to `limit` runs matching the filter, newest first.
    async fn list_runs(
        &self,
        filter: &RunFilter,
        limit: usize,
    ) -> Result<Vec<RunRecord>, StateError>;

    /// Appends an activity log entry (its payloads redacted first when
    /// [`StoreOptions::redact_personal_data`] is on).
    async fn log_activity(&self, entry: &ActivityEntry) -> Result<ActivityId, StateError>;

    /// Activity entries matching the filter.
    async fn list_activity(
        &self,
        filter: &ActivityFilter,
    ) -> Result<Vec<ActivityRecord>, StateError>;

    /// Retention: deletes every activity entry (payloads, keys and messages) logged before
    /// `older_than`; returns how many were deleted. Runs and their reports stay.
    async fn purge_activity(&self, older_than: DateTime<Utc>) -> Result<u64, StateError>;

    /// Redacts the payloads of entries logged before `older_than` that were not redacted yet;
    /// returns how many entries were redacted.
    async fn redact_activity(&self, older_than: DateTime<Utc>) -> Result<u64, StateError>;
}

/// Secrets such as OAuth refresh tokens.
///
/// One of the role traits of [`StateStore`]; object safe, so flows can hold it as `dyn`.
#[async_trait]
pub trait SecretStore: Send + Sync {
    /// A stored secret (for example an OAuth refresh token), by name.
    async fn load_secret(&self, key: &str) -> Result<Option<SecretString>, StateError>;

    /// Stores a secret, atomically replacing the previous value (a reader sees the old or the new
    /// value, never a mix or nothing).
    async fn save_secret(&self, key: &str, value: &SecretString) -> Result<(), StateError>;

    /// Removes a secret; returns whether there was one.
    async fn delete_secret(&self, key: &str) -> Result<bool, StateError>;
}

/// Work leases: one worker runs a flow of a connection at a time.
///
/// One of the role traits of [`StateStore`]; object safe, so flows can hold it as `dyn`.
#[async_trait]
pub trait LeaseStore: Send + Sync {
    /// Acquires the lease of (connection, flow) for `holder` until `now + ttl`, if it is free, has
    /// expired (`expires_at <= now`) or is already held by `holder` (then it is extended). Atomic:
    /// two workers never hold the same lease at once. `None` when someone else holds it.
    ///
    /// A lease dies with its holder as soon as the store can tell: the SQLite store also holds an
    /// operating-system lock beside the database file, which the kernel frees when the holding
    /// process dies, so a crashed worker's lease is free at once; the PostgreSQL store times leases
    /// by the database's clock ([`StoreOptions::database_clock`]), so hosts with skewed clocks agree
    /// on expiry. Holders keep a short `ttl` and renew it while they work.
    async fn acquire_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError>;

    /// Extends a lease `holder` still holds (not expired) to `now + ttl`. `None` means the lease
    /// was lost: stop working on the flow.
    async fn renew_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError>;

    /// Releases a lease `holder` holds; returns whether it did.
    async fn release_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
    ) -> Result<bool, StateError>;
}

/// Totals and per-connection summaries, for operators.
///
/// One of the role traits of [`StateStore`]; object safe, so flows can hold it as `dyn`.
#[async_trait]
pub trait StoreOverview: Send + Sync {
    /// Totals over the whole store.
    async fn stats(&self) -> Result<StoreStats, StateError>;

    /// The state of one connection: cursors, id-map counts per kind, pending dead letters, the
    /// latest run per flow, leases.
    async fn summary(&self, connection: &str) -> Result<ConnectionSummary, StateError>;
}

/// Everything Koppel remembers: every role trait at once. Implement the role traits and this comes
/// for free; flows take only the roles they use ([`OrdersState`], [`StockState`]).
///
/// Every implementation passes the same conformance suite (`sync_core::testing::conformance`, feature
/// `testing`).
pub trait StateStore: OrdersState + StockState + TokenState + StoreOverview + fmt::Debug {}

impl<T> StateStore for T where T: OrdersState + StockState + TokenState + StoreOverview + fmt::Debug {}

/// The roles the orders flow uses: cursors, the id map, content hashes, claims, the inbox, dead
/// letters, runs and activity, and leases.
pub trait OrdersState:
    CursorStore
    + IdMap
    + ContentHashes
    + ClaimStore
    + InboxStore
    + DeadLetterStore
    + RunLog
    + LeaseStore
{
}

impl<T> OrdersState for T where
    T: CursorStore
        + IdMap
        + ContentHashes
        + ClaimStore
        + InboxStore
        + DeadLetterStore
        + RunLog
        + LeaseStore
{
}

/// The roles an OAuth token store over the state store uses: secrets, and a lease that serialises
/// token refreshes across processes.
pub trait TokenState: SecretStore + LeaseStore {}

impl<T> TokenState for T where T: SecretStore + LeaseStore {}

/// The roles the stock flow uses: the id map, content hashes, runs and activity, and leases.
pub trait StockState: IdMap + ContentHashes + RunLog + LeaseStore {}

impl<T> StockState for T where T: IdMap + ContentHashes + RunLog + LeaseStore {}

/// Opens the state store a URL names, with default options. See [`open_with`].
pub async fn open(url: &str) -> Result<Arc<dyn StateStore>, StateError> {
    open_with(url, StoreOptions::default()).await
}

/// Opens the state store a URL names:
///
/// * `memory://` – a fresh [`MemoryStateStore`];
/// * `sqlite::memory:` or `sqlite://:memory:` – a private in-memory SQLite database;
/// * `sqlite://state.db` (relative) or `sqlite:///var/lib/koppel/state.db` (absolute) – a SQLite
///   file, created and migrated if needed (feature `sqlite`);
/// * `postgres://…` or `postgresql://…` – a PostgreSQL database, migrated if needed (feature
///   `postgres`; use `PostgresStateStore::connect` for a schema or pool settings).
///
/// A backend whose feature is off gives [`StateError::BackendDisabled`]; an unknown scheme
/// [`StateError::UnsupportedUrl`] (which names the scheme only, never the rest of the URL).
pub async fn open_with(
    url: &str,
    options: StoreOptions,
) -> Result<Arc<dyn StateStore>, StateError> {
    let url = url.trim();
    let scheme = url.split_once(':').map_or(url, |(scheme, _)| scheme);
    match scheme.to_ascii_lowercase().as_str() {
        "memory" => Ok(Arc::new(MemoryStateStore::with_options(options))),
        "sqlite" => open_sqlite(url, options).await,
        "postgres" | "postgresql" => open_postgres(url, options).await,
        _ => Err(StateError::UnsupportedUrl {
            scheme: scheme.chars().take(32).collect(),
        }),
    }
}

#[cfg(feature = "sqlite")]
async fn open_sqlite(url: &str, options: StoreOptions) -> Result<Arc<dyn StateStore>, StateError> {
    let rest = &url["sqlite:".len()..];
    if rest == ":memory:" || rest == "//:memory:" {
        return Ok(Arc::new(
            SqliteStateStore::open_in_memory_with(options).await?,
        ));
    }
    let path = rest.strip_prefix("//").ok_or_else(|| {
        StateError::InvalidConfig("a SQLite URL is sqlite://<path> or sqlite::memory:".into())
    })?;
    if path.is_empty() {
        return Err(StateError::InvalidConfig(
            "the SQLite URL has no path".into(),
        ));
    }
    Ok(Arc::new(SqliteStateStore::open_with(path, options).await?))
}

#[cfg(not(feature = "sqlite"))]
async fn open_sqlite(
    _url: &str,
    _options: StoreOptions,
) -> Result<Arc<dyn StateStore>, StateError> {
    Err(StateError::BackendDisabled {
        backend: "SQLite",
        feature: "sqlite",
    })
}

#[cfg(feature = "postgres")]
async fn open_postgres(
    url: &str,
    options: StoreOptions,
) -> Result<Arc<dyn StateStore>, StateError> {
    let options = PostgresOptions::default().with_store(options);
    Ok(Arc::new(PostgresStateStore::connect(url, options).await?))
}

#[cfg(not(feature = "postgres"))]
async fn open_postgres(
    _url: &str,
    _options: StoreOptions,
) -> Result<Arc<dyn StateStore>, StateError> {
    Err(StateError::BackendDisabled {
        backend: "PostgreSQL",
        feature: "postgres",
    })
}
