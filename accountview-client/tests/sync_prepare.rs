//! `Ledger::prepare`: the administration's field dictionary loaded once per hour and installed into
//! the client's field facts, so the reference guard knows the real length of the reference column;
//! a reference column the dictionary lacks stops the run; an unreadable dictionary is a warning.
#![cfg(feature = "sync")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use accountview_client::sync::{AccountViewLedger, LedgerOptions};
use chrono::NaiveDate;
use common::{FnTransport, client_for, client_on, fast_retry, json_response};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use sync_core::domain::{
    BookingLine, BookingLineKind, Currency, DebtorRef, ExternalReference, SalesDocument,
    SalesDocumentKind, VatRate,
};
use sync_core::traits::Ledger;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SYSTEM: &str = "/api/v3/accountviewsystemdata";

/// `DCT_FLD` rows: (table, field, type, length).
fn dictionary(rows: &[(&str, &str, &str, u32)]) -> Value {
    let rows: Vec<Value> = rows
        .iter()
        .map(|(table, field, ty, len)| {
            json!({"DBF_NAME": table, "FIELD_NAME": field, "FIELD_TYPE": ty, "FIELD_LEN": len,
                   "INP_MAND": *field == "ORD_NR", "FLD_FMT": "", "FLD_DESC": field})
        })
        .collect();
    json!({ "DCT_FLD": rows })
}

fn no_records() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({
        "ErrorType": "AccountViewError",
        "ErrorNumbers": [1011],
        "ErrorMessage": "Er zijn geen records gevonden die voldoen aan het filter."
    }))
}

/// A dictionary with `so_hdr` as its `SO_HDR` columns and a standard `DJ_PAGE`; the other tables
/// answer "no records".
async fn mount_dictionary(server: &MockServer, so_hdr: &[(&str, &str, &str, u32)]) {
    Mock::given(method("GET"))
        .and(path(SYSTEM))
        .and(query_param("FilterValue1", "SO_HDR"))
        .respond_with(ResponseTemplate::new(200).set_body_json(dictionary(so_hdr)))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(SYSTEM))
        .and(query_param("FilterValue1", "DJ_PAGE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(dictionary(&[
            ("DJ_PAGE", "HDR_DESC", "C", 40),
            ("DJ_PAGE", "INV_NR", "C", 10),
        ])))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(SYSTEM))
        .respond_with(no_records())
        .mount(server)
        .await;
}

fn order(reference: &str) -> SalesDocument {
    let date = NaiveDate::from_ymd_opt(2024, 5, 2).unwrap();
    SalesDocument {
        kind: SalesDocumentKind::SalesOrder,
        reference: ExternalReference::new(reference),
        debtor: DebtorRef {
            number: "10025".into(),
            delivery_address_id: None,
        },
        delivery_address: None,
        order_date: date,
        invoice_number: None,
        invoice_date: None,
        description: "Webshop order".into(),
        email: None,
        payment_condition: None,
        payment_method_code: None,
        shipping_method_code: None,
        shop_id: None,
        currency: Currency::EUR,
        amounts_include_vat: true,
        lines: vec![BookingLine {
            kind: BookingLineKind::Article,
            article_code: Some("FB-1001".into()),
            description: "Fietsbel".into(),
            quantity: Decimal::ONE,
            unit_price: Decimal::TEN,
            amount_excl: Decimal::TEN,
            amount_incl: Decimal::TEN,
            vat_amount: Decimal::ZERO,
            vat_code: None,
            vat_rate: VatRate::from_percentage(0),
            revenue_account: None,
        }],
        header_discount: Decimal::ZERO,
        total_excl: Decimal::TEN,
        total_incl: Decimal::TEN,
        vat_total: Decimal::ZERO,
        rounding_difference: Decimal::ZERO,
    }
}

