//! Notifications: the [`Notifier`] trait and the [`NotifyGate`] that sends one notification per
//! incident rather than one per retry.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, SyncError};
use crate::report::{Outcome, RunReport};

/// How urgent a notification is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Good news: something recovered.
    Info,
    /// One record needs attention.
    Warning,
    /// A run or a connection is failing.
    Error,
}

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NotificationKind {
    /// A run failed (first failure of an incident).
    RunFailed,
    /// A record went to the dead letters.
    RecordDeadLettered,
    /// A connection could not be reached or authenticated.
    ConnectionDown,
    /// A connection that was down works again.
    ConnectionRecovered,
    /// A flow that was failing succeeded again.
    RunRecovered,
}

/// A message for a person: what happened, where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// How urgent.
    pub severity: Severity,
    /// What about.
    pub kind: NotificationKind,
    /// The connection concerned.
    pub connection: String,
    /// The flow concerned (empty for connection notifications).
    pub flow: String,
    /// The exact problem (or the recovery).
    pub message: String,
    /// What to do about it, when we know.
    pub hint: Option<String>,
}

/// Delivers notifications (e-mail, webhook, chat…).
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Deliver one notification. Failing to notify never fails a run; callers log the error.
    async fn notify(&self, notification: &Notification) -> Result<(), SyncError>;
}

/// A remedy for an error kind, shown with the notification.
pub fn hint_for(kind: ErrorKind) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::Config => "Correct the configuration; the flow stays stopped until then.",
        ErrorKind::Auth => "Check the credentials or authorise the connection again.",
        ErrorKind::Transport | ErrorKind::Timeout => {
            "The other system could not be reached; Koppel keeps retrying."
        }
        ErrorKind::RateLimited => "The API quota is used up; Koppel waits for the reset.",
        ErrorKind::MissingArticle => {
            "Create the article in the ledger (or configure a fallback article), then replay the record."
        }
        ErrorKind::AmbiguousMatch => {
            "Several records match; merge or correct them, then replay the record."
        }
        ErrorKind::Mapping | ErrorKind::Validation => {
            "Correct the record or the mapping configuration, then replay the record."
        }
        _ => return None,
    })
}

#[derive(Debug, Default)]
struct GateState {
    /// (connection, flow) → failed runs in the current incident.
    failing_flows: HashMap<(String, String), u64>,
    /// connection → failed checks in the current incident.
    down_connections: HashMap<String, u64>,
    /// (connection, flow, record) already notified as dead-lettered.
    dead_letters: HashSet<(String, String, String)>,
}

/// Turns a stream of outcomes into notifications, once per incident.
///
/// * A failed run notifies [`RunFailed`](NotificationKind::RunFailed) the first time; further failed
///   runs of the same flow are counted silently; the next successful or partial run notifies
///   [`RunRecovered`](NotificationKind::RunRecovered).
/// * [`connection_failed`](Self::connection_failed) / [`connection_ok`](Self::connection_ok) do the
///   same for connections.
/// * A dead-lettered record notifies once, however often its replay fails, until
///   [`record_succeeded`](Self::record_succeeded) clears it.
///
/// The gate is shareable (`&self` methods behind a mutex). It keeps its memory in-process; after a
/// restart an open incident notifies once more.
#[derive(Debug, Default)]
pub struct NotifyGate {
    state: Mutex<GateState>,
}

impl NotifyGate {
    /// A gate with no open incidents.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, GateState> {
        // A poisoned lock only means another thread panicked mid-update of plain counters; the
        // state is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Observe a finished run.
    pub fn run_finished(&self, report: &RunReport) -> Option<Notification> {
        let key = (report.connection.clone(), report.flow.clone());
        let mut state = self.state();
        if report.outcome == Outcome::Failed {
            let failures = state.failing_flows.entry(key).or_insert(0);
            *failures += 1;
            if *failures > 1 {
                return None;
            }
            let (message, kind) = match &report.fatal_error {
                Some(fatal) => (fatal.to_string(), Some(fatal.kind)),
                None => (
                    format!(
                        "no record succeeded: {} dead-lettered, {} failed",
                        report.counts.dead_lettered, report.counts.failed
                    ),
                    report.first_errors.keys().next().copied(),
                ),
            };
            return Some(Notification {
                severity: Severity::Error,
                kind: NotificationKind::RunFailed,
                connection: report.connection.clone(),
                flow: report.flow.clone(),
                message,
                hint: kind.and_then(hint_for).map(str::to_owned),
            });
        }
        let failed_runs = state.failing_flows.remove(&key)?;
        Some(Notification {
            severity: Severity::Info,
            kind: NotificationKind::RunRecovered,
            connection: report.connection.clone(),
            flow: report.flow.clone(),
            message: format!("the flow runs again after {failed_runs} failed run(s)"),
            hint: None,
        })
    }

    /// Observe a failed connection check or request.
    pub fn connection_failed(&self, connection: &str, error: &SyncError) -> Option<Notification> {
        let mut state = self.state();
        let failures = state
            .down_connections
            .entry(connection.to_owned())
            .or_insert(0);
        *failures += 1;
        (*failures == 1).then(|| Notification {
            severity: Severity::Error,
            kind: NotificationKind::ConnectionDown,
            connection: connection.to_owned(),
            flow: String::new(),
            message: error.to_string(),
            hint: hint_for(error.kind()).map(str::to_owned),
        })
    }

