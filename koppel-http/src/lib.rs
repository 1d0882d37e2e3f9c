//! The HTTP core shared by Koppel's API clients (`lightspeed-client`, `accountview-client`).
//!
//! Both clients build a complete [`HttpRequest`] and hand it to a [`Transport`]; everything above
//! it (authentication, rate limiting, decoding) stays in the client. What they share lives here, so
//! an embedder writes one transport adapter for both, tunes both with one [`RetryPolicy`] and reads
//! one [`ClientStats`]:
//!
//! * [`transport`] — the request and response types, [`Transport`] and the default
//!   [`ReqwestTransport`]; a [`TransportError`] says whether the request may have been sent.
//! * [`retry`] — capped exponential backoff with full jitter, and which requests may be repeated.
//! * [`stats`] — request, retry, throttle and token-refresh counters.
//! * [`paging`] — the guard that stops paging when a server ignores the page parameter.
//!
//! ```
//! use std::sync::Arc;
//! use koppel_http::{HttpRequest, HttpResponse, Transport, TransportError};
//!
//! /// Answers every request with an empty JSON object (a test double, or your own HTTP stack).
//! #[derive(Debug)]
//! struct Canned;
//!
//! #[async_trait::async_trait]
//! impl Transport for Canned {
//!     async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
//!         Ok(HttpResponse::new(http::StatusCode::OK, "{}"))
//!     }
//! }
//!
//! let transport: Arc<dyn Transport> = Arc::new(Canned);
//! // hand the same transport to `LightspeedClient::builder().transport(..)` and
//! // `AccountViewClient::builder().transport(..)`
//! # drop(transport);
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod paging;
pub mod retry;
pub mod stats;
pub mod transport;

pub use paging::RepeatGuard;
pub use retry::{RetryPolicy, is_idempotent};
pub use stats::{ClientStats, StatsCounters};
pub use transport::{
    BoxError, HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportError,
    TransportErrorKind,
};
