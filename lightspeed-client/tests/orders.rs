//! Contract tests: orders and order lines.

mod common;

use chrono::DateTime;
use common::contract::{Case, KEY, SECRET, client};
use common::fixture_item;
use futures::{FutureExt, StreamExt, TryStreamExt};
use lightspeed_client::Error;
use lightspeed_client::models::{
    Credit, CreditLine, CustomStatusCreate, MetafieldCreate, OrderStatus, OrderUpdate,
    PaymentStatus, ShipmentStatus,
};
use rust_decimal_macros::dec;
use serde_json::json;
use wiremock::matchers::{
    basic_auth, body_json, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn orders() -> Case {
    Case {
        item_path: "/nl/orders/1623550.json",
        list_path: "/nl/orders.json",
        count_path: "/nl/orders/count.json",
        single_key: "order",
        list_key: "orders",
        item: fixture_item("order.json", "order"),
        get: |c| async move { c.orders().get(1_623_550).await.map(|o| o.id) }.boxed(),
        list: |c, limit| {
            c.orders()
                .list()
                .limit(limit)
                .stream()
                .map_ok(|o| o.id)
                .boxed()
        },
        count: |c| async move { c.orders().count().await }.boxed(),
    }
}

fn order_products() -> Case {
    Case {
        item_path: "/nl/orders/1623550/products/3661590.json",
        list_path: "/nl/orders/1623550/products.json",
        count_path: "/nl/orders/1623550/products/count.json",
        single_key: "orderProduct",
        list_key: "orderProducts",
        item: fixture_item("orderProduct.json", "orderProduct"),
        get: |c| {
            async move {
                c.orders()
                    .products(1_623_550)
                    .get(3_661_590)
                    .await
                    .map(|l| l.id)
            }
            .boxed()
        },
        list: |c, limit| {
            c.orders()
                .products(1_623_550)
                .list()
                .limit(limit)
                .stream()
                .map_ok(|l| l.id)
                .boxed()
        },
        count: |c| async move { c.orders().products(1_623_550).count().await }.boxed(),
    }
}

contract_suite!(order_suite, orders());
contract_suite!(order_product_suite, order_products());

#[tokio::test]
async fn update_sends_the_singular_envelope() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/nl/orders/1623550.json"))
        .and(basic_auth(KEY, SECRET))
        .and(body_json(
            json!({"order": {"status": "completed_shipped", "shipmentStatus": "shipped"}}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"order": fixture_item("order.json", "order")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let update = OrderUpdate {
        status: Some(OrderStatus::CompletedShipped),
        shipment_status: Some(ShipmentStatus::Shipped),
        ..Default::default()
    };
    let order = client(&server)
        .orders()
        .update(1_623_550, &update)
        .await
        .unwrap();
    assert_eq!(order.price_incl, Some(dec!(50.35)));
}

#[tokio::test]
async fn list_filters_are_sent_as_documented() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/orders.json"))
        .and(query_param("updated_at_min", "2026-06-02 08:24:43"))
        .and(query_param("created_at_max", "2026-06-03 00:00:00"))
        .and(query_param("status", "processing_awaiting_shipment"))
        .and(query_param("paymentStatus", "paid"))
        .and(query_param("shipmentStatus", "not_shipped"))
        .and(query_param("customer", "2026523"))
        .and(query_param("number", "ORD00018"))
        .and(query_param("since_id", "100"))
        .and(query_param("fields", "id,number"))
        .and(query_param("page", "1"))
        .and(query_param("limit", "250"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"orders": []})))
        .expect(1)
        .mount(&server)
        .await;
    let since = DateTime::parse_from_rfc3339("2026-06-02T10:24:43+02:00").unwrap();
    let until = DateTime::parse_from_rfc3339("2026-06-03T00:00:00Z").unwrap();
    let orders: Vec<_> = client(&server)
        .orders()
        .list()
        .updated_at_min(since)
        .created_at_max(until)
        .status(OrderStatus::ProcessingAwaitingShipment)
        .payment_status(PaymentStatus::Paid)
        .shipment_status(ShipmentStatus::NotShipped)
        .customer(2_026_523)
        .number("ORD00018")
        .since_id(100)
        .fields(["id", "number"])
        .limit(1000) // capped at 250
        .all()
        .await
        .unwrap();
    assert!(orders.is_empty());
}

