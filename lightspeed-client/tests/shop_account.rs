//! Contract tests: shop, account, account rate limit and permissions (singletons), languages.

mod common;

use common::contract::{KEY, SECRET, client};
use common::fixture;
use futures::FutureExt;
use lightspeed_client::{Error, Method};
use serde_json::json;
use wiremock::matchers::{basic_auth, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    language_suite,
    case!(
        "languages",
        18,
        "language",
        "languages",
        ("language.json", "language"),
        |c| c.languages()
    )
);

/// The singleton scenarios (no list or count exists for these).
async fn singleton_scenarios<F>(url: &str, body: serde_json::Value, call: F)
where
    F: Fn(
        lightspeed_client::LightspeedClient,
    ) -> futures::future::BoxFuture<'static, Result<(), Error>>,
{
    // happy path
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(url))
        .and(basic_auth(KEY, SECRET))
        .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
        .expect(1)
        .mount(&server)
        .await;
    call(client(&server)).await.unwrap();

    // 4xx with the error body
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(url))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": {"code": 400, "message": "Invalid data input."}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    assert!(matches!(
        call(client(&server)).await,
        Err(Error::Api { .. })
    ));

    // 2xx with an error body
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(url))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"error": {"code": 404, "message": "Unknown or inactive language."}}),
        ))
        .mount(&server)
        .await;
    match call(client(&server)).await {
        Err(Error::Api { message, .. }) => assert_eq!(message, "Unknown or inactive language."),
        other => panic!("expected an API error, got {other:?}"),
    }

    // 429 with headers, then success; 5xx, then success
    for first in [
        ResponseTemplate::new(429)
            .insert_header("x-ratelimit-remaining", "-1/100/1000")
            .insert_header("x-ratelimit-reset", "1/100/1000"),
        ResponseTemplate::new(502),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(url))
            .respond_with(first)
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(url))
            .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let client = client(&server);
        call(client.clone()).await.unwrap();
        assert_eq!(client.stats().retries, 1);
    }
}

#[tokio::test]
async fn shop() {
    singleton_scenarios("/nl/shop.json", fixture("shop.json"), |c| {
        async move {
            let shop = c.shop().get().await?;
            assert_eq!(shop.id.as_str(), "000001");
            Ok(())
        }
        .boxed()
    })
    .await;
}

#[tokio::test]
async fn account() {
    singleton_scenarios(
        "/nl/account.json",
        fixture("account.live-eu1-nl.json"),
        |c| {
            async move {
                let account = c.account().get().await?;
                assert_eq!(account.id, 389_694);
                Ok(())
            }
            .boxed()
        },
    )
    .await;
}

#[tokio::test]
async fn account_ratelimit() {
    singleton_scenarios(
        "/nl/account/ratelimit.json",
        fixture("accountRatelimit.json"),
        |c| {
            async move {
                let rl = c.account().ratelimit().await?;
                assert_eq!(rl.limit_hour.and_then(|w| w.limit), Some(12_000));
                Ok(())
            }
            .boxed()
        },
    )
    .await;
}

#[tokio::test]
async fn account_permissions() {
    singleton_scenarios(
        "/nl/account/permissions.json",
        fixture("accountPermissions.json"),
        |c| {
            async move {
                let p = c.account().permissions().await?;
                assert!(p.grants("orders", "read") && p.grants("orders", "write"));
                assert_eq!(p.products.and_then(|s| s.write), Some(false));
                Ok(())
            }
            .boxed()
        },
    )
    .await;
}

#[tokio::test]
async fn response_headers_update_the_rate_limit_snapshot() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/shop.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("shop.json"))
                .insert_header("X-RateLimit-Limit", "1000/12000/288000")
                .insert_header("X-RateLimit-Remaining", "999/11994/287993")
                .insert_header("X-RateLimit-Reset", "277/3277/21277"),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    assert!(!client.rate_limit_snapshot().five_minutes.from_headers);
    client.shop().get().await.unwrap();
    let snap = client.rate_limit_snapshot();
    assert_eq!(
        (snap.five_minutes.limit, snap.five_minutes.remaining),
        (1000, 999)
    );
    assert_eq!((snap.hour.limit, snap.hour.remaining), (12_000, 11_994));
    assert_eq!((snap.day.limit, snap.day.remaining), (288_000, 287_993));
    assert!(snap.day.resets_in.as_secs() > 21_000);
}

#[tokio::test]
async fn the_raw_escape_hatch_shares_the_pipeline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/tags.json"))
        .and(query_param("limit", "10"))
        .and(basic_auth(KEY, SECRET))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/tags.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tags": [{"id": 1}]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/nl/tags.json"))
        .and(body_json(json!({"tag": {"title": "sale"}})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"error": {"code": 400, "message": "Invalid data input."}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/nl/tags/1.json"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    let tags = client
        .request(Method::GET, "tags", &[("limit", "10")], None)
        .await
        .unwrap();
    assert_eq!(tags["tags"][0]["id"], 1);
    assert_eq!(client.stats().retries, 1);
    let err = client
        .request(
            Method::POST,
            "tags",
            &[],
            Some(json!({"tag": {"title": "sale"}})),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }));
    let empty = client
        .request(Method::DELETE, "tags/1", &[], None)
        .await
        .unwrap();
    assert!(empty.is_null());
}
