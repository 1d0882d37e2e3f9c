//! An in-memory [`Transport`] for tests on tokio's paused clock (no sockets).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::future::BoxFuture;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use lightspeed_client::{
    HttpRequest, HttpResponse, LightspeedClient, RateLimitConfig, RetryPolicy, Transport,
    TransportError,
};
use tokio::time::Instant;

type Reply = BoxFuture<'static, Result<HttpResponse, TransportError>>;
type HandlerFn = dyn Fn(&HttpRequest, usize) -> Reply + Send + Sync;

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Sent {
    /// When, relative to the transport's creation.
    pub at: Duration,
    pub method: Method,
    pub url: String,
    pub body: Bytes,
}

pub struct FakeTransport {
    start: Instant,
    handler: Box<HandlerFn>,
    log: Mutex<Vec<Sent>>,
}

impl FakeTransport {
    /// Answers each request (with its 0-based index) synchronously.
    pub fn new(
        handler: impl Fn(&HttpRequest, usize) -> Result<HttpResponse, TransportError>
        + Send
        + Sync
        + 'static,
    ) -> Arc<Self> {
        Self::new_async(move |req, n| {
            let reply = handler(req, n);
            Box::pin(async move { reply })
        })
    }

    /// Answers each request with a future (e.g. one that never completes).
    pub fn new_async(
        handler: impl Fn(&HttpRequest, usize) -> Reply + Send + Sync + 'static,
    ) -> Arc<Self> {
        Arc::new(Self {
            start: Instant::now(),
            handler: Box::new(handler),
            log: Mutex::new(Vec::new()),
        })
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.log.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    /// Seconds since creation, for assertions.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

#[async_trait]
impl Transport for FakeTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let index = {
            let mut log = self.log.lock().unwrap();
            log.push(Sent {
                at: self.start.elapsed(),
                method: request.method.clone(),
                url: request.url.to_string(),
                body: request.body.clone(),
            });
            log.len() - 1
        };
        (self.handler)(&request, index).await
    }
}

/// A response with headers and a body.
pub fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        map.insert(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    HttpResponse::new(StatusCode::from_u16(status).unwrap(), body.to_owned()).with_headers(map)
}

/// Rate-limit headers for one response.
pub fn rate_headers(limit: &str, remaining: &str, reset: &str) -> [(&'static str, String); 3] {
    [
        ("x-ratelimit-limit", limit.to_owned()),
        ("x-ratelimit-remaining", remaining.to_owned()),
        ("x-ratelimit-reset", reset.to_owned()),
    ]
}

/// A client on the fake transport.
pub fn client(
    transport: Arc<FakeTransport>,
    rate: RateLimitConfig,
    retry: RetryPolicy,
) -> LightspeedClient {
    client_with_key(transport, rate, retry, "fake-key")
}

pub fn client_with_key(
    transport: Arc<FakeTransport>,
    rate: RateLimitConfig,
    retry: RetryPolicy,
    key: &str,
) -> LightspeedClient {
    LightspeedClient::builder()
        .base_url("https://shop.test")
        .language("nl")
        .credentials(key.to_owned(), "fake-secret")
        .timeout(Duration::from_secs(5))
        .rate_limit(rate)
        .retry(retry)
        .transport(transport)
        .build()
        .unwrap()
}

/// A fake Lightspeed that enforces fixed, aligned windows (5 min / hour / day) the way the real
/// API does, reports them in headers, and counts requests it had to reject.
pub struct WindowedServer {
    limits: [u64; 3],
    lens: [Duration; 3],
    window_start: [Instant; 3],
    counts: [u64; 3],
    pub rejected: u64,
    pub send_headers: bool,
}

impl WindowedServer {
    pub fn new(limits: [u64; 3]) -> Self {
        let now = Instant::now();
        Self {
            limits,
            lens: [
                Duration::from_secs(300),
                Duration::from_secs(3600),
                Duration::from_secs(86_400),
            ],
            window_start: [now; 3],
            counts: [0; 3],
            rejected: 0,
            send_headers: true,
        }
    }

    pub fn handle(&mut self, body: &str) -> HttpResponse {
        let now = Instant::now();
        for i in 0..3 {
            while now >= self.window_start[i] + self.lens[i] {
                self.window_start[i] += self.lens[i];
                self.counts[i] = 0;
            }
        }
        let exhausted = (0..3).any(|i| self.counts[i] >= self.limits[i]);
        if exhausted {
            self.rejected += 1;
        } else {
            for c in &mut self.counts {
                *c += 1;
            }
        }
        let remaining: Vec<String> = (0..3)
            .map(|i| {
                if self.counts[i] >= self.limits[i] && exhausted {
                    "-1".to_owned()
                } else {
                    (self.limits[i] - self.counts[i]).to_string()
                }
            })
            .collect();
        let reset: Vec<String> = (0..3)
            .map(|i| {
                let left = (self.window_start[i] + self.lens[i]) - now;
                left.as_secs_f64().ceil().to_string()
            })
            .collect();
        let limit: Vec<String> = self.limits.iter().map(u64::to_string).collect();
        let headers = rate_headers(&limit.join("/"), &remaining.join("/"), &reset.join("/"));
        let headers: Vec<(&str, &str)> = if self.send_headers {
            headers.iter().map(|(k, v)| (*k, v.as_str())).collect()
        } else {
            Vec::new()
        };
        if exhausted {
            reply(
                429,
                &headers,
                r#"{"error":{"code":429,"message":"Too many requests in this time period. Try again later."}}"#,
            )
        } else {
            reply(200, &headers, body)
        }
    }
}
