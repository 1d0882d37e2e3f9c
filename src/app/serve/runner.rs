//! Running a connection's order flow inside `koppel serve`: one run at a time per connection in this
//! process (the flow's lease keeps other processes apart), and every report counted and turned into
//! notifications once per incident.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use sync_core::error::{ErrorKind, SyncError};
use sync_core::flows::orders::FLOW;
use sync_core::flows::stock::FLOW as STOCK;
use sync_core::flows::{RunRequest, StockRequest};
use sync_core::report::{Outcome, RunReport};
use sync_core::state::{
    DeadLetterFilter, DeadLetterStatus, RunFilter, RunId, StateStore, truncate_to_micros,
};
use sync_core::traits::NotifyGate;

use super::metrics::Metrics;
use crate::app::commands::run::failed_report;
use crate::app::notify::Notifiers;
use crate::app::runtime::ConnectionRuntime;

/// What started a run (for the logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The flow's schedule.
    Schedule,
    /// Orders pushed by webhooks.
    Webhook,
    /// A replay from the dashboard.
    Replay,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Webhook => "webhook",
            Self::Replay => "replay",
        }
    }
}

/// How a connection is doing, as the last runs showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionStatus {
    /// Whether the last run could not reach or authenticate with one of the systems.
    pub down: bool,
    /// The latest error of any run, and when it was seen.
    pub last_error: Option<(DateTime<Utc>, String)>,
}

/// Everything that watches runs: counters, the notification gate and the destinations.
pub struct Monitor {
    state: Arc<dyn StateStore>,
    /// The counters behind `/metrics`.
    pub metrics: Metrics,
    notifiers: Notifiers,
    gate: NotifyGate,
    statuses: Mutex<HashMap<String, ConnectionStatus>>,
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monitor").finish_non_exhaustive()
    }
}

impl Monitor {
    /// A monitor writing to `notifiers`.
    pub fn new(state: Arc<dyn StateStore>, notifiers: Notifiers) -> Self {
        Self {
            state,
            metrics: Metrics::new(),
            notifiers,
            gate: NotifyGate::new(),
            statuses: Mutex::new(HashMap::new()),
        }
    }

    fn statuses(&self) -> MutexGuard<'_, HashMap<String, ConnectionStatus>> {
        // Poisoning follows a panic mid-update of plain values; they stay usable.
        self.statuses.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How `connection` is doing.
    pub fn status(&self, connection: &str) -> ConnectionStatus {
        self.statuses().get(connection).cloned().unwrap_or_default()
    }

    /// The record keys of the pending dead letters of a flow (empty when the store does not answer).
    pub async fn pending_keys(&self, connection: &str, flow: &str) -> BTreeSet<String> {
        self.pending_letters(connection, flow)
            .await
            .into_iter()
            .map(|l| l.record_key.to_string())
            .collect()
    }

    async fn pending_letters(
        &self,
        connection: &str,
        flow: &str,
    ) -> Vec<sync_core::state::DeadLetter> {
        let filter = DeadLetterFilter {
            connection: Some(connection.to_owned()),
            flow: Some(flow.to_owned()),
            status: Some(DeadLetterStatus::Pending),
            ..Default::default()
        };
        match self.state.list_dead_letters(&filter).await {
            Ok(letters) => letters,
            Err(e) => {
                tracing::warn!(connection, error = %e, "could not list the dead letters");
                Vec::new()
            }
        }
    }

    /// Count a finished run and send the notifications it deserves: a failed run or a recovery, a
    /// connection that went down or came back, and each record dead-lettered for the first time.
    /// `pending_before` holds the dead letters that were pending before the run, so the ones it
    /// resolved can notify again should they fail later.
    pub async fn observe(&self, report: &RunReport, pending_before: &BTreeSet<String>) {
        self.metrics.record_run(report);
        self.notifiers
            .deliver(self.gate.run_finished(&as_the_gate_sees_it(report)))
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
        self.notifiers.deliver(connection_notice).await;

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
            self.notifiers.deliver(notice).await;
        }
        let still_pending: BTreeSet<String> =
            pending.iter().map(|l| l.record_key.to_string()).collect();
        for key in pending_before
            .iter()
            .filter(|k| !still_pending.contains(k.as_str()))
        {
            self.gate
                .record_succeeded(&report.connection, &report.flow, key);
        }
    }
}

/// A run whose only failures are dead-lettered records (a webhook run for the one order whose
/// article is missing, say) is notified through its dead letters; as a failed run it would notify
/// the same problem twice. Runs that stopped or had retryable failures stay failed.
fn as_the_gate_sees_it(report: &RunReport) -> std::borrow::Cow<'_, RunReport> {
    if report.outcome == Outcome::Failed
        && report.fatal_error.is_none()
        && report.counts.failed == 0
        && report.counts.dead_lettered > 0
    {
        let mut partial = report.clone();
        partial.outcome = Outcome::Partial;
        return std::borrow::Cow::Owned(partial);
    }
    std::borrow::Cow::Borrowed(report)
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

