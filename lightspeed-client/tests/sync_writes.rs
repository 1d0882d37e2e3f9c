//! The connector's writes and its error mapping through the real client against wiremock:
//! write-back as a custom status or a metafield, rate limits, auth failures, and a timed-out write
//! that must be looked up before anything else.
#![cfg(feature = "sync")]

mod common;

use futures::TryStreamExt;
use std::time::Duration;

use common::contract::{KEY, SECRET, client};
use common::fixture;
use lightspeed_client::sync::{LightspeedShop, ShopOptions};
use lightspeed_client::{LightspeedClient, RetryPolicy};
use serde_json::{Value, json};
use sync_core::domain::{BookingRef, Order, OrderFilter, SalesDocumentKind};
use sync_core::error::ErrorKind;
use sync_core::traits::{OrderSource, ReadWindow, WriteBack};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn options() -> ShopOptions {
    ShopOptions {
        shop_id: Some("356891".into()),
        currency: Some("EUR".into()),
        ..ShopOptions::default()
    }
}

fn shop(server: &MockServer) -> LightspeedShop {
    LightspeedShop::new(client(server), options()).unwrap()
}

/// The vendor order as the flow holds it after `fetch_order`.
async fn booked_order(custom_status: Value) -> Order {
    let server = MockServer::start().await;
    let mut body = fixture("order.json");
    body["order"]["customStatusId"] = custom_status;
    Mock::given(method("GET"))
        .and(path("/nl/orders/1623550.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    shop(&server).fetch_order("1623550").await.unwrap().unwrap()
}

fn booking() -> BookingRef {
    BookingRef {
        debtor: None,
        number: "SO-1001".into(),
        kind: SalesDocumentKind::SalesOrder,
    }
}

fn order_response() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(fixture("order.json"))
}

#[tokio::test]
async fn custom_status_is_put_on_the_order() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/nl/orders/1623550.json"))
        .and(body_json(json!({"order": {"customStatusId": 2284}})))
        .respond_with(order_response())
        .expect(1)
        .mount(&server)
        .await;
    let order = booked_order(Value::Null).await;
    let target = WriteBack::CustomStatus { id: "2284".into() };
    shop(&server)
        .write_back(&order, &booking(), &target)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_custom_status_already_set_is_not_written_again() {
    let server = MockServer::start().await;
    let order = booked_order(json!(2284)).await;
    let target = WriteBack::CustomStatus { id: "2284".into() };
    shop(&server)
        .write_back(&order, &booking(), &target)
        .await
        .unwrap();
    assert!(server.received_requests().await.unwrap().is_empty());

    let mut foreign = order.clone();
    foreign.source_id = "not-a-lightspeed-id".into();
    shop(&server)
        .write_back(&foreign, &booking(), &WriteBack::None)
        .await
        .unwrap();
    assert!(server.received_requests().await.unwrap().is_empty());

    let bad = WriteBack::CustomStatus {
        id: "shipped".into(),
    };
    let err = shop(&server)
        .write_back(&order, &booking(), &bad)
        .await
        .unwrap_err();
    assert!(err.stops_run(), "a custom status must be an id: {err}");
    assert_eq!(err.kind(), ErrorKind::Config);
}

async fn mount_metafields(server: &MockServer, existing: Value) {
    Mock::given(method("GET"))
        .and(path("/nl/orders/1623550/metafields.json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "orderMetafields": existing })),
        )
        .expect(1)
        .mount(server)
        .await;
}

fn metafield(id: u64, value: &str) -> Value {
    json!({"id": id, "createdAt": "2026-06-03T10:00:00+02:00", "updatedAt": "2026-06-03T10:00:00+02:00",
           "key": "accountview_number", "value": value})
}

#[tokio::test]
async fn a_metafield_is_created_when_the_key_is_new() {
    let server = MockServer::start().await;
    mount_metafields(&server, json!([])).await;
    Mock::given(method("POST"))
        .and(path("/nl/orders/1623550/metafields.json"))
        .and(body_json(
            json!({"orderMetafield": {"key": "accountview_number", "value": "SO-1001"}}),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"orderMetafield": metafield(77, "SO-1001")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let order = booked_order(Value::Null).await;
    let target = WriteBack::Metafield {
        key: "accountview_number".into(),
    };
    shop(&server)
        .write_back(&order, &booking(), &target)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_existing_metafield_is_updated_or_left_alone() {
    let server = MockServer::start().await;
    mount_metafields(&server, json!([metafield(76, "SO-0999")])).await;
    Mock::given(method("PUT"))
        .and(path("/nl/orders/1623550/metafields/76.json"))
        .and(body_json(
            json!({"orderMetafield": {"key": "accountview_number", "value": "SO-1001"}}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"orderMetafield": metafield(76, "SO-1001")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let order = booked_order(Value::Null).await;
    let target = WriteBack::Metafield {
        key: "accountview_number".into(),
    };
    shop(&server)
        .write_back(&order, &booking(), &target)
        .await
        .unwrap();

    let same = MockServer::start().await;
    mount_metafields(&same, json!([metafield(76, "SO-1001")])).await;
    shop(&same)
        .write_back(&order, &booking(), &target)
        .await
        .unwrap();
    let writes = same.received_requests().await.unwrap();
    assert!(
        writes
            .iter()
            .all(|r| r.method == wiremock::http::Method::GET),
        "no write when unchanged"
    );
}

#[tokio::test]
async fn a_429_beyond_the_maximum_wait_is_a_retryable_rate_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/orders.json"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-limit", "300/3000/12000")
                .insert_header("x-ratelimit-remaining", "-1/2000/9000")
                .insert_header("x-ratelimit-reset", "250/2000/60000")
                .set_body_json(json!({"error": {"code": 429, "message": "Too many requests"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let until = chrono::Utc::now();
    let err = shop(&server)
        .changed_orders(&ReadWindow::up_to(until), &OrderFilter::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err}");
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    let wait = err.retry_after().expect("the wait is passed on");
    assert!(
        wait > Duration::from_secs(240) && wait <= Duration::from_secs(250),
        "{wait:?}"
    );
}

#[tokio::test]
async fn a_401_is_a_fatal_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/1623550.json"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    let err = shop(&server).fetch_order("1623550").await.unwrap_err();
    assert!(err.stops_run(), "{err}");
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(!err.to_string().contains(SECRET) && !err.to_string().contains(KEY));
}

#[tokio::test]
async fn a_403_on_a_write_names_the_missing_permission() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/nl/orders/1623550.json"))
        .respond_with(ResponseTemplate::new(403))
        .expect(1)
        .mount(&server)
        .await;
    let order = booked_order(Value::Null).await;
    let target = WriteBack::CustomStatus { id: "2284".into() };
    let err = shop(&server)
        .write_back(&order, &booking(), &target)
        .await
        .unwrap_err();
    assert!(err.stops_run());
    assert!(err.message().contains("`orders` write permission"), "{err}");
}

#[tokio::test]
async fn a_timed_out_write_has_an_unknown_outcome() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/orders/1623550/metafields.json"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(3)))
        .expect(1)
        .mount(&server)
        .await;
    mount_metafields(&server, json!([])).await;
    let client = LightspeedClient::builder()
        .base_url(server.uri())
        .language("nl")
        .credentials(KEY, SECRET)
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let shop = LightspeedShop::new(client, options()).unwrap();
    let order = booked_order(Value::Null).await;
    let target = WriteBack::Metafield {
        key: "accountview_number".into(),
    };
    let err = shop
        .write_back(&order, &booking(), &target)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.is_retryable());
    assert!(err.outcome_unknown(), "the metafield may exist now");
}

#[tokio::test]
async fn a_server_error_on_a_read_is_retryable_and_not_outcome_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/1623550.json"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = shop(&server).fetch_order("1623550").await.unwrap_err();
    assert!(err.is_retryable());
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn debug_output_holds_no_credentials() {
    let server = MockServer::start().await;
    let shop = shop(&server);
    let text = format!("{shop:?}");
    assert!(text.contains("LightspeedShop"));
    assert!(!text.contains(KEY) && !text.contains(SECRET), "{text}");
}
