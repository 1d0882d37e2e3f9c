//! The crate's error type.
//!
//! One enum for everything a call can fail with. Each variant documents whether the request may
//! have reached the server ([`Error::may_have_been_sent`]), which decides whether a non-idempotent
//! request (a `POST`) may be repeated. No variant ever carries credentials: URLs are built
//! without userinfo, the `Authorization` header is never copied into an error, and body snippets
//! are scrubbed of the key and secret.

use std::time::Duration;

use http::StatusCode;

use crate::ratelimit::RateWindow;

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a Lightspeed call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error: a non-2xx status other than 401/403/404/429, or a 2xx
    /// body holding an `error`/`errors` object. The request reached the server.
    #[error("Lightspeed API error {status} on {method} {request}: {message}")]
    Api {
        /// HTTP status of the response (a 2xx when the error came in the body).
        status: StatusCode,
        /// The `code` of the error body, if any.
        code: Option<String>,
        /// The method the API reports (`GET`, `CREATE`…) or the one we sent.
        method: String,
        /// The request path the API reports (`/nl/orders/1.json`) or the one we sent (no query).
        request: String,
        /// The error message (`Invalid data input.`).
        message: String,
    },
    /// Rate limited: a window is exhausted and waiting would take longer than the configured
    /// maximum, or a 429 persisted past the retry budget. The request was not processed. Come back
    /// after `retry_after`.
    #[error("rate limited by Lightspeed ({}); retry after {}", window_text(.window), wait_text(.retry_after))]
    RateLimited {
        /// How long to wait before the next attempt, when known.
        retry_after: Option<Duration>,
        /// The window that is exhausted, when known.
        window: Option<RateWindow>,
    },
    /// The HTTP exchange failed (connection refused, TLS, reset…). `sent` says whether the request
    /// may have reached the server (`false` only when it certainly did not).
    #[error("transport error ({}): {source}", if *.sent { "request may have been sent" } else { "request not sent" })]
    Transport {
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
        /// Whether the request may have reached the server.
        sent: bool,
    },
    /// No response within the request timeout. The request may have been processed.
    #[error("request timed out")]
    Timeout,
    /// A response could not be decoded. The request was processed.
    #[error("could not decode the response at `{path}`: {source}; body starts with: {snippet}")]
    Decode {
        /// JSON path of the failure (`order.priceIncl`), `.` for the root.
        path: String,
        /// The serde error.
        #[source]
        source: serde_json::Error,
        /// The start of the body (credentials scrubbed).
        snippet: String,
    },
    /// HTTP 401: the API key or secret is wrong, or the key is disabled.
    #[error("unauthorized (401): check the API key, the secret and the cluster")]
    Unauthorized,
    /// HTTP 403: the key lacks a permission for this request.
    #[error("forbidden (403): the API key lacks the permission for this request")]
    Forbidden,
    /// HTTP 404: the resource does not exist (or the language is not active in the shop).
    #[error("not found (404): {request}")]
    NotFound {
        /// The request path (no query string).
        request: String,
    },
    /// The client was configured wrongly, or a request could not be built. Nothing was sent.
    #[error("invalid configuration: {0}")]
    Config(String),
}

fn window_text(window: &Option<RateWindow>) -> String {
    window.map_or_else(|| "window unknown".to_owned(), |w| w.to_string())
}

fn wait_text(wait: &Option<Duration>) -> String {
    wait.map_or_else(|| "an unknown time".to_owned(), |d| format!("{d:?}"))
}

