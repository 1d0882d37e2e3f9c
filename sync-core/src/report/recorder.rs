//! [`RunRecorder`]: the one place flows count record outcomes.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use uuid::Uuid;

use super::{ApiStats, ErrorSample, Outcome, RoundingDifference, RunCounts, RunReport};
use crate::error::{ErrorClass, SyncError};
use crate::traits::Clock;

/// How many error messages per kind a report keeps unless told otherwise.
const DEFAULT_SAMPLES_PER_KIND: usize = 5;

/// Records what a run does and turns it into a [`RunReport`].
///
/// Each `record_*` call also emits a `tracing` event at `debug` (one per record outcome);
/// [`finish`](Self::finish) emits one summary at `info` (`warn` for partial, `error` for failed runs).
///
/// Outcome rules: a fatal error makes the run [`Failed`](Outcome::Failed); so does a run in which
/// records failed and none succeeded. A run with some failures is [`Partial`](Outcome::Partial);
/// otherwise it is a [`Success`](Outcome::Success).
///
/// ```
/// use std::sync::Arc;
/// use sync_core::error::{ErrorKind, SyncError};
/// use sync_core::report::{Outcome, RunRecorder};
/// use sync_core::traits::SystemClock;
///
/// let mut run = RunRecorder::new("shop-1", "orders", Arc::new(SystemClock));
/// run.record_read(2);
/// run.record_created("ORD001");
/// run.record_error(Some("ORD002"), &SyncError::skippable(ErrorKind::MissingArticle, "no ABC"));
/// let report = run.finish();
/// assert_eq!(report.outcome, Outcome::Partial);
/// assert_eq!(report.counts.dead_lettered, 1);
/// ```
#[derive(Debug)]
pub struct RunRecorder {
    report: RunReport,
    clock: Arc<dyn Clock>,
    samples_per_kind: usize,
}

impl RunRecorder {
    /// Start recording a run of `flow` for `connection`; the start time comes from `clock`.
    pub fn new(
        connection: impl Into<String>,
        flow: impl Into<String>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let now = clock.now();
        Self {
            report: RunReport {
                run_id: Uuid::now_v7(),
                connection: connection.into(),
                flow: flow.into(),
                started_at: now,
                finished_at: now,
                counts: RunCounts::default(),
                api: ApiStats::default(),
                cursor_before: None,
                cursor_after: None,
                first_errors: BTreeMap::new(),
                fatal_error: None,
                rounding_differences: Vec::new(),
                warnings: Vec::new(),
                outcome: Outcome::Success,
                dry_run: false,
            },
            clock,
            samples_per_kind: DEFAULT_SAMPLES_PER_KIND,
        }
    }

