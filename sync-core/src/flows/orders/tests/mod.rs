//! Flow tests on the in-memory test doubles: exactly once, dead letters and replay, ledger outages,
//! ambiguous writes, crashed claims, debtors, amounts to the cent, dry runs, credit notes.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;
use crate::config::{DebtorNumbering, DiscountMode, OrdersConfig};
use crate::domain::{
    BookingLineKind, BookingRef, CountryCode, CreditNote, DebtorDraft, DebtorRecord,
    DeliveryAddressDraft, DeliveryAddressRecord, Email, ExternalReference, OrderDiscount,
    SalesDocument, SalesDocumentKind, VatRate,
};
use crate::error::{ErrorClass, ErrorKind, SyncError};
use crate::report::Outcome;
use crate::state::prelude::*;
use crate::state::{DeadLetterFilter, IdKind, MemoryStateStore, RecordKey};
use crate::testing::{ArticleBuilder, ManualClock, MemoryLedger, MemoryOrderSource, OrderBuilder};
use crate::traits::{ArticleIndex, DebtorNumberRange, Ledger, LedgerDebtors, ReadWindow};

fn t(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, day, hour, 0, 0).unwrap()
}

struct World {
    source: MemoryOrderSource,
    ledger: MemoryLedger,
    state: Arc<MemoryStateStore>,
    clock: Arc<ManualClock>,
}

impl World {
    fn new() -> Self {
        let ledger = MemoryLedger::new();
        let articles: Vec<_> = [
            "FB-1001",
            "BND-2654",
            "VERZEND",
            "BETAALKOSTEN",
            "KORTING",
            "AFRONDING",
        ]
        .iter()
        .map(|c| ArticleBuilder::new(c).ean(&format!("EAN-{c}")).build())
        .collect();
        ledger.add_articles(&articles);
        Self {
            source: MemoryOrderSource::new(),
            ledger,
            state: Arc::new(MemoryStateStore::new()),
            clock: Arc::new(ManualClock::new(t(10, 12))),
        }
    }

    fn config() -> OrdersConfig {
        OrdersConfig {
            import_from: Some(chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap()),
            ..OrdersConfig::default()
        }
    }

    fn flow(&self, config: OrdersConfig) -> OrdersFlow {
        self.flow_with(config, Arc::new(self.ledger.clone()))
    }

    fn flow_with(&self, config: OrdersConfig, ledger: Arc<dyn Ledger>) -> OrdersFlow {
        OrdersFlow::new(
            "shop-1",
            config,
            Arc::new(self.source.clone()),
            ledger,
            self.state.clone(),
        )
        .with_clock(self.clock.clone())
        .with_worker_id("test-worker")
    }

    fn order(&self, number: &str, at: DateTime<Utc>) -> OrderBuilder {
        OrderBuilder::new(number).at(at).updated_at(at)
    }

    async fn dead_letters(&self) -> Vec<crate::state::DeadLetter> {
        self.state
            .list_dead_letters(&DeadLetterFilter::default())
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn books_paid_orders_once_and_a_second_run_writes_nothing() {
    let w = World::new();
    for (i, email) in ["a@x.nl", "b@x.nl", "a@x.nl"].iter().enumerate() {
        w.source.upsert_order(
            w.order(&format!("ORD{i}"), t(5, i as u32))
                .email(email)
                .line("FB-1001", dec!(2), dec!(4.95))
                .shipping(dec!(6.95))
                .build(),
        );
    }
    w.source.upsert_order(
        w.order("UNPAID", t(5, 5))
            .payment_status("not_paid")
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );

    let flow = w.flow(World::config());
    let report = flow.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.counts.created, 3, "{report:?}");
    assert_eq!(report.outcome, Outcome::Success);
    assert_eq!(w.ledger.bookings().len(), 3);
    assert_eq!(w.ledger.debtors().len(), 2, "one debtor per e-mail address");
    let doc = &w.ledger.bookings()[0].1;
    assert_eq!(doc.total_incl, dec!(16.85));
    assert_eq!(doc.lines.last().unwrap().kind, BookingLineKind::Shipping);
    assert_eq!(doc.reference.as_str(), "LS-1-ORD0");
    assert!(report.cursor_after.is_some());

    // Second run: the same orders fall in the look-back window; nothing is written.
    w.clock.advance(Duration::from_secs(60));
    let calls_before = w.ledger.faults().calls("book");
    let report = w
        .flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 0);
    assert_eq!(w.ledger.faults().calls("book"), calls_before);
    assert_eq!(w.ledger.bookings().len(), 3);
}

