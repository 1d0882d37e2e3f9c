//! The records a [`StateStore`](super::StateStore) keeps.
//!
//! Every timestamp is UTC and is kept at microsecond precision by every store (the precision of
//! PostgreSQL), so a value read back equals the value written after [`truncate_to_micros`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::StateError;

mod journal;
pub use journal::*;

/// Drops the sub-microsecond part of a timestamp, the precision every store keeps.
pub fn truncate_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    // Cannot fail for a one-microsecond step on any representable date; fall back to the input.
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = StateError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.trim().parse().map(Self).map_err(|_| {
                    StateError::InvalidArgument(format!(concat!("`{}` is not a ", $what, " id"), text))
                })
            }
        }
    };
}

id_type!(
    /// Identifies a dead letter; small and stable, so `koppel dlq replay 42` can name it.
    DeadLetterId,
    "dead letter"
);
id_type!(
    /// Identifies a run.
    RunId,
    "run"
);
id_type!(
    /// Identifies one activity log entry.
    ActivityId,
    "activity"
);

/// How far a flow has read its source, per (connection, flow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The source timestamp (for example Lightspeed `updated_at`) up to which every record has been
    /// handled and acknowledged by the target.
    pub position: DateTime<Utc>,
    /// Keys of the records whose timestamp equals `position` exactly and that were already handled,
    /// so re-reading from `position` (or a look-back window before it) does not handle them twice.
    pub boundary: BTreeSet<String>,
    /// When the cursor was last written.
    pub updated_at: DateTime<Utc>,
}

impl Cursor {
    /// A cursor at `position` with the keys already handled at that exact timestamp.
    pub fn new<I, K>(position: DateTime<Utc>, boundary: I, updated_at: DateTime<Utc>) -> Self
    where
        I: IntoIterator<Item = K>,
        K: Into<String>,
    {
        Cursor {
            position,
            boundary: boundary.into_iter().map(Into::into).collect(),
            updated_at,
        }
    }

    /// Whether a record with this timestamp and key was already handled at the boundary.
    /// Records strictly before `position` are the look-back window's business (id map, hashes).
    pub fn is_boundary_duplicate(&self, record_at: DateTime<Utc>, record_key: &str) -> bool {
        truncate_to_micros(record_at) == self.position && self.boundary.contains(record_key)
    }
}

/// Who wrote the record a content hash describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HashOrigin {
    /// Koppel wrote this content to the target: seeing it come back is an echo, not a change.
    Koppel,
    /// Koppel read this content from the system (a change someone else made).
    Observed,
}

impl HashOrigin {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HashOrigin::Koppel => "koppel",
            HashOrigin::Observed => "observed",
        }
    }

    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    pub(crate) fn parse(text: &str) -> Result<Self, StateError> {
        match text {
            "koppel" => Ok(HashOrigin::Koppel),
            "observed" => Ok(HashOrigin::Observed),
            other => Err(StateError::corrupt("hash origin", other)),
        }
    }
}

/// The content hash last recorded for one target record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentHash {
    /// The digest of the record's canonical content (hex, as the caller computed it).
    pub hash: String,
    /// Whether Koppel wrote it or observed it.
    pub origin: HashOrigin,
    /// When it was recorded.
    pub updated_at: DateTime<Utc>,
}

/// The fencing token of a claim: a fresh random value every time a claim is taken or taken over.
///
/// Every call that depends on still holding the claim — [`renew_claim`], [`confirm_claim`],
/// [`release_claim`] — names it, so a worker whose claim was taken over (it stalled longer than the
/// stale age) can neither confirm nor release what is now someone else's, and learns at its next
/// renewal, before it writes, that it must stop.
///
/// [`renew_claim`]: super::StateStore::renew_claim
/// [`confirm_claim`]: super::StateStore::confirm_claim
/// [`release_claim`]: super::StateStore::release_claim
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClaimToken(pub i64);

impl ClaimToken {
    /// A fresh token (random, so a key released and claimed again never repeats an old token).
    pub fn fresh() -> Self {
        let bytes = uuid::Uuid::new_v4().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&bytes[..8]);
        // Positive and never 0 (0 marks claims written before tokens existed).
        ClaimToken((i64::from_le_bytes(first) & i64::MAX).max(1))
    }
}

impl fmt::Display for ClaimToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The answer to [`try_claim`](super::StateStore::try_claim) and
/// [`take_over_claim`](super::StateStore::take_over_claim).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ClaimOutcome {
    /// The caller now owns the key: write to the target, then `confirm_claim` or `release_claim`
    /// with this token; renew it while the work goes on.
    Claimed {
        /// The fencing token of this claim.
        token: ClaimToken,
    },
    /// The key was confirmed before: the record exists in the target under `target_id`.
    AlreadyDone {
        /// The target id given to `confirm_claim`.
        target_id: String,
    },
    /// Someone else holds the key and its claim has not gone stale: skip for now.
    InFlight {
        /// Who holds it.
        owner: String,
        /// Since when.
        since: DateTime<Utc>,
        /// When it goes stale unless renewed (a parked claim: when it may be looked at again).
        stale_at: DateTime<Utc>,
    },
    /// The claim went stale without a confirm or release (its owner crashed, or parked it after an
    /// ambiguous write and its time is up). The caller must look the record up in the target: if it
    /// is there, `take_over_claim` and `confirm_claim`; if not, `take_over_claim` and write it.
    Stale {
        /// Who held it.
        owner: String,
        /// Since when.
        since: DateTime<Utc>,
    },
}

