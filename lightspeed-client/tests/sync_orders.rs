//! The connector's reads through the real client against wiremock: the changed-orders window and
//! paging, status push-down, fetching a complete order, credit notes, and a flow run that fetches
//! only the orders it books.
#![cfg(feature = "sync")]

mod common;

use futures::TryStreamExt;
use std::collections::BTreeSet;
use std::sync::Arc;

use common::contract::client;
use common::fixture;
use common::sim::{Record, Records, SimShop};
use lightspeed_client::sync::{LightspeedShop, ShopOptions};
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use sync_core::config::{CountryMatch, OrdersConfig, VatCodeRule};
use sync_core::domain::{CountryCode, Currency, OrderFilter};
use sync_core::flows::{OrdersFlow, RunRequest};
use sync_core::state::MemoryStateStore;
use sync_core::testing::{ArticleBuilder, MemoryLedger};
use sync_core::traits::{OrderSource, ReadWindow};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn configured() -> ShopOptions {
    ShopOptions {
        shop_id: Some("356891".into()),
        currency: Some("EUR".into()),
        ..ShopOptions::default()
    }
}

fn shop(server: &MockServer, options: ShopOptions) -> LightspeedShop {
    LightspeedShop::new(client(server), options).unwrap()
}

fn window() -> ReadWindow {
    let t = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    ReadWindow::new(
        Some(t("2026-06-02T10:24:43+02:00")),
        t("2026-06-03T12:00:00+00:00"),
    )
}

/// The live trimmed order with another id and number.
fn listed_order(id: u64) -> Value {
    let mut order = fixture("order.live-eu1-nl-trimmed.json")["order"].clone();
    order["id"] = json!(id);
    order["number"] = json!(format!("ORD{id:05}"));
    order
}

fn vendor_order() -> Value {
    fixture("order.json")["order"].clone()
}

async fn requests_to(server: &MockServer, prefix: &str) -> usize {
    let requests = server.received_requests().await.unwrap_or_default();
    requests
        .iter()
        .filter(|r| r.url.path().starts_with(prefix))
        .count()
}

/// 509 orders over a day in the simulated shop, ids 1…509, updated 2 minutes apart from the
/// window's start.
fn shop_of_509() -> Records {
    let since = window().since.unwrap();
    let mut records = Records::default();
    for id in 1..=509u64 {
        let updated = since + chrono::Duration::minutes(2 * i64::try_from(id).unwrap());
        let created = updated - chrono::Duration::hours(1);
        records.orders.insert(
            id,
            Record {
                id,
                created,
                updated,
                credit_note: false,
            },
        );
    }
    records
}

/// Formerly "a count after a multi-page scan catches orders skipped by shifting pages": that
/// rescan compared the ids read (which still included the order that left) with a count taken
/// afterwards (which no longer did), so they agreed and order 251 stayed unread. Now the window is
/// read without offsets, and an order updated after page 1 hides no other.
#[tokio::test]
async fn an_order_updated_after_page_one_hides_no_other_order() {
    let records = shop_of_509();
    let sim = SimShop::new(records.clone());
    let after_until = window().until + chrono::Duration::minutes(1);
    // Order 100 is updated right after page 1 was served: it leaves the window, and with offset
    // paging order 251 would have moved onto page 1 and never been read.
    sim.on_request(move |k, shop| {
        if k == 0 {
            shop.touch_order(100, after_until);
        }
    });
    let orders = sim
        .shop(250)
        .changed_orders(&window(), &OrderFilter::any())
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    let ids: BTreeSet<u64> = orders
        .iter()
        .map(|o| o.source_id.parse().unwrap())
        .collect();
    assert_eq!(ids.len(), orders.len(), "no duplicates");
    assert!(ids.contains(&251), "the order at the page boundary is read");
    let missing: Vec<u64> = (1..=509).filter(|id| !ids.contains(id)).collect();
    assert!(
        missing.is_empty() || missing == [100],
        "only the updated order may be missing (the next poll reads it): {missing:?}"
    );
    let log = sim.log();
    assert!(
        log.iter().all(|l| !l.contains("page=2")),
        "no read depends on an offset: {log:#?}"
    );
}

