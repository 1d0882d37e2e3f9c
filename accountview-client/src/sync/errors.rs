//! The one mapping from [`crate::Error`] to sync-core's [`SyncError`].
//!
//! | client error | class | kind |
//! | --- | --- | --- |
//! | gateway, timeout, transport, 5xx, 408, 429 | retryable | transport / timeout / rate_limited |
//! | 401 after refresh, re-authorisation required, OAuth error, 403 | fatal | auth |
//! | client-side validation | skippable | validation |
//! | AccountView error body saying the service is unavailable | retryable | transport |
//! | AccountView error naming an unknown business object, table or field, on a read | fatal | config |
//! | other AccountView error / 4xx on a write or a one-record lookup | skippable | api |
//! | other AccountView error / 4xx on a whole-table scan | fatal | api |
//! | 404 that is not the "no records" answer, on a read (wrong path or business object) | fatal | config |
//! | decode | skippable | decode |
//! | configuration | fatal | config |
//! | token store | fatal | state |
//!
//! A write whose error says the request may have reached AccountView
//! ([`crate::Error::may_have_been_sent`]) is marked [`SyncError::with_outcome_unknown`], so the flow
//! looks the booking up before doing anything else.

use http::StatusCode;
use sync_core::error::{ErrorClass, ErrorKind, SyncError};

use crate::error::Error;

/// What the failed call was, which decides how severe an AccountView refusal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// A filtered read about one record (a debtor by e-mail, a booking by reference): a refusal is
    /// about that record's data (e.g. a quote in an e-mail address), so skippable.
    Lookup,
    /// A read of a whole table driven by configuration (articles, debtor numbers): a refusal means a
    /// configured column or object is wrong and would fail every time, so fatal.
    Scan,
    /// A write (`POST` / `PUT`): a refusal is a record problem (unknown article, existing debtor), so
    /// skippable; an ambiguous failure is marked outcome-unknown.
    Write,
}

/// Phrases in AccountView error messages that mean "the administration is not reachable right now"
/// rather than "this record is wrong" (Dutch and English; the relay's texts are not documented).
const UNAVAILABLE_MARKERS: [&str; 8] = [
    "niet beschikbaar",
    "niet bereikbaar",
    "not available",
    "unavailable",
    "offline",
    "not reachable",
    "is locked",
    "vergrendeld",
];

fn says_unavailable(status: StatusCode, message: &str) -> bool {
    let message = message.to_lowercase();
    matches!(
        status,
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
    ) || UNAVAILABLE_MARKERS.iter().any(|m| message.contains(m))
}

/// Maps a client error to a [`SyncError`]. `context` says what was being done (e.g.
/// `"creating sales order LS-1-ORD1"`) and starts the message; the client error is kept as the source.
/// Messages never contain credentials (the client's errors carry none).
pub fn map_error(error: Error, operation: Operation, context: &str) -> SyncError {
    let (class, kind, hint) = classify(&error, operation);
    let message = match hint {
        Some(hint) => format!("{context}: {error} ({hint})"),
        None => format!("{context}: {error}"),
    };
    let outcome_unknown = operation == Operation::Write && error.may_have_been_sent();
    let mapped = SyncError::with_class(class, kind, message).with_source(error);
    if outcome_unknown {
        mapped.with_outcome_unknown()
    } else {
        mapped
    }
}

