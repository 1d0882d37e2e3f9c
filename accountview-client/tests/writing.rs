//! Writes against wiremock: bodies as sent, created records in the read shape, updates with `"id"`,
//! and validation that stops bad values before any request.

mod common;

use accountview_client::{
    Debtor, Error, FieldDef, FieldType, JournalLine, JournalPage, JournalPosting, SalesOrder,
    SalesOrderHeader, SalesOrderLine, TableWrite, ValidationProblem, WriteRequest,
};
use chrono::NaiveDateTime;
use common::{client_for, fixture, fixture_json};
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DATA: &str = "/api/v3/accountviewdata";

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn pietersen() -> Debtor {
    Debtor {
        sub_nr: Some("10025".into()),
        acct_nr: Some("1300".into()),
        src_code: Some("PIETERSEN".into()),
        acct_name: Some("P. Pietersen".into()),
        address1: Some("Stationsplein 3".into()),
        post_code: Some("9711 AA".into()),
        city: Some("GRONINGEN".into()),
        cnt_code: Some("NL".into()),
        tel_bus: Some("0501112233".into()),
        mail_bus: Some("p.pietersen@example.nl".into()),
        vat_nr: Some(String::new()),
        deb_nr: Some("LS-90211".into()),
        ..Debtor::default()
    }
}

