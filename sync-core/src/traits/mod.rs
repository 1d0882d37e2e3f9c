//! The traits flows are written against, and the small types their signatures share.
//!
//! * Generic plumbing, as the crate-family card describes it: [`Source`] reads items over a time
//!   window, [`Sink`] writes one item and says what happened ([`WriteOutcome`]), and [`Mapper`] turns one
//!   shape into another (any `Fn(&I) -> Result<O, SyncError>` is a mapper).
//! * Role traits for the four flows: [`OrderSource`] (the shop's orders), [`Ledger`] (debtors, articles,
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

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::SyncError;

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

/// What a sink did with one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
#[non_exhaustive]
pub enum WriteOutcome {
    /// A new record was created in the target.
    Created {
        /// The target's id for it.
        id: String,
    },
    /// An existing record was changed.
    Updated {
        /// The target's id for it.
        id: String,
    },
    /// The target already held this content; nothing was written.
    Unchanged,
    /// The item was deliberately not written.
    Skipped {
        /// Why (e.g. "filtered out by article filter").
        reason: String,
    },
}

/// Reads items of type `T` from a system.
#[async_trait]
pub trait Source<T: Send + 'static>: Send + Sync {
    /// The items changed inside `window`.
    async fn read(&self, window: &ReadWindow) -> Result<Vec<T>, SyncError>;

    /// One item by its id in this system; `Ok(None)` when it does not exist.
    async fn get(&self, id: &str) -> Result<Option<T>, SyncError>;
}

/// Writes items of type `T` to a system, one at a time, reporting a per-item outcome.
#[async_trait]
pub trait Sink<T: Sync>: Send + Sync {
    /// Write one item.
    async fn write(&self, item: &T) -> Result<WriteOutcome, SyncError>;
}

/// Turns an `I` into an `O`. Mapping failures are usually [skippable](SyncError::skippable).
///
/// Closures are mappers:
///
/// ```
/// use sync_core::error::SyncError;
/// use sync_core::traits::Mapper;
/// let upper = |s: &String| -> Result<String, SyncError> { Ok(s.to_uppercase()) };
/// assert_eq!(upper.map(&"abc".to_owned()).unwrap(), "ABC");
/// ```
pub trait Mapper<I, O>: Send + Sync {
    /// Map one input.
    fn map(&self, input: &I) -> Result<O, SyncError>;
}

impl<I, O, F> Mapper<I, O> for F
where
    F: Fn(&I) -> Result<O, SyncError> + Send + Sync,
{
    fn map(&self, input: &I) -> Result<O, SyncError> {
        self(input)
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

    #[test]
    fn write_outcome_serialises_with_a_tag() {
        let json = serde_json::to_value(WriteOutcome::Created { id: "7".into() }).unwrap();
        assert_eq!(json, serde_json::json!({"outcome": "created", "id": "7"}));
        let json = serde_json::to_value(WriteOutcome::Unchanged).unwrap();
        assert_eq!(json, serde_json::json!({"outcome": "unchanged"}));
    }
}
