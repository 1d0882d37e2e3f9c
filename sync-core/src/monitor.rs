//! Watching runs: every finished [`RunReport`] goes through one [`RunMonitor`], which keeps how each
//! connection is doing and turns reports into notifications once per incident — a failed run and its
//! recovery, a connection that went down and came back, each record dead-lettered for the first
//! time — through any [`Notifier`].
//!
//! ```
//! use std::sync::Arc;
//! use sync_core::monitor::RunMonitor;
//! use sync_core::state::MemoryStateStore;
//! use sync_core::testing::RecordingNotifier;
//!
//! # async fn demo(report: sync_core::report::RunReport) {
//! let notifier = RecordingNotifier::new();
//! let monitor = RunMonitor::builder()
//!     .dead_letters(Arc::new(MemoryStateStore::new()))
//!     .notifier(Arc::new(notifier.clone()))
//!     .build();
//! let before = monitor.pending_keys(&report.connection, &report.flow).await;
//! // … run the flow …
//! monitor.observe(&report, &before).await;
//! # }
//! ```

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use crate::error::{ErrorKind, SyncError};
use crate::report::{Outcome, RunReport};
use crate::state::{
    DeadLetter, DeadLetterFilter, DeadLetterStatus, DeadLetterStore, truncate_to_micros,
};
use crate::traits::{Notifier, NotifyGate};

/// How a connection is doing, as its last runs showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionStatus {
    /// Whether the last run could not reach or authenticate with one of the systems.
    pub down: bool,
    /// The latest error of any run, and when it was seen.
    pub last_error: Option<(DateTime<Utc>, String)>,
}

/// Watches finished runs (see the [module docs](self)). Cheap to share behind an `Arc`.
pub struct RunMonitor {
    dead_letters: Option<Arc<dyn DeadLetterStore>>,
    notifier: Option<Arc<dyn Notifier>>,
    gate: NotifyGate,
    statuses: Mutex<HashMap<String, ConnectionStatus>>,
}

impl std::fmt::Debug for RunMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunMonitor").finish_non_exhaustive()
    }
}

/// Builds a [`RunMonitor`].
#[derive(Default)]
pub struct RunMonitorBuilder {
    dead_letters: Option<Arc<dyn DeadLetterStore>>,
    notifier: Option<Arc<dyn Notifier>>,
}

impl RunMonitorBuilder {
    /// Where the flows keep their dead letters (each one notifies the first time it fails). Without
    /// it, dead letters are not notified one by one.
    #[must_use]
    pub fn dead_letters(mut self, store: Arc<dyn DeadLetterStore>) -> Self {
        self.dead_letters = Some(store);
        self
    }

    /// Where notifications go. Without one, the monitor only keeps the statuses.
    #[must_use]
    pub fn notifier(mut self, notifier: Arc<dyn Notifier>) -> Self {
        self.notifier = Some(notifier);
        self
    }

    /// The monitor.
    pub fn build(self) -> RunMonitor {
        RunMonitor {
            dead_letters: self.dead_letters,
            notifier: self.notifier,
            gate: NotifyGate::new(),
            statuses: Mutex::new(HashMap::new()),
        }
    }
}

impl RunMonitor {
    /// A builder.
    pub fn builder() -> RunMonitorBuilder {
        RunMonitorBuilder::default()
    }

    fn statuses(&self) -> MutexGuard<'_, HashMap<String, ConnectionStatus>> {
        // Poisoning follows a panic mid-update of plain values; they stay usable.
        self.statuses.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn deliver(&self, notification: Option<crate::traits::Notification>) {
        if let Some(notifier) = &self.notifier {
            NotifyGate::deliver(notifier.as_ref(), notification).await;
        }
    }

    /// How `connection` is doing.
    pub fn status(&self, connection: &str) -> ConnectionStatus {
        self.statuses().get(connection).cloned().unwrap_or_default()
    }

