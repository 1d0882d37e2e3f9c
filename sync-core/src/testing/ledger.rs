//! An in-memory ledger.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::{Faults, MemoryLedgerDebtors, lock};
use crate::domain::{
    Article, BookingLineKind, BookingRef, DebtorDraft, DebtorRecord, DeliveryAddressDraft,
    DeliveryAddressRecord, Email, ExternalReference, SalesDocument, SalesDocumentKind,
};
use crate::error::{ErrorKind, SyncError};
use crate::traits::{
    ArticleIndex, ArticleRef, Clock, DebtorNumberRange, Ledger, LedgerDebtors, ReadWindow,
    SystemClock,
};

#[derive(Debug, Default)]
struct State {
    addresses: Vec<DeliveryAddressRecord>,
    articles: Vec<ArticleRef>,
    bookings: Vec<(BookingRef, SalesDocument)>,
}

/// A [`Ledger`] in memory: debtors (through [`MemoryLedgerDebtors`]), delivery addresses, seeded
/// articles and bookings.
///
/// Like a real ledger it refuses a booking whose article lines name an unknown article (a skippable
/// `validation` error). Bookings are numbered `SO1`, `SO2`… for sales orders and `INV1`… for
/// invoices and credit notes. Every operation can be made to fail through [`faults`](Self::faults).
/// Clones share state.
#[derive(Debug, Clone)]
pub struct MemoryLedger {
    debtors: MemoryLedgerDebtors,
    state: Arc<Mutex<State>>,
}

impl Default for MemoryLedger {
    fn default() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }
}

impl MemoryLedger {
    /// An empty ledger on the system clock.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty ledger that stamps debtor changes with `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self {
            debtors: MemoryLedgerDebtors::with_clock(clock),
            state: Arc::default(),
        }
    }

    /// Seed articles (they make up the article index).
    pub fn add_articles<'a>(&self, articles: impl IntoIterator<Item = &'a Article>) {
        lock(&self.state)
            .articles
            .extend(articles.into_iter().map(ArticleRef::from));
    }

    /// The debtor half, to seed or inspect debtors.
    pub fn debtor_book(&self) -> &MemoryLedgerDebtors {
        &self.debtors
    }

    /// All debtors.
    pub fn debtors(&self) -> Vec<DebtorRecord> {
        self.debtors.debtors()
    }

    /// All delivery addresses.
    pub fn delivery_address_records(&self) -> Vec<DeliveryAddressRecord> {
        lock(&self.state).addresses.clone()
    }

    /// All bookings, in order.
    pub fn bookings(&self) -> Vec<(BookingRef, SalesDocument)> {
        lock(&self.state).bookings.clone()
    }

    /// Fault injection and call counts for every operation (debtor operations included).
    pub fn faults(&self) -> &Faults {
        self.debtors.faults()
    }
}

#[async_trait]
impl LedgerDebtors for MemoryLedger {
    async fn changed_debtors(&self, window: &ReadWindow) -> Result<Vec<DebtorRecord>, SyncError> {
        self.debtors.changed_debtors(window).await
    }

    async fn find_debtor_by_email(&self, email: &Email) -> Result<Vec<DebtorRecord>, SyncError> {
        self.debtors.find_debtor_by_email(email).await
    }

    async fn get_debtor(&self, number: &str) -> Result<Option<DebtorRecord>, SyncError> {
        self.debtors.get_debtor(number).await
    }

    async fn create_debtor(
        &self,
        draft: &DebtorDraft,
        number: Option<&str>,
    ) -> Result<DebtorRecord, SyncError> {
        self.debtors.create_debtor(draft, number).await
    }

    async fn update_debtor(
        &self,
        number: &str,
        draft: &DebtorDraft,
    ) -> Result<DebtorRecord, SyncError> {
        self.debtors.update_debtor(number, draft).await
    }

    async fn next_debtor_number(&self, range: &DebtorNumberRange) -> Result<String, SyncError> {
        self.debtors.next_debtor_number(range).await
    }
}

#[async_trait]
impl Ledger for MemoryLedger {
    async fn delivery_addresses(
        &self,
        debtor: &str,
    ) -> Result<Vec<DeliveryAddressRecord>, SyncError> {
        self.faults().check("delivery_addresses")?;
        Ok(lock(&self.state)
            .addresses
            .iter()
            .filter(|a| a.debtor == debtor)
            .cloned()
            .collect())
    }

    async fn create_delivery_address(
        &self,
        debtor: &str,
        address: &DeliveryAddressDraft,
    ) -> Result<DeliveryAddressRecord, SyncError> {
        self.faults().check("create_delivery_address")?;
        let mut state = lock(&self.state);
        let record = DeliveryAddressRecord {
            id: (state.addresses.len() + 1).to_string(),
            debtor: debtor.to_owned(),
            details: address.clone(),
        };
        state.addresses.push(record.clone());
        Ok(record)
    }

    async fn article_index(&self) -> Result<ArticleIndex, SyncError> {
        self.faults().check("article_index")?;
        Ok(lock(&self.state).articles.iter().cloned().collect())
    }

    async fn find_booking(
        &self,
        reference: &ExternalReference,
        kind: SalesDocumentKind,
    ) -> Result<Option<BookingRef>, SyncError> {
        self.faults().check("find_booking")?;
        // As in a real ledger, sales orders are kept apart, while sales invoices and credit notes
        // are postings in one sales journal: a lookup there sees both.
        let journal = |k: SalesDocumentKind| k != SalesDocumentKind::SalesOrder;
        Ok(lock(&self.state)
            .bookings
            .iter()
            .find(|(b, doc)| journal(b.kind) == journal(kind) && doc.reference == *reference)
            .map(|(b, _)| b.clone()))
    }

