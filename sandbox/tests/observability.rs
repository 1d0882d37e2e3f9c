//! Request counters, the request log, standalone start and shutdown.

mod common;

use std::net::SocketAddr;

use common::{Av, Ls, small, start};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn counters_and_the_request_log() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    ls.get("orders.json?limit=5").await;
    let id = ls.sim.orders()[0]["id"].as_u64().unwrap();
    ls.get(&format!("orders/{id}.json")).await;
    ls.put(
        &format!("orders/{id}.json"),
        json!({"order": {"memo": "x"}}),
    )
    .await;
    ls.call(Method::DELETE, "orders/1.json", None).await;
    assert_eq!(ls.sim.request_count(), 4);
    assert_eq!(ls.sim.requests_for("GET", "orders"), 2);
    assert_eq!(ls.sim.requests_for("*", &format!("orders/{id}")), 2);
    assert_eq!(ls.sim.write_count(), 2);
    let counts = ls.sim.endpoint_counts();
    assert_eq!(counts["GET orders"], 1);
    assert_eq!(counts["GET orders/{id}"], 1);
    assert_eq!(counts["PUT orders/{id}"], 1);
    let log = ls.sim.request_log();
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/nl/orders.json");
    assert_eq!(log[0].resource, "orders");
    assert_eq!(log[0].query, "limit=5");
    assert_eq!(log[0].status, Some(200));
    assert!(!log[0].write);
    assert_eq!(log[3].status, Some(405));
    assert!(log[1].elapsed >= log[0].elapsed);
    assert_eq!(
        ls.sim.requests_matching("PUT", "orders")[0].status,
        Some(200)
    );
    ls.sim.reset_counters();
    assert_eq!(ls.sim.request_count(), 0);

    let av = Av::connect(sb.accountview()).await;
    av.get("accountviewdata?BusinessObject=AK1").await;
    av.post(&common::write_body(
        "AG1",
        "ART_GRP",
        &[("RowId", "C"), ("AG_CODE", "C"), ("AG_DESC", "C")],
        &[vec![json!("1"), json!("NEW"), json!("Nieuw")]],
        None,
    ))
    .await;
    assert_eq!(av.sim.request_count(), 3, "token, read, write");
    assert_eq!(av.sim.write_count(), 1, "the token call is not a write");
    assert_eq!(av.sim.requests_for("POST", "AG1"), 1);
    assert_eq!(av.sim.requests_for("GET", "accountviewdata"), 1);
    assert_eq!(av.sim.endpoint_counts()["GET accountviewdata AK1"], 1);
    assert_eq!(
        av.sim.request_log()[1].business_object.as_deref(),
        Some("AK1")
    );
    av.sim.reset_counters();
    assert_eq!(av.sim.request_count(), 0);
}

#[tokio::test]
async fn start_on_fixed_addresses_and_shut_down_gracefully() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ls_addr = probe.local_addr().unwrap();
    drop(probe);
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let sb = sandbox::Sandbox::start_on(ls_addr, any, small())
        .await
        .unwrap();
    assert_eq!(sb.lightspeed().base_url().port(), Some(ls_addr.port()));
    assert_eq!(sb.accountview().base_url().path(), "/api/v3");
    let ls = Ls::new(sb.lightspeed());
    assert_eq!(ls.get("shop.json").await.status, 200);
    let busy = sandbox::Sandbox::start_on(ls_addr, any, small()).await;
    assert!(
        matches!(busy, Err(sandbox::SandboxError::Bind { .. })),
        "the port is taken"
    );
    let url = ls.url("shop.json");
    sb.shutdown().await;
    assert!(
        reqwest::Client::new().get(url).send().await.is_err(),
        "stopped"
    );
    assert!(
        sandbox::Sandbox::start(small().time_scale(0))
            .await
            .is_err()
    );
}
