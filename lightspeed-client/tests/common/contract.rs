//! The standard wiremock contract scenarios, run for every resource group.
//!
//! These tests use real sockets, so they run on the real clock (waits are kept to ~1 s).

use std::time::Duration;

use futures::TryStreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use lightspeed_client::{Error, LightspeedClient, RateLimitConfig, Result, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{basic_auth, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const KEY: &str = "test-key-0123456789";
pub const SECRET: &str = "test-secret-9876543210";

/// A client for a mock server: fast retries, real rate-limit logic.
pub fn client(server: &MockServer) -> LightspeedClient {
    LightspeedClient::builder()
        .base_url(server.uri())
        .language("nl")
        .credentials(KEY, SECRET)
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy::new().initial_backoff(Duration::from_millis(10)))
        .rate_limit(RateLimitConfig::new().max_wait(Duration::from_secs(10)))
        .build()
        .unwrap()
}

/// One resource under test.
pub struct Case {
    /// `/nl/orders/1.json`
    pub item_path: &'static str,
    /// `/nl/orders.json`
    pub list_path: &'static str,
    /// `/nl/orders/count.json`
    pub count_path: &'static str,
    /// `order`
    pub single_key: &'static str,
    /// `orders`
    pub list_key: &'static str,
    /// A real object of the resource (its `id` is rewritten per page item).
    pub item: Value,
    /// Fetches the item behind `item_path` and returns its id.
    pub get: fn(LightspeedClient) -> BoxFuture<'static, Result<u64>>,
    /// Streams the ids of all items with the given page size.
    pub list: fn(LightspeedClient, u32) -> BoxStream<'static, Result<u64>>,
    /// Counts.
    pub count: fn(LightspeedClient) -> BoxFuture<'static, Result<u64>>,
}

fn item_with_id(item: &Value, id: u64) -> Value {
    let mut item = item.clone();
    item["id"] = json!(id);
    item
}

fn expected_id(case: &Case) -> u64 {
    case.item["id"].as_u64().expect("fixture item has an id")
}

fn error_body(status: u16, request: &str) -> Value {
    json!({"error": {"code": status, "method": "GET", "request": request, "message": "Invalid data input."}})
}

pub async fn get_happy_path(case: Case) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(case.item_path))
        .and(basic_auth(KEY, SECRET))
        .and(header("accept", "application/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ case.single_key: case.item }))
                .insert_header("x-ratelimit-limit", "300/3000/12000")
                .insert_header("x-ratelimit-remaining", "287/2950/11800")
                .insert_header("x-ratelimit-reset", "263/2063/23663"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let id = (case.get)(client.clone()).await.unwrap();
    assert_eq!(id, expected_id(&case));
    let five = client.rate_limit_snapshot().five_minutes;
    assert_eq!(
        (five.limit, five.remaining, five.from_headers),
        (300, 287, true)
    );
}

pub async fn client_error_with_body(case: Case) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(case.item_path))
        .respond_with(ResponseTemplate::new(422).set_body_json(error_body(422, case.item_path)))
        .expect(1) // a 4xx is never retried
        .mount(&server)
        .await;
    match (case.get)(client(&server)).await {
        Err(Error::Api {
            status,
            code,
            message,
            request,
            ..
        }) => {
            assert_eq!(status.as_u16(), 422);
            assert_eq!(code.as_deref(), Some("422"));
            assert_eq!(message, "Invalid data input.");
            assert_eq!(request, case.item_path);
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

pub async fn error_in_success_body(case: Case) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(case.item_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(error_body(404, case.item_path)))
        .mount(&server)
        .await;
    match (case.get)(client(&server)).await {
        Err(e @ Error::Api { .. }) => {
            assert_eq!(e.status().map(|s| s.as_u16()), Some(200));
            assert!(e.to_string().contains("Invalid data input."));
            assert!(!e.is_retryable());
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

pub async fn rate_limited_then_ok(case: Case) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(case.item_path))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_json(json!({"error": {"code": 429, "message": "Too many requests in this time period. Try again later."}}))
                .insert_header("x-ratelimit-limit", "300/3000/12000")
                .insert_header("x-ratelimit-remaining", "-1/2700/11000")
                .insert_header("x-ratelimit-reset", "1/2000/20000"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(case.item_path))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ case.single_key: case.item })),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let started = std::time::Instant::now();
    let id = (case.get)(client.clone()).await.unwrap();
    assert_eq!(id, expected_id(&case));
    let stats = client.stats();
    assert_eq!((stats.requests, stats.retries), (2, 1));
    assert!(stats.throttled >= 1);
    // it waited for the exhausted window's reset (1 s) before retrying
    assert!(stats.throttle_wait >= Duration::from_millis(900));
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

pub async fn server_error_then_ok(case: Case) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(case.item_path))
        .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(case.item_path))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ case.single_key: case.item })),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(
        (case.get)(client.clone()).await.unwrap(),
        expected_id(&case)
    );
    assert_eq!(client.stats().retries, 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

pub async fn three_pages_with_a_short_last_one(case: Case) {
    let server = MockServer::start().await;
    let pages: [&[u64]; 3] = [&[1, 2], &[3, 4], &[5]];
    for (n, ids) in pages.iter().enumerate() {
        let items: Vec<Value> = ids.iter().map(|&id| item_with_id(&case.item, id)).collect();
        Mock::given(method("GET"))
            .and(path(case.list_path))
            .and(query_param("page", (n + 1).to_string()))
            .and(query_param("limit", "2"))
            .and(basic_auth(KEY, SECRET))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ case.list_key: items })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let ids: Vec<u64> = (case.list)(client(&server), 2).try_collect().await.unwrap();
    assert_eq!(ids, vec![1, 2, 3, 4, 5]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

pub async fn repeated_page_guard(case: Case) {
    let server = MockServer::start().await;
    // A server that ignores `page` returns the same full page forever.
    let items: Vec<Value> = [7, 8]
        .iter()
        .map(|&id| item_with_id(&case.item, id))
        .collect();
    Mock::given(method("GET"))
        .and(path(case.list_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ case.list_key: items })))
        .mount(&server)
        .await;
    let ids: Vec<u64> = (case.list)(client(&server), 2).try_collect().await.unwrap();
    assert_eq!(ids, vec![7, 8]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

pub async fn count(case: Case) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(case.count_path))
        .and(basic_auth(KEY, SECRET))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"count": 42})))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!((case.count)(client(&server)).await.unwrap(), 42);
}

