//! Running a connection's order flow inside `koppel serve`: one run at a time per connection in this
//! process (the flow's lease keeps other processes apart), and every report counted and turned into
//! notifications once per incident.

use std::collections::BTreeSet;
use std::sync::Arc;

use sync_core::error::{ErrorKind, SyncError};
use sync_core::flows::orders::FLOW;
use sync_core::flows::stock::FLOW as STOCK;
use sync_core::flows::{RunRequest, StockRequest};
use sync_core::monitor::{ConnectionStatus, RunMonitor};
use sync_core::report::RunReport;
use sync_core::state::{RunFilter, RunId, StateStore};

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

/// Everything that watches runs in this process: the `/metrics` counters, and sync-core's
/// [`RunMonitor`] (statuses and notifications once per incident).
pub struct Monitor {
    state: Arc<dyn StateStore>,
    /// The counters behind `/metrics`.
    pub metrics: Metrics,
    /// Statuses and notifications.
    pub runs: RunMonitor,
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monitor").finish_non_exhaustive()
    }
}

impl Monitor {
    /// A monitor over `state`'s dead letters, writing to `notifiers`.
    pub fn new(state: Arc<dyn StateStore>, notifiers: Notifiers) -> Self {
        Self {
            state: state.clone(),
            metrics: Metrics::new(),
            runs: RunMonitor::builder()
                .dead_letters(state)
                .notifier(Arc::new(notifiers))
                .build(),
        }
    }

    /// How `connection` is doing.
    pub fn status(&self, connection: &str) -> ConnectionStatus {
        self.runs.status(connection)
    }

    /// The record keys of the pending dead letters of a flow.
    pub async fn pending_keys(&self, connection: &str, flow: &str) -> BTreeSet<String> {
        self.runs.pending_keys(connection, flow).await
    }

    /// Count a finished run and send the notifications it deserves (see [`RunMonitor::observe`]).
    pub async fn observe(&self, report: &RunReport, pending_before: &BTreeSet<String>) {
        self.metrics.record_run(report);
        self.runs.observe(report, pending_before).await;
    }
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
        // Boxed: a flow run is a deep future; on the caller's stack it overflows small thread stacks.
        let result = Box::pin(self.connection.orders.run(request)).await;
        self.finished(FLOW, trigger, &pending_before, result).await
    }

    /// Run the stock flow once, after any run of this connection in this process finished. Errors as
    /// for [`run`](Self::run).
    pub async fn run_stock(&self, trigger: Trigger) -> Result<RunReport, SyncError> {
        let _turn = self.one_at_a_time.lock().await;
        let pending_before = self.monitor.pending_keys(self.name(), STOCK).await;
        let result = Box::pin(self.connection.stock.run(StockRequest::default())).await;
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
