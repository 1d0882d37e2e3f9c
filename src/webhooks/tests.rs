use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use chrono::{DateTime, Utc};
use lightspeed_client::webhook::compute_signature;
use secrecy::SecretString;
use sync_core::state::{InboxItem, InboxStore, MemoryStateStore, StateError};

use super::*;

const ORDER: &[u8] =
    br#"{"order":{"id":1623550,"updatedAt":"2026-12-04T10:00:00+01:00","email":"jan@example.nl"}}"#;

fn secret() -> SecretString {
    SecretString::from("webhook-secret")
}

fn headers(event: &str, body: &[u8], secret: &SecretString) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("x-shop-id", HeaderValue::from_static("356891"));
    h.insert("x-event", HeaderValue::from_str(event).unwrap());
    h.insert(
        "x-signature",
        HeaderValue::from_str(&compute_signature(body, secret)).unwrap(),
    );
    h
}

fn receiver(state: Arc<dyn InboxStore>) -> WebhookReceiver {
    WebhookReceiver::new("shop", secret(), state)
}

async fn waiting(state: &MemoryStateStore) -> Vec<String> {
    state
        .pending_inbox("shop", ORDERS, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.record_key)
        .collect()
}

#[tokio::test]
async fn a_signed_order_is_queued_and_rings_the_doorbell() {
    let state = Arc::new(MemoryStateStore::new());
    let receiver = receiver(state.clone());
    let delivery = receiver
        .receive(&headers("orders/created", ORDER, &secret()), ORDER)
        .await;
    assert_eq!(
        delivery,
        Delivery::Accepted {
            order: "1623550".into()
        }
    );
    assert_eq!(delivery.status(), StatusCode::OK);
    assert_eq!(waiting(&state).await, ["1623550"]);
    // The ring is kept until someone waits.
    tokio::time::timeout(
        std::time::Duration::from_secs(1),
        receiver.doorbell().notified(),
    )
    .await
    .expect("the doorbell rang");
}

#[tokio::test]
async fn unsigned_or_wrongly_signed_deliveries_record_nothing() {
    let state = Arc::new(MemoryStateStore::new());
    let receiver = receiver(state.clone());
    let wrong = SecretString::from("someone else");
    let forged = receiver
        .receive(&headers("orders/created", ORDER, &wrong), ORDER)
        .await;
    assert_eq!(forged, Delivery::Rejected(Rejection::Signature));
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    let mut unsigned = headers("orders/created", ORDER, &secret());
    unsigned.remove("x-signature");
    assert_eq!(
        receiver.receive(&unsigned, ORDER).await,
        Delivery::Rejected(Rejection::Signature)
    );
    assert!(waiting(&state).await.is_empty());
}

#[tokio::test]
async fn repeats_are_duplicates_and_other_events_are_ignored() {
    let state = Arc::new(MemoryStateStore::new());
    let receiver = receiver(state.clone());
    let h = headers("orders/updated", ORDER, &secret());
    assert!(matches!(
        receiver.receive(&h, ORDER).await,
        Delivery::Accepted { .. }
    ));
    assert!(matches!(
        receiver.receive(&h, ORDER).await,
        Delivery::Duplicate { .. }
    ));
    // Another event for the same waiting order is not queued twice either.
    let created = headers("orders/created", ORDER, &secret());
    assert!(matches!(
        receiver.receive(&created, ORDER).await,
        Delivery::Duplicate { .. }
    ));
    let deleted = headers("orders/deleted", ORDER, &secret());
    assert_eq!(
        receiver.receive(&deleted, ORDER).await,
        Delivery::Ignored {
            event: "orders/deleted".into()
        }
    );
    let review = br#"{"review":{"id":5}}"#;
    let h = headers("reviews/created", review, &secret());
    assert!(matches!(
        receiver.receive(&h, review).await,
        Delivery::Ignored { .. }
    ));
    assert_eq!(waiting(&state).await, ["1623550"]);

    let off = WebhookReceiver::new("shop", secret(), state.clone()).orders(false);
    let other = br#"{"order":{"id":7}}"#;
    let h = headers("orders/created", other, &secret());
    assert!(matches!(
        off.receive(&h, other).await,
        Delivery::Ignored { .. }
    ));
    assert_eq!(waiting(&state).await, ["1623550"]);
}

#[tokio::test]
async fn unreadable_bodies_are_rejected_without_quoting_them() {
    let receiver = receiver(Arc::new(MemoryStateStore::new()));
    let body = br#"{"order":{"id":"x","email":"jan@example.nl"}}"#;
    let delivery = receiver
        .receive(&headers("orders/created", body, &secret()), body)
        .await;
    let Delivery::Rejected(Rejection::Unreadable(reason)) = &delivery else {
        panic!("{delivery:?}");
    };
    assert!(!reason.contains("jan@example.nl"), "{reason}");
    assert!(reason.contains("order"), "{reason}");
    assert_eq!(delivery.status(), StatusCode::BAD_REQUEST);
}

/// An inbox whose database is away.
struct Away;

#[async_trait::async_trait]
impl InboxStore for Away {
    async fn enqueue(
        &self,
        _: &str,
        _: &str,
        _: &str,
        _: DateTime<Utc>,
    ) -> Result<bool, StateError> {
        Err(StateError::InvalidConfig("the database is away".into()))
    }
    async fn pending_inbox(
        &self,
        _: &str,
        _: &str,
        _: usize,
    ) -> Result<Vec<InboxItem>, StateError> {
        Err(StateError::InvalidConfig("the database is away".into()))
    }
    async fn ack_inbox(&self, _: &str, _: &str, _: &str, _: i64) -> Result<bool, StateError> {
        Err(StateError::InvalidConfig("the database is away".into()))
    }
}

#[tokio::test]
async fn an_inbox_that_cannot_store_is_answered_503_and_the_retry_is_taken() {
    let receiver = receiver(Arc::new(Away));
    let h = headers("orders/created", ORDER, &secret());
    let delivery = receiver.receive(&h, ORDER).await;
    assert_eq!(delivery.status(), StatusCode::SERVICE_UNAVAILABLE);
    // Not remembered as seen: Lightspeed's retry is not dropped as a duplicate.
    assert!(matches!(
        receiver.receive(&h, ORDER).await,
        Delivery::Unavailable { .. }
    ));
}
