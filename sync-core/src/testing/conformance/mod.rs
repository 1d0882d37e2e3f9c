//! The state-store conformance suite (feature `testing`): the behaviour every [`StateStore`] must
//! have, as async test cases a custom store runs against itself. Koppel's own memory, SQLite and
//! PostgreSQL stores pass exactly these cases.
//!
//! Implement [`StoreUnderTest`] for a handle on an empty database of your store, then let
//! [`state_store_conformance!`](crate::state_store_conformance) write one `#[tokio::test]` per case
//! (your crate needs `tokio` with the `macros` and `rt-multi-thread` features as a dev-dependency):
//!
//! ```
//! use std::sync::Arc;
//! use sync_core::state::{MemoryStateStore, StateStore, StoreOptions};
//! use sync_core::testing::conformance::StoreUnderTest;
//!
//! /// Every test gets its own empty database; every `open` is another handle on it.
//! struct Fresh(MemoryStateStore);
//!
//! #[async_trait::async_trait]
//! impl StoreUnderTest for Fresh {
//!     async fn open_with(&self, _options: StoreOptions) -> Arc<dyn StateStore> {
//!         Arc::new(self.0.clone())
//!     }
//! }
//!
//! // In your tests: one test per case. The closure gets the case's name (to name a database after
//! // it, say) and answers `None` to skip it (without a database URL, say).
//! sync_core::state_store_conformance!(memory, |_case| async {
//!     Some(Fresh(MemoryStateStore::new()))
//! });
//! # fn main() {}
//! ```
//!
//! Cases take every timestamp from [`t0`] and [`at`] (fixed instants), never from the clock, so a
//! store that times claims and leases by its own clock (PostgreSQL's `database_clock`) must run the
//! suite with that switched off.
//!
//! [`StateStore`]: crate::state::StateStore

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use crate::state::{StateStore, StoreOptions};

pub mod activity;
pub mod coordination;
pub mod dead_letters;
pub mod keyed;
pub mod overview;

/// The store a conformance case runs against: one empty database per case, opened as often as the
/// case needs handles on it.
#[async_trait]
pub trait StoreUnderTest: Send + Sync {
    /// A new handle on this case's database with these options. A second handle on the same data
    /// is how two workers share one store. A store with one set of options per database may use
    /// the options of the first handle (cases that need options open with them first).
    async fn open_with(&self, options: StoreOptions) -> Arc<dyn StateStore>;

    /// A new handle with default options.
    async fn open(&self) -> Arc<dyn StateStore> {
        self.open_with(StoreOptions::default()).await
    }

    /// Whether the store keeps a schema version ([`StoreStats::schema_version`](crate::state::StoreStats)).
    fn has_schema(&self) -> bool {
        false
    }

    /// Whether a lease dies with its holder's process rather than only by its expiry (operating
    /// system locks, as the SQLite file store holds). Such a store must also free a lease when the
    /// handle that holds it is dropped.
    fn leases_die_with_holder(&self) -> bool {
        false
    }
}

/// A fixed instant, so the cases never read the clock.
pub fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_714_557_600, 0).unwrap_or_default()
}

/// [`t0`] plus seconds.
pub fn at(seconds: i64) -> DateTime<Utc> {
    t0() + TimeDelta::seconds(seconds)
}

/// Writes one `#[tokio::test]` per conformance case into a module called `$module`. `$store` is a
/// closure from the case's name (`&'static str`) to a future of `Option<impl StoreUnderTest>`, called
/// once per case for a fresh, empty database (`None` skips the case — say why on stderr).
#[macro_export]
macro_rules! state_store_conformance {
    ($module:ident, $store:expr) => {
        $crate::state_store_conformance!(@cases $module, $store,
            keyed::cursor_round_trip_with_boundary,
            keyed::id_map_lookup_reverse_unlink,
            keyed::content_hashes_with_origin,
            keyed::secrets_replace_atomically_and_never_print,
            coordination::claim_confirm_release_lifecycle,
            coordination::stale_claims_are_reported_and_taken_over_once,
            coordination::fenced_claims_renew_park_and_lose,
            coordination::concurrent_claims_from_two_handles,
            coordination::inbox_keeps_announcements_until_done,
            coordination::lease_acquire_renew_release_expiry,
            coordination::concurrent_lease_acquisition_from_two_handles,
            dead_letters::dead_letters_upsert_backoff_and_due,
            dead_letters::dead_letter_filters_and_paging,
            dead_letters::concurrent_dead_letters_from_two_handles_count_every_attempt,
            activity::runs_begin_finish_list,
            activity::activity_filters_paging_and_payload_fidelity,
            activity::activity_retention_purge,
            activity::redaction_on_write,
            activity::redaction_after_the_fact,
            overview::migrations_are_idempotent_across_opens,
            overview::stats_and_summary_describe_the_state,
        );
    };
    (@cases $module:ident, $store:expr, $($group:ident::$case:ident),* $(,)?) => {
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let Some(store) = ($store)(stringify!($case)).await else {
                        return;
                    };
                    $crate::testing::conformance::$group::$case(&store).await;
                }
            )*
        }
    };
}
