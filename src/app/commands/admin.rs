//! `koppel dlq`, `koppel state show`, `koppel log purge`.

use std::process::ExitCode;

use sync_core::flows::{Intake, RunRequest};
use sync_core::state::{DeadLetterFilter, DeadLetterId, DeadLetterStatus};

use crate::app::cli::{DlqAction, LogAction, StateAction};
use crate::app::config::KoppelConfig;
use crate::app::output::{exit_code, render_reports, reports_json};
use crate::app::runtime::{Runtime, open_state};

/// `koppel dlq …`.
pub async fn dlq(action: DlqAction) -> anyhow::Result<ExitCode> {
    match action {
        DlqAction::List { config, all, json } => {
            let config = KoppelConfig::load(&config.config)?;
            let state = open_state(&config.state).await?;
            let letters = state
                .list_dead_letters(&DeadLetterFilter {
                    status: (!all).then_some(DeadLetterStatus::Pending),
                    ..Default::default()
                })
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&letters)?);
            } else if letters.is_empty() {
                println!("no dead letters");
            } else {
                println!(
                    "{:>5}  {:<10} {:<9} {:<22} {:<16} {:>8}  {:<20}  error",
                    "id", "connection", "flow", "record", "kind", "attempts", "last seen"
                );
                for l in &letters {
                    println!(
                        "{:>5}  {:<10} {:<9} {:<22} {:<16} {:>8}  {:<20}  {}{}",
                        l.id.0,
                        l.connection,
                        l.flow,
                        l.record_key,
                        l.error_kind,
                        l.attempts,
                        l.last_seen.format("%Y-%m-%d %H:%M:%S"),
                        l.error_message,
                        if l.status == DeadLetterStatus::Pending {
                            String::new()
                        } else {
                            format!(" ({})", l.status)
                        }
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        DlqAction::Replay {
            config,
            id,
            all,
            json,
        } => {
            let config = KoppelConfig::load(&config.config)?;
            let runtime = Runtime::build(&config).await?;
            let letters = match (id, all) {
                (Some(id), _) => match runtime.state.get_dead_letter(DeadLetterId(id)).await? {
                    Some(letter) => vec![letter],
                    None => anyhow::bail!("no dead letter with id {id}"),
                },
                (None, true) => {
                    runtime
                        .state
                        .list_dead_letters(&DeadLetterFilter {
                            status: Some(DeadLetterStatus::Pending),
                            ..Default::default()
                        })
                        .await?
                }
                (None, false) => anyhow::bail!("name a dead letter id, or --all"),
            };
            let mut reports = Vec::new();
            for connection in &runtime.connections {
                let ids: Vec<DeadLetterId> = letters
                    .iter()
                    .filter(|l| l.connection == connection.name() && l.flow == "orders")
                    .map(|l| l.id)
                    .collect();
                if ids.is_empty() {
                    continue;
                }
                let report = connection
                    .orders
                    .run(RunRequest {
                        intake: Intake::Replay(ids),
                        dry_run: false,
                    })
                    .await
                    .unwrap_or_else(|e| {
                        super::run::not_started_report(connection.name(), "orders", &e)
                    });
                reports.push(report);
            }
            if json {
                println!("{}", reports_json(&reports)?);
            } else if reports.is_empty() {
                println!("nothing to replay");
            } else {
                print!("{}", render_reports(&reports));
            }
            Ok(exit_code(&reports))
        }
        DlqAction::Drop { config, id } => {
            let config = KoppelConfig::load(&config.config)?;
            let state = open_state(&config.state).await?;
            if state.get_dead_letter(DeadLetterId(id)).await?.is_none() {
                anyhow::bail!("no dead letter with id {id}");
            }
            state.drop_dead_letter(DeadLetterId(id)).await?;
            println!("dropped dead letter {id}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `koppel state show`.
pub async fn state(action: StateAction) -> anyhow::Result<ExitCode> {
    match action {
        StateAction::Show { config, json } => {
            let config = KoppelConfig::load(&config.config)?;
            let state = open_state(&config.state).await?;
            let stats = state.stats().await?;
            let mut summaries = Vec::new();
            for c in config.connections()? {
                summaries.push(state.summary(&c.name).await?);
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "store": stats, "connections": summaries
                    }))?
                );
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "state store: {} (schema {})",
                stats.backend,
                stats
                    .schema_version
                    .map_or("-".to_owned(), |v| v.to_string())
            );
            for s in &summaries {
                println!("\nconnection {}", s.connection);
                for (flow, cursor) in &s.cursors {
                    println!("  cursor {flow}: {}", cursor.position.to_rfc3339());
                }
                for (kind, n) in &s.id_links {
                    println!("  id map {kind}: {n}");
                }
                for (flow, n) in &s.dead_letters_pending {
                    println!("  dead letters pending ({flow}): {n}");
                }
                println!("  claims in flight: {}", s.claims_in_flight);
                for run in &s.last_runs {
                    println!(
                        "  run {} {} {} {}",
                        run.id.0,
                        run.flow,
                        run.started_at.format("%Y-%m-%d %H:%M:%S"),
                        run.outcome.as_deref().unwrap_or("running")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `koppel log purge`.
pub async fn log(action: LogAction) -> anyhow::Result<ExitCode> {
    match action {
        LogAction::Purge { config, older_than } => {
            let config = KoppelConfig::load(&config.config)?;
            let retention = match older_than {
                Some(text) => sync_core::config::parse_duration(&text)
                    .map_err(|e| anyhow::anyhow!("--older-than: {e}"))?,
                None => config.state.retention.get(),
            };
            let state = open_state(&config.state).await?;
            let cutoff = chrono::Utc::now() - chrono::Duration::from_std(retention)?;
            let purged = state.purge_activity(cutoff).await?;
            println!(
                "purged {purged} activity entries older than {}",
                cutoff.format("%Y-%m-%d %H:%M:%S UTC")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
