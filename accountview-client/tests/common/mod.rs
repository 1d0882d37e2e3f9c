//! Helpers shared by the integration tests (not every test file uses every helper).
#![allow(dead_code)]

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use accountview_client::{
    AccountViewClient, AccountViewClientBuilder, HttpRequest, HttpResponse, MemoryTokenStore,
    RetryPolicy, TokenSet, TokenStore, Transport, TransportError,
};
use chrono::Utc;
use wiremock::MockServer;

pub const COMPANY: &str = "3f2c9a7e-1b4d-4c8e-9a51-0d6e2b7f4a10";
pub const CLIENT_SECRET: &str = "client-secret-DO-NOT-LEAK";

/// The repository's copy of the shared fixtures.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/accountview")
        .join(name)
}

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// A token set valid for an hour.
pub fn valid_tokens(access: &str, refresh: &str) -> TokenSet {
    TokenSet::new(
        access.to_owned(),
        refresh.to_owned(),
        Utc::now() + chrono::TimeDelta::hours(1),
        None,
    )
}

/// A token set that expired a minute ago.
pub fn expired_tokens(access: &str, refresh: &str) -> TokenSet {
    TokenSet::new(
        access.to_owned(),
        refresh.to_owned(),
        Utc::now() - chrono::TimeDelta::minutes(1),
        None,
    )
}

/// Retries fast enough for real-clock wiremock tests.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

/// A builder pointed at a wiremock server, with credentials, company and fast retries.
pub fn builder_for(server: &MockServer) -> AccountViewClientBuilder {
    AccountViewClient::builder()
        .base_url(format!("{}/api/v3", server.uri()))
        .authorize_url(format!("{}/ams/authorize.aspx", server.uri()))
        .client_id("client-id-1")
        .client_secret(CLIENT_SECRET)
        .redirect_uri("https://koppel.example/callback")
        .company_id(COMPANY)
        .retry(fast_retry())
        .timeout(Duration::from_secs(10))
}

/// A client with a valid access token `access-0` already stored.
pub fn client_for(server: &MockServer) -> AccountViewClient {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::with_tokens(valid_tokens(
        "access-0",
        "refresh-0",
    )));
    builder_for(server).token_store(store).build().unwrap()
}

type Handler = dyn Fn(HttpRequest) -> Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send>>
    + Send
    + Sync;

/// An in-memory transport driven by an async closure, recording every request. For paused-clock tests.
pub struct FnTransport {
    handler: Box<Handler>,
    pub requests: Mutex<Vec<HttpRequest>>,
}

impl std::fmt::Debug for FnTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FnTransport")
    }
}

impl FnTransport {
    pub fn new<F, Fut>(handler: F) -> Arc<Self>
    where
        F: Fn(HttpRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<HttpResponse, TransportError>> + Send + 'static,
    {
        Arc::new(Self {
            handler: Box::new(move |req| Box::pin(handler(req))),
            requests: Mutex::new(Vec::new()),
        })
    }

    pub fn request_count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn paths(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.url.path().to_owned())
            .collect()
    }
}

#[async_trait::async_trait]
impl Transport for FnTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.requests.lock().unwrap().push(request.clone());
        (self.handler)(request).await
    }
}

/// A client on an in-memory transport with a valid token stored.
pub fn client_on(transport: Arc<FnTransport>, retry: RetryPolicy) -> AccountViewClient {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::with_tokens(valid_tokens(
        "access-0",
        "refresh-0",
    )));
    AccountViewClient::builder()
        .base_url("https://av.test/api/v3/")
        .client_id("client-id-1")
        .client_secret(CLIENT_SECRET)
        .company_id(COMPANY)
        .token_store(store)
        .transport(transport)
        .retry(retry)
        .build()
        .unwrap()
}

pub fn json_response(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(http::StatusCode::from_u16(status).unwrap(), body.to_owned())
        .with_header("content-type", "application/json")
}
