//! Both directions of the customer flow.

use async_trait::async_trait;

use super::{DebtorNumberRange, ReadWindow};
use crate::domain::{Customer, DebtorDraft, DebtorRecord, Email, Party};
use crate::error::SyncError;

/// The shop's customers.
#[async_trait]
pub trait ShopCustomers: Send + Sync {
    /// The connector's cumulative API usage (monotonic counters); flows record the difference over a
    /// run in its report. Connectors without counters keep the default (all zero).
    fn api_stats(&self) -> crate::report::ApiStats {
        crate::report::ApiStats::default()
    }

    /// Customers changed inside `window`.
    async fn changed_customers(&self, window: &ReadWindow) -> Result<Vec<Customer>, SyncError>;

    /// Customers with this e-mail address (more than one is an ambiguous match for the flow).
    async fn find_customers_by_email(&self, email: &Email) -> Result<Vec<Customer>, SyncError>;

    /// Create a customer; the shop must not send a welcome e-mail.
    async fn create_customer(&self, party: &Party) -> Result<Customer, SyncError>;

    /// Update the customer with shop id `id`.
    async fn update_customer(&self, id: &str, party: &Party) -> Result<Customer, SyncError>;
}

/// The ledger's debtors. [`Ledger`](super::Ledger) extends this trait, so the order flow and the
/// customer flow share one implementation.
#[async_trait]
pub trait LedgerDebtors: Send + Sync {
    /// The connector's cumulative API usage (monotonic counters); flows record the difference over a
    /// run in its report. Connectors without counters keep the default (all zero).
    fn api_stats(&self) -> crate::report::ApiStats {
        crate::report::ApiStats::default()
    }

    /// Debtors changed inside `window`.
    async fn changed_debtors(&self, window: &ReadWindow) -> Result<Vec<DebtorRecord>, SyncError>;

    /// Debtors with this e-mail address. The flow treats more than one as an ambiguous match.
    async fn find_debtor_by_email(&self, email: &Email) -> Result<Vec<DebtorRecord>, SyncError>;

    /// One debtor by number; `Ok(None)` when it does not exist.
    async fn get_debtor(&self, number: &str) -> Result<Option<DebtorRecord>, SyncError>;

    /// Create a debtor. `number` is the number to use; `None` lets the ledger assign one.
    async fn create_debtor(
        &self,
        draft: &DebtorDraft,
        number: Option<&str>,
    ) -> Result<DebtorRecord, SyncError>;

    /// Update debtor `number` with the draft's fields.
    async fn update_debtor(
        &self,
        number: &str,
        draft: &DebtorDraft,
    ) -> Result<DebtorRecord, SyncError>;

    /// The next free debtor number inside `range`; a skippable or fatal error when the range is full.
    async fn next_debtor_number(&self, range: &DebtorNumberRange) -> Result<String, SyncError>;
}
