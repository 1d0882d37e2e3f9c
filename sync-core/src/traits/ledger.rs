//! The ledger side of the order flow.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{ArticleIndex, LedgerDebtors};
use crate::domain::{
    BookingRef, DeliveryAddressDraft, DeliveryAddressRecord, ExternalReference, SalesDocument,
    SalesDocumentKind,
};
use crate::error::SyncError;

/// The numeric range new debtor numbers are taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtorNumberRange {
    /// The lowest number (inclusive).
    pub from: u64,
    /// The highest number (inclusive).
    pub to: u64,
}

impl DebtorNumberRange {
    /// Whether `number` lies in the range.
    pub fn contains(&self, number: u64) -> bool {
        (self.from..=self.to).contains(&number)
    }
}

/// A ledger that keeps debtors (see the [`LedgerDebtors`] supertrait), delivery addresses and
/// articles, and books sales documents.
///
/// The order flow is lookup-before-create: it calls [`find_booking`](Ledger::find_booking) with the
/// order's external reference before [`book`](Ledger::book), because neither side offers idempotency
/// keys.
#[async_trait]
pub trait Ledger: LedgerDebtors {
    /// Called once at the start of every run, before any record: the connector loads what it keeps
    /// per run (an administration's field dictionary, say) and checks its configuration against the
    /// ledger. The warnings (an optional column that is absent and left out, say) go into the run
    /// report; an error stops the run before anything is written. The default does nothing.
    async fn prepare(&self) -> Result<Vec<String>, SyncError> {
        Ok(Vec::new())
    }

    /// The delivery addresses stored under a debtor.
    async fn delivery_addresses(
        &self,
        debtor: &str,
    ) -> Result<Vec<DeliveryAddressRecord>, SyncError>;

    /// Store a new delivery address under a debtor.
    async fn create_delivery_address(
        &self,
        debtor: &str,
        address: &DeliveryAddressDraft,
    ) -> Result<DeliveryAddressRecord, SyncError>;

    /// All articles, indexed by article code, SKU and EAN. Flows call this once per run.
    async fn article_index(&self) -> Result<ArticleIndex, SyncError>;

    /// The booking stamped with `reference`, if one exists.
    async fn find_booking(
        &self,
        reference: &ExternalReference,
        kind: SalesDocumentKind,
    ) -> Result<Option<BookingRef>, SyncError>;

    /// Book a sales document. Not retried blindly: a retry is only safe after `find_booking`.
    async fn book(&self, document: &SalesDocument) -> Result<BookingRef, SyncError>;
}
