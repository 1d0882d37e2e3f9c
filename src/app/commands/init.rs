//! `koppel init`: the setup wizard (being built).

use std::process::ExitCode;

use crate::app::cli::InitArgs;

/// `koppel init`.
pub async fn init(_args: InitArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("koppel init is being built")
}
