//! Counters of `koppel serve` and their Prometheus text exposition (`GET /metrics`).
//!
//! The exposition format is a handful of `name{label="value"} number` lines; writing it here keeps
//! the binary free of a metrics framework for seven series.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard};

use sync_core::report::RunReport;

/// What happened to a webhook delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WebhookResult {
    /// Verified and queued.
    Accepted,
    /// Not verified (bad or missing signature, unknown shop) or not readable.
    Rejected,
    /// Verified, but about something no flow of this build handles.
    Ignored,
    /// Verified, but already queued or delivered moments ago.
    Duplicate,
    /// Verified, but the state store could not keep it: answered 503 so Lightspeed delivers it again.
    Unavailable,
}

impl WebhookResult {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Ignored => "ignored",
            Self::Duplicate => "duplicate",
            Self::Unavailable => "unavailable",
        }
    }

    /// Every result, in label order.
    pub const ALL: [WebhookResult; 5] = [
        Self::Accepted,
        Self::Duplicate,
        Self::Ignored,
        Self::Rejected,
        Self::Unavailable,
    ];
}

impl From<&crate::webhooks::Delivery> for WebhookResult {
    fn from(delivery: &crate::webhooks::Delivery) -> Self {
        use crate::webhooks::Delivery;
        match delivery {
            Delivery::Accepted { .. } => Self::Accepted,
            Delivery::Duplicate { .. } => Self::Duplicate,
            Delivery::Ignored { .. } => Self::Ignored,
            Delivery::Unavailable { .. } => Self::Unavailable,
            _ => Self::Rejected,
        }
    }
}

/// (connection, flow).
type FlowKey = (String, String);

#[derive(Debug, Default)]
struct Counters {
    runs: BTreeMap<(String, String, String), u64>,
    records: BTreeMap<(String, String, &'static str), u64>,
    api_requests: BTreeMap<FlowKey, u64>,
    last_run: BTreeMap<FlowKey, i64>,
    webhooks: BTreeMap<WebhookResult, u64>,
    webhooks_by_connection: BTreeMap<(String, WebhookResult), u64>,
}

/// The process's counters (shared by every task; cheap to update).
#[derive(Debug, Default)]
pub struct Metrics {
    counters: Mutex<Counters>,
}

impl Metrics {
    /// Empty counters.
    pub fn new() -> Self {
        Self::default()
    }

    fn counters(&self) -> MutexGuard<'_, Counters> {
        // A poisoned lock only means a panic mid-increment of plain numbers; they stay usable.
        self.counters.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Count a finished run (or one that could not start, as a failed report).
    pub fn record_run(&self, report: &RunReport) {
        let mut c = self.counters();
        let flow = (report.connection.clone(), report.flow.clone());
        *c.runs
            .entry((flow.0.clone(), flow.1.clone(), report.outcome.to_string()))
            .or_default() += 1;
        let counts = &report.counts;
        for (result, n) in [
            ("created", counts.created),
            ("updated", counts.updated),
            ("unchanged", counts.unchanged),
            ("skipped", counts.skipped),
            ("dead_lettered", counts.dead_lettered),
            ("failed", counts.failed),
        ] {
            *c.records
                .entry((flow.0.clone(), flow.1.clone(), result))
                .or_default() += n;
        }
        *c.api_requests.entry(flow.clone()).or_default() += report.api.requests;
        c.last_run.insert(flow, report.finished_at.timestamp());
    }

    /// Count a webhook decision (`connection` when it is known).
    pub fn record_webhook(&self, connection: Option<&str>, result: WebhookResult) {
        let mut c = self.counters();
        *c.webhooks.entry(result).or_default() += 1;
        if let Some(connection) = connection {
            *c.webhooks_by_connection
                .entry((connection.to_owned(), result))
                .or_default() += 1;
        }
    }

    /// Webhook decisions of one connection, by result.
    pub fn webhooks_of(&self, connection: &str) -> Vec<(WebhookResult, u64)> {
        let c = self.counters();
        WebhookResult::ALL
            .iter()
            .map(|r| {
                let n = c
                    .webhooks_by_connection
                    .get(&(connection.to_owned(), *r))
                    .copied()
                    .unwrap_or(0);
                (*r, n)
            })
            .collect()
    }

