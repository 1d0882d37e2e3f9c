//! [`SqliteStateStore`]: the embedded default (rusqlite with bundled SQLite).
//!
//! One connection per store handle behind a `std::sync::Mutex`; every call runs on tokio's
//! blocking pool (`spawn_blocking`) so the async runtime never waits on disk. The database is in
//! WAL mode with a busy timeout, so several handles or processes can share one file: writes that
//! must be atomic take the write lock up front (`BEGIN IMMEDIATE`) or are one statement.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use secrecy::SecretString;

use super::options::StoreOptions;
use super::records::*;
use super::{
    ClaimStore, ContentHashes, CursorStore, DeadLetterStore, HashKind, IdKind, IdMap, InboxStore,
    LeaseStore, RunLog, SecretStore, StateError, StoreOverview,
};

mod coordination;
mod journal;
mod keyed;
mod lease_locks;
mod overview;
mod rows;
mod setup;

/// A state store in a SQLite database (a file, or private memory for tests).
#[derive(Clone)]
pub struct SqliteStateStore {
    conn: Arc<Mutex<Connection>>,
    options: Arc<StoreOptions>,
    location: Arc<str>,
    lease_locks: Arc<lease_locks::LeaseLocks>,
}

impl fmt::Debug for SqliteStateStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStateStore")
            .field("location", &self.location)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl SqliteStateStore {
    /// Opens (creating if needed) the database file at `path` with default options and applies
    /// pending migrations.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StateError> {
        Self::open_with(path, StoreOptions::default()).await
    }

    /// Opens the database file at `path` with these options.
    pub async fn open_with(
        path: impl AsRef<Path>,
        options: StoreOptions,
    ) -> Result<Self, StateError> {
        let path: PathBuf = path.as_ref().to_owned();
        let location = path.display().to_string();
        let locks = lease_locks::LeaseLocks::new(Some(&path));
        let conn = tokio::task::spawn_blocking(move || setup::open_waiting(&path)).await??;
        Ok(Self::from_connection(conn, options, location, locks))
    }

    /// A fresh private in-memory database with default options (gone when the store is dropped).
    pub async fn open_in_memory() -> Result<Self, StateError> {
        Self::open_in_memory_with(StoreOptions::default()).await
    }

    /// A fresh private in-memory database with these options.
    pub async fn open_in_memory_with(options: StoreOptions) -> Result<Self, StateError> {
        let conn = tokio::task::spawn_blocking(|| {
            let mut conn = Connection::open_in_memory()?;
            setup::prepare(&mut conn)?;
            Ok::<_, StateError>(conn)
        })
        .await??;
        let locks = lease_locks::LeaseLocks::new(None);
        Ok(Self::from_connection(
            conn,
            options,
            ":memory:".into(),
            locks,
        ))
    }

    fn from_connection(
        conn: Connection,
        options: StoreOptions,
        location: String,
        lease_locks: lease_locks::LeaseLocks,
    ) -> Self {
        SqliteStateStore {
            conn: Arc::new(Mutex::new(conn)),
            options: Arc::new(options),
            location: location.into(),
            lease_locks: Arc::new(lease_locks),
        }
    }

    /// The options this store was opened with.
    pub fn options(&self) -> &StoreOptions {
        &self.options
    }

    /// Runs `work` on the blocking pool with the connection locked.
    async fn run<T, F>(&self, work: F) -> Result<T, StateError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, &StoreOptions) -> Result<T, StateError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        let options = Arc::clone(&self.options);
        tokio::task::spawn_blocking(move || {
            // A panic while the lock was held cannot leave a transaction open (rusqlite rolls back
            // on drop), so the connection is still sound: take it back instead of failing forever.
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            work(&mut conn, &options)
        })
        .await?
    }
}

/// Moves owned copies of the named arguments into a blocking call.
macro_rules! blocking {
    ($store:ident, ($($arg:ident),*), |$conn:ident, $options:pat_param| $body:expr) => {{
        $(let $arg = $arg.to_owned();)*
        $store.run(move |$conn, $options| $body).await
    }};
}

#[async_trait]
impl CursorStore for SqliteStateStore {
    async fn get_cursor(&self, connection: &str, flow: &str) -> Result<Option<Cursor>, StateError> {
        blocking!(self, (connection, flow), |c, _| keyed::get_cursor(
            c,
            &connection,
            &flow
        ))
    }

    async fn put_cursor(
        &self,
        connection: &str,
        flow: &str,
        cursor: &Cursor,
    ) -> Result<(), StateError> {
        blocking!(self, (connection, flow, cursor), |c, _| keyed::put_cursor(
            c,
            &connection,
            &flow,
            &cursor
        ))
    }

