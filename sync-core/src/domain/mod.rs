//! The neutral domain model: what the flows move between a shop and a ledger.
//!
//! Nothing here knows a vendor. Connectors in the client crates translate their wire types into these
//! types and back. Every type is serde-serialisable: records are written to the activity log, hashed to
//! skip unchanged writes, and kept in dead letters.
//!
//! * identity and contact data: [`Email`], [`CountryCode`], [`Address`], [`Party`], [`Customer`];
//! * money: [`Currency`], [`Money`], [`VatRate`] and the one rounding rule, [`round_cents`];
//! * shop orders: [`Order`], [`OrderLine`], [`Charge`], [`OrderDiscount`], [`CreditNote`] and the open
//!   status enums in [`status`];
//! * catalogue: [`Article`], [`Product`], [`Variant`], [`StockLevel`], and [`MatchKey`] for matching by
//!   article code, SKU or EAN;
//! * bookings: [`SalesDocument`], [`BookingLine`], [`DebtorDraft`], [`DebtorRecord`] and friends.

mod address;
mod booking;
mod catalog;
mod country;
mod email;
mod hash;
mod money;
mod order;
mod party;
pub mod status;

pub use address::Address;
pub use booking::{
    BookingLine, BookingLineKind, BookingRef, DebtorDraft, DebtorRecord, DebtorRef,
    DeliveryAddressDraft, DeliveryAddressRecord, ExternalReference, SalesDocument,
    SalesDocumentKind,
};
pub use catalog::{
    Article, ArticleGroup, MatchKey, Product, ProductImage, StockLevel, Variant,
    ean_checksum_valid, normalize_ean,
};
pub use country::CountryCode;
pub use email::Email;
pub use hash::{ContentHash, content_hash};
pub use money::{Currency, Money, VatRate, round_cents};
pub use order::{
    Charge, CreditNote, InvoiceInfo, Order, OrderDiscount, OrderFilter, OrderLine, OrderSummary,
    OrderTotals, VatBreakdown,
};
pub use party::{Customer, Party, PartyKind};
pub use status::{OrderStatus, PaymentStatus, ShipmentStatus};

/// A value from outside did not have the shape a domain type requires.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// Not an e-mail address.
    #[error("invalid e-mail address `{0}`")]
    InvalidEmail(String),
    /// Not an ISO 3166-1 alpha-2 country code.
    #[error("invalid country code `{0}` (expected two letters, ISO 3166-1 alpha-2)")]
    InvalidCountry(String),
    /// Not an ISO 4217 currency code.
    #[error("invalid currency code `{0}` (expected three letters, ISO 4217)")]
    InvalidCurrency(String),
    /// A VAT rate outside 0..=100 %.
    #[error("invalid VAT rate `{0}` (expected a fraction between 0 and 1)")]
    InvalidVatRate(String),
}

impl From<DomainError> for crate::error::SyncError {
    /// Bad data in one record: skippable, kind `validation`.
    fn from(error: DomainError) -> Self {
        Self::skippable(crate::error::ErrorKind::Validation, error.to_string()).with_source(error)
    }
}
