//! Idempotency claims and work leases, including races between two handles on one database.

use std::time::Duration;

use sync_core::state::{ClaimOutcome, StoreOptions};

use crate::harness::{Harness, at, t0};

const ROUNDS: usize = 25;

pub async fn claim_confirm_release_lifecycle(h: &Harness) {
    let store = h.open().await;
    assert_eq!(
        store
            .try_claim("default", "order:1001", "w1", t0())
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        store
            .try_claim("default", "order:1001", "w2", at(1))
            .await
            .unwrap(),
        ClaimOutcome::InFlight {
            owner: "w1".into(),
            since: t0()
        }
    );
    // Another connection has its own keys.
    assert_eq!(
        store
            .try_claim("shop-2", "order:1001", "w2", at(1))
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );

    store
        .confirm_claim("default", "order:1001", "V2024-001")
        .await
        .unwrap();
    let done = ClaimOutcome::AlreadyDone {
        target_id: "V2024-001".into(),
    };
    assert_eq!(
        store
            .try_claim("default", "order:1001", "w3", at(2))
            .await
            .unwrap(),
        done
    );
    // A confirmed claim is kept: releasing it does nothing, and it never goes stale.
    assert!(!store.release_claim("default", "order:1001").await.unwrap());
    assert_eq!(
        store
            .try_claim("default", "order:1001", "w3", at(86_400 * 365))
            .await
            .unwrap(),
        done
    );

    // A failed write releases; then the key can be claimed again.
    assert_eq!(
        store
            .try_claim("default", "order:1002", "w1", at(3))
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );
    assert!(store.release_claim("default", "order:1002").await.unwrap());
    assert!(!store.release_claim("default", "order:1002").await.unwrap());
    assert_eq!(
        store
            .try_claim("default", "order:1002", "w2", at(4))
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );

    // Confirming without a claim records the outcome too.
    store
        .confirm_claim("default", "order:1003", "V2024-003")
        .await
        .unwrap();
    assert_eq!(
        store
            .try_claim("default", "order:1003", "w1", at(5))
            .await
            .unwrap(),
        ClaimOutcome::AlreadyDone {
            target_id: "V2024-003".into()
        }
    );
}

pub async fn stale_claims_are_reported_and_taken_over_once(h: &Harness) {
    let options = StoreOptions::default().with_claim_stale_after(Duration::from_secs(600));
    let store = h.open_with(options).await;
    assert_eq!(
        store
            .try_claim("default", "order:7", "crashed", t0())
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        store
            .try_claim("default", "order:7", "w2", at(599))
            .await
            .unwrap(),
        ClaimOutcome::InFlight {
            owner: "crashed".into(),
            since: t0()
        }
    );
    let stale = ClaimOutcome::Stale {
        owner: "crashed".into(),
        since: t0(),
    };
    assert_eq!(
        store
            .try_claim("default", "order:7", "w2", at(600))
            .await
            .unwrap(),
        stale
    );
    // try_claim never takes over: the claim is still the crashed worker's.
    assert_eq!(
        store
            .try_claim("default", "order:7", "w3", at(601))
            .await
            .unwrap(),
        stale
    );

    // A take-over of a claim that is not stale does nothing.
    assert_eq!(
        store
            .try_claim("default", "order:8", "w1", at(590))
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        store
            .take_over_claim("default", "order:8", "w2", at(600))
            .await
            .unwrap(),
        ClaimOutcome::InFlight {
            owner: "w1".into(),
            since: at(590)
        }
    );

    // After looking the record up in the target (not there), w2 takes over; w3, who also saw it
    // stale, now finds w2's fresh claim.
    assert_eq!(
        store
            .take_over_claim("default", "order:7", "w2", at(610))
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );
    let fresh = ClaimOutcome::InFlight {
        owner: "w2".into(),
        since: at(610),
    };
    assert_eq!(
        store
            .take_over_claim("default", "order:7", "w3", at(611))
            .await
            .unwrap(),
        fresh
    );
    assert_eq!(
        store
            .try_claim("default", "order:7", "w3", at(612))
            .await
            .unwrap(),
        fresh
    );

    // Take-over of a free key claims it; of a confirmed key reports it done.
    assert_eq!(
        store
            .take_over_claim("default", "order:9", "w1", at(0))
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );
    store
        .confirm_claim("default", "order:9", "V9")
        .await
        .unwrap();
    assert_eq!(
        store
            .take_over_claim("default", "order:9", "w2", at(100_000))
            .await
            .unwrap(),
        ClaimOutcome::AlreadyDone {
            target_id: "V9".into()
        }
    );
}

