//! `koppel serve`: the long-running integration.
//!
//! * **Schedules** — each connection's order flow polls on its `[orders] schedule` and its stock
//!   flow runs on its `[stock] schedule` (first runs at start); the flows' leases keep several
//!   processes apart, and within this process a connection runs one request at a time.
//! * **Webhooks** — `POST /webhooks/lightspeed` verifies `X-Signature`, answers at once and queues
//!   the order id; a worker per connection books what is queued (see [`webhooks`]). With
//!   `[lightspeed] register_webhooks = true` and a `public_url`, the shop's `orders/created` and
//!   `orders/updated` webhooks are registered on start.
//! * **`/healthz`** and **`/metrics`** (Prometheus text).
//! * **The dashboard** when `[dashboard] password` is set (see [`dashboard`]).
//! * **Notifications** — every run goes through the notification gate, so an incident notifies
//!   once and its recovery notifies too.
//! * **Retention** — activity older than `[state] retention` is purged daily.
//! * **Graceful shutdown** — on Ctrl-C or SIGTERM scheduling stops, runs in flight finish (within
//!   [`DEFAULT_GRACE`]) and the HTTP server drains.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use koppel::app::config::KoppelConfig;
//!
//! let config = KoppelConfig::load(std::path::Path::new("koppel.toml"))?;
//! let server = koppel::app::serve::start(config, Some("127.0.0.1:0".parse()?)).await?;
//! println!("dashboard at {}", server.url());
//! server.shutdown().await?;
//! # Ok(()) }
//! ```

pub mod dashboard;
pub mod metrics;
pub mod routes;
pub mod runner;
pub mod scheduler;
pub mod shared;
pub mod webhooks;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use self::dashboard::Dashboard;
use self::runner::{FlowRunner, Monitor};
use self::shared::{ServedConnection, Shared};
use crate::app::cli::ConfigArgs;
use crate::app::config::KoppelConfig;
use crate::app::notify::Notifiers;
use crate::app::runtime::Runtime;
use crate::webhooks::WebhookReceiver;

/// How long a shutdown waits for runs in flight before it abandons them.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(30);

/// `koppel serve --config FILE`: start, wait for Ctrl-C or SIGTERM, shut down gracefully, exit 0.
pub async fn serve(args: ConfigArgs) -> anyhow::Result<ExitCode> {
    let config = KoppelConfig::load(&args.config)?;
    let dashboard_on = config.dashboard.password.is_some();
    let server = start(config, None).await?;
    println!("koppel serve listening on {}", server.url());
    println!("  webhooks:  {}{}", server.url(), webhooks::PATH);
    println!("  health:    {}/healthz", server.url());
    println!("  metrics:   {}/metrics", server.url());
    if dashboard_on {
        println!("  dashboard: {}/", server.url());
    } else {
        println!("  dashboard: off (set [dashboard] password to turn it on)");
    }
    wait_for_signal().await?;
    println!("shutting down: letting runs in flight finish…");
    server.shutdown().await?;
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("cannot listen for SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("cannot listen for Ctrl-C")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("cannot listen for Ctrl-C")?;
    Ok(())
}

/// Start everything on `listen` (default `[dashboard] listen`; port 0 picks a free port).
///
/// # Errors
///
/// When the address cannot be bound, or the configuration cannot be turned into a runtime.
pub async fn start(config: KoppelConfig, listen: Option<SocketAddr>) -> anyhow::Result<Server> {
    let addr = listen.unwrap_or(config.dashboard.listen);
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} ([dashboard] listen)"))?;
    start_on(config, listener).await
}

