//! Connecting to PostgreSQL: connection settings, the pool, then the pending migrations.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use sha2::{Digest, Sha256};
use tokio_postgres::NoTls;
use tokio_postgres::config::Host;

use super::PostgresOptions;
use crate::state::StateError;
use crate::state::migrations::{self, CREATE_MIGRATIONS_TABLE};

/// The schema name, checked: lowercase letters, digits and `_`, starting with a letter or `_`, at
/// most 63 bytes. It is spliced into `search_path` and `CREATE SCHEMA`, so nothing else may pass.
pub(super) fn checked_schema(schema: Option<&str>) -> Result<String, StateError> {
    let schema = schema.unwrap_or("public");
    let valid = !schema.is_empty()
        && schema.len() <= 63
        && schema.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid {
        Ok(schema.to_owned())
    } else {
        Err(StateError::InvalidConfig(format!(
            "PostgreSQL schema name `{schema}` must be lowercase letters, digits and _ (at most 63)"
        )))
    }
}

/// Parses the URL and adds Koppel's session settings. The driver's parse message is not passed on:
/// it can quote characters of the URL, which may be part of a password.
pub(super) fn pg_config(
    url: &str,
    options: &PostgresOptions,
    schema: &str,
) -> Result<tokio_postgres::Config, StateError> {
    let mut config: tokio_postgres::Config = url.parse().map_err(|_| {
        StateError::InvalidConfig(
            "the PostgreSQL URL cannot be parsed (check host, port, database and the \
             percent-encoding of user name and password)"
                .into(),
        )
    })?;
    let statement_timeout_ms = options.statement_timeout.as_millis().max(1);
    let session = format!("-c search_path={schema} -c statement_timeout={statement_timeout_ms}");
    let combined = match config.get_options() {
        Some(existing) if !existing.trim().is_empty() => format!("{existing} {session}"),
        _ => session,
    };
    config.options(combined);
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(options.connect_timeout);
    }
    if config.get_application_name().is_none() {
        config.application_name("koppel");
    }
    Ok(config)
}

/// `host:port/dbname` for `Debug` and logs: never the user's password.
pub(super) fn describe(config: &tokio_postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(host)) => host.clone(),
        #[cfg(unix)]
        Some(Host::Unix(path)) => path.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}/{}", config.get_dbname().unwrap_or_default())
}

pub(super) fn pool(
    config: tokio_postgres::Config,
    options: &PostgresOptions,
) -> Result<Pool, StateError> {
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(options.max_connections.max(1))
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(options.pool_wait_timeout))
        .create_timeout(Some(options.connect_timeout))
        .recycle_timeout(Some(Duration::from_secs(5)))
        .build()
        .map_err(|error| {
            StateError::InvalidConfig(format!("cannot build the PostgreSQL pool: {error}"))
        })
}

/// The advisory-lock key that serialises migrations of one schema across processes.
fn migration_lock_key(schema: &str) -> i64 {
    let digest = Sha256::digest(format!("koppel-state-migrations:{schema}"));
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// Creates the schema if needed and applies the pending migrations, each in one transaction that
/// first takes a transaction-scoped advisory lock, so workers starting together migrate in turn
/// (and `CREATE SCHEMA/TABLE IF NOT EXISTS`, which race in PostgreSQL, never run concurrently).
pub(super) async fn migrate(pool: &Pool, schema: &str) -> Result<(), StateError> {
    let mut client = pool.get().await?;
    loop {
        let tx = client.transaction().await?;
        tx.execute(
            "SELECT pg_advisory_xact_lock($1)",
            &[&migration_lock_key(schema)],
        )
        .await?;
        tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .await?;
        tx.batch_execute(CREATE_MIGRATIONS_TABLE).await?;
        let current: Option<i64> = tx
            .query_one("SELECT MAX(version) FROM schema_migrations", &[])
            .await?
            .try_get(0)?;
        let Some(migration) = migrations::pending(migrations::POSTGRES, current)?.first() else {
            tx.commit().await?;
            return Ok(());
        };
        let failed = |error: tokio_postgres::Error| StateError::Migration {
            version: migration.version,
            name: migration.name,
            source: Box::new(error),
        };
        tx.batch_execute(migration.sql).await.map_err(failed)?;
        let applied_at = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&migration.version, &migration.name, &applied_at],
        )
        .await
        .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            schema,
            "applied PostgreSQL state migration"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_restricted() {
        assert_eq!(checked_schema(None).unwrap(), "public");
        assert_eq!(
            checked_schema(Some("koppel_test_1")).unwrap(),
            "koppel_test_1"
        );
        for bad in [
            "",
            "Koppel",
            "a-b",
            "x; DROP TABLE y",
            "1abc",
            &"a".repeat(64),
        ] {
            assert!(checked_schema(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn session_settings_are_added_and_the_password_stays_out_of_errors() {
        let options = PostgresOptions::default();
        let config = pg_config(
            "postgres://koppel:s3cret@db.example:6543/state",
            &options,
            "tenant_a",
        )
        .unwrap();
        let session = config.get_options().unwrap();
        assert!(session.contains("search_path=tenant_a"), "{session}");
        assert!(session.contains("statement_timeout="), "{session}");
        assert_eq!(describe(&config), "db.example:6543/state");

        let error = pg_config(
            "postgres://koppel:s3cret@db.example:notaport/state",
            &options,
            "public",
        )
        .unwrap_err()
        .to_string();
        assert!(!error.contains("s3cret"), "{error}");
    }

    #[test]
    fn migration_lock_keys_differ_per_schema() {
        assert_ne!(migration_lock_key("a"), migration_lock_key("b"));
        assert_eq!(migration_lock_key("a"), migration_lock_key("a"));
    }
}
