//! [`PostgresStateStore`]: for several workers sharing one database (tokio-postgres with a
//! deadpool connection pool).
//!
//! Everything lives in one schema (`public` unless [`PostgresOptions::schema`] names another, which
//! lets several installations, or parallel tests, share a database). Every session has
//! `search_path` set to that schema and a `statement_timeout`; connecting and waiting for a pooled
//! connection are bounded too. Connections are unencrypted (`NoTls`): use a local socket, a private
//! network or an SSL-terminating proxy; `sslmode=require` fails to connect.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_postgres::Pool;
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
mod overview;
mod rows;
mod setup;

/// How to connect to PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PostgresOptions {
    /// The options every store takes.
    pub store: StoreOptions,
    /// The schema to keep the tables in (created if missing); `None` for `public`. Lowercase
    /// letters, digits and `_` only.
    pub schema: Option<String>,
    /// Pool size. Default 8.
    pub max_connections: usize,
    /// Bound on establishing one connection (unless the URL sets `connect_timeout`). Default 10 s.
    pub connect_timeout: Duration,
    /// Bound on waiting for a free pooled connection. Default 30 s.
    pub pool_wait_timeout: Duration,
    /// Bound on any one statement (`statement_timeout`). Default 30 s.
    pub statement_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            store: StoreOptions::default(),
            schema: None,
            max_connections: 8,
            connect_timeout: Duration::from_secs(10),
            pool_wait_timeout: Duration::from_secs(30),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

impl PostgresOptions {
    /// Sets the store options.
    pub fn with_store(mut self, store: StoreOptions) -> Self {
        self.store = store;
        self
    }

    /// Keeps the tables in this schema.
    pub fn with_schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// Sets the pool size.
    pub fn with_max_connections(mut self, max_connections: usize) -> Self {
        self.max_connections = max_connections;
        self
    }

    /// Sets the connect timeout.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the bound on waiting for a pooled connection.
    pub fn with_pool_wait_timeout(mut self, timeout: Duration) -> Self {
        self.pool_wait_timeout = timeout;
        self
    }

    /// Sets the statement timeout.
    pub fn with_statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = timeout;
        self
    }
}

/// A state store in a PostgreSQL database. Cheap to clone; clones share the pool.
#[derive(Clone)]
pub struct PostgresStateStore {
    pool: Pool,
    options: Arc<StoreOptions>,
    schema: Arc<str>,
    target: Arc<str>,
}

impl fmt::Debug for PostgresStateStore {
    /// Shows `host:port/database` and the schema, never the user's password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStateStore")
            .field("target", &self.target)
            .field("schema", &self.schema)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl PostgresStateStore {
    /// Connects to the database a `postgres://` URL names, creates the schema if needed and
    /// applies pending migrations. Errors never quote the URL.
    pub async fn connect(url: &str, options: PostgresOptions) -> Result<Self, StateError> {
        let schema = setup::checked_schema(options.schema.as_deref())?;
        let config = setup::pg_config(url, &options, &schema)?;
        let target = setup::describe(&config);
        let pool = setup::pool(config, &options)?;
        setup::migrate(&pool, &schema).await?;
        tracing::debug!(%target, %schema, "connected to PostgreSQL state database");
        Ok(PostgresStateStore {
            pool,
            options: Arc::new(options.store),
            schema: schema.into(),
            target: target.into(),
        })
    }

    /// The schema the tables live in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// The options this store was opened with.
    pub fn options(&self) -> &StoreOptions {
        &self.options
    }

    async fn client(&self) -> Result<deadpool_postgres::Client, StateError> {
        Ok(self.pool.get().await?)
    }
}

#[async_trait]
impl CursorStore for PostgresStateStore {
    async fn get_cursor(&self, connection: &str, flow: &str) -> Result<Option<Cursor>, StateError> {
        keyed::get_cursor(&self.client().await?, connection, flow).await
    }

    async fn put_cursor(
        &self,
        connection: &str,
        flow: &str,
        cursor: &Cursor,
    ) -> Result<(), StateError> {
        keyed::put_cursor(&self.client().await?, connection, flow, cursor).await
    }

