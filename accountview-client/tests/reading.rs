//! Reading against wiremock: paging, the one-row object quirk, 404 as "no rows", headers on every data
//! call, companies, business objects, the field dictionary and typed lists.

mod common;

use accountview_client::{Article, Debtor, Error, Filter, Query, Record, SortOrder};
use chrono::NaiveDate;
use common::{COMPANY, client_for, fixture};
use futures::TryStreamExt;
use rust_decimal_macros::dec;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DATA: &str = "/api/v3/accountviewdata";

fn articles(codes: &[&str]) -> ResponseTemplate {
    let rows: Vec<_> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"ART_CODE": c, "QTY_AVAIL": i, "ARTICLE_Id": i}))
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({ "ARTICLE": rows }))
}

#[tokio::test]
async fn pages_through_three_pages_and_stops_on_the_short_one() {
    let server = MockServer::start().await;
    for (page, codes) in [
        ("1", vec!["A1", "A2"]),
        ("2", vec!["A3", "A4"]),
        ("3", vec!["A5"]),
    ] {
        Mock::given(method("GET"))
            .and(path(DATA))
            .and(query_param("BusinessObject", "AK1"))
            .and(query_param("PageSize", "2"))
            .and(query_param("PageNumber", page))
            .and(query_param("SortFields", "ART_CODE"))
            .respond_with(articles(&codes))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("PageNumber", "4"))
        .respond_with(articles(&[]))
        .expect(0)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let query = Query::new("AK1")
        .sort(["ART_CODE"], SortOrder::Ascending)
        .page_size(2);

    let pages: Vec<_> = client.query(query).pages().try_collect().await.unwrap();
    assert_eq!(
        pages.iter().map(|p| p.number).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(
        pages.iter().map(|p| p.rows.len()).collect::<Vec<_>>(),
        [2, 2, 1]
    );
    let codes: Vec<_> = pages
        .iter()
        .flat_map(|p| {
            p.rows
                .iter()
                .map(|r| r.text("ART_CODE").unwrap().to_owned())
        })
        .collect();
    assert_eq!(codes, ["A1", "A2", "A3", "A4", "A5"]);
}

#[tokio::test]
async fn paging_asks_for_page_numbers_in_order() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("PageNumber", "1"))
        .respond_with(articles(&["A1", "A2"]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("PageNumber", "2"))
        .respond_with(articles(&["A3", "A4"]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("PageNumber", "3"))
        .respond_with(articles(&["A5"]))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let rows = client
        .query(Query::new("AK1").page_size(2))
        .collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 5);
    let pages: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "PageNumber")
                .map(|(_, v)| v.into_owned())
                .unwrap()
        })
        .collect();
    assert_eq!(pages, ["1", "2", "3"]);
}

#[tokio::test]
async fn stream_is_lazy_and_stops_on_an_empty_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("PageNumber", "1"))
        .respond_with(articles(&["A1", "A2"]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("PageNumber", "2"))
        .respond_with(articles(&[]))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let stream = client.query(Query::new("AK1").page_size(2)).stream();
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no request before polling"
    );
    let rows: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_repeated_page_stops_the_stream() {
    let server = MockServer::start().await;
    // A server that ignores PageNumber and always returns the same full page.
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(articles(&["A1", "A2"]))
        .expect(2)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let rows = client
        .query(Query::new("AK1").page_size(2))
        .collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
}

#[tokio::test]
async fn a_page_that_repeats_an_earlier_one_stops_the_stream() {
    let server = MockServer::start().await;
    // A server that serves two pages in turn whatever PageNumber asks: page 3 is page 1 again.
    for page in 1..=8 {
        let rows: &[&str] = if page % 2 == 1 {
            &["A1", "A2"]
        } else {
            &["B1", "B2"]
        };
        Mock::given(method("GET"))
            .and(path(DATA))
            .and(query_param("PageNumber", page.to_string()))
            .respond_with(articles(rows))
            .mount(&server)
            .await;
    }
    let client = client_for(&server);
    let rows = client
        .query(Query::new("AK1").page_size(2))
        .collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 4, "pages 1 and 2, once each");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn max_pages_bounds_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("PageNumber", "1"))
        .respond_with(articles(&["A1", "A2"]))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let rows = client
        .query(Query::new("AK1").page_size(2))
        .max_pages(1)
        .collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
}

