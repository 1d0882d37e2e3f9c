//! Time-dependent behaviour on tokio's paused clock, with an in-memory transport (no sockets, so the
//! auto-advancing clock cannot fire timeouts early): write serialisation per company, backoff,
//! timeouts, which errors a write may be retried on, and early refresh before expiry.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use accountview_client::{
    AccountViewClient, Debtor, Error, MemoryTokenStore, Query, RetryPolicy, TokenSet,
    TransportError, TransportErrorKind,
};
use chrono::Utc;
use common::{COMPANY, FnTransport, client_on, json_response};
use http::Method;
use tokio::time::Instant;

const CREATED: &str = r#"{"CONTACT":[{"SUB_NR":"10025"}]}"#;

/// A transport whose POSTs take 50 ms and that records the highest number of overlapping POSTs.
fn slow_writes() -> (Arc<FnTransport>, Arc<AtomicUsize>) {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_seen = Arc::new(AtomicUsize::new(0));
    let max = Arc::clone(&max_seen);
    let transport = FnTransport::new(move |req| {
        let in_flight = Arc::clone(&in_flight);
        let max = Arc::clone(&max);
        async move {
            if req.method == Method::POST {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                max.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
            }
            Ok(json_response(200, CREATED))
        }
    });
    (transport, max_seen)
}

#[tokio::test(start_paused = true)]
async fn writes_to_one_company_never_overlap() {
    let (transport, max_in_flight) = slow_writes();
    let client = client_on(Arc::clone(&transport), RetryPolicy::default());
    let other_clone = client.clone();
    let debtor = Debtor::new("1300", "A", "A");
    let (first, second) = (client.debtors(), other_clone.debtors());
    let (a, b, c) = tokio::join!(
        first.create(&debtor),
        second.create(&debtor),
        first.create(&debtor)
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    assert_eq!(transport.request_count(), 3);
    assert_eq!(max_in_flight.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn writes_to_different_companies_may_overlap() {
    let (transport, max_in_flight) = slow_writes();
    let client = client_on(Arc::clone(&transport), RetryPolicy::default());
    let other = client
        .with_company("a91e0f55-7c22-4b3a-8e6d-5c4b3a2f1e09")
        .unwrap();
    let debtor = Debtor::new("1300", "A", "A");
    let (here, there) = (client.debtors(), other.debtors());
    let (a, b) = tokio::join!(here.create(&debtor), there.create(&debtor));
    a.unwrap();
    b.unwrap();
    assert_eq!(max_in_flight.load(Ordering::SeqCst), 2);
    let companies: Vec<String> = transport
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.headers["x-company"].to_str().unwrap().to_owned())
        .collect();
    assert!(companies.contains(&COMPANY.to_owned()));
    assert!(companies.contains(&"a91e0f55-7c22-4b3a-8e6d-5c4b3a2f1e09".to_owned()));
}

#[tokio::test(start_paused = true)]
async fn reads_back_off_with_capped_jitter_between_attempts() {
    let transport =
        FnTransport::new(|_req| async { Ok(json_response(502, "<html>Bad Gateway</html>")) });
    let policy = RetryPolicy::default()
        .max_attempts(4)
        .initial_backoff(Duration::from_secs(1))
        .max_backoff(Duration::from_secs(2));
    let client = client_on(Arc::clone(&transport), policy);
    let started = Instant::now();
    let err = client.read(&Query::new("AK1")).await.unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(err, Error::Gateway { .. }));
    assert_eq!(transport.request_count(), 4);
    assert_eq!(client.stats().retries, 3);
    // Full jitter: each wait is at most its ceiling (1 s, 2 s, then capped at 2 s).
    let ceiling = policy.backoff_ceiling(1) + policy.backoff_ceiling(2) + policy.backoff_ceiling(3);
    assert_eq!(ceiling, Duration::from_secs(5));
    assert!(
        waited <= ceiling,
        "virtual wait {waited:?} above {ceiling:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_hanging_transport_times_out() {
    let transport = FnTransport::new(|_req| async {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        Ok(json_response(200, "{}"))
    });
    let client = client_on(Arc::clone(&transport), RetryPolicy::none());
    let started = Instant::now();
    let err = client.read(&Query::new("AK1")).await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(started.elapsed(), accountview_client::DEFAULT_TIMEOUT);
    assert!(err.is_retryable());
    assert!(err.may_have_been_sent());
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_write_is_not_retried() {
    let transport = FnTransport::new(|_req| async {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        Ok(json_response(200, CREATED))
    });
    let client = client_on(Arc::clone(&transport), RetryPolicy::default());
    let err = client
        .debtors()
        .create(&Debtor::new("1300", "A", "A"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout));
    assert_eq!(transport.request_count(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_write_is_retried_only_when_certainly_not_sent() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&attempts);
    let transport = FnTransport::new(move |_req| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            if n == 0 {
                Err(TransportError::new(
                    TransportErrorKind::Connect,
                    "connection refused",
                ))
            } else {
                Ok(json_response(200, CREATED))
            }
        }
    });
    let client = client_on(Arc::clone(&transport), RetryPolicy::default());
    let created = client
        .debtors()
        .create(&Debtor::new("1300", "A", "A"))
        .await
        .unwrap();
    assert_eq!(created.sub_nr.as_deref(), Some("10025"));
    assert_eq!(transport.request_count(), 2);

    let transport = FnTransport::new(|_req| async {
        Err(TransportError::new(
            TransportErrorKind::Other,
            "connection reset after sending",
        ))
    });
    let client = client_on(Arc::clone(&transport), RetryPolicy::default());
    let err = client
        .debtors()
        .create(&Debtor::new("1300", "A", "A"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { sent: true, .. }));
    assert_eq!(
        transport.request_count(),
        1,
        "a write that may have been sent is never repeated"
    );
}

#[tokio::test(start_paused = true)]
async fn a_token_about_to_expire_is_refreshed_before_the_call() {
    let transport = FnTransport::new(|req| async move {
        if req.url.path().ends_with("/token") {
            Ok(json_response(
                200,
                r#"{"access_token":"fresh","refresh_token":"r2","expires_in":3600}"#,
            ))
        } else {
            let auth = req.headers["authorization"].to_str().unwrap().to_owned();
            assert_eq!(auth, "Bearer fresh");
            Ok(json_response(200, r#"{"ARTICLE":[]}"#))
        }
    });
    // 30 s left: inside the 60 s refresh skew.
    let tokens = TokenSet::new(
        "stale",
        "r1",
        Utc::now() + chrono::TimeDelta::seconds(30),
        None,
    );
    let client = AccountViewClient::builder()
        .base_url("https://av.test/api/v3")
        .client_id("id")
        .client_secret("secret")
        .company_id(COMPANY)
        .token_store(Arc::new(MemoryTokenStore::with_tokens(tokens)))
        .transport(Arc::clone(&transport) as Arc<dyn accountview_client::Transport>)
        .build()
        .unwrap();
    client.read(&Query::new("AK1")).await.unwrap();
    assert_eq!(
        transport.paths(),
        ["/api/v3/token", "/api/v3/accountviewdata"]
    );
    // The fresh token is reused.
    client.read(&Query::new("AK1")).await.unwrap();
    assert_eq!(transport.request_count(), 3);
}
