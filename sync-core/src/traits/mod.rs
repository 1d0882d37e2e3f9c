//! The traits flows are written against, and the small types their signatures share.
//!
//! * Role traits for the four flows (each flow uses exactly these; the building blocks in
//!   [`crate::blocks`] take them as `dyn`): [`OrderSource`] (the shop's orders), [`Ledger`] (debtors, articles,
//!   bookings; it extends [`LedgerDebtors`]), [`ArticleSource`] (the ledger's articles), [`Catalog`] (the
//!   shop's products, variants and stock) and [`ShopCustomers`] / [`LedgerDebtors`] for both directions
//!   of the customer flow.
//! * Around the flows: [`Notifier`] with the [`NotifyGate`] that turns outcomes into one notification per
//!   incident, and [`Clock`].
//!
//! All traits are object safe, `Send + Sync`, and use `async_trait` so they can be used as `dyn`.
//! In-memory implementations of each live in [`crate::testing`].

mod catalog;
mod clock;
mod customers;
mod index;
mod ledger;
mod notify;
mod orders;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use catalog::{
    ArticleSource, Catalog, ProductPatch, ShopProduct, StockTarget, StockUpdate, VariantPatch,
};
pub use clock::{Clock, SystemClock};
pub use customers::{LedgerDebtors, ShopCustomers};
pub use index::{
    ArticleIndex, ArticleRef, CatalogIndex, Keyed, Resolved, ShopVariant, VariantIndex,
};
pub use ledger::{DebtorNumberRange, Ledger};
pub use notify::{Notification, NotificationKind, Notifier, NotifyGate, Severity, hint_for};
pub use orders::{OrderSource, WriteBack};

/// A time window to read changes in: from `since` (the cursor minus the look-back window, which the
/// flow subtracts before building the window) up to `until` (the run's start, so a cursor never passes
/// what was read). Both ends are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadWindow {
    /// Changes at or after this instant; `None` reads everything.
    pub since: Option<DateTime<Utc>>,
    /// Changes at or before this instant.
    pub until: DateTime<Utc>,
}

impl ReadWindow {
    /// A window from `since` up to `until`.
    pub fn new(since: Option<DateTime<Utc>>, until: DateTime<Utc>) -> Self {
        Self { since, until }
    }

    /// Everything up to `until`.
    pub fn up_to(until: DateTime<Utc>) -> Self {
        Self { since: None, until }
    }

    /// Whether `at` falls inside the window (both ends inclusive).
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.since.is_none_or(|since| at >= since) && at <= self.until
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn read_window_bounds_are_inclusive() {
        let t = |h| Utc.with_ymd_and_hms(2024, 5, 1, h, 0, 0).unwrap();
        let w = ReadWindow::new(Some(t(10)), t(12));
        assert!(w.contains(t(10)));
        assert!(w.contains(t(12)));
        assert!(!w.contains(t(9)));
        assert!(!w.contains(t(13)));
        assert!(ReadWindow::up_to(t(12)).contains(t(0)));
    }
}
