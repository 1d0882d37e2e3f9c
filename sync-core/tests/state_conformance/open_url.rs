//! `state::open(url)` picks the store the URL names, and never repeats a URL in an error.

use sync_core::state::prelude::*;
use sync_core::state::{self, StateError};

async fn backend(url: &str) -> String {
    state::open(url)
        .await
        .unwrap()
        .stats()
        .await
        .unwrap()
        .backend
}

#[tokio::test]
async fn memory_url_opens_a_memory_store() {
    assert_eq!(backend("memory://").await, "memory");
    assert_eq!(backend("  MEMORY://  ").await, "memory");
}

#[tokio::test]
async fn unknown_schemes_are_refused_without_echoing_the_url() {
    for url in ["mysql://root:hunter2@db/koppel", "hunter2", ""] {
        let error = state::open(url).await.unwrap_err();
        assert!(
            matches!(error, StateError::UnsupportedUrl { .. }),
            "{url}: {error:?}"
        );
        if !url.is_empty() && url != "hunter2" {
            assert!(!error.to_string().contains("hunter2"), "{error}");
        }
    }
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_urls_open_memory_and_files() {
    assert_eq!(backend("sqlite::memory:").await, "sqlite");
    assert_eq!(backend("sqlite://:memory:").await, "sqlite");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let url = format!("sqlite://{}", path.display());
    assert!(
        url.starts_with("sqlite:///"),
        "an absolute path gives three slashes: {url}"
    );
    let store = state::open(&url).await.unwrap();
    store
        .link(
            "default",
            &sync_core::state::IdKind::from("order"),
            "1",
            "V1",
        )
        .await
        .unwrap();
    let reopened = state::SqliteStateStore::open(&path).await.unwrap();
    assert_eq!(
        reopened
            .lookup("default", &sync_core::state::IdKind::from("order"), "1")
            .await
            .unwrap()
            .as_deref(),
        Some("V1")
    );
    assert!(format!("{reopened:?}").contains("state.db"));

    for bad in ["sqlite:state.db", "sqlite://"] {
        let error = state::open(bad).await.unwrap_err();
        assert!(
            matches!(error, StateError::InvalidConfig(_)),
            "{bad}: {error:?}"
        );
    }
}

#[cfg(not(feature = "sqlite"))]
#[tokio::test]
async fn sqlite_urls_need_the_sqlite_feature() {
    let error = state::open("sqlite::memory:").await.unwrap_err();
    assert!(
        matches!(
            error,
            StateError::BackendDisabled {
                feature: "sqlite",
                ..
            }
        ),
        "{error:?}"
    );
}

#[cfg(not(feature = "postgres"))]
#[tokio::test]
async fn postgres_urls_need_the_postgres_feature() {
    let error = state::open("postgres://koppel:hunter2@localhost/koppel")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            StateError::BackendDisabled {
                feature: "postgres",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.to_string().contains("hunter2"));
}

#[cfg(feature = "postgres")]
mod postgres {
    use sync_core::state::{PostgresOptions, PostgresStateStore, StateError};

    use crate::harness::{DATABASE_URL_VAR, pg::Schema};

    /// Port 1 refuses at once: the URL reached the PostgreSQL store (not "feature disabled"),
    /// the failure is transient, and the password is nowhere in the message.
    #[tokio::test]
    async fn postgres_urls_reach_the_postgres_store_and_keep_passwords_out() {
        let error = sync_core::state::open("postgresql://koppel:hunter2@127.0.0.1:1/koppel")
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                StateError::Database {
                    backend: "postgres",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error.is_transient(),
            "a refused connection is worth a retry: {error:?}"
        );
        assert!(!format!("{error} {error:?}").contains("hunter2"));

        let error = sync_core::state::open("postgres://koppel:hunter2@127.0.0.1:notaport/koppel")
            .await
            .unwrap_err();
        assert!(matches!(error, StateError::InvalidConfig(_)), "{error:?}");
        assert!(!format!("{error} {error:?}").contains("hunter2"));

        let error = PostgresStateStore::connect(
            "postgres://localhost/koppel",
            PostgresOptions::default().with_schema("Bad-Name"),
        )
        .await
        .unwrap_err();
        assert!(matches!(error, StateError::InvalidConfig(_)), "{error:?}");
    }

    /// With a password in the URL (ignored by a trust-auth server), `Debug` shows only
    /// `host:port/database` and the schema.
    #[tokio::test]
    async fn debug_output_of_a_connected_store_has_no_password() {
        let Ok(url) = std::env::var(DATABASE_URL_VAR) else {
            eprintln!(
                "skipped debug_output_of_a_connected_store_has_no_password: {DATABASE_URL_VAR} is not set"
            );
            return;
        };
        let Some(with_password) = add_password(&url, "not-a-real-secret") else {
            eprintln!("skipped: {DATABASE_URL_VAR} has no user name to add a password to");
            return;
        };
        let schema = Schema::new(with_password.clone(), "debug_output");
        let store = PostgresStateStore::connect(
            &with_password,
            PostgresOptions::default().with_schema(&schema.name),
        )
        .await
        .unwrap();
        let debug = format!("{store:?}");
        assert!(!debug.contains("not-a-real-secret"), "{debug}");
        assert!(debug.contains(&schema.name), "{debug}");
        assert_eq!(store.schema(), schema.name);
    }

    /// `postgres://user@host/db` → `postgres://user:password@host/db`.
    fn add_password(url: &str, password: &str) -> Option<String> {
        let (scheme, rest) = url.split_once("://")?;
        let (user, host) = rest.split_once('@')?;
        (!user.contains(':')).then(|| format!("{scheme}://{user}:{password}@{host}"))
    }
}
