//! The state-store conformance suite: every case runs against every store — memory, SQLite
//! (a temporary file, reopened for "second handle" cases) and PostgreSQL (a schema of its own per
//! test, dropped afterwards) when `KOPPEL_TEST_DATABASE_URL` is set; without it the PostgreSQL
//! cases print that they were skipped and pass.

#[path = "state_conformance/activity.rs"]
mod activity;
#[path = "state_conformance/coordination.rs"]
mod coordination;
#[path = "state_conformance/dead_letters.rs"]
mod dead_letters;
#[path = "state_conformance/harness.rs"]
mod harness;
#[path = "state_conformance/keyed.rs"]
mod keyed;
#[path = "state_conformance/open_url.rs"]
mod open_url;
#[path = "state_conformance/overview.rs"]
mod overview;

/// Expands every case into one test per store.
macro_rules! conformance {
    ($($module:ident::$case:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let harness = crate::harness::Harness::memory();
                    crate::$module::$case(&harness).await;
                }
            )*
        }

        #[cfg(feature = "sqlite")]
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let harness = crate::harness::Harness::sqlite();
                    crate::$module::$case(&harness).await;
                }
            )*
        }

        #[cfg(feature = "postgres")]
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let Some(harness) = crate::harness::Harness::postgres(stringify!($case)).await else {
                        return;
                    };
                    crate::$module::$case(&harness).await;
                }
            )*
        }
    };
}

conformance!(
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

/// Workers on hosts whose clocks disagree by a day still agree on claims and leases: PostgreSQL times
/// them by its own clock, whatever `now` a caller passes.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_times_claims_and_leases_by_its_own_clock() {
    use std::time::Duration;

    use chrono::{TimeDelta, Utc};
    use sync_core::state::{ClaimOutcome, StateStore, StoreOptions};

    let Some(h) = harness::Harness::postgres("database_clock").await else {
        return;
    };
    let harness::Backend::Postgres(schema) = &h.backend else {
        unreachable!("a PostgreSQL harness")
    };
    let store = schema.open_exact(StoreOptions::default()).await;
    let behind = Utc::now() - TimeDelta::days(1);
    let ahead = Utc::now() + TimeDelta::days(1);

    // A claim taken by a host a day behind is not stale to a host a day ahead.
    assert!(matches!(
        store
            .try_claim("c", "order:1", "slow-host", behind)
            .await
            .unwrap(),
        ClaimOutcome::Claimed { .. }
    ));
    match store
        .try_claim("c", "order:1", "fast-host", ahead)
        .await
        .unwrap()
    {
        ClaimOutcome::InFlight { stale_at, .. } => {
            let expected = Utc::now() + TimeDelta::minutes(15);
            assert!(
                (stale_at - expected).abs() < TimeDelta::minutes(1),
                "{stale_at}"
            );
        }
        other => panic!("the claim looked {other:?} to a host a day ahead"),
    }
    assert!(matches!(
        store
            .take_over_claim("c", "order:1", "fast-host", ahead)
            .await
            .unwrap(),
        ClaimOutcome::InFlight { .. }
    ));

    // A lease taken by the slow host runs by the database's clock; the fast host cannot take it.
    let ttl = Duration::from_secs(60);
    let lease = store
        .acquire_lease("c", "orders", "slow-host", ttl, behind)
        .await
        .unwrap()
        .unwrap();
    assert!(
        (lease.expires_at - (Utc::now() + TimeDelta::seconds(60))).abs() < TimeDelta::seconds(30)
    );
    assert_eq!(
        store
            .acquire_lease("c", "orders", "fast-host", ttl, ahead)
            .await
            .unwrap(),
        None
    );
}
