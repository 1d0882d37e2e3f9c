//! The `koppel` command-line tool. See `koppel --help` and the README.

use std::process::ExitCode;

use clap::Parser;
use koppel::app::cli::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    koppel::app::init_logging(cli.log.as_deref());
    koppel::app::main(cli).await
}
