//! OAuth against wiremock: code exchange, refresh rotation persisted, single-flight refresh,
//! 401 → refresh → retry, `invalid_grant`, and secrets kept out of `Debug`.

mod common;

use std::sync::Arc;

use accountview_client::{Error, FileTokenStore, MemoryTokenStore, Query, TokenStore};
use common::{CLIENT_SECRET, builder_for, client_for, expired_tokens, fixture, valid_tokens};
use secrecy::ExposeSecret;
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DATA: &str = "/api/v3/accountviewdata";
const TOKEN: &str = "/api/v3/token";

fn empty_contacts() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"CONTACT": []}))
}

fn token_body(access: &str, refresh: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": access, "token_type": "bearer", "expires_in": 3600, "refresh_token": refresh
    }))
}

#[tokio::test]
async fn authorize_url_has_code_flow_parameters() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    let url = client.authorize_url("csrf-123").unwrap();
    assert_eq!(url.path(), "/ams/authorize.aspx");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("response_type"), Some("code"));
    assert_eq!(get("client_id"), Some("client-id-1"));
    assert_eq!(get("redirect_uri"), Some("https://koppel.example/callback"));
    assert_eq!(
        get("scope"),
        Some("readaccountviewdata updateaccountviewdata deleteaccountviewdata")
    );
    assert_eq!(get("state"), Some("csrf-123"));
    assert!(!url.as_str().contains(CLIENT_SECRET));
}

#[tokio::test]
async fn exchanges_code_and_uses_the_new_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=the-code"))
        .and(body_string_contains("client_id=client-id-1"))
        .and(body_string_contains(format!(
            "client_secret={CLIENT_SECRET}"
        )))
        .and(body_string_contains(
            "redirect_uri=https%3A%2F%2Fkoppel.example%2Fcallback",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("token_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(header(
            "authorization",
            "Bearer AAEAAJ3x-EXAMPLE-ACCESS-TOKEN-7f3c",
        ))
        .respond_with(empty_contacts())
        .expect(1)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = builder_for(&server)
        .token_store(store.clone())
        .build()
        .unwrap();

    let tokens = client.exchange_code("the-code").await.unwrap();
    assert_eq!(
        tokens.refresh_token.expose_secret(),
        "8b1d0c2e-EXAMPLE-REFRESH-TOKEN"
    );
    assert_eq!(
        tokens.scope.as_deref(),
        Some("readaccountviewdata updateaccountviewdata deleteaccountviewdata")
    );
    let stored = store.load().await.unwrap().unwrap();
    assert_eq!(
        stored.access_token.expose_secret(),
        "AAEAAJ3x-EXAMPLE-ACCESS-TOKEN-7f3c"
    );
    client.read(&Query::new("AR1")).await.unwrap();
    assert_eq!(client.stats().refreshes, 1);
}

#[tokio::test]
async fn refresh_rotation_is_persisted_to_the_file_store() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=refresh-1"))
        .and(body_string_contains(format!(
            "client_secret={CLIENT_SECRET}"
        )))
        .respond_with(token_body("access-2", "refresh-2"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(header("authorization", "Bearer access-2"))
        .respond_with(empty_contacts())
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let store = Arc::new(FileTokenStore::new(&file));
    store
        .save(&expired_tokens("access-1", "refresh-1"))
        .await
        .unwrap();
    let client = builder_for(&server).token_store(store).build().unwrap();

    client.read(&Query::new("AR1")).await.unwrap();

    let on_disk: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(on_disk["refresh_token"], "refresh-2");
    assert_eq!(on_disk["access_token"], "access-2");
    // A fresh store instance (a restarted process) sees the rotated token.
    let reloaded = FileTokenStore::new(&file).load().await.unwrap().unwrap();
    assert_eq!(reloaded.refresh_token.expose_secret(), "refresh-2");
}

#[tokio::test]
async fn seed_refresh_token_is_used_when_the_store_is_empty() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .and(body_string_contains("refresh_token=seed-refresh"))
        .respond_with(token_body("access-s", "refresh-s"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(header("authorization", "Bearer access-s"))
        .respond_with(empty_contacts())
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = builder_for(&server)
        .token_store(store.clone())
        .refresh_token("seed-refresh")
        .build()
        .unwrap();
    client.read(&Query::new("AR1")).await.unwrap();
    assert_eq!(
        store
            .load()
            .await
            .unwrap()
            .unwrap()
            .refresh_token
            .expose_secret(),
        "refresh-s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_calls_on_an_expired_token_refresh_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(
            token_body("access-new", "refresh-new")
                .set_delay(std::time::Duration::from_millis(100)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(header("authorization", "Bearer access-new"))
        .respond_with(empty_contacts())
        .expect(20)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::with_tokens(expired_tokens(
        "access-old",
        "refresh-old",
    )));
    let client = builder_for(&server).token_store(store).build().unwrap();

    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.read(&Query::new("AR1")).await })
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap().unwrap();
    }
    assert_eq!(client.stats().refreshes, 1);
}

