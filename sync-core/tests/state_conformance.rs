//! The state-store conformance suite: every case runs against every store — memory, SQLite
//! (a temporary file, reopened for "second handle" cases) and PostgreSQL (a schema of its own per
//! test, dropped afterwards) when `KOPPEL_TEST_DATABASE_URL` is set; without it the PostgreSQL
//! cases print that they were skipped and pass.

#[path = "state_conformance/harness.rs"]
mod harness;
#[path = "state_conformance/open_url.rs"]
mod open_url;

use harness::Harness;

sync_core::state_store_conformance!(memory, |_case| async { Some(Harness::memory()) });

#[cfg(feature = "sqlite")]
sync_core::state_store_conformance!(sqlite, |_case| async { Some(Harness::sqlite()) });

#[cfg(feature = "postgres")]
sync_core::state_store_conformance!(postgres, Harness::postgres);

/// Workers on hosts whose clocks disagree by a day still agree on claims and leases: PostgreSQL times
/// them by its own clock, whatever `now` a caller passes.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_times_claims_and_leases_by_its_own_clock() {
    use std::time::Duration;

    use chrono::{TimeDelta, Utc};
    use sync_core::state::prelude::*;
    use sync_core::state::{ClaimOutcome, StoreOptions};

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