    /// Observe a successful connection check or request.
    pub fn connection_ok(&self, connection: &str) -> Option<Notification> {
        let failures = self.state().down_connections.remove(connection)?;
        Some(Notification {
            severity: Severity::Info,
            kind: NotificationKind::ConnectionRecovered,
            connection: connection.to_owned(),
            flow: String::new(),
            message: format!("the connection works again after {failures} failed attempt(s)"),
            hint: None,
        })
    }

    /// Observe a record going to the dead letters (first time or after a failed replay).
    pub fn record_dead_lettered(
        &self,
        connection: &str,
        flow: &str,
        record_key: &str,
        error: &SyncError,
    ) -> Option<Notification> {
        let key = (
            connection.to_owned(),
            flow.to_owned(),
            record_key.to_owned(),
        );
        self.state().dead_letters.insert(key).then(|| Notification {
            severity: Severity::Warning,
            kind: NotificationKind::RecordDeadLettered,
            connection: connection.to_owned(),
            flow: flow.to_owned(),
            message: format!("{record_key}: {error}"),
            hint: hint_for(error.kind()).map(str::to_owned),
        })
    }

    /// Observe a record that succeeded (e.g. a replayed dead letter): a later failure notifies again.
    pub fn record_succeeded(&self, connection: &str, flow: &str, record_key: &str) {
        let key = (
            connection.to_owned(),
            flow.to_owned(),
            record_key.to_owned(),
        );
        self.state().dead_letters.remove(&key);
    }

    /// Send `notification` (if any) through `notifier`; a delivery failure is logged, never returned.
    pub async fn deliver(notifier: &dyn Notifier, notification: Option<Notification>) {
        let Some(notification) = notification else {
            return;
        };
        if let Err(error) = notifier.notify(&notification).await {
            tracing::warn!(
                kind = ?notification.kind, connection = %notification.connection, error = %error,
                "could not deliver notification"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::report::RunRecorder;
    use crate::testing::{ManualClock, RecordingNotifier};
    use std::sync::Arc;

    fn report(outcome_fatal: Option<SyncError>, ok: bool) -> RunReport {
        let mut run = RunRecorder::new("shop-1", "orders", Arc::new(ManualClock::default()));
        if let Some(e) = outcome_fatal {
            run.record_error(None, &e);
        }
        if ok {
            run.record_created("1");
        }
        run.finish()
    }

    #[test]
    fn failed_runs_notify_once_per_incident_then_recover() {
        let gate = NotifyGate::new();
        let auth = || SyncError::fatal(ErrorKind::Auth, "401 from the ledger");
        let first = gate.run_finished(&report(Some(auth()), false)).unwrap();
        assert_eq!(first.kind, NotificationKind::RunFailed);
        assert_eq!(first.severity, Severity::Error);
        assert_eq!(first.message, "auth: 401 from the ledger");
        assert!(first.hint.unwrap().contains("credentials"));
        assert!(gate.run_finished(&report(Some(auth()), false)).is_none());
        assert!(gate.run_finished(&report(Some(auth()), false)).is_none());

        let recovered = gate.run_finished(&report(None, true)).unwrap();
        assert_eq!(recovered.kind, NotificationKind::RunRecovered);
        assert!(recovered.message.contains("3 failed run"));
        assert!(
            gate.run_finished(&report(None, true)).is_none(),
            "no incident, no news"
        );
        // A new incident notifies again.
        assert!(gate.run_finished(&report(Some(auth()), false)).is_some());
    }

    #[test]
    fn connection_down_and_recovered() {
        let gate = NotifyGate::new();
        let err = SyncError::retryable(ErrorKind::Transport, "connection refused");
        let down = gate.connection_failed("shop-1", &err).unwrap();
        assert_eq!(down.kind, NotificationKind::ConnectionDown);
        assert!(gate.connection_failed("shop-1", &err).is_none());
        assert!(
            gate.connection_failed("shop-2", &err).is_some(),
            "per connection"
        );
        let up = gate.connection_ok("shop-1").unwrap();
        assert_eq!(up.kind, NotificationKind::ConnectionRecovered);
        assert!(up.message.contains("2 failed"));
        assert!(gate.connection_ok("shop-1").is_none());
    }

    #[test]
    fn dead_letters_notify_once_until_the_record_succeeds() {
        let gate = NotifyGate::new();
        let err = SyncError::skippable(ErrorKind::MissingArticle, "no ART-9");
        let n = gate
            .record_dead_lettered("shop-1", "orders", "ORD1", &err)
            .unwrap();
        assert_eq!(n.severity, Severity::Warning);
        assert_eq!(n.message, "ORD1: missing_article: no ART-9");
        assert!(
            gate.record_dead_lettered("shop-1", "orders", "ORD1", &err)
                .is_none()
        );
        gate.record_succeeded("shop-1", "orders", "ORD1");
        assert!(
            gate.record_dead_lettered("shop-1", "orders", "ORD1", &err)
                .is_some()
        );
    }

    #[tokio::test]
    async fn deliver_sends_and_survives_notifier_failures() {
        let notifier = RecordingNotifier::new();
        let gate = NotifyGate::new();
        let n = gate.connection_failed("c", &SyncError::retryable(ErrorKind::Timeout, "t"));
        NotifyGate::deliver(&notifier, n).await;
        NotifyGate::deliver(&notifier, None).await;
        assert_eq!(notifier.notifications().len(), 1);
        notifier.fail_with(ErrorKind::Transport);
        let n = gate.connection_failed("d", &SyncError::retryable(ErrorKind::Timeout, "t"));
        NotifyGate::deliver(&notifier, n).await; // logged, not panicking
        assert_eq!(notifier.notifications().len(), 1);
    }
}