#[tokio::test]
async fn lists_are_lazy() {
    let server = MockServer::start().await;
    let client = client(&server);
    let stream = client.orders().list().stream();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(server.received_requests().await.unwrap().is_empty());
    drop(stream);
    assert_eq!(client.stats().requests, 0);
}

#[tokio::test]
async fn count_keeps_filters_but_not_paging() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/count.json"))
        .and(query_param("paymentStatus", "paid"))
        .and(query_param_is_missing("page"))
        .and(query_param_is_missing("limit"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"count": 7})))
        .expect(1)
        .mount(&server)
        .await;
    let n = client(&server)
        .orders()
        .list()
        .payment_status(PaymentStatus::Paid)
        .limit(10)
        .count()
        .await
        .unwrap();
    assert_eq!(n, 7);
}

#[tokio::test]
async fn custom_statuses_metafields_events_and_credit() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/orders/customstatuses.json"))
        .and(body_json(
            json!({"customStatus": {"title": "Booked", "color": "#00ff00"}}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"customStatus": {"id": 9, "title": "Booked", "color": "#00ff00"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/nl/orders/5/metafields.json"))
        .and(body_json(
            json!({"orderMetafield": {"key": "accountview", "value": "V2024-001"}}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"orderMetafield": {"id": 3, "key": "accountview", "value": "V2024-001"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/events.json"))
        .and(query_param("order", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ordersEvents": [{"id": 1, "type": "order", "message": "paid", "invoice": false}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/nl/orders/5/credit.json"))
        .and(body_json(json!({"credit": {"creditShipment": true, "updateStock": false, "orderProducts": [{"id": 3661590, "quantity": 1}]}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"invoice": {"id": 77, "isCreditNote": true}})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let status = client
        .orders()
        .custom_statuses()
        .create(&CustomStatusCreate {
            title: Some("Booked".into()),
            color: Some("#00ff00".into()),
        })
        .await
        .unwrap();
    assert_eq!(status.id, 9);
    let field = client
        .orders()
        .metafields(5)
        .create(&MetafieldCreate {
            key: Some("accountview".into()),
            value: Some("V2024-001".into()),
        })
        .await
        .unwrap();
    assert_eq!(field.value.as_deref(), Some("V2024-001"));
    let events = client
        .orders()
        .events()
        .list()
        .order(5)
        .all()
        .await
        .unwrap();
    assert_eq!(events[0].message.as_deref(), Some("paid"));
    let credit = Credit {
        credit_shipment: Some(true),
        update_stock: Some(false),
        order_products: vec![CreditLine {
            id: 3_661_590,
            quantity: dec!(1),
        }],
        ..Default::default()
    };
    let answer = client.orders().credit(5, &credit).await.unwrap();
    assert_eq!(answer["invoice"]["id"], 77);
}

#[tokio::test]
async fn post_is_not_retried_after_a_server_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/orders/customstatuses.json"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .orders()
        .custom_statuses()
        .create(&CustomStatusCreate::default())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.is_retryable() && err.may_have_been_sent());
}

#[tokio::test]
async fn delete_accepts_an_empty_body_and_404_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/nl/orders/customstatuses/9.json"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/404.json"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": {"code": 404, "message": "Not found"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client.orders().custom_statuses().delete(9).await.unwrap();
    match client.orders().get(404).await {
        Err(Error::NotFound { request }) => assert_eq!(request, "/nl/orders/404.json"),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn auth_failures_are_typed_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/1.json"))
        .respond_with(ResponseTemplate::new(401).set_body_string(format!("bad credentials {KEY}")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/2.json"))
        .respond_with(ResponseTemplate::new(403))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.orders().get(1).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized));
    assert!(!err.to_string().contains(KEY));
    assert!(matches!(
        client.orders().get(2).await,
        Err(Error::Forbidden)
    ));
}

#[tokio::test]
async fn debug_output_holds_no_credentials() {
    let server = MockServer::start().await;
    let client = client(&server);
    let text = format!("{client:?}");
    assert!(!text.contains(KEY), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    let handler = format!("{:?}", client.orders());
    assert!(!handler.contains(KEY) && !handler.contains(SECRET));
}