    /// Mark the run as a dry run.
    #[must_use]
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.report.dry_run = dry_run;
        self
    }

    /// Keep at most `n` error messages per kind (the counts are always complete).
    #[must_use]
    pub fn samples_per_kind(mut self, n: usize) -> Self {
        self.samples_per_kind = n;
        self
    }

    /// The run's id.
    pub fn run_id(&self) -> Uuid {
        self.report.run_id
    }

    /// The counters so far.
    pub fn counts(&self) -> &RunCounts {
        &self.report.counts
    }

    /// Whether a fatal error has been recorded (the flow should stop).
    pub fn has_fatal(&self) -> bool {
        self.report.fatal_error.is_some()
    }

    /// A warning about the run as a whole (kept once: the same text twice is one warning).
    pub fn record_warning(&mut self, warning: impl Into<String>) {
        let warning = warning.into();
        tracing::warn!(run_id = %self.report.run_id, flow = %self.report.flow, "{warning}");
        if !self.report.warnings.contains(&warning) {
            self.report.warnings.push(warning);
        }
    }

    /// `n` records were read from the source.
    pub fn record_read(&mut self, n: u64) {
        self.report.counts.read += n;
        tracing::debug!(run_id = %self.report.run_id, flow = %self.report.flow, count = n, "records read");
    }

    /// A record was created in the target.
    pub fn record_created(&mut self, key: &str) {
        self.report.counts.created += 1;
        self.trace_outcome(key, "created");
    }

    /// A record was updated in the target.
    pub fn record_updated(&mut self, key: &str) {
        self.report.counts.updated += 1;
        self.trace_outcome(key, "updated");
    }

    /// A record's content was already in the target.
    pub fn record_unchanged(&mut self, key: &str) {
        self.report.counts.unchanged += 1;
        self.trace_outcome(key, "unchanged");
    }

    /// A record was deliberately not written.
    pub fn record_skipped(&mut self, key: &str, reason: &str) {
        self.report.counts.skipped += 1;
        tracing::debug!(
            run_id = %self.report.run_id, flow = %self.report.flow, record = key, reason,
            "record skipped"
        );
    }

    /// A record failed: counted by the error's class. Skippable errors count as dead-lettered,
    /// retryable ones as failed, and a fatal error counts as failed and fails the run. `key` is
    /// `None` for errors that concern no single record.
    pub fn record_error(&mut self, key: Option<&str>, error: &SyncError) {
        match error.class() {
            ErrorClass::Skippable => self.report.counts.dead_lettered += 1,
            ErrorClass::Retryable => self.report.counts.failed += 1,
            ErrorClass::Fatal => {
                if key.is_some() {
                    self.report.counts.failed += 1;
                }
                if self.report.fatal_error.is_none() {
                    self.report.fatal_error = Some(sample(key, error));
                }
            }
        }
        let group = self.report.first_errors.entry(error.kind()).or_default();
        group.count += 1;
        if group.samples.len() < self.samples_per_kind {
            group.samples.push(sample(key, error));
        }
        tracing::debug!(
            run_id = %self.report.run_id, flow = %self.report.flow, record = key.unwrap_or("-"),
            class = %error.class(), kind = %error.kind(), error = %error,
            "record failed"
        );
    }

    /// Add API counters reported by a connector.
    pub fn record_api(&mut self, stats: &ApiStats) {
        self.report.api.add(stats);
    }

    /// A rounding difference was booked for `key`.
    pub fn record_rounding(&mut self, key: &str, amount: Decimal) {
        self.report.rounding_differences.push(RoundingDifference {
            record_key: key.to_owned(),
            amount,
        });
        tracing::debug!(
            run_id = %self.report.run_id, record = key, amount = %amount, "rounding difference booked"
        );
    }

    /// The cursor the run started from (its serialised value).
    pub fn set_cursor_before(&mut self, cursor: Option<String>) {
        self.report.cursor_after.clone_from(&cursor);
        self.report.cursor_before = cursor;
    }

    /// The cursor the run committed.
    pub fn set_cursor_after(&mut self, cursor: Option<String>) {
        self.report.cursor_after = cursor;
    }

    /// Finish the run: stamp the end time, decide the outcome, log the summary, return the report.
    pub fn finish(mut self) -> RunReport {
        let report = &mut self.report;
        report.finished_at = self.clock.now();
        let counts = report.counts;
        report.outcome =
            if report.fatal_error.is_some() || (counts.failures() > 0 && counts.succeeded() == 0) {
                Outcome::Failed
            } else if counts.failures() > 0 {
                Outcome::Partial
            } else {
                Outcome::Success
            };
        macro_rules! summary {
            ($level:expr) => {
                tracing::event!(
                    $level,
                    run_id = %report.run_id, connection = %report.connection, flow = %report.flow,
                    outcome = %report.outcome, dry_run = report.dry_run,
                    read = counts.read, created = counts.created, updated = counts.updated,
                    unchanged = counts.unchanged, skipped = counts.skipped,
                    dead_lettered = counts.dead_lettered, failed = counts.failed,
                    api_requests = report.api.requests, api_retries = report.api.retries,
                    throttled = report.api.throttled,
                    "run finished"
                )
            };
        }
        match report.outcome {
            Outcome::Success => summary!(tracing::Level::INFO),
            Outcome::Partial => summary!(tracing::Level::WARN),
            Outcome::Failed => summary!(tracing::Level::ERROR),
            Outcome::Skipped => summary!(tracing::Level::INFO),
        }
        self.report
    }

    fn trace_outcome(&self, key: &str, outcome: &'static str) {
        tracing::debug!(
            run_id = %self.report.run_id, flow = %self.report.flow, record = key, outcome,
            "record done"
        );
    }
}