#[tokio::test]
async fn changed_orders_reads_a_window_of_one_page_with_one_request_without_lines() {
    let server = MockServer::start().await;
    let orders: Vec<Value> = (0..7).map(|i| listed_order(1000 + i)).collect();
    Mock::given(method("GET"))
        .and(path("/nl/orders.json"))
        .and(query_param("updated_at_min", "2026-06-02 08:24:43"))
        .and(query_param("updated_at_max", "2026-06-03 12:00:00"))
        .and(query_param("limit", "250"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "orders": orders })))
        .expect(1)
        .mount(&server)
        .await;
    let shop = shop(&server, configured());
    let orders = shop
        .changed_orders(&window(), &OrderFilter::any())
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(orders.len(), 7);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a page shorter than the limit is the whole window: no count, no second page"
    );
    assert_eq!(shop.api_stats().requests, 1);
    let first = &orders[0];
    assert_eq!(first.source_id, "1000");
    assert_eq!(first.number, "ORD01000");
    assert_eq!(first.shop_id.as_deref(), Some("356891"));
    assert_eq!(first.payment_status.as_str(), "not_paid");
    assert_eq!(
        first.raw,
        listed_order(1000),
        "raw is the list entry as received"
    );
}

#[tokio::test]
async fn changed_orders_reads_a_large_window_in_sub_windows_without_lines() {
    let sim = SimShop::new(shop_of_509());
    let shop = sim.shop(250);
    let orders = shop
        .changed_orders(&window(), &OrderFilter::any())
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(orders.len(), 509);
    let requests = sim.requests();
    assert_eq!(requests.other, 0, "no line requests");
    assert!(
        requests.counts >= 1,
        "a full first page is followed by a count"
    );
    assert_eq!(
        shop.api_stats().requests,
        u64::try_from(requests.total()).unwrap()
    );
    assert!(
        sim.log()
            .iter()
            .filter(|l| !l.contains("/count.json"))
            .all(|l| l.contains("page=1&limit=250")),
        "every list request reads page 1 of its sub-window"
    );
}

#[tokio::test]
async fn single_status_filters_are_pushed_down() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/orders.json"))
        .and(query_param("paymentStatus", "paid"))
        .and(query_param("status", "processing_awaiting_shipment"))
        .and(query_param_is_missing("shipmentStatus"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "orders": [vendor_order()] })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let filter = OrderFilter {
        statuses: vec!["awaiting_shipment".into()],
        ..OrderFilter::default()
    };
    let orders = shop(&server, configured())
        .changed_orders(&window(), &filter)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].status.as_str(), "awaiting_shipment");
}

#[tokio::test]
async fn several_or_unmappable_filter_values_are_left_to_the_flow() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/orders.json"))
        .and(query_param_is_missing("paymentStatus"))
        .and(query_param_is_missing("status"))
        .and(query_param_is_missing("updated_at_min"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "orders": [] })))
        .expect(1)
        .mount(&server)
        .await;
    let filter = OrderFilter {
        statuses: vec!["completed".into()],
        payment_statuses: vec!["paid".into(), "partially_paid".into()],
        shipment_statuses: vec![],
    };
    let everything = ReadWindow::up_to(window().until);
    let orders = shop(&server, configured())
        .changed_orders(&everything, &filter)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert!(orders.is_empty());
}

#[tokio::test]
async fn shop_id_and_currency_are_read_once_from_shop_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/shop.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("shop.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/orders.json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "orders": [listed_order(1)] })),
        )
        .expect(2)
        .mount(&server)
        .await;
    let shop = shop(&server, ShopOptions::default());
    for _ in 0..2 {
        let orders = shop
            .changed_orders(&window(), &OrderFilter::any())
            .try_collect::<Vec<_>>()
            .await
            .unwrap();
        assert_eq!(orders[0].shop_id.as_deref(), Some("000001"));
    }
    let context = shop.context().await.unwrap();
    assert_eq!(context.shop_id.as_deref(), Some("000001"));
    assert_eq!(context.currency, Currency::parse("USD").unwrap());
}

