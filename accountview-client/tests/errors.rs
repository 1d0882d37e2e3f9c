//! Error bodies and gateway failures against wiremock (real clock, millisecond backoff).

mod common;

use accountview_client::{Debtor, Error, Query, Record};
use common::{client_for, fixture};
use http::StatusCode;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DATA: &str = "/api/v3/accountviewdata";

fn gateway_html() -> ResponseTemplate {
    ResponseTemplate::new(502)
        .insert_header("content-type", "text/html")
        .set_body_string("<html><body><h1>502 Bad Gateway</h1></body></html>")
}

#[tokio::test]
async fn error_body_inside_a_200_is_an_accountview_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("error_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .debtors()
        .create(&Debtor::new("1300", "PIETERSEN", "P. Pietersen"))
        .await
        .unwrap_err();
    match &err {
        Error::AccountView {
            error_type,
            numbers,
            message,
            status,
        } => {
            assert_eq!(error_type, "AccountViewError");
            assert!(numbers.is_none());
            assert_eq!(message, "Debiteur 10025 bestaat al.");
            assert_eq!(*status, StatusCode::OK);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(err.may_have_been_sent());
}

#[tokio::test]
async fn error_body_with_a_500_is_an_accountview_error_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "ErrorType": "AccountViewError", "ErrorNumbers": [1042, 7], "ErrorMessage": "Administratie is geblokkeerd."
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .read(&Query::new("AR1"))
        .await
        .unwrap_err();
    match &err {
        Error::AccountView {
            numbers,
            message,
            status,
            ..
        } => {
            assert_eq!(numbers, &Some(json!([1042, 7])));
            assert_eq!(message, "Administratie is geblokkeerd.");
            assert_eq!(*status, StatusCode::INTERNAL_SERVER_ERROR);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
}

#[tokio::test]
async fn html_gateway_error_is_retried_on_get() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(gateway_html())
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("ak1_articles_get_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let data = client.read(&Query::new("AK1")).await.unwrap();
    assert_eq!(data.table("ARTICLE").len(), 2);
    let stats = client.stats();
    assert_eq!(stats.requests, 3);
    assert_eq!(stats.retries, 2);
}

#[tokio::test]
async fn persistent_gateway_error_gives_up_after_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .read(&Query::new("AK1"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Gateway { status, .. } if status == StatusCode::SERVICE_UNAVAILABLE),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn html_gateway_error_is_not_retried_on_post() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(DATA))
        .respond_with(gateway_html())
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let err = client
        .debtors()
        .create(&Debtor::new("1300", "PIETERSEN", "P. Pietersen"))
        .await
        .unwrap_err();
    match &err {
        Error::Gateway { status, snippet } => {
            assert_eq!(*status, StatusCode::BAD_GATEWAY);
            assert!(snippet.contains("502 Bad Gateway"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.may_have_been_sent(),
        "the caller must look the record up before writing again"
    );
    assert_eq!(client.stats().retries, 0);
}

#[tokio::test]
async fn json_5xx_without_error_body_is_http_and_retried_on_get() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"Message": "An error has occurred."})),
        )
        .expect(3)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .read(&Query::new("AK1"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Http { status, .. } if status == StatusCode::INTERNAL_SERVER_ERROR),
        "{err:?}"
    );
}

#[tokio::test]
async fn decode_errors_name_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"CONTACT": [{"SUB_NR": "1"}, {"SUB_NR": "2", "CRED_LIM": "veel"}]}),
        ))
        .mount(&server)
        .await;
    let err = client_for(&server).debtors().all().await.unwrap_err();
    match err {
        Error::Decode { path, .. } => assert_eq!(path, "CONTACT.CRED_LIM"),
        other => panic!("unexpected {other:?}"),
    }
    let data = client_for(&server).read(&Query::new("AR1")).await.unwrap();
    let err = data.decode_rows("CONTACT", Debtor::from_row).unwrap_err();
    match err {
        Error::Decode { path, snippet, .. } => {
            assert_eq!(path, "CONTACT[1].CRED_LIM");
            assert!(snippet.contains("veel"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_that_was_not_sent() {
    // Bind a port, then free it, so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = accountview_client::AccountViewClient::builder()
        .base_url(format!("http://127.0.0.1:{port}/api/v3"))
        .client_id("id")
        .client_secret("secret")
        .company_id("c")
        .token_store(std::sync::Arc::new(
            accountview_client::MemoryTokenStore::with_tokens(common::valid_tokens("a", "r")),
        ))
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let err = client
        .debtors()
        .create(&Debtor::new("1300", "X", "X"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { sent: false, .. }),
        "{err:?}"
    );
    assert!(!err.may_have_been_sent());
    assert!(
        !err.to_string().contains("127.0.0.1"),
        "no URL in the error: {err}"
    );
    // Not sent, so even the write was retried up to the policy's attempts.
    assert_eq!(client.stats().requests, 3);
}
