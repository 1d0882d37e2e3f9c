//! The one error type of this crate.
//!
//! Every variant says whether it is worth retrying ([`Error::is_retryable`]) and whether the request may
//! have reached the server ([`Error::may_have_been_sent`]); the latter decides whether a write may be
//! repeated. No variant ever carries a token, a secret or a request header.

use std::fmt;

use http::StatusCode;

/// A boxed error source (transport errors, token-store errors, parse errors).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Shorthand for `Result<T, accountview_client::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to AccountView.Net.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// AccountView answered with its own error body (`ErrorType`, `ErrorNumbers`, `ErrorMessage`),
    /// whatever the HTTP status, also inside a 2xx response. Usually a business rule of the
    /// administration (Dutch text), e.g. "Debiteur 10025 bestaat al.".
    #[error("AccountView error ({status}, {error_type}): {message}")]
    AccountView {
        /// `ErrorType`, e.g. `AccountViewError`.
        error_type: String,
        /// `ErrorNumbers` as sent (type undocumented; `null` in every public sample).
        numbers: Option<serde_json::Value>,
        /// `ErrorMessage`.
        message: String,
        /// HTTP status of the response that carried the error.
        status: StatusCode,
    },
    /// An HTML or empty body where JSON was expected: the merchant's AccountView server or the relay in
    /// front of it is down or restarting. Retryable for reads.
    #[error(
        "AccountView gateway error ({status}): the relay or the administration's server is unavailable: {snippet}"
    )]
    Gateway {
        /// HTTP status of the response.
        status: StatusCode,
        /// The start of the body, for diagnostics.
        snippet: String,
    },
    /// A non-success HTTP status without an AccountView error body (e.g. a 5xx JSON error from the web
    /// front end, 429, or another 4xx).
    #[error("unexpected HTTP status {status}: {snippet}")]
    Http {
        /// HTTP status of the response.
        status: StatusCode,
        /// The start of the body, for diagnostics.
        snippet: String,
    },
    /// The access token was rejected (401) even after one refresh.
    #[error("AccountView rejected the access token (401)")]
    Unauthorized,
    /// The refresh token is no longer valid (`invalid_grant`), or there is no token at all: the user must
    /// authorise the application again (authorization-code flow).
    #[error("re-authorisation required: the refresh token is invalid, expired or missing")]
    ReauthorizationRequired,
    /// The token endpoint answered with an OAuth error other than `invalid_grant`
    /// (e.g. `invalid_client`: wrong client id or secret).
    #[error("token endpoint error ({status}): {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    OAuth {
        /// HTTP status of the token response.
        status: StatusCode,
        /// The OAuth `error` code.
        error: String,
        /// The OAuth `error_description`, when given.
        description: Option<String>,
    },
    /// A value AccountView would reject, caught before any request was sent.
    #[error("invalid value for {table}.{field}: {problem}")]
    Validation {
        /// Table name, e.g. `CONTACT`.
        table: String,
        /// Column name, e.g. `SUB_NR`.
        field: String,
        /// What is wrong.
        problem: ValidationProblem,
    },
    /// A response (or a column of a row) could not be decoded; `path` names where.
    #[error("cannot decode AccountView response at `{path}`: {source}")]
    Decode {
        /// JSON path of the failing value, e.g. `CONTACT[1].CRED_LIM`.
        path: String,
        /// The underlying parse error.
        #[source]
        source: BoxError,
        /// The start of the body (or the offending value), for diagnostics.
        snippet: String,
    },
    /// The HTTP layer failed (connection refused, reset, TLS, …).
    #[error("transport error (request {}): {source}", if *sent { "may have been sent" } else { "not sent" })]
    Transport {
        /// The underlying error.
        #[source]
        source: BoxError,
        /// Whether the request may have reached the server.
        sent: bool,
    },
    /// The request did not complete within the configured timeout.
    #[error("request timed out")]
    Timeout,
    /// A 404 that is not AccountView's "no records" answer (an HTML, empty or other body): a wrong
    /// path or business object, or a proxy in between. Never read as "no rows".
    #[error("not found (404): {snippet}")]
    NotFound {
        /// The start of the body, for diagnostics.
        snippet: String,
    },
    /// The client is misconfigured (missing client id, no company selected, bad URL, …).
    #[error("configuration error: {0}")]
    Config(String),
    /// The token store failed to load or save tokens.
    #[error("token store error: {source}")]
    TokenStore {
        /// The underlying error.
        #[source]
        source: BoxError,
    },
}

