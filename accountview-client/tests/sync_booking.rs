//! Bookings against wiremock, through the real client: lookup by reference (found, prefix-only, 404,
//! empty), SO1 and DJ2 writes with their bodies, and a lost answer that must not cause a second booking.
#![cfg(feature = "sync")]

mod common;

use accountview_client::sync::{AccountViewLedger, LedgerOptions};
use chrono::NaiveDate;
use common::{client_for, fixture_json};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use sync_core::domain::{
    BookingLine, BookingLineKind, Currency, DebtorRef, Email, ExternalReference, SalesDocument,
    SalesDocumentKind, VatRate,
};
use sync_core::traits::Ledger;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DATA: &str = "/api/v3/accountviewdata";

fn ledger(server: &MockServer, options: LedgerOptions) -> AccountViewLedger {
    AccountViewLedger::new(client_for(server), options).unwrap()
}

/// The administration holds no booking yet to prove a lookup with before the first write (the
/// ledger's first lookup through a business object asks for one).
async fn nothing_to_prove_with(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterOperator1", "NotEqual"))
        .respond_with(no_records())
        .mount(server)
        .await;
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn line(code: &str, description: &str, qty: Decimal, unit: Decimal, excl: Decimal) -> BookingLine {
    let incl = qty * unit;
    BookingLine {
        kind: BookingLineKind::Article,
        article_code: Some(code.into()),
        description: description.into(),
        quantity: qty,
        unit_price: unit,
        amount_excl: excl,
        amount_incl: incl,
        vat_amount: incl - excl,
        vat_code: Some("2".into()),
        vat_rate: VatRate::from_percentage(21),
        revenue_account: Some("8000".into()),
    }
}

fn document(kind: SalesDocumentKind, reference: &str) -> SalesDocument {
    let date = NaiveDate::from_ymd_opt(2024, 5, 2).unwrap();
    SalesDocument {
        kind,
        reference: ExternalReference::new(reference),
        debtor: DebtorRef {
            number: "10025".into(),
            delivery_address_id: Some("0000000413".into()),
        },
        delivery_address: None,
        order_date: date,
        invoice_number: (kind != SalesDocumentKind::SalesOrder).then(|| "20240412".into()),
        invoice_date: (kind != SalesDocumentKind::SalesOrder).then_some(date),
        description: "Webshop order 100234".into(),
        email: Some(Email::parse("p.pietersen@example.nl").unwrap()),
        payment_condition: None,
        payment_method_code: None,
        shipping_method_code: Some("POSTNL".into()),
        shop_id: Some("1234".into()),
        currency: Currency::EUR,
        amounts_include_vat: true,
        lines: vec![
            line(
                "FB-1001",
                "Fietsbel chroom 2x",
                dec!(2),
                dec!(4.95),
                dec!(8.18),
            ),
            line(
                "BND-2654",
                "Buitenband 26x1.75",
                dec!(1),
                dec!(21.50),
                dec!(17.77),
            ),
        ],
        header_discount: Decimal::ZERO,
        total_excl: dec!(25.95),
        total_incl: dec!(31.40),
        vat_total: dec!(5.45),
        rounding_difference: Decimal::ZERO,
    }
}

#[tokio::test]
async fn find_booking_matches_the_reference_exactly() {
    let server = MockServer::start().await;
    nothing_to_prove_with(&server).await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "SO1"))
        .and(query_param("Fields", "COMMENT1,ORD_NR,RPL_INV"))
        .and(query_param("FilterControlSource1", "COMMENT1"))
        .and(query_param("FilterOperator1", "Equal"))
        .and(query_param("FilterValue1", "LS-1234-ORD1"))
        .and(query_param("SortFields", "COMMENT1"))
        .respond_with(ok(json!({"SO_HDR": [
            {"COMMENT1": "LS-1234-ORD1   ", "ORD_NR": "24000017"},
            {"COMMENT1": "LS-1234-ORD10", "ORD_NR": "24000099"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "LS-1234-ORD2"))
        .respond_with(ok(
            json!({"SO_HDR": [{"COMMENT1": "LS-1234-ORD20", "ORD_NR": "24000100"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let order = SalesDocumentKind::SalesOrder;
    let found = ledger
        .find_booking(&ExternalReference::new("LS-1234-ORD1"), order)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.number, "24000017");
    assert_eq!(found.kind, order);
    assert_eq!(
        ledger
            .find_booking(&ExternalReference::new("LS-1234-ORD2"), order)
            .await
            .unwrap(),
        None,
        "a prefix match is another order"
    );
}

#[tokio::test]
async fn find_journal_booking_uses_the_read_object_and_falls_back_to_page_nr() {
    let server = MockServer::start().await;
    nothing_to_prove_with(&server).await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "DJ2P"))
        .and(query_param("Fields", "HDR_DESC,INV_NR,PAGE_NR,SUB_NR"))
        .and(query_param("FilterValue1", "LS-1234-ORD1"))
        .respond_with(ok(json!({"DJ_PAGE": [
            {"HDR_DESC": "LS-1234-ORD1", "INV_NR": "", "PAGE_NR": "0000123"}
        ], "DJ_LINE": []})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "LS-1234-ORD404"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "ErrorType": "AccountViewError",
            "ErrorNumbers": [1011],
            "ErrorMessage": "Er zijn geen records gevonden die voldoen aan het filter."
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "LS-1234-ORD0"))
        .respond_with(ok(json!({"DJ_PAGE": []})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "LS-1234-BLIND"))
        .respond_with(ResponseTemplate::new(404).set_body_string(""))
        .mount(&server)
        .await;
    let options = LedgerOptions {
        journal_read_object: "DJ2P".into(),
        ..LedgerOptions::default()
    };
    let ledger = ledger(&server, options);
    let invoice = SalesDocumentKind::SalesInvoice;
    let found = ledger
        .find_booking(&ExternalReference::new("LS-1234-ORD1"), invoice)
        .await
        .unwrap();
    assert_eq!(found.unwrap().number, "0000123");
    for missing in ["LS-1234-ORD404", "LS-1234-ORD0"] {
        assert_eq!(
            ledger
                .find_booking(
                    &ExternalReference::new(missing),
                    SalesDocumentKind::CreditNote
                )
                .await
                .unwrap(),
            None,
            "{missing}"
        );
    }
    // A 404 that is not the "no records" answer is not "not booked": the lookup is blind.
    let err = ledger
        .find_booking(&ExternalReference::new("LS-1234-BLIND"), invoice)
        .await
        .unwrap_err();
    assert!(err.stops_run(), "{err}");
    assert!(err.message().contains("DJ2P"), "{err}");
}

async fn sent_body(server: &MockServer) -> Value {
    let requests = server.received_requests().await.unwrap();
    let post = requests
        .iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    serde_json::from_slice(&post.body).unwrap()
}

#[tokio::test]
async fn books_a_sales_order_and_returns_the_generated_number() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ok(json!({
            "SO_HDR": [{"ORD_NR": "24000001", "RPL_INV": "10025", "COMMENT1": "LS-1234-100234"}],
            "SO_LINE": [{"ORD_NR": "24000001", "ART_CODE": "FB-1001"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    // The first booking of SO1 is read back by its reference.
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "SO1"))
        .and(query_param("FilterValue1", "LS-1234-100234"))
        .respond_with(ok(
            json!({"SO_HDR": [{"COMMENT1": "LS-1234-100234", "ORD_NR": "24000001"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let booking = ledger(&server, LedgerOptions::default())
        .book(&document(SalesDocumentKind::SalesOrder, "LS-1234-100234"))
        .await
        .unwrap();
    assert_eq!(booking.number, "24000001");
    assert_eq!(
        sent_body(&server).await,
        json!({
            "BookDate": "2024-05-02T00:00:00.000Z",
            "BusinessObject": "SO1",
            "Table": {
                "Definition": {"Name": "SO_HDR", "Fields": [
                    {"Name": "RowId", "FieldType": "C"}, {"Name": "ORD_DATE", "FieldType": "T"},
                    {"Name": "RPL_INV", "FieldType": "C"}, {"Name": "RPL_DEL", "FieldType": "C"},
                    {"Name": "DEL_CODE", "FieldType": "C"}, {"Name": "TO_EMAIL", "FieldType": "C"},
                    {"Name": "COMMENT1", "FieldType": "C"}, {"Name": "SHIP_MTH", "FieldType": "C"}
                ]},
                "DetailDefinitions": [{"Name": "SO_LINE", "Fields": [
                    {"Name": "RowId", "FieldType": "C"}, {"Name": "HeaderId", "FieldType": "C"},
                    {"Name": "ART_CODE", "FieldType": "C"}, {"Name": "ORD_QTY", "FieldType": "N"},
                    {"Name": "ART_PX", "FieldType": "N"}
                ]}]
            },
            "TableData": {
                "Data": {"Rows": [{"Values": [
                    "1", "2024-05-02T00:00:00.000Z", "10025", "10025", "0000000413",
                    "p.pietersen@example.nl", "LS-1234-100234", "POSTNL"
                ]}]},
                "DetailData": [{"Rows": [
                    {"Values": ["1", "1", "FB-1001", 2, 4.95]},
                    {"Values": ["2", "1", "BND-2654", 1, 21.5]}
                ]}]
            }
        })
    );
}

#[tokio::test]
async fn books_a_sales_invoice_as_the_dj2_fixture() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ok(json!({"DJ_PAGE": [
            {"DJ_CODE": "700", "PAGE_NR": "0000124", "INV_NR": "20240412", "HDR_DESC": "Webshop order 100234"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "DJ2"))
        .and(query_param("FilterValue1", "Webshop order 100234"))
        .respond_with(ok(json!({"DJ_PAGE": [
            {"HDR_DESC": "Webshop order 100234", "INV_NR": "20240412", "SUB_NR": "10025"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let booking = ledger(&server, LedgerOptions::default())
        .book(&document(
            SalesDocumentKind::SalesInvoice,
            "Webshop order 100234",
        ))
        .await
        .unwrap();
    assert_eq!(booking.number, "20240412");
    let mut expected = fixture_json("dj2_sales_invoice_journal_create_request.json");
    expected["BookDate"] = json!("2024-05-02T00:00:00.000Z");
    expected["Table"]["Definition"]["Fields"]
        .as_array_mut()
        .unwrap()
        .pop(); // CRED_DAYS: not part of a document
    expected["TableData"]["Data"]["Rows"][0]["Values"]
        .as_array_mut()
        .unwrap()
        .pop();
    assert_eq!(sent_body(&server).await, expected);
}

#[tokio::test]
async fn a_write_without_a_readable_number_is_looked_up_instead_of_failing() {
    let server = MockServer::start().await;
    // The write succeeds, but the answer holds no SO_HDR row to read the number from.
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ok(json!({"Result": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "LS-1234-FOUND"))
        .respond_with(ok(
            json!({"SO_HDR": [{"COMMENT1": "LS-1234-FOUND", "ORD_NR": "24000002", "RPL_INV": "10025"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let found = ledger
        .book(&document(SalesDocumentKind::SalesOrder, "LS-1234-FOUND"))
        .await
        .unwrap();
    assert_eq!(found.number, "24000002");
    assert_eq!(found.debtor.as_deref(), Some("10025"));
}

fn no_records() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({
        "ErrorType": "AccountViewError",
        "ErrorNumbers": [1011],
        "ErrorMessage": "Er zijn geen records gevonden die voldoen aan het filter."
    }))
}

async fn count(server: &MockServer, verb: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == verb)
        .count()
}

/// The lookup-before-create is only as good as the lookup: the first booking of each business object
/// is read back by its reference, and one that is not found is a fatal configuration error.
#[tokio::test]
async fn the_first_booking_per_business_object_is_read_back_by_its_reference() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ok(json!({"SO_HDR": [{"ORD_NR": "24000001"}]})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "SO1"))
        .and(query_param("FilterValue1", "LS-1234-A"))
        .respond_with(ok(
            json!({"SO_HDR": [{"COMMENT1": "LS-1234-A", "ORD_NR": "24000001", "RPL_INV": "10025"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let order = SalesDocumentKind::SalesOrder;
    let a = ledger.book(&document(order, "LS-1234-A")).await.unwrap();
    assert_eq!(a.number, "24000001");
    // Proven once: the second booking is not read back (its answer has a number).
    let clone = ledger.clone();
    clone.book(&document(order, "LS-1234-B")).await.unwrap();
    assert_eq!(count(&server, "GET").await, 1);
}

#[tokio::test]
async fn a_booking_its_lookup_cannot_find_stops_the_run_and_no_further_booking_is_written() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ok(json!({"SO_HDR": [{"ORD_NR": "24000001"}]})))
        .expect(1)
        .mount(&server)
        .await;
    // The configured business object answers every filtered read with "no records".
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(no_records())
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let order = SalesDocumentKind::SalesOrder;
    let err = ledger
        .book(&document(order, "LS-1234-A"))
        .await
        .unwrap_err();
    assert!(err.stops_run(), "{err}");
    assert_eq!(err.kind(), sync_core::error::ErrorKind::Config, "{err}");
    let m = err.message();
    assert!(
        m.contains(
            "the reference lookup of SO1.COMMENT1 cannot read bookings back: every duplicate \
             check would be blind"
        ),
        "{m}"
    );
    assert!(m.contains("24000001"), "names what was written: {m}");
    assert!(m.contains("sales_order_reference_column"), "{m}");

    // From now on the lookup is known to be blind: no lookup says "not booked", nothing is written.
    let err = ledger
        .find_booking(&ExternalReference::new("LS-1234-B"), order)
        .await
        .unwrap_err();
    assert!(err.stops_run(), "{err}");
    let err = ledger
        .book(&document(order, "LS-1234-B"))
        .await
        .unwrap_err();
    assert!(err.stops_run(), "{err}");
    let err = ledger.prepare().await.unwrap_err();
    assert!(err.message().contains("SO1.COMMENT1"), "{err}");
    assert_eq!(count(&server, "POST").await, 1, "one booking, no more");
}

#[tokio::test]
async fn a_write_without_a_number_that_is_not_found_again_is_fatal_not_a_warning() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ok(json!({"Result": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "DJ2"))
        .respond_with(ok(json!({"DJ_PAGE": []})))
        .expect(1)
        .mount(&server)
        .await;
    let err = ledger(&server, LedgerOptions::default())
        .book(&document(SalesDocumentKind::SalesInvoice, "LS-1234-LOST"))
        .await
        .unwrap_err();
    assert!(err.stops_run(), "{err}");
    assert!(
        err.message()
            .contains("the reference lookup of DJ2.HDR_DESC cannot read bookings back"),
        "{err}"
    );
}

#[tokio::test]
async fn a_read_back_that_fails_for_now_leaves_the_proof_to_the_next_booking() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ok(json!({"SO_HDR": [{"ORD_NR": "24000001"}]})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "LS-1234-A"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "LS-1234-B"))
        .respond_with(ok(
            json!({"SO_HDR": [{"COMMENT1": "LS-1234-B", "ORD_NR": "24000001"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let order = SalesDocumentKind::SalesOrder;
    let a = ledger.book(&document(order, "LS-1234-A")).await.unwrap();
    assert_eq!(
        a.number, "24000001",
        "the write stands; the relay was down for the read"
    );
    ledger.book(&document(order, "LS-1234-B")).await.unwrap();
}

#[tokio::test]
async fn a_booking_found_by_its_reference_carries_its_debtor() {
    let server = MockServer::start().await;
    nothing_to_prove_with(&server).await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "SO1"))
        .and(query_param("FilterValue1", "LS-1234-ORD7"))
        .respond_with(ok(json!({"SO_HDR": [
            {"COMMENT1": "LS-1234-ORD7", "ORD_NR": "24000017", "RPL_INV": "10025     "}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "DJ2"))
        .and(query_param("FilterValue1", "LS-1234-INV7"))
        .respond_with(ok(json!({"DJ_PAGE": [
            {"HDR_DESC": "LS-1234-INV7", "INV_NR": "20240412", "PAGE_NR": "24000003", "SUB_NR": "10031"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "LS-1234-ORD8"))
        .respond_with(ok(
            json!({"SO_HDR": [{"COMMENT1": "LS-1234-ORD8", "ORD_NR": "24000018", "RPL_INV": ""}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let order = ledger
        .find_booking(
            &ExternalReference::new("LS-1234-ORD7"),
            SalesDocumentKind::SalesOrder,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.number, "24000017");
    assert_eq!(order.debtor.as_deref(), Some("10025"), "SO_HDR.RPL_INV");
    let invoice = ledger
        .find_booking(
            &ExternalReference::new("LS-1234-INV7"),
            SalesDocumentKind::SalesInvoice,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(invoice.number, "20240412");
    assert_eq!(invoice.debtor.as_deref(), Some("10031"), "DJ_PAGE.SUB_NR");
    let blank = ledger
        .find_booking(
            &ExternalReference::new("LS-1234-ORD8"),
            SalesDocumentKind::SalesOrder,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(blank.debtor, None, "an empty debtor column says nothing");

    // The lookups ask for the debtor column.
    let fields: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        // Not the reads for a booking to prove the lookup with.
        .filter(|r| !r.url.query().unwrap_or_default().contains("NotEqual"))
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "Fields")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert!(fields[0].split(',').any(|f| f == "RPL_INV"), "{fields:?}");
    assert!(fields[1].split(',').any(|f| f == "SUB_NR"), "{fields:?}");
}

/// A new process proves its lookup with a booking that exists already, before its first write: a
/// lookup that cannot find it stops the run before anything is written (an earlier process may
/// have booked the very order this one would book again).
#[tokio::test]
async fn a_lookup_is_proven_with_an_existing_booking_before_the_first_write() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "SO1"))
        .and(query_param("FilterOperator1", "NotEqual"))
        .respond_with(ok(json!({"SO_HDR": [{"COMMENT1": "LS-1234-OLD1"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "LS-1234-OLD1"))
        .respond_with(ok(
            json!({"SO_HDR": [{"COMMENT1": "LS-1234-OLD1", "ORD_NR": "24000001"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "LS-1234-NEW1"))
        .respond_with(no_records())
        .expect(2)
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let kind = SalesDocumentKind::SalesOrder;
    for _ in 0..2 {
        let found = ledger
            .find_booking(&ExternalReference::new("LS-1234-NEW1"), kind)
            .await
            .unwrap();
        assert_eq!(found, None, "proven once, then plain lookups");
    }
}

#[tokio::test]
async fn a_lookup_that_cannot_find_an_existing_booking_stops_before_any_write() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterOperator1", "NotEqual"))
        .respond_with(ok(json!({"DJ_PAGE": [{"HDR_DESC": "LS-1234-OLD1"}]})))
        .mount(&server)
        .await;
    // A read object whose filter finds nothing: every lookup would say "not booked".
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterOperator1", "Equal"))
        .respond_with(no_records())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let kind = SalesDocumentKind::SalesInvoice;
    let error = ledger
        .find_booking(&ExternalReference::new("LS-1234-NEW1"), kind)
        .await
        .unwrap_err();
    assert!(error.stops_run(), "{error}");
    assert!(error.message().contains("LS-1234-OLD1"), "{error}");
    assert!(error.message().contains("journal_read_object"), "{error}");
    let refused = ledger
        .book(&document(kind, "LS-1234-NEW1"))
        .await
        .unwrap_err();
    assert!(refused.stops_run(), "{refused}");
    assert!(
        ledger.prepare().await.is_err(),
        "the next run stops at once too"
    );
}