    async fn delete_cursor(&self, connection: &str, flow: &str) -> Result<bool, StateError> {
        blocking!(self, (connection, flow), |c, _| keyed::delete_cursor(
            c,
            &connection,
            &flow
        ))
    }
}

#[async_trait]
impl IdMap for SqliteStateStore {
    async fn link(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
        target_id: &str,
    ) -> Result<(), StateError> {
        let kind = kind.as_str();
        blocking!(self, (connection, kind, source_id, target_id), |c, _| {
            keyed::link(c, [&connection, &kind, &source_id], &target_id)
        })
    }

    async fn lookup(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
    ) -> Result<Option<String>, StateError> {
        let kind = kind.as_str();
        blocking!(self, (connection, kind, source_id), |c, _| keyed::lookup(
            c,
            [&connection, &kind, &source_id]
        ))
    }

    async fn reverse_lookup(
        &self,
        connection: &str,
        kind: &IdKind,
        target_id: &str,
    ) -> Result<Vec<String>, StateError> {
        let kind = kind.as_str();
        blocking!(self, (connection, kind, target_id), |c, _| {
            keyed::reverse_lookup(c, [&connection, &kind, &target_id])
        })
    }

    async fn unlink(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
    ) -> Result<bool, StateError> {
        let kind = kind.as_str();
        blocking!(self, (connection, kind, source_id), |c, _| keyed::unlink(
            c,
            [&connection, &kind, &source_id]
        ))
    }
}

#[async_trait]
impl ContentHashes for SqliteStateStore {
    async fn get_hash(
        &self,
        connection: &str,
        kind: &HashKind,
        target_id: &str,
    ) -> Result<Option<ContentHash>, StateError> {
        let kind = kind.as_str();
        blocking!(self, (connection, kind, target_id), |c, _| keyed::get_hash(
            c,
            [&connection, &kind, &target_id]
        ))
    }

    async fn put_hash(
        &self,
        connection: &str,
        kind: &HashKind,
        target_id: &str,
        hash: &ContentHash,
    ) -> Result<(), StateError> {
        let kind = kind.as_str();
        blocking!(self, (connection, kind, target_id, hash), |c, _| {
            keyed::put_hash(c, [&connection, &kind, &target_id], &hash)
        })
    }
}

#[async_trait]
impl ClaimStore for SqliteStateStore {
    async fn try_claim(
        &self,
        connection: &str,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StateError> {
        blocking!(self, (connection, key, owner), |c, o| {
            coordination::try_claim(c, o, [&connection, &key, &owner], now)
        })
    }

    async fn take_over_claim(
        &self,
        connection: &str,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StateError> {
        blocking!(self, (connection, key, owner), |c, o| {
            coordination::take_over_claim(c, o, [&connection, &key, &owner], now)
        })
    }

    async fn renew_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
        hold: Duration,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        blocking!(self, (connection, key), |c, _| {
            coordination::renew_claim(c, [&connection, &key], token, hold, now)
        })
    }

    async fn confirm_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
        target_id: &str,
    ) -> Result<bool, StateError> {
        blocking!(self, (connection, key, target_id), |c, _| {
            coordination::confirm_claim(c, [&connection, &key, &target_id], token)
        })
    }

    async fn release_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
    ) -> Result<bool, StateError> {
        blocking!(self, (connection, key), |c, _| {
            coordination::release_claim(c, [&connection, &key], token)
        })
    }

    fn claim_stale_after(&self) -> Duration {
        self.options.claim_stale_after
    }
}

#[async_trait]
impl InboxStore for SqliteStateStore {
    async fn enqueue(
        &self,
        connection: &str,
        flow: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        blocking!(self, (connection, flow, key), |c, _| {
            coordination::enqueue(c, [&connection, &flow, &key], now)
        })
    }

    async fn pending_inbox(
        &self,
        connection: &str,
        flow: &str,
        limit: usize,
    ) -> Result<Vec<InboxItem>, StateError> {
        blocking!(self, (connection, flow), |c, _| {
            coordination::pending_inbox(c, [&connection, &flow], limit)
        })
    }

    async fn ack_inbox(
        &self,
        connection: &str,
        flow: &str,
        key: &str,
        version: i64,
    ) -> Result<bool, StateError> {
        blocking!(self, (connection, flow, key), |c, _| {
            coordination::ack_inbox(c, [&connection, &flow, &key], version)
        })
    }
}

#[async_trait]
impl DeadLetterStore for SqliteStateStore {
    async fn put_dead_letter(&self, letter: &NewDeadLetter) -> Result<DeadLetter, StateError> {
        blocking!(self, (letter), |c, o| journal::put_dead_letter(
            c, o, &letter
        ))
    }

    async fn get_dead_letter(&self, id: DeadLetterId) -> Result<Option<DeadLetter>, StateError> {
        blocking!(self, (), |c, _| journal::get_dead_letter(c, id))
    }