#[tokio::test]
async fn duplicate_webhooks_book_once() {
    let w = World::new();
    w.source.upsert_order(
        w.order("ORD1", t(5, 1))
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    let flow = w.flow(World::config());
    let ids = vec!["ORD1".to_owned(), "ORD1".to_owned()];
    let report = flow
        .run(RunRequest {
            intake: Intake::Orders(ids.clone()),
            dry_run: false,
        })
        .await
        .unwrap();
    assert_eq!(report.counts.created, 1);
    assert_eq!(report.counts.unchanged, 1);
    flow.run(RunRequest {
        intake: Intake::Orders(ids),
        dry_run: false,
    })
    .await
    .unwrap();
    assert_eq!(w.ledger.bookings().len(), 1);
}

#[tokio::test]
async fn a_missing_article_dead_letters_one_order_and_replay_books_it_later() {
    let w = World::new();
    w.source.upsert_order(
        w.order("GOOD", t(5, 1))
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    w.source.upsert_order(
        w.order("BAD", t(5, 2))
            .line("FB-1001", dec!(1), dec!(4.95))
            .line("NEW-9", dec!(1), dec!(10))
            .build(),
    );
    let report = w
        .flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 1);
    assert_eq!(report.counts.dead_lettered, 1);
    assert_eq!(report.outcome, Outcome::Partial);
    let letters = w.dead_letters().await;
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].record_key, RecordKey::order("BAD"));
    assert_eq!(letters[0].error_kind, "missing_article");
    assert!(
        letters[0].error_message.contains("NEW-9"),
        "{}",
        letters[0].error_message
    );

    // The article appears in the ledger; an explicit replay books the order.
    w.ledger
        .add_articles(&[ArticleBuilder::new("NEW-9").build()]);
    let report = w
        .flow(World::config())
        .run(RunRequest {
            intake: Intake::Replay(vec![letters[0].id]),
            dry_run: false,
        })
        .await
        .unwrap();
    assert_eq!(report.counts.created, 1, "{report:?}");
    assert_eq!(w.ledger.bookings().len(), 2);
    let letter = w
        .state
        .get_dead_letter(letters[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(letter.status, crate::state::DeadLetterStatus::Replayed);
}

#[tokio::test]
async fn a_fallback_article_books_unknown_lines() {
    let w = World::new();
    w.source.upsert_order(
        w.order("ORD1", t(5, 1))
            .line("NEW-9", dec!(1), dec!(10))
            .build(),
    );
    let config = OrdersConfig {
        fallback_article: Some("FB-1001".into()),
        ..World::config()
    };
    let report = w.flow(config).run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.counts.created, 1);
    assert_eq!(
        w.ledger.bookings()[0].1.lines[0].article_code.as_deref(),
        Some("FB-1001")
    );
}