fn classify(error: &Error, operation: Operation) -> (ErrorClass, ErrorKind, Option<&'static str>) {
    use ErrorClass::{Fatal, Retryable, Skippable};
    const REAUTH: &str = "re-authorise with `koppel init`";
    const SCHEMA: &str = "check the configured AccountView columns and business objects";
    let refused = |kind| match operation {
        Operation::Scan => (Fatal, kind, Some(SCHEMA)),
        Operation::Lookup | Operation::Write => (Skippable, kind, None),
    };
    match error {
        Error::Gateway { .. } | Error::Transport { .. } => (Retryable, ErrorKind::Transport, None),
        Error::Timeout => (Retryable, ErrorKind::Timeout, None),
        Error::Http { status, .. } => match *status {
            StatusCode::TOO_MANY_REQUESTS => (Retryable, ErrorKind::RateLimited, None),
            StatusCode::REQUEST_TIMEOUT => (Retryable, ErrorKind::Timeout, None),
            StatusCode::FORBIDDEN => (
                Fatal,
                ErrorKind::Auth,
                Some("the AccountView user lacks the rights for this"),
            ),
            s if s.is_server_error() => (Retryable, ErrorKind::Transport, None),
            _ => refused(ErrorKind::Api),
        },
        Error::Unauthorized | Error::ReauthorizationRequired | Error::OAuth { .. } => {
            (Fatal, ErrorKind::Auth, Some(REAUTH))
        }
        Error::Validation { .. } => (Skippable, ErrorKind::Validation, None),
        Error::AccountView {
            status, message, ..
        } => {
            if says_unavailable(*status, message) {
                (Retryable, ErrorKind::Transport, None)
            } else if operation != Operation::Write && error.names_unknown_schema() {
                // A read the schema refuses fails for every record alike.
                (Fatal, ErrorKind::Config, Some(SCHEMA))
            } else {
                refused(ErrorKind::Api)
            }
        }
        // The client already reads AccountView's "no records" answer as no rows: a 404 that reaches
        // here is a wrong path or business object, and a lookup through it would be blind.
        Error::NotFound { .. } => match operation {
            Operation::Scan | Operation::Lookup => (
                Fatal,
                ErrorKind::Config,
                Some("the business object or path does not exist in this administration"),
            ),
            Operation::Write => (Skippable, ErrorKind::Api, None),
        },
        Error::Decode { .. } => (Skippable, ErrorKind::Decode, None),
        Error::Config(_) => (Fatal, ErrorKind::Config, None),
        Error::TokenStore { .. } => (Fatal, ErrorKind::State, None),
        // `Error` is non-exhaustive: a variant added later stops the run until it is mapped.
        #[allow(unreachable_patterns)]
        _ => (Fatal, ErrorKind::Internal, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn av(status: u16, message: &str) -> Error {
        Error::AccountView {
            error_type: "AccountViewError".into(),
            numbers: None,
            message: message.into(),
            status: StatusCode::from_u16(status).unwrap(),
        }
    }

    fn http(status: u16) -> Error {
        Error::Http {
            status: StatusCode::from_u16(status).unwrap(),
            snippet: String::new(),
        }
    }

    fn gateway() -> Error {
        Error::Gateway {
            status: StatusCode::BAD_GATEWAY,
            snippet: "<html>".into(),
        }
    }

    #[test]
    fn infrastructure_failures_are_retryable() {
        let e = map_error(gateway(), Operation::Scan, "reading AK1");
        assert!(e.is_retryable());
        assert_eq!(e.kind(), ErrorKind::Transport);
        assert!(!e.outcome_unknown(), "reads never carry outcome-unknown");
        assert!(e.message().starts_with("reading AK1: "));
        assert_eq!(
            map_error(Error::Timeout, Operation::Lookup, "x").kind(),
            ErrorKind::Timeout
        );
        assert_eq!(
            map_error(http(503), Operation::Lookup, "x").class(),
            ErrorClass::Retryable
        );
        assert_eq!(
            map_error(http(429), Operation::Lookup, "x").kind(),
            ErrorKind::RateLimited
        );
        let refused = Error::Transport {
            source: "connection refused".into(),
            sent: false,
        };
        let e = map_error(refused, Operation::Write, "x");
        assert!(e.is_retryable());
        assert!(!e.outcome_unknown(), "certainly not sent");
    }

    #[test]
    fn ambiguous_write_failures_are_outcome_unknown() {
        let e = map_error(Error::Timeout, Operation::Write, "creating SO1");
        assert!(e.is_retryable());
        assert!(e.outcome_unknown());
        assert!(
            map_error(gateway(), Operation::Write, "x").outcome_unknown(),
            "a gateway error may come after the relay forwarded the write"
        );
    }

    #[test]
    fn auth_failures_are_fatal_and_say_how_to_fix_them() {
        for err in [
            Error::Unauthorized,
            Error::ReauthorizationRequired,
            Error::OAuth {
                status: StatusCode::BAD_REQUEST,
                error: "invalid_client".into(),
                description: None,
            },
        ] {
            let e = map_error(err, Operation::Lookup, "x");
            assert!(e.stops_run());
            assert_eq!(e.kind(), ErrorKind::Auth);
            assert!(e.message().contains("re-authorise with `koppel init`"));
        }
        assert!(map_error(http(403), Operation::Write, "x").stops_run());
    }

    #[test]
    fn accountview_refusals_depend_on_the_operation() {
        let e = map_error(av(500, "Artikel XYZ bestaat niet."), Operation::Write, "x");
        assert!(e.is_skippable());
        assert_eq!(e.kind(), ErrorKind::Api);
        assert!(e.message().contains("Artikel XYZ bestaat niet."));
        assert!(map_error(av(400, "Ongeldige waarde"), Operation::Lookup, "x").is_skippable());
        let e = map_error(av(400, "Veld BAR_CODE onbekend"), Operation::Scan, "x");
        assert!(e.stops_run());
        assert!(
            e.message()
                .contains("check the configured AccountView columns")
        );
        assert!(map_error(http(400), Operation::Write, "x").is_skippable());
        assert!(map_error(http(400), Operation::Scan, "x").stops_run());
    }

    #[test]
    fn a_lookup_the_schema_refuses_stops_the_run_as_a_configuration_error() {
        // A lookup that cannot be performed would fail (or, worse, read "not found") for every
        // record: it is the configuration, not the record.
        for err in [
            Error::NotFound {
                snippet: "<html>Not Found</html>".into(),
            },
            av(404, "Onbekend bedrijfsobject DJ2X."),
            av(400, "Veld REF_NR bestaat niet in tabel SO_HDR."),
        ] {
            let text = err.to_string();
            let e = map_error(err, Operation::Lookup, "looking up booking X in DJ2X");
            assert!(e.stops_run(), "{text}");
            assert_eq!(e.kind(), ErrorKind::Config, "{text}");
        }
        let e = map_error(
            av(400, "Veld REF_NR bestaat niet in tabel SO_HDR."),
            Operation::Write,
            "x",
        );
        assert!(e.is_skippable(), "a write's refusal stays about its record");
    }

    #[test]
    fn unavailable_administrations_are_retryable_even_with_an_error_body() {
        for err in [
            av(200, "De administratie is momenteel niet beschikbaar."),
            av(500, "Service Unavailable"),
            av(503, "Fout"),
        ] {
            let e = map_error(err, Operation::Write, "x");
            assert!(e.is_retryable(), "{e}");
            assert_eq!(e.kind(), ErrorKind::Transport);
        }
    }

    #[test]
    fn record_problems_are_skippable() {
        let v = Error::Validation {
            table: "CONTACT".into(),
            field: "MAIL_BUS".into(),
            problem: crate::error::ValidationProblem::TooLong {
                length: 60,
                max: 50,
            },
        };
        let e = map_error(v, Operation::Write, "x");
        assert!(e.is_skippable());
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert!(!e.outcome_unknown(), "validation fails before sending");
        let d = Error::Decode {
            path: "SO_HDR[0]".into(),
            source: "bad".into(),
            snippet: String::new(),
        };
        assert_eq!(
            map_error(d, Operation::Lookup, "x").kind(),
            ErrorKind::Decode
        );
        let nf = Error::NotFound {
            snippet: String::new(),
        };
        assert_eq!(
            map_error(nf, Operation::Scan, "x").kind(),
            ErrorKind::Config
        );
        assert!(map_error(Error::Config("no company".into()), Operation::Lookup, "x").stops_run());
        let ts = Error::token_store(std::io::Error::other("disk full"));
        assert_eq!(
            map_error(ts, Operation::Lookup, "x").kind(),
            ErrorKind::State
        );
    }
}
