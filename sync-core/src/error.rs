//! The error every flow, trait and connector speaks: [`SyncError`].
//!
//! A `SyncError` carries two facts a flow needs to decide what to do next:
//!
//! * its [`ErrorClass`]: [`Fatal`](ErrorClass::Fatal) stops the run (bad configuration, revoked
//!   credentials, a bug), [`Retryable`](ErrorClass::Retryable) leaves the record for a later attempt with
//!   back-off, and [`Skippable`](ErrorClass::Skippable) dead-letters this one record while the run goes on.
//!   **A skippable error never stops a run.**
//! * its [`ErrorKind`]: what went wrong, so a [`RunReport`](crate::report::RunReport) can group the first
//!   errors of a run by kind.
//!
//! Client crates map their own errors into `SyncError` with the constructors
//! ([`SyncError::retryable`], [`SyncError::skippable`], [`SyncError::fatal`], [`SyncError::new`]) and attach
//! the original error with [`SyncError::with_source`]. Messages must never contain credentials.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A boxed error that can cross threads; the `source` of a [`SyncError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// How a flow must react to an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorClass {
    /// Stop the run: configuration, authentication or a programming error. Nothing later would succeed.
    Fatal,
    /// Try again later (with back-off): a timeout, a rate limit, a server that is briefly away.
    Retryable,
    /// Dead-letter this record and go on with the next one: the record itself cannot be processed.
    Skippable,
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Fatal => "fatal",
            Self::Retryable => "retryable",
            Self::Skippable => "skippable",
        })
    }
}

/// What went wrong, independent of how to react. Used to group errors in run reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The configuration is invalid or incomplete.
    Config,
    /// Credentials were rejected or must be renewed.
    Auth,
    /// The network or the remote server could not be reached.
    Transport,
    /// A request took longer than its timeout.
    Timeout,
    /// The remote API asked us to slow down.
    RateLimited,
    /// The remote API answered with an error.
    Api,
    /// A response could not be decoded.
    Decode,
    /// A record failed a validation rule (ours or the target's).
    Validation,
    /// A record could not be mapped to the target's shape.
    Mapping,
    /// An order line refers to an article the ledger does not know.
    MissingArticle,
    /// A lookup matched more than one record, so none may be picked.
    AmbiguousMatch,
    /// The target holds a conflicting record (e.g. SKU and EAN point to different products).
    Conflict,
    /// A record that should exist was not found.
    NotFound,
    /// The state store failed.
    State,
    /// The connector does not support the requested operation.
    Unsupported,
    /// A bug or an invariant that did not hold.
    Internal,
}

impl ErrorKind {
    /// The snake_case name used in reports and logs (`"missing_article"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::Auth => "auth",
            Self::Transport => "transport",
            Self::Timeout => "timeout",
            Self::RateLimited => "rate_limited",
            Self::Api => "api",
            Self::Decode => "decode",
            Self::Validation => "validation",
            Self::Mapping => "mapping",
            Self::MissingArticle => "missing_article",
            Self::AmbiguousMatch => "ambiguous_match",
            Self::Conflict => "conflict",
            Self::NotFound => "not_found",
            Self::State => "state",
            Self::Unsupported => "unsupported",
            Self::Internal => "internal",
        }
    }

    /// The class an error of this kind has unless the caller says otherwise (used by [`SyncError::new`]).
    pub fn default_class(self) -> ErrorClass {
        match self {
            Self::Config | Self::Auth | Self::State | Self::Unsupported | Self::Internal => {
                ErrorClass::Fatal
            }
            Self::Transport | Self::Timeout | Self::RateLimited => ErrorClass::Retryable,
            Self::Api
            | Self::Decode
            | Self::Validation
            | Self::Mapping
            | Self::MissingArticle
            | Self::AmbiguousMatch
            | Self::Conflict
            | Self::NotFound => ErrorClass::Skippable,
        }
    }
}

impl std::str::FromStr for ErrorKind {
    type Err = String;

    /// Parse the snake_case name ([`as_str`](Self::as_str)), e.g. from a stored dead letter.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const ALL: [ErrorKind; 16] = [
            ErrorKind::Config,
            ErrorKind::Auth,
            ErrorKind::Transport,
            ErrorKind::Timeout,
            ErrorKind::RateLimited,
            ErrorKind::Api,
            ErrorKind::Decode,
            ErrorKind::Validation,
            ErrorKind::Mapping,
            ErrorKind::MissingArticle,
            ErrorKind::AmbiguousMatch,
            ErrorKind::Conflict,
            ErrorKind::NotFound,
            ErrorKind::State,
            ErrorKind::Unsupported,
            ErrorKind::Internal,
        ];
        ALL.into_iter()
            .find(|k| k.as_str() == text.trim())
            .ok_or_else(|| format!("unknown error kind `{text}`"))
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error type of the sync layer. The variant is the [`ErrorClass`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// Stop the run.
    #[error("{kind}: {message}")]
    Fatal {
        /// What went wrong.
        kind: ErrorKind,
        /// A human-readable explanation without secrets.
        message: String,
        /// The underlying error, if any.
        #[source]
        source: Option<BoxError>,
        /// Whether a write may have reached the target before this error (see
        /// [`SyncError::outcome_unknown`]).
        outcome_unknown: bool,
    },
    /// Try again later.
    #[error("{kind}: {message}")]
    Retryable {
        /// What went wrong.
        kind: ErrorKind,
        /// A human-readable explanation without secrets.
        message: String,
        /// How long the remote side asked us to wait, when it said so.
        retry_after: Option<Duration>,
        /// The underlying error, if any.
        #[source]
        source: Option<BoxError>,
        /// Whether a write may have reached the target before this error (see
        /// [`SyncError::outcome_unknown`]).
        outcome_unknown: bool,
    },
    /// Dead-letter this record and go on.
    #[error("{kind}: {message}")]
    Skippable {
        /// What went wrong.
        kind: ErrorKind,
        /// A human-readable explanation without secrets.
        message: String,
        /// The underlying error, if any.
        #[source]
        source: Option<BoxError>,
        /// Whether a write may have reached the target before this error (see
        /// [`SyncError::outcome_unknown`]).
        outcome_unknown: bool,
    },
}