impl ClaimOutcome {
    /// The token when the claim was got.
    pub fn token(&self) -> Option<ClaimToken> {
        match self {
            ClaimOutcome::Claimed { token } => Some(*token),
            _ => None,
        }
    }
}

/// One record announced for processing (by a webhook, say) and kept until it is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    /// The record's key in its flow (a shop order id, say).
    pub record_key: String,
    /// Bumped each time the record is announced again; [`ack_inbox`] removes the item only when
    /// no newer announcement came meanwhile.
    ///
    /// [`ack_inbox`]: super::StateStore::ack_inbox
    pub version: i64,
    /// When it was first announced (since its last acknowledgement).
    pub queued_at: DateTime<Utc>,
}

/// A work lease: the right to run one flow for one connection until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The connection.
    pub connection: String,
    /// The flow.
    pub flow: String,
    /// Who holds it (a worker id).
    pub holder: String,
    /// When the holder acquired it (unchanged by renewals).
    pub acquired_at: DateTime<Utc>,
    /// When it lapses unless renewed.
    pub expires_at: DateTime<Utc>,
}

/// Totals over the whole store, for `koppel state show`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreStats {
    /// `memory`, `sqlite` or `postgres`.
    pub backend: String,
    /// The applied schema version (`None` for the memory store, which has no schema).
    pub schema_version: Option<i64>,
    /// Every connection that has any state, sorted.
    pub connections: Vec<String>,
    /// Stored cursors.
    pub cursors: u64,
    /// Id-map entries.
    pub id_links: u64,
    /// Content hashes.
    pub content_hashes: u64,
    /// Claims not yet confirmed.
    pub claims_in_flight: u64,
    /// Confirmed claims.
    pub claims_done: u64,
    /// Dead letters waiting.
    pub dead_letters_pending: u64,
    /// Dead letters in any status.
    pub dead_letters_total: u64,
    /// Runs.
    pub runs: u64,
    /// Activity log entries.
    pub activity_entries: u64,
    /// Stored secrets (names only are ever shown, never values).
    pub secrets: u64,
    /// Stored leases (current or lapsed).
    pub leases: u64,
}

/// The state of one connection, for `koppel state show <connection>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectionSummary {
    /// The connection.
    pub connection: String,
    /// Its cursors by flow.
    pub cursors: BTreeMap<String, Cursor>,
    /// Id-map entries by kind.
    pub id_links: BTreeMap<String, u64>,
    /// Content hashes by kind.
    pub content_hashes: BTreeMap<String, u64>,
    /// Claims not yet confirmed.
    pub claims_in_flight: u64,
    /// Records announced and not yet processed, by flow.
    #[serde(default)]
    pub inbox: BTreeMap<String, u64>,
    /// Pending dead letters by flow.
    pub dead_letters_pending: BTreeMap<String, u64>,
    /// The latest run of each flow, sorted by flow.
    pub last_runs: Vec<RunRecord>,
    /// Its leases (current or lapsed), sorted by flow.
    pub leases: Vec<Lease>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn truncation_keeps_microseconds_only() {
        let t = at("2024-05-01T10:00:00.123456789Z");
        assert_eq!(truncate_to_micros(t), at("2024-05-01T10:00:00.123456Z"));
    }

    #[test]
    fn boundary_duplicates_only_at_the_exact_position() {
        let position = at("2024-05-01T10:00:00Z");
        let cursor = Cursor::new(position, ["order-1"], position);
        assert!(cursor.is_boundary_duplicate(position, "order-1"));
        assert!(!cursor.is_boundary_duplicate(position, "order-2"));
        assert!(!cursor.is_boundary_duplicate(at("2024-05-01T10:00:01Z"), "order-1"));
    }

    #[test]
    fn ids_parse_and_print() {
        assert_eq!("42".parse::<DeadLetterId>().unwrap(), DeadLetterId(42));
        assert_eq!(RunId(7).to_string(), "7");
        let error = "x".parse::<RunId>().unwrap_err();
        assert!(error.to_string().contains("not a run id"), "{error}");
    }

    #[test]
    fn stored_spellings_round_trip() {
        for origin in [HashOrigin::Koppel, HashOrigin::Observed] {
            assert_eq!(HashOrigin::parse(origin.as_str()).unwrap(), origin);
        }
        assert!(HashOrigin::parse("someone").is_err());
    }
}
