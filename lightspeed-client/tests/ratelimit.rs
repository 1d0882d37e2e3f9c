//! Rate limiting and retries on tokio's paused clock, with an in-memory transport (no sockets).

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::fake::{FakeTransport, WindowedServer, client, client_with_key, rate_headers, reply};
use futures::future::{self, FutureExt};
use lightspeed_client::models::CustomerCreate;
use lightspeed_client::{
    Error, RateLimitConfig, RateLimitObserver, RateLimitSnapshot, RateWindow, RetryPolicy,
    TransportError,
};

const COUNT: &str = r#"{"count": 1}"#;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn headers(limit: &str, remaining: &str, reset: &str) -> Vec<(&'static str, String)> {
    rate_headers(limit, remaining, reset).to_vec()
}

fn as_refs<'a>(h: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    h.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A server enforcing 300 / 5 min (and generous hour/day windows).
fn windowed(server: Arc<Mutex<WindowedServer>>) -> Arc<FakeTransport> {
    FakeTransport::new(move |_, _| Ok(server.lock().unwrap().handle(COUNT)))
}

fn patient() -> RateLimitConfig {
    RateLimitConfig::new().reserve(0).max_wait(secs(3600))
}

#[tokio::test(start_paused = true)]
async fn the_301st_call_waits_for_the_five_minute_reset() {
    let server = Arc::new(Mutex::new(WindowedServer::new([300, 3000, 12_000])));
    let transport = windowed(server.clone());
    let client = client(transport.clone(), patient(), RetryPolicy::none());
    for _ in 0..301 {
        client.orders().count().await.unwrap();
    }
    let sent = transport.sent();
    assert_eq!(sent.len(), 301, "no request was rejected and retried");
    assert_eq!(server.lock().unwrap().rejected, 0, "no request hit a 429");
    // the first 300 went out at 20/s, without waiting for the window
    assert!(sent[299].at < secs(20), "300th at {:?}", sent[299].at);
    // the 301st waited for the window to reset
    assert!(sent[300].at >= secs(300), "301st at {:?}", sent[300].at);
    assert!(sent[300].at < secs(302), "301st at {:?}", sent[300].at);
    assert!(client.stats().throttled > 0);
}

#[tokio::test(start_paused = true)]
async fn before_any_header_the_documented_defaults_pace_the_first_burst() {
    let server = Arc::new(Mutex::new(WindowedServer::new([300, 3000, 12_000])));
    server.lock().unwrap().send_headers = false;
    let transport = windowed(server.clone());
    let client = client(transport.clone(), patient(), RetryPolicy::none());
    for _ in 0..301 {
        client.orders().count().await.unwrap();
    }
    let sent = transport.sent();
    assert_eq!(server.lock().unwrap().rejected, 0);
    assert!(sent[300].at >= secs(300), "301st at {:?}", sent[300].at);
}

#[tokio::test(start_paused = true)]
async fn concurrent_requests_count_their_reservations() {
    let server = Arc::new(Mutex::new(WindowedServer::new([10, 3000, 12_000])));
    // The server counts a request when it arrives but answers 200 ms later, so many requests
    // are in flight at once and only the limiter's reservations keep them under the window.
    let counting = server.clone();
    let transport = FakeTransport::new_async(move |_, _| {
        let response = counting.lock().unwrap().handle(COUNT);
        async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            Ok(response)
        }
        .boxed()
    });
    let client = client(
        transport.clone(),
        patient().per_second(0),
        RetryPolicy::none(),
    );
    // The first response tells the client the key's real limit (10 per 5 minutes)…
    client.orders().count().await.unwrap();
    // …then 24 requests start at once.
    let calls = (0..24).map(|_| {
        let c = client.clone();
        async move { c.orders().count().await }
    });
    for result in future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(server.lock().unwrap().rejected, 0);
    let sent = transport.sent();
    assert_eq!(sent.len(), 25);
    // 10 per 5-minute window: the 11th and 21st had to wait for a reset
    assert!(sent[9].at < secs(1));
    assert!(sent[10].at >= secs(300) && sent[20].at >= secs(600));
}

#[tokio::test(start_paused = true)]
async fn at_most_twenty_requests_per_second() {
    let transport = FakeTransport::new(|_, _| Ok(reply(200, &[], COUNT)));
    let client = client(transport.clone(), patient(), RetryPolicy::none());
    for _ in 0..45 {
        client.orders().count().await.unwrap();
    }
    let sent = transport.sent();
    for i in 20..sent.len() {
        assert!(
            sent[i].at - sent[i - 20].at >= secs(1),
            "requests {} and {i} are less than a second apart",
            i - 20
        );
    }
    assert!(sent[44].at >= secs(2));
    assert!(sent[44].at < secs(3));
}

