//! The `koppel` binary's application code: configuration, wiring, commands, the server.
//!
//! It lives in the library so integration tests and embedders can reuse pieces (the configuration
//! types, the sandbox configuration, the server's router); the binary itself is `src/main.rs`.

pub mod cli;
pub mod commands;
pub mod config;
pub mod notify;
pub mod output;
pub mod runtime;
pub mod sandbox_config;
pub mod serve;

use std::process::ExitCode;

use cli::{Cli, Command};

/// Run the command line and return the process exit code (0 ok, 2 some records dead-lettered,
/// 1 a fatal error).
pub async fn main(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Demo(args) => commands::demo::demo(args).await,
        Command::Sandbox(args) => commands::demo::sandbox(args).await,
        Command::Run(args) => commands::run::run(args).await,
        Command::Dlq(args) => commands::admin::dlq(args.action).await,
        Command::State(args) => commands::admin::state(args.action).await,
        Command::Log(args) => commands::admin::log(args.action).await,
        Command::Init(args) => commands::init::init(*args).await,
        Command::Check(args) => commands::check::check(args).await,
        Command::Serve(args) => serve::serve(args).await,
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}

/// Install the terminal logger: `--log`, else `RUST_LOG`, else warnings only.
pub fn init_logging(filter: Option<&str>) {
    use tracing_subscriber::EnvFilter;
    let filter = filter
        .map(EnvFilter::new)
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