#[tokio::test]
async fn a_table_sent_as_an_object_is_one_row() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ARTICLE": {"ART_CODE": "FB-1001", "PX_SELL": "4.95", "QTY_TECH": "42", "K1_QDPX": 3.5, "CNG_DATE": ""}
        })))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let found: Vec<Article> = client
        .articles()
        .list(Article::query())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].px_sell, Some(dec!(4.95)));
    assert_eq!(found[0].qty_tech(), Some(dec!(42)));
    assert_eq!(found[0].cng_date, None);
    assert_eq!(found[0].extra.decimal("K1_QDPX").unwrap(), Some(dec!(3.5)));
}

fn av_error(status: u16, numbers: serde_json::Value, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "ErrorType": "AccountViewError",
        "ErrorNumbers": numbers,
        "ErrorMessage": message
    }))
}

/// A 404 that is not AccountView's "no records" answer (a wrong path, business object, table or
/// field) must not read as "no rows": every lookup would say "not booked" and book again.
#[tokio::test]
async fn a_404_that_is_not_the_no_records_answer_is_an_error_on_a_filtered_read() {
    let server = MockServer::start().await;
    let answers = [
        (
            "html",
            ResponseTemplate::new(404).set_body_string("<html>Not Found</html>"),
        ),
        ("empty", ResponseTemplate::new(404)),
        (
            "aspnet",
            ResponseTemplate::new(404).set_body_json(json!({
                "Message": "No HTTP resource was found that matches the request URI."
            })),
        ),
        (
            "object",
            av_error(404, json!([1008]), "Onbekend bedrijfsobject DJ2X."),
        ),
        (
            "field",
            av_error(
                404,
                json!(null),
                "Veld REF_NR bestaat niet in tabel SO_HDR.",
            ),
        ),
        (
            "mixed",
            av_error(
                404,
                json!([1011]),
                "Er zijn geen records gevonden: tabel DJ_PAGEX is onbekend.",
            ),
        ),
    ];
    for (value, answer) in answers {
        Mock::given(method("GET"))
            .and(path(DATA))
            .and(query_param("FilterValue1", value))
            .respond_with(answer)
            .mount(&server)
            .await;
    }
    let client = client_for(&server);
    for value in ["html", "empty", "aspnet", "object", "field", "mixed"] {
        let query = Query::new("SO1").filter(Filter::equal("COMMENT1", value));
        let err = client.read(&query).await.unwrap_err();
        assert_eq!(
            err.status(),
            Some(http::StatusCode::NOT_FOUND),
            "{value}: {err:?}"
        );
        let err = client.query(query).collect().await.unwrap_err();
        assert_eq!(
            err.status(),
            Some(http::StatusCode::NOT_FOUND),
            "{value}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_404_with_a_no_records_error_body_on_a_filtered_read_means_no_rows() {
    let server = MockServer::start().await;
    let answers = [
        (
            "sandbox",
            av_error(
                404,
                json!([1011]),
                "Er zijn geen records gevonden die voldoen aan het filter.",
            ),
        ),
        (
            "nl-plain",
            av_error(404, json!(null), "Geen records gevonden."),
        ),
        (
            "en",
            av_error(404, json!(null), "No records found matching the filter."),
        ),
        (
            "in-ok",
            av_error(
                200,
                json!(null),
                "Er zijn geen records gevonden die voldoen aan het filter.",
            ),
        ),
    ];
    for (value, answer) in answers {
        Mock::given(method("GET"))
            .and(path(DATA))
            .and(query_param("FilterValue1", value))
            .respond_with(answer)
            .mount(&server)
            .await;
    }
    let client = client_for(&server);
    for value in ["sandbox", "nl-plain", "en", "in-ok"] {
        let query = Query::new("SO1").filter(Filter::equal("COMMENT1", value));
        assert!(
            client.read(&query).await.unwrap().tables.is_empty(),
            "{value}"
        );
        assert!(
            client.query(query).collect().await.unwrap().is_empty(),
            "{value}"
        );
    }
}

#[tokio::test]
async fn the_no_records_answer_on_an_unfiltered_read_is_an_empty_table() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(av_error(
            404,
            json!([1011]),
            "Er zijn geen records gevonden.",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let data = client_for(&server).read(&Query::new("AR1")).await.unwrap();
    assert!(data.tables.is_empty());
}

#[tokio::test]
async fn a_bare_404_on_a_later_page_ends_the_rows() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("PageNumber", "1"))
        .respond_with(articles(&["A1", "A2"]))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("PageNumber", "2"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let rows = client_for(&server)
        .query(Query::new("AK1").page_size(2))
        .collect()
        .await
        .unwrap();
    assert_eq!(
        rows.len(),
        2,
        "page 1 proved the object; the empty 404 after it is the end"
    );
}

#[tokio::test]
async fn a_404_on_an_unfiltered_read_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .read(&Query::new("AR1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn find_by_email_filters_and_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "AR1"))
        .and(query_param("FilterControlSource1", "MAIL_BUS"))
        .and(query_param("FilterOperator1", "Equal"))
        .and(query_param("FilterValueType1", "C"))
        .and(query_param("FilterValue1", "inkoop@bakkerijvandam.example"))
        .and(query_param("FilterIsListOfValues1", "false"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "CONTACT": [serde_json::from_str::<serde_json::Value>(&fixture("ar1_debtors_get_response.json")).unwrap()["CONTACT"][1]],
            "USR_LINK": []
        })))
        .expect(1)
        .mount(&server)
        .await;
    let debtor = client_for(&server)
        .debtors()
        .find_by_email("inkoop@bakkerijvandam.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(debtor.sub_nr.as_deref(), Some("10024"));
}

#[tokio::test]
async fn every_data_call_carries_bearer_company_and_accept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("ak1_articles_get_response.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("ar1_debtor_create_response.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/accountviewsystembusinessobjects"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("business_objects_get_response.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/accountviewsystemdata"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("fld_dictionary_contact_get_response.json")),
        )
        .mount(&server)
        .await;
    let client = client_for(&server);
    client.articles().all().await.unwrap();
    client.debtors().get("10023").await.unwrap();
    client
        .debtors()
        .create(&Debtor::new("1300", "PIETERSEN", "P. Pietersen"))
        .await
        .unwrap();
    client.business_objects().await.unwrap();
    client.field_dictionary("CONTACT").await.unwrap();
    client
        .get_json("accountviewdata", &[("BusinessObject", "AK1")])
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 6);
    for r in &requests {
        let h = |name: &str| r.headers.get(name).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(
            h("authorization").as_deref(),
            Some("Bearer access-0"),
            "{}",
            r.url
        );
        assert_eq!(h("x-company").as_deref(), Some(COMPANY), "{}", r.url);
        assert_eq!(
            h("accept").as_deref(),
            Some("application/json"),
            "{}",
            r.url
        );
    }
    let post = requests
        .iter()
        .find(|r| r.method == wiremock::http::Method::POST)
        .unwrap();
    assert_eq!(
        post.headers.get("content-type").unwrap().to_str().unwrap(),
        "application/json; charset=utf-8"
    );
}

