//! `koppel run`: one pass of the flows.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use sync_core::error::SyncError;
use sync_core::flows::{Intake, RunRequest};
use sync_core::report::{RunRecorder, RunReport};

use crate::app::cli::{FlowChoice, RunArgs};
use crate::app::config::KoppelConfig;
use crate::app::output::{exit_code, render_reports, reports_json};
use crate::app::runtime::{ConnectionRuntime, Runtime};
use crate::app::serve::runner::Monitor;
use sync_core::flows::orders::FLOW;

/// The flows this build can run. The stock, product and customer flows are configured already
/// (`[stock]`, `[products]`, `[customers]`) but not part of this build yet.
pub const AVAILABLE_FLOWS: &[&str] = &["orders"];

/// `koppel run`.
pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let config = KoppelConfig::load(&args.config.config)?;
    if !matches!(args.flow, FlowChoice::Orders | FlowChoice::All) {
        anyhow::bail!(
            "the {:?} flow is not part of this build yet (available: {})",
            args.flow,
            AVAILABLE_FLOWS.join(", ")
        );
    }
    let runtime = Runtime::build(&config).await?;
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
        let pending_before = monitor.pending_keys(connection.name(), FLOW).await;
        let request = RunRequest {
            intake: match args.since {
                Some(from) => Intake::Historic { from },
                None => Intake::Poll,
            },
            dry_run: args.dry_run,
        };
        for report in run_connection(connection, &request, !args.json).await {
            monitor.observe(&report, &pending_before).await;
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

/// Run every enabled flow of one connection once.
pub async fn run_connection(
    connection: &ConnectionRuntime,
    request: &RunRequest,
    show_progress: bool,
) -> Vec<RunReport> {
    let mut reports = Vec::new();
    if connection.config.orders.enabled {
        let spinner = show_progress.then(|| spinner(format!("{}: orders", connection.name())));
        let report = connection
            .orders
            .run(request.clone())
            .await
            .unwrap_or_else(|e| failed_report(connection.name(), "orders", &e));
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        reports.push(report);
    }
    reports
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
