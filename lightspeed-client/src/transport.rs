//! The HTTP layer, behind a trait so it can be swapped.
//!
//! The client builds a complete [`HttpRequest`] (method, URL, headers, body bytes) and hands it to
//! a [`Transport`]; everything above (rate limiting, retries, decoding) is transport-independent.
//! The default is [`ReqwestTransport`]. Tests on tokio's paused clock use an in-memory transport,
//! and embedders can route calls through their own HTTP stack.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use url::Url;

/// A request ready to send.
#[derive(Clone)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Full URL (never with userinfo).
    pub url: Url,
    /// Headers, including `Authorization` (marked sensitive, so `Debug` hides it).
    pub headers: HeaderMap,
    /// Body (empty for `GET`/`DELETE`).
    pub body: Bytes,
    /// The request timeout the client applies; transports may enforce it natively too.
    pub timeout: Duration,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `HeaderMap`'s Debug prints sensitive values as "Sensitive"; the body is summarised.
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A response as received.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

/// How an exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made; the request was not sent.
    Connect,
    /// The transport's own timeout fired.
    Timeout,
    /// Anything else (reset, TLS, a broken body); the request may have been sent.
    Other,
}

/// A failed HTTP exchange.
#[derive(Debug, thiserror::Error)]
#[error("{kind:?} error: {source}")]
pub struct TransportError {
    kind: TransportErrorKind,
    sent: bool,
    #[source]
    source: Box<dyn std::error::Error + Send + Sync + 'static>,
}

impl TransportError {
    /// The connection failed before the request was written: safe to repeat any request.
    pub fn connect(source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        Self {
            kind: TransportErrorKind::Connect,
            sent: false,
            source: source.into(),
        }
    }

    /// The transport timed out; the request may have been processed.
    pub fn timeout(source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        Self {
            kind: TransportErrorKind::Timeout,
            sent: true,
            source: source.into(),
        }
    }

    /// Any other failure; the request may have been processed.
    pub fn other(source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        Self {
            kind: TransportErrorKind::Other,
            sent: true,
            source: source.into(),
        }
    }

    /// What failed.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request may have reached the server.
    pub fn may_have_been_sent(&self) -> bool {
        self.sent
    }

    pub(crate) fn into_source(self) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self.source
    }
}

/// Sends one HTTP request. Implementations must be cheap to share (`Arc<dyn Transport>`).
///
/// Return `Ok` for every HTTP response, whatever its status; return `Err` only when no response
/// was received. Use [`TransportError::connect`] only when the request certainly did not leave
/// the machine: the client then retries even a `POST`.
#[async_trait]
pub trait Transport: Send + Sync + 'static {
    /// Sends the request and reads the whole response body.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// The default transport, on a [`reqwest::Client`].
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Wraps a client. The request timeout is applied per request in any case; the connect
    /// timeout is whatever the given client was built with.
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }
}

fn classify(err: reqwest::Error) -> TransportError {
    // Strip the URL from the message: it may carry filter values such as e-mail addresses.
    let (connect, timeout, builder) = (err.is_connect(), err.is_timeout(), err.is_builder());
    let err = err.without_url();
    if timeout {
        TransportError::timeout(err)
    } else if connect || builder {
        TransportError::connect(err)
    } else {
        TransportError::other(err)
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let response = self
            .client
            .request(request.method, request.url)
            .headers(request.headers)
            .timeout(request.timeout)
            .body(request.body)
            .send()
            .await
            .map_err(classify)?;
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
    use http::HeaderValue;

    #[test]
    fn debug_hides_sensitive_headers() {
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_static("Basic c2VjcmV0");
        auth.set_sensitive(true);
        headers.insert(http::header::AUTHORIZATION, auth);
        let req = HttpRequest {
            method: Method::GET,
            url: Url::parse("https://api.webshopapp.com/nl/orders.json").unwrap(),
            headers,
            body: Bytes::new(),
            timeout: Duration::from_secs(1),
        };
        let dbg = format!("{req:?}");
        assert!(!dbg.contains("c2VjcmV0"));
        assert!(dbg.contains("Sensitive"));
    }

    #[test]
    fn error_kinds() {
        assert!(!TransportError::connect("refused").may_have_been_sent());
        assert!(TransportError::other("reset").may_have_been_sent());
        assert_eq!(
            TransportError::timeout("slow").kind(),
            TransportErrorKind::Timeout
        );
    }
}
