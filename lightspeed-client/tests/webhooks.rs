//! Contract tests: webhook subscriptions, and receiving deliveries (signature, typed events).

mod common;

use common::contract::client;
use common::fixture_item;
use http::{HeaderMap, HeaderValue};
use lightspeed_client::Cluster;
use lightspeed_client::models::{
    OrderStatus, WebhookCreate, WebhookFormat, WebhookItemAction, WebhookItemGroup,
};
use lightspeed_client::webhook::{
    WebhookError, WebhookEvent, WebhookPayload, compute_signature, verify_signature,
};
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    webhook_suite,
    case!(
        "webhooks",
        64674,
        "webhook",
        "webhooks",
        ("webhook.json", "webhook"),
        |c| c.webhooks()
    )
);

#[tokio::test]
async fn create_writes_address_not_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/webhooks.json"))
        .and(body_json(json!({"webhook": {
            "isActive": true,
            "itemGroup": "orders",
            "itemAction": "*",
            "language": "nl",
            "format": "json",
            "address": "https://koppel.example.com/hooks/lightspeed"
        }})))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"webhook": fixture_item("webhook.live.json", "webhook")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let hook = client(&server)
        .webhooks()
        .create(&WebhookCreate {
            is_active: Some(true),
            item_group: Some(WebhookItemGroup::Orders),
            item_action: Some(WebhookItemAction::All),
            language: Some("nl".into()),
            format: Some(WebhookFormat::Json),
            address: Some("https://koppel.example.com/hooks/lightspeed".into()),
        })
        .await
        .unwrap();
    assert_eq!(hook.id, 4_745_101);
}

// Computed independently: printf '%s' '{"order":{"id":1}}secret' | md5sum
const BODY: &[u8] = br#"{"order":{"id":1}}"#;
const KNOWN_SIGNATURE: &str = "64a63a6f734c92924cc532da4ab0c0c5";

fn secret() -> SecretString {
    SecretString::from("secret")
}

#[test]
fn signature_matches_a_known_vector() {
    assert_eq!(compute_signature(BODY, &secret()), KNOWN_SIGNATURE);
    assert!(verify_signature(BODY, KNOWN_SIGNATURE, &secret()));
    // header case and surrounding whitespace do not matter
    assert!(verify_signature(
        BODY,
        &format!(" {} ", KNOWN_SIGNATURE.to_uppercase()),
        &secret()
    ));
}

#[test]
fn a_tampered_body_or_wrong_secret_fails() {
    let tampered = br#"{"order":{"id":2}}"#;
    assert!(!verify_signature(tampered, KNOWN_SIGNATURE, &secret()));
    assert!(!verify_signature(
        BODY,
        KNOWN_SIGNATURE,
        &SecretString::from("other")
    ));
    assert!(!verify_signature(BODY, "", &secret()));
    assert!(!verify_signature(BODY, &KNOWN_SIGNATURE[..31], &secret()));
    // re-encoding the JSON (spaces) changes the bytes and breaks the signature
    assert!(!verify_signature(
        br#"{"order": {"id": 1}}"#,
        KNOWN_SIGNATURE,
        &secret()
    ));
}

fn delivery(event: &str, signature: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("x-shop-id", HeaderValue::from_static("356891"));
    h.insert("x-cluster-id", HeaderValue::from_static("eu1"));
    h.insert("x-event", HeaderValue::from_str(event).unwrap());
    h.insert("x-language", HeaderValue::from_static("nl"));
    h.insert("x-format", HeaderValue::from_static("json"));
    h.insert("x-request-id", HeaderValue::from_static("req-1"));
    h.insert("x-signature", HeaderValue::from_str(signature).unwrap());
    h
}

#[test]
fn a_signed_order_delivery_becomes_a_typed_event() {
    let body = serde_json::to_vec(&json!({"order": fixture_item("order.json", "order")})).unwrap();
    let headers = delivery("orders/created", &compute_signature(&body, &secret()));
    let event = WebhookEvent::from_parts(&headers, &body, &secret()).unwrap();
    assert_eq!(event.shop_id.as_u64(), Some(356_891));
    assert_eq!(event.cluster, Some(Cluster::Eu1));
    assert_eq!(event.item_group, WebhookItemGroup::Orders);
    assert_eq!(event.item_action, WebhookItemAction::Created);
    assert_eq!(event.event, "orders/created");
    assert_eq!(event.language.as_deref(), Some("nl"));
    assert_eq!(event.format, WebhookFormat::Json);
    assert_eq!(event.request_id.as_deref(), Some("req-1"));
    assert_eq!(event.payload.id(), Some(1_623_550));
    match event.payload {
        WebhookPayload::Order(order) => {
            assert_eq!(order.status, Some(OrderStatus::ProcessingAwaitingShipment));
        }
        other => panic!("expected an order, got {other:?}"),
    }
}

#[test]
fn a_tampered_delivery_is_rejected_before_parsing() {
    let headers = delivery("orders/updated", KNOWN_SIGNATURE);
    let tampered = br#"{"order":{"id":2}}"#;
    assert!(matches!(
        WebhookEvent::from_parts(&headers, tampered, &secret()),
        Err(WebhookError::InvalidSignature)
    ));
    let mut unsigned = headers.clone();
    unsigned.remove("x-signature");
    assert!(matches!(
        WebhookEvent::from_parts(&unsigned, BODY, &secret()),
        Err(WebhookError::MissingHeader("x-signature"))
    ));
}

#[test]
fn other_groups_xml_and_bad_headers() {
    let body = br#"{"review":{"id":5,"score":4}}"#;
    let headers = delivery("reviews/created", &compute_signature(body, &secret()));
    let event = WebhookEvent::from_parts(&headers, body, &secret()).unwrap();
    assert!(matches!(event.payload, WebhookPayload::Other(ref v) if v["review"]["score"] == 4));

    let xml = b"<order><id>1</id></order>";
    let mut headers = delivery("orders/created", &compute_signature(xml, &secret()));
    headers.insert("x-format", HeaderValue::from_static("xml"));
    let event = WebhookEvent::from_parts(&headers, xml, &secret()).unwrap();
    assert!(matches!(event.payload, WebhookPayload::Raw(ref b) if &b[..] == xml));

    let mut headers = delivery("orders", KNOWN_SIGNATURE);
    assert!(matches!(
        WebhookEvent::from_parts(&headers, BODY, &secret()),
        Err(WebhookError::InvalidHeader {
            name: "x-event",
            ..
        })
    ));
    headers.remove("x-shop-id");
    assert!(matches!(
        WebhookEvent::from_parts(&headers, BODY, &secret()),
        Err(WebhookError::MissingHeader("x-shop-id"))
    ));

    let garbage = b"{not json";
    let headers = delivery("orders/created", &compute_signature(garbage, &secret()));
    assert!(matches!(
        WebhookEvent::from_parts(&headers, garbage, &secret()),
        Err(WebhookError::Payload(_))
    ));
}
