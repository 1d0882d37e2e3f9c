//! Typed async client for the Lightspeed eCom (C-Series) REST API.
//!
//! - **Typed models** for orders, customers, products, variants and every other resource the
//!   AccountView sync needs ([`models`]), decoded from real payloads: money as
//!   [`rust_decimal::Decimal`] without float rounding, `false`/`null`/`""`/`[]` as `None`, open
//!   enums, typed links, unknown fields kept.
//! - **Lazy lists**: `list()` builds a request with filters; `.stream()` yields items and
//!   `.pages()` pages, fetching only when polled, stopping on a short or repeated page.
//! - **Complete window reads**: `.scan_window(since, until)` reads every record changed in a
//!   time window without offset paging, so records updated during the read hide no others
//!   ([`scan`]).
//! - **Rate limits respected before they bite**: the 5-minute, hourly and daily windows from the
//!   `X-RateLimit-*` headers and the 20 requests/second cap ([`ratelimit`]).
//! - **Safe retries**: capped exponential backoff with full jitter for transport errors,
//!   timeouts and 5xx on idempotent requests; a `POST` only when it certainly did not reach the
//!   server ([`retry`]).
//! - **Typed errors** that say whether retrying makes sense and whether the request may have been
//!   processed ([`Error`]).
//! - **Webhooks**: signature verification and typed events ([`webhook`]).
//! - A **raw escape hatch** for unmodelled endpoints ([`LightspeedClient::request`]).
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use lightspeed_client::models::{OrderStatus, VariantUpdate};
//! use lightspeed_client::{Cluster, LightspeedClient};
//!
//! # async fn run() -> lightspeed_client::Result<()> {
//! let client = LightspeedClient::builder()
//!     .cluster(Cluster::Eu1)
//!     .language("nl")
//!     .credentials(std::env::var("LS_KEY").unwrap_or_default(), std::env::var("LS_SECRET").unwrap_or_default())
//!     .build()?;
//!
//! // Every order changed in the last day that awaits shipment, 250 per request, lazily.
//! let since = chrono::Utc::now() - chrono::Duration::days(1);
//! let mut orders = client
//!     .orders()
//!     .list()
//!     .updated_at_min(since)
//!     .status(OrderStatus::ProcessingAwaitingShipment)
//!     .stream();
//! while let Some(order) = orders.try_next().await? {
//!     let lines = client.orders().products(order.id).list().all().await?;
//!     println!("{:?}: {} lines, total {:?}", order.number, lines.len(), order.price_incl);
//! }
//!
//! // Set a variant's stock level.
//! let update = VariantUpdate { stock_level: Some(12), ..Default::default() };
//! client.variants().update(322_925_834, &update).await?;
//!
//! // What the calls cost.
//! let stats = client.stats();
//! println!("{} requests, {} retries, waited {:?}", stats.requests, stats.retries, stats.throttle_wait);
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod api_error;
mod client;
mod entity;
pub mod envelope;
mod error;
mod execute;
mod handler;
mod list;
pub mod models;
mod multipart;
pub mod ratelimit;
pub mod resources;
pub mod scan;
pub mod serde_util;
pub mod webhook;

#[cfg(feature = "sync")]
pub mod sync;

pub use client::{
    Cluster, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, LightspeedClient, LightspeedClientBuilder,
    split_language,
};
pub use entity::{Creatable, Deletable, Entity, Keys, Updatable};
pub use error::{Error, Result};
pub use handler::Handler;
/// Retries: the shared [`RetryPolicy`] and which requests may be repeated.
pub use koppel_http::retry;
/// The swappable HTTP layer (from the shared core).
pub use koppel_http::transport;
/// The HTTP core shared with `accountview-client`: one transport adapter serves both clients.
pub use koppel_http::{
    ClientStats, HttpRequest, HttpResponse, ReqwestTransport, RetryPolicy, Transport,
    TransportError, TransportErrorKind,
};
pub use list::{ListRequest, MAX_LIMIT, Page, format_filter_time};
pub use ratelimit::{RateLimitConfig, RateLimitObserver, RateLimitSnapshot, RateWindow};
pub use scan::{ScanStats, Scanned, Timestamped, WindowScan};

/// Re-exported so callers can name methods for [`LightspeedClient::request`].
pub use http::Method;