async fn sent_bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn creates_a_debtor_and_returns_it_with_its_number() {
    let server = MockServer::start().await;
    let mut expected = fixture_json("ar1_debtor_create_request.json");
    expected["BookDate"] = json!("");
    Mock::given(method("POST"))
        .and(path(DATA))
        .and(body_json(&expected))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("ar1_debtor_create_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let created = client_for(&server)
        .debtors()
        .create(&pietersen())
        .await
        .unwrap();
    assert_eq!(created.sub_nr.as_deref(), Some("10025"));
    assert_eq!(created.extra.int("EXT_KEY").unwrap(), Some(4713));
}

#[tokio::test]
async fn generic_create_sends_the_request_as_built() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .and(body_json(fixture_json(
            "addr_delivery_address_create_request.json",
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"DEL_ADDR": [{"REC_ID": "0000000413"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let cols = [
        ("SUB_NR", "10025"),
        ("DEL_NAME", "P. Pietersen"),
        ("ADDRESS1", "Vismarkt 1"),
        ("POST_CODE", "9712 CA"),
        ("CITY", "GRONINGEN"),
        ("CNT_CODE", "NL"),
        ("MAIL_BUS", "p.pietersen@example.nl"),
        ("TEL_BUS", "0501112233"),
    ];
    let table = TableWrite::from_columns(
        "DEL_ADDR",
        vec![(
            0,
            cols.iter()
                .map(|(k, v)| (FieldDef::new(*k, FieldType::C), (*v).into()))
                .collect(),
        )],
    );
    let request = WriteRequest::new("ADDR", table).with_book_date(dt("2024-05-02 10:15:00"));
    let data = client_for(&server).create(&request).await.unwrap();
    assert_eq!(data.table("DEL_ADDR")[0].text("REC_ID"), Some("0000000413"));
}

#[tokio::test]
async fn updates_with_put_and_a_top_level_id() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(DATA))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("ar1_debtor_create_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let update = Debtor {
        sub_nr: Some("10025".into()),
        tel_bus: Some("0509998877".into()),
        ..Debtor::default()
    };
    client.debtors().update(&update).await.unwrap();
    let body = &sent_bodies(&server).await[0];
    assert_eq!(body["id"], "10025");
    assert_eq!(body["BusinessObject"], "AR1");
    assert_eq!(
        body["TableData"]["Data"]["Rows"][0]["Values"],
        json!(["1", "10025", "0509998877"])
    );

    let err = client
        .debtors()
        .update(&Debtor::default())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Validation {
            problem: ValidationProblem::Missing,
            ..
        }
    ));
}

#[tokio::test]
async fn sales_order_and_journal_posting_bodies_match_the_fixtures() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .and(body_json(fixture_json(
            "so1_sales_order_create_request.json",
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"SO_HDR": [{"ORD_NR": "2024-0042", "RPL_INV": "10025"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .and(body_json(fixture_json(
            "dj2_sales_invoice_journal_create_request.json",
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"DJ_PAGE": [{"INV_NR": "20240412", "PAGE_NR": "17"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);

    let ordered = dt("2024-05-02 10:20:00");
    let delivery = dt("2024-05-03 00:00:00");
    let line = |code: &str, qty, px| SalesOrderLine {
        del_date: Some(delivery),
        art_code: Some(code.into()),
        ord_qty: Some(qty),
        art_px: Some(px),
        ..SalesOrderLine::default()
    };
    let order = SalesOrder {
        book_date: Some(ordered),
        header: SalesOrderHeader {
            ord_date: Some(ordered),
            inv_date: Some(ordered),
            del_date: Some(delivery),
            rpl_inv: Some("10025".into()),
            rpl_del: Some("10025".into()),
            del_code: Some("0000000413".into()),
            comment1: Some("LS-ORDER 100234 P. Pietersen".into()),
            to_email: Some("p.pietersen@example.nl".into()),
            ..SalesOrderHeader::default()
        },
        lines: vec![
            line("FB-1001", dec!(2), dec!(4.95)),
            line("BND-2654", dec!(1), dec!(21.5)),
            line("VERZEND", dec!(1), dec!(6.95)),
        ],
    };
    let response = client.sales_orders().create(&order).await.unwrap();
    let stored = SalesOrder::from_dataset(&response).unwrap().unwrap();
    assert_eq!(stored.header.extra.text("ORD_NR"), Some("2024-0042"));

    let jline = |desc: &str, amount, vat, qty| JournalLine {
        acct_nr: Some("8000".into()),
        trn_desc: Some(desc.into()),
        amount: Some(amount),
        vat_code: Some("2".into()),
        vat_amt: Some(vat),
        trn_qty: Some(qty),
        ..JournalLine::default()
    };
    let posting = JournalPosting {
        book_date: Some(dt("2024-05-02 10:30:00")),
        page: JournalPage {
            dj_code: Some("700".into()),
            sub_nr: Some("10025".into()),
            inv_nr: Some("20240412".into()),
            trn_date: chrono::NaiveDate::from_ymd_opt(2024, 5, 2),
            period: Some(5),
            hdr_desc: Some("Webshop order 100234".into()),
            gross_flg: Some(false),
            cur_code: Some("EUR".into()),
            cred_days: Some(14),
            ..JournalPage::default()
        },
        lines: vec![
            jline("Fietsbel chroom 2x", dec!(-8.18), dec!(-1.72), dec!(2)),
            jline("Buitenband 26x1.75", dec!(-17.77), dec!(-3.73), dec!(1)),
        ],
    };
    let response = client.journal_postings().create(&posting).await.unwrap();
    let stored = JournalPosting::from_dataset(&response).unwrap().unwrap();
    assert_eq!(stored.page.page_nr.as_deref(), Some("17"));
}

#[tokio::test]
async fn lowercase_debtor_number_is_rejected_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let debtor = Debtor {
        sub_nr: Some("abc1".into()),
        ..pietersen()
    };
    let err = client_for(&server)
        .debtors()
        .create(&debtor)
        .await
        .unwrap_err();
    match &err {
        Error::Validation {
            table,
            field,
            problem,
        } => {
            assert_eq!(table, "CONTACT");
            assert_eq!(field, "SUB_NR");
            assert_eq!(
                problem,
                &ValidationProblem::NotUppercase {
                    value: "abc1".into()
                }
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!err.may_have_been_sent());
}

#[tokio::test]
async fn a_41_character_name_is_rejected_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let debtor = Debtor {
        acct_name: Some("B".repeat(41)),
        ..pietersen()
    };
    let err = client_for(&server)
        .debtors()
        .create(&debtor)
        .await
        .unwrap_err();
    match err {
        Error::Validation { field, problem, .. } => {
            assert_eq!(field, "ACCT_NAME");
            assert_eq!(
                problem,
                ValidationProblem::TooLong {
                    length: 41,
                    max: 40
                }
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    // 40 characters is fine.
    let ok = Debtor {
        acct_name: Some("B".repeat(40)),
        ..pietersen()
    };
    let mut request = accountview_client::WritableRecord::to_write_request(&ok).unwrap();
    client_for(&server)
        .field_facts()
        .apply(&mut request, accountview_client::WriteMode::Create)
        .unwrap();
}

#[tokio::test]
async fn a_missing_mandatory_value_is_rejected_before_any_request() {
    let server = MockServer::start().await;
    let err = client_for(&server)
        .debtors()
        .create(&Debtor {
            acct_nr: None,
            ..pietersen()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Validation { ref field, problem: ValidationProblem::Missing, .. } if field == "ACCT_NR")
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_over_long_description_is_truncated_in_the_sent_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"DJ_PAGE": [{"INV_NR": "1"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let long_desc = format!("Webshop order 100234 – {}", "ë".repeat(60));
    let posting = JournalPosting {
        page: JournalPage {
            dj_code: Some("700".into()),
            hdr_desc: Some(long_desc.clone()),
            ..JournalPage::default()
        },
        lines: vec![JournalLine {
            acct_nr: Some("8000".into()),
            trn_desc: Some(long_desc.clone()),
            amount: Some(dec!(-10)),
            ..JournalLine::default()
        }],
        ..JournalPosting::default()
    };
    client_for(&server)
        .journal_postings()
        .create(&posting)
        .await
        .unwrap();
    let body = &sent_bodies(&server).await[0];
    let expected: String = long_desc.chars().take(40).collect();
    // DJ_PAGE values: RowId, DJ_CODE, HDR_DESC
    assert_eq!(
        body["TableData"]["Data"]["Rows"][0]["Values"][2],
        json!(expected)
    );
    // DJ_LINE values: RowId, HeaderId, ACCT_NR, TRN_DESC, AMOUNT
    assert_eq!(
        body["TableData"]["DetailData"][0]["Rows"][0]["Values"][3],
        json!(expected)
    );
    assert_eq!(
        body["TableData"]["DetailData"][0]["Rows"][0]["Values"][4],
        json!(-10)
    );
}

#[tokio::test]
async fn formatted_uppercase_values_are_uppercased_in_the_sent_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("ar1_debtor_create_response.json")),
        )
        .mount(&server)
        .await;
    let debtor = Debtor {
        post_code: Some("9711 aa".into()),
        cnt_code: Some("nl".into()),
        ..pietersen()
    };
    client_for(&server).debtors().create(&debtor).await.unwrap();
    let values = sent_bodies(&server).await[0]["TableData"]["Data"]["Rows"][0]["Values"].clone();
    assert_eq!(values[6], "9711 AA");
    assert_eq!(values[8], "NL");
}