/// Start everything on a listener that is bound already (so a caller can know the address first,
/// e.g. to configure `public_url`).
///
/// # Errors
///
/// When the configuration cannot be turned into a runtime or the notifiers.
pub async fn start_on(config: KoppelConfig, listener: TcpListener) -> anyhow::Result<Server> {
    let addr = listener
        .local_addr()
        .context("the listener has no address")?;
    let runtime = Runtime::build(&config).await?;
    for connection in &runtime.connections {
        for warning in connection.config.unbuilt_flow_warnings() {
            tracing::warn!(connection = connection.name(), "{warning}");
        }
    }
    let notifiers = Notifiers::from_config(&config.notify)?;
    let monitor = Arc::new(Monitor::new(runtime.state.clone(), notifiers));
    let connections = runtime
        .connections
        .iter()
        .map(|c| ServedConnection {
            runner: Arc::new(FlowRunner::new(c.clone(), monitor.clone())),
            webhooks: Arc::new(
                WebhookReceiver::new(c.name(), c.webhook_secret().clone(), runtime.state.clone())
                    .orders(c.config.orders.enabled),
            ),
        })
        .collect();
    let dashboard = match &config.dashboard.password {
        Some(password) if !password.expose_secret().is_empty() => {
            Some(Dashboard::new(password.clone()))
        }
        _ => {
            tracing::info!(
                "the dashboard is off (its pages answer 404): set [dashboard] password to turn it on"
            );
            None
        }
    };
    let shared = Arc::new(Shared {
        runtime,
        monitor,
        connections,
        dashboard,
    });
    let (stop, stopped) = watch::channel(false);

    let mut shutdown_signal = stopped.clone();
    let http = tokio::spawn(
        axum::serve(listener, routes::router(shared.clone()))
            .with_graceful_shutdown(async move {
                let _ = shutdown_signal.wait_for(|s| *s).await;
            })
            .into_future(),
    );
    tracing::info!(%addr, "koppel serve listening");

    for c in &shared.connections {
        register_webhooks(c).await;
    }
    let mut tasks = Vec::new();
    for (index, c) in shared.connections.iter().enumerate() {
        let stock = &c.runner.connection().config.stock;
        if let (true, Some(schedule)) = (stock.enabled, stock.schedule) {
            tasks.push(tokio::spawn(scheduler::stock_on_schedule(
                c.runner.clone(),
                schedule.interval(),
                stopped.clone(),
            )));
        }
        let orders = &c.runner.connection().config.orders;
        if !orders.enabled {
            tracing::info!(connection = c.name(), "the orders flow is switched off");
            continue;
        }
        tasks.push(tokio::spawn({
            let shared = shared.clone();
            let replays = orders.schedule.is_none();
            let stopped = stopped.clone();
            async move {
                let c = &shared.connections[index];
                webhooks::worker(c, &shared, replays, stopped).await;
            }
        }));
        match orders.schedule {
            Some(schedule) => tasks.push(tokio::spawn(scheduler::poll_on_schedule(
                c.runner.clone(),
                schedule.interval(),
                stopped.clone(),
            ))),
            None => tracing::info!(
                connection = c.name(),
                "the orders flow has no schedule: it runs on webhooks only (dead letters are retried when due)"
            ),
        }
    }
    tasks.push(tokio::spawn(scheduler::purge_daily(
        shared.runtime.state.clone(),
        shared.runtime.clock.clone(),
        config.state.retention.get(),
        stopped,
    )));
    Ok(Server {
        addr,
        shared,
        stop,
        tasks,
        http: Some(http),
    })
}

/// Register the connection's webhooks when configured; a failure is logged (the poll is the safety
/// net), never fatal.
async fn register_webhooks(c: &ServedConnection) {
    let lightspeed = &c.runner.connection().config.lightspeed;
    if !lightspeed.register_webhooks {
        return;
    }
    let Some(public_url) = lightspeed.public_url.as_deref() else {
        tracing::warn!(
            connection = c.name(),
            "[lightspeed] register_webhooks needs public_url; no webhooks registered"
        );
        return;
    };
    match webhooks::register(c.runner.connection(), public_url).await {
        Ok(created) => tracing::info!(connection = c.name(), created, "webhooks registered"),
        Err(e) => tracing::warn!(
            connection = c.name(), error = %e,
            "could not register the shop's webhooks; the schedule still polls"
        ),
    }
}

/// A running `koppel serve`. Dropping it asks every task to stop; [`Server::shutdown`] also waits.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    http: Option<JoinHandle<std::io::Result<()>>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// `http://{addr}`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The runtime (state store, connections) the server runs.
    pub fn runtime(&self) -> &Runtime {
        &self.shared.runtime
    }

    /// Shut down gracefully within [`DEFAULT_GRACE`].
    ///
    /// # Errors
    ///
    /// When the HTTP server failed.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.shutdown_within(DEFAULT_GRACE).await
    }

    /// Stop scheduling and taking webhooks, let runs in flight finish within `grace` (then abandon
    /// them: their claims and leases expire, and nothing is lost), and drain the HTTP server.
    ///
    /// # Errors
    ///
    /// When the HTTP server failed.
    pub async fn shutdown_within(mut self, grace: Duration) -> anyhow::Result<()> {
        self.stop.send_replace(true);
        let tasks = std::mem::take(&mut self.tasks);
        let http = self.http.take();
        let aborts: Vec<_> = tasks
            .iter()
            .map(JoinHandle::abort_handle)
            .chain(http.iter().map(JoinHandle::abort_handle))
            .collect();
        let all = async move {
            for task in tasks {
                let _ = task.await;
            }
            match http {
                Some(http) => http.await,
                None => Ok(Ok(())),
            }
        };
        match tokio::time::timeout(grace, all).await {
            Ok(Ok(result)) => result.context("the HTTP server failed")?,
            Ok(Err(e)) if e.is_cancelled() => {}
            Ok(Err(e)) => return Err(anyhow::anyhow!("the HTTP server task failed: {e}")),
            Err(_) => {
                tracing::warn!(
                    ?grace,
                    "runs still in flight after the grace period were abandoned"
                );
                for abort in aborts {
                    abort.abort();
                }
            }
        }
        tracing::info!("koppel serve stopped");
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}
