//! One HTTP attempt and the rules shared by every call: the client-side timeout, request counting,
//! tracing, response classification and the retry decision.

use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use serde::Deserialize;

use crate::error::{Error, Result, snippet};
use crate::transport::{HttpRequest, HttpResponse, Transport};
use koppel_http::RetryPolicy;
use koppel_http::StatsCounters;

/// The transport plus the policies every request follows.
pub(crate) struct HttpCore {
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) stats: StatsCounters,
}

impl std::fmt::Debug for HttpCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpCore")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl HttpCore {
    /// Sends one attempt under the client's own timeout (so a custom transport cannot hang the client).
    pub(crate) async fn send_once(&self, request: HttpRequest) -> Result<HttpResponse> {
        self.stats.request();
        let started = tokio::time::Instant::now();
        let method = request.method.clone();
        let path = request.url.path().to_owned();
        let outcome = tokio::time::timeout(self.timeout, self.transport.send(request)).await;
        match outcome {
            Err(_elapsed) => {
                tracing::debug!(%method, %path, "request timed out");
                Err(Error::Timeout)
            }
            Ok(Err(e)) => {
                tracing::debug!(%method, %path, error = %e, "transport error");
                Err(e.into())
            }
            Ok(Ok(response)) => {
                tracing::debug!(
                    %method,
                    %path,
                    status = response.status.as_u16(),
                    elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    "response"
                );
                Ok(response)
            }
        }
    }

    /// The wait before the next attempt, or `None` when `error` must be returned.
    ///
    /// Reads (`idempotent`) are retried on any retryable error; writes only when the request certainly
    /// did not reach the server.
    pub(crate) fn retry_delay(
        &self,
        error: &Error,
        idempotent: bool,
        attempt: u32,
    ) -> Option<Duration> {
        if attempt >= self.retry.max_attempts || !error.is_retryable() {
            return None;
        }
        if !idempotent && error.may_have_been_sent() {
            return None;
        }
        Some(self.retry.backoff(attempt))
    }
}

/// AccountView's error body.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    #[serde(rename = "ErrorType", default)]
    error_type: Option<String>,
    #[serde(rename = "ErrorNumbers", default)]
    error_numbers: Option<serde_json::Value>,
    #[serde(rename = "ErrorMessage", default)]
    error_message: Option<String>,
}

