//! [`MemoryStateStore`]: the state in maps behind one tokio mutex, so every call is atomic. For
//! tests, examples and runs whose state may be lost; clones share the same state (that is how a
//! "second handle" looks).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use tokio::sync::Mutex;

use super::options::StoreOptions;
use super::records::*;
use super::{
    ClaimStore, ContentHashes, CursorStore, DeadLetterStore, HashKind, IdKind, IdMap, InboxStore,
    LeaseStore, RunLog, SecretStore, StateError, StoreOverview,
};

mod coordination;
mod journal;
mod keyed;
mod overview;

type Scope2 = (String, String);
type Scope3 = (String, String, String);

fn key2(a: &str, b: &str) -> Scope2 {
    (a.to_owned(), b.to_owned())
}

fn key3(a: &str, b: &str, c: &str) -> Scope3 {
    (a.to_owned(), b.to_owned(), c.to_owned())
}

#[derive(Debug, Clone)]
struct Claim {
    stored: super::rules::StoredClaim,
    token: ClaimToken,
}

/// The state; the per-concern files add its operations.
#[derive(Default)]
struct Inner {
    cursors: BTreeMap<Scope2, Cursor>,
    id_map: BTreeMap<Scope3, String>,
    hashes: BTreeMap<Scope3, ContentHash>,
    claims: BTreeMap<Scope2, Claim>,
    dead_letters: BTreeMap<i64, DeadLetter>,
    runs: BTreeMap<i64, RunRecord>,
    activity: BTreeMap<i64, ActivityRecord>,
    secrets: BTreeMap<String, SecretString>,
    leases: BTreeMap<Scope2, Lease>,
    inbox: BTreeMap<Scope3, InboxItem>,
    last_id: i64,
}

impl Inner {
    /// Ids increase across all tables; every store only promises "unique and increasing".
    fn next_id(&mut self) -> i64 {
        self.last_id += 1;
        self.last_id
    }
}

/// A state store in memory. Cheap to clone; clones share the state.
#[derive(Clone, Default)]
pub struct MemoryStateStore {
    inner: Arc<Mutex<Inner>>,
    options: Arc<StoreOptions>,
}

impl fmt::Debug for MemoryStateStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStateStore")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl MemoryStateStore {
    /// An empty store with default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store with these options.
    pub fn with_options(options: StoreOptions) -> Self {
        MemoryStateStore {
            inner: Arc::default(),
            options: Arc::new(options),
        }
    }

    /// The options this store was created with.
    pub fn options(&self) -> &StoreOptions {
        &self.options
    }
}

#[async_trait]
impl CursorStore for MemoryStateStore {
    async fn get_cursor(&self, connection: &str, flow: &str) -> Result<Option<Cursor>, StateError> {
        Ok(self.inner.lock().await.get_cursor(connection, flow))
    }

    async fn put_cursor(
        &self,
        connection: &str,
        flow: &str,
        cursor: &Cursor,
    ) -> Result<(), StateError> {
        self.inner.lock().await.put_cursor(connection, flow, cursor);
        Ok(())
    }

    async fn delete_cursor(&self, connection: &str, flow: &str) -> Result<bool, StateError> {
        Ok(self.inner.lock().await.delete_cursor(connection, flow))
    }
}

#[async_trait]
impl IdMap for MemoryStateStore {
    async fn link(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
        target_id: &str,
    ) -> Result<(), StateError> {
        let kind = kind.as_str();
        self.inner
            .lock()
            .await
            .link([connection, kind, source_id], target_id);
        Ok(())
    }

    async fn lookup(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
    ) -> Result<Option<String>, StateError> {
        let kind = kind.as_str();
        Ok(self
            .inner
            .lock()
            .await
            .lookup([connection, kind, source_id]))
    }

    async fn reverse_lookup(
        &self,
        connection: &str,
        kind: &IdKind,
        target_id: &str,
    ) -> Result<Vec<String>, StateError> {
        let kind = kind.as_str();
        Ok(self
            .inner
            .lock()
            .await
            .reverse_lookup([connection, kind, target_id]))
    }

    async fn unlink(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
    ) -> Result<bool, StateError> {
        let kind = kind.as_str();
        Ok(self
            .inner
            .lock()
            .await
            .unlink([connection, kind, source_id]))
    }
}

#[async_trait]
impl ContentHashes for MemoryStateStore {
    async fn get_hash(
        &self,
        connection: &str,
        kind: &HashKind,
        target_id: &str,
    ) -> Result<Option<ContentHash>, StateError> {
        let kind = kind.as_str();
        Ok(self
            .inner
            .lock()
            .await
            .get_hash([connection, kind, target_id]))
    }

    async fn put_hash(
        &self,
        connection: &str,
        kind: &HashKind,
        target_id: &str,
        hash: &ContentHash,
    ) -> Result<(), StateError> {
        let kind = kind.as_str();
        self.inner
            .lock()
            .await
            .put_hash([connection, kind, target_id], hash);
        Ok(())
    }
}