#[tokio::test]
async fn a_ledger_outage_stops_the_run_and_the_next_run_catches_up() {
    let w = World::new();
    for i in 0..3 {
        w.source.upsert_order(
            w.order(&format!("ORD{i}"), t(5, i))
                .line("FB-1001", dec!(1), dec!(4.95))
                .build(),
        );
    }
    w.ledger
        .faults()
        .fail("book", ErrorClass::Retryable, ErrorKind::Transport, Some(1));
    let report = w
        .flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 0);
    assert_eq!(report.counts.failed, 1);
    assert_eq!(
        w.ledger.faults().calls("book"),
        1,
        "the run stops at the first outage"
    );
    assert!(
        w.dead_letters().await.is_empty(),
        "an outage is not a record problem"
    );
    // Orders come in no promised order, so a run that stops keeps the cursor at the start of its
    // window: never past the first order that was not done.
    let cursor = w.state.get_cursor("shop-1", FLOW).await.unwrap().unwrap();
    assert!(
        cursor.position <= t(5, 0),
        "the cursor passed an order that was not done: {}",
        cursor.position
    );

    // The ledger is back, and much later than the look-back window: nothing is lost.
    w.clock.advance(Duration::from_secs(3 * 86_400));
    let report = w
        .flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 3);
    assert_eq!(w.ledger.bookings().len(), 3);
}

/// A ledger that books and then loses the answer (a timeout after the request reached the server).
struct CommitThenFail {
    inner: MemoryLedger,
    remaining: std::sync::Mutex<u32>,
}

#[async_trait]
impl LedgerDebtors for CommitThenFail {
    async fn changed_debtors(&self, w: &ReadWindow) -> Result<Vec<DebtorRecord>, SyncError> {
        self.inner.changed_debtors(w).await
    }
    async fn find_debtor_by_email(&self, e: &Email) -> Result<Vec<DebtorRecord>, SyncError> {
        self.inner.find_debtor_by_email(e).await
    }
    async fn get_debtor(&self, n: &str) -> Result<Option<DebtorRecord>, SyncError> {
        self.inner.get_debtor(n).await
    }
    async fn create_debtor(
        &self,
        d: &DebtorDraft,
        n: Option<&str>,
    ) -> Result<DebtorRecord, SyncError> {
        self.inner.create_debtor(d, n).await
    }
    async fn update_debtor(&self, n: &str, d: &DebtorDraft) -> Result<DebtorRecord, SyncError> {
        self.inner.update_debtor(n, d).await
    }
    async fn next_debtor_number(&self, r: &DebtorNumberRange) -> Result<String, SyncError> {
        self.inner.next_debtor_number(r).await
    }
}

#[async_trait]
impl Ledger for CommitThenFail {
    async fn delivery_addresses(&self, d: &str) -> Result<Vec<DeliveryAddressRecord>, SyncError> {
        self.inner.delivery_addresses(d).await
    }
    async fn create_delivery_address(
        &self,
        d: &str,
        a: &DeliveryAddressDraft,
    ) -> Result<DeliveryAddressRecord, SyncError> {
        self.inner.create_delivery_address(d, a).await
    }
    async fn article_index(&self) -> Result<ArticleIndex, SyncError> {
        self.inner.article_index().await
    }
    async fn find_booking(
        &self,
        r: &ExternalReference,
        k: SalesDocumentKind,
    ) -> Result<Option<BookingRef>, SyncError> {
        self.inner.find_booking(r, k).await
    }
    async fn book(&self, document: &SalesDocument) -> Result<BookingRef, SyncError> {
        let booked = self.inner.book(document).await?;
        let mut remaining = self.remaining.lock().unwrap();
        if *remaining > 0 {
            *remaining -= 1;
            return Err(
                SyncError::retryable(ErrorKind::Timeout, "no answer").with_outcome_unknown()
            );
        }
        Ok(booked)
    }
}

#[tokio::test]
async fn a_booking_whose_answer_was_lost_is_found_again_not_booked_twice() {
    let w = World::new();
    w.source.upsert_order(
        w.order("ORD1", t(5, 1))
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    let ledger = Arc::new(CommitThenFail {
        inner: w.ledger.clone(),
        remaining: 1.into(),
    });
    let report = w
        .flow_with(World::config(), ledger.clone())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 1, "{report:?}");
    assert_eq!(w.ledger.bookings().len(), 1);
    w.clock.advance(Duration::from_secs(60));
    w.flow_with(World::config(), ledger)
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(w.ledger.bookings().len(), 1);
}

