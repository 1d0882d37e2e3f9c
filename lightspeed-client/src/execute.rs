//! The request pipeline every call goes through: URL, headers, rate limiter, transport with a
//! timeout, retries, status mapping, tracing.

use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde::Serialize;
use tracing::Instrument as _;
use url::Url;

use crate::api_error::{api_error_from_value, status_error};
use crate::client::LightspeedClient;
use crate::envelope::{self, Decoded, WriteEnvelope};
use crate::error::{Error, Result};
use crate::ratelimit::RateWindow;
use crate::transport::{HttpRequest, HttpResponse, TransportErrorKind};
use koppel_http::RetryPolicy;

/// A request body.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Empty,
    Json(Bytes),
    Multipart { bytes: Bytes, content_type: String },
}

impl Body {
    pub(crate) fn json<B: Serialize + ?Sized>(body: &B) -> Result<Body> {
        serde_json::to_vec(body)
            .map(|v| Body::Json(Bytes::from(v)))
            .map_err(|e| Error::Config(format!("could not encode the request body: {e}")))
    }

    /// `{"<key>": body}`.
    pub(crate) fn envelope<B: Serialize>(key: &str, body: &B) -> Result<Body> {
        Body::json(&WriteEnvelope { key, body })
    }
}

/// Replaces numeric path segments by `{id}` so spans group by endpoint, not by record.
pub(crate) fn path_template(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    path.trim_matches('/')
        .split('/')
        .map(|seg| {
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

impl LightspeedClient {
    /// `{base}/{lang}/{path}.json?{query}`; `path` may carry its own query (`invoices?order=1`,
    /// as in resource links) and may already end in `.json`.
    pub(crate) fn url(&self, path: &str, query: &[(String, String)]) -> Result<Url> {
        let (path, own_query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        let path = path.trim_matches('/');
        let path = path.strip_suffix(".json").unwrap_or(path);
        if path.is_empty() {
            return Err(Error::Config("empty request path".into()));
        }
        let mut url = self
            .inner
            .base_url
            .join(&format!("{}/{}.json", self.inner.language, path))
            .map_err(|e| Error::Config(format!("invalid request path {path:?}: {e}")))?;
        url.set_query(own_query.filter(|q| !q.is_empty()));
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        Ok(url)
    }

    fn headers(&self, body: &Body) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, self.inner.authorization.clone());
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        match body {
            Body::Empty => {}
            Body::Json(_) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            Body::Multipart { content_type, .. } => {
                if let Ok(v) = HeaderValue::from_str(content_type) {
                    headers.insert(CONTENT_TYPE, v);
                }
            }
        }
        headers
    }

    /// Sends a request with pacing and retries; returns the final 2xx response or an error.
    pub(crate) async fn execute(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Body,
    ) -> Result<HttpResponse> {
        let secrets = self.secrets();
        self.execute_inner(method, path, query, body)
            .await
            .map_err(|e| e.scrub(&secrets))
    }

    async fn execute_inner(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Body,
    ) -> Result<HttpResponse> {
        let inner = &self.inner;
        let url = self.url(path, query)?;
        let template = path_template(path);
        let headers = self.headers(&body);
        let body_bytes = match &body {
            Body::Empty => Bytes::new(),
            Body::Json(b) => b.clone(),
            Body::Multipart { bytes, .. } => bytes.clone(),
        };
        let idempotent = koppel_http::is_idempotent(&method);
        let policy = inner.retry;
        let mut retries: u32 = 0;

        loop {
            let permit = inner.limiter.acquire(&inner.stats).await?;
            let request = HttpRequest::new(method.clone(), url.clone(), inner.timeout)
                .with_headers(headers.clone())
                .with_body(body_bytes.clone());
            let attempt = retries + 1;
            let span = tracing::debug_span!(
                "lightspeed.request",
                method = %method,
                path = %template,
                attempt,
                status = tracing::field::Empty,
                remaining = tracing::field::Empty,
            );
            inner.stats.request();
            let sent = tokio::time::timeout(inner.timeout, inner.transport.send(request))
                .instrument(span.clone())
                .await;

            // Decide: done, or an error that may be retried after a delay.
            let (error, retry_allowed): (Error, bool) = match sent {
                Err(_elapsed) => {
                    drop(permit);
                    (Error::Timeout, idempotent)
                }
                Ok(Err(transport_error)) => {
                    let was_sent = transport_error.may_have_been_sent();
                    if was_sent {
                        drop(permit);
                    } else {
                        permit.unsent();
                    }
                    let error = if transport_error.kind() == TransportErrorKind::Timeout {
                        Error::Timeout
                    } else {
                        Error::Transport {
                            source: transport_error.into_source(),
                            sent: was_sent,
                        }
                    };
                    (error, RetryPolicy::may_repeat(&method, was_sent))
                }
                Ok(Ok(response)) => {
                    permit.complete(response.status, &response.headers);
                    span.record("status", response.status.as_u16());
                    if let Some(r) = response
                        .headers
                        .get("x-ratelimit-remaining")
                        .and_then(|v| v.to_str().ok())
                    {
                        span.record("remaining", r);
                    }
                    span.in_scope(|| {
                        tracing::debug!(status = response.status.as_u16(), "response")
                    });

                    if response.status == StatusCode::TOO_MANY_REQUESTS {
                        let hint = inner.limiter.wait_after_429(&response.headers);
                        let max_wait = inner.limiter.config().max_wait;
                        if let Some((wait, window)) = hint {
                            if wait > max_wait || !policy.allows_another(attempt) {
                                return Err(Error::RateLimited {
                                    retry_after: Some(wait),
                                    window,
                                });
                            }
                        } else if !policy.allows_another(attempt) {
                            return Err(Error::RateLimited {
                                retry_after: None,
                                window: None,
                            });
                        }
                        // Without any hint, wait at least a second: an immediate retry would
                        // almost surely be rejected again.
                        let (wait, window) = hint
                            .unwrap_or((policy.backoff(attempt).max(Duration::from_secs(1)), None));
                        // A 429 without window information is attributed to the 5-minute window.
                        let window = window.unwrap_or(RateWindow::FiveMinutes);
                        span.in_scope(
                            || tracing::debug!(?wait, %window, "429: waiting, then retrying"),
                        );
                        inner.limiter.note_throttle(&inner.stats, wait, window);
                        tokio::time::sleep(wait).await;
                        retries += 1;
                        inner.stats.retry();
                        continue;
                    }
                    if response.status.is_success() {
                        return Ok(response);
                    }
                    let error = status_error(&method, &url, &response);
                    (error, idempotent && response.status.is_server_error())
                }
            };

            if retry_allowed && policy.allows_another(attempt) {
                let delay = policy.backoff(attempt);
                span.in_scope(|| {
                    tracing::debug!(error = %error, ?delay, retry = retries + 1, "retrying");
                });
                tokio::time::sleep(delay).await;
                retries += 1;
                inner.stats.retry();
                continue;
            }
            span.in_scope(|| tracing::debug!(error = %error, "request failed"));
            return Err(error);
        }
    }

    /// Decodes a 2xx body, turning an `error` object into [`Error::Api`].
    pub(crate) fn decode_response<W>(
        &self,
        method: &Method,
        url_path: &str,
        response: &HttpResponse,
        keys: &[&str],
    ) -> Result<W>
    where
        W: for<'de> serde::Deserialize<'de>,
    {
        let decoded = envelope::decode_envelope::<W>(&response.body, keys);
        match decoded {
            Ok(Decoded::Value(w)) => Ok(w),
            Ok(Decoded::ApiError(e)) => Err(api_error_from_value(
                response.status,
                method.as_str(),
                url_path,
                &e,
            )),
            Err(e) => Err(e),
        }
        .map_err(|e| e.scrub(&self.secrets()))
    }

    /// A request whose response is `{"<key>": W}`.
    pub(crate) async fn call<W>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Body,
        keys: &[&str],
    ) -> Result<W>
    where
        W: for<'de> serde::Deserialize<'de>,
    {
        let response = self.execute(method.clone(), path, query, body).await?;
        self.decode_response(&method, &self.request_path(path), &response, keys)
    }

    /// A request whose 2xx answer may be empty or anything (`DELETE`): only an error body
    /// fails it.
    pub(crate) async fn call_no_content(&self, method: Method, path: &str) -> Result<()> {
        match self.call_json(method, path, &[], Body::Empty).await {
            // A 2xx whose body is not JSON still means the request succeeded.
            Ok(_) | Err(Error::Decode { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The path of a request as the API reports it in errors (`/nl/orders/1.json`, no query).
    fn request_path(&self, path: &str) -> String {
        let path = path.split('?').next().unwrap_or(path).trim_matches('/');
        let path = path.strip_suffix(".json").unwrap_or(path);
        format!("/{}/{path}.json", self.inner.language)
    }

    /// The raw escape hatch: any method, any path under `/{lang}/`, any JSON body (sent as is,
    /// so include the envelope). Goes through the same rate limiter and retries. Returns the
    /// response JSON (`null` for an empty body); a body holding an `error` object is an
    /// [`Error::Api`].
    ///
    /// ```no_run
    /// # async fn run(client: lightspeed_client::LightspeedClient) -> lightspeed_client::Result<()> {
    /// use http::Method;
    /// let tags = client.request(Method::GET, "tags", &[("limit", "10")], None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let body = match &body {
            Some(b) => Body::json(b)?,
            None => Body::Empty,
        };
        self.call_json(method, path, &query, body).await
    }

    /// A request whose answer is any JSON (`null` when empty); only an error body fails it.
    pub(crate) async fn call_json(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Body,
    ) -> Result<serde_json::Value> {
        let response = self.execute(method.clone(), path, query, body).await?;
        if response.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        let value: serde_json::Value = serde_json::from_slice(&response.body)
            .map_err(|e| envelope::decode_error(".", e, &response.body).scrub(&self.secrets()))?;
        if let Some(err) = envelope::error_in(&value) {
            return Err(api_error_from_value(
                response.status,
                method.as_str(),
                &self.request_path(path),
                err,
            )
            .scrub(&self.secrets()));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Cluster;

    fn client() -> LightspeedClient {
        LightspeedClient::builder()
            .cluster(Cluster::Eu1)
            .language("nl")
            .credentials("k", "s")
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn urls_have_language_suffix_and_query() {
        let c = client();
        let q = vec![
            (
                "updated_at_min".to_owned(),
                "2024-01-01 10:00:00".to_owned(),
            ),
            ("limit".to_owned(), "250".to_owned()),
        ];
        let url = c.url("orders", &q).unwrap();
        assert_eq!(
            url.as_str(),
            "https://api.webshopapp.com/nl/orders.json?updated_at_min=2024-01-01+10%3A00%3A00&limit=250"
        );
        assert_eq!(
            c.url("/orders/1/products/", &[]).unwrap().as_str(),
            "https://api.webshopapp.com/nl/orders/1/products.json"
        );
        assert_eq!(
            c.url("invoices?order=12", &[]).unwrap().as_str(),
            "https://api.webshopapp.com/nl/invoices.json?order=12"
        );
        assert_eq!(
            c.url("shop.json", &[]).unwrap().as_str(),
            "https://api.webshopapp.com/nl/shop.json"
        );
        assert!(c.url("", &[]).is_err());
    }

    #[test]
    fn templates_hide_ids() {
        assert_eq!(path_template("orders/123/products"), "orders/{id}/products");
        assert_eq!(path_template("variants?product=5"), "variants");
    }
}
