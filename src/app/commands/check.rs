//! `koppel check`: connection tests and discovery summary (being built).

use std::process::ExitCode;

use crate::app::cli::ConfigArgs;

/// `koppel check`.
pub async fn check(_args: ConfigArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("koppel check is being built")
}
