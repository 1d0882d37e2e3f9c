//! End-to-end: the stock flow through the real AccountView and Lightspeed clients against the sandbox.
//! Every shop variant gets the administration's free stock (available minus sales reservations,
//! never below zero); a second run writes nothing; a booked order's reservation moves exactly the
//! variants it touched; an offline administration writes nothing and the next run catches up.

use koppel::app::config::KoppelConfig;
use koppel::app::runtime::Runtime;
use koppel::app::sandbox_config::sandbox_toml;
use rust_decimal::Decimal;
use sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use sync_core::flows::{RunRequest, StockRequest};
use sync_core::report::Outcome;

fn dec(v: &Value) -> Decimal {
    match v {
        Value::Number(n) => n.to_string().parse().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        _ => Decimal::ZERO,
    }
}

async fn start(orders: usize) -> (Sandbox, Runtime) {
    let sb = Sandbox::start(SandboxConfig::default().seed(5).orders(orders).articles(60))
        .await
        .unwrap();
    let config = KoppelConfig::parse(&sandbox_toml(&sb, "memory://")).unwrap();
    let runtime = Runtime::build(&config).await.unwrap();
    (sb, runtime)
}

/// For every article the shop sells: (SKU, the level the administration says, the shop's level).
fn levels(sb: &Sandbox) -> Vec<(String, i64, i64)> {
    sb.accountview()
        .rows("ARTICLE")
        .iter()
        .filter_map(|a| {
            let code = a["ART_CODE"].as_str()?.to_owned();
            let shop = sb.lightspeed().stock_level(&code)?;
            let free = (dec(&a["QTY_AVAIL"]) - dec(&a["QTY_RES_SO"])).max(Decimal::ZERO);
            Some((code, free.floor().try_into().unwrap(), shop))
        })
        .collect()
}

#[tokio::test]
async fn the_shop_gets_the_free_stock_and_only_changes_are_written() {
    let (sb, runtime) = start(30).await;
    let stock = &runtime.connections[0].stock;
    let ls = sb.lightspeed();
    let differing = levels(&sb)
        .iter()
        .filter(|(_, want, have)| want != have)
        .count();
    assert!(
        differing > 0,
        "the seeded shop differs from the administration"
    );

    let report = stock.run(StockRequest::default()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Success, "{report:#?}");
    assert_eq!(report.counts.updated as usize, differing);
    assert_eq!(
        ls.write_count(),
        differing,
        "one write per changed variant, nothing else"
    );
    for (code, want, have) in levels(&sb) {
        assert_eq!(want, have, "{code}");
    }

    // Nothing changed: nothing written, and the shop's variant list is not read again.
    ls.reset_counters();
    let report = stock.run(StockRequest::default()).await.unwrap();
    assert_eq!(report.counts.updated, 0);
    assert_eq!(ls.write_count(), 0);
    assert_eq!(ls.request_count(), 0, "variant ids come from the id map");

    // Booking the paid orders reserves stock in the administration; the next stock run moves exactly
    // the variants whose free stock changed.
    runtime.connections[0]
        .orders
        .run(RunRequest::poll())
        .await
        .unwrap();
    let moved = levels(&sb)
        .iter()
        .filter(|(_, want, have)| want != have)
        .count();
    assert!(moved > 0, "bookings reserved stock");
    ls.reset_counters();
    let report = stock.run(StockRequest::default()).await.unwrap();
    assert_eq!(report.counts.updated as usize, moved);
    assert_eq!(ls.write_count(), moved);
    for (code, want, have) in levels(&sb) {
        assert_eq!(want, have, "{code}");
    }
}

#[tokio::test]
async fn an_offline_administration_writes_nothing_and_the_next_run_catches_up() {
    let (sb, runtime) = start(5).await;
    let stock = &runtime.connections[0].stock;
    sb.accountview()
        .set_offline(std::time::Duration::from_secs(3600));
    let report = stock.run(StockRequest::default()).await.unwrap();
    assert_ne!(report.outcome, Outcome::Success);
    assert_eq!(sb.lightspeed().write_count(), 0);
    sb.accountview().set_online();
    let report = stock.run(StockRequest::default()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Success, "{report:#?}");
    for (code, want, have) in levels(&sb) {
        assert_eq!(want, have, "{code}");
    }
}

#[tokio::test]
async fn a_dry_run_writes_nothing() {
    let (sb, runtime) = start(5).await;
    let report = runtime.connections[0]
        .stock
        .run(StockRequest { dry_run: true })
        .await
        .unwrap();
    assert!(report.counts.updated > 0);
    assert_eq!(sb.lightspeed().write_count(), 0);
}