    /// The Prometheus text exposition, with the pending dead letters per (connection, flow) read
    /// from the state store at scrape time.
    pub fn render(&self, dead_letters_pending: &[(String, String, u64)]) -> String {
        let c = self.counters();
        let mut out = String::new();
        family(
            &mut out,
            "koppel_up",
            "gauge",
            "Whether koppel serve is up.",
        );
        out.push_str("koppel_up 1\n");

        family(
            &mut out,
            "koppel_runs_total",
            "counter",
            "Flow runs by outcome.",
        );
        for ((connection, flow, outcome), n) in &c.runs {
            sample(
                &mut out,
                "koppel_runs_total",
                &[
                    ("connection", connection),
                    ("flow", flow),
                    ("outcome", outcome),
                ],
                *n,
            );
        }

        family(
            &mut out,
            "koppel_records_total",
            "counter",
            "Records handled by runs, by result.",
        );
        for ((connection, flow, result), n) in &c.records {
            sample(
                &mut out,
                "koppel_records_total",
                &[
                    ("connection", connection),
                    ("flow", flow),
                    ("result", result),
                ],
                *n,
            );
        }

        family(
            &mut out,
            "koppel_webhooks_total",
            "counter",
            "Lightspeed webhook deliveries by result.",
        );
        for result in WebhookResult::ALL {
            let n = c.webhooks.get(&result).copied().unwrap_or(0);
            sample(
                &mut out,
                "koppel_webhooks_total",
                &[("result", result.as_str())],
                n,
            );
        }

        family(
            &mut out,
            "koppel_dead_letters_pending",
            "gauge",
            "Dead letters waiting for a replay or a decision.",
        );
        for (connection, flow, n) in dead_letters_pending {
            sample(
                &mut out,
                "koppel_dead_letters_pending",
                &[("connection", connection), ("flow", flow)],
                *n,
            );
        }

        family(
            &mut out,
            "koppel_api_requests_total",
            "counter",
            "API requests made by runs (both systems).",
        );
        for ((connection, flow), n) in &c.api_requests {
            sample(
                &mut out,
                "koppel_api_requests_total",
                &[("connection", connection), ("flow", flow)],
                *n,
            );
        }

        family(
            &mut out,
            "koppel_last_run_timestamp_seconds",
            "gauge",
            "When the last run of a flow finished (Unix time).",
        );
        for ((connection, flow), at) in &c.last_run {
            sample(
                &mut out,
                "koppel_last_run_timestamp_seconds",
                &[("connection", connection), ("flow", flow)],
                *at,
            );
        }
        out
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (i, (key, value)) in labels.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{key}=\"{}\"", escape_label(value));
        }
        out.push('}');
    }
    let _ = writeln!(out, " {value}");
}

/// A label value as the exposition format wants it: `\`, `"` and newlines escaped.
fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use sync_core::error::{ErrorKind, SyncError};
    use sync_core::report::RunRecorder;
    use sync_core::traits::SystemClock;

    fn report(connection: &str) -> RunReport {
        let mut r = RunRecorder::new(connection, "orders", Arc::new(SystemClock));
        r.record_read(3);
        r.record_created("1");
        r.record_created("2");
        r.record_error(
            Some("3"),
            &SyncError::skippable(ErrorKind::MissingArticle, "no X"),
        );
        r.finish()
    }

    #[test]
    fn renders_every_family_with_labels_and_values() {
        let m = Metrics::new();
        let r = report("shop-1");
        m.record_run(&r);
        m.record_run(&r);
        m.record_webhook(Some("shop-1"), WebhookResult::Accepted);
        m.record_webhook(None, WebhookResult::Rejected);
        let text = m.render(&[("shop-1".into(), "orders".into(), 1)]);
        for line in [
            "koppel_up 1",
            "koppel_runs_total{connection=\"shop-1\",flow=\"orders\",outcome=\"partial\"} 2",
            "koppel_records_total{connection=\"shop-1\",flow=\"orders\",result=\"created\"} 4",
            "koppel_records_total{connection=\"shop-1\",flow=\"orders\",result=\"dead_lettered\"} 2",
            "koppel_records_total{connection=\"shop-1\",flow=\"orders\",result=\"updated\"} 0",
            "koppel_webhooks_total{result=\"accepted\"} 1",
            "koppel_webhooks_total{result=\"rejected\"} 1",
            "koppel_webhooks_total{result=\"duplicate\"} 0",
            "koppel_dead_letters_pending{connection=\"shop-1\",flow=\"orders\"} 1",
            "koppel_api_requests_total{connection=\"shop-1\",flow=\"orders\"} 0",
            &format!(
                "koppel_last_run_timestamp_seconds{{connection=\"shop-1\",flow=\"orders\"}} {}",
                r.finished_at.timestamp()
            ),
            "# TYPE koppel_runs_total counter",
            "# TYPE koppel_dead_letters_pending gauge",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing `{line}` in\n{text}"
            );
        }
        assert_eq!(
            m.webhooks_of("shop-1")[0],
            (WebhookResult::Accepted, 1),
            "per-connection webhook counts"
        );
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        let m = Metrics::new();
        m.record_run(&report("we\"ird"));
        let text = m.render(&[]);
        assert!(text.contains("connection=\"we\\\"ird\""), "{text}");
    }
}
