//! Idempotency claims (with fencing tokens), the inbox and work leases, including races between
//! two handles on one database.

use std::time::Duration;

use crate::state::{ClaimOutcome, ClaimToken, StoreOptions};

use super::{StoreUnderTest, at, t0};

const ROUNDS: usize = 25;

/// The default stale age, in seconds.
const STALE: i64 = 15 * 60;

fn claimed(outcome: ClaimOutcome) -> ClaimToken {
    match outcome {
        ClaimOutcome::Claimed { token } => token,
        other => panic!("expected Claimed, got {other:?}"),
    }
}

/// Conformance case: Claim confirm release lifecycle.
pub async fn claim_confirm_release_lifecycle(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    let token = claimed(
        store
            .try_claim("default", "order:1001", "w1", t0())
            .await
            .unwrap(),
    );
    assert_eq!(
        store
            .try_claim("default", "order:1001", "w2", at(1))
            .await
            .unwrap(),
        ClaimOutcome::InFlight {
            owner: "w1".into(),
            since: t0(),
            stale_at: at(STALE),
        }
    );
    // Another connection has its own keys.
    let other = claimed(
        store
            .try_claim("shop-2", "order:1001", "w2", at(1))
            .await
            .unwrap(),
    );
    assert_ne!(token, other, "every claim gets a token of its own");

    // Only the holder's token confirms.
    assert!(
        !store
            .confirm_claim("default", "order:1001", other, "V-WRONG")
            .await
            .unwrap()
    );
    assert!(
        store
            .confirm_claim("default", "order:1001", token, "V2024-001")
            .await
            .unwrap()
    );
    // Confirming again with the same id answers true (idempotent), with another id false.
    assert!(
        store
            .confirm_claim("default", "order:1001", token, "V2024-001")
            .await
            .unwrap()
    );
    assert!(
        !store
            .confirm_claim("default", "order:1001", token, "V2024-999")
            .await
            .unwrap()
    );
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
    // A confirmed claim is kept: releasing or renewing it does nothing, and it never goes stale.
    assert!(
        !store
            .release_claim("default", "order:1001", token)
            .await
            .unwrap()
    );
    assert!(
        !store
            .renew_claim(
                "default",
                "order:1001",
                token,
                Duration::from_secs(60),
                at(3)
            )
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .try_claim("default", "order:1001", "w3", at(86_400 * 365))
            .await
            .unwrap(),
        done
    );

    // A failed write releases (with the token); then the key can be claimed again.
    let token = claimed(
        store
            .try_claim("default", "order:1002", "w1", at(3))
            .await
            .unwrap(),
    );
    assert!(
        !store
            .release_claim("default", "order:1002", other)
            .await
            .unwrap(),
        "not with another token"
    );
    assert!(
        store
            .release_claim("default", "order:1002", token)
            .await
            .unwrap()
    );
    assert!(
        !store
            .release_claim("default", "order:1002", token)
            .await
            .unwrap()
    );
    let again = claimed(
        store
            .try_claim("default", "order:1002", "w2", at(4))
            .await
            .unwrap(),
    );
    assert_ne!(
        again, token,
        "a key claimed again never repeats an old token"
    );
}