#[tokio::test(start_paused = true)]
async fn a_minus_one_remaining_waits_for_that_windows_reset() {
    let transport = FakeTransport::new(|_, n| {
        let h = if n == 0 {
            headers("300/3000/12000", "-1/2990/11990", "30/3000/80000")
        } else {
            headers("300/3000/12000", "299/2989/11989", "300/2970/79970")
        };
        Ok(reply(200, &as_refs(&h), COUNT))
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::none(),
    );
    client.orders().count().await.unwrap();
    assert_eq!(client.rate_limit_snapshot().five_minutes.remaining, -1);
    client.orders().count().await.unwrap();
    let sent = transport.sent();
    assert!(sent[1].at >= secs(30), "second call at {:?}", sent[1].at);
    assert!(sent[1].at < secs(31));
}

#[tokio::test(start_paused = true)]
async fn the_hour_window_is_respected_too() {
    let transport = FakeTransport::new(|_, n| {
        let h = if n == 0 {
            headers("300/3000/12000", "250/0/9000", "200/45/60000")
        } else {
            headers("300/3000/12000", "299/2999/8999", "300/3600/59955")
        };
        Ok(reply(200, &as_refs(&h), COUNT))
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::none(),
    );
    client.orders().count().await.unwrap();
    client.orders().count().await.unwrap();
    assert!(transport.sent()[1].at >= secs(45));
}

#[tokio::test(start_paused = true)]
async fn a_stale_exhausted_report_at_a_window_start_waits_one_second() {
    // Just after a reset the API may report the new reset time with the old remaining count.
    let transport = FakeTransport::new(|_, n| {
        let h = if n == 0 {
            headers("300/3000/12000", "0/2000/9000", "299/2000/60000")
        } else {
            headers("300/3000/12000", "298/1999/8999", "298/1999/59999")
        };
        Ok(reply(200, &as_refs(&h), COUNT))
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::none(),
    );
    client.orders().count().await.unwrap();
    client.orders().count().await.unwrap();
    let second = transport.sent()[1].at;
    assert!(
        second >= secs(1) && second < secs(2),
        "second call at {second:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_on_a_429() {
    let transport = FakeTransport::new(|_, n| {
        Ok(if n == 0 {
            reply(429, &[("retry-after", "7")], r#"{"error":{"code":429}}"#)
        } else {
            reply(200, &[], COUNT)
        })
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new(),
    );
    assert_eq!(client.orders().count().await.unwrap(), 1);
    let sent = transport.sent();
    assert!(
        sent[1].at >= secs(7) && sent[1].at < secs(8),
        "{:?}",
        sent[1].at
    );
    let stats = client.stats();
    assert_eq!((stats.requests, stats.retries, stats.throttled), (2, 1, 1));
    assert_eq!(stats.throttle_wait, secs(7));
}

#[tokio::test(start_paused = true)]
async fn retry_after_http_date_on_a_429() {
    let transport = FakeTransport::new(|_, n| {
        Ok(if n == 0 {
            let when = httpdate::fmt_http_date(SystemTime::now() + secs(30));
            reply(429, &[("retry-after", &when)], "")
        } else {
            reply(200, &[], COUNT)
        })
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new(),
    );
    client.orders().count().await.unwrap();
    let at = transport.sent()[1].at;
    // HTTP dates have whole seconds, so 29–30 s
    assert!(at >= secs(28) && at <= secs(31), "retried at {at:?}");
}

#[tokio::test(start_paused = true)]
async fn a_429_waits_for_the_longest_exhausted_window() {
    let transport = FakeTransport::new(|_, n| {
        Ok(if n == 0 {
            let h = headers("300/3000/12000", "-1/-1/100", "20/40/5000");
            reply(429, &as_refs(&h), "")
        } else {
            reply(200, &[], COUNT)
        })
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new(),
    );
    client.orders().count().await.unwrap();
    let at = transport.sent()[1].at;
    assert!(at >= secs(40) && at < secs(41), "retried at {at:?}");
}

#[tokio::test(start_paused = true)]
async fn a_429_with_no_window_exhausted_is_the_per_second_cap_and_waits_a_second() {
    let transport = FakeTransport::new(|_, n| {
        Ok(if n == 0 {
            let h = headers("300/3000/12000", "120/2800/11900", "200/3000/80000");
            reply(429, &as_refs(&h), "")
        } else {
            reply(200, &[], COUNT)
        })
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new(),
    );
    client.orders().count().await.unwrap();
    let at = transport.sent()[1].at;
    assert!(
        at >= secs(1) && at < secs(3),
        "retried at {at:?}, not after the 5-minute reset"
    );
}

#[tokio::test(start_paused = true)]
async fn a_wait_beyond_max_wait_returns_rate_limited_without_sleeping() {
    let transport = FakeTransport::new(|_, _| {
        let h = headers("300/3000/12000", "-1/2000/9000", "250/2000/60000");
        Ok(reply(429, &as_refs(&h), ""))
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new().max_wait(secs(60)),
        RetryPolicy::new(),
    );
    match client.orders().count().await {
        Err(Error::RateLimited {
            retry_after,
            window,
        }) => {
            assert_eq!(retry_after, Some(secs(250)));
            assert_eq!(window, Some(RateWindow::FiveMinutes));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(transport.count(), 1);
    assert!(transport.elapsed() < secs(1), "it slept");

    // The next call is refused before it is sent: the window is known to be exhausted.
    let err = client.orders().count().await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }));
    assert!(!err.may_have_been_sent());
    assert_eq!(transport.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_429_without_any_hint_waits_at_least_a_second() {
    let transport = FakeTransport::new(|_, n| {
        Ok(if n == 0 {
            reply(429, &[], "")
        } else {
            reply(200, &[], COUNT)
        })
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new(),
    );
    client.orders().count().await.unwrap();
    assert!(transport.sent()[1].at >= secs(1));
}

#[tokio::test(start_paused = true)]
async fn a_persistent_429_ends_as_rate_limited_after_the_retry_budget() {
    let transport = FakeTransport::new(|_, _| Ok(reply(429, &[("retry-after", "1")], "")));
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new().max_attempts(3),
    );
    let err = client.orders().count().await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == secs(1)));
    assert_eq!(transport.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_post_is_retried_after_a_429_because_the_server_rejected_it() {
    let transport = FakeTransport::new(|_, n| {
        Ok(if n == 0 {
            reply(429, &[("retry-after", "2")], "")
        } else {
            reply(201, &[], r#"{"customer": {"id": 5}}"#)
        })
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new(),
    );
    let created = client
        .customers()
        .create(&CustomerCreate::default())
        .await
        .unwrap();
    assert_eq!(created.id, 5);
    assert_eq!(transport.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_post_is_not_retried_after_a_sent_then_failed_request() {
    let transport = FakeTransport::new(|_, _| Err(TransportError::other("connection reset")));
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new(),
    );
    let err = client
        .customers()
        .create(&CustomerCreate::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { sent: true, .. }),
        "{err:?}"
    );
    assert!(err.may_have_been_sent());
    assert_eq!(transport.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_post_is_retried_when_it_certainly_was_not_sent() {
    let transport = FakeTransport::new(|_, n| {
        if n == 0 {
            Err(TransportError::connect("connection refused"))
        } else {
            Ok(reply(201, &[], r#"{"customer": {"id": 6}}"#))
        }
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new(),
    );
    let created = client
        .customers()
        .create(&CustomerCreate::default())
        .await
        .unwrap();
    assert_eq!(created.id, 6);
    assert_eq!(transport.count(), 2);
    assert_eq!(client.stats().retries, 1);
}

#[tokio::test(start_paused = true)]
async fn a_get_is_retried_after_a_sent_then_failed_request_and_5xx() {
    let transport = FakeTransport::new(|_, n| match n {
        0 => Err(TransportError::other("connection reset")),
        1 => Ok(reply(502, &[], "Bad Gateway")),
        _ => Ok(reply(200, &[], COUNT)),
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new(),
    );
    assert_eq!(client.orders().count().await.unwrap(), 1);
    assert_eq!(transport.count(), 3);
    assert_eq!(client.stats().retries, 2);
}

#[tokio::test(start_paused = true)]
async fn backoff_is_bounded_and_gives_up_after_max_attempts() {
    let transport = FakeTransport::new(|_, _| Ok(reply(500, &[], "")));
    let policy = RetryPolicy::new()
        .max_attempts(4)
        .initial_backoff(secs(1))
        .max_backoff(secs(2));
    let client = client(transport.clone(), RateLimitConfig::new(), policy);
    let err = client.orders().count().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    let sent = transport.sent();
    assert_eq!(sent.len(), 4);
    // full jitter: each wait is within [0, min(cap, base·2^n)]
    let ceilings = [secs(1), secs(2), secs(2)];
    for (i, ceiling) in ceilings.iter().enumerate() {
        let gap = sent[i + 1].at - sent[i].at;
        assert!(gap <= *ceiling, "retry {i} waited {gap:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn timeouts_are_always_on_and_retried_only_when_safe() {
    let transport = FakeTransport::new_async(|_, _| future::pending().boxed());
    let get_client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new().max_attempts(2),
    );
    let err = get_client.orders().count().await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(transport.count(), 2, "a GET is retried once");
    assert!(transport.elapsed() >= secs(10), "two 5 s timeouts");

    let transport = FakeTransport::new_async(|_, _| future::pending().boxed());
    let post_client = client(
        transport.clone(),
        RateLimitConfig::new(),
        RetryPolicy::new(),
    );
    let err = post_client
        .customers()
        .create(&CustomerCreate::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout) && err.may_have_been_sent());
    assert_eq!(
        transport.count(),
        1,
        "a POST that timed out is not repeated"
    );
}

#[tokio::test(start_paused = true)]
async fn clones_share_one_limiter() {
    let transport = FakeTransport::new(|_, _| {
        let h = headers("300/3000/12000", "0/2000/9000", "100/2000/60000");
        Ok(reply(200, &as_refs(&h), COUNT))
    });
    let a = client(
        transport.clone(),
        RateLimitConfig::new().max_wait(secs(10)),
        RetryPolicy::none(),
    );
    let b = a.clone();
    a.orders().count().await.unwrap();
    assert!(matches!(
        b.orders().count().await,
        Err(Error::RateLimited { .. })
    ));
    assert_eq!(transport.count(), 1);
    assert_eq!(a.stats(), b.stats());
}

#[tokio::test(start_paused = true)]
async fn clients_of_the_same_key_can_share_a_limiter() {
    let transport = FakeTransport::new(|_, _| {
        let h = headers("300/3000/12000", "0/2000/9000", "100/2000/60000");
        Ok(reply(200, &as_refs(&h), COUNT))
    });
    let config = RateLimitConfig::new().max_wait(secs(10)).share_by_key(true);
    let a = client_with_key(
        transport.clone(),
        config.clone(),
        RetryPolicy::none(),
        "shared-key",
    );
    let b = client_with_key(
        transport.clone(),
        config.clone(),
        RetryPolicy::none(),
        "shared-key",
    );
    let other = client_with_key(transport.clone(), config, RetryPolicy::none(), "other-key");
    a.orders().count().await.unwrap();
    assert!(matches!(
        b.orders().count().await,
        Err(Error::RateLimited { .. })
    ));
    other.orders().count().await.unwrap();
    assert_eq!(transport.count(), 2);
}

#[derive(Default)]
struct Recorder {
    throttles: Mutex<Vec<(Duration, RateWindow)>>,
    updates: AtomicU64,
    last_remaining: Mutex<Option<i64>>,
}

impl RateLimitObserver for Recorder {
    fn on_throttle(&self, wait: Duration, window: RateWindow) {
        self.throttles.lock().unwrap().push((wait, window));
    }

    fn on_limit_update(&self, snapshot: &RateLimitSnapshot) {
        self.updates.fetch_add(1, Ordering::Relaxed);
        *self.last_remaining.lock().unwrap() = Some(snapshot.hour.remaining);
    }
}

#[tokio::test(start_paused = true)]
async fn the_observer_sees_updates_and_throttles() {
    let transport = FakeTransport::new(|_, n| {
        let h = if n == 0 {
            headers("300/3000/12000", "0/2000/9000", "12/2000/60000")
        } else {
            headers("300/3000/12000", "299/1999/8999", "300/1988/59988")
        };
        Ok(reply(200, &as_refs(&h), COUNT))
    });
    let recorder = Arc::new(Recorder::default());
    let client = client(
        transport,
        RateLimitConfig::new().observer(recorder.clone()),
        RetryPolicy::none(),
    );
    client.orders().count().await.unwrap();
    client.orders().count().await.unwrap();
    assert_eq!(recorder.updates.load(Ordering::Relaxed), 2);
    assert_eq!(*recorder.last_remaining.lock().unwrap(), Some(1999));
    let throttles = recorder.throttles.lock().unwrap().clone();
    assert_eq!(throttles, vec![(secs(12), RateWindow::FiveMinutes)]);
    assert_eq!(client.stats().throttle_wait, secs(12));
}

#[tokio::test(start_paused = true)]
async fn disabled_pacing_still_honours_429() {
    let transport = FakeTransport::new(|_, n| {
        Ok(match n {
            0 => {
                let h = headers("300/3000/12000", "0/2000/9000", "100/2000/60000");
                reply(200, &as_refs(&h), COUNT)
            }
            1 => reply(429, &[("retry-after", "3")], ""),
            _ => reply(200, &[], COUNT),
        })
    });
    let client = client(
        transport.clone(),
        RateLimitConfig::disabled(),
        RetryPolicy::new(),
    );
    client.orders().count().await.unwrap();
    client.orders().count().await.unwrap();
    let sent = transport.sent();
    assert!(sent[1].at < secs(1), "not paced");
    assert!(sent[2].at >= secs(3), "the 429 was waited for");
}