#[tokio::test]
async fn an_unmappable_list_entry_is_still_listed_for_the_flow_to_dead_letter() {
    let server = MockServer::start().await;
    let mut broken = listed_order(5);
    broken["priceIncl"] = Value::Bool(false);
    Mock::given(method("GET"))
        .and(path("/nl/orders.json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "orders": [broken.clone()] })),
        )
        .mount(&server)
        .await;
    let orders = shop(&server, configured())
        .changed_orders(&window(), &OrderFilter::any())
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].number, "ORD00005");
    assert_eq!(orders[0].raw, broken);
}

#[tokio::test]
async fn fetch_order_with_embedded_lines_costs_one_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/1623550.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("order.json")))
        .expect(1)
        .mount(&server)
        .await;
    let shop = shop(&server, configured());
    let order = shop.fetch_order("1623550").await.unwrap().unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(order.number, "ORD00018");
    assert_eq!(order.lines.len(), 1);
    assert_eq!(order.lines[0].total_incl, dec!(44.1));
    assert_eq!(
        order.invoice.as_ref().map(|i| i.number.as_str()),
        Some("INV00033")
    );
    assert_eq!(order.raw, vendor_order());
}

#[tokio::test]
async fn fetch_order_without_embedded_lines_reads_the_order_products() {
    let server = MockServer::start().await;
    let mut order = vendor_order();
    order["products"] =
        json!({"resource": {"id": false, "url": "orders/1623550/products", "link": "x"}});
    order["invoices"] =
        json!({"resource": {"id": false, "url": "invoices?order=1623550", "link": "x"}});
    Mock::given(method("GET"))
        .and(path("/nl/orders/1623550.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "order": order })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/1623550/products.json"))
        .and(query_param("page", "1"))
        .and(query_param("limit", "250"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "orderProducts": [fixture("orderProduct.json")["orderProduct"]]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let fetched = shop(&server, configured())
        .fetch_order("1623550")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fetched.lines.len(), 1);
    assert_eq!(fetched.lines[0].line_id, "3661590");
    assert_eq!(fetched.lines[0].discount_incl, dec!(22.05));
    assert_eq!(
        fetched.invoice, None,
        "no invoice request without fetch_invoices"
    );
    assert_eq!(requests_to(&server, "/nl/invoices").await, 0);
    assert_eq!(
        fetched.raw["products"]["resource"]["embedded"][0]["id"], 3_661_590,
        "separately fetched lines are kept in raw where Lightspeed embeds them"
    );
    assert_eq!(
        fetched.raw["products"]["resource"]["url"],
        "orders/1623550/products"
    );
}

#[tokio::test]
async fn fetch_invoices_reads_a_non_embedded_invoice() {
    let server = MockServer::start().await;
    let mut order = vendor_order();
    let invoice = order["invoices"]["resource"]["embedded"][0].clone();
    order["invoices"] =
        json!({"resource": {"id": false, "url": "invoices?order=1623550", "link": "x"}});
    Mock::given(method("GET"))
        .and(path("/nl/orders/1623550.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "order": order })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/invoices.json"))
        .and(query_param("order", "1623550"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "invoices": [invoice] })))
        .expect(1)
        .mount(&server)
        .await;
    let options = ShopOptions {
        fetch_invoices: true,
        ..configured()
    };
    let fetched = shop(&server, options)
        .fetch_order("1623550")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        fetched.invoice.map(|i| i.number),
        Some("INV00033".to_owned())
    );
}

#[tokio::test]
async fn missing_orders_are_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/42.json"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {"code": 404, "method": "GET", "request": "/nl/orders/42.json", "message": "Not found"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let shop = shop(&server, configured());
    assert_eq!(shop.fetch_order("42").await.unwrap(), None);
    assert_eq!(shop.fetch_order("not-an-id").await.unwrap(), None);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// An ordinary invoice and a credit invoice in the list; only the credit note's items are read.