impl SyncError {
    /// An error of `kind` with the kind's [default class](ErrorKind::default_class).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::with_class(kind.default_class(), kind, message)
    }

    /// An error with an explicit class.
    pub fn with_class(class: ErrorClass, kind: ErrorKind, message: impl Into<String>) -> Self {
        let message = message.into();
        match class {
            ErrorClass::Fatal => Self::Fatal {
                kind,
                message,
                source: None,
                outcome_unknown: false,
            },
            ErrorClass::Retryable => Self::Retryable {
                kind,
                message,
                retry_after: None,
                source: None,
                outcome_unknown: false,
            },
            ErrorClass::Skippable => Self::Skippable {
                kind,
                message,
                source: None,
                outcome_unknown: false,
            },
        }
    }

    /// A fatal error: the run stops.
    pub fn fatal(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::with_class(ErrorClass::Fatal, kind, message)
    }

    /// A retryable error: the record is left for a later attempt.
    pub fn retryable(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::with_class(ErrorClass::Retryable, kind, message)
    }

    /// A skippable error: the record is dead-lettered and the run goes on.
    pub fn skippable(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::with_class(ErrorClass::Skippable, kind, message)
    }

    /// A fatal configuration error.
    pub fn config(message: impl Into<String>) -> Self {
        Self::fatal(ErrorKind::Config, message)
    }

    /// A skippable mapping error.
    pub fn mapping(message: impl Into<String>) -> Self {
        Self::skippable(ErrorKind::Mapping, message)
    }

    /// A fatal state-store error.
    pub fn state(message: impl Into<String>) -> Self {
        Self::fatal(ErrorKind::State, message)
    }

    /// A fatal "not supported by this connector" error naming the operation.
    pub fn unsupported(operation: &str) -> Self {
        Self::fatal(
            ErrorKind::Unsupported,
            format!("this connector does not support `{operation}`"),
        )
    }

    /// Attach the underlying error (kept as [`std::error::Error::source`]).
    #[must_use]
    pub fn with_source(mut self, error: impl Into<BoxError>) -> Self {
        let boxed = Some(error.into());
        match &mut self {
            Self::Fatal { source, .. }
            | Self::Retryable { source, .. }
            | Self::Skippable { source, .. } => *source = boxed,
        }
        self
    }

    /// Record how long the remote side asked us to wait. Only meaningful on retryable errors; ignored on others.
    #[must_use]
    pub fn with_retry_after(mut self, wait: Duration) -> Self {
        if let Self::Retryable { retry_after, .. } = &mut self {
            *retry_after = Some(wait);
        }
        self
    }

    /// Turn this error into a skippable one of the same kind, keeping message and source.
    ///
    /// Flows use it when a retryable error has used up its attempts: the record goes to the dead letters.
    #[must_use]
    pub fn into_skippable(self) -> Self {
        match self {
            Self::Retryable {
                kind,
                message,
                source,
                outcome_unknown,
                ..
            }
            | Self::Fatal {
                kind,
                message,
                source,
                outcome_unknown,
            } => Self::Skippable {
                kind,
                message,
                source,
                outcome_unknown,
            },
            skippable @ Self::Skippable { .. } => skippable,
        }
    }

    /// Mark this error as raised by a write that may nevertheless have been applied by the target
    /// (a timeout or a dropped connection after the request was sent). Connectors set it from their
    /// client's "may have been sent" answer; flows then look the record up before doing anything else.
    #[must_use]
    pub fn with_outcome_unknown(mut self) -> Self {
        match &mut self {
            Self::Fatal {
                outcome_unknown, ..
            }
            | Self::Retryable {
                outcome_unknown, ..
            }
            | Self::Skippable {
                outcome_unknown, ..
            } => *outcome_unknown = true,
        }
        self
    }

    /// Whether the failed write may have been applied by the target anyway: the flow must look the
    /// record up (lookup-before-create) before it retries or gives up.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Self::Fatal {
                outcome_unknown, ..
            }
            | Self::Retryable {
                outcome_unknown, ..
            }
            | Self::Skippable {
                outcome_unknown, ..
            } => *outcome_unknown,
        }
    }

    /// How the flow must react.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Fatal { .. } => ErrorClass::Fatal,
            Self::Retryable { .. } => ErrorClass::Retryable,
            Self::Skippable { .. } => ErrorClass::Skippable,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Fatal { kind, .. }
            | Self::Retryable { kind, .. }
            | Self::Skippable { kind, .. } => *kind,
        }
    }

    /// The message without the kind prefix.
    pub fn message(&self) -> &str {
        match self {
            Self::Fatal { message, .. }
            | Self::Retryable { message, .. }
            | Self::Skippable { message, .. } => message,
        }
    }

    /// The wait the remote side asked for, on retryable errors.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Retryable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the run must stop. Only fatal errors stop a run.
    pub fn stops_run(&self) -> bool {
        self.class() == ErrorClass::Fatal
    }

    /// Whether a later attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        self.class() == ErrorClass::Retryable
    }

    /// Whether this record should be dead-lettered while the run goes on.
    pub fn is_skippable(&self) -> bool {
        self.class() == ErrorClass::Skippable
    }
}

