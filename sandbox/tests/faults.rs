//! Every fault kind, on both simulators, over plain HTTP (real clock; holds kept short).

mod common;

use std::time::{Duration, Instant};

use common::{Av, Ls, small, start, write_body};
use sandbox::{FaultKind, FaultPlan, FaultRule, FaultTarget, Method};
use serde_json::json;

fn plan(target: FaultTarget, kind: FaultKind) -> FaultPlan {
    FaultPlan::new(1).rule(FaultRule::new(target, kind).times(1))
}

#[tokio::test]
async fn lightspeed_server_error_storm_error_in_ok_and_latency() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    ls.sim.set_faults(plan(
        FaultTarget::lightspeed(Method::GET, "orders"),
        FaultKind::ServerError(503),
    ));
    let a = ls.get("orders.json").await;
    assert_eq!(a.status, 503);
    assert_eq!(a.json["error"]["code"], 503);
    assert_eq!(
        ls.get("orders.json").await.status,
        200,
        "times(1): only once"
    );
    assert_eq!(ls.sim.faults_fired(), vec![1]);

    ls.sim.set_faults(plan(
        FaultTarget::lightspeed_any(""),
        FaultKind::RateLimitStorm,
    ));
    let storm = ls.get("shop.json").await;
    assert_eq!(storm.status, 429);
    assert_eq!(storm.header("x-ratelimit-remaining"), "-1/-1/-1");
    assert!(!storm.header("x-ratelimit-reset").is_empty());

    ls.sim
        .set_faults(plan(FaultTarget::All, FaultKind::ErrorInOk));
    let in_ok = ls.get("shop.json").await;
    assert_eq!(in_ok.status, 200);
    assert!(
        in_ok.json["error"].is_object(),
        "an error envelope inside a 200"
    );

    ls.sim.set_faults(plan(
        FaultTarget::All,
        FaultKind::Latency(Duration::from_millis(300)),
    ));
    let t = Instant::now();
    assert_eq!(ls.get("shop.json").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));

    ls.sim
        .set_faults(plan(FaultTarget::All, FaultKind::HtmlGateway));
    let html = ls.get("shop.json").await;
    assert_eq!(html.status, 502);
    assert!(html.text.contains("<html>"));
}

#[tokio::test]
async fn timeouts_and_disconnects_close_without_an_answer() {
    let sb = start(small().fault_hold(Duration::from_millis(400))).await;
    let ls = Ls::new(sb.lightspeed());
    ls.sim
        .set_faults(plan(FaultTarget::All, FaultKind::Timeout));
    let short = reqwest::Client::builder()
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let err = short
        .get(ls.url("shop.json"))
        .basic_auth(
            ls.sim.api_key(),
            Some(secrecy::ExposeSecret::expose_secret(&ls.sim.api_secret())),
        )
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");

    ls.sim
        .set_faults(plan(FaultTarget::All, FaultKind::Timeout));
    let t = Instant::now();
    let held = ls.client.get(ls.url("shop.json")).send().await;
    assert!(held.is_err(), "closed without an answer after the hold");
    assert!(t.elapsed() >= Duration::from_millis(400));

    ls.sim
        .set_faults(plan(FaultTarget::All, FaultKind::Disconnect));
    let dropped = ls.client.get(ls.url("shop.json")).send().await;
    assert!(dropped.is_err());
    assert!(
        ls.sim
            .request_log()
            .iter()
            .any(|r| r.status.is_none() && r.fault.is_some())
    );
    assert_eq!(
        ls.get("shop.json").await.status,
        200,
        "the next connection works"
    );
}

#[tokio::test]
async fn commit_then_fail_applies_the_write() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    let art = sb
        .seed_data()
        .articles
        .iter()
        .find(|a| a.variant_id.is_some())
        .unwrap();
    let vid = art.variant_id.unwrap();
    ls.sim.set_faults(plan(
        FaultTarget::lightspeed(Method::PUT, "variants"),
        FaultKind::CommitThenFail {
            drop_connection: false,
        },
    ));
    let a = ls
        .put(
            &format!("variants/{vid}.json"),
            json!({"variant": {"stockLevel": 4242}}),
        )
        .await;
    assert_eq!(a.status, 500);
    assert_eq!(
        ls.sim.stock_level(&art.art_code),
        Some(4242),
        "the write happened"
    );

    ls.sim.set_faults(plan(
        FaultTarget::lightspeed(Method::PUT, "variants"),
        FaultKind::CommitThenFail {
            drop_connection: true,
        },
    ));
    let dropped = ls
        .client
        .put(ls.url(&format!("variants/{vid}.json")))
        .basic_auth(
            ls.sim.api_key(),
            Some(secrecy::ExposeSecret::expose_secret(&ls.sim.api_secret())),
        )
        .json(&json!({"variant": {"stockLevel": 7}}))
        .send()
        .await;
    assert!(dropped.is_err());
    assert_eq!(ls.sim.stock_level(&art.art_code), Some(7));

    // A plain server error applies nothing.
    ls.sim.set_faults(plan(
        FaultTarget::lightspeed(Method::PUT, "variants"),
        FaultKind::ServerError(500),
    ));
    ls.put(
        &format!("variants/{vid}.json"),
        json!({"variant": {"stockLevel": 1}}),
    )
    .await;
    assert_eq!(ls.sim.stock_level(&art.art_code), Some(7));
}