/// Conformance case: Stale claims are reported and taken over once.
pub async fn stale_claims_are_reported_and_taken_over_once(h: &dyn StoreUnderTest) {
    let options = StoreOptions::default().with_claim_stale_after(Duration::from_secs(600));
    let store = h.open_with(options).await;
    claimed(
        store
            .try_claim("default", "order:7", "crashed", t0())
            .await
            .unwrap(),
    );
    assert_eq!(
        store
            .try_claim("default", "order:7", "w2", at(599))
            .await
            .unwrap(),
        ClaimOutcome::InFlight {
            owner: "crashed".into(),
            since: t0(),
            stale_at: at(600),
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
    claimed(
        store
            .try_claim("default", "order:8", "w1", at(590))
            .await
            .unwrap(),
    );
    assert_eq!(
        store
            .take_over_claim("default", "order:8", "w2", at(600))
            .await
            .unwrap(),
        ClaimOutcome::InFlight {
            owner: "w1".into(),
            since: at(590),
            stale_at: at(1190),
        }
    );

    // After looking the record up in the target (not there), w2 takes over; w3, who also saw it
    // stale, now finds w2's fresh claim.
    claimed(
        store
            .take_over_claim("default", "order:7", "w2", at(610))
            .await
            .unwrap(),
    );
    let fresh = ClaimOutcome::InFlight {
        owner: "w2".into(),
        since: at(610),
        stale_at: at(1210),
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
    let token = claimed(
        store
            .take_over_claim("default", "order:9", "w1", at(0))
            .await
            .unwrap(),
    );
    assert!(
        store
            .confirm_claim("default", "order:9", token, "V9")
            .await
            .unwrap()
    );
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

/// A live owner renews its claim and keeps it; an owner whose claim was taken over can neither
/// renew, confirm nor release it; a parked claim is busy until its time and stale after it.
pub async fn fenced_claims_renew_park_and_lose(h: &dyn StoreUnderTest) {
    let options = StoreOptions::default().with_claim_stale_after(Duration::from_secs(600));
    let store = h.open_with(options).await;
    let hold = Duration::from_secs(600);
    let a = claimed(
        store
            .try_claim("default", "order:1", "a", t0())
            .await
            .unwrap(),
    );
    // Renewed at 500 s: not stale at 700 s, when it would have been without the renewal.
    assert!(
        store
            .renew_claim("default", "order:1", a, hold, at(500))
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .try_claim("default", "order:1", "b", at(700))
            .await
            .unwrap(),
        ClaimOutcome::InFlight {
            owner: "a".into(),
            since: t0(),
            stale_at: at(1100),
        }
    );
    // No renewal after that: stale at 1100 s and taken over by b with a new token.
    let b = claimed(
        store
            .take_over_claim("default", "order:1", "b", at(1100))
            .await
            .unwrap(),
    );
    assert_ne!(a, b);
    // a comes back: everything it tries with its old token fails, and b's claim is untouched.
    assert!(
        !store
            .renew_claim("default", "order:1", a, hold, at(1101))
            .await
            .unwrap()
    );
    assert!(
        !store
            .confirm_claim("default", "order:1", a, "SO-A")
            .await
            .unwrap()
    );
    assert!(!store.release_claim("default", "order:1", a).await.unwrap());
    assert!(
        store
            .renew_claim("default", "order:1", b, hold, at(1102))
            .await
            .unwrap()
    );
    assert!(
        store
            .confirm_claim("default", "order:1", b, "SO-B")
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .try_claim("default", "order:1", "c", at(1103))
            .await
            .unwrap(),
        ClaimOutcome::AlreadyDone {
            target_id: "SO-B".into()
        }
    );

    // Parked after an ambiguous write for 1800 s (longer than the stale age): busy until then.
    let p = claimed(
        store
            .try_claim("default", "order:2", "a", t0())
            .await
            .unwrap(),
    );
    assert!(
        store
            .renew_claim("default", "order:2", p, Duration::from_secs(1800), at(10))
            .await
            .unwrap()
    );
    assert!(matches!(
        store
            .try_claim("default", "order:2", "b", at(1809))
            .await
            .unwrap(),
        ClaimOutcome::InFlight { .. }
    ));
    assert!(matches!(
        store
            .try_claim("default", "order:2", "b", at(1810))
            .await
            .unwrap(),
        ClaimOutcome::Stale { .. }
    ));
}

/// Conformance case: Concurrent claims from two handles.
pub async fn concurrent_claims_from_two_handles(h: &dyn StoreUnderTest) {
    let (first, second) = (h.open().await, h.open().await);
    let is_claimed = |o: &ClaimOutcome| matches!(o, ClaimOutcome::Claimed { .. });
    for round in 0..ROUNDS {
        let key = format!("order:{round}");
        let (a, b) = tokio::join!(
            first.try_claim("default", &key, "worker-a", t0()),
            second.try_claim("default", &key, "worker-b", t0()),
        );
        let outcomes = [a.unwrap(), b.unwrap()];
        let claimed = outcomes.iter().filter(|o| is_claimed(o)).count();
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
        let claimed = outcomes.iter().filter(|o| is_claimed(o)).count();
        assert_eq!(claimed, 1, "take-over round {round}: {outcomes:?}");
    }
}

/// Announced records wait in the inbox, oldest first, until acknowledged — and an acknowledgement
/// does not remove an announcement that came after the record was read.
pub async fn inbox_keeps_announcements_until_done(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    assert!(
        store
            .enqueue("default", "orders", "101", t0())
            .await
            .unwrap()
    );
    assert!(
        store
            .enqueue("default", "orders", "102", at(1))
            .await
            .unwrap()
    );
    assert!(
        !store
            .enqueue("default", "orders", "101", at(2))
            .await
            .unwrap(),
        "already waiting"
    );
    assert!(
        store
            .enqueue("default", "stock", "101", at(3))
            .await
            .unwrap()
    );
    assert!(
        store
            .enqueue("shop-2", "orders", "101", at(3))
            .await
            .unwrap()
    );

    let pending = store.pending_inbox("default", "orders", 10).await.unwrap();
    let keys: Vec<&str> = pending.iter().map(|i| i.record_key.as_str()).collect();
    assert_eq!(keys, ["101", "102"]);
    assert_eq!(pending[0].queued_at, t0());
    assert_eq!(
        store
            .pending_inbox("default", "orders", 1)
            .await
            .unwrap()
            .len(),
        1
    );

    // 101 is announced once more while it is being processed: the ack of the old version keeps it.
    let (first, second) = (&pending[0], &pending[1]);
    assert!(
        !store
            .enqueue("default", "orders", "101", at(5))
            .await
            .unwrap()
    );
    assert!(
        !store
            .ack_inbox("default", "orders", "101", first.version)
            .await
            .unwrap()
    );
    assert!(
        store
            .ack_inbox("default", "orders", "102", second.version)
            .await
            .unwrap()
    );
    let left = store.pending_inbox("default", "orders", 10).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].record_key, "101");
    assert!(
        store
            .ack_inbox("default", "orders", "101", left[0].version)
            .await
            .unwrap()
    );
    assert!(
        store
            .pending_inbox("default", "orders", 10)
            .await
            .unwrap()
            .is_empty()
    );
    // It survives a new handle (a restart).
    let reopened = h.open().await;
    assert_eq!(
        reopened
            .pending_inbox("default", "stock", 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let summary = reopened.summary("default").await.unwrap();
    assert_eq!(summary.inbox.get("stock"), Some(&1));
}

/// Conformance case: Lease acquire renew release expiry.
pub async fn lease_acquire_renew_release_expiry(h: &dyn StoreUnderTest) {
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

    if h.leases_die_with_holder() {
        // A live holder keeps the lease however old its row: its lock is held. It can still renew.
        assert_eq!(
            store
                .acquire_lease("default", "orders", "w2", ttl, at(50))
                .await
                .unwrap(),
            None
        );
        assert!(
            store
                .renew_lease("default", "orders", "w1", ttl, at(51))
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .release_lease("default", "orders", "w1")
                .await
                .unwrap()
        );
        // A holder whose process dies (its handle closes) frees the lease at once, long before
        // its expiry.
        let dying = h.open().await;
        assert!(
            dying
                .acquire_lease("default", "dies", "w9", ttl, t0())
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(
            store
                .acquire_lease("default", "dies", "w2", ttl, at(1))
                .await
                .unwrap(),
            None
        );
        drop(dying);
        let taken = store
            .acquire_lease("default", "dies", "w2", ttl, at(2))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((taken.holder.as_str(), taken.acquired_at), ("w2", at(2)));
        store
            .acquire_lease("default", "orders", "w2", ttl, at(52))
            .await
            .unwrap()
            .unwrap();
    } else {
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
    }

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

/// Conformance case: Concurrent lease acquisition from two handles.
pub async fn concurrent_lease_acquisition_from_two_handles(h: &dyn StoreUnderTest) {
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
        // After expiry (or, where leases die with their holder, once the winner let go), the two
        // race again to take it over.
        if h.leases_die_with_holder() {
            let (winner, store) = match a {
                Some(_) => ("worker-a", &first),
                None => ("worker-b", &second),
            };
            assert!(store.release_lease("default", &flow, winner).await.unwrap());
        }
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
