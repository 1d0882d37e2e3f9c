//! The order flow: shop orders → ledger sales orders or sales-journal invoices, each booked exactly once.
//!
//! A run reads the orders changed since the cursor (minus the look-back window, capped at the run's
//! start), or a historic range, or the orders webhooks announced (the inbox), or single orders, or
//! dead letters to replay. For each order it:
//!
//! 1. checks the filters (order, payment and shipment status) and the id map (already booked → done);
//! 2. claims the order in the state store (another worker holding it → deferred: the cursor or the
//!    inbox keeps it); the claim is renewed by a heartbeat while the order is processed;
//! 3. looks the booking up in the ledger by the external reference Koppel stamps on it — this catches a
//!    booking whose confirmation was lost in a crash, and a state store that was reset;
//! 4. fetches the complete order (never trusting a list entry or a webhook body), resolves the debtor
//!    (default debtor, or by normalised e-mail: found, created or updated) and the delivery address,
//!    matches every line to a ledger article (one article index per run, loaded before any claim),
//!    maps the order to a [`SalesDocument`](crate::domain::SalesDocument) that reconciles to the shop
//!    total to the cent — all within the record's deadline;
//! 5. renews the claim once more with its fencing token (the fence), books, links the ids and
//!    confirms the claim with its token;
//! 6. logs an activity entry (what came in, what was sent, the answer), or dead-letters the order with
//!    the exact reason when it cannot be booked.
//!
//! A write that failed in a way that may still have reached the ledger is looked up at once; when the
//! lookup does not find it, the claim is parked so nobody writes the order again before the ledger
//! had time to show the first write. When the ledger is unreachable the run stops early and the cursor
//! stays before the first record that was not done, so nothing is skipped. Credit notes follow the same
//! protocol and are booked once as credit postings on the debtor of their order; one whose order is
//! not booked yet waits for it.
//!
//! The whole argument — what is claimed when, each crash point, what two workers can and cannot do —
//! is in [`exactly_once`].

/// The exactly-once argument of the orders flow (a page to read, no items).
#[doc = include_str!("EXACTLY_ONCE.md")]
pub mod exactly_once {}

mod credit;
pub(crate) mod debtor;
pub mod document;
mod process;
mod run;

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use crate::config::OrdersConfig;
use crate::state::{DeadLetterId, OrdersState};
use crate::traits::{Clock, Ledger, OrderSource, SystemClock};

/// The flow name used for cursors, leases, runs and dead letters.
pub const FLOW: &str = "orders";

/// Where a run takes its orders from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Intake {
    /// The orders changed since the cursor (the first run starts at `orders.import_from`, else at the
    /// look-back window before now). Also retries dead letters that are due.
    Poll,
    /// The orders changed since a date, whatever the cursor says (a historic import). The cursor moves
    /// forward afterwards when it was behind.
    Historic {
        /// The first day to read.
        from: NaiveDate,
    },
    /// These orders by shop id (a manual request). The cursor is not touched.
    Orders(Vec<String>),
    /// The orders announced in the state store's inbox (by webhooks): each is removed from the inbox
    /// once it is done (booked, already booked, skipped or dead-lettered), and stays there when it is
    /// not (another worker holds it, or the run stopped), so a crash or an outage loses none. Also
    /// retries dead letters that are due, so a webhook-only installation retries without a schedule.
    Inbox,
    /// Replay these dead letters now, whatever their schedule.
    Replay(Vec<DeadLetterId>),
}

/// One run request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest {
    /// Where the orders come from.
    pub intake: Intake,
    /// Show what would be written and write nothing (no bookings, no state).
    pub dry_run: bool,
}

impl RunRequest {
    /// A normal incremental poll.
    pub fn poll() -> Self {
        Self {
            intake: Intake::Poll,
            dry_run: false,
        }
    }

    /// The same request as a dry run.
    #[must_use]
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// The order flow for one connection (a shop and an administration).
///
/// ```no_run
/// # async fn demo(
/// #     source: std::sync::Arc<dyn sync_core::traits::OrderSource>,
/// #     ledger: std::sync::Arc<dyn sync_core::traits::Ledger>,
/// # ) -> Result<(), sync_core::error::SyncError> {
/// use std::sync::Arc;
/// use sync_core::config::OrdersConfig;
/// use sync_core::flows::{OrdersFlow, RunRequest};
/// use sync_core::state::MemoryStateStore;
///
/// let flow = OrdersFlow::new("default", OrdersConfig::default(), source, ledger,
///     Arc::new(MemoryStateStore::new()));
/// let report = flow.run(RunRequest::poll()).await?;
/// println!("{} booked, {} dead-lettered", report.counts.created, report.counts.dead_lettered);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct OrdersFlow {
    connection: String,
    config: OrdersConfig,
    source: Arc<dyn OrderSource>,
    ledger: Arc<dyn Ledger>,
    state: Arc<dyn OrdersState>,
    clock: Arc<dyn Clock>,
    worker: String,
    lease_ttl: Duration,
}

impl std::fmt::Debug for OrdersFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrdersFlow")
            .field("connection", &self.connection)
            .field("worker", &self.worker)
            .finish_non_exhaustive()
    }
}

impl OrdersFlow {
    /// The flow for `connection` with the system clock and a unique worker id.
    pub fn new(
        connection: impl Into<String>,
        config: OrdersConfig,
        source: Arc<dyn OrderSource>,
        ledger: Arc<dyn Ledger>,
        state: Arc<dyn OrdersState>,
    ) -> Self {
        Self {
            connection: connection.into(),
            config,
            source,
            ledger,
            state,
            clock: Arc::new(SystemClock),
            worker: format!("worker-{}", uuid::Uuid::new_v4()),
            lease_ttl: crate::blocks::run::DEFAULT_LEASE_TTL,
        }
    }

    /// Use another clock (tests, simulations).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Name this worker (claims and leases record it).
    #[must_use]
    pub fn with_worker_id(mut self, worker: impl Into<String>) -> Self {
        self.worker = worker.into();
        self
    }

    /// How long the flow's lease lasts without a renewal before another worker may take over
    /// (default one minute; renewed three times per period while the run goes on).
    #[must_use]
    pub fn with_lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl;
        self
    }

    /// The scope the building blocks write state in: this connection, worker and clock.
    pub(crate) fn block_worker(&self) -> crate::blocks::Worker<'_> {
        crate::blocks::Worker {
            connection: &self.connection,
            id: &self.worker,
            clock: &self.clock,
        }
    }

    /// The connection this flow serves.
    pub fn connection(&self) -> &str {
        &self.connection
    }

    /// The flow's settings.
    pub fn config(&self) -> &OrdersConfig {
        &self.config
    }
}