    async fn delete_cursor(&self, connection: &str, flow: &str) -> Result<bool, StateError> {
        keyed::delete_cursor(&self.client().await?, connection, flow).await
    }
}

#[async_trait]
impl IdMap for PostgresStateStore {
    async fn link(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
        target_id: &str,
    ) -> Result<(), StateError> {
        let kind = kind.as_str();
        keyed::link(
            &self.client().await?,
            [connection, kind, source_id],
            target_id,
        )
        .await
    }

    async fn lookup(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
    ) -> Result<Option<String>, StateError> {
        let kind = kind.as_str();
        keyed::lookup(&self.client().await?, [connection, kind, source_id]).await
    }

    async fn reverse_lookup(
        &self,
        connection: &str,
        kind: &IdKind,
        target_id: &str,
    ) -> Result<Vec<String>, StateError> {
        let kind = kind.as_str();
        keyed::reverse_lookup(&self.client().await?, [connection, kind, target_id]).await
    }

    async fn unlink(
        &self,
        connection: &str,
        kind: &IdKind,
        source_id: &str,
    ) -> Result<bool, StateError> {
        let kind = kind.as_str();
        keyed::unlink(&self.client().await?, [connection, kind, source_id]).await
    }
}

#[async_trait]
impl ContentHashes for PostgresStateStore {
    async fn get_hash(
        &self,
        connection: &str,
        kind: &HashKind,
        target_id: &str,
    ) -> Result<Option<ContentHash>, StateError> {
        let kind = kind.as_str();
        keyed::get_hash(&self.client().await?, [connection, kind, target_id]).await
    }

    async fn put_hash(
        &self,
        connection: &str,
        kind: &HashKind,
        target_id: &str,
        hash: &ContentHash,
    ) -> Result<(), StateError> {
        let kind = kind.as_str();
        keyed::put_hash(&self.client().await?, [connection, kind, target_id], hash).await
    }
}

#[async_trait]
impl ClaimStore for PostgresStateStore {
    async fn try_claim(
        &self,
        connection: &str,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StateError> {
        coordination::try_claim(
            &self.client().await?,
            &self.options,
            [connection, key, owner],
            now,
        )
        .await
    }

    async fn take_over_claim(
        &self,
        connection: &str,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StateError> {
        coordination::take_over_claim(
            &self.client().await?,
            &self.options,
            [connection, key, owner],
            now,
        )
        .await
    }

    async fn renew_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
        hold: Duration,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        coordination::renew_claim(
            &self.client().await?,
            &self.options,
            [connection, key],
            token,
            hold,
            now,
        )
        .await
    }

    async fn confirm_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
        target_id: &str,
    ) -> Result<bool, StateError> {
        coordination::confirm_claim(&self.client().await?, [connection, key, target_id], token)
            .await
    }

    async fn release_claim(
        &self,
        connection: &str,
        key: &str,
        token: ClaimToken,
    ) -> Result<bool, StateError> {
        coordination::release_claim(&self.client().await?, [connection, key], token).await
    }

    fn claim_stale_after(&self) -> Duration {
        self.options.claim_stale_after
    }
}

#[async_trait]
impl InboxStore for PostgresStateStore {
    async fn enqueue(
        &self,
        connection: &str,
        flow: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        coordination::enqueue(&self.client().await?, [connection, flow, key], now).await
    }

    async fn pending_inbox(
        &self,
        connection: &str,
        flow: &str,
        limit: usize,
    ) -> Result<Vec<InboxItem>, StateError> {
        coordination::pending_inbox(&self.client().await?, [connection, flow], limit).await
    }

    async fn ack_inbox(
        &self,
        connection: &str,
        flow: &str,
        key: &str,
        version: i64,
    ) -> Result<bool, StateError> {
        coordination::ack_inbox(&self.client().await?, [connection, flow, key], version).await
    }
}

#[async_trait]
impl DeadLetterStore for PostgresStateStore {
    async fn put_dead_letter(&self, letter: &NewDeadLetter) -> Result<DeadLetter, StateError> {
        journal::put_dead_letter(&mut self.client().await?, &self.options, letter).await
    }

    async fn get_dead_letter(&self, id: DeadLetterId) -> Result<Option<DeadLetter>, StateError> {
        journal::get_dead_letter(&self.client().await?, id).await
    }

