//! The building blocks the flows are made of, as public functions with small inputs, so a service
//! can compose its own flow — with its own state store, clock and notifier — and still book
//! exactly once.
//!
//! | block | what it does | the flows use it for |
//! | --- | --- | --- |
//! | [`run::RunScope`] | holds the flow's lease (renewed while the work goes on), records the run, stores the report | every run |
//! | [`claim::RecordClaim`] | one owner per record: claim, heartbeat, fence before the write, confirm, release, park | every write to a target without idempotency keys |
//! | [`dedup::claim_and_look_up`] | order de-duplication: the claim, then a lookup by the reference the booking is stamped with | orders and credit notes |
//! | [`debtor::upsert_debtor`] | debtor upsert by normalised e-mail: found (cached in the id map), created (numbered) or updated when a mapped field changed | the debtor of an order |
//! | [`debtor::delivery_address`] | a delivery address under a debtor: matched by normalised address, else created | sales orders shipped elsewhere |
//! | [`changed::write_if_changed`] | a changed-only write: compares with the content hash of what was written last (or what the target shows) | stock levels |
//! | [`VariantIndex::resolve`](crate::traits::VariantIndex::resolve) | a shop variant by SKU, EAN or article code, in a configured order, refusing ambiguous matches | stock |
//!
//! An order flow in outline, the way [`OrdersFlow`](crate::flows::OrdersFlow) composes these:
//!
//! ```text
//! RunScope::run ─┬─ for each changed order (a lazy stream of OrderSummary):
//!                │    id map says booked? → done
//!                │    claim_and_look_up → Done | Busy (defer) | Recovered (link) | Write(claim)
//!                │    claim.heartbeat( fetch order → upsert_debtor → delivery_address → document )
//!                │    claim.fence() → ledger.book() → link → claim.confirm()
//!                └─ cursor: never past a record that is not done
//! ```
//!
//! `sync-core/tests/embedding.rs` composes an order flow from these blocks one by one, as an
//! embedding service would.

pub mod changed;
pub mod claim;
pub mod debtor;
pub mod dedup;
pub mod run;

use std::sync::Arc;

use crate::traits::Clock;

/// Who does the work, and for which connection: the scope every block that writes state needs.
#[derive(Clone, Copy)]
pub struct Worker<'a> {
    /// The connection (shop/administration pair) the state belongs to.
    pub connection: &'a str,
    /// This worker's id (claims and leases record it).
    pub id: &'a str,
    /// The clock the state is timed by.
    pub clock: &'a Arc<dyn Clock>,
}

impl std::fmt::Debug for Worker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("connection", &self.connection)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}