#[tokio::test]
async fn a_401_triggers_one_refresh_and_one_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(header("authorization", "Bearer access-0"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .and(body_string_contains("refresh_token=refresh-0"))
        .respond_with(token_body("access-1", "refresh-1"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .and(header("authorization", "Bearer access-1"))
        .respond_with(empty_contacts())
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    client.read(&Query::new("AR1")).await.unwrap();
    let stats = client.stats();
    assert_eq!(stats.refreshes, 1);
    assert_eq!(stats.requests, 3);
}

#[tokio::test]
async fn a_second_401_is_unauthorized() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(ResponseTemplate::new(401))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(token_body("access-1", "refresh-1"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_for(&server)
        .read(&Query::new("AR1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized), "{err:?}");
}

#[tokio::test]
async fn invalid_grant_requires_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": "invalid_grant", "error_description": "refresh token expired"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(empty_contacts())
        .expect(0)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::with_tokens(expired_tokens(
        "a", "revoked",
    )));
    let client = builder_for(&server).token_store(store).build().unwrap();
    let err = client.read(&Query::new("AR1")).await.unwrap_err();
    assert!(matches!(err, Error::ReauthorizationRequired), "{err:?}");
    assert!(!err.may_have_been_sent());
}

#[tokio::test]
async fn other_token_errors_are_distinct_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .expect(1)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::with_tokens(expired_tokens("a", "r")));
    let client = builder_for(&server).token_store(store).build().unwrap();
    let err = client.read(&Query::new("AR1")).await.unwrap_err();
    assert!(
        matches!(err, Error::OAuth { ref error, .. } if error == "invalid_client"),
        "{err:?}"
    );
    assert!(!err.to_string().contains(CLIENT_SECRET));
}

#[tokio::test]
async fn no_token_at_all_requires_authorization_without_any_request() {
    let server = MockServer::start().await;
    let client = builder_for(&server).build().unwrap();
    let err = client.read(&Query::new("AR1")).await.unwrap_err();
    assert!(matches!(err, Error::ReauthorizationRequired));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn debug_output_holds_no_secret_or_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DATA))
        .respond_with(empty_contacts())
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::with_tokens(valid_tokens(
        "access-SECRET-1",
        "refresh-SECRET-1",
    )));
    let builder = builder_for(&server)
        .token_store(store.clone())
        .refresh_token("seed-SECRET-1");
    let builder_text = format!("{builder:?}");
    let client = builder.build().unwrap();
    client.read(&Query::new("AR1")).await.unwrap(); // token now cached inside the client
    let tokens = store.load().await.unwrap().unwrap();
    for text in [
        format!("{client:?}"),
        format!("{client:#?}"),
        builder_text,
        format!("{store:?}"),
        format!("{tokens:?}"),
    ] {
        for secret in [
            CLIENT_SECRET,
            "access-SECRET-1",
            "refresh-SECRET-1",
            "seed-SECRET-1",
        ] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
    }
    assert!(format!("{client:?}").contains("client-id-1"));
}
