//! Delivery addresses and articles against wiremock, through the real client.
#![cfg(feature = "sync")]

mod common;

use accountview_client::sync::{AccountViewLedger, LedgerOptions};
use common::{client_for, fixture, fixture_json};
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use sync_core::domain::{Address, CountryCode, DeliveryAddressDraft, Email, MatchKey};
use sync_core::traits::{ArticleSource, Ledger, ReadWindow};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DATA: &str = "/api/v3/accountviewdata";

fn ledger(server: &MockServer, options: LedgerOptions) -> AccountViewLedger {
    AccountViewLedger::new(client_for(server), options).unwrap()
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn lists_delivery_addresses_and_treats_the_no_records_answer_as_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "ADDR"))
        .and(query_param("FilterControlSource1", "SUB_NR"))
        .and(query_param("FilterValue1", "10024"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("addr_delivery_addresses_get_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "10099"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "ErrorType": "AccountViewError",
            "ErrorNumbers": [1011],
            "ErrorMessage": "Er zijn geen records gevonden die voldoen aan het filter."
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("FilterValue1", "10098"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>Not found</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());
    let found = ledger.delivery_addresses("10024").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "0000000412");
    assert_eq!(found[0].debtor, "10024");
    let a = &found[0].details.address;
    assert_eq!(a.name.as_deref(), Some("Bakkerij Van Dam - filiaal Zeist"));
    assert_eq!(a.one_line(), "Slotlaan 40");
    assert_eq!(a.country, Some(CountryCode::NL));
    assert!(ledger.delivery_addresses("10099").await.unwrap().is_empty());
    let err = ledger.delivery_addresses("10098").await.unwrap_err();
    assert!(
        err.stops_run(),
        "an HTML 404 is not \"no addresses\": a blind lookup would add one per order: {err}"
    );
}

#[tokio::test]
async fn creates_a_delivery_address_and_returns_its_rec_id() {
    let server = MockServer::start().await;
    let mut expected = fixture_json("addr_delivery_address_create_request.json");
    expected["BookDate"] = json!("");
    Mock::given(method("POST"))
        .and(path(DATA))
        .and(body_json(&expected))
        .respond_with(ok(json!({"DEL_ADDR": [
            {"REC_ID": "0000000413", "SUB_NR": "10025", "DEL_NAME": "P. Pietersen",
             "ADDRESS1": "Vismarkt 1", "POST_CODE": "9712 CA", "CITY": "GRONINGEN", "CNT_CODE": "NL"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let draft = DeliveryAddressDraft {
        address: Address {
            name: Some("P. Pietersen".into()),
            street: Some("Vismarkt".into()),
            number: Some("1".into()),
            postcode: Some("9712 CA".into()),
            city: Some("GRONINGEN".into()),
            country: Some(CountryCode::NL),
            ..Address::default()
        },
        email: Some(Email::parse("p.pietersen@example.nl").unwrap()),
        phone: Some("0501112233".into()),
    };
    let created = ledger(&server, LedgerOptions::default())
        .create_delivery_address("10025", &draft)
        .await
        .unwrap();
    assert_eq!(created.id, "0000000413");
    assert!(created.details.address.same_place(&draft.address));
}

fn article_page(codes: &[(&str, &str)]) -> ResponseTemplate {
    let rows: Vec<Value> = codes
        .iter()
        .map(|(code, ean)| json!({"ART_CODE": code, "ART_DESC1": format!("Artikel {code}"), "BAR_CODE": ean, "REC_BLK": false}))
        .collect();
    ok(json!({ "ARTICLE": rows }))
}

#[tokio::test]
async fn article_index_pages_through_ak1_once_and_resolves_by_code_and_ean() {
    let server = MockServer::start().await;
    let pages: [(&str, &[(&str, &str)]); 3] = [
        ("1", &[("FB-1001", "8712345678906"), ("BND-2654", "")]),
        ("2", &[("VERZEND", ""), ("ZADEL-9", "4006381333931")]),
        ("3", &[("Z-LAST", "96385074")]),
    ];
    for (page, codes) in pages {
        Mock::given(method("GET"))
            .and(path(DATA))
            .and(query_param("BusinessObject", "AK1"))
            .and(query_param("Fields", "ART_CODE,ART_DESC1,BAR_CODE,REC_BLK"))
            .and(query_param("SortFields", "ART_CODE"))
            .and(query_param("PageSize", "2"))
            .and(query_param("PageNumber", page))
            .respond_with(article_page(codes))
            .expect(1)
            .mount(&server)
            .await;
    }
    let options = LedgerOptions {
        article_page_size: 2,
        ..LedgerOptions::default()
    };
    let index = ledger(&server, options).article_index().await.unwrap();
    assert_eq!(index.len(), 5);
    let by_code = index
        .get(MatchKey::ArticleCode, "fb-1001")
        .unwrap()
        .unwrap();
    assert_eq!(by_code.description, "Artikel FB-1001");
    let by_ean = index
        .get(MatchKey::Ean, "4006 3813 33931")
        .unwrap()
        .unwrap();
    assert_eq!(by_ean.code, "ZADEL-9");
    assert_eq!(
        index.get(MatchKey::Ean, "96385074").unwrap().unwrap().code,
        "Z-LAST"
    );
    assert!(
        index.get(MatchKey::Sku, "FB-1001").unwrap().is_none(),
        "no SKU column"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn article_source_reads_all_columns_groups_and_changes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "AK1"))
        .and(query_param("FilterControlSource1", "CNG_DATE"))
        .and(query_param("FilterValue1", "{^2024-05-02 00:00:00}"))
        .respond_with(ok(json!({"ARTICLE": [
            {"ART_CODE": "BND-2654", "ART_DESC1": "Buitenband", "QTY_AVAIL": 0, "QTY_TECH": 6},
            {"ART_CODE": "BAD", "PX_SELL": "not a price"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "AK1"))
        .and(query_param("PageSize", "1000"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("ak1_articles_get_response.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "AG1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("ag1_article_groups_get_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let ledger = ledger(&server, LedgerOptions::default());

    let all = ledger.all_articles().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].code, "FB-1001");
    assert_eq!(all[0].price, Some(dec!(4.95)));
    assert_eq!(all[0].quantity("QTY_AVAIL"), Some(dec!(37)));
    assert_eq!(all[0].group.as_ref().unwrap().code, "ACC");

    let since = "2024-05-02T00:00:00Z".parse().unwrap();
    let window = ReadWindow::new(Some(since), "2024-05-03T00:00:00Z".parse().unwrap());
    let changed = ledger.changed_articles(&window).await.unwrap();
    let codes: Vec<&str> = changed.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(
        codes,
        ["BND-2654"],
        "the undecodable row is skipped, not fatal"
    );
    assert_eq!(changed[0].quantity("QTY_TECH"), Some(dec!(6)));

    let groups = ledger.article_groups().await.unwrap();
    assert_eq!(groups[1].code, "BND");
    assert_eq!(groups[1].name, "Banden");
}