/// What is wrong with a value that failed client-side validation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationProblem {
    /// A mandatory column is not declared or has an empty value.
    Missing,
    /// An uppercase key column holds lowercase characters.
    NotUppercase {
        /// The offending value.
        value: String,
    },
    /// A value is longer than the column allows and the column's overflow policy is `Reject`.
    TooLong {
        /// Length in characters.
        length: usize,
        /// The column's maximum length.
        max: usize,
    },
    /// A value cannot be written as the column's declared type.
    TypeMismatch {
        /// The declared FoxPro type letter.
        expected: char,
        /// A description of the value.
        found: String,
    },
    /// A row has a different number of values than the table declares columns.
    WrongValueCount {
        /// Number of declared columns.
        expected: usize,
        /// Number of values in the row.
        found: usize,
    },
    /// A detail row points to a header row that does not exist.
    UnknownHeaderRow {
        /// The 0-based header index the row refers to.
        index: usize,
    },
    /// `RowId` / `HeaderId` are added by the encoder and must not be declared by hand.
    Reserved,
}

impl fmt::Display for ValidationProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("mandatory value is missing"),
            Self::NotUppercase { value } => write!(f, "must be uppercase, got {value:?}"),
            Self::TooLong { length, max } => {
                write!(f, "{length} characters, at most {max} allowed")
            }
            Self::TypeMismatch { expected, found } => {
                write!(f, "cannot write {found} as FoxPro type {expected}")
            }
            Self::WrongValueCount { expected, found } => {
                write!(f, "row has {found} values for {expected} declared columns")
            }
            Self::UnknownHeaderRow { index } => {
                write!(f, "detail row refers to missing header row {index}")
            }
            Self::Reserved => f.write_str("RowId and HeaderId are added automatically"),
        }
    }
}

/// Longest body excerpt kept in an error.
const SNIPPET_CHARS: usize = 200;

/// The first [`SNIPPET_CHARS`] characters of a body, lossily decoded, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().nth(SNIPPET_CHARS).is_some() {
        out.push('…');
    }
    out
}

impl Error {
    /// Wraps a token-store failure (for [`crate::TokenStore`] implementations in other crates).
    pub fn token_store(source: impl Into<BoxError>) -> Self {
        Self::TokenStore {
            source: source.into(),
        }
    }

    /// A decode error at `path` with a message instead of a source error.
    pub(crate) fn decode(
        path: impl Into<String>,
        message: impl Into<String>,
        snippet: impl Into<String>,
    ) -> Self {
        Self::Decode {
            path: path.into(),
            source: message.into().into(),
            snippet: snippet.into(),
        }
    }

    /// A validation error.
    pub(crate) fn validation(table: &str, field: &str, problem: ValidationProblem) -> Self {
        Self::Validation {
            table: table.to_owned(),
            field: field.to_owned(),
            problem,
        }
    }

    /// Prefixes the path of a [`Error::Decode`] (e.g. with `CONTACT[1]`); other variants pass through.
    pub(crate) fn at_path(self, prefix: &str) -> Self {
        match self {
            Self::Decode {
                path,
                source,
                snippet,
            } => Self::Decode {
                path: if path.is_empty() || path == "$" {
                    prefix.to_owned()
                } else {
                    format!("{prefix}.{path}")
                },
                source,
                snippet,
            },
            other => other,
        }
    }

