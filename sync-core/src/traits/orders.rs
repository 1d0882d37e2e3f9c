//! The shop side of the order flow.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::ReadWindow;
use crate::domain::{BookingRef, CreditNote, Order, OrderFilter, OrderSummary};
use crate::error::SyncError;
use futures::stream::BoxStream;

/// Whether and how the ledger's booking number is written back to the shop order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum WriteBack {
    /// No write-back.
    #[default]
    None,
    /// Set the order's custom status to this status id.
    CustomStatus {
        /// The shop's custom status id.
        id: String,
    },
    /// Store the booking number in a metafield with this key.
    Metafield {
        /// The metafield key.
        key: String,
    },
}

/// The source of shop orders and credit notes.
#[async_trait]
pub trait OrderSource: Send + Sync {
    /// The connector's cumulative API usage (monotonic counters); flows record the difference over a
    /// run in its report. Connectors without counters keep the default (all zero).
    fn api_stats(&self) -> crate::report::ApiStats {
        crate::report::ApiStats::default()
    }

    /// The orders changed inside `window`, as a lazy stream of list entries: each comes once, in
    /// no promised order (roughly by change time), and the source reads the next page only when
    /// the entries before it were taken. The first error ends the stream.
    ///
    /// Implementations push `filter` down to the API where they can, and may return a superset:
    /// flows check [`OrderFilter::matches_summary`] on every entry, and the complete order again
    /// before they book it.
    fn changed_orders<'a>(
        &'a self,
        window: &ReadWindow,
        filter: &OrderFilter,
    ) -> BoxStream<'a, Result<OrderSummary, SyncError>>;

    /// One order, complete with lines, by its shop id; `Ok(None)` when it does not exist.
    async fn fetch_order(&self, id: &str) -> Result<Option<Order>, SyncError>;

    /// The credit notes for one order.
    async fn credit_notes_for_order(&self, order_id: &str) -> Result<Vec<CreditNote>, SyncError>;

    /// Credit notes changed inside `window`.
    async fn changed_credit_notes(&self, window: &ReadWindow)
    -> Result<Vec<CreditNote>, SyncError>;

    /// Write the booking back to the shop order as `target` says. Called only when write-back is
    /// configured; the default reports the operation as unsupported (a fatal configuration error).
    async fn write_back(
        &self,
        order: &Order,
        booking: &BookingRef,
        target: &WriteBack,
    ) -> Result<(), SyncError> {
        let _ = (order, booking, target);
        Err(SyncError::unsupported("write_back"))
    }
}