#[async_trait]
impl ClaimStore for MemoryStateStore {
    async fn try_claim(
        &self,
        connection: &str,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .claim(&self.options, [connection, key, owner], now, false))
    }

    async fn take_over_claim(
        &self,
        connection: &str,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .claim(&self.options, [connection, key, owner], now, true))
    }

    async fn renew_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
        hold: Duration,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .renew_claim([connection, key], token, hold, now))
    }

    async fn confirm_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
        target_id: &str,
    ) -> Result<bool, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .confirm_claim([connection, key, target_id], token))
    }

    async fn release_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
    ) -> Result<bool, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .release_claim(connection, key, token))
    }

    fn claim_stale_after(&self) -> Duration {
        self.options.claim_stale_after
    }
}

#[async_trait]
impl InboxStore for MemoryStateStore {
    async fn enqueue(
        &self,
        connection: &str,
        flow: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .enqueue([connection, flow, key], now))
    }

    async fn pending_inbox(
        &self,
        connection: &str,
        flow: &str,
        limit: usize,
    ) -> Result<Vec<InboxItem>, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .pending_inbox(connection, flow, limit))
    }

    async fn ack_inbox(
        &self,
        connection: &str,
        flow: &str,
        key: &str,
        version: i64,
    ) -> Result<bool, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .ack_inbox([connection, flow, key], version))
    }
}

#[async_trait]
impl DeadLetterStore for MemoryStateStore {
    async fn put_dead_letter(&self, letter: &NewDeadLetter) -> Result<DeadLetter, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .put_dead_letter(&self.options, letter))
    }

    async fn get_dead_letter(&self, id: DeadLetterId) -> Result<Option<DeadLetter>, StateError> {
        Ok(self.inner.lock().await.get_dead_letter(id))
    }

    async fn list_dead_letters(
        &self,
        filter: &DeadLetterFilter,
    ) -> Result<Vec<DeadLetter>, StateError> {
        Ok(self.inner.lock().await.list_dead_letters(filter))
    }

    async fn due_dead_letters(
        &self,
        connection: &str,
        flow: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<DeadLetter>, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .due_dead_letters(&self.options, [connection, flow], now))
    }

    async fn mark_dead_letter_replayed(&self, id: DeadLetterId) -> Result<(), StateError> {
        self.inner
            .lock()
            .await
            .set_dead_letter_status(id, DeadLetterStatus::Replayed)
    }

    async fn drop_dead_letter(&self, id: DeadLetterId) -> Result<(), StateError> {
        self.inner
            .lock()
            .await
            .set_dead_letter_status(id, DeadLetterStatus::Dropped)
    }
}

#[async_trait]
impl RunLog for MemoryStateStore {
    async fn begin_run(&self, start: &RunStart) -> Result<RunId, StateError> {
        Ok(self.inner.lock().await.begin_run(start))
    }

    async fn finish_run(&self, id: RunId, finish: &RunFinish) -> Result<(), StateError> {
        self.inner.lock().await.finish_run(id, finish)
    }

    async fn get_run(&self, id: RunId) -> Result<Option<RunRecord>, StateError> {
        Ok(self.inner.lock().await.get_run(id))
    }

    async fn list_runs(
        &self,
        filter: &RunFilter,
        limit: usize,
    ) -> Result<Vec<RunRecord>, StateError> {
        Ok(self.inner.lock().await.list_runs(filter, limit))
    }

    async fn log_activity(&self, entry: &ActivityEntry) -> Result<ActivityId, StateError> {
        Ok(self.inner.lock().await.log_activity(&self.options, entry))
    }

    async fn list_activity(
        &self,
        filter: &ActivityFilter,
    ) -> Result<Vec<ActivityRecord>, StateError> {
        Ok(self.inner.lock().await.list_activity(filter))
    }

    async fn purge_activity(&self, older_than: DateTime<Utc>) -> Result<u64, StateError> {
        let purged = self.inner.lock().await.purge_activity(older_than);
        tracing::info!(purged, %older_than, "purged activity log entries");
        Ok(purged)
    }

    async fn redact_activity(&self, older_than: DateTime<Utc>) -> Result<u64, StateError> {
        let redacted = self.inner.lock().await.redact_activity(older_than);
        tracing::info!(redacted, %older_than, "redacted activity log entries");
        Ok(redacted)
    }
}

#[async_trait]
impl SecretStore for MemoryStateStore {
    async fn load_secret(&self, key: &str) -> Result<Option<SecretString>, StateError> {
        Ok(self.inner.lock().await.load_secret(key))
    }

    async fn save_secret(&self, key: &str, value: &SecretString) -> Result<(), StateError> {
        self.inner.lock().await.save_secret(key, value);
        Ok(())
    }

    async fn delete_secret(&self, key: &str) -> Result<bool, StateError> {
        Ok(self.inner.lock().await.delete_secret(key))
    }
}

#[async_trait]
impl LeaseStore for MemoryStateStore {
    async fn acquire_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError> {
        self.inner
            .lock()
            .await
            .acquire_lease([connection, flow, holder], ttl, now)
    }

    async fn renew_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError> {
        self.inner
            .lock()
            .await
            .renew_lease([connection, flow, holder], ttl, now)
    }

    async fn release_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
    ) -> Result<bool, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .release_lease([connection, flow, holder]))
    }
}

#[async_trait]
impl StoreOverview for MemoryStateStore {
    async fn stats(&self) -> Result<StoreStats, StateError> {
        Ok(self.inner.lock().await.stats())
    }

    async fn summary(&self, connection: &str) -> Result<ConnectionSummary, StateError> {
        Ok(self.inner.lock().await.summary(connection))
    }
}