    async fn list_dead_letters(
        &self,
        filter: &DeadLetterFilter,
    ) -> Result<Vec<DeadLetter>, StateError> {
        blocking!(self, (filter), |c, _| journal::list_dead_letters(
            c, &filter
        ))
    }

    async fn due_dead_letters(
        &self,
        connection: &str,
        flow: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<DeadLetter>, StateError> {
        blocking!(self, (connection, flow), |c, o| {
            journal::due_dead_letters(c, o, [&connection, &flow], now)
        })
    }

    async fn mark_dead_letter_replayed(&self, id: DeadLetterId) -> Result<(), StateError> {
        blocking!(self, (), |c, _| journal::set_dead_letter_status(
            c,
            id,
            DeadLetterStatus::Replayed
        ))
    }

    async fn drop_dead_letter(&self, id: DeadLetterId) -> Result<(), StateError> {
        blocking!(self, (), |c, _| journal::set_dead_letter_status(
            c,
            id,
            DeadLetterStatus::Dropped
        ))
    }
}

#[async_trait]
impl RunLog for SqliteStateStore {
    async fn begin_run(&self, start: &RunStart) -> Result<RunId, StateError> {
        blocking!(self, (start), |c, _| journal::begin_run(c, &start))
    }

    async fn finish_run(&self, id: RunId, finish: &RunFinish) -> Result<(), StateError> {
        blocking!(self, (finish), |c, _| journal::finish_run(c, id, &finish))
    }

    async fn get_run(&self, id: RunId) -> Result<Option<RunRecord>, StateError> {
        blocking!(self, (), |c, _| journal::get_run(c, id))
    }

    async fn list_runs(
        &self,
        filter: &RunFilter,
        limit: usize,
    ) -> Result<Vec<RunRecord>, StateError> {
        blocking!(self, (filter), |c, _| journal::list_runs(c, &filter, limit))
    }

    async fn log_activity(&self, entry: &ActivityEntry) -> Result<ActivityId, StateError> {
        blocking!(self, (entry), |c, o| journal::log_activity(c, o, &entry))
    }

    async fn list_activity(
        &self,
        filter: &ActivityFilter,
    ) -> Result<Vec<ActivityRecord>, StateError> {
        blocking!(self, (filter), |c, _| journal::list_activity(c, &filter))
    }

    async fn purge_activity(&self, older_than: DateTime<Utc>) -> Result<u64, StateError> {
        let purged = blocking!(self, (), |c, _| journal::purge_activity(c, older_than))?;
        tracing::info!(purged, %older_than, "purged activity log entries");
        Ok(purged)
    }

    async fn redact_activity(&self, older_than: DateTime<Utc>) -> Result<u64, StateError> {
        let redacted = blocking!(self, (), |c, _| journal::redact_activity(c, older_than))?;
        tracing::info!(redacted, %older_than, "redacted activity log entries");
        Ok(redacted)
    }
}

#[async_trait]
impl SecretStore for SqliteStateStore {
    async fn load_secret(&self, key: &str) -> Result<Option<SecretString>, StateError> {
        blocking!(self, (key), |c, _| keyed::load_secret(c, &key))
    }

    async fn save_secret(&self, key: &str, value: &SecretString) -> Result<(), StateError> {
        blocking!(self, (key, value), |c, _| keyed::save_secret(
            c, &key, &value
        ))
    }

    async fn delete_secret(&self, key: &str) -> Result<bool, StateError> {
        blocking!(self, (key), |c, _| keyed::delete_secret(c, &key))
    }
}

#[async_trait]
impl LeaseStore for SqliteStateStore {
    async fn acquire_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError> {
        let locks = Arc::clone(&self.lease_locks);
        blocking!(self, (connection, flow, holder), |c, _| {
            coordination::acquire_lease(c, &locks, [&connection, &flow, &holder], ttl, now)
        })
    }

    async fn renew_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError> {
        let locks = Arc::clone(&self.lease_locks);
        blocking!(self, (connection, flow, holder), |c, _| {
            coordination::renew_lease(c, &locks, [&connection, &flow, &holder], ttl, now)
        })
    }

    async fn release_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
    ) -> Result<bool, StateError> {
        let locks = Arc::clone(&self.lease_locks);
        blocking!(self, (connection, flow, holder), |c, _| {
            coordination::release_lease(c, &locks, [&connection, &flow, &holder])
        })
    }
}

#[async_trait]
impl StoreOverview for SqliteStateStore {
    async fn stats(&self) -> Result<StoreStats, StateError> {
        blocking!(self, (), |c, _| overview::stats(c))
    }

    async fn summary(&self, connection: &str) -> Result<ConnectionSummary, StateError> {
        blocking!(self, (connection), |c, _| overview::summary(c, &connection))
    }
}
