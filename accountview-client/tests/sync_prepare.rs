//! `Ledger::prepare`: the administration's field dictionary loaded once per hour and installed into
//! the client's field facts, so the reference guard knows the real length of the reference column;
//! a reference column the dictionary lacks stops the run; an unreadable dictionary is a warning.
#![cfg(feature = "sync")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use accountview_client::sync::{
    AccountViewLedger, ColumnPlan, LedgerOptions, PLAN_TABLES, PlanScope,
};
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

/// Changes to one table's dictionary: `(field, Some((type, length)))` sets a column, `(field, None)`
/// leaves it out.
type Changes<'a> = &'a [(&'a str, Option<(&'a str, u32)>)];

/// The dictionary of `table` with every column the default plan names there (`C60`), changed by
/// `changes`: `(field, Some((type, length)))` sets a column, `(field, None)` leaves it out.
fn plan_dictionary(table: &str, changes: Changes<'_>) -> Value {
    let plan = ColumnPlan::new(&LedgerOptions::default(), &PlanScope::default());
    let mut rows: Vec<(String, String, u32)> = plan
        .columns()
        .iter()
        .filter(|c| c.table == table)
        .map(|c| (c.column.clone(), "C".to_owned(), 60))
        .collect();
    for (field, change) in changes {
        rows.retain(|(f, _, _)| f != field);
        if let Some((ty, len)) = change {
            rows.push(((*field).to_owned(), (*ty).to_owned(), *len));
        }
    }
    let rows: Vec<(&str, &str, &str, u32)> = rows
        .iter()
        .map(|(f, ty, len)| (table, f.as_str(), ty.as_str(), *len))
        .collect();
    dictionary(&rows)
}

fn no_records() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({
        "ErrorType": "AccountViewError",
        "ErrorNumbers": [1011],
        "ErrorMessage": "Er zijn geen records gevonden die voldoen aan het filter."
    }))
}

/// Every table of the default plan with all its columns, `SO_HDR` changed by `so_hdr` (see
/// [`plan_dictionary`]).
async fn mount_dictionary(server: &MockServer, so_hdr: Changes<'_>) {
    mount_dictionaries(server, &[("SO_HDR", so_hdr)]).await;
}

/// Every table of the default plan with all its columns, changed per table (see
/// [`plan_dictionary`]).
async fn mount_dictionaries(server: &MockServer, changes: &[(&str, Changes<'_>)]) {
    for table in PLAN_TABLES {
        let change = changes
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(&[][..], |(_, c)| *c);
        let body = plan_dictionary(table, change);
        Mock::given(method("GET"))
            .and(path(SYSTEM))
            .and(query_param("FilterValue1", table))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(server)
            .await;
    }
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
            ("ORD_NR", Some(("C", 10))),
            ("COMMENT1", Some(("C", 20))),
            ("RPL_INV", Some(("C", 10))),
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
    mount_dictionary(&server, &[("COMMENT1", Some(("C", 60)))]).await;
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
                let body = plan_dictionary("SO_HDR", &[("COMMENT1", Some(("C", 30)))]).to_string();
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

/// Issue 11: an optional column the administration lacks is left out of the run's queries and
/// writes (not sent, so AccountView has nothing to refuse), with one warning each.
#[tokio::test]
async fn optional_columns_the_administration_lacks_leave_the_runs_queries_and_writes() {
    let server = MockServer::start().await;
    mount_dictionaries(
        &server,
        &[
            ("ARTICLE", &[("REC_BLK", None)]),
            ("SO_LINE", &[("DISC_AMT", None)]),
            ("CONTACT", &[("TEL_MOB", None)]),
        ],
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/accountviewdata"))
        .and(query_param("BusinessObject", "AK1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"ARTICLE": [{"ART_CODE": "FB-1001", "ART_DESC1": "Fietsbel", "BAR_CODE": ""}]}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/accountviewdata"))
        .and(query_param("BusinessObject", "SO1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"SO_HDR": [
            {"COMMENT1": "LS-1-ORD1", "ORD_NR": "24000001", "RPL_INV": "10025"}
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/accountviewdata"))
        .respond_with(no_records())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v3/accountviewdata"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"SO_HDR": [{"ORD_NR": "24000001"}], "CONTACT": [{"SUB_NR": "10025"}]}),
        ))
        .mount(&server)
        .await;
    let ledger = AccountViewLedger::new(client_for(&server), LedgerOptions::default()).unwrap();
    let warnings = ledger.prepare().await.unwrap();
    assert_eq!(warnings.len(), 3, "one per dropped column: {warnings:#?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("ARTICLE has no column REC_BLK")
                && w.contains("article_blocked_column")),
        "{warnings:#?}"
    );
    assert_eq!(ledger.run_options().article_blocked_column, None);
    assert_eq!(ledger.run_options().order_line_discount_column, None);
    assert_eq!(
        ledger.options().article_blocked_column.as_deref(),
        Some("REC_BLK"),
        "the configuration itself is unchanged"
    );

    ledger.article_index().await.unwrap();
    let mut discounted = order("LS-1-ORD1");
    discounted.lines[0].quantity = Decimal::TWO;
    discounted.lines[0].unit_price = Decimal::TEN;
    discounted.lines[0].amount_incl = Decimal::new(1500, 2);
    // The read-back after the write finds the booking by its reference (the SO1 mock).
    ledger.book(&discounted).await.unwrap();
    let draft = sync_core::domain::DebtorDraft {
        name: "Piet".into(),
        mobile: Some("0612345678".into()),
        phone: Some("0501234567".into()),
        control_account: Some("1300".into()),
        ..Default::default()
    };
    sync_core::traits::LedgerDebtors::create_debtor(&ledger, &draft, Some("10025"))
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    let index = requests
        .iter()
        .find(|r| {
            r.url
                .query()
                .is_some_and(|q| q.contains("BusinessObject=AK1"))
        })
        .unwrap();
    let fields = index
        .url
        .query_pairs()
        .find(|(k, _)| k == "Fields")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(fields, "ART_CODE,ART_DESC1,BAR_CODE", "no REC_BLK");
    let posts: Vec<Value> = requests
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    let names = |def: &Value| -> Vec<String> {
        def["Fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["Name"].as_str().unwrap().to_owned())
            .collect()
    };
    let order_body = posts.iter().find(|b| b["BusinessObject"] == "SO1").unwrap();
    let line_def = &order_body["Table"]["DetailDefinitions"][0];
    let line_fields = names(line_def);
    assert!(
        !line_fields.contains(&"DISC_AMT".to_owned()),
        "{line_fields:?}"
    );
    let px = line_fields.iter().position(|f| f == "ART_PX").unwrap();
    assert_eq!(
        order_body["TableData"]["DetailData"][0]["Rows"][0]["Values"][px],
        json!(7.5),
        "without a discount column the line carries its net unit price"
    );
    let debtor_body = posts.iter().find(|b| b["BusinessObject"] == "AR1").unwrap();
    let debtor_fields = names(&debtor_body["Table"]["Definition"]);
    assert!(
        !debtor_fields.contains(&"TEL_MOB".to_owned()),
        "{debtor_fields:?}"
    );
    assert!(
        debtor_fields.contains(&"TEL_BUS".to_owned()),
        "{debtor_fields:?}"
    );
}