/// A connection's flows, run one request at a time.
pub struct FlowRunner {
    connection: ConnectionRuntime,
    one_at_a_time: tokio::sync::Mutex<()>,
    monitor: Arc<Monitor>,
}

impl std::fmt::Debug for FlowRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowRunner")
            .field("connection", &self.connection.name())
            .finish_non_exhaustive()
    }
}

impl FlowRunner {
    /// The runner of `connection`'s flows.
    pub fn new(connection: ConnectionRuntime, monitor: Arc<Monitor>) -> Self {
        Self {
            connection,
            one_at_a_time: tokio::sync::Mutex::new(()),
            monitor,
        }
    }

    /// The connection.
    pub fn connection(&self) -> &ConnectionRuntime {
        &self.connection
    }

    /// The connection's name.
    pub fn name(&self) -> &str {
        self.connection.name()
    }

    /// Run the order flow once, after any run of this connection in this process finished.
    ///
    /// # Errors
    ///
    /// The flow's error when the run could not start: [`ErrorKind::Conflict`] when another process
    /// holds the lease (nothing is counted: the next tick tries again), anything else is counted
    /// and notified as a failed run.
    pub async fn run(&self, request: RunRequest, trigger: Trigger) -> Result<RunReport, SyncError> {
        let _turn = self.one_at_a_time.lock().await;
        let pending_before = self.monitor.pending_keys(self.name(), FLOW).await;
        let result = self.connection.orders.run(request).await;
        self.finished(FLOW, trigger, &pending_before, result).await
    }

    /// Run the stock flow once, after any run of this connection in this process finished. Errors as
    /// for [`run`](Self::run).
    pub async fn run_stock(&self, trigger: Trigger) -> Result<RunReport, SyncError> {
        let _turn = self.one_at_a_time.lock().await;
        let pending_before = self.monitor.pending_keys(self.name(), STOCK).await;
        let result = self.connection.stock.run(StockRequest::default()).await;
        self.finished(STOCK, trigger, &pending_before, result).await
    }

    /// Log, count and notify a run's result.
    async fn finished(
        &self,
        flow: &str,
        trigger: Trigger,
        pending_before: &BTreeSet<String>,
        result: Result<RunReport, SyncError>,
    ) -> Result<RunReport, SyncError> {
        let name = self.connection.name();
        match result {
            Ok(report) => {
                tracing::info!(
                    connection = name, flow, trigger = trigger.as_str(),
                    outcome = %report.outcome, read = report.counts.read,
                    created = report.counts.created, updated = report.counts.updated,
                    dead_lettered = report.counts.dead_lettered,
                    failed = report.counts.failed, "run finished"
                );
                self.monitor.observe(&report, pending_before).await;
                Ok(report)
            }
            Err(e) if e.kind() == ErrorKind::Conflict => {
                tracing::debug!(connection = name, flow, trigger = trigger.as_str(), "{e}");
                Err(e)
            }
            Err(e) => {
                tracing::warn!(connection = name, flow, trigger = trigger.as_str(), error = %e, "the run could not start");
                let report = failed_report(name, flow, &e);
                self.monitor.observe(&report, pending_before).await;
                Err(e)
            }
        }
    }

    /// The stored run behind a report (the report's id is a UUID; the store numbers runs).
    pub async fn stored_run_id(&self, report: &RunReport) -> Option<RunId> {
        let filter = RunFilter {
            connection: Some(report.connection.clone()),
            flow: Some(report.flow.clone()),
            ..Default::default()
        };
        let wanted = report.run_id.to_string();
        let runs = self.monitor.state.list_runs(&filter, 50).await.ok()?;
        runs.into_iter()
            .find(|r| {
                r.report
                    .as_ref()
                    .and_then(|v| v.get("run_id"))
                    .and_then(|v| v.as_str())
                    == Some(wanted.as_str())
            })
            .map(|r| r.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_core::report::RunRecorder;
    use sync_core::traits::SystemClock;

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

    #[test]
    fn transport_and_auth_errors_mean_the_connection_is_down() {
        let mut r = RunRecorder::new("c", "orders", Arc::new(SystemClock));
        r.record_error(
            None,
            &SyncError::fatal(ErrorKind::Auth, "the refresh token was revoked"),
        );
        let report = r.finish();
        let problem = connection_problem(&report).unwrap();
        assert_eq!(problem.kind(), ErrorKind::Auth);
        assert_eq!(problem.to_string(), "auth: the refresh token was revoked");
        assert_eq!(
            latest_error(&report).as_deref(),
            Some("auth: the refresh token was revoked")
        );

        let mut r = RunRecorder::new("c", "orders", Arc::new(SystemClock));
        r.record_error(
            Some("order/1"),
            &SyncError::skippable(ErrorKind::MissingArticle, "no X"),
        );
        let report = r.finish();
        assert!(connection_problem(&report).is_none());
        assert_eq!(
            latest_error(&report).as_deref(),
            Some("order/1: missing_article: no X")
        );
    }
}