    /// The record keys of the pending dead letters of a flow (empty when the store does not
    /// answer): take them before a run and give them to [`observe`](Self::observe) after it, so
    /// letters the run resolved can notify again should they fail later.
    pub async fn pending_keys(&self, connection: &str, flow: &str) -> BTreeSet<String> {
        self.pending_letters(connection, flow)
            .await
            .into_iter()
            .map(|l| l.record_key.to_string())
            .collect()
    }

    async fn pending_letters(&self, connection: &str, flow: &str) -> Vec<DeadLetter> {
        let Some(store) = &self.dead_letters else {
            return Vec::new();
        };
        let filter = DeadLetterFilter {
            connection: Some(connection.to_owned()),
            flow: Some(flow.to_owned()),
            status: Some(DeadLetterStatus::Pending),
            ..Default::default()
        };
        match store.list_dead_letters(&filter).await {
            Ok(letters) => letters,
            Err(e) => {
                tracing::warn!(connection, error = %e, "could not list the dead letters");
                Vec::new()
            }
        }
    }

    /// Take a finished run into account and send the notifications it deserves: a failed run or a
    /// recovery, a connection that went down or came back, and each record dead-lettered for the
    /// first time. `pending_before` are the [`pending_keys`](Self::pending_keys) from before the
    /// run. A run that did not start because the flow was busy elsewhere ([`RunReport::is_busy`])
    /// changes nothing.
    pub async fn observe(&self, report: &RunReport, pending_before: &BTreeSet<String>) {
        if report.is_busy() {
            return;
        }
        self.deliver(self.gate.run_finished(&as_the_gate_sees_it(report)))
            .await;

        let problem = connection_problem(report);
        {
            let mut statuses = self.statuses();
            let status = statuses.entry(report.connection.clone()).or_default();
            status.down = problem.is_some();
            if let Some(message) = latest_error(report) {
                status.last_error = Some((report.finished_at, message));
            }
        }
        let connection_notice = match &problem {
            Some(error) => self.gate.connection_failed(&report.connection, error),
            None if report.outcome != Outcome::Failed => {
                self.gate.connection_ok(&report.connection)
            }
            None => None,
        };
        self.deliver(connection_notice).await;

        if report.dry_run {
            return;
        }
        let since = truncate_to_micros(report.started_at);
        let pending = self.pending_letters(&report.connection, &report.flow).await;
        for letter in pending.iter().filter(|l| l.last_seen >= since) {
            let error = error_from_stored(&letter.error_kind, &letter.error_message);
            let notice = self.gate.record_dead_lettered(
                &report.connection,
                &report.flow,
                &letter.record_key.to_string(),
                &error,
            );
            self.deliver(notice).await;
        }
        let still_pending: BTreeSet<String> =
            pending.iter().map(|l| l.record_key.to_string()).collect();
        for key in pending_before
            .iter()
            .filter(|k| !still_pending.contains(*k))
        {
            self.gate
                .record_succeeded(&report.connection, &report.flow, key);
        }
    }
}

/// A run whose only failures are dead-lettered records (a webhook run for the one order whose
/// article is missing, say) is notified through its dead letters; as a failed run it would notify
/// the same problem twice. Runs that stopped or had retryable failures stay failed.
fn as_the_gate_sees_it(report: &RunReport) -> Cow<'_, RunReport> {
    if report.outcome == Outcome::Failed
        && report.fatal_error.is_none()
        && report.counts.failed == 0
        && report.counts.dead_lettered > 0
    {
        let mut partial = report.clone();
        partial.outcome = Outcome::Partial;
        return Cow::Owned(partial);
    }
    Cow::Borrowed(report)
}

/// The error a connection failure notification names: the first transport, timeout or auth
/// error of the run.
fn connection_problem(report: &RunReport) -> Option<SyncError> {
    [ErrorKind::Auth, ErrorKind::Transport, ErrorKind::Timeout]
        .into_iter()
        .find_map(|kind| {
            let group = report.first_errors.get(&kind)?;
            let message = group
                .samples
                .first()
                .map_or_else(|| kind.to_string(), |s| s.message.clone());
            Some(error_from_stored(kind.as_str(), &message))
        })
}

