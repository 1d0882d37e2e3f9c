//! What the binary prints: run reports as tables or JSON, and the exit code they mean.

use std::fmt::Write as _;
use std::process::ExitCode;

use sync_core::report::{Outcome, RunReport};

/// The exit code for a set of reports: 0 when every record went through, 2 when some were
/// dead-lettered or failed, 1 when a run failed outright.
pub fn exit_code(reports: &[RunReport]) -> ExitCode {
    if reports.iter().any(|r| r.outcome == Outcome::Failed) {
        ExitCode::from(1)
    } else if reports.iter().any(|r| r.counts.failures() > 0) {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// Render reports as a table with the first errors under it.
pub fn render_reports(reports: &[RunReport]) -> String {
    let mut out = String::new();
    let header = [
        "connection",
        "flow",
        "outcome",
        "read",
        "created",
        "updated",
        "unchanged",
        "skipped",
        "dead",
        "failed",
        "requests",
        "time",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for r in reports {
        let c = &r.counts;
        let outcome = if r.dry_run {
            format!("{} (dry run)", r.outcome)
        } else {
            r.outcome.to_string()
        };
        rows.push(vec![
            r.connection.clone(),
            r.flow.clone(),
            outcome,
            c.read.to_string(),
            c.created.to_string(),
            c.updated.to_string(),
            c.unchanged.to_string(),
            c.skipped.to_string(),
            c.dead_lettered.to_string(),
            c.failed.to_string(),
            r.api.requests.to_string(),
            format!("{:.1}s", r.duration().num_milliseconds() as f64 / 1000.0),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (n, row) in rows.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                if i < 3 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
        if n == 0 {
            let _ = writeln!(
                out,
                "{}",
                "-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1))
            );
        }
    }
    for r in reports {
        for warning in &r.warnings {
            let _ = writeln!(out, "\n{}/{}: {warning}", r.connection, r.flow);
        }
        if let Some(fatal) = &r.fatal_error {
            let _ = writeln!(out, "\n{}/{}: run failed: {fatal}", r.connection, r.flow);
        }
        for (kind, group) in &r.first_errors {
            let _ = writeln!(
                out,
                "\n{}/{}: {} × {kind}",
                r.connection, r.flow, group.count
            );
            for s in &group.samples {
                let key = s.record_key.as_deref().unwrap_or("-");
                let _ = writeln!(out, "  {key}: {}", s.message);
            }
        }
        if !r.rounding_differences.is_empty() {
            let _ = writeln!(
                out,
                "\n{}/{}: rounding differences booked on the rounding article:",
                r.connection, r.flow
            );
            for d in &r.rounding_differences {
                let _ = writeln!(out, "  {}: {}", d.record_key, d.amount);
            }
        }
    }
    out
}

/// Render reports as pretty JSON.
pub fn reports_json(reports: &[RunReport]) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(reports)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use sync_core::error::{ErrorKind, SyncError};
    use sync_core::report::RunRecorder;
    use sync_core::traits::SystemClock;

    fn report(dead: bool, fatal: bool) -> RunReport {
        let mut r = RunRecorder::new("default", "orders", Arc::new(SystemClock));
        r.record_read(2);
        r.record_created("ORD1");
        if dead {
            r.record_error(
                Some("ORD2"),
                &SyncError::skippable(ErrorKind::MissingArticle, "no X"),
            );
        }
        if fatal {
            r.record_error(None, &SyncError::fatal(ErrorKind::Auth, "revoked"));
        }
        r.finish()
    }

    #[test]
    fn exit_codes_mean_something() {
        assert_eq!(exit_code(&[report(false, false)]), ExitCode::SUCCESS);
        assert_eq!(exit_code(&[report(true, false)]), ExitCode::from(2));
        assert_eq!(
            exit_code(&[report(true, false), report(false, true)]),
            ExitCode::from(1)
        );
    }

    #[test]
    fn the_table_names_counts_and_first_errors() {
        let text = render_reports(&[report(true, false)]);
        assert!(text.contains("orders"), "{text}");
        assert!(text.contains("missing_article"), "{text}");
        assert!(text.contains("ORD2: no X"), "{text}");
        let json = reports_json(&[report(false, false)]).unwrap();
        assert!(json.contains("\"created\": 1"), "{json}");
    }
}
