//! Webhook delivery to a local axum receiver: body, headers, md5 signature, re-delivery.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use common::{Ls, small, start};
use md5::{Digest, Md5};
use sandbox::OrderSpec;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

async fn receiver() -> (String, Received) {
    let got: Received = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push((headers, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), got)
}

fn md5_hex(body: &[u8], secret: &str) -> String {
    let mut h = Md5::new();
    h.update(body);
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

async fn subscribe(ls: &Ls, group: &str, action: &str, address: &str) {
    let a = ls
        .post("webhooks.json", json!({"webhook": {"isActive": true, "itemGroup": group, "itemAction": action, "language": "nl", "format": "json", "address": address}}))
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
}

#[tokio::test]
async fn order_changes_are_delivered_signed_with_the_real_headers() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    let (address, got) = receiver().await;
    subscribe(&ls, "orders", "*", &address).await;
    let order_id = ls.sim.orders()[3]["id"].as_u64().unwrap();
    ls.sim
        .update_order(order_id, |o| {
            o.insert("memo".into(), json!("gewijzigd"));
        })
        .unwrap();
    assert!(ls.sim.flush_webhooks(Duration::from_secs(5)).await);
    let received = got.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let (headers, body) = &received[0];
    let h = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(h("x-event"), "orders/updated");
    assert_eq!(h("x-shop-id"), ls.sim.shop_id().to_string());
    assert_eq!(h("x-cluster-id"), "eu1");
    assert_eq!(h("x-language"), "nl");
    assert_eq!(h("x-format"), "json");
    assert!(!h("x-request-id").is_empty());
    assert_eq!(
        h("x-signature"),
        md5_hex(body, ls.sim.webhook_secret().expose_secret())
    );
    assert_eq!(
        ls.sim.webhook_secret().expose_secret(),
        ls.sim.api_secret().expose_secret(),
        "defaults to the API secret"
    );
    let payload: Value = serde_json::from_slice(body).unwrap();
    let full = ls.get(&format!("orders/{order_id}.json")).await;
    assert_eq!(
        payload["order"], full.json["order"],
        "the body is the GET orders/{{id}} JSON"
    );
    assert_eq!(payload["order"]["memo"], "gewijzigd");

    // A PUT through the API fires too; a PUT that changes nothing does not.
    ls.put(
        &format!("orders/{order_id}.json"),
        json!({"order": {"status": "completed_shipped"}}),
    )
    .await;
    assert!(ls.sim.flush_webhooks(Duration::from_secs(5)).await);
    assert_eq!(got.lock().unwrap().len(), 2);

    // Re-delivery sends the same bytes again (a duplicate webhook).
    let first = ls.sim.webhook_deliveries()[0].clone();
    assert_eq!(first.status, Some(200));
    let again = ls.sim.redeliver_webhook(first.id).unwrap();
    assert!(ls.sim.flush_webhooks(Duration::from_secs(5)).await);
    let all = got.lock().unwrap().clone();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].1, all[0].1);
    assert_eq!(all[2].0.get("x-request-id"), all[0].0.get("x-request-id"));
    assert!(
        ls.sim
            .webhook_deliveries()
            .iter()
            .any(|d| d.id == again && d.redelivery)
    );
}

#[tokio::test]
async fn created_orders_and_customer_updates_fire_their_events_only_for_subscribers() {
    let sb = start(small().webhook_secret("hook-secret")).await;
    let ls = Ls::new(sb.lightspeed());
    let (address, got) = receiver().await;
    subscribe(&ls, "orders", "created", &address).await;
    subscribe(&ls, "customers", "updated", &address).await;
    let art = sb
        .seed_data()
        .articles
        .iter()
        .find(|a| a.variant_id.is_some() && !a.blocked)
        .unwrap();
    let cid = sb.seed_data().customers[0].id;
    let id = ls
        .sim
        .insert_order(OrderSpec::new().customer(cid).line(art.art_code.clone(), 2))
        .unwrap();
    ls.sim
        .update_order(id, |o| {
            o.insert("memo".into(), json!("not subscribed: updated"));
        })
        .unwrap();
    ls.sim
        .update_customer(cid, |c| {
            c.insert("phone".into(), json!("0200000000"));
        })
        .unwrap();
    assert!(ls.sim.flush_webhooks(Duration::from_secs(5)).await);
    let received = got.lock().unwrap().clone();
    let events: Vec<String> = received
        .iter()
        .map(|(h, _)| h["x-event"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(events, ["orders/created", "customers/updated"]);
    let (h, body) = &received[1];
    assert_eq!(
        h["x-signature"].to_str().unwrap(),
        md5_hex(body, "hook-secret")
    );
    let payload: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(payload["customer"]["phone"], "0200000000");
    assert_eq!(ls.sim.webhook_deliveries().len(), 2);
}

#[tokio::test]
async fn a_dead_subscriber_is_recorded_as_failed() {
    let sb = start(small().webhook_timeout(Duration::from_secs(2))).await;
    let ls = Ls::new(sb.lightspeed());
    subscribe(&ls, "orders", "*", "http://127.0.0.1:9/nobody-listens").await;
    let id = ls.sim.orders()[0]["id"].as_u64().unwrap();
    ls.sim.update_order(id, |_| {}).unwrap();
    assert!(ls.sim.flush_webhooks(Duration::from_secs(5)).await);
    let d = &ls.sim.webhook_deliveries()[0];
    assert_eq!(d.status, None);
    assert!(d.error.is_some());
}