pub async fn concurrent_claims_from_two_handles(h: &Harness) {
    let (first, second) = (h.open().await, h.open().await);
    for round in 0..ROUNDS {
        let key = format!("order:{round}");
        let (a, b) = tokio::join!(
            first.try_claim("default", &key, "worker-a", t0()),
            second.try_claim("default", &key, "worker-b", t0()),
        );
        let outcomes = [a.unwrap(), b.unwrap()];
        let claimed = outcomes
            .iter()
            .filter(|o| **o == ClaimOutcome::Claimed)
            .count();
        assert_eq!(claimed, 1, "round {round}: {outcomes:?}");
        assert!(
            outcomes
                .iter()
                .any(|o| matches!(o, ClaimOutcome::InFlight { since, .. } if *since == t0())),
            "round {round}: {outcomes:?}"
        );
    }
    // Concurrent take-overs of one stale claim: one winner.
    for round in 0..ROUNDS {
        let key = format!("stale:{round}");
        first
            .try_claim("default", &key, "crashed", t0())
            .await
            .unwrap();
        let later = at(3600);
        let (a, b) = tokio::join!(
            first.take_over_claim("default", &key, "worker-a", later),
            second.take_over_claim("default", &key, "worker-b", later),
        );
        let outcomes = [a.unwrap(), b.unwrap()];
        let claimed = outcomes
            .iter()
            .filter(|o| **o == ClaimOutcome::Claimed)
            .count();
        assert_eq!(claimed, 1, "take-over round {round}: {outcomes:?}");
    }
}

pub async fn lease_acquire_renew_release_expiry(h: &Harness) {
    let store = h.open().await;
    let ttl = Duration::from_secs(30);
    let lease = store
        .acquire_lease("default", "orders", "w1", ttl, t0())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (lease.holder.as_str(), lease.acquired_at, lease.expires_at),
        ("w1", t0(), at(30))
    );
    assert_eq!(
        (lease.connection.as_str(), lease.flow.as_str()),
        ("default", "orders")
    );

    // Held: nobody else gets it; the holder re-acquiring extends it and keeps acquired_at.
    assert_eq!(
        store
            .acquire_lease("default", "orders", "w2", ttl, at(10))
            .await
            .unwrap(),
        None
    );
    let again = store
        .acquire_lease("default", "orders", "w1", ttl, at(10))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.acquired_at, again.expires_at), (t0(), at(40)));
    // Other flows and connections are separate leases.
    assert!(
        store
            .acquire_lease("default", "stock", "w2", ttl, at(10))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .acquire_lease("shop-2", "orders", "w2", ttl, at(10))
            .await
            .unwrap()
            .is_some()
    );

    let renewed = store
        .renew_lease("default", "orders", "w1", ttl, at(20))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((renewed.acquired_at, renewed.expires_at), (t0(), at(50)));
    assert_eq!(
        store
            .renew_lease("default", "orders", "w2", ttl, at(20))
            .await
            .unwrap(),
        None
    );

    // Expired at exactly expires_at: taken over; the old holder can neither renew nor release it.
    let taken = store
        .acquire_lease("default", "orders", "w2", ttl, at(50))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (taken.holder.as_str(), taken.acquired_at, taken.expires_at),
        ("w2", at(50), at(80))
    );
    assert_eq!(
        store
            .renew_lease("default", "orders", "w1", ttl, at(51))
            .await
            .unwrap(),
        None
    );
    assert!(
        !store
            .release_lease("default", "orders", "w1")
            .await
            .unwrap()
    );

    // An expired lease cannot be renewed, even by its holder.
    assert_eq!(
        store
            .renew_lease("default", "orders", "w2", ttl, at(80))
            .await
            .unwrap(),
        None
    );

    assert!(
        store
            .release_lease("default", "orders", "w2")
            .await
            .unwrap()
    );
    assert!(
        !store
            .release_lease("default", "orders", "w2")
            .await
            .unwrap()
    );
    let fresh = store
        .acquire_lease("default", "orders", "w1", ttl, at(81))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fresh.acquired_at, at(81));

    // A TTL past the calendar is an error, not a panic.
    assert!(
        store
            .acquire_lease("default", "x", "w1", Duration::from_secs(u64::MAX), t0())
            .await
            .is_err()
    );
}

pub async fn concurrent_lease_acquisition_from_two_handles(h: &Harness) {
    let (first, second) = (h.open().await, h.open().await);
    let ttl = Duration::from_secs(60);
    for round in 0..ROUNDS {
        let flow = format!("flow-{round}");
        let (a, b) = tokio::join!(
            first.acquire_lease("default", &flow, "worker-a", ttl, t0()),
            second.acquire_lease("default", &flow, "worker-b", ttl, t0()),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(
            a.is_some() != b.is_some(),
            "round {round}: exactly one wins: {a:?} {b:?}"
        );
        // After expiry, the two race again to take it over.
        let later = at(60);
        let (a, b) = tokio::join!(
            first.acquire_lease("default", &flow, "worker-c", ttl, later),
            second.acquire_lease("default", &flow, "worker-d", ttl, later),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(
            a.is_some() != b.is_some(),
            "take-over round {round}: {a:?} {b:?}"
        );
    }
}