#[tokio::test]
async fn data_calls_without_a_company_are_a_config_error() {
    let server = MockServer::start().await;
    let client = accountview_client::AccountViewClient::builder()
        .base_url(format!("{}/api/v3", server.uri()))
        .client_id("id")
        .client_secret("secret")
        .token_store(std::sync::Arc::new(
            accountview_client::MemoryTokenStore::with_tokens(common::valid_tokens("a", "r")),
        ))
        .build()
        .unwrap();
    let err = client.read(&Query::new("AR1")).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn companies_list_and_pick_by_code_and_rebind() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/companies"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("companies_get_response.json")),
        )
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(header("x-company", "a91e0f55-7c22-4b3a-8e6d-5c4b3a2f1e09"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ARTICLE": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let companies = client.companies().await.unwrap();
    assert_eq!(companies.len(), 2);
    assert_eq!(companies[0].code.as_deref(), Some("SPAAK"));
    assert_eq!(
        companies[0].description.as_deref(),
        Some("Fietsenwinkel De Spaak B.V.")
    );
    let test = client.company_by_code(" spaaktst ").await.unwrap().unwrap();
    assert_eq!(test.id, "a91e0f55-7c22-4b3a-8e6d-5c4b3a2f1e09");

    let test_client = client.with_company(test.id).unwrap();
    assert_eq!(
        test_client.company_id(),
        Some("a91e0f55-7c22-4b3a-8e6d-5c4b3a2f1e09")
    );
    test_client.read(&Query::new("AK1")).await.unwrap();
    assert_eq!(client.company_id(), Some(COMPANY));
    assert_eq!(client.stats().requests, 3, "clones share statistics");
}

#[tokio::test]
async fn business_objects_decode() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/accountviewsystembusinessobjects"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("business_objects_get_response.json")),
        )
        .mount(&server)
        .await;
    let objects = client_for(&server).business_objects().await.unwrap();
    assert_eq!(objects.len(), 10);
    let addr = objects.iter().find(|o| o.is("ADDR")).unwrap();
    assert_eq!(
        (
            addr.insert_allowed,
            addr.update_allowed,
            addr.delete_allowed
        ),
        (Some(true), Some(true), Some(true))
    );
    let so = objects.iter().find(|o| o.is("SO1")).unwrap();
    assert_eq!(
        (so.insert_allowed, so.update_allowed),
        (Some(true), Some(false))
    );
    assert_eq!(objects[0].description.as_deref(), Some("Debiteuren"));
}

