//! The one mapping from [`crate::Error`] to sync-core's [`SyncError`].
//!
//! | client error | class | kind |
//! | --- | --- | --- |
//! | rate limited (a window exhausted beyond the client's maximum wait) | retryable, with `retry_after` | rate_limited |
//! | transport | retryable | transport |
//! | timeout, 408 | retryable | timeout |
//! | 5xx | retryable | transport |
//! | 401 | fatal | auth |
//! | 403 | fatal | auth (names the permission the call needed) |
//! | decode | skippable | decode (names the JSON path) |
//! | 404 | skippable | not_found |
//! | other 4xx, error body on a 2xx | skippable | api |
//! | configuration | fatal | config |
//!
//! A failed write whose request may have reached Lightspeed ([`crate::Error::may_have_been_sent`])
//! is marked [`SyncError::with_outcome_unknown`]. Messages never contain credentials: the client's
//! errors carry none.

use http::StatusCode;
use sync_core::error::{ErrorClass, ErrorKind, SyncError};

use crate::error::Error;

/// Whether the failed call read or wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// A `GET`.
    Read,
    /// A `PUT` or `POST`: an ambiguous failure is marked outcome-unknown.
    Write,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Operation::Read => "read",
            Operation::Write => "write",
        }
    }
}

/// Maps a client error to a [`SyncError`].
///
/// `scope` is the API-key permission the call needs (`orders`, `settings`…, as in
/// `account/permissions`), named in the message of a 403; `context` says what was being done
/// (`"listing orders"`) and starts the message. The client error is kept as the source.
pub fn map_error(error: Error, operation: Operation, scope: &str, context: &str) -> SyncError {
    use ErrorClass::{Fatal, Retryable, Skippable};
    let (class, kind, hint) = match &error {
        Error::RateLimited { .. } => (Retryable, ErrorKind::RateLimited, None),
        Error::Transport { .. } => (Retryable, ErrorKind::Transport, None),
        Error::Timeout => (Retryable, ErrorKind::Timeout, None),
        Error::Unauthorized => (Fatal, ErrorKind::Auth, None),
        Error::Forbidden => (
            Fatal,
            ErrorKind::Auth,
            Some(format!(
                "the API key needs the `{scope}` {} permission; grant it in the shop's back office \
                 under the API key's permissions",
                operation.as_str()
            )),
        ),
        Error::NotFound { .. } => (
            Skippable,
            ErrorKind::NotFound,
            Some("if every call fails like this, check that the client's language is active in the shop".to_owned()),
        ),
        Error::Decode { .. } => (Skippable, ErrorKind::Decode, None),
        Error::Api { status, .. } if *status == StatusCode::REQUEST_TIMEOUT => {
            (Retryable, ErrorKind::Timeout, None)
        }
        Error::Api { status, .. } if status.is_server_error() => {
            (Retryable, ErrorKind::Transport, None)
        }
        Error::Api { .. } => (Skippable, ErrorKind::Api, None),
        Error::Config(_) => (Fatal, ErrorKind::Config, None),
    };
    let message = match hint {
        Some(hint) => format!("{context}: {error} ({hint})"),
        None => format!("{context}: {error}"),
    };
    let retry_after = match &error {
        Error::RateLimited { retry_after, .. } => *retry_after,
        _ => None,
    };
    let outcome_unknown = operation == Operation::Write && error.may_have_been_sent();
    let mut mapped = SyncError::with_class(class, kind, message).with_source(error);
    if let Some(wait) = retry_after {
        mapped = mapped.with_retry_after(wait);
    }
    if outcome_unknown {
        mapped = mapped.with_outcome_unknown();
    }
    mapped
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::ratelimit::RateWindow;

    fn api(status: u16) -> Error {
        Error::Api {
            status: StatusCode::from_u16(status).unwrap(),
            code: None,
            method: "PUT".into(),
            request: "/nl/orders/1.json".into(),
            message: "Invalid data input.".into(),
        }
    }

    fn read(error: Error) -> SyncError {
        map_error(error, Operation::Read, "orders", "listing orders")
    }

    #[test]
    fn rate_limits_are_retryable_with_the_wait() {
        let e = read(Error::RateLimited {
            retry_after: Some(Duration::from_secs(90)),
            window: Some(RateWindow::Hour),
        });
        assert!(e.is_retryable());
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(90)));
        assert!(!e.outcome_unknown());
        assert!(e.message().starts_with("listing orders: rate limited"));
    }

    #[test]
    fn transport_timeouts_and_server_errors_are_retryable() {
        let sent = Error::Transport {
            source: "reset".into(),
            sent: true,
        };
        assert_eq!(read(sent).kind(), ErrorKind::Transport);
        assert_eq!(read(Error::Timeout).kind(), ErrorKind::Timeout);
        assert!(read(api(503)).is_retryable());
        assert_eq!(read(api(408)).kind(), ErrorKind::Timeout);
    }

    #[test]
    fn auth_errors_are_fatal_and_name_the_permission() {
        let e = read(Error::Unauthorized);
        assert!(e.stops_run());
        assert_eq!(e.kind(), ErrorKind::Auth);
        let e = map_error(
            Error::Forbidden,
            Operation::Write,
            "orders",
            "setting status",
        );
        assert!(e.stops_run());
        assert!(e.message().contains("`orders` write permission"), "{e}");
    }

    #[test]
    fn record_problems_are_skippable() {
        let e = read(api(422));
        assert!(e.is_skippable());
        assert_eq!(e.kind(), ErrorKind::Api);
        let decode = crate::envelope::decode::<crate::models::Order>(
            br#"{"order": {"id": 1, "priceIncl": "lots"}}"#,
        )
        .unwrap_err();
        let e = read(decode);
        assert!(e.is_skippable());
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(e.message().contains("order.priceIncl"), "{e}");
        // Items decoded through `Raw` name the envelope path and the path inside the item.
        let decode = crate::envelope::decode::<super::super::raw::Raw<crate::models::Order>>(
            br#"{"order": {"id": 1, "priceIncl": "lots"}}"#,
        )
        .unwrap_err();
        let e = read(decode);
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(
            e.message().contains("`order`") && e.message().contains("at `priceIncl`"),
            "{e}"
        );
        let e = read(Error::NotFound {
            request: "/nl/orders/9.json".into(),
        });
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(e.is_skippable());
        assert!(read(Error::Config("bad".into())).stops_run());
    }

    #[test]
    fn ambiguous_writes_are_outcome_unknown() {
        let write = |e| map_error(e, Operation::Write, "orders", "writing");
        assert!(write(Error::Timeout).outcome_unknown());
        assert!(
            write(api(422)).outcome_unknown(),
            "a 4xx reached the server"
        );
        let not_sent = Error::Transport {
            source: "refused".into(),
            sent: false,
        };
        assert!(!write(not_sent).outcome_unknown());
        assert!(
            !write(Error::RateLimited {
                retry_after: None,
                window: None
            })
            .outcome_unknown()
        );
        assert!(!read(Error::Timeout).outcome_unknown(), "reads never are");
    }
}
