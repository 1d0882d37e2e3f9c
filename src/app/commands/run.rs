//! `koppel run`: one pass of the flows.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use sync_core::error::{ErrorKind, SyncError};
use sync_core::flows::{Intake, RunRequest, StockRequest};
use sync_core::report::{RunRecorder, RunReport};

use crate::app::cli::{FlowChoice, RunArgs};
use crate::app::config::KoppelConfig;
use crate::app::output::{exit_code, render_reports, reports_json};
use crate::app::runtime::{ConnectionRuntime, Runtime};
use crate::app::serve::runner::Monitor;
use sync_core::flows::orders::FLOW as ORDERS;
use sync_core::flows::stock::FLOW as STOCK;

/// The flows this build can run. The product and customer flows are configured already
/// (`[products]`, `[customers]`) but not part of this build yet.
pub const AVAILABLE_FLOWS: &[&str] = crate::app::config::BUILT_FLOWS;

/// Which flows a pass runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flows {
    /// The order flow.
    pub orders: bool,
    /// The stock flow.
    pub stock: bool,
}

impl Flows {
    /// Every flow of this build.
    pub const ALL: Flows = Flows {
        orders: true,
        stock: true,
    };

    /// The flows `--flow` names, or an error for a flow this build does not have.
    pub fn chosen(choice: FlowChoice) -> anyhow::Result<Self> {
        Ok(match choice {
            FlowChoice::All => Self::ALL,
            FlowChoice::Orders => Flows {
                orders: true,
                stock: false,
            },
            FlowChoice::Stock => Flows {
                orders: false,
                stock: true,
            },
            other => anyhow::bail!(
                "the {other:?} flow is not part of this build yet (available: {})",
                AVAILABLE_FLOWS.join(", ")
            ),
        })
    }
}

/// `koppel run`.
pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let config = KoppelConfig::load(&args.config.config)?;
    let flows = Flows::chosen(args.flow)?;
    let runtime = Runtime::build(&config).await?;
    for connection in &runtime.connections {
        for warning in connection.config.unbuilt_flow_warnings() {
            eprintln!("warning: connection {}: {warning}", connection.name());
        }
    }
    // The same watcher `koppel serve` uses: failed runs, connections that went down and records
    // dead-lettered for the first time notify once.
    let monitor = Monitor::new(
        runtime.state.clone(),
        crate::app::notify::Notifiers::from_config(&config.notify)?,
    );
    let mut reports = Vec::new();
    for connection in &runtime.connections {
        if args
            .connection
            .as_deref()
            .is_some_and(|n| n != connection.name())
        {
            continue;
        }
        let mut pending_before = std::collections::BTreeMap::new();
        for flow in [ORDERS, STOCK] {
            pending_before.insert(flow, monitor.pending_keys(connection.name(), flow).await);
        }
        let request = RunRequest {
            intake: match args.since {
                Some(from) => Intake::Historic { from },
                None => Intake::Poll,
            },
            dry_run: args.dry_run,
        };
        for report in run_connection(connection, flows, &request, !args.json).await {
            // A flow busy in another worker is not a run of this one: nothing to count or notify.
            if !report.is_busy() {
                let pending = pending_before
                    .get(report.flow.as_str())
                    .cloned()
                    .unwrap_or_default();
                monitor.observe(&report, &pending).await;
            }
            reports.push(report);
        }
    }
    if reports.is_empty() {
        anyhow::bail!(
            "no connection named `{}`",
            args.connection.unwrap_or_default()
        );
    }
    if args.json {
        println!("{}", reports_json(&reports)?);
    } else {
        print!("{}", render_reports(&reports));
    }
    Ok(exit_code(&reports))
}

/// Run the chosen, enabled flows of one connection once: orders first (bookings reserve stock in the
/// ledger), then stock. `request` carries the dry-run switch for both and the order intake.
pub async fn run_connection(
    connection: &ConnectionRuntime,
    flows: Flows,
    request: &RunRequest,
    show_progress: bool,
) -> Vec<RunReport> {
    let name = connection.name();
    let mut reports = Vec::new();
    if flows.orders && connection.config.orders.enabled {
        let spinner = show_progress.then(|| spinner(format!("{name}: orders")));
        let report = connection
            .orders
            .run(request.clone())
            .await
            .unwrap_or_else(|e| not_started_report(name, ORDERS, &e));
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        reports.push(report);
    }
    if flows.stock && connection.config.stock.enabled {
        let spinner = show_progress.then(|| spinner(format!("{name}: stock")));
        let report = connection
            .stock
            .run(StockRequest {
                dry_run: request.dry_run,
            })
            .await
            .unwrap_or_else(|e| not_started_report(name, STOCK, &e));
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        reports.push(report);
    }
    reports
}

/// The report of a run that did not start: busy (another worker runs the flow right now — not a
/// failure), else failed.
pub fn not_started_report(connection: &str, flow: &str, error: &SyncError) -> RunReport {
    if error.kind() == ErrorKind::Conflict {
        RunReport::busy(
            connection,
            flow,
            Arc::new(sync_core::traits::SystemClock),
            &format!("{}; skipped", error.message()),
        )
    } else {
        failed_report(connection, flow, error)
    }
}

/// A report for a run that could not start.
pub fn failed_report(connection: &str, flow: &str, error: &SyncError) -> RunReport {
    let mut recorder = RunRecorder::new(connection, flow, Arc::new(sync_core::traits::SystemClock));
    recorder.record_error(None, error);
    recorder.finish()
}

fn spinner(message: String) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