#[tokio::test]
async fn field_dictionary_query_and_merge_into_facts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/accountviewsystemdata"))
        .and(query_param("BusinessObject", "fld"))
        .and(query_param("FilterControlSource1", "DBF_NAME"))
        .and(query_param("FilterOperator1", "Contains"))
        .and(query_param("FilterValue1", "CONTACT"))
        .and(query_param("PageSize", "256"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"DCT_FLD": [
            {"FIELD_NAME": "ACCT_NAME", "DBF_NAME": "CONTACT ", "FIELD_LEN": 60, "FIELD_TYPE": "C", "INP_MAND": true, "FLD_FMT": ""},
            {"FIELD_NAME": "K1_WEBSHOP", "DBF_NAME": "CONTACT", "FIELD_LEN": 1, "FIELD_TYPE": "L", "INP_MAND": false, "FLD_FMT": ""},
            {"FIELD_NAME": "X", "DBF_NAME": "CONTACT2", "FIELD_LEN": 1, "FIELD_TYPE": "C", "INP_MAND": false, "FLD_FMT": ""}
        ]})))
        .expect(2)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let entries = client.field_dictionary("contact").await.unwrap();
    assert_eq!(entries.len(), 2, "CONTACT2 is filtered out");
    let fields: Vec<_> = entries.iter().filter_map(|e| e.field.as_deref()).collect();
    assert_eq!(fields, ["ACCT_NAME", "K1_WEBSHOP"]);
    let params = server.received_requests().await.unwrap()[0]
        .url
        .query()
        .unwrap()
        .to_owned();
    assert!(
        params.contains("Fields=dct_fld.FLD_DESC%2Cdct_fld.FIELD_NAME"),
        "{params}"
    );

    client.load_field_facts(&["CONTACT"]).await.unwrap();
    let facts = client.field_facts();
    assert_eq!(facts.get("CONTACT", "ACCT_NAME").unwrap().max_len, Some(60));
    assert!(facts.get("CONTACT", "K1_WEBSHOP").is_some());
}