impl Error {
    /// Whether trying again later can succeed: transport failures, timeouts, rate limits and
    /// 5xx answers. Combine with [`Error::may_have_been_sent`] before repeating a `POST`.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout | Error::RateLimited { .. } => true,
            Error::Api { status, .. } => status.is_server_error(),
            Error::Decode { .. }
            | Error::Unauthorized
            | Error::Forbidden
            | Error::NotFound { .. }
            | Error::Config(_) => false,
        }
    }

    /// Whether the request may have been processed by the server. `false` means it certainly
    /// was not (never sent, or rejected unprocessed with a 429), so even a `POST` may be sent
    /// again. A 4xx answer counts as sent: the server saw the request and refused it.
    pub fn may_have_been_sent(&self) -> bool {
        match self {
            Error::Transport { sent, .. } => *sent,
            Error::RateLimited { .. } | Error::Config(_) => false,
            Error::Timeout
            | Error::Api { .. }
            | Error::Decode { .. }
            | Error::Unauthorized
            | Error::Forbidden
            | Error::NotFound { .. } => true,
        }
    }

    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Unauthorized => Some(StatusCode::UNAUTHORIZED),
            Error::Forbidden => Some(StatusCode::FORBIDDEN),
            Error::NotFound { .. } => Some(StatusCode::NOT_FOUND),
            Error::RateLimited { .. }
            | Error::Transport { .. }
            | Error::Timeout
            | Error::Decode { .. }
            | Error::Config(_) => None,
        }
    }

    /// Replaces every occurrence of the given secrets in the free-text parts of the error.
    pub(crate) fn scrub(mut self, secrets: &[&str]) -> Self {
        let scrub = |text: &mut String| {
            for secret in secrets.iter().filter(|s| !s.is_empty()) {
                if text.contains(secret) {
                    *text = text.replace(secret, "[redacted]");
                }
            }
        };
        match &mut self {
            Error::Api {
                message, request, ..
            } => {
                scrub(message);
                scrub(request);
            }
            Error::Decode { snippet, .. } => scrub(snippet),
            Error::NotFound { request } => scrub(request),
            Error::Config(text) => scrub(text),
            Error::RateLimited { .. }
            | Error::Transport { .. }
            | Error::Timeout
            | Error::Unauthorized
            | Error::Forbidden => {}
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> Error {
        Error::Api {
            status: StatusCode::from_u16(status).unwrap(),
            code: None,
            method: "GET".into(),
            request: "/nl/orders.json".into(),
            message: "m".into(),
        }
    }

    #[test]
    fn errors_can_cross_tasks() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
    }

    #[test]
    fn retryable_classification() {
        assert!(api(503).is_retryable());
        assert!(!api(400).is_retryable());
        assert!(Error::Timeout.is_retryable());
        assert!(!Error::Unauthorized.is_retryable());
        assert!(
            Error::RateLimited {
                retry_after: None,
                window: None
            }
            .is_retryable()
        );
    }

    #[test]
    fn sent_classification() {
        let not_sent = Error::Transport {
            source: "connect refused".into(),
            sent: false,
        };
        assert!(!not_sent.may_have_been_sent());
        assert!(Error::Timeout.may_have_been_sent());
        assert!(api(422).may_have_been_sent());
        assert!(
            !Error::RateLimited {
                retry_after: Some(Duration::from_secs(3)),
                window: Some(RateWindow::FiveMinutes)
            }
            .may_have_been_sent()
        );
    }

    #[test]
    fn status_mapping() {
        assert_eq!(api(422).status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
        assert_eq!(Error::Forbidden.status(), Some(StatusCode::FORBIDDEN));
        assert_eq!(Error::Timeout.status(), None);
    }

    #[test]
    fn scrub_removes_secrets() {
        let e = Error::Api {
            status: StatusCode::BAD_REQUEST,
            code: None,
            method: "GET".into(),
            request: "/nl/x.json".into(),
            message: "bad key KEY123".into(),
        }
        .scrub(&["KEY123", ""]);
        assert!(!e.to_string().contains("KEY123"));
        assert!(e.to_string().contains("[redacted]"));
    }

    #[test]
    fn messages_are_readable() {
        let e = Error::RateLimited {
            retry_after: Some(Duration::from_secs(120)),
            window: Some(RateWindow::Hour),
        };
        assert_eq!(
            e.to_string(),
            "rate limited by Lightspeed (hour window); retry after 120s"
        );
    }
}