/// Generates the eight standard scenarios for a resource as a test module.
#[macro_export]
macro_rules! contract_suite {
    ($name:ident, $case:expr) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn get_happy_path() {
                common::contract::get_happy_path($case).await
            }

            #[tokio::test]
            async fn client_error_with_body() {
                common::contract::client_error_with_body($case).await
            }

            #[tokio::test]
            async fn error_in_success_body() {
                common::contract::error_in_success_body($case).await
            }

            #[tokio::test]
            async fn rate_limited_then_ok() {
                common::contract::rate_limited_then_ok($case).await
            }

            #[tokio::test]
            async fn server_error_then_ok() {
                common::contract::server_error_then_ok($case).await
            }

            #[tokio::test]
            async fn three_pages_with_a_short_last_one() {
                common::contract::three_pages_with_a_short_last_one($case).await
            }

            #[tokio::test]
            async fn repeated_page_guard() {
                common::contract::repeated_page_guard($case).await
            }

            #[tokio::test]
            async fn count() {
                common::contract::count($case).await
            }
        }
    };
}

/// Builds a [`Case`] for a collection under `/nl/<base>`:
/// `case!("taxes", 26998, "tax", "taxes", ("tax.json", "tax"), |c| c.taxes())`.
#[macro_export]
macro_rules! case {
    ($base:literal, $id:literal, $single:literal, $list:literal, ($fixture:literal, $fixture_key:literal), |$c:ident| $handler:expr) => {
        common::contract::Case {
            item_path: concat!("/nl/", $base, "/", $id, ".json"),
            list_path: concat!("/nl/", $base, ".json"),
            count_path: concat!("/nl/", $base, "/count.json"),
            single_key: $single,
            list_key: $list,
            item: common::fixture_item($fixture, $fixture_key),
            get: |$c| {
                use futures::FutureExt;
                async move { $handler.get($id).await.map(|x| x.id) }.boxed()
            },
            list: |$c, limit| {
                use futures::{StreamExt, TryStreamExt};
                $handler
                    .list()
                    .limit(limit)
                    .stream()
                    .map_ok(|x| x.id)
                    .boxed()
            },
            count: |$c| {
                use futures::FutureExt;
                async move { $handler.count().await }.boxed()
            },
        }
    };
}