fn sample(key: Option<&str>, error: &SyncError) -> ErrorSample {
    ErrorSample {
        record_key: key.map(str::to_owned),
        class: error.class(),
        kind: error.kind(),
        message: error.message().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::testing::ManualClock;
    use chrono::{TimeZone, Utc};
    use rust_decimal_macros::dec;
    use std::time::Duration;

    fn recorder() -> (RunRecorder, ManualClock) {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap());
        (
            RunRecorder::new("shop-1", "orders", Arc::new(clock.clone())),
            clock,
        )
    }

    #[test]
    fn counts_and_times() {
        let (mut run, clock) = recorder();
        run.record_read(4);
        run.record_created("1");
        run.record_updated("2");
        run.record_unchanged("3");
        run.record_skipped("4", "not paid");
        run.record_api(&ApiStats {
            requests: 3,
            retries: 1,
            throttled: 1,
            throttle_wait: Duration::from_millis(1500),
        });
        run.record_api(&ApiStats {
            requests: 2,
            ..ApiStats::default()
        });
        run.set_cursor_before(Some("2024-03-01T10:00:00Z".into()));
        clock.advance(Duration::from_secs(90));
        let report = run.finish();
        assert_eq!(
            report.counts,
            RunCounts {
                read: 4,
                created: 1,
                updated: 1,
                unchanged: 1,
                skipped: 1,
                dead_lettered: 0,
                failed: 0
            }
        );
        assert_eq!(report.api.requests, 5);
        assert_eq!(report.api.throttle_wait, Duration::from_millis(1500));
        assert_eq!(report.outcome, Outcome::Success);
        assert_eq!(report.duration(), chrono::TimeDelta::seconds(90));
        assert_eq!(
            report.cursor_after, report.cursor_before,
            "a run that does not advance keeps the cursor"
        );
    }

    #[test]
    fn errors_are_grouped_by_kind_with_limited_samples() {
        let (run, _) = recorder();
        let mut run = run.samples_per_kind(2);
        for i in 0..3 {
            run.record_error(
                Some(&format!("ORD{i}")),
                &SyncError::skippable(ErrorKind::MissingArticle, format!("no ART{i}")),
            );
        }
        run.record_error(
            Some("ORD9"),
            &SyncError::retryable(ErrorKind::Timeout, "slow"),
        );
        run.record_created("ORD10");
        let report = run.finish();
        let missing = &report.first_errors[&ErrorKind::MissingArticle];
        assert_eq!(missing.count, 3);
        assert_eq!(missing.samples.len(), 2);
        assert_eq!(missing.samples[0].record_key.as_deref(), Some("ORD0"));
        assert_eq!(missing.samples[0].message, "no ART0");
        assert_eq!(
            missing.samples[0].to_string(),
            "ORD0: missing_article: no ART0"
        );
        assert_eq!(report.first_errors[&ErrorKind::Timeout].count, 1);
        assert_eq!(report.counts.dead_lettered, 3);
        assert_eq!(report.counts.failed, 1);
        assert_eq!(report.error_count(), 4);
        assert_eq!(report.outcome, Outcome::Partial);
    }

    #[test]
    fn outcome_rules() {
        // Only failures: failed.
        let (mut run, _) = recorder();
        run.record_error(Some("1"), &SyncError::skippable(ErrorKind::Mapping, "x"));
        assert_eq!(run.finish().outcome, Outcome::Failed);

        // A fatal error fails the run even after successes.
        let (mut run, _) = recorder();
        run.record_created("1");
        run.record_error(None, &SyncError::fatal(ErrorKind::Auth, "token revoked"));
        assert!(run.has_fatal());
        let report = run.finish();
        assert_eq!(report.outcome, Outcome::Failed);
        assert_eq!(
            report.counts.failed, 0,
            "a run-level error is no record failure"
        );
        assert_eq!(
            report.fatal_error.unwrap().to_string(),
            "auth: token revoked"
        );

        // Nothing to do: success.
        let (run, _) = recorder();
        assert_eq!(run.finish().outcome, Outcome::Success);
    }

    #[test]
    fn report_serialises_with_snake_case_kinds_and_rounding() {
        let (mut run, _) = recorder();
        let mut run = {
            run.record_rounding("ORD1", dec!(0.01));
            run.dry_run(true)
        };
        run.record_error(
            Some("X"),
            &SyncError::skippable(ErrorKind::AmbiguousMatch, "2 debtors"),
        );
        let report = run.finish();
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["first_errors"]["ambiguous_match"]["count"], 1);
        assert_eq!(json["rounding_differences"][0]["amount"], "0.01");
        assert_eq!(json["api"]["throttle_wait"], 0);
        assert_eq!(json["dry_run"], true);
        assert_eq!(json["outcome"], "failed");
        let back: RunReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }
}