/// Whether `body` looks like JSON (after leading whitespace and a UTF-8 BOM).
pub(crate) fn looks_like_json(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    matches!(
        body.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[' | b'"')
    )
}

/// The AccountView error carried by a JSON object body, if any (`ErrorMessage` or `ErrorType` set).
pub(crate) fn accountview_error(status: StatusCode, body: &[u8]) -> Option<Error> {
    let parsed: ErrorBody = serde_json::from_slice(body).ok()?;
    if parsed.error_message.is_none() && parsed.error_type.is_none() {
        return None;
    }
    Some(Error::AccountView {
        error_type: parsed.error_type.unwrap_or_default(),
        numbers: parsed.error_numbers.filter(|v| !v.is_null()),
        message: parsed.error_message.unwrap_or_default(),
        status,
    })
}

/// Phrases of AccountView's answer to a read without rows ("Er zijn geen records gevonden die voldoen
/// aan het filter."), Dutch and English, lowercase. The wording is not documented; these are the
/// plausible forms.
const NO_RECORDS_MARKERS: [&str; 6] = [
    "geen records",
    "geen gegevens",
    "geen rijen",
    "no records",
    "no rows",
    "no data found",
];

/// Words that turn an answer into a complaint about the request (an unknown business object, table
/// or field; an invalid filter), lowercase. An answer with one of them is never "no records", even
/// when it also says that nothing was found.
const PROBLEM_MARKERS: [&str; 9] = [
    "onbekend",
    "unknown",
    "bestaat niet",
    "does not exist",
    "doesn't exist",
    "ongeldig",
    "invalid",
    "niet toegestaan",
    "not allowed",
];

/// Words saying that something does not exist, lowercase (a subset of [`PROBLEM_MARKERS`]: an
/// "invalid value" is about a record, not the schema).
const ABSENCE_MARKERS: [&str; 5] = [
    "onbekend",
    "unknown",
    "bestaat niet",
    "does not exist",
    "doesn't exist",
];

/// Names of the parts of a request that can be wrong in the administration's schema, lowercase.
const SCHEMA_SUBJECTS: [&str; 9] = [
    "bedrijfsobject",
    "business object",
    "businessobject",
    "tabel",
    "table",
    "veld",
    "field",
    "kolom",
    "column",
];

/// Whether an AccountView error message is the "no records" answer: it says nothing was found and
/// complains about nothing.
pub(crate) fn says_no_records(message: &str) -> bool {
    let message = message.to_lowercase();
    NO_RECORDS_MARKERS.iter().any(|m| message.contains(m))
        && !PROBLEM_MARKERS.iter().any(|m| message.contains(m))
}

/// Whether an AccountView error message says that a business object, table or field of the request
/// is unknown ("Onbekend bedrijfsobject DJ2X.", "Veld REF_NR bestaat niet in tabel SO_HDR."): a
/// configuration problem, never a problem of one record.
pub(crate) fn names_unknown_schema(message: &str) -> bool {
    let message = message.to_lowercase();
    SCHEMA_SUBJECTS.iter().any(|m| message.contains(m))
        && ABSENCE_MARKERS.iter().any(|m| message.contains(m))
}

/// Sorts a data-call response into success or a typed error.
///
/// Order matters: 401 first (handled by one refresh), then an AccountView error body whatever the
/// status (also inside a 2xx; the "no records" answer is one, see [`Error::is_no_records`]), then
/// other 404s, then HTML or empty bodies (the relay or the merchant's server is down), then other
/// non-success statuses.
pub(crate) fn classify_data_response(response: HttpResponse) -> Result<HttpResponse> {
    let status = response.status;
    if status == StatusCode::UNAUTHORIZED {
        return Err(Error::Unauthorized);
    }
    let is_json = looks_like_json(&response.body);
    if is_json && let Some(e) = accountview_error(status, &response.body) {
        return Err(e);
    }
    if status == StatusCode::NOT_FOUND {
        return Err(Error::NotFound {
            snippet: snippet(&response.body),
        });
    }
    if !is_json {
        return Err(Error::Gateway {
            status,
            snippet: snippet(&response.body),
        });
    }
    if status.is_success() {
        Ok(response)
    } else {
        Err(Error::Http {
            status,
            snippet: snippet(&response.body),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(StatusCode::from_u16(status).unwrap(), body.to_owned())
    }

    #[test]
    fn classifies_error_body_inside_2xx() {
        let err = classify_data_response(resp(
            200,
            r#"{"ErrorType":"AccountViewError","ErrorNumbers":null,"ErrorMessage":"Debiteur bestaat al."}"#,
        ))
        .unwrap_err();
        match err {
            Error::AccountView {
                message,
                status,
                numbers,
                ..
            } => {
                assert_eq!(message, "Debiteur bestaat al.");
                assert_eq!(status, StatusCode::OK);
                assert!(numbers.is_none());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn classifies_html_and_empty_as_gateway() {
        assert!(matches!(
            classify_data_response(resp(502, "<html>Bad Gateway</html>")),
            Err(Error::Gateway { .. })
        ));
        assert!(matches!(
            classify_data_response(resp(200, "")),
            Err(Error::Gateway { .. })
        ));
        assert!(matches!(
            classify_data_response(resp(503, "  ")),
            Err(Error::Gateway { .. })
        ));
    }

    #[test]
    fn tells_the_no_records_answer_from_a_complaint() {
        for yes in [
            "Er zijn geen records gevonden die voldoen aan het filter.",
            "Geen records gevonden.",
            "No records found.",
            "No data found for the filter",
        ] {
            assert!(says_no_records(yes), "{yes}");
            assert!(!names_unknown_schema(yes), "{yes}");
        }
        for no in [
            "Onbekend bedrijfsobject DJ2X.",
            "Veld REF_NR bestaat niet in tabel SO_HDR.",
            "Er zijn geen records gevonden: tabel X is onbekend.",
            "Debiteur 10025 bestaat al.",
            "",
        ] {
            assert!(!says_no_records(no), "{no}");
        }
        assert!(names_unknown_schema("Onbekend bedrijfsobject DJ2X."));
        assert!(names_unknown_schema("Unknown business object 'DJ2X'"));
        assert!(names_unknown_schema(
            "Veld REF_NR bestaat niet in tabel SO_HDR."
        ));
        assert!(!names_unknown_schema("Debiteur 10099 bestaat niet."));
        assert!(!names_unknown_schema(
            "Ongeldige waarde voor veld MAIL_BUS."
        ));
    }

    #[test]
    fn classifies_statuses() {
        assert!(matches!(
            classify_data_response(resp(401, "{}")),
            Err(Error::Unauthorized)
        ));
        assert!(matches!(
            classify_data_response(resp(404, "<html/>")),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            classify_data_response(resp(500, r#"{"Message":"An error has occurred."}"#)),
            Err(Error::Http { .. })
        ));
        assert!(classify_data_response(resp(200, r#"{"CONTACT":[]}"#)).is_ok());
        assert!(classify_data_response(resp(200, "\u{feff}[]")).is_ok());
    }
}
