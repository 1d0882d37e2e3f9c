//! The command line: names and flags are a contract (README, scripts, the issue tracker).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Koppel: Lightspeed eCom ⇄ Visma AccountView.
#[derive(Debug, Parser)]
#[command(name = "koppel", version, about, long_about = None)]
pub struct Cli {
    /// Log filter (e.g. `info`, `koppel=debug`); also `RUST_LOG`.
    #[arg(long, global = true, env = "KOPPEL_LOG")]
    pub log: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the embedded sandbox, run every flow twice and show that nothing is written twice.
    Demo(DemoArgs),
    /// Serve both API simulators until interrupted and write a ready koppel.toml for them.
    Sandbox(SandboxArgs),
    /// The setup wizard: credentials, connection tests, discovery, default mappings, config file.
    Init(Box<InitArgs>),
    /// Test both connections and summarise what the AccountView administration holds.
    Check(CheckArgs),
    /// One pass of the flows.
    Run(RunArgs),
    /// Long-running: schedules, Lightspeed webhooks, dashboard, /healthz and /metrics.
    Serve(ConfigArgs),
    /// Dead letters: list, replay, drop.
    Dlq(DlqArgs),
    /// The state store.
    State(StateArgs),
    /// The activity log.
    Log(LogArgs),
}

/// `--config FILE`.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// The configuration file.
    #[arg(long, short, default_value = "koppel.toml", env = "KOPPEL_CONFIG")]
    pub config: PathBuf,
}

/// `koppel check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub config: ConfigArgs,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Only this connection (by name).
    #[arg(long)]
    pub connection: Option<String>,
}

/// `koppel demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Seed of the sandbox data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// How many orders the sandbox shop holds.
    #[arg(long, default_value_t = 40)]
    pub orders: usize,
    /// How many articles the administration holds.
    #[arg(long, default_value_t = 30)]
    pub articles: usize,
    /// Print the reports as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `koppel sandbox`.
#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// Address of the Lightspeed simulator; AccountView listens on the next port.
    #[arg(long, default_value = "127.0.0.1:8640")]
    pub addr: SocketAddr,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// How many orders.
    #[arg(long, default_value_t = 200)]
    pub orders: usize,
    /// How many articles.
    #[arg(long, default_value_t = 120)]
    pub articles: usize,
    /// Where to write the configuration for the simulators.
    #[arg(long, default_value = "koppel.toml")]
    pub config: PathBuf,
}

/// `koppel init`: every question can be answered by a flag.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// The configuration file to write.
    #[arg(long, short, default_value = "koppel.toml")]
    pub config: PathBuf,
    /// Answer every question that has no flag with its default; fail when a required answer is missing.
    #[arg(long)]
    pub non_interactive: bool,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// Lightspeed cluster (`eu1`, `us1`).
    #[arg(long)]
    pub lightspeed_cluster: Option<String>,
    /// Lightspeed API base URL (instead of the cluster; the sandbox's URL, say).
    #[arg(long)]
    pub lightspeed_base_url: Option<String>,
    /// Shop language (2 letters).
    #[arg(long)]
    pub lightspeed_language: Option<String>,
    /// Lightspeed API key.
    #[arg(long, env = "KOPPEL_LIGHTSPEED_API_KEY")]
    pub lightspeed_api_key: Option<String>,
    /// Lightspeed API secret.
    #[arg(long, env = "KOPPEL_LIGHTSPEED_API_SECRET", hide_env_values = true)]
    pub lightspeed_api_secret: Option<String>,
    /// AccountView.Net API base URL.
    #[arg(long)]
    pub accountview_base_url: Option<String>,
    /// AccountView.Net authorize URL (defaults from the base URL).
    #[arg(long)]
    pub accountview_authorize_url: Option<String>,
    /// AccountView client id (API-sleutel).
    #[arg(long, env = "KOPPEL_ACCOUNTVIEW_CLIENT_ID")]
    pub accountview_client_id: Option<String>,
    /// AccountView client secret.
    #[arg(long, env = "KOPPEL_ACCOUNTVIEW_CLIENT_SECRET", hide_env_values = true)]
    pub accountview_client_secret: Option<String>,
    /// The redirect URI registered for the app.
    #[arg(long)]
    pub accountview_redirect_uri: Option<String>,
    /// The authorisation code from the redirect after signing in.
    #[arg(long, hide_env_values = true)]
    pub accountview_code: Option<String>,
    /// An existing refresh token (skips the authorisation step).
    #[arg(long, hide_env_values = true)]
    pub accountview_refresh_token: Option<String>,
    /// The administration to use, by its code.
    #[arg(long)]
    pub accountview_company: Option<String>,
    /// State store URL.
    #[arg(long)]
    pub state_url: Option<String>,
    /// Book orders as `sales_order` or `sales_invoice`.
    #[arg(long)]
    pub target: Option<String>,
    /// Historic import: book orders placed since this date (`YYYY-MM-DD`); without it only orders
    /// from now on are booked.
    #[arg(long)]
    pub import_from: Option<chrono::NaiveDate>,
    /// The flows to enable, e.g. `orders,stock` (the default: the flows of this build). `products`
    /// and `customers` are configured but not part of this build yet.
    #[arg(long)]
    pub flows: Option<String>,
    /// Where the dashboard of `koppel serve` listens.
    #[arg(long)]
    pub dashboard_listen: Option<SocketAddr>,
    /// The dashboard password (default: a generated one).
    #[arg(long, env = "KOPPEL_DASHBOARD_PASSWORD", hide_env_values = true)]
    pub dashboard_password: Option<String>,
}

