//! The decisions every store makes the same way, written once: how an existing claim is reported,
//! how a dead letter's attempts and retry time change on a new failure, and when a lease may be
//! taken. The SQL stores express the atomic part in SQL and use these for the rest.

use chrono::{DateTime, Utc};

use super::options::StoreOptions;
use super::records::{ClaimOutcome, DeadLetterStatus, Lease};

/// The stored state of one claim, as every store reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredClaim {
    pub owner: String,
    pub since: DateTime<Utc>,
    pub stale_at: DateTime<Utc>,
    pub target_id: Option<String>,
}

/// How an existing claim answers a new `try_claim` at `now`: confirmed, stale from exactly
/// `stale_at`, else in flight.
pub(crate) fn classify_claim(claim: &StoredClaim, now: DateTime<Utc>) -> ClaimOutcome {
    match &claim.target_id {
        Some(target_id) => ClaimOutcome::AlreadyDone {
            target_id: target_id.clone(),
        },
        None if claim.stale_at <= now => {
            tracing::warn!(owner = %claim.owner, since = %claim.since, "claim is stale: its owner crashed or gave it up; look the record up in the target");
            ClaimOutcome::Stale {
                owner: claim.owner.clone(),
                since: claim.since,
            }
        }
        None => ClaimOutcome::InFlight {
            owner: claim.owner.clone(),
            since: claim.since,
            stale_at: claim.stale_at,
        },
    }
}

/// What a dead letter's counters become after a failure at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeadLetterUpdate {
    pub attempts: u32,
    pub first_seen: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
}

/// A pending letter counts one more attempt; a new, replayed or dropped one starts a new incident.
pub(crate) fn dead_letter_update(
    options: &StoreOptions,
    existing: Option<(u32, DeadLetterStatus, DateTime<Utc>)>,
    at: DateTime<Utc>,
) -> DeadLetterUpdate {
    let (attempts, first_seen) = match existing {
        Some((attempts, DeadLetterStatus::Pending, first_seen)) => {
            (attempts.saturating_add(1), first_seen)
        }
        _ => (1, at),
    };
    DeadLetterUpdate {
        attempts,
        first_seen,
        next_attempt_at: options.dead_letter_retry.next_attempt_at(at, attempts),
    }
}

/// The lease `holder` gets at `now` until `expires_at`, or `None` when someone else holds it.
pub(crate) fn acquire_lease(
    existing: Option<&Lease>,
    connection: &str,
    flow: &str,
    holder: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Option<Lease> {
    let acquired_at = match existing {
        None => now,
        Some(lease) if lease.expires_at <= now => now,
        Some(lease) if lease.holder == holder => lease.acquired_at,
        Some(_) => return None,
    };
    Some(Lease {
        connection: connection.to_owned(),
        flow: flow.to_owned(),
        holder: holder.to_owned(),
        acquired_at,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn claims_are_stale_from_exactly_their_stale_time() {
        let claim = StoredClaim {
            owner: "w1".into(),
            since: at("2024-05-01T10:00:00Z"),
            stale_at: at("2024-05-01T10:01:00Z"),
            target_id: None,
        };
        let fresh = classify_claim(&claim, at("2024-05-01T10:00:59Z"));
        assert_eq!(
            fresh,
            ClaimOutcome::InFlight {
                owner: "w1".into(),
                since: claim.since,
                stale_at: claim.stale_at
            }
        );
        let stale = classify_claim(&claim, at("2024-05-01T10:01:00Z"));
        assert!(matches!(stale, ClaimOutcome::Stale { .. }));
        let done = StoredClaim {
            target_id: Some("B1".into()),
            ..claim
        };
        assert_eq!(
            classify_claim(&done, at("2030-01-01T00:00:00Z")),
            ClaimOutcome::AlreadyDone {
                target_id: "B1".into()
            }
        );
    }

    #[test]
    fn a_replayed_letter_failing_again_is_a_new_incident() {
        let options = StoreOptions::default();
        let first = at("2024-05-01T10:00:00Z");
        let later = at("2024-05-02T10:00:00Z");
        let pending =
            dead_letter_update(&options, Some((3, DeadLetterStatus::Pending, first)), later);
        assert_eq!((pending.attempts, pending.first_seen), (4, first));
        let replayed = dead_letter_update(
            &options,
            Some((3, DeadLetterStatus::Replayed, first)),
            later,
        );
        assert_eq!((replayed.attempts, replayed.first_seen), (1, later));
    }

    #[test]
    fn leases_go_to_the_holder_or_after_expiry() {
        let now = at("2024-05-01T10:00:00Z");
        let held = Lease {
            connection: "c".into(),
            flow: "orders".into(),
            holder: "w1".into(),
            acquired_at: at("2024-05-01T09:59:00Z"),
            expires_at: at("2024-05-01T10:00:30Z"),
        };
        let later = at("2024-05-01T10:01:00Z");
        assert!(acquire_lease(Some(&held), "c", "orders", "w2", now, later).is_none());
        let renewed = acquire_lease(Some(&held), "c", "orders", "w1", now, later).unwrap();
        assert_eq!(renewed.acquired_at, held.acquired_at);
        let taken =
            acquire_lease(Some(&held), "c", "orders", "w2", held.expires_at, later).unwrap();
        assert_eq!(
            (taken.holder.as_str(), taken.acquired_at),
            ("w2", held.expires_at)
        );
    }
}
