//! `koppel serve` (being built).

use std::process::ExitCode;

use crate::app::cli::ConfigArgs;

/// `koppel serve`.
pub async fn serve(_args: ConfigArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("koppel serve is being built")
}
