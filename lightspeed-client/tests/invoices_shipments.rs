//! Contract tests: invoices (and their items) and shipments.

mod common;

use common::contract::client;
use common::fixture_item;
use lightspeed_client::models::{InvoiceStatus, InvoiceUpdate, ShipmentStatus, ShipmentUpdate};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    invoice_suite,
    case!(
        "invoices",
        1742005,
        "invoice",
        "invoices",
        ("invoice.json", "invoice"),
        |c| c.invoices()
    )
);
contract_suite!(
    invoice_item_suite,
    case!(
        "invoices/1742005/items",
        7041125,
        "invoiceItem",
        "invoiceItems",
        ("invoiceItem.json", "invoiceItem"),
        |c| c.invoices().items(1742005)
    )
);
contract_suite!(
    shipment_suite,
    case!(
        "shipments",
        4981236,
        "shipment",
        "shipments",
        ("shipment.json", "shipment"),
        |c| c.shipments()
    )
);

#[tokio::test]
async fn relation_filters_and_status_updates() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/invoices.json"))
        .and(query_param("order", "1623573"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"invoices": [fixture_item("invoice.json", "invoice")]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/shipments.json"))
        .and(query_param("order", "5042285"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"shipments": [fixture_item("shipment.json", "shipment")]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/nl/invoices/1742005.json"))
        .and(body_json(json!({"invoice": {"status": "paid"}})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"invoice": fixture_item("invoice.json", "invoice")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/nl/shipments/4981236.json"))
        .and(body_json(
            json!({"shipment": {"status": "shipped", "trackingCode": "3SABC123"}}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"shipment": fixture_item("shipment.json", "shipment")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let invoices = client
        .invoices()
        .list()
        .order(1_623_573)
        .all()
        .await
        .unwrap();
    assert_eq!(invoices[0].number.as_deref(), Some("INV00038"));
    let shipments = client
        .shipments()
        .list()
        .order(5_042_285)
        .all()
        .await
        .unwrap();
    assert_eq!(shipments[0].status, Some(ShipmentStatus::Shipped));
    client
        .invoices()
        .update(
            1_742_005,
            &InvoiceUpdate {
                status: Some(InvoiceStatus::Paid),
                do_notify_paid: None,
            },
        )
        .await
        .unwrap();
    client
        .shipments()
        .update(
            4_981_236,
            &ShipmentUpdate {
                status: Some(ShipmentStatus::Shipped),
                tracking_code: Some("3SABC123".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
}
