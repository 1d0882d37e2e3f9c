//! Benchmark: the order flow against the sandbox — API calls per order on both sides, wall time, and
//! what a second (incremental) run costs — then the stock flow's first and second run. Prints figures;
//! asserts nothing about speed.
//!
//! `cargo bench --bench orders_flow` (set `KOPPEL_BENCH_ORDERS` to change the size, default 500).

use std::time::Instant;

use koppel::app::config::KoppelConfig;
use koppel::app::runtime::Runtime;
use koppel::app::sandbox_config::sandbox_toml;
use sandbox::{RateLimits, Sandbox, SandboxConfig};
use sync_core::flows::RunRequest;

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let orders: usize = std::env::var("KOPPEL_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let sb = Sandbox::start(
        SandboxConfig::default()
            .seed(3)
            .orders(orders)
            .articles(200)
            .rate_limits(RateLimits::unlimited()),
    )
    .await?;
    let dir = tempfile::tempdir()?;
    let state = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = KoppelConfig::parse(&sandbox_toml(&sb, &state))?;
    let rt = Runtime::build(&config).await?;
    let flow = &rt.connections[0].orders;
    let (ls, av) = (sb.lightspeed(), sb.accountview());

    let started = Instant::now();
    let first = flow.run(RunRequest::poll()).await?;
    let first_time = started.elapsed();
    let (ls_first, av_first) = (ls.request_count(), av.request_count());
    ls.reset_counters();
    av.reset_counters();
    let started = Instant::now();
    let second = flow.run(RunRequest::poll()).await?;
    let second_time = started.elapsed();
    let booked = first.counts.created.max(1) as f64;

    println!(
        "orders flow benchmark ({orders} shop orders, {} paid)",
        first.counts.read
    );
    println!(
        "  first run:  {} booked, {} dead-lettered in {:.2}s ({:.1} orders/s)",
        first.counts.created,
        first.counts.dead_lettered,
        first_time.as_secs_f64(),
        first.counts.created as f64 / first_time.as_secs_f64()
    );
    println!(
        "              Lightspeed {} requests ({:.2} per booked order), AccountView {} requests ({:.2} per booked order)",
        ls_first,
        ls_first as f64 / booked,
        av_first,
        av_first as f64 / booked
    );
    println!(
        "  second run: {} read, {} booked in {:.2}s; Lightspeed {} requests, AccountView {} requests, {} writes",
        second.counts.read,
        second.counts.created,
        second_time.as_secs_f64(),
        ls.request_count(),
        av.request_count(),
        ls.write_count() + av.write_count()
    );
    println!(
        "  baseline (a 1+N tap with lines only, paced at 1.3 s/request): {} Lightspeed requests, ≈{:.0} minutes",
        first.counts.read + first.counts.read.div_ceil(250),
        (first.counts.read + first.counts.read.div_ceil(250)) as f64 * 1.3 / 60.0
    );

    // The stock flow after the bookings: the first run resolves variants and writes what differs,
    // the second must cost the shop nothing.
    let stock = &rt.connections[0].stock;
    ls.reset_counters();
    av.reset_counters();
    let started = Instant::now();
    let first_stock = stock.run(sync_core::flows::StockRequest::default()).await?;
    let stock_time = started.elapsed();
    let (ls_stock, av_stock) = (ls.request_count(), av.request_count());
    ls.reset_counters();
    av.reset_counters();
    let second_stock = stock.run(sync_core::flows::StockRequest::default()).await?;
    println!(
        "  stock, first run:  {} articles, {} levels written, {} not in the shop, in {:.2}s; Lightspeed {} requests, AccountView {}",
        first_stock.counts.read,
        first_stock.counts.updated,
        first_stock.counts.skipped,
        stock_time.as_secs_f64(),
        ls_stock,
        av_stock
    );
    println!(
        "  stock, second run: {} written; Lightspeed {} requests, AccountView {}",
        second_stock.counts.updated,
        ls.request_count(),
        av.request_count()
    );
    sb.shutdown().await;
    Ok(())
}
