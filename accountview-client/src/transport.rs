//! The swappable HTTP layer.
//!
//! The client speaks to AccountView.Net through a [`Transport`]. The default is [`ReqwestTransport`];
//! tests and embedders can plug in their own (an in-memory fake, a recording proxy, …). The client wraps
//! every call in its own timeout as well, so a transport without timeouts cannot hang it.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use url::Url;

use crate::error::{BoxError, Error};

/// An HTTP request as the client hands it to a [`Transport`].
///
/// `Debug` shows only the method and the URL path: headers carry the bearer token and bodies may carry
/// client secrets, so neither is ever printed.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// HTTP method.
    pub method: Method,
    /// Absolute URL including the query string.
    pub url: Url,
    /// Request headers (the `Authorization` value is marked sensitive).
    pub headers: HeaderMap,
    /// Request body, if any.
    pub body: Option<Bytes>,
    /// Time allowed for the whole request.
    pub timeout: Duration,
}

impl HttpRequest {
    /// A request without headers or body.
    pub fn new(method: Method, url: Url, timeout: Duration) -> Self {
        Self {
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            timeout,
        }
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &self.url.path())
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// An HTTP response as a [`Transport`] returns it.
///
/// `Debug` shows the status and the body length only: a token response body holds tokens.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The full body.
    pub body: Bytes,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
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

    /// Adds a header (builder style); invalid names or values are ignored.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (
            http::header::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            self.headers.insert(name, value);
        }
        self
    }
}

/// Why a transport failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established: the request was certainly not sent.
    Connect,
    /// The request timed out after it may have been sent.
    Timeout,
    /// Anything else (reset, TLS, protocol): the request may have been sent.
    Other,
}

/// A failure of the HTTP layer.
#[derive(Debug, thiserror::Error)]
#[error("{kind:?}: {source}")]
pub struct TransportError {
    /// Classification.
    pub kind: TransportErrorKind,
    /// The underlying error.
    #[source]
    pub source: BoxError,
}

impl TransportError {
    /// A transport error of the given kind.
    pub fn new(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        match e.kind {
            TransportErrorKind::Timeout => Error::Timeout,
            TransportErrorKind::Connect => Error::Transport {
                source: e.source,
                sent: false,
            },
            TransportErrorKind::Other => Error::Transport {
                source: e.source,
                sent: true,
            },
        }
    }
}

/// Sends one HTTP request. Object safe, so the client holds an `Arc<dyn Transport>`.
#[async_trait::async_trait]
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends the request and returns the full response (any status), or a transport failure.
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
    /// Wraps an existing reqwest client (keep its timeouts on).
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }
}

fn classify_reqwest(e: reqwest::Error) -> TransportError {
    // A connect failure (including a connect timeout) means no byte of the request left this host.
    let kind = if e.is_connect() || e.is_builder() {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::Other
    };
    // `without_url`: the URL carries the query string, which we keep out of errors and logs.
    TransportError::new(kind, e.without_url())
}

#[async_trait::async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut builder = self
            .client
            .request(request.method, request.url)
            .headers(request.headers)
            .timeout(request.timeout);
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let response = builder.send().await.map_err(classify_reqwest)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(classify_reqwest)?;
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
        let mut req = HttpRequest::new(
            Method::POST,
            Url::parse("https://x.test/api/v3/token?secret=abc").unwrap(),
            Duration::from_secs(1),
        );
        req.headers.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Bearer top-secret"),
        );
        req.body = Some(Bytes::from_static(b"client_secret=hunter2"));
        let text = format!("{req:?}");
        assert!(!text.contains("top-secret"));
        assert!(!text.contains("hunter2"));
        assert!(!text.contains("abc"));
        assert!(text.contains("/api/v3/token"));
    }

    #[test]
    fn response_debug_hides_the_body() {
        let resp = HttpResponse::new(StatusCode::OK, r#"{"access_token":"tok-SECRET"}"#);
        let text = format!("{resp:?}");
        assert!(!text.contains("tok-SECRET"));
        assert!(text.contains("200"));
    }

    #[test]
    fn transport_error_maps_to_sent_flag() {
        let e: Error = TransportError::new(TransportErrorKind::Connect, "refused").into();
        assert!(!e.may_have_been_sent());
        let e: Error = TransportError::new(TransportErrorKind::Other, "reset").into();
        assert!(e.may_have_been_sent());
        let e: Error = TransportError::new(TransportErrorKind::Timeout, "slow").into();
        assert!(matches!(e, Error::Timeout));
    }
}
