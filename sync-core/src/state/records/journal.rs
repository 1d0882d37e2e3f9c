//! The records of what happened: dead letters, runs and the activity log, with their filters.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ActivityId, DeadLetterId, RunId};
use crate::state::StateError;
use crate::state::kinds::{ActivityOutcome, ActivityStage, Direction, RecordKey};

/// Where a dead letter stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadLetterStatus {
    /// Failed and waiting for a retry or a decision.
    Pending,
    /// Handled successfully on a replay.
    Replayed,
    /// Given up on by a person; kept for the record.
    Dropped,
}

impl DeadLetterStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadLetterStatus::Pending => "pending",
            DeadLetterStatus::Replayed => "replayed",
            DeadLetterStatus::Dropped => "dropped",
        }
    }

    /// Decodes a stored status.
    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    pub(crate) fn parse(text: &str) -> Result<Self, StateError> {
        match text {
            "pending" => Ok(DeadLetterStatus::Pending),
            "replayed" => Ok(DeadLetterStatus::Replayed),
            "dropped" => Ok(DeadLetterStatus::Dropped),
            other => Err(StateError::corrupt("dead letter status", other)),
        }
    }
}

impl fmt::Display for DeadLetterStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeadLetterStatus {
    type Err = StateError;

    /// Parses `pending`, `replayed` or `dropped` (any case), for command lines and filters.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pending" => Ok(DeadLetterStatus::Pending),
            "replayed" => Ok(DeadLetterStatus::Replayed),
            "dropped" => Ok(DeadLetterStatus::Dropped),
            _ => Err(StateError::InvalidArgument(format!(
                "`{text}` is not a dead letter status (pending, replayed, dropped)"
            ))),
        }
    }
}

/// A failed record to store with [`put_dead_letter`](crate::state::StateStore::put_dead_letter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDeadLetter {
    /// The connection (shop/administration pair) it belongs to.
    pub connection: String,
    /// The flow that failed on it.
    pub flow: String,
    /// What the record is and its id in its source (`order/1234`); one dead letter per key.
    pub record_key: RecordKey,
    /// The record as it came from the source, so a replay starts from the original.
    pub original: Value,
    /// What was (or would have been) sent to the target, when mapping got that far.
    pub mapped: Option<Value>,
    /// The error's kind (a stable, machine-readable name).
    pub error_kind: String,
    /// The error's message for people.
    pub error_message: String,
    /// When it failed.
    pub at: DateTime<Utc>,
}

/// A stored dead letter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// Its id.
    pub id: DeadLetterId,
    /// The connection it belongs to.
    pub connection: String,
    /// The flow that failed on it.
    pub flow: String,
    /// What the record is and its id in its source.
    pub record_key: RecordKey,
    /// The record as it came from the source (from the latest failure).
    pub original: Value,
    /// What was (or would have been) sent to the target (from the latest failure).
    pub mapped: Option<Value>,
    /// The latest error's kind.
    pub error_kind: String,
    /// The latest error's message.
    pub error_message: String,
    /// How many times this record failed since it last became pending.
    pub attempts: u32,
    /// The first failure since it last became pending.
    pub first_seen: DateTime<Utc>,
    /// The latest failure.
    pub last_seen: DateTime<Utc>,
    /// When an automatic retry is due (capped exponential backoff after `last_seen`).
    pub next_attempt_at: DateTime<Utc>,
    /// Where it stands.
    pub status: DeadLetterStatus,
}

/// Which dead letters [`list_dead_letters`](crate::state::StateStore::list_dead_letters) returns (all
/// conditions must hold; `None` matches everything). Ordered by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetterFilter {
    /// Only this connection.
    pub connection: Option<String>,
    /// Only this flow.
    pub flow: Option<String>,
    /// Only this status.
    pub status: Option<DeadLetterStatus>,
    /// Only this record key.
    pub record_key: Option<RecordKey>,
    /// Only this error kind.
    pub error_kind: Option<String>,
    /// Page size; `None` for all.
    pub limit: Option<usize>,
    /// How many matching letters to skip.
    pub offset: usize,
}