    async fn list_dead_letters(
        &self,
        filter: &DeadLetterFilter,
    ) -> Result<Vec<DeadLetter>, StateError> {
        journal::list_dead_letters(&self.client().await?, filter).await
    }

    async fn due_dead_letters(
        &self,
        connection: &str,
        flow: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<DeadLetter>, StateError> {
        journal::due_dead_letters(
            &self.client().await?,
            &self.options,
            [connection, flow],
            now,
        )
        .await
    }

    async fn mark_dead_letter_replayed(&self, id: DeadLetterId) -> Result<(), StateError> {
        journal::set_dead_letter_status(&self.client().await?, id, DeadLetterStatus::Replayed).await
    }

    async fn drop_dead_letter(&self, id: DeadLetterId) -> Result<(), StateError> {
        journal::set_dead_letter_status(&self.client().await?, id, DeadLetterStatus::Dropped).await
    }
}

#[async_trait]
impl RunLog for PostgresStateStore {
    async fn begin_run(&self, start: &RunStart) -> Result<RunId, StateError> {
        journal::begin_run(&self.client().await?, start).await
    }

    async fn finish_run(&self, id: RunId, finish: &RunFinish) -> Result<(), StateError> {
        journal::finish_run(&self.client().await?, id, finish).await
    }

    async fn get_run(&self, id: RunId) -> Result<Option<RunRecord>, StateError> {
        journal::get_run(&self.client().await?, id).await
    }

    async fn list_runs(
        &self,
        filter: &RunFilter,
        limit: usize,
    ) -> Result<Vec<RunRecord>, StateError> {
        journal::list_runs(&self.client().await?, filter, limit).await
    }

    async fn log_activity(&self, entry: &ActivityEntry) -> Result<ActivityId, StateError> {
        journal::log_activity(&self.client().await?, &self.options, entry).await
    }

    async fn list_activity(
        &self,
        filter: &ActivityFilter,
    ) -> Result<Vec<ActivityRecord>, StateError> {
        journal::list_activity(&self.client().await?, filter).await
    }

    async fn purge_activity(&self, older_than: DateTime<Utc>) -> Result<u64, StateError> {
        let purged = journal::purge_activity(&self.client().await?, older_than).await?;
        tracing::info!(purged, %older_than, "purged activity log entries");
        Ok(purged)
    }

    async fn redact_activity(&self, older_than: DateTime<Utc>) -> Result<u64, StateError> {
        let redacted = journal::redact_activity(&mut self.client().await?, older_than).await?;
        tracing::info!(redacted, %older_than, "redacted activity log entries");
        Ok(redacted)
    }
}

#[async_trait]
impl SecretStore for PostgresStateStore {
    async fn load_secret(&self, key: &str) -> Result<Option<SecretString>, StateError> {
        keyed::load_secret(&self.client().await?, key).await
    }

    async fn save_secret(&self, key: &str, value: &SecretString) -> Result<(), StateError> {
        keyed::save_secret(&self.client().await?, key, value).await
    }

    async fn delete_secret(&self, key: &str) -> Result<bool, StateError> {
        keyed::delete_secret(&self.client().await?, key).await
    }
}

#[async_trait]
impl LeaseStore for PostgresStateStore {
    async fn acquire_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError> {
        coordination::acquire_lease(
            &self.client().await?,
            &self.options,
            [connection, flow, holder],
            ttl,
            now,
        )
        .await
    }

    async fn renew_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError> {
        coordination::renew_lease(
            &self.client().await?,
            &self.options,
            [connection, flow, holder],
            ttl,
            now,
        )
        .await
    }

    async fn release_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
    ) -> Result<bool, StateError> {
        coordination::release_lease(&self.client().await?, [connection, flow, holder]).await
    }
}

#[async_trait]
impl StoreOverview for PostgresStateStore {
    async fn stats(&self) -> Result<StoreStats, StateError> {
        overview::stats(&self.client().await?).await
    }

    async fn summary(&self, connection: &str) -> Result<ConnectionSummary, StateError> {
        overview::summary(&self.client().await?, connection).await
    }
}