    async fn book(&self, document: &SalesDocument) -> Result<BookingRef, SyncError> {
        self.faults().check("book")?;
        let mut state = lock(&self.state);
        for line in &document.lines {
            if line.kind != BookingLineKind::Article {
                continue;
            }
            let code = line.article_code.as_deref().unwrap_or_default();
            if !state.articles.iter().any(|a| a.code == code) {
                return Err(SyncError::skippable(
                    ErrorKind::Validation,
                    format!("unknown article `{code}` on booking {}", document.reference),
                ));
            }
        }
        let prefix = match document.kind {
            SalesDocumentKind::SalesOrder => "SO",
            SalesDocumentKind::SalesInvoice | SalesDocumentKind::CreditNote => "INV",
        };
        let booking = BookingRef {
            number: format!("{prefix}{}", state.bookings.len() + 1),
            kind: document.kind,
            debtor: Some(document.debtor.number.clone()),
        };
        state.bookings.push((booking.clone(), document.clone()));
        Ok(booking)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Address, BookingLine, Currency, DebtorRef, MatchKey, VatRate};
    use crate::error::ErrorClass;
    use crate::testing::ArticleBuilder;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    fn document(code: &str) -> SalesDocument {
        SalesDocument {
            kind: SalesDocumentKind::SalesOrder,
            reference: ExternalReference::new("LS-1-ORD1"),
            debtor: DebtorRef::new("10000"),
            delivery_address: None,
            order_date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            invoice_number: None,
            invoice_date: None,
            description: String::new(),
            email: None,
            payment_condition: None,
            payment_method_code: None,
            shipping_method_code: None,
            shop_id: None,
            currency: Currency::EUR,
            amounts_include_vat: true,
            lines: vec![BookingLine {
                kind: BookingLineKind::Article,
                article_code: Some(code.into()),
                description: "x".into(),
                quantity: Decimal::ONE,
                unit_price: dec!(12.10),
                amount_excl: dec!(10),
                amount_incl: dec!(12.10),
                vat_amount: dec!(2.10),
                vat_code: Some("2".into()),
                vat_rate: VatRate::from_percentage(21),
                revenue_account: Some("8000".into()),
            }],
            total_excl: dec!(10),
            total_incl: dec!(12.10),
            vat_total: dec!(2.10),
            rounding_difference: Decimal::ZERO,
            header_discount: Decimal::ZERO,
        }
    }

    #[tokio::test]
    async fn books_finds_and_refuses_unknown_articles() {
        let ledger = MemoryLedger::new();
        ledger.add_articles(&[ArticleBuilder::new("ART-1").sku("S1").build()]);
        let index = ledger.article_index().await.unwrap();
        assert_eq!(
            index.get(MatchKey::Sku, "s1").unwrap().unwrap().code,
            "ART-1"
        );

        let reference = ExternalReference::new("LS-1-ORD1");
        assert!(
            ledger
                .find_booking(&reference, SalesDocumentKind::SalesOrder)
                .await
                .unwrap()
                .is_none()
        );
        let booked = ledger.book(&document("ART-1")).await.unwrap();
        assert_eq!(booked.number, "SO1");
        assert_eq!(
            ledger
                .find_booking(&reference, SalesDocumentKind::SalesOrder)
                .await
                .unwrap(),
            Some(booked)
        );
        assert!(
            ledger
                .find_booking(&reference, SalesDocumentKind::SalesInvoice)
                .await
                .unwrap()
                .is_none()
        );
        let err = ledger.book(&document("NOPE")).await.unwrap_err();
        assert!(err.is_skippable());
        assert_eq!(ledger.bookings().len(), 1);
    }

    #[tokio::test]
    async fn delivery_addresses_and_injected_failures() {
        let ledger = MemoryLedger::new();
        let draft = DeliveryAddressDraft {
            address: Address {
                city: Some("Utrecht".into()),
                ..Address::default()
            },
            ..DeliveryAddressDraft::default()
        };
        let created = ledger
            .create_delivery_address("10000", &draft)
            .await
            .unwrap();
        assert_eq!(created.id, "1");
        assert_eq!(ledger.delivery_addresses("10000").await.unwrap().len(), 1);
        assert!(ledger.delivery_addresses("other").await.unwrap().is_empty());

        ledger
            .faults()
            .fail("book", ErrorClass::Retryable, ErrorKind::Transport, None);
        ledger.add_articles(&[ArticleBuilder::new("ART-1").build()]);
        assert!(
            ledger
                .book(&document("ART-1"))
                .await
                .unwrap_err()
                .is_retryable()
        );
        ledger.faults().clear("book");
        assert!(ledger.book(&document("ART-1")).await.is_ok());
        assert_eq!(ledger.faults().calls("book"), 2);

        // Debtor operations share the same fault switchboard.
        ledger
            .faults()
            .fail("create_debtor", ErrorClass::Fatal, ErrorKind::Auth, Some(1));
        assert!(
            ledger
                .create_debtor(&DebtorDraft::default(), None)
                .await
                .unwrap_err()
                .stops_run()
        );
        let debtor = ledger
            .create_debtor(&DebtorDraft::default(), None)
            .await
            .unwrap();
        assert_eq!(ledger.debtors().len(), 1);
        assert!(ledger.get_debtor(&debtor.number).await.unwrap().is_some());
        assert!(ledger.debtor_book().debtors().len() == 1);
    }
}