impl From<serde_json::Error> for SyncError {
    /// A JSON (de)serialisation failure concerns one record: skippable, kind `decode`.
    fn from(error: serde_json::Error) -> Self {
        Self::skippable(ErrorKind::Decode, error.to_string()).with_source(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn constructors_set_class_and_kind() {
        let e = SyncError::retryable(ErrorKind::Timeout, "slow");
        assert_eq!(e.class(), ErrorClass::Retryable);
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert_eq!(e.to_string(), "timeout: slow");
        assert!(e.is_retryable());
        assert!(!e.stops_run());

        let e = SyncError::skippable(ErrorKind::MissingArticle, "no ABC");
        assert!(e.is_skippable());
        assert!(!e.stops_run(), "a skippable error never stops a run");

        assert!(SyncError::fatal(ErrorKind::Auth, "revoked").stops_run());
        assert!(SyncError::config("bad").stops_run());
        assert_eq!(SyncError::mapping("x").class(), ErrorClass::Skippable);
        assert_eq!(SyncError::state("x").kind(), ErrorKind::State);
        assert!(
            SyncError::unsupported("write_back")
                .message()
                .contains("write_back")
        );
    }

    #[test]
    fn new_uses_the_kind_default_class() {
        assert_eq!(
            SyncError::new(ErrorKind::RateLimited, "").class(),
            ErrorClass::Retryable
        );
        assert_eq!(
            SyncError::new(ErrorKind::AmbiguousMatch, "").class(),
            ErrorClass::Skippable
        );
        assert_eq!(
            SyncError::new(ErrorKind::Config, "").class(),
            ErrorClass::Fatal
        );
    }

    #[test]
    fn source_and_retry_after_are_kept() {
        let io = std::io::Error::other("connection reset");
        let e = SyncError::retryable(ErrorKind::Transport, "reset")
            .with_source(io)
            .with_retry_after(Duration::from_secs(7));
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(
            e.source().map(|s| s.to_string()).as_deref(),
            Some("connection reset")
        );
        // retry_after is ignored on non-retryable errors
        let e = SyncError::fatal(ErrorKind::Auth, "x").with_retry_after(Duration::from_secs(1));
        assert_eq!(e.retry_after(), None);
    }

    #[test]
    fn kinds_parse_from_their_names() {
        assert_eq!("missing_article".parse(), Ok(ErrorKind::MissingArticle));
        assert_eq!(
            ErrorKind::RateLimited.as_str().parse(),
            Ok(ErrorKind::RateLimited)
        );
        assert!("nonsense".parse::<ErrorKind>().is_err());
    }

    #[test]
    fn outcome_unknown_survives_reclassification() {
        let e = SyncError::retryable(ErrorKind::Timeout, "no answer");
        assert!(!e.outcome_unknown());
        let e = e.with_outcome_unknown().into_skippable();
        assert!(e.outcome_unknown());
        assert!(e.is_skippable());
    }

    #[test]
    fn exhausted_retries_become_skippable() {
        let e = SyncError::retryable(ErrorKind::Api, "502")
            .with_source(std::io::Error::other("gw"))
            .into_skippable();
        assert!(e.is_skippable());
        assert_eq!(e.kind(), ErrorKind::Api);
        assert!(e.source().is_some());
    }

    #[test]
    fn json_errors_are_skippable_decode_errors() {
        let err = serde_json::from_str::<u32>("\"x\"").unwrap_err();
        let e = SyncError::from(err);
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(e.is_skippable());
    }

    #[test]
    fn kind_names_are_snake_case_in_serde_and_display() {
        assert_eq!(
            serde_json::to_string(&ErrorKind::MissingArticle).unwrap(),
            "\"missing_article\""
        );
        assert_eq!(ErrorKind::RateLimited.to_string(), "rate_limited");
        assert_eq!(ErrorClass::Skippable.to_string(), "skippable");
    }
}
