//! Error mapping through the real client (wiremock, real clock), the token-store adapter over
//! sync-core's state store, and secrets kept out of `Debug`.
#![cfg(feature = "sync")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use accountview_client::sync::{AccountViewLedger, LedgerOptions, StateTokenStore};
use accountview_client::{MemoryTokenStore, TokenStore};
use chrono::NaiveDate;
use common::{CLIENT_SECRET, builder_for, client_for, fixture, valid_tokens};
use rust_decimal::Decimal;
use secrecy::ExposeSecret;
use serde_json::json;
use sync_core::domain::{
    BookingLine, BookingLineKind, Currency, DebtorRef, ExternalReference, SalesDocument,
    SalesDocumentKind, VatRate,
};
use sync_core::error::ErrorKind;
use sync_core::state::{MemoryStateStore, StateStore};
use sync_core::traits::{Ledger, LedgerDebtors};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DATA: &str = "/api/v3/accountviewdata";

fn ledger(server: &MockServer) -> AccountViewLedger {
    AccountViewLedger::new(client_for(server), LedgerOptions::default()).unwrap()
}

fn order() -> SalesDocument {
    SalesDocument {
        kind: SalesDocumentKind::SalesOrder,
        reference: ExternalReference::new("LS-1234-ORD7"),
        debtor: DebtorRef::new("10025"),
        delivery_address: None,
        order_date: NaiveDate::from_ymd_opt(2024, 5, 2).unwrap(),
        invoice_number: None,
        invoice_date: None,
        description: String::new(),
        email: None,
        payment_condition: None,
        payment_method_code: None,
        shipping_method_code: None,
        shop_id: None,
        currency: Currency::EUR,
        amounts_include_vat: true,
        lines: vec![BookingLine {
            kind: BookingLineKind::Article,
            article_code: Some("NOPE-1".into()),
            description: "Onbekend".into(),
            quantity: Decimal::ONE,
            unit_price: Decimal::TEN,
            amount_excl: Decimal::new(826, 2),
            amount_incl: Decimal::TEN,
            vat_amount: Decimal::new(174, 2),
            vat_code: None,
            vat_rate: VatRate::from_percentage(21),
            revenue_account: None,
        }],
        header_discount: Decimal::ZERO,
        total_excl: Decimal::new(826, 2),
        total_incl: Decimal::TEN,
        vat_total: Decimal::new(174, 2),
        rounding_difference: Decimal::ZERO,
    }
}

#[tokio::test]
async fn a_gateway_error_on_a_read_is_retryable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .expect(3) // the client's own read retries (fast policy: 3 attempts)
        .mount(&server)
        .await;
    let err = ledger(&server)
        .find_booking(
            &ExternalReference::new("LS-1"),
            SalesDocumentKind::SalesOrder,
        )
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err}");
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn an_accountview_error_on_a_post_is_skippable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "ErrorType": "AccountViewError", "ErrorNumbers": null,
            "ErrorMessage": "Artikel NOPE-1 bestaat niet."
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = ledger(&server).book(&order()).await.unwrap_err();
    assert!(err.is_skippable(), "{err}");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert!(err.message().contains("Artikel NOPE-1 bestaat niet."));
    assert!(
        err.message().contains("LS-1234-ORD7"),
        "the message names the booking"
    );
}

#[tokio::test]
async fn an_unavailable_administration_on_a_post_is_retryable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            fixture("error_response.json").replace(
                "Debiteur 10025 bestaat al.",
                "De administratie is momenteel niet beschikbaar.",
            ),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = ledger(&server).book(&order()).await.unwrap_err();
    assert!(err.is_retryable(), "{err}");
    assert!(err.outcome_unknown(), "the flow looks the booking up first");
}

