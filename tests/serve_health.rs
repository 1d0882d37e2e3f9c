//! `koppel serve` on its schedule: the first poll runs at start; `/healthz` answers; `/metrics`
//! holds the run's counters; the dashboard is off without a password; shutdown is graceful.

#[allow(dead_code)]
mod support;

use std::time::Duration;

use support::{eventually, http, metric, metrics};
use sync_core::config::Schedule;
use sync_core::state::RunFilter;

#[tokio::test]
async fn the_schedule_runs_at_start_and_health_and_metrics_report_it() {
    let sb = support::sandbox(8).await;
    let mut config = support::config(&sb);
    config.orders.schedule = Some(Schedule::minutes(60));
    let server = support::start(config).await;
    let paid = support::paid_orders(&sb).len();
    assert!(paid > 0);

    eventually("the first scheduled run", || async {
        metric(
            &metrics(&server).await,
            "koppel_runs_total{connection=\"default\",flow=\"orders\",outcome=\"success\"}",
        ) == Some(1.0)
    })
    .await;
    assert_eq!(sb.accountview().sales_orders().len(), paid);

    let health = http()
        .get(format!("{}/healthz", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let health: serde_json::Value = health.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["connections"][0], "default");

    let text = metrics(&server).await;
    let series = |name: &str, extra: &str| {
        format!("{name}{{connection=\"default\",flow=\"orders\"{extra}}}")
    };
    assert_eq!(metric(&text, "koppel_up"), Some(1.0));
    assert_eq!(
        metric(
            &text,
            &series("koppel_records_total", ",result=\"created\"")
        ),
        Some(paid as f64),
        "{text}"
    );
    assert_eq!(
        metric(
            &text,
            &series("koppel_records_total", ",result=\"dead_lettered\"")
        ),
        Some(0.0)
    );
    assert_eq!(
        metric(&text, &series("koppel_dead_letters_pending", "")),
        Some(0.0)
    );
    assert!(metric(&text, &series("koppel_api_requests_total", "")).unwrap() > 0.0);
    let last = metric(&text, &series("koppel_last_run_timestamp_seconds", "")).unwrap();
    assert!((last - chrono::Utc::now().timestamp() as f64).abs() < 600.0);
    assert!(text.contains("# TYPE koppel_webhooks_total counter"));

    // Without a password the dashboard's pages do not exist.
    for path in ["/", "/login", "/dead-letters"] {
        let response = http()
            .get(format!("{}{path}", server.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }

    let addr = server.addr;
    let state = server.runtime().state.clone();
    server.shutdown().await.unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the port is closed after shutdown"
    );
    let runs = state.list_runs(&orders_runs(), 10).await.unwrap();
    assert_eq!(runs.len(), 1, "one run in the hour's schedule");
    assert!(runs[0].finished_at.is_some());
}

/// The order flow's runs (the stock flow runs on its own schedule beside it).
fn orders_runs() -> RunFilter {
    RunFilter {
        flow: Some("orders".into()),
        ..RunFilter::default()
    }
}

/// A sandbox whose administration takes `each` to book a sales order.
fn slow_bookings(sb: &sandbox::Sandbox, each: Duration) {
    use sandbox::{FaultKind, FaultPlan, FaultRule, FaultTarget, Method};
    sb.accountview()
        .set_faults(FaultPlan::new(1).rule(FaultRule::new(
            FaultTarget::accountview(Method::POST, "SO1"),
            FaultKind::Latency(each),
        )));
}

/// Start with an hourly schedule and wait until the first run has booked its first order.
async fn server_in_the_middle_of_a_run(sb: &sandbox::Sandbox) -> koppel::app::serve::Server {
    let mut config = support::config(sb);
    config.orders.schedule = Some(Schedule::minutes(60));
    let server = support::start(config).await;
    eventually("the first booking", || async {
        !sb.accountview().sales_orders().is_empty()
    })
    .await;
    let runs = server
        .runtime()
        .state
        .list_runs(&orders_runs(), 10)
        .await
        .unwrap();
    assert!(runs[0].finished_at.is_none(), "the run is still going");
    server
}

#[tokio::test]
async fn shutdown_lets_the_run_in_flight_finish() {
    let sb = support::sandbox(16).await;
    slow_bookings(&sb, Duration::from_millis(200));
    let server = server_in_the_middle_of_a_run(&sb).await;
    let state = server.runtime().state.clone();
    server
        .shutdown_within(Duration::from_secs(300))
        .await
        .unwrap();
    let runs = state.list_runs(&orders_runs(), 10).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert!(runs[0].finished_at.is_some(), "the run finished first");
    assert_eq!(runs[0].outcome.as_deref(), Some("success"));
    assert_eq!(
        sb.accountview().sales_orders().len(),
        support::paid_orders(&sb).len()
    );
}

#[tokio::test]
async fn a_run_that_outlasts_the_grace_period_is_abandoned() {
    let sb = support::sandbox(16).await;
    slow_bookings(&sb, Duration::from_secs(2));
    let server = server_in_the_middle_of_a_run(&sb).await;
    let state = server.runtime().state.clone();
    let addr = server.addr;
    server
        .shutdown_within(Duration::from_millis(100))
        .await
        .unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    let runs = state.list_runs(&orders_runs(), 10).await.unwrap();
    assert!(runs[0].finished_at.is_none(), "abandoned mid-run");
    assert!(sb.accountview().sales_orders().len() < support::paid_orders(&sb).len());
}