    /// Whether repeating the same request later may succeed: gateway errors, timeouts, transport errors,
    /// 5xx and 429 statuses. Business errors, validation and auth problems are not retryable.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Gateway { .. } | Self::Timeout | Self::Transport { .. } => true,
            Self::Http { status, .. } => {
                status.is_server_error() || *status == StatusCode::TOO_MANY_REQUESTS
            }
            _ => false,
        }
    }

    /// Whether the request may have reached the server (and so, for a write, may have taken effect).
    ///
    /// `false` only when the request certainly never left this process or certainly was not
    /// processed: configuration, validation and token-store errors, a required re-authorisation,
    /// and transport errors that happened before the request was sent (e.g. connection refused).
    pub fn may_have_been_sent(&self) -> bool {
        match self {
            Self::Config(_)
            | Self::Validation { .. }
            | Self::TokenStore { .. }
            | Self::ReauthorizationRequired => false,
            Self::Transport { sent, .. } => *sent,
            _ => true,
        }
    }

    /// Whether this is AccountView's answer to a read without rows rather than a failure: an
    /// AccountView error body (status 404, or inside a 2xx) whose message says that no records were
    /// found and complains about nothing (the sandbox's, and the form seen in the wild:
    /// `{"ErrorType":"AccountViewError","ErrorNumbers":[1011],"ErrorMessage":"Er zijn geen records
    /// gevonden die voldoen aan het filter."}`).
    ///
    /// The message decides, not `ErrorNumbers`: the numbers are undocumented. Never true for a 404
    /// with an HTML, empty or non-AccountView body, nor for one naming an unknown business object,
    /// table or field: those are what a wrong path or business object looks like, and reading them
    /// as "no rows" would make every lookup blind.
    pub fn is_no_records(&self) -> bool {
        match self {
            Self::AccountView {
                status, message, ..
            } => {
                (*status == StatusCode::NOT_FOUND || status.is_success())
                    && crate::http::says_no_records(message)
            }
            _ => false,
        }
    }

    /// Whether this is an AccountView error saying that a business object, table or field the
    /// request names does not exist in the administration (a configuration problem).
    pub fn names_unknown_schema(&self) -> bool {
        matches!(self, Self::AccountView { message, .. } if crate::http::names_unknown_schema(message))
    }

    /// The HTTP status of the response behind this error, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::AccountView { status, .. }
            | Self::Gateway { status, .. }
            | Self::Http { status, .. }
            | Self::OAuth { status, .. } => Some(*status),
            Self::Unauthorized => Some(StatusCode::UNAUTHORIZED),
            Self::NotFound { .. } => Some(StatusCode::NOT_FOUND),
            _ => None,
        }
    }
}

impl From<koppel_http::TransportError> for Error {
    fn from(e: koppel_http::TransportError) -> Self {
        match e.kind() {
            koppel_http::TransportErrorKind::Timeout => Error::Timeout,
            _ => {
                let sent = e.may_have_been_sent();
                Error::Transport {
                    source: e.into_source(),
                    sent,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_classification() {
        let gateway = Error::Gateway {
            status: StatusCode::BAD_GATEWAY,
            snippet: String::new(),
        };
        assert!(gateway.is_retryable());
        assert!(gateway.may_have_been_sent());
        let business = Error::AccountView {
            error_type: "AccountViewError".into(),
            numbers: None,
            message: "x".into(),
            status: StatusCode::INTERNAL_SERVER_ERROR,
        };
        assert!(!business.is_retryable());
        assert_eq!(business.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
        let refused = Error::Transport {
            source: "refused".into(),
            sent: false,
        };
        assert!(refused.is_retryable());
        assert!(!refused.may_have_been_sent());
        assert!(
            Error::Http {
                status: StatusCode::TOO_MANY_REQUESTS,
                snippet: String::new()
            }
            .is_retryable()
        );
        assert!(!Error::ReauthorizationRequired.may_have_been_sent());
        assert!(!Error::Unauthorized.is_retryable());
    }

    #[test]
    fn decode_path_prefixing() {
        let e = Error::decode("CRED_LIM", "bad", "x").at_path("CONTACT[1]");
        match e {
            Error::Decode { path, .. } => assert_eq!(path, "CONTACT[1].CRED_LIM"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn snippet_is_char_safe_and_bounded() {
        let body = "é".repeat(500);
        let s = snippet(body.as_bytes());
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(snippet(b"short"), "short");
    }
}