#[tokio::test]
async fn a_timeout_on_a_post_is_outcome_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .expect(1) // a write that may have been sent is never repeated by the client
        .mount(&server)
        .await;
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::with_tokens(valid_tokens(
        "access-0",
        "refresh-0",
    )));
    let client = builder_for(&server)
        .timeout(Duration::from_millis(200))
        .token_store(store)
        .build()
        .unwrap();
    let ledger = AccountViewLedger::new(client, LedgerOptions::default()).unwrap();
    let err = ledger.book(&order()).await.unwrap_err();
    assert!(err.outcome_unknown(), "{err}");
    assert!(err.is_retryable());
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[tokio::test]
async fn a_rejected_token_is_fatal_and_says_to_reauthorise() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v3/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("token_response.json")))
        .mount(&server)
        .await;
    let err = ledger(&server).get_debtor("10025").await.unwrap_err();
    assert!(err.stops_run());
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(
        err.message().contains("re-authorise with `koppel init`"),
        "{err}"
    );
    assert!(!err.to_string().contains(CLIENT_SECRET));
}

#[tokio::test]
async fn token_store_adapter_round_trips_through_the_state_store() {
    let state: Arc<dyn StateStore> = Arc::new(MemoryStateStore::new());
    let store = StateTokenStore::new(state.clone(), "client-id-1");
    assert_eq!(store.key(), "accountview/client-id-1/token");
    assert!(store.load().await.unwrap().is_none());

    let tokens = valid_tokens("access-from-state", "refresh-from-state");
    store.save(&tokens).await.unwrap();
    let raw = state.load_secret(store.key()).await.unwrap().unwrap();
    let raw: serde_json::Value = serde_json::from_str(raw.expose_secret()).unwrap();
    assert_eq!(raw["refresh_token"], "refresh-from-state");

    let loaded = store.load().await.unwrap().unwrap();
    assert_eq!(loaded.access_token.expose_secret(), "access-from-state");
    assert_eq!(loaded.refresh_token.expose_secret(), "refresh-from-state");
    assert_eq!(loaded.expires_at, tokens.expires_at);
    assert!(!format!("{store:?}").contains("from-state"));

    // A client on the adapter sends the stored access token.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(header("authorization", "Bearer access-from-state"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"DEL_ADDR": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder_for(&server)
        .token_store(Arc::new(store))
        .build()
        .unwrap();
    let ledger = AccountViewLedger::new(client, LedgerOptions::default()).unwrap();
    assert!(ledger.delivery_addresses("10025").await.unwrap().is_empty());
}

#[tokio::test]
async fn debug_output_holds_no_secret() {
    let server = MockServer::start().await;
    let ledger = ledger(&server);
    let text = format!("{ledger:?}");
    assert!(text.contains("AccountViewLedger"));
    assert!(!text.contains(CLIENT_SECRET), "{text}");
    assert!(!text.contains("access-0"), "{text}");
    assert!(!text.contains("refresh-0"), "{text}");
}

#[tokio::test]
async fn the_connector_is_clone_send_sync_and_usable_as_trait_objects() {
    fn clone_send_sync<T: Clone + Send + Sync + 'static>() {}
    clone_send_sync::<AccountViewLedger>();
    let server = MockServer::start().await;
    let ledger = ledger(&server);
    let as_ledger: Arc<dyn Ledger> = Arc::new(ledger.clone());
    let as_source: Arc<dyn sync_core::traits::ArticleSource> = Arc::new(ledger);
    assert_eq!(as_ledger.api_stats().requests, 0);
    assert_eq!(as_source.api_stats().requests, 0);
}

#[tokio::test]
async fn invalid_options_are_refused_when_the_connector_is_built() {
    let server = MockServer::start().await;
    let options = LedgerOptions {
        shipping_method_column: Some("RPL_INV".into()),
        ..LedgerOptions::default()
    };
    let err = AccountViewLedger::new(client_for(&server), options).unwrap_err();
    assert!(err.stops_run());
    assert_eq!(err.kind(), ErrorKind::Config);
}
