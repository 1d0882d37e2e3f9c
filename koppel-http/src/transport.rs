//! The swappable HTTP layer.
//!
//! A client builds a complete [`HttpRequest`] (method, URL, headers, body, timeout) and hands it to
//! a [`Transport`]. The default is [`ReqwestTransport`]; tests on tokio's paused clock use an
//! in-memory transport, and embedders can route calls through their own HTTP stack. The clients
//! wrap every call in their own timeout as well, so a transport without timeouts cannot hang them.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use url::Url;

/// A boxed error, as transports report their causes.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A request ready to send.
///
/// `Debug` shows the method, the URL path and the body's length only: headers carry credentials,
/// the query string may carry filter values such as e-mail addresses and bodies may carry secrets.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL including the query string (never with userinfo).
    pub url: Url,
    /// Headers, including `Authorization` (marked sensitive).
    pub headers: HeaderMap,
    /// Body; empty for none.
    pub body: Bytes,
    /// The time the whole exchange may take; transports may enforce it natively too.
    pub timeout: Duration,
}

impl HttpRequest {
    /// A request without headers or body.
    pub fn new(method: Method, url: Url, timeout: Duration) -> Self {
        Self {
            method,
            url,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            timeout,
        }
    }

    /// With these headers (builder style).
    #[must_use]
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// With this body (builder style).
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &self.url.path())
            .field("body_len", &self.body.len())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A response as received, whatever its status.
///
/// `Debug` shows the status and the body's length only: a token response body holds tokens.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl HttpResponse {
    /// A response with the given status and body and no headers.
    pub fn new(status: StatusCode, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }

    /// With these headers (builder style).
    #[must_use]
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// Adds a header (builder style); an invalid name or value is ignored.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.headers.insert(name, value);
        }
        self
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// How an exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made: the request certainly did not leave the machine.
    Connect,
    /// The exchange timed out; the request may have been processed.
    Timeout,
    /// Anything else (reset, TLS, a broken body); the request may have been processed.
    Other,
}

/// A failed HTTP exchange: no response was received.
#[derive(Debug, thiserror::Error)]
#[error("{kind:?} error: {source}")]
pub struct TransportError {
    kind: TransportErrorKind,
    #[source]
    source: BoxError,
}

impl TransportError {
    /// A transport error of the given kind.
    pub fn new(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }

    /// The connection failed before the request was written: safe to repeat any request.
    pub fn connect(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Connect, source)
    }

    /// The transport timed out; the request may have been processed.
    pub fn timeout(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Timeout, source)
    }

    /// Any other failure; the request may have been processed.
    pub fn other(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Other, source)
    }

    /// What failed.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request may have reached the server (everything but [`TransportErrorKind::Connect`]).
    pub fn may_have_been_sent(&self) -> bool {
        self.kind != TransportErrorKind::Connect
    }

    /// The underlying error.
    pub fn into_source(self) -> BoxError {
        self.source
    }
}

/// Sends one HTTP request. Implementations must be cheap to share (`Arc<dyn Transport>`).
///
/// Return `Ok` for every HTTP response, whatever its status; return `Err` only when no response
/// was received. Use [`TransportError::connect`] only when the request certainly did not leave
/// the machine: the clients then repeat even a `POST`.
#[async_trait]
pub trait Transport: Send + Sync + 'static {
    /// Sends the request and reads the whole response body.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// The default transport, on a shared [`reqwest::Client`].
#[derive(Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl fmt::Debug for ReqwestTransport {
    /// Says nothing about the inner client: an embedder's client may carry default headers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReqwestTransport")
    }
}

impl ReqwestTransport {
    /// Wraps a client. The request timeout is applied per request in any case; the connect
    /// timeout is whatever the given client was built with (keep it on).
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }
}

fn classify(e: reqwest::Error) -> TransportError {
    // A connect failure (including a connect timeout) means no byte of the request left this host.
    let kind = if e.is_connect() || e.is_builder() {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::Other
    };
    // `without_url`: the URL carries the query string, which stays out of errors and logs.
    TransportError::new(kind, e.without_url())
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut builder = self
            .client
            .request(request.method, request.url)
            .headers(request.headers)
            .timeout(request.timeout);
        if !request.body.is_empty() {
            builder = builder.body(request.body);
        }
        let response = builder.send().await.map_err(classify)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(classify)?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_debug_hides_headers_query_and_body() {
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_static("Bearer top-secret");
        auth.set_sensitive(true);
        headers.insert(http::header::AUTHORIZATION, auth);
        let req = HttpRequest::new(
            Method::POST,
            Url::parse("https://x.test/api/v3/token?email=jan@example.nl").unwrap(),
            Duration::from_secs(1),
        )
        .with_headers(headers)
        .with_body("client_secret=hunter2");
        let text = format!("{req:?}");
        assert!(!text.contains("top-secret"));
        assert!(!text.contains("hunter2"));
        assert!(!text.contains("jan@example.nl"));
        assert!(text.contains("/api/v3/token"));
    }

    #[test]
    fn response_debug_hides_the_body() {
        let resp = HttpResponse::new(StatusCode::OK, r#"{"access_token":"tok-SECRET"}"#)
            .with_header("x-ratelimit-remaining", "299");
        let text = format!("{resp:?}");
        assert!(!text.contains("tok-SECRET"));
        assert!(text.contains("200"));
        assert_eq!(resp.headers["x-ratelimit-remaining"], "299");
    }

    #[test]
    fn only_a_connect_error_is_certainly_unsent() {
        assert!(!TransportError::connect("refused").may_have_been_sent());
        assert!(TransportError::other("reset").may_have_been_sent());
        assert!(TransportError::timeout("slow").may_have_been_sent());
        assert_eq!(
            TransportError::timeout("slow").kind(),
            TransportErrorKind::Timeout
        );
    }
}