#[tokio::test]
async fn a_reference_longer_than_the_dictionarys_comment1_is_refused_before_anything_is_written() {
    let server = MockServer::start().await;
    mount_dictionary(
        &server,
        &[
            ("SO_HDR", "ORD_NR", "C", 10),
            ("SO_HDR", "COMMENT1", "C", 20),
            ("SO_HDR", "RPL_INV", "C", 10),
        ],
    )
    .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"SO_HDR": [{"ORD_NR": "1"}]})),
        )
        .expect(0)
        .mount(&server)
        .await;
    let ledger = AccountViewLedger::new(client_for(&server), LedgerOptions::default()).unwrap();
    let warnings = ledger.prepare().await.unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let facts = ledger.client().field_facts();
    assert_eq!(facts.get("SO_HDR", "COMMENT1").unwrap().max_len, Some(20));
    assert!(
        !facts.get("SO_HDR", "ORD_NR").unwrap().mandatory,
        "the dictionary marks generated columns mandatory; that is not installed"
    );

    let reference = "LS-328798-ORD000000012345"; // 25 characters
    assert_eq!(reference.len(), 25);
    let err = ledger.book(&order(reference)).await.unwrap_err();
    assert!(err.is_skippable(), "{err}");
    assert_eq!(err.kind(), sync_core::error::ErrorKind::Mapping, "{err}");
    assert!(
        err.message()
            .contains("is 25 characters but SO_HDR.COMMENT1 holds 20"),
        "{err}"
    );
    let posts = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 0, "nothing is written");
}

#[tokio::test]
async fn a_reference_column_the_dictionary_lacks_stops_the_run_naming_the_option() {
    let server = MockServer::start().await;
    mount_dictionary(
        &server,
        &[
            ("SO_HDR", "ORD_NR", "C", 10),
            ("SO_HDR", "COMMENT1", "C", 60),
        ],
    )
    .await;
    let options = LedgerOptions {
        sales_order_reference_column: "K1_REF".into(),
        ..LedgerOptions::default()
    };
    let ledger = AccountViewLedger::new(client_for(&server), options).unwrap();
    let err = ledger.prepare().await.unwrap_err();
    assert!(err.stops_run(), "{err}");
    assert_eq!(err.kind(), sync_core::error::ErrorKind::Config);
    let m = err.message();
    assert!(
        m.contains("[accountview.ledger] sales_order_reference_column"),
        "{m}"
    );
    assert!(m.contains("SO_HDR has no column K1_REF"), "{m}");
}

#[tokio::test]
async fn an_unreadable_dictionary_is_a_warning_and_the_built_in_facts_stay() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(SYSTEM))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"Message": "Forbidden"})))
        .mount(&server)
        .await;
    let ledger = AccountViewLedger::new(client_for(&server), LedgerOptions::default()).unwrap();
    let before = ledger.client().field_facts();
    let warnings = ledger.prepare().await.unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("field dictionary"), "{warnings:?}");
    assert_eq!(ledger.client().field_facts(), before);
}

#[tokio::test(start_paused = true)]
async fn the_dictionary_is_loaded_once_an_hour() {
    let loads = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&loads);
    let transport = FnTransport::new(move |request| {
        let counter = Arc::clone(&counter);
        async move {
            let url = request.url.to_string();
            if url.contains("accountviewsystemdata") && url.contains("SO_HDR") {
                counter.fetch_add(1, Ordering::SeqCst);
                let body = dictionary(&[("SO_HDR", "COMMENT1", "C", 30)]).to_string();
                return Ok(json_response(200, &body));
            }
            Ok(json_response(
                404,
                r#"{"ErrorType":"AccountViewError","ErrorNumbers":[1011],"ErrorMessage":"Er zijn geen records gevonden die voldoen aan het filter."}"#,
            ))
        }
    });
    let ledger =
        AccountViewLedger::new(client_on(transport, fast_retry()), LedgerOptions::default())
            .unwrap();
    ledger.prepare().await.unwrap();
    ledger.clone().prepare().await.unwrap();
    tokio::time::advance(Duration::from_secs(59 * 60)).await;
    ledger.prepare().await.unwrap();
    assert_eq!(loads.load(Ordering::SeqCst), 1, "cached within the hour");
    tokio::time::advance(Duration::from_secs(2 * 60)).await;
    ledger.prepare().await.unwrap();
    assert_eq!(loads.load(Ordering::SeqCst), 2, "refreshed after an hour");
    assert_eq!(
        ledger
            .client()
            .field_facts()
            .get("SO_HDR", "COMMENT1")
            .unwrap()
            .max_len,
        Some(30)
    );
}
