//! The crate's error type.

use std::net::SocketAddr;

/// What can go wrong when starting or driving the sandbox from Rust.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// A simulator could not bind its listening socket.
    #[error("cannot bind the {system} simulator to {addr}: {source}")]
    Bind {
        /// Which simulator (`lightspeed` or `accountview`).
        system: &'static str,
        /// The address that was asked for.
        addr: SocketAddr,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The configuration is not usable (e.g. a `time_scale` of zero).
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    /// A test helper named a record that does not exist.
    #[error("{kind} {id} does not exist in the sandbox")]
    NotFound {
        /// The kind of record (`order`, `customer`, `article`, ...).
        kind: &'static str,
        /// The id or code that was asked for.
        id: String,
    },
    /// A test helper was given data the simulator cannot accept.
    #[error("invalid input for the sandbox: {0}")]
    Invalid(String),
}