#[tokio::test]
async fn a_crashed_claim_is_resolved_by_looking_the_booking_up() {
    let w = World::new();
    let order = w
        .order("ORD1", t(5, 1))
        .line("FB-1001", dec!(1), dec!(4.95))
        .build();
    w.source.upsert_order(order.clone());
    // Another worker claimed the order, booked it and crashed before confirming.
    w.state
        .try_claim("shop-1", "order:ORD1", "crashed-worker", t(5, 2))
        .await
        .unwrap();
    let flow = w.flow(World::config());
    let reference = flow.config().external_reference.render(&order);
    let doc = super::document::sales_document(
        &order,
        &super::document::DocumentContext {
            config: flow.config(),
            kind: SalesDocumentKind::SalesOrder,
            reference,
            debtor: crate::domain::DebtorRef::new("10000"),
            article_codes: &["FB-1001".to_owned()],
        },
    )
    .unwrap();
    w.ledger.book(&doc).await.unwrap();

    // While the claim is fresh, another worker leaves the order alone.
    w.clock.set(t(5, 2) + chrono::Duration::minutes(1));
    let report = flow.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.counts.skipped, 1, "{report:?}");
    // Once stale, the lookup finds the booking: linked, not booked again.
    w.clock.set(t(6, 12));
    let report = flow.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.counts.unchanged, 1, "{report:?}");
    assert_eq!(w.ledger.bookings().len(), 1);
    assert!(
        w.state
            .lookup("shop-1", &IdKind::Order, "ORD1")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_reset_state_store_does_not_book_twice() {
    let w = World::new();
    w.source.upsert_order(
        w.order("ORD1", t(5, 1))
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    w.flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    let fresh = World {
        state: Arc::new(MemoryStateStore::new()),
        ..w
    };
    let report = fresh
        .flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.unchanged, 1);
    assert_eq!(fresh.ledger.bookings().len(), 1);
}

#[tokio::test]
async fn company_and_person_debtors_default_debtor_and_updates() {
    let w = World::new();
    w.source.upsert_order(
        w.order("B2B", t(5, 1))
            .email("Inkoop@Bakkerij.example ")
            .company("Bakkerij Van Dam B.V.", Some("NL001234567B01"))
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    w.source.upsert_order(
        w.order("B2C", t(5, 2))
            .email("jan@example.nl")
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    w.flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    let debtors = w.ledger.debtors();
    let company = debtors
        .iter()
        .find(|d| d.details.name == "Bakkerij Van Dam B.V.")
        .unwrap();
    assert_eq!(company.details.kind, crate::domain::PartyKind::Company);
    assert_eq!(
        company.details.contact_person.as_deref(),
        Some("Jan Jansen")
    );
    assert_eq!(
        company.details.vat_number.as_deref(),
        Some("NL001234567B01")
    );
    assert_eq!(
        company.details.email.as_ref().unwrap().as_str(),
        "inkoop@bakkerij.example"
    );
    assert_eq!(company.number, "10000");
    let person = debtors
        .iter()
        .find(|d| d.details.name == "Jan Jansen")
        .unwrap();
    assert_eq!(person.number, "10001");

    // The customer moves: the next order updates the debtor; an identical one does not.
    let moved = {
        let mut o = w
            .order("B2C-2", t(10, 12) + chrono::Duration::seconds(30))
            .email("jan@example.nl")
            .line("FB-1001", dec!(1), dec!(4.95))
            .build();
        let a = o.customer.address.as_mut().unwrap();
        a.street = Some("Nieuwstraat".into());
        o.billing_address = o.customer.address.clone();
        o.shipping_address = o.customer.address.clone();
        o
    };
    w.source.upsert_order(moved);
    w.clock.advance(Duration::from_secs(60));
    w.flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    let person = w
        .ledger
        .debtors()
        .into_iter()
        .find(|d| d.number == "10001")
        .unwrap();
    assert_eq!(
        person.details.address.unwrap().street.as_deref(),
        Some("Nieuwstraat")
    );
    assert_eq!(w.ledger.debtor_book().faults().calls("update_debtor"), 1);

    // A default debtor takes every order.
    let w2 = World::new();
    w2.source.upsert_order(
        w2.order("X", t(5, 1))
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    let config = OrdersConfig {
        default_debtor: Some("99999".into()),
        ..World::config()
    };
    w2.flow(config).run(RunRequest::poll()).await.unwrap();
    assert!(w2.ledger.debtors().is_empty());
    assert_eq!(w2.ledger.bookings()[0].1.debtor.number, "99999");
}

#[tokio::test]
async fn debtor_numbers_from_customer_ids_and_delivery_addresses() {
    let w = World::new();
    let mut order = w
        .order("ORD1", t(5, 1))
        .line("FB-1001", dec!(1), dec!(4.95))
        .build();
    order.customer.external_id = Some("90211".into());
    let shipping = order.shipping_address.as_mut().unwrap();
    shipping.street = Some("Vismarkt".into());
    shipping.number = Some("1".into());
    w.source.upsert_order(order);
    let config = OrdersConfig {
        debtor_numbering: DebtorNumbering::FromCustomerId {
            prefix: "ls".into(),
        },
        ..World::config()
    };
    w.flow(config).run(RunRequest::poll()).await.unwrap();
    let (_, doc) = &w.ledger.bookings()[0];
    assert_eq!(doc.debtor.number, "LS90211");
    assert_eq!(doc.debtor.delivery_address_id.as_deref(), Some("1"));
    assert_eq!(w.ledger.delivery_address_records().len(), 1);
}

#[tokio::test]
async fn an_order_without_email_and_without_default_debtor_is_dead_lettered() {
    let w = World::new();
    let mut order = w
        .order("ORD1", t(5, 1))
        .line("FB-1001", dec!(1), dec!(4.95))
        .build();
    order.customer.email = None;
    w.source.upsert_order(order);
    let report = w
        .flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.dead_lettered, 1);
    assert!(
        w.dead_letters().await[0]
            .error_message
            .contains("default_debtor")
    );
}

#[tokio::test]
async fn amounts_reconcile_rounding_and_discount_lines() {
    let w = World::new();
    // A 1-cent difference between the shop total and its lines goes on the rounding article.
    let mut order = w
        .order("ROUND", t(5, 1))
        .line("FB-1001", dec!(3), dec!(3.33))
        .build();
    order.totals.incl += dec!(0.01);
    w.source.upsert_order(order);
    // An order-level discount the lines do not include is split over the VAT rates.
    let order = w
        .order("DISC", t(5, 2))
        .line_at_rate("FB-1001", dec!(1), dec!(121), VatRate::from_percentage(21))
        .line_at_rate("BND-2654", dec!(1), dec!(109), VatRate::from_percentage(9))
        .build();
    let mut order = order;
    order.discounts.push(OrderDiscount {
        code: Some("TIEN".into()),
        description: "10 euro".into(),
        amount_excl: dec!(8.70),
        amount_incl: dec!(10),
    });
    order.totals.incl -= dec!(10);
    w.source.upsert_order(order);
    // A difference beyond the tolerance is an error, never silently booked.
    let mut order = w
        .order("WRONG", t(5, 3))
        .line("FB-1001", dec!(1), dec!(10))
        .build();
    order.totals.incl += dec!(1);
    w.source.upsert_order(order);

    let report = w
        .flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 2, "{report:?}");
    assert_eq!(report.rounding_differences.len(), 1);
    let bookings = w.ledger.bookings();
    let round = &bookings
        .iter()
        .find(|(_, d)| d.reference.as_str().ends_with("ROUND"))
        .unwrap()
        .1;
    assert_eq!(round.total_incl, dec!(10.00));
    assert_eq!(round.rounding_difference, dec!(0.01));
    assert_eq!(round.lines.last().unwrap().kind, BookingLineKind::Rounding);
    let disc = &bookings
        .iter()
        .find(|(_, d)| d.reference.as_str().ends_with("DISC"))
        .unwrap()
        .1;
    let discounts: Vec<_> = disc
        .lines
        .iter()
        .filter(|l| l.kind == BookingLineKind::Discount)
        .collect();
    assert_eq!(discounts.len(), 2);
    assert_eq!(
        discounts.iter().map(|l| l.amount_incl).sum::<Decimal>(),
        dec!(-10)
    );
    assert_eq!(disc.total_incl, dec!(220));
    assert_eq!(
        disc.vat_total,
        disc.lines.iter().map(|l| l.vat_amount).sum::<Decimal>()
    );
    let letters = w.dead_letters().await;
    assert_eq!(letters.len(), 1);
    assert!(
        letters[0]
            .error_message
            .contains("exceeds the rounding tolerance")
    );

    // Header mode puts the discount on the document instead.
    let w2 = World::new();
    let mut order = w2
        .order("DISC", t(5, 2))
        .line("FB-1001", dec!(1), dec!(121))
        .build();
    order.discounts.push(OrderDiscount {
        code: None,
        description: String::new(),
        amount_excl: dec!(8.26),
        amount_incl: dec!(10),
    });
    order.totals.incl -= dec!(10);
    w2.source.upsert_order(order);
    let config = OrdersConfig {
        order_discount: DiscountMode::Header,
        ..World::config()
    };
    w2.flow(config).run(RunRequest::poll()).await.unwrap();
    let doc = &w2.ledger.bookings()[0].1;
    assert_eq!(doc.header_discount, dec!(10));
    assert_eq!(doc.total_incl, dec!(111));
}

#[tokio::test]
async fn vat_codes_and_revenue_accounts_follow_the_delivery_country() {
    let w = World::new();
    w.source.upsert_order(
        w.order("BE1", t(5, 1))
            .country(CountryCode::BE)
            .line("FB-1001", dec!(1), dec!(12.10))
            .build(),
    );
    let report = w
        .flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.dead_lettered, 1, "no default VAT code for BE");
    assert!(
        w.dead_letters().await[0]
            .error_message
            .contains("country BE")
    );

    let mut config = World::config();
    config.vat_codes.push(crate::config::VatCodeRule::new(
        crate::config::CountryMatch::Country(CountryCode::BE),
        Some(21),
        "5",
    ));
    w.clock.advance(Duration::from_secs(60));
    let id = w.dead_letters().await[0].id;
    w.flow(config)
        .run(RunRequest {
            intake: Intake::Replay(vec![id]),
            dry_run: false,
        })
        .await
        .unwrap();
    let line = &w.ledger.bookings()[0].1.lines[0];
    assert_eq!(line.vat_code.as_deref(), Some("5"));
    assert_eq!(
        line.revenue_account.as_deref(),
        Some("8010"),
        "EU revenue account"
    );
}

#[tokio::test]
async fn a_dry_run_writes_nothing() {
    let w = World::new();
    w.source.upsert_order(
        w.order("ORD1", t(5, 1))
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    let report = w
        .flow(World::config())
        .run(RunRequest::poll().dry_run(true))
        .await
        .unwrap();
    assert!(report.dry_run);
    assert_eq!(report.counts.created, 1, "what would be created is counted");
    assert!(w.ledger.bookings().is_empty());
    assert!(w.ledger.debtors().is_empty());
    assert!(w.state.get_cursor("shop-1", FLOW).await.unwrap().is_none());
    assert!(
        w.state
            .lookup("shop-1", &IdKind::Order, "ORD1")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn credit_notes_of_booked_orders_are_booked_once() {
    let w = World::new();
    w.source.upsert_order(
        w.order("ORD1", t(5, 1))
            .line("FB-1001", dec!(2), dec!(4.95))
            .build(),
    );
    let config = OrdersConfig {
        credit_notes: true,
        ..World::config()
    };
    w.flow(config.clone())
        .run(RunRequest::poll())
        .await
        .unwrap();
    let order = w.source.order("ORD1").unwrap();
    w.source.add_credit_note(CreditNote {
        source_id: "CN1".into(),
        number: "CRN00001".into(),
        date: t(10, 0).date_naive(),
        updated_at: Some(w.clock.now()),
        order_source_id: Some("ORD1".into()),
        order_number: Some("ORD1".into()),
        lines: vec![order.lines[0].clone()],
        shipping: None,
        payment: None,
        totals: order.totals.clone(),
        currency: order.currency,
        raw: serde_json::Value::Null,
    });
    w.clock.advance(Duration::from_secs(60));
    let report = w
        .flow(config.clone())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 1, "{report:?}");
    let bookings = w.ledger.bookings();
    let credit = &bookings
        .iter()
        .find(|(b, _)| b.kind == SalesDocumentKind::CreditNote)
        .unwrap()
        .1;
    assert_eq!(
        credit.debtor.number, bookings[0].1.debtor.number,
        "same debtor as the order"
    );
    assert_eq!(credit.total_incl, dec!(9.90));
    w.clock.advance(Duration::from_secs(60));
    w.flow(config).run(RunRequest::poll()).await.unwrap();
    assert_eq!(w.ledger.bookings().len(), 2, "booked once");
}

#[tokio::test]
async fn write_back_failures_become_their_own_dead_letters() {
    let w = World::new();
    w.source.upsert_order(
        w.order("ORD1", t(5, 1))
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    w.source
        .faults()
        .fail("write_back", ErrorClass::Skippable, ErrorKind::Api, Some(1));
    let config = OrdersConfig {
        write_back: crate::traits::WriteBack::Metafield {
            key: "accountview".into(),
        },
        ..World::config()
    };
    let report = w
        .flow(config.clone())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 1);
    let letters = w.dead_letters().await;
    assert_eq!(letters[0].record_key, RecordKey::write_back("ORD1"));
    w.flow(config)
        .run(RunRequest {
            intake: Intake::Replay(vec![letters[0].id]),
            dry_run: false,
        })
        .await
        .unwrap();
    assert_eq!(w.source.write_backs().len(), 1);
    assert_eq!(w.ledger.bookings().len(), 1);
}

#[tokio::test]
async fn a_held_lease_keeps_a_second_worker_out() {
    let w = World::new();
    w.state
        .acquire_lease("shop-1", FLOW, "other", Duration::from_secs(600), t(10, 12))
        .await
        .unwrap()
        .unwrap();
    let err = w
        .flow(World::config())
        .run(RunRequest::poll())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
}

#[tokio::test]
async fn a_net_administration_gets_unit_prices_excluding_vat() {
    let w = World::new();
    w.source.upsert_order(
        w.order("NET", t(5, 1))
            .line("FB-1001", dec!(2), dec!(12.10))
            .shipping(dec!(6.05))
            .build(),
    );
    let config = OrdersConfig {
        amounts_include_vat: false,
        ..World::config()
    };
    w.flow(config).run(RunRequest::poll()).await.unwrap();
    let doc = &w.ledger.bookings()[0].1;
    assert!(!doc.amounts_include_vat);
    assert_eq!(doc.lines[0].unit_price, dec!(10.00), "excl. VAT");
    assert_eq!(doc.lines[0].amount_excl, dec!(20.00));
    assert_eq!(doc.lines[0].vat_amount, dec!(4.20));
    assert_eq!(doc.lines[1].unit_price, dec!(5.00));
    assert_eq!(
        doc.total_incl,
        dec!(30.25),
        "still the shop total to the cent"
    );
    assert_eq!(doc.total_excl, dec!(25.00));
}

mod exactly_once;