/// What [`begin_run`](crate::state::StateStore::begin_run) records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunStart {
    /// The connection.
    pub connection: String,
    /// The flow.
    pub flow: String,
    /// When the run started.
    pub started_at: DateTime<Utc>,
    /// Whether the run only reports what it would write.
    pub dry_run: bool,
}

/// What [`finish_run`](crate::state::StateStore::finish_run) records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunFinish {
    /// When the run finished.
    pub finished_at: DateTime<Utc>,
    /// The outcome (`success`, `partial`, `failed`).
    pub outcome: String,
    /// The run report, serialised.
    pub report: Value,
}

/// A stored run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Its id.
    pub id: RunId,
    /// The connection.
    pub connection: String,
    /// The flow.
    pub flow: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Whether it was a dry run.
    pub dry_run: bool,
    /// When it finished; `None` while running (or after a crash).
    pub finished_at: Option<DateTime<Utc>>,
    /// Its outcome once finished.
    pub outcome: Option<String>,
    /// Its report once finished.
    pub report: Option<Value>,
}

/// Which runs [`list_runs`](crate::state::StateStore::list_runs) returns; newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunFilter {
    /// Only this connection.
    pub connection: Option<String>,
    /// Only this flow.
    pub flow: Option<String>,
    /// Only runs with this outcome.
    pub outcome: Option<String>,
    /// Only runs started at or after this time.
    pub since: Option<DateTime<Utc>>,
}

/// One activity log entry: what came in for one record, what was sent, and the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityEntry {
    /// The run it happened in, if any (a webhook may be logged outside a run).
    pub run_id: Option<RunId>,
    /// The connection.
    pub connection: String,
    /// The flow.
    pub flow: String,
    /// The record's key in its source, if the entry is about one record.
    pub record_key: Option<String>,
    /// The step.
    pub stage: ActivityStage,
    /// Which way the data went.
    pub direction: Direction,
    /// What was received from the source.
    pub received: Option<Value>,
    /// What was sent to the target.
    pub sent: Option<Value>,
    /// What the target answered.
    pub answer: Option<Value>,
    /// The result.
    pub outcome: ActivityOutcome,
    /// A message for people.
    pub message: Option<String>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// A stored activity log entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityRecord {
    /// Its id (increasing in the order entries were logged).
    pub id: ActivityId,
    /// Whether its payloads have been through personal-data redaction.
    pub redacted: bool,
    /// The entry.
    #[serde(flatten)]
    pub entry: ActivityEntry,
}

/// Which entries [`list_activity`](crate::state::StateStore::list_activity) returns; ordered by time
/// (then id), oldest first unless `newest_first`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityFilter {
    /// Only this run.
    pub run_id: Option<RunId>,
    /// Only this connection.
    pub connection: Option<String>,
    /// Only this flow.
    pub flow: Option<String>,
    /// Only this record key.
    pub record_key: Option<String>,
    /// Only entries at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub until: Option<DateTime<Utc>>,
    /// Page size; `None` for all.
    pub limit: Option<usize>,
    /// How many matching entries to skip.
    pub offset: usize,
    /// Newest entries first.
    pub newest_first: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_parse_from_command_lines() {
        for status in [
            DeadLetterStatus::Pending,
            DeadLetterStatus::Replayed,
            DeadLetterStatus::Dropped,
        ] {
            assert_eq!(DeadLetterStatus::parse(status.as_str()).unwrap(), status);
            assert_eq!(
                status.to_string().parse::<DeadLetterStatus>().unwrap(),
                status
            );
        }
        assert!(DeadLetterStatus::parse("lost").is_err());
        assert_eq!(
            "Dropped".parse::<DeadLetterStatus>().unwrap(),
            DeadLetterStatus::Dropped
        );
        let error = "lost".parse::<DeadLetterStatus>().unwrap_err();
        assert!(
            error.to_string().contains("pending, replayed, dropped"),
            "{error}"
        );
    }
}
