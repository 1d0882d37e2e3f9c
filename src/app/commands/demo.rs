//! `koppel demo` and `koppel sandbox`.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use sync_core::flows::RunRequest;

use crate::app::cli::{DemoArgs, SandboxArgs};
use crate::app::config::KoppelConfig;
use crate::app::output::render_reports;
use crate::app::runtime::Runtime;
use crate::app::sandbox_config::sandbox_toml;

/// `koppel demo`: the embedded sandbox, a SQLite state file in a temporary directory, every flow run
/// twice; the second run must write nothing.
pub async fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let sb = sandbox::Sandbox::start(
        sandbox::SandboxConfig::default()
            .seed(args.seed)
            .orders(args.orders)
            .articles(args.articles),
    )
    .await
    .context("cannot start the sandbox")?;
    let state_url = format!("sqlite://{}", dir.path().join("koppel.db").display());
    let text = sandbox_toml(&sb, &state_url);
    let config_path = dir.path().join("koppel.toml");
    std::fs::write(&config_path, &text)?;
    let config = KoppelConfig::parse(&text)?;
    let runtime = Runtime::build(&config).await?;
    let ls = sb.lightspeed();
    let av = sb.accountview();
    if !args.json {
        println!("Koppel demo");
        println!(
            "  Lightspeed sandbox:  {} ({} orders)",
            ls.base_url(),
            ls.orders().len()
        );
        println!(
            "  AccountView sandbox: {} ({} articles)",
            av.base_url(),
            av.rows("ARTICLE").len()
        );
        println!("  configuration:       {}", config_path.display());
        println!("  state:               {state_url}\n");
    }

    let first = run_all(&runtime).await;
    let writes = (ls.write_count(), av.write_count());
    let booked = av.sales_orders().len();
    let second = run_all(&runtime).await;
    let writes_again = (ls.write_count() - writes.0, av.write_count() - writes.1);
    let created_again: u64 = second.iter().map(|r| r.counts.created).sum();

    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "first_run": first,
                "second_run": second,
                "sales_orders_in_accountview": booked,
                "writes_in_second_run": { "lightspeed": writes_again.0, "accountview": writes_again.1 },
            }))?
        );
    } else {
        println!("First run:\n{}", render_reports(&first));
        println!("AccountView now holds {booked} sales orders.\n");
        println!(
            "Second run (the same orders again):\n{}",
            render_reports(&second)
        );
        println!(
            "Writes in the second run: Lightspeed {}, AccountView {}.",
            writes_again.0, writes_again.1
        );
    }
    sb.shutdown().await;
    if created_again > 0 || writes_again != (0, 0) {
        eprintln!("the second run wrote again: that must never happen");
        return Ok(ExitCode::from(1));
    }
    if first
        .iter()
        .any(|r| r.outcome == sync_core::report::Outcome::Failed)
    {
        eprintln!("the first run failed");
        return Ok(ExitCode::from(1));
    }
    if !args.json {
        println!("Nothing was written twice.");
    }
    Ok(ExitCode::SUCCESS)
}

async fn run_all(runtime: &Runtime) -> Vec<sync_core::report::RunReport> {
    let mut reports = Vec::new();
    for connection in &runtime.connections {
        reports.extend(
            super::run::run_connection(
                connection,
                super::run::Flows::ALL,
                &RunRequest::poll(),
                false,
            )
            .await,
        );
    }
    reports
}

/// `koppel sandbox`: both simulators on fixed ports until Ctrl-C, plus a ready configuration file.
pub async fn sandbox(args: SandboxArgs) -> anyhow::Result<ExitCode> {
    let av_addr = SocketAddr::new(args.addr.ip(), args.addr.port().saturating_add(1));
    let sb = sandbox::Sandbox::start_on(
        args.addr,
        av_addr,
        sandbox::SandboxConfig::default()
            .seed(args.seed)
            .orders(args.orders)
            .articles(args.articles),
    )
    .await
    .context("cannot start the sandbox")?;
    std::fs::write(&args.config, sandbox_toml(&sb, "sqlite://koppel.db"))
        .with_context(|| format!("cannot write {}", args.config.display()))?;
    println!("Lightspeed sandbox:  {}", sb.lightspeed().base_url());
    println!("AccountView sandbox: {}", sb.accountview().base_url());
    println!("Configuration:       {}", args.config.display());
    println!("Try: koppel run --config {}", args.config.display());
    println!("Serving until Ctrl-C.");
    tokio::signal::ctrl_c().await?;
    sb.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
