//! The one error type every state store returns.

/// A boxed error from a database driver, kept as the `source` of a [`StateError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in a state store.
///
/// Messages never contain credentials: a bad URL is described by its scheme only, never echoed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The URL names no state store this crate knows (`sqlite://…`, `sqlite::memory:`, `memory://`,
    /// `postgres://…`). Only the scheme is kept, so a password in the URL never reaches a log.
    #[error(
        "unsupported state store URL scheme `{scheme}` (expected sqlite://, sqlite::memory:, memory:// or postgres://)"
    )]
    UnsupportedUrl {
        /// The scheme that was given (the part before `:`).
        scheme: String,
    },
    /// The URL names a backend whose cargo feature is switched off.
    #[error(
        "the {backend} state store is not compiled in: enable the `{feature}` feature of sync-core"
    )]
    BackendDisabled {
        /// The backend the URL asked for.
        backend: &'static str,
        /// The sync-core feature that provides it.
        feature: &'static str,
    },
    /// Options or connection settings that cannot work (described without their secret parts).
    #[error("invalid state store configuration: {0}")]
    InvalidConfig(String),
    /// An argument the caller passed is out of range (for example a lease TTL too large to add to a date).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A record addressed by id does not exist.
    #[error("{what} {id} not found")]
    NotFound {
        /// What was looked for (`dead letter`, `run`).
        what: &'static str,
        /// The id that was not found.
        id: String,
    },
    /// The database driver failed.
    #[error("{backend} state store error: {source}")]
    Database {
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// Whether trying again later may succeed (lock contention, lost connection, pool timeout).
        transient: bool,
        /// The driver's error.
        #[source]
        source: BoxError,
    },
    /// A schema migration failed; the database is left at the previous version.
    #[error("state store schema migration {version} ({name}) failed: {source}")]
    Migration {
        /// The migration's version number.
        version: i64,
        /// The migration's name.
        name: &'static str,
        /// Why it failed.
        #[source]
        source: BoxError,
    },
    /// A stored value could not be decoded (a status the code does not know, malformed JSON…).
    #[error("stored {what} is corrupt: {detail}")]
    Corrupt {
        /// Which value.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// The blocking task that ran a SQLite call panicked or was cancelled.
    #[error("state store background task failed: {0}")]
    Task(String),
}

impl StateError {
    /// Whether the same call may succeed if tried again later (busy database, lost connection,
    /// pool exhausted). Flows may retry these; everything else is a bug or a configuration problem.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StateError::Database {
                transient: true,
                ..
            }
        )
    }

    pub(crate) fn corrupt(what: &'static str, detail: impl Into<String>) -> Self {
        StateError::Corrupt {
            what,
            detail: detail.into(),
        }
    }

    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        StateError::NotFound {
            what,
            id: id.to_string(),
        }
    }
}

impl From<serde_json::Error> for StateError {
    fn from(error: serde_json::Error) -> Self {
        StateError::corrupt("JSON value", error.to_string())
    }
}

impl From<tokio::task::JoinError> for StateError {
    fn from(error: tokio::task::JoinError) -> Self {
        StateError::Task(error.to_string())
    }
}

#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for StateError {
    fn from(error: rusqlite::Error) -> Self {
        let transient = matches!(
            error.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        );
        StateError::Database {
            backend: "sqlite",
            transient,
            source: Box::new(error),
        }
    }
}

#[cfg(feature = "postgres")]
impl From<tokio_postgres::Error> for StateError {
    fn from(error: tokio_postgres::Error) -> Self {
        // An I/O failure (refused, reset, unreachable), class 08 = connection exception, 40 =
        // transaction rollback (serialization failure, deadlock), 57P = server shutting down: all
        // worth a later retry.
        let io_failure =
            std::error::Error::source(&error).is_some_and(|source| source.is::<std::io::Error>());
        let transient = error.is_closed()
            || io_failure
            || error.code().is_some_and(|code| {
                let code = code.code();
                code.starts_with("08") || code.starts_with("40") || code.starts_with("57P")
            });
        StateError::Database {
            backend: "postgres",
            transient,
            source: Box::new(error),
        }
    }
}

#[cfg(feature = "postgres")]
impl From<deadpool_postgres::PoolError> for StateError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        match error {
            deadpool_postgres::PoolError::Backend(error) => error.into(),
            other => {
                let transient = matches!(other, deadpool_postgres::PoolError::Timeout(_));
                StateError::Database {
                    backend: "postgres",
                    transient,
                    source: Box::new(other),
                }
            }
        }
    }
}

impl From<StateError> for crate::error::SyncError {
    /// A state-store failure: retryable when the database said so (busy, connection lost), else fatal —
    /// flows must not go on writing to targets when they cannot record what they did.
    fn from(error: StateError) -> Self {
        use crate::error::{ErrorKind, SyncError};
        let message = error.to_string();
        let e = if error.is_transient() {
            SyncError::retryable(ErrorKind::State, message)
        } else {
            SyncError::fatal(ErrorKind::State, message)
        };
        e.with_source(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_url_names_only_the_scheme() {
        let error = StateError::UnsupportedUrl {
            scheme: "mysql".into(),
        };
        let text = error.to_string();
        assert!(text.contains("`mysql`"), "{text}");
        assert!(!error.is_transient());
    }

    #[test]
    fn only_transient_database_errors_are_transient() {
        let busy = StateError::Database {
            backend: "sqlite",
            transient: true,
            source: "database is locked".into(),
        };
        assert!(busy.is_transient());
        assert!(!StateError::not_found("run", 7).is_transient());
        assert_eq!(
            StateError::not_found("run", 7).to_string(),
            "run 7 not found"
        );
    }
}
