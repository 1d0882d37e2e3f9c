//! Opening a SQLite state database: pragmas, then the pending migrations.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::state::StateError;
use crate::state::migrations::{self, CREATE_MIGRATIONS_TABLE};

/// How long a call waits for another connection's write lock before failing as transient.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long opening a file waits, in all, while another process holds it busy.
const OPEN_WAIT: Duration = Duration::from_secs(60);

/// Opens the file and prepares it, waiting while another process holds it busy: some steps of the
/// opening (switching the journal mode, recovering a WAL left by a killed process) answer "busy"
/// without consulting the busy timeout, so a second worker started while the first one writes
/// would fail to start. They are tried again with a growing pause instead.
pub(super) fn open_waiting(path: &std::path::Path) -> Result<Connection, StateError> {
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(20);
    loop {
        let attempt = Connection::open(path)
            .map_err(StateError::from)
            .and_then(|mut conn| prepare(&mut conn).map(|()| conn));
        match attempt {
            Err(e) if e.is_transient() && started.elapsed() < OPEN_WAIT => {
                tracing::debug!(error = %e, "the state database is busy; waiting to open it");
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(1));
            }
            other => return other,
        }
    }
}

/// Sets the pragmas every connection needs and migrates the schema.
pub(super) fn prepare(conn: &mut Connection) -> Result<(), StateError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The store runs about 50 distinct statements; the default cache (16) would keep evicting.
    conn.set_prepared_statement_cache_capacity(64);
    // WAL: readers never block the writer and a second process can open the same file. An
    // in-memory database answers "memory", which is fine.
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    // FULL: a committed cursor or id-map entry survives a power cut, not just a process crash.
    conn.pragma_update(None, "synchronous", "FULL")?;
    tracing::debug!(journal_mode = %mode, "opened SQLite state database");
    migrate(conn)
}

/// Applies the pending migrations, each in its own IMMEDIATE transaction (which takes the write
/// lock first, so two processes opening the same file migrate one after the other).
fn migrate(conn: &mut Connection) -> Result<(), StateError> {
    conn.execute_batch(CREATE_MIGRATIONS_TABLE)?;
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: Option<i64> = tx
            .query_row("SELECT MAX(version) FROM schema_migrations", [], |row| {
                row.get(0)
            })
            .optional()?
            .flatten();
        let Some(migration) = migrations::pending(migrations::SQLITE, current)?.first() else {
            return Ok(());
        };
        let failed = |error: rusqlite::Error| StateError::Migration {
            version: migration.version,
            name: migration.name,
            source: Box::new(error),
        };
        tx.execute_batch(migration.sql).map_err(failed)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![
                migration.version,
                migration.name,
                Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
            ],
        )
        .map_err(failed)?;
        tx.commit().map_err(failed)?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applied SQLite state migration"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::prelude::*;
    use crate::state::{ClaimOutcome, SqliteStateStore};

    /// An unconfirmed claim written before claims had tokens and stale times (version 1) counts as
    /// stale after the upgrade: whoever meets it looks the record up before taking it over.
    #[tokio::test]
    async fn claims_from_version_1_are_stale_after_the_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(CREATE_MIGRATIONS_TABLE).unwrap();
            conn.execute_batch(migrations::SQLITE[0].sql).unwrap();
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'initial', 'x')",
                [],
            )
            .unwrap();
            let now = Utc::now().timestamp_micros();
            conn.execute(
                "INSERT INTO claims (connection, claim_key, owner, since) VALUES ('c', 'order:1', 'old', ?1)",
                [now],
            )
            .unwrap();
        }
        let store = SqliteStateStore::open(&path).await.unwrap();
        assert_eq!(store.stats().await.unwrap().schema_version, Some(2));
        let outcome = store
            .try_claim("c", "order:1", "new", Utc::now())
            .await
            .unwrap();
        assert!(matches!(outcome, ClaimOutcome::Stale { .. }), "{outcome:?}");
    }
}
