//! Run reports: what one run of one flow did, returned by every flow and emitted as `tracing` events.
//!
//! Flows fill a report through a [`RunRecorder`]; [`RunRecorder::finish`] decides the
//! [`Outcome`] and logs a summary. The report is serde-serialisable (the binary prints it as JSON
//! and as tables; the state store keeps it with the run).

mod recorder;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ErrorClass, ErrorKind};

pub use recorder::RunRecorder;

/// The overall result of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every record was handled.
    Success,
    /// Some records failed or were dead-lettered; the others were handled.
    Partial,
    /// The run stopped on a fatal error, or no record succeeded while some failed.
    Failed,
    /// The run did not start because another worker is running the flow right now. Not a failure:
    /// that worker does the work (see [`RunReport::busy`]).
    Skipped,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Success => "success",
            Self::Partial => "partial",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        })
    }
}

/// Per-record counters. Every record read ends in exactly one of the other counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCounts {
    /// Records read from the source.
    pub read: u64,
    /// Records created in the target.
    pub created: u64,
    /// Records updated in the target.
    pub updated: u64,
    /// Records whose content was already in the target (hash hit, nothing written).
    pub unchanged: u64,
    /// Records deliberately not written (filtered, already booked, …).
    pub skipped: u64,
    /// Records that failed with a skippable error and went to the dead letters.
    pub dead_lettered: u64,
    /// Records that failed with a retryable or fatal error and will be tried again.
    pub failed: u64,
}

impl RunCounts {
    /// Records that ended well: created, updated, unchanged or skipped.
    pub fn succeeded(&self) -> u64 {
        self.created + self.updated + self.unchanged + self.skipped
    }

    /// Records that ended badly: dead-lettered or failed.
    pub fn failures(&self) -> u64 {
        self.dead_lettered + self.failed
    }
}

/// API usage during a run, as the connectors count it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiStats {
    /// HTTP requests sent.
    pub requests: u64,
    /// Requests that were retries.
    pub retries: u64,
    /// Times a rate limit made us wait.
    pub throttled: u64,
    /// Total time spent waiting for rate limits.
    #[serde(with = "duration_millis")]
    pub throttle_wait: Duration,
}

impl ApiStats {
    /// Add another set of counters to these.
    pub fn add(&mut self, other: &Self) {
        self.requests += other.requests;
        self.retries += other.retries;
        self.throttled += other.throttled;
        self.throttle_wait += other.throttle_wait;
    }

    /// The usage between an `earlier` snapshot of the same (monotonic) counters and these.
    pub fn since(&self, earlier: &Self) -> Self {
        Self {
            requests: self.requests.saturating_sub(earlier.requests),
            retries: self.retries.saturating_sub(earlier.retries),
            throttled: self.throttled.saturating_sub(earlier.throttled),
            throttle_wait: self.throttle_wait.saturating_sub(earlier.throttle_wait),
        }
    }
}

/// One error as the report keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorSample {
    /// The record it concerns (order number, article code…), when it concerns one.
    #[serde(default)]
    pub record_key: Option<String>,
    /// The class of the error.
    pub class: ErrorClass,
    /// What went wrong.
    pub kind: ErrorKind,
    /// The error message (without the kind).
    pub message: String,
}

impl std::fmt::Display for ErrorSample {
    /// `record: kind: message`, or `kind: message` for errors that concern no single record.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(key) = &self.record_key {
            write!(f, "{key}: ")?;
        }
        write!(f, "{}: {}", self.kind, self.message)
    }
}

/// Errors of one kind: how many, and the first few.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorGroup {
    /// How many errors of this kind the run had.
    pub count: u64,
    /// The first errors of this kind (at most the recorder's sample limit).
    pub samples: Vec<ErrorSample>,
}

/// A rounding difference booked on the rounding line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundingDifference {
    /// The record (order number).
    pub record_key: String,
    /// The difference booked (shop total minus the sum of the lines).
    pub amount: Decimal,
}

/// What one run of one flow did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    /// The run's id (a time-ordered UUID).
    pub run_id: Uuid,
    /// The connection (shop/administration pair) the run belongs to.
    pub connection: String,
    /// The flow (`orders`, `stock`, `products`, `customers`).
    pub flow: String,
    /// When the run started.
    pub started_at: DateTime<Utc>,
    /// When the run finished.
    pub finished_at: DateTime<Utc>,
    /// Per-record counters.
    pub counts: RunCounts,
    /// API usage.
    pub api: ApiStats,
    /// The cursor before the run (its serialised value).
    pub cursor_before: Option<String>,
    /// The cursor after the run; equal to `cursor_before` when the run did not advance it.
    pub cursor_after: Option<String>,
    /// The first errors, grouped by kind.
    pub first_errors: BTreeMap<ErrorKind, ErrorGroup>,
    /// The fatal error that stopped the run, if one did.
    pub fatal_error: Option<ErrorSample>,
    /// Rounding differences booked during the run.
    pub rounding_differences: Vec<RoundingDifference>,
    /// Warnings about the run as a whole (not about one record): an optional column the
    /// administration does not have and that was left out, say. They do not change the outcome.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The overall result.
    pub outcome: Outcome,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
}

impl RunReport {
    /// The report of a run that did not start because another worker holds the flow's lease
    /// (the retryable `conflict` error a flow's `run` answers with then): outcome
    /// [`Skipped`](Outcome::Skipped), the reason as its warning, nothing counted.
    pub fn busy(
        connection: &str,
        flow: &str,
        clock: std::sync::Arc<dyn crate::traits::Clock>,
        reason: &str,
    ) -> RunReport {
        let mut recorder = RunRecorder::new(connection, flow, clock);
        recorder.record_warning(reason);
        let mut report = recorder.finish();
        report.outcome = Outcome::Skipped;
        report
    }

    /// Whether this is the report of a run that did not start because the flow was busy.
    pub fn is_busy(&self) -> bool {
        self.outcome == Outcome::Skipped
    }

    /// The run's duration.
    pub fn duration(&self) -> chrono::TimeDelta {
        self.finished_at - self.started_at
    }

    /// The total number of errors of every kind.
    pub fn error_count(&self) -> u64 {
        self.first_errors.values().map(|g| g.count).sum()
    }
}

mod duration_millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(u64::try_from(value.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        u64::deserialize(deserializer).map(Duration::from_millis)
    }
}
