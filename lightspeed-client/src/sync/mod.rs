//! The connector to `sync-core` (feature `sync`): a Lightspeed shop as the order source of the
//! order flow.
//!
//! * [`LightspeedShop`] implements [`OrderSource`](sync_core::traits::OrderSource) over a
//!   [`LightspeedClient`](crate::LightspeedClient): changed orders (one request for a poll of
//!   fewer than 250, read completely however the shop changes meanwhile; see [`crate::scan`]),
//!   single orders with their lines, credit notes, write-back of the booking number, API usage.
//! * [`ShopOptions`]: shop id, currency, page size, whether to fetch non-embedded invoices.
//! * [`mapping`]: the pure functions from Lightspeed payloads to sync-core's neutral
//!   [`Order`](sync_core::domain::Order) and [`CreditNote`](sync_core::domain::CreditNote).
//! * [`map_error`]: the one mapping of client errors to
//!   [`SyncError`](sync_core::error::SyncError) classes.
//!
//! Every neutral order and credit note keeps the payload in `raw`: the JSON object exactly as
//! Lightspeed sent it (keys in order), read once as a `serde_json::Value` and decoded into the
//! typed model from that value. Lines, invoices or invoice items that needed a request of their own
//! are added where Lightspeed embeds them (`products.resource.embedded`,
//! `invoices.resource.embedded`, `items.resource.embedded`), so `raw` is always the whole record.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use lightspeed_client::sync::{LightspeedShop, ShopOptions};
//! use lightspeed_client::{Cluster, LightspeedClient};
//! use sync_core::domain::OrderFilter;
//! use sync_core::traits::{OrderSource, ReadWindow};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = LightspeedClient::builder()
//!     .cluster(Cluster::Eu1)
//!     .language("nl")
//!     .credentials(std::env::var("LS_KEY")?, std::env::var("LS_SECRET")?)
//!     .build()?;
//! let options = ShopOptions { currency: Some("EUR".into()), ..ShopOptions::default() };
//! let shop = LightspeedShop::new(client, options)?;
//!
//! // Orders changed in the last hour: a lazy stream of summaries without lines.
//! let now = chrono::Utc::now();
//! let window = ReadWindow::new(Some(now - chrono::Duration::hours(1)), now);
//! let mut summaries = shop.changed_orders(&window, &OrderFilter::default());
//! while let Some(summary) = summaries.try_next().await? {
//!     // The complete order, with lines, only for the ones worth booking.
//!     if let Some(order) = shop.fetch_order(&summary.source_id).await? {
//!         println!("{} {}: {} lines, {}", order.number, order.payment_status, order.lines.len(), order.totals.incl);
//!     }
//! }
//! println!("{} requests", shop.api_stats().requests);
//! # Ok(()) }
//! ```

mod amounts;
mod credit_map;
mod errors;
#[cfg(test)]
mod mapping_tests;
mod options;
mod order_map;
mod party;
mod raw;
mod shop;
mod source;
mod status;
mod stock;
mod write_back;

pub use errors::{Operation, map_error};
pub use options::ShopOptions;
pub use shop::LightspeedShop;

/// Lightspeed payloads → sync-core's neutral types, as pure functions (no requests).
pub mod mapping {
    pub use super::amounts::{order_discount, order_line, payment, shipping};
    pub use super::credit_map::map_credit_note;
    pub use super::order_map::{MapContext, invoice_info, map_order};
    pub use super::party::party;
    pub use super::status::{order_status, payment_status, shipment_status};
}
