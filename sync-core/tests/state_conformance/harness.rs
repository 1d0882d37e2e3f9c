//! One database per test, and "another handle on the same database" for every backend:
//! a clone of the memory store, the SQLite file opened again, a second PostgreSQL pool.

use std::sync::Arc;

use sync_core::state::{MemoryStateStore, StateStore, StoreOptions};
use tokio::sync::Mutex;

/// The environment variable naming the PostgreSQL test database.
#[cfg(feature = "postgres")]
pub const DATABASE_URL_VAR: &str = "KOPPEL_TEST_DATABASE_URL";

pub use sync_core::testing::conformance::StoreUnderTest;

pub enum Backend {
    Memory(Mutex<Option<MemoryStateStore>>),
    #[cfg(feature = "sqlite")]
    Sqlite(tempfile::TempDir),
    #[cfg(feature = "postgres")]
    Postgres(pg::Schema),
}

pub struct Harness {
    pub backend: Backend,
}

impl Harness {
    pub fn memory() -> Self {
        Harness {
            backend: Backend::Memory(Mutex::new(None)),
        }
    }

    #[cfg(feature = "sqlite")]
    pub fn sqlite() -> Self {
        Harness {
            backend: Backend::Sqlite(tempfile::tempdir().unwrap()),
        }
    }

    /// `None` (and a note on stderr) when no test database is configured.
    #[cfg(feature = "postgres")]
    pub async fn postgres(test: &str) -> Option<Self> {
        let Ok(url) = std::env::var(DATABASE_URL_VAR) else {
            eprintln!("skipped {test} on PostgreSQL: {DATABASE_URL_VAR} is not set");
            return None;
        };
        Some(Harness {
            backend: Backend::Postgres(pg::Schema::new(url, test)),
        })
    }
}

#[async_trait::async_trait]
impl StoreUnderTest for Harness {
    /// A new handle on this test's database. The memory store has one set of options per
    /// database: the first handle's (tests that need options open with them first).
    async fn open_with(&self, options: StoreOptions) -> Arc<dyn StateStore> {
        match &self.backend {
            Backend::Memory(store) => {
                let mut store = store.lock().await;
                Arc::new(
                    store
                        .get_or_insert_with(|| MemoryStateStore::with_options(options))
                        .clone(),
                )
            }
            #[cfg(feature = "sqlite")]
            Backend::Sqlite(dir) => Arc::new(
                sync_core::state::SqliteStateStore::open_with(dir.path().join("state.db"), options)
                    .await
                    .unwrap(),
            ),
            #[cfg(feature = "postgres")]
            Backend::Postgres(schema) => Arc::new(schema.open(options).await),
        }
    }

    /// The SQL stores keep a schema version.
    fn has_schema(&self) -> bool {
        !matches!(self.backend, Backend::Memory(_))
    }

    /// The SQLite file store's leases hold operating-system locks.
    fn leases_die_with_holder(&self) -> bool {
        #[cfg(feature = "sqlite")]
        if matches!(self.backend, Backend::Sqlite(_)) {
            return true;
        }
        false
    }
}

#[cfg(feature = "postgres")]
pub mod pg {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use sync_core::state::{PostgresOptions, PostgresStateStore};

    static NEXT: AtomicUsize = AtomicUsize::new(0);

    /// A schema of its own for one test, dropped when the test ends (also when it panics).
    pub struct Schema {
        url: String,
        pub name: String,
    }

    impl Schema {
        pub fn new(url: String, test: &str) -> Self {
            let unique = format!(
                "{}_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed),
                chrono::Utc::now().timestamp_subsec_micros()
            );
            let mut name = format!("kt_{}_{unique}", test.to_ascii_lowercase());
            if name.len() > 63 {
                name = format!(
                    "kt_{}_{unique}",
                    &test[..test.len().min(30)].to_ascii_lowercase()
                );
            }
            Schema { url, name }
        }

        pub async fn open(&self, options: StoreOptions) -> PostgresStateStore {
            // The suite drives time through `now`; the database's clock is tested on its own.
            self.open_exact(options.with_database_clock(false)).await
        }

        /// A handle with exactly these options (the database's clock as they say).
        pub async fn open_exact(&self, options: StoreOptions) -> PostgresStateStore {
            let options = PostgresOptions::default()
                .with_store(options)
                .with_schema(&self.name)
                .with_max_connections(4);
            PostgresStateStore::connect(&self.url, options)
                .await
                .unwrap()
        }
    }

    impl Drop for Schema {
        fn drop(&mut self) {
            let (url, name) = (self.url.clone(), self.name.clone());
            // Drop cannot await; a thread with its own runtime does the clean-up.
            let cleanup = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let (client, connection) =
                        tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
                    let driver = tokio::spawn(connection);
                    client
                        .batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                        .await?;
                    drop(client);
                    let _ = driver.await;
                    Ok::<_, tokio_postgres::Error>(())
                })
            });
            if let Ok(Err(error)) = cleanup.join() {
                eprintln!("could not drop test schema {}: {error}", self.name);
            }
        }
    }
}