#[tokio::test]
async fn query_parameters_reach_the_wire_exactly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "AK1"))
        .and(query_param("Fields", "ART_CODE,QTY_AVAIL"))
        .and(query_param("FilterControlSource1", "CNG_DATE"))
        .and(query_param("FilterOperator1", "DateOnOrAfterDate"))
        .and(query_param("FilterValueType1", "T"))
        .and(query_param("FilterValue1", "{^2024-05-01 00:00:00}"))
        .and(query_param("FilterIsListOfValues1", "false"))
        .and(query_param("FilterControlSource2", "AG_CODE"))
        .and(query_param("FilterValue2", "ACC,BND"))
        .and(query_param("FilterIsListOfValues2", "true"))
        .and(query_param("matchAnyFilter", "true"))
        .and(query_param("BookDate", "2024-01-01"))
        .and(query_param("PageSize", "1"))
        .and(query_param("PageNumber", "1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("ak1_articles_get_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let since = NaiveDate::from_ymd_opt(2024, 5, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let query = Query::new("AK1")
        .fields(["ART_CODE", "QTY_AVAIL"])
        .filter(Filter::on_or_after("CNG_DATE", since))
        .filter(Filter::any_of("AG_CODE", ["ACC", "BND"]))
        .match_any(true)
        .book_date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
    let first = client_for(&server)
        .query(query)
        .first()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.text("ART_CODE"), Some("FB-1001"));
}

#[tokio::test]
async fn typed_reference_data_lists() {
    let server = MockServer::start().await;
    for (bo, file) in [
        ("VA1", "va1_vat_codes_get_response.json"),
        ("GL1", "gl1_ledger_get_response.json"),
        ("AG1", "ag1_article_groups_get_response.json"),
        ("ADDR", "addr_delivery_addresses_get_response.json"),
    ] {
        Mock::given(method("GET"))
            .and(path(DATA))
            .and(query_param("BusinessObject", bo))
            .respond_with(ResponseTemplate::new(200).set_body_string(fixture(file)))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(query_param("BusinessObject", "DJ1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"DAILY": [
            {"DJ_CODE": "700", "DJ_NAME": "Verkoopboek", "DJ_TYPE": 2, "NUM_AUTO": true, "GROSS_FLG": "F", "CUR_CODE": "EUR"}
        ]})))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let vat = client.vat_codes().all().await.unwrap();
    assert_eq!(
        vat.iter()
            .map(|v| v.vat_code.clone().unwrap())
            .collect::<Vec<_>>(),
        ["0", "1", "2"]
    );
    let ledger = client.ledger_accounts().all().await.unwrap();
    assert_eq!(ledger.len(), 2);
    let groups = client.article_groups().all().await.unwrap();
    assert_eq!(groups[0].ag_desc.as_deref(), Some("Accessoires"));
    let addresses = client
        .delivery_addresses()
        .for_debtor("10024")
        .await
        .unwrap();
    assert_eq!(
        addresses[0].del_name.as_deref(),
        Some("Bakkerij Van Dam - filiaal Zeist")
    );
    let journals = client.journals().all().await.unwrap();
    assert_eq!(journals[0].dj_name.as_deref(), Some("Verkoopboek"));
    assert_eq!(journals[0].num_auto, Some(true));
    assert_eq!(journals[0].gross_flg, Some(false));
    let sort: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "SortFields")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        sort,
        ["VAT_CODE", "ACCT_NR", "AG_CODE", "REC_ID", "DJ_CODE"],
        "typed lists sort on the key"
    );
}