async fn mount_invoices(server: &MockServer, filter: (&str, &str)) {
    let ordinary = vendor_order()["invoices"]["resource"]["embedded"][0].clone();
    let credit = fixture("invoice.json")["invoice"].clone();
    Mock::given(method("GET"))
        .and(path("/nl/invoices.json"))
        .and(query_param(filter.0, filter.1))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "invoices": [ordinary, credit] })),
        )
        .expect(1)
        .mount(server)
        .await;
    let product = json!({
        "id": 7041126, "type": "product", "title": "Butterprint Bowl", "variant": "butterprintbowl",
        "orderProductId": 3661590, "articleCode": "butterprintbowl", "taxRate": 0,
        "basePriceExcl": 44.95, "basePriceIncl": 44.95, "priceExcl": 44.95, "priceIncl": 44.95,
        "discountExcl": 0, "discountIncl": 0, "quantity": 1
    });
    Mock::given(method("GET"))
        .and(path("/nl/invoices/1742005/items.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "invoiceItems": [fixture("invoiceItem.json")["invoiceItem"], product]
        })))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/invoices/1741975/items.json"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(server)
        .await;
}

#[tokio::test]
async fn changed_credit_notes_keep_credit_invoices_with_their_items() {
    let server = MockServer::start().await;
    mount_invoices(&server, ("updated_at_max", "2026-06-03 12:00:00")).await;
    let notes = shop(&server, configured())
        .changed_credit_notes(&window())
        .await
        .unwrap();
    assert_eq!(notes.len(), 1);
    let note = &notes[0];
    assert_eq!(note.number, "INV00038");
    assert_eq!(note.order_source_id.as_deref(), Some("1623573"));
    assert_eq!(note.lines.len(), 1);
    assert_eq!(note.totals.incl, dec!(44.95));
    assert_eq!(
        note.raw["items"]["resource"]["embedded"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn credit_notes_for_an_order_filter_by_order() {
    let server = MockServer::start().await;
    mount_invoices(&server, ("order", "1623573")).await;
    let notes = shop(&server, configured())
        .credit_notes_for_order("1623573")
        .await
        .unwrap();
    assert_eq!(
        notes.iter().map(|n| n.number.as_str()).collect::<Vec<_>>(),
        ["INV00038"]
    );
}

/// The flow through the connector: the list is one request, and only the paid order is fetched.
#[tokio::test]
async fn a_flow_run_fetches_only_the_orders_it_books() {
    let server = MockServer::start().await;
    let mut unpaid = vendor_order();
    unpaid["id"] = json!(2);
    unpaid["number"] = json!("ORD00002");
    unpaid["paymentStatus"] = json!("not_paid");
    Mock::given(method("GET"))
        .and(path("/nl/orders.json"))
        .and(query_param("paymentStatus", "paid"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "orders": [vendor_order(), unpaid] })),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/1623550.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("order.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/orders/2.json"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;

    let mut config = OrdersConfig::default();
    let ca = CountryCode::parse("CA").unwrap();
    config
        .vat_codes
        .push(VatCodeRule::new(CountryMatch::Country(ca), Some(5), "GST5"));
    let ledger = Arc::new(MemoryLedger::new());
    ledger.add_articles(&[ArticleBuilder::new("anacampseros").build()]);
    let flow = OrdersFlow::new(
        "default",
        config,
        Arc::new(shop(&server, configured())),
        ledger.clone(),
        Arc::new(MemoryStateStore::new()),
    );
    let report = flow.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.counts.created, 1, "{report:?}");
    assert_eq!(report.counts.skipped, 1, "the unpaid order is filtered");
    assert_eq!(report.api.requests, 2, "one list page and one order");
    let bookings = ledger.bookings();
    assert_eq!(bookings.len(), 1);
    assert_eq!(bookings[0].1.total_incl, dec!(50.35));
    assert_eq!(bookings[0].1.reference.as_str(), "LS-356891-ORD00018");
}