/// Which flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlowChoice {
    /// Lightspeed orders → AccountView.
    Orders,
    /// AccountView stock → Lightspeed.
    Stock,
    /// AccountView articles → Lightspeed products.
    Products,
    /// Customers both ways.
    Customers,
    /// Every enabled flow.
    All,
}

/// `koppel run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub config: ConfigArgs,
    /// Which flow.
    #[arg(long, value_enum, default_value_t = FlowChoice::All)]
    pub flow: FlowChoice,
    /// Show what would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the reports as JSON.
    #[arg(long)]
    pub json: bool,
    /// Only this connection (by name).
    #[arg(long)]
    pub connection: Option<String>,
    /// A historic import: read the orders changed since this date (`YYYY-MM-DD`) whatever the cursor
    /// says; already booked orders are recognised and skipped.
    #[arg(long, value_name = "DATE")]
    pub since: Option<chrono::NaiveDate>,
}

/// `koppel dlq`.
#[derive(Debug, Clone, Args)]
pub struct DlqArgs {
    #[command(subcommand)]
    #[allow(missing_docs)]
    pub action: DlqAction,
}

/// Dead-letter actions.
#[derive(Debug, Clone, Subcommand)]
pub enum DlqAction {
    /// List dead letters.
    List {
        #[command(flatten)]
        #[allow(missing_docs)]
        config: ConfigArgs,
        /// Include replayed and dropped letters.
        #[arg(long)]
        all: bool,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Replay one dead letter, or all pending ones.
    Replay {
        #[command(flatten)]
        #[allow(missing_docs)]
        config: ConfigArgs,
        /// The dead letter's id.
        id: Option<i64>,
        /// Replay every pending dead letter.
        #[arg(long, conflicts_with = "id")]
        all: bool,
        /// Print the reports as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Drop a dead letter (it is kept as dropped, never replayed automatically).
    Drop {
        #[command(flatten)]
        #[allow(missing_docs)]
        config: ConfigArgs,
        /// The dead letter's id.
        id: i64,
    },
}

/// `koppel state`.
#[derive(Debug, Clone, Args)]
pub struct StateArgs {
    #[command(subcommand)]
    #[allow(missing_docs)]
    pub action: StateAction,
}

/// State actions.
#[derive(Debug, Clone, Subcommand)]
pub enum StateAction {
    /// Cursors, id-map sizes, dead letters and the last runs per connection.
    Show {
        #[command(flatten)]
        #[allow(missing_docs)]
        config: ConfigArgs,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `koppel log`.
#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    #[command(subcommand)]
    #[allow(missing_docs)]
    pub action: LogAction,
}

/// Activity-log actions.
#[derive(Debug, Clone, Subcommand)]
pub enum LogAction {
    /// Delete activity payloads older than the retention period (`[state] retention`).
    Purge {
        #[command(flatten)]
        #[allow(missing_docs)]
        config: ConfigArgs,
        /// Override the retention period (e.g. `30d`).
        #[arg(long)]
        older_than: Option<String>,
    },
}