/// The run's fatal error, else its first error sample, for "last error".
fn latest_error(report: &RunReport) -> Option<String> {
    report
        .fatal_error
        .as_ref()
        .or_else(|| report.first_errors.values().find_map(|g| g.samples.first()))
        .map(ToString::to_string)
}

/// A stored error (its kind's name and its message) as an error again.
fn error_from_stored(kind: &str, message: &str) -> SyncError {
    SyncError::skippable(kind.parse().unwrap_or(ErrorKind::Api), message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::RunRecorder;
    use crate::state::MemoryStateStore;
    use crate::testing::RecordingNotifier;
    use crate::traits::{NotificationKind, SystemClock};

    #[test]
    fn stored_errors_do_not_repeat_their_kind() {
        let e = error_from_stored("missing_article", "order 1: no X");
        assert_eq!(e.to_string(), "missing_article: order 1: no X");
        assert_eq!(e.kind(), ErrorKind::MissingArticle);
        let e = error_from_stored("nonsense", "boom");
        assert_eq!(e.kind(), ErrorKind::Api);
    }

    #[test]
    fn a_run_that_only_dead_lettered_is_not_notified_as_failed() {
        let mut r = RunRecorder::new("c", "orders", Arc::new(SystemClock));
        r.record_read(1);
        r.record_error(
            Some("order/1"),
            &SyncError::skippable(ErrorKind::MissingArticle, "no X"),
        );
        let report = r.finish();
        assert_eq!(report.outcome, Outcome::Failed);
        assert_eq!(as_the_gate_sees_it(&report).outcome, Outcome::Partial);

        let mut r = RunRecorder::new("c", "orders", Arc::new(SystemClock));
        r.record_error(None, &SyncError::fatal(ErrorKind::Auth, "revoked"));
        let report = r.finish();
        assert_eq!(as_the_gate_sees_it(&report).outcome, Outcome::Failed);
    }

    #[tokio::test]
    async fn a_connection_that_goes_down_notifies_once_and_its_recovery_too() {
        let notifier = RecordingNotifier::new();
        let monitor = RunMonitor::builder()
            .dead_letters(Arc::new(MemoryStateStore::new()))
            .notifier(Arc::new(notifier.clone()))
            .build();
        let failed = || {
            let mut r = RunRecorder::new("c", "orders", Arc::new(SystemClock));
            r.record_error(
                None,
                &SyncError::fatal(ErrorKind::Auth, "the refresh token was revoked"),
            );
            r.finish()
        };
        for _ in 0..3 {
            monitor.observe(&failed(), &BTreeSet::new()).await;
        }
        assert!(monitor.status("c").down);
        assert_eq!(
            monitor.status("c").last_error.map(|(_, m)| m).as_deref(),
            Some("auth: the refresh token was revoked")
        );
        let ok = RunRecorder::new("c", "orders", Arc::new(SystemClock)).finish();
        monitor.observe(&ok, &BTreeSet::new()).await;
        assert!(!monitor.status("c").down);
        let kinds: Vec<NotificationKind> =
            notifier.notifications().iter().map(|n| n.kind).collect();
        assert!(kinds.contains(&NotificationKind::RunFailed), "{kinds:?}");
        assert!(kinds.contains(&NotificationKind::RunRecovered), "{kinds:?}");
        assert_eq!(
            kinds
                .iter()
                .filter(|k| **k == NotificationKind::RunFailed)
                .count(),
            1,
            "once per incident: {kinds:?}"
        );
        // A busy run (another worker) changes nothing.
        let busy = RunReport::busy("c", "orders", Arc::new(SystemClock), "busy");
        monitor.observe(&busy, &BTreeSet::new()).await;
        assert_eq!(notifier.notifications().len(), kinds.len());
    }
}
