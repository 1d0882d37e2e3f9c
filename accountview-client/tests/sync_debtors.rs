//! The connector's debtor half against wiremock, through the real client: e-mail lookup, create
//! (generated number, lost answer), update, next free number (scan once, then count locally).
#![cfg(feature = "sync")]

mod common;

use accountview_client::sync::{AccountViewLedger, LedgerOptions};
use common::{client_for, fixture};
use serde_json::{Value, json};
use sync_core::domain::{Address, CountryCode, DebtorDraft, Email, PartyKind};
use sync_core::traits::{DebtorNumberRange, LedgerDebtors, ReadWindow};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const DATA: &str = "/api/v3/accountviewdata";

fn ledger(server: &MockServer, options: LedgerOptions) -> AccountViewLedger {
    AccountViewLedger::new(client_for(server), options).unwrap()
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn query(request: &Request, key: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn pietersen() -> DebtorDraft {
    DebtorDraft {
        name: "P. Pietersen".into(),
        kind: PartyKind::Person,
        address: Some(Address {
            street: Some("Stationsplein".into()),
            number: Some("3".into()),
            postcode: Some("9711 AA".into()),
            city: Some("GRONINGEN".into()),
            country: Some(CountryCode::NL),
            ..Address::default()
        }),
        email: Some(Email::parse("p.pietersen@example.nl").unwrap()),
        phone: Some("0501112233".into()),
        control_account: Some("1300".into()),
        external_customer_id: Some("LS-90211".into()),
        ..DebtorDraft::default()
    }
}

#[tokio::test]
async fn finds_debtors_by_the_usual_spellings_of_an_address_and_keeps_exact_matches_only() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "AR1"))
        .and(query_param("FilterControlSource1", "MAIL_BUS"))
        .and(query_param("FilterOperator1", "Equal"))
        .and(query_param("FilterValueType1", "C"))
        // One `Equal` per spelling, OR'ed: not a list, which AccountView would split at commas.
        .and(query_param("FilterValue1", "J.JANSEN@EXAMPLE.NL"))
        .and(query_param("FilterValue2", "J.Jansen@example.nl"))
        .and(query_param("FilterValue3", "J.jansen@example.nl"))
        .and(query_param("FilterValue4", "j.jansen@example.nl"))
        .and(query_param("FilterIsListOfValues1", "false"))
        .and(query_param("matchAnyFilter", "true"))
        .respond_with(ok(json!({"CONTACT": [
            {"SUB_NR": "10023", "ACCT_NAME": "J. Jansen", "MAIL_BUS": "J.Jansen@Example.nl"},
            {"SUB_NR": "10031", "ACCT_NAME": "J. Jansen oud", "MAIL_BUS": "j.jansen@example.nl.old"},
            {"SUB_NR": "10040", "ACCT_NAME": "Jansen BV", "MAIL_BUS": "j.jansen@example.nl", "MAIN_CONT": "Jan"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let email = Email::parse(" J.Jansen@EXAMPLE.nl ").unwrap();
    let found = ledger(&server, LedgerOptions::default())
        .find_debtor_by_email(&email)
        .await
        .unwrap();
    let numbers: Vec<&str> = found.iter().map(|d| d.number.as_str()).collect();
    assert_eq!(
        numbers,
        ["10023", "10040"],
        "both exact matches, so the flow sees the ambiguity"
    );
    assert_eq!(found[1].details.kind, PartyKind::Company);
    let sent = &requests(&server).await[0];
    assert_eq!(query(sent, "PageNumber").as_deref(), Some("1"));
    assert_eq!(
        query(sent, "SortFields").as_deref(),
        Some("MAIL_BUS"),
        "an exact address sorts before the longer ones `Equal` also matches"
    );
}

#[tokio::test]
async fn create_returns_the_generated_number() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("ar1_debtor_create_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let created = ledger(&server, LedgerOptions::default())
        .create_debtor(&pietersen(), None)
        .await
        .unwrap();
    assert_eq!(created.number, "10025");
    assert_eq!(created.details.name, "P. Pietersen");
    let body: Value = serde_json::from_slice(&requests(&server).await[0].body).unwrap();
    assert_eq!(body["BusinessObject"], "AR1");
    let fields: Vec<&str> = body["Table"]["Definition"]["Fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["Name"].as_str().unwrap())
        .collect();
    assert!(
        !fields.contains(&"SUB_NR"),
        "AccountView numbers the debtor"
    );
    assert!(fields.contains(&"SRC_CODE"));
    let values = &body["TableData"]["Data"]["Rows"][0]["Values"];
    let src = fields.iter().position(|f| *f == "SRC_CODE").unwrap();
    assert_eq!(values[src], "PIETERSEN");
}

#[tokio::test]
async fn create_with_a_number_and_a_lost_answer_finds_the_debtor_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterControlSource1", "SUB_NR"))
        .and(query_param("FilterValue1", "D10025"))
        .respond_with(ok(json!({"CONTACT": [
            {"SUB_NR": "D10025", "ACCT_NAME": "P. Pietersen", "MAIL_BUS": "p.pietersen@example.nl"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let created = ledger(&server, LedgerOptions::default())
        .create_debtor(&pietersen(), Some("d10025"))
        .await
        .unwrap();
    assert_eq!(created.number, "D10025");
}

#[tokio::test]
async fn update_puts_only_the_set_columns_with_the_id() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(DATA))
        .respond_with(ok(json!({"CONTACT": [
            {"SUB_NR": "10025", "ACCT_NAME": "P. Pietersen", "TEL_BUS": "0612345678"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let draft = DebtorDraft {
        phone: Some("0612345678".into()),
        ..DebtorDraft::default()
    };
    let updated = ledger(&server, LedgerOptions::default())
        .update_debtor("10025", &draft)
        .await
        .unwrap();
    assert_eq!(updated.details.phone.as_deref(), Some("0612345678"));
    let body: Value = serde_json::from_slice(&requests(&server).await[0].body).unwrap();
    assert_eq!(body["id"], "10025");
    assert_eq!(
        body["TableData"]["Data"]["Rows"][0]["Values"],
        json!(["1", "10025", "0612345678"])
    );
}

fn numbers_page(numbers: &[&str]) -> ResponseTemplate {
    let rows: Vec<Value> = numbers.iter().map(|n| json!({"SUB_NR": n})).collect();
    ok(json!({ "CONTACT": rows }))
}

#[tokio::test]
async fn next_debtor_number_scans_every_page_once_then_counts_locally() {
    let server = MockServer::start().await;
    for (page, numbers) in [
        ("1", &["10001", "10007"][..]),
        ("2", &["99999", "A-12"][..]),
        ("3", &["10003"][..]),
    ] {
        Mock::given(method("GET"))
            .and(path(DATA))
            .and(query_param("BusinessObject", "AR1"))
            .and(query_param("Fields", "SUB_NR"))
            .and(query_param("PageSize", "2"))
            .and(query_param("PageNumber", page))
            .respond_with(numbers_page(numbers))
            .expect(1)
            .mount(&server)
            .await;
    }
    let options = LedgerOptions {
        debtor_page_size: 2,
        ..LedgerOptions::default()
    };
    let ledger = ledger(&server, options);
    let range = DebtorNumberRange {
        from: 10_000,
        to: 10_009,
    };
    assert_eq!(ledger.next_debtor_number(&range).await.unwrap(), "10008");
    // A clone shares the cache: no second scan.
    let clone = ledger.clone();
    assert_eq!(clone.next_debtor_number(&range).await.unwrap(), "10009");
    assert_eq!(requests(&server).await.len(), 3);
    // The top of the range is reached: the free numbers below the highest are handed out, lowest
    // first, until the range is really full.
    for expected in ["10000", "10002", "10004", "10005", "10006"] {
        assert_eq!(ledger.next_debtor_number(&range).await.unwrap(), expected);
    }
    assert_eq!(requests(&server).await.len(), 3, "still one scan");
    let err = ledger.next_debtor_number(&range).await.unwrap_err();
    assert!(
        err.stops_run(),
        "an exhausted range is a configuration error"
    );
    assert!(err.message().contains("10000..=10009 is used up"));
}

/// A collective debtor at the top of the range (19999) must not make the whole range "used up".
#[tokio::test]
async fn a_collective_debtor_at_the_top_of_the_range_leaves_the_free_numbers_usable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("Fields", "SUB_NR"))
        .respond_with(numbers_page(&["10000", "10001", "10003", "19999"]))
        .expect(1)
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let range = DebtorNumberRange {
        from: 10_000,
        to: 19_999,
    };
    assert_eq!(ledger.next_debtor_number(&range).await.unwrap(), "10002");
    assert_eq!(ledger.next_debtor_number(&range).await.unwrap(), "10004");
    assert_eq!(ledger.next_debtor_number(&range).await.unwrap(), "10005");
}

fn number_exists(number: &str) -> ResponseTemplate {
    // The shape of fixtures/accountview/error_response.json.
    ResponseTemplate::new(400).set_body_json(json!({
        "ErrorType": "AccountViewError",
        "ErrorNumbers": null,
        "ErrorMessage": format!("Debiteur {number} bestaat al.")
    }))
}

fn created(number: &str) -> ResponseTemplate {
    ok(json!({"CONTACT": [
        {"SUB_NR": number, "ACCT_NAME": "P. Pietersen", "MAIL_BUS": "p.pietersen@example.nl"}
    ]}))
}

/// Someone created debtor 10003 after the scan: AccountView refuses the number; the connector scans
/// again and creates the debtor once more with a fresh number.
#[tokio::test]
async fn a_number_taken_meanwhile_is_rescanned_and_the_create_retried_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("Fields", "SUB_NR"))
        .respond_with(numbers_page(&["10001", "10002"]))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("Fields", "SUB_NR"))
        .respond_with(numbers_page(&["10001", "10002", "10003", "10004"]))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .and(wiremock::matchers::body_string_contains("\"10003\""))
        .respond_with(number_exists("10003"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .and(wiremock::matchers::body_string_contains("\"10005\""))
        .respond_with(created("10005"))
        .expect(1)
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let range = DebtorNumberRange {
        from: 10_000,
        to: 10_009,
    };
    let number = ledger.next_debtor_number(&range).await.unwrap();
    assert_eq!(number, "10003");
    let record = ledger
        .create_debtor(&pietersen(), Some(&number))
        .await
        .unwrap();
    assert_eq!(
        record.number, "10005",
        "the fresh number after a second scan"
    );
    // The cache knows the new state: the next number follows the rescan.
    assert_eq!(ledger.next_debtor_number(&range).await.unwrap(), "10006");
}

#[tokio::test]
async fn the_create_is_retried_once_and_only_with_numbers_the_connector_handed_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("Fields", "SUB_NR"))
        .respond_with(numbers_page(&["10001"]))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .and(wiremock::matchers::body_string_contains("\"10002\""))
        .respond_with(number_exists("10002"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .and(wiremock::matchers::body_string_contains("\"10003\""))
        .respond_with(number_exists("10003"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .and(wiremock::matchers::body_string_contains("\"LS90211\""))
        .respond_with(number_exists("LS90211"))
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let posts = || async {
        requests(&server)
            .await
            .iter()
            .filter(|r| r.method.as_str() == "POST")
            .count()
    };
    // A number from the shop's customer id is the debtor's identity: never renumbered.
    let err = ledger
        .create_debtor(&pietersen(), Some("LS90211"))
        .await
        .unwrap_err();
    assert!(err.is_skippable(), "{err}");
    assert_eq!(posts().await, 1);

    // A handed-out number is retried once with a fresh one; a second refusal is the answer.
    let range = DebtorNumberRange {
        from: 10_000,
        to: 10_009,
    };
    let number = ledger.next_debtor_number(&range).await.unwrap();
    assert_eq!(number, "10002");
    let err = ledger
        .create_debtor(&pietersen(), Some(&number))
        .await
        .unwrap_err();
    assert!(err.message().contains("Debiteur 10003 bestaat al"), "{err}");
    assert_eq!(posts().await, 3, "one retry, no more");
}

#[tokio::test]
async fn changed_debtors_filter_on_the_change_date() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterControlSource1", "CNG_DATE"))
        .and(query_param("FilterOperator1", "DateOnOrAfterDate"))
        .and(query_param("FilterValue1", "{^2024-05-01 00:00:00}"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("ar1_debtors_get_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let since = "2024-05-01T00:00:00Z".parse().unwrap();
    let window = ReadWindow::new(Some(since), "2024-05-02T12:00:00Z".parse().unwrap());
    let changed = ledger(&server, LedgerOptions::default())
        .changed_debtors(&window)
        .await
        .unwrap();
    assert_eq!(changed.len(), 2);
    assert_eq!(
        changed[1].details.vat_number.as_deref(),
        Some("NL001234567B01")
    );
}