#[tokio::test]
async fn accountview_faults_by_business_object_and_the_offline_relay() {
    let sb = start(small().fault_hold(Duration::from_millis(200))).await;
    let av = Av::connect(sb.accountview()).await;
    av.sim.set_faults(plan(
        FaultTarget::accountview(Method::GET, "AK1"),
        FaultKind::HtmlGateway,
    ));
    let gw = av.get("accountviewdata?BusinessObject=AK1").await;
    assert_eq!(gw.status, 502);
    assert!(gw.header("content-type").starts_with("text/html"));
    assert_eq!(
        av.get("accountviewdata?BusinessObject=AK1").await.status,
        200
    );

    av.sim.set_faults(plan(
        FaultTarget::accountview(Method::GET, "GL1"),
        FaultKind::ErrorInOk,
    ));
    let in_ok = av.get("accountviewdata?BusinessObject=GL1").await;
    assert_eq!(in_ok.status, 200);
    assert_eq!(in_ok.json["ErrorType"], "AccountViewError");

    av.sim.set_faults(plan(
        FaultTarget::accountview_path("accountviewdata"),
        FaultKind::ServerError(500),
    ));
    assert_eq!(
        av.get("accountviewdata?BusinessObject=VA1").await.status,
        500
    );
    av.sim.set_faults(plan(
        FaultTarget::accountview_path(""),
        FaultKind::RateLimitStorm,
    ));
    assert_eq!(
        av.get("accountviewdata?BusinessObject=VA1").await.status,
        429
    );
    av.sim
        .set_faults(plan(FaultTarget::All, FaultKind::Disconnect));
    assert!(
        av.client
            .get(av.url("companies"))
            .bearer_auth(&av.token)
            .send()
            .await
            .is_err()
    );
    av.sim
        .set_faults(plan(FaultTarget::All, FaultKind::Timeout));
    assert!(
        av.client
            .get(av.url("companies"))
            .bearer_auth(&av.token)
            .send()
            .await
            .is_err()
    );
    av.sim.set_faults(plan(
        FaultTarget::All,
        FaultKind::Latency(Duration::from_millis(100)),
    ));
    let t = Instant::now();
    assert_eq!(
        av.get("accountviewdata?BusinessObject=VA1").await.status,
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(100));

    // Commit then fail: the debtor exists although the answer was a 500.
    av.sim.set_faults(plan(
        FaultTarget::accountview(Method::POST, "AR1"),
        FaultKind::CommitThenFail {
            drop_connection: false,
        },
    ));
    let body = write_body(
        "AR1",
        "CONTACT",
        &[
            ("RowId", "C"),
            ("ACCT_NR", "C"),
            ("SRC_CODE", "C"),
            ("ACCT_NAME", "C"),
            ("MAIL_BUS", "C"),
        ],
        &[vec![
            json!("1"),
            json!("1300"),
            json!("X"),
            json!("Half Geboekt"),
            json!("half@example.nl"),
        ]],
        None,
    );
    assert_eq!(av.post(&body).await.status, 500);
    assert!(av.sim.debtor_by_email("half@example.nl").is_some());
    av.sim.set_faults(plan(
        FaultTarget::accountview(Method::POST, "SO1"),
        FaultKind::CommitThenFail {
            drop_connection: true,
        },
    ));
    let so = write_body(
        "SO1",
        "SO_HDR",
        &[("RowId", "C"), ("RPL_INV", "C")],
        &[vec![json!("1"), json!("99999")]],
        None,
    );
    assert!(
        av.client
            .post(av.url("accountviewdata"))
            .bearer_auth(&av.token)
            .header("X-Company", av.sim.company_id())
            .json(&so)
            .send()
            .await
            .is_err()
    );
    assert_eq!(av.sim.sales_orders().len(), 1);

    // The relay goes offline: data calls get gateway errors; the token endpoint keeps working.
    av.sim.set_faults(FaultPlan::none());
    av.sim.set_offline(Duration::from_millis(300));
    let off = av.get("accountviewdata?BusinessObject=VA1").await;
    assert_eq!(off.status, 502);
    assert!(off.text.contains("Bad Gateway"));
    let companies = common::answer(
        av.client
            .get(av.url("companies"))
            .bearer_auth(&av.token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(companies.status, 200);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(
        av.get("accountviewdata?BusinessObject=VA1").await.status,
        200,
        "back after the period"
    );
}

#[tokio::test]
async fn probabilistic_plans_replay_identically() {
    let run = || async {
        let sb = start(small()).await;
        let ls = Ls::new(sb.lightspeed());
        ls.sim
            .set_faults(FaultPlan::new(99).rule(
                FaultRule::new(FaultTarget::All, FaultKind::ServerError(502)).per_mille(400),
            ));
        let mut out = Vec::new();
        for _ in 0..30 {
            out.push(ls.get("shop.json").await.status.as_u16());
        }
        out
    };
    let a = run().await;
    assert_eq!(a, run().await);
    assert!(a.contains(&502) && a.contains(&200), "{a:?}");
}

#[tokio::test]
async fn sandbox_wide_plans_reach_both_simulators() {
    let sb = start(small()).await;
    sb.set_faults(
        FaultPlan::new(1)
            .rule(FaultRule::new(FaultTarget::All, FaultKind::ServerError(503)).times(1)),
    );
    let ls = Ls::new(sb.lightspeed());
    assert_eq!(ls.get("shop.json").await.status, 503);
    let client = common::http();
    let av = sb.accountview();
    assert_eq!(
        client
            .get(format!("{}/companies", av.base_url()))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
}
