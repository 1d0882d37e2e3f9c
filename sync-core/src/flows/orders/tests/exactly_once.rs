//! The exactly-once scenarios of issue 10, each reproduced deterministically on the in-memory doubles
//! (tokio's paused clock where time matters): records that were lost without a trace, records that
//! were booked twice, and a flow stuck behind a crashed worker.

use std::sync::Mutex;

use super::*;
use crate::domain::{Order, OrderFilter};
use crate::error::ErrorClass;
use crate::flows::Intake;
use crate::state::DeadLetterStatus;
use crate::testing::TokioClock;
use crate::traits::{Clock, OrderSource, WriteBack};

/// A credit note for `order`, changed at `at`, crediting its first line.
fn credit_note(id: &str, order: &Order, at: DateTime<Utc>) -> CreditNote {
    CreditNote {
        source_id: id.into(),
        number: format!("CRN-{id}"),
        date: at.date_naive(),
        updated_at: Some(at),
        order_source_id: Some(order.source_id.clone()),
        order_number: Some(order.number.clone()),
        lines: vec![order.lines[0].clone()],
        shipping: None,
        payment: None,
        totals: crate::domain::OrderTotals {
            excl: order.lines[0].total_excl,
            incl: order.lines[0].total_incl,
            vat_by_rate: Default::default(),
        },
        currency: order.currency,
        raw: serde_json::Value::Null,
    }
}

fn credit_config() -> OrdersConfig {
    OrdersConfig {
        credit_notes: true,
        ..World::config()
    }
}

fn credit_bookings(w: &World) -> Vec<SalesDocument> {
    w.ledger
        .bookings()
        .into_iter()
        .filter(|(b, _)| b.kind == SalesDocumentKind::CreditNote)
        .map(|(_, d)| d)
        .collect()
}

/// Issue 10 §2: a credit note whose order is not booked yet was counted as skipped and the cursor
/// passed it; when the order was booked later the credit note never was.
#[tokio::test]
async fn a_credit_note_for_an_order_not_booked_yet_waits_and_is_booked_with_it() {
    let w = World::new();
    // The order's article is missing from the ledger: the order is dead-lettered.
    let order = w
        .order("ORD1", t(10, 11))
        .line("NEW-ART", dec!(1), dec!(10.00))
        .build();
    w.source.upsert_order(order.clone());
    w.source.add_credit_note(credit_note(
        "CN1",
        &order,
        t(10, 11) + chrono::Duration::minutes(30),
    ));
    let report = w
        .flow(credit_config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 0, "{report:?}");
    let letters = w.dead_letters().await;
    let keys: Vec<String> = letters.iter().map(|l| l.record_key.to_string()).collect();
    assert!(keys.contains(&"order/ORD1".to_owned()), "{keys:?}");
    assert!(
        keys.contains(&"credit/CN1".to_owned()),
        "the credit note waits as a dead letter, it is not skipped: {keys:?}"
    );

    // Later runs pass the note's change time; the article arrives; the order's dead letter is due.
    for _ in 0..3 {
        w.clock.advance(Duration::from_secs(30 * 60));
        w.flow(credit_config())
            .run(RunRequest::poll())
            .await
            .unwrap();
    }
    w.ledger
        .add_articles(&[ArticleBuilder::new("NEW-ART").build()]);
    w.clock.advance(Duration::from_secs(3 * 3600));
    let report = w
        .flow(credit_config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(
        report.counts.created, 2,
        "order and credit note: {report:?}"
    );
    let credits = credit_bookings(&w);
    assert_eq!(credits.len(), 1);
    assert!(credits[0].reference.as_str().ends_with("-CR"));
    assert!(
        w.dead_letters()
            .await
            .iter()
            .all(|l| l.status == DeadLetterStatus::Replayed),
        "both letters replayed"
    );
    // Once.
    w.clock.advance(Duration::from_secs(3 * 3600));
    w.flow(credit_config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(credit_bookings(&w).len(), 1);
}

/// Issue 10 §3: a credit note whose claim another worker holds was skipped (the cursor passed it),
/// and a stale credit-note claim was used without taking it over.
#[tokio::test]
async fn a_credit_note_another_worker_holds_is_deferred_and_a_stale_claim_taken_over() {
    let w = World::new();
    let order = w
        .order("ORD1", t(10, 11))
        .line("FB-1001", dec!(2), dec!(4.95))
        .build();
    w.source.upsert_order(order.clone());
    w.flow(credit_config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    w.clock.advance(Duration::from_secs(60));
    w.source
        .add_credit_note(credit_note("CN1", &order, w.clock.now()));
    // Another worker claims the credit note and crashes.
    assert!(matches!(
        w.state
            .try_claim("shop-1", "credit:CN1", "crashed", w.clock.now())
            .await
            .unwrap(),
        crate::state::ClaimOutcome::Claimed { .. }
    ));
    // Polls every seven minutes: while the claim is live the note is deferred, not passed by (the
    // ten-minute look-back window alone would not read it again at the third poll).
    for _ in 0..2 {
        w.clock.advance(Duration::from_secs(7 * 60));
        let report = w
            .flow(credit_config())
            .run(RunRequest::poll())
            .await
            .unwrap();
        assert!(credit_bookings(&w).is_empty(), "{report:?}");
    }
    // The claim is stale now (15 minutes): taken over, looked up, booked — once.
    w.clock.advance(Duration::from_secs(7 * 60));
    let report = w
        .flow(credit_config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(credit_bookings(&w).len(), 1, "{report:?}");
    w.clock.advance(Duration::from_secs(7 * 60));
    w.flow(credit_config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(credit_bookings(&w).len(), 1);
    // The crashed worker's token is worthless now.
    assert!(matches!(
        w.state
            .try_claim("shop-1", "credit:CN1", "x", w.clock.now())
            .await
            .unwrap(),
        crate::state::ClaimOutcome::AlreadyDone { .. }
    ));
}

/// Issue 10 §4: an order recovered by the reference lookup got no debtor link, so its credit notes
/// dead-lettered on every retry.
#[tokio::test]
async fn an_order_recovered_by_its_reference_keeps_its_debtor_for_credit_notes() {
    let w = World::new();
    let order = w
        .order("ORD1", t(10, 11))
        .email("jan@example.nl")
        .line("FB-1001", dec!(2), dec!(4.95))
        .build();
    w.source.upsert_order(order.clone());
    w.flow(credit_config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    let debtor = w.ledger.bookings()[0].1.debtor.number.clone();

    // The state store is lost; the order is recovered by its reference.
    let fresh = World {
        state: Arc::new(MemoryStateStore::new()),
        ..w
    };
    let report = fresh
        .flow(credit_config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.unchanged, 1, "{report:?}");
    assert_eq!(
        fresh
            .state
            .lookup("shop-1", &IdKind::OrderDebtor, "ORD1")
            .await
            .unwrap(),
        Some(debtor.clone())
    );
    fresh.clock.advance(Duration::from_secs(60));
    fresh
        .source
        .add_credit_note(credit_note("CN1", &order, fresh.clock.now()));
    fresh.clock.advance(Duration::from_secs(60));
    let report = fresh
        .flow(credit_config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    let credits = credit_bookings(&fresh);
    assert_eq!(credits.len(), 1, "{report:?}");
    assert_eq!(credits[0].debtor.number, debtor);
    assert!(fresh.dead_letters().await.is_empty());
}

/// Issue 10 §5 and §6: webhook ids lived in memory (lost on a crash), a retryable failure was
/// neither dead-lettered nor read again without a schedule, and a halt dropped the rest of the
/// batch. Announced orders now wait in the state store's inbox until they are done.
#[tokio::test]
async fn announced_orders_wait_in_the_inbox_until_they_are_done() {
    let w = World::new();
    for n in 1..=3 {
        w.source.upsert_order(
            w.order(&format!("ORD{n}"), t(10, 11))
                .line("FB-1001", dec!(1), dec!(4.95))
                .build(),
        );
        w.state
            .enqueue("shop-1", FLOW, &format!("ORD{n}"), w.clock.now())
            .await
            .unwrap();
    }
    let inbox = RunRequest {
        intake: Intake::Inbox,
        dry_run: false,
    };
    // The ledger is away: the run stops at the first order and every announcement stays.
    w.ledger
        .faults()
        .fail("book", ErrorClass::Retryable, ErrorKind::Transport, None);
    let report = w.flow(World::config()).run(inbox.clone()).await.unwrap();
    assert!(report.counts.failed >= 1, "{report:?}");
    assert_eq!(
        w.state
            .pending_inbox("shop-1", FLOW, 10)
            .await
            .unwrap()
            .len(),
        3,
        "nothing dropped"
    );
    assert!(w.dead_letters().await.is_empty());

    // The process dies; a new one (a new flow on the same state) finds the announcements.
    w.ledger.faults().clear("book");
    w.clock.advance(Duration::from_secs(60));
    let report = w.flow(World::config()).run(inbox.clone()).await.unwrap();
    assert_eq!(report.counts.created, 3, "{report:?}");
    assert!(
        w.state
            .pending_inbox("shop-1", FLOW, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Announcing a booked order again costs a lookup and books nothing.
    w.state
        .enqueue("shop-1", FLOW, "ORD1", w.clock.now())
        .await
        .unwrap();
    let report = w.flow(World::config()).run(inbox).await.unwrap();
    assert_eq!(report.counts.unchanged, 1, "{report:?}");
    assert_eq!(w.ledger.bookings().len(), 3);
}

/// Issue 10 §5: without a poll schedule, nothing retried a dead letter. An inbox run replays the
/// dead letters that are due, so a webhook-only installation retries on the same schedule.
#[tokio::test]
async fn an_inbox_run_retries_dead_letters_that_are_due() {
    let w = World::new();
    w.source.upsert_order(
        w.order("ORD1", t(10, 11))
            .line("NEW-ART", dec!(1), dec!(4.95))
            .build(),
    );
    w.state
        .enqueue("shop-1", FLOW, "ORD1", w.clock.now())
        .await
        .unwrap();
    let inbox = RunRequest {
        intake: Intake::Inbox,
        dry_run: false,
    };
    let report = w.flow(World::config()).run(inbox.clone()).await.unwrap();
    assert_eq!(report.counts.dead_lettered, 1, "{report:?}");
    assert!(
        w.state
            .pending_inbox("shop-1", FLOW, 10)
            .await
            .unwrap()
            .is_empty(),
        "dead-lettered is done: it left the inbox"
    );
    w.ledger
        .add_articles(&[ArticleBuilder::new("NEW-ART").build()]);
    w.clock.advance(Duration::from_secs(5 * 60));
    let report = w.flow(World::config()).run(inbox).await.unwrap();
    assert_eq!(report.counts.created, 1, "{report:?}");
    assert_eq!(w.dead_letters().await[0].status, DeadLetterStatus::Replayed);
}

/// An order source whose order fetches take `delay` (a slow shop or a stalled worker).
#[derive(Clone)]
struct SlowSource {
    inner: MemoryOrderSource,
    delay: Duration,
}

#[async_trait]
impl OrderSource for SlowSource {
    fn changed_orders<'a>(
        &'a self,
        window: &ReadWindow,
        filter: &OrderFilter,
    ) -> futures::stream::BoxStream<'a, Result<crate::domain::OrderSummary, SyncError>> {
        self.inner.changed_orders(window, filter)
    }
    async fn fetch_order(&self, id: &str) -> Result<Option<Order>, SyncError> {
        tokio::time::sleep(self.delay).await;
        self.inner.fetch_order(id).await
    }
    async fn credit_notes_for_order(&self, order_id: &str) -> Result<Vec<CreditNote>, SyncError> {
        self.inner.credit_notes_for_order(order_id).await
    }
    async fn changed_credit_notes(
        &self,
        window: &ReadWindow,
    ) -> Result<Vec<CreditNote>, SyncError> {
        self.inner.changed_credit_notes(window).await
    }
    async fn write_back(
        &self,
        order: &Order,
        booking: &BookingRef,
        target: &WriteBack,
    ) -> Result<(), SyncError> {
        self.inner.write_back(order, booking, target).await
    }
}

/// Issue 10 §7: worker A claims an order and stalls for longer than the claim's stale age; worker B
/// takes the claim over, finds no booking and books; A books too. The record deadline (shorter than
/// the stale age), the heartbeats and the fence now keep it to one booking.
#[tokio::test(start_paused = true)]
async fn a_worker_that_stalls_after_its_claim_never_books_twice() {
    let w = World::new();
    w.source.upsert_order(
        w.order("ORD1", t(10, 11))
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    let clock: Arc<dyn Clock> = Arc::new(TokioClock::starting_at(t(10, 12)));
    let flow = |source: Arc<dyn OrderSource>, worker: &str| {
        OrdersFlow::new(
            "shop-1",
            World::config(),
            source,
            Arc::new(w.ledger.clone()),
            w.state.clone(),
        )
        .with_clock(clock.clone())
        .with_worker_id(worker)
    };
    let stalled = SlowSource {
        inner: w.source.clone(),
        delay: Duration::from_secs(16 * 60),
    };
    let a = flow(Arc::new(stalled), "a");
    let b = flow(Arc::new(w.source.clone()), "b");
    let a_run = tokio::spawn(async move { a.run(RunRequest::poll()).await });
    // B polls every minute for 20 minutes.
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let _ = b.run(RunRequest::poll()).await;
    }
    let _ = a_run.await.unwrap();
    tokio::time::sleep(Duration::from_secs(60)).await;
    b.run(RunRequest::poll()).await.unwrap();
    assert_eq!(w.ledger.bookings().len(), 1, "{:?}", w.ledger.bookings());
}

/// A ledger whose relay commits a write only later: `book` answers "outcome unknown" and the
/// booking shows up when the test says the relay got to it.
struct LateCommit {
    inner: MemoryLedger,
    pending: Mutex<Vec<SalesDocument>>,
    first_only: Mutex<bool>,
}

impl LateCommit {
    fn new(inner: MemoryLedger) -> Self {
        Self {
            inner,
            pending: Mutex::new(Vec::new()),
            first_only: Mutex::new(true),
        }
    }

    /// The relay gets to the writes it was holding.
    async fn commit(&self) {
        let pending: Vec<SalesDocument> = std::mem::take(&mut *self.pending.lock().unwrap());
        for document in pending {
            self.inner.book(&document).await.unwrap();
        }
    }
}

#[async_trait]
impl LedgerDebtors for LateCommit {
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
impl Ledger for LateCommit {
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
        let first = std::mem::replace(&mut *self.first_only.lock().unwrap(), false);
        if first {
            self.pending.lock().unwrap().push(document.clone());
            return Err(
                SyncError::retryable(ErrorKind::Timeout, "no answer from the relay")
                    .with_outcome_unknown(),
            );
        }
        self.inner.book(document).await
    }
}

/// Issue 10 §8: after "outcome unknown" and a lookup that found nothing, the claim was released; a
/// late commit in the ledger and the next poll booked the order again.
#[tokio::test]
async fn an_ambiguous_write_keeps_its_claim_until_the_ledger_had_time_to_show_it() {
    let w = World::new();
    w.source.upsert_order(
        w.order("ORD1", t(10, 11))
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    let ledger = Arc::new(LateCommit::new(w.ledger.clone()));
    let report = w
        .flow_with(World::config(), ledger.clone())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 0, "{report:?}");
    // The next poll comes before the relay committed: it must not write the order again.
    w.clock.advance(Duration::from_secs(60));
    let report = w
        .flow_with(World::config(), ledger.clone())
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 0, "{report:?}");
    ledger.commit().await;
    assert_eq!(w.ledger.bookings().len(), 1);
    // After the recheck time the order is looked up again: found, linked, not booked again.
    w.clock.advance(Duration::from_secs(10 * 60));
    let report = w
        .flow_with(World::config(), ledger.clone())
        .run(RunRequest::poll())
        .await
        .unwrap();
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

/// Issue 10 §11: with a reference format of only `{id}`, a credit note got its order's reference,
/// the lookup found the order's booking (invoices and credit notes share the sales journal), and
/// the credit note was never written.
#[tokio::test]
async fn credit_notes_get_references_of_their_own_whatever_the_format() {
    let w = World::new();
    let order = w
        .order("ORD1", t(10, 11))
        .line("FB-1001", dec!(2), dec!(4.95))
        .build();
    w.source.upsert_order(order.clone());
    let mut config = credit_config();
    config.target = crate::config::BookingTarget::SalesInvoice;
    config.external_reference.format = "{id}".into();
    w.flow(config.clone())
        .run(RunRequest::poll())
        .await
        .unwrap();
    w.clock.advance(Duration::from_secs(60));
    w.source
        .add_credit_note(credit_note("ORD1", &order, w.clock.now()));
    w.clock.advance(Duration::from_secs(60));
    let report = w.flow(config).run(RunRequest::poll()).await.unwrap();
    let credits = credit_bookings(&w);
    assert_eq!(credits.len(), 1, "{report:?}");
    assert_ne!(credits[0].reference, w.ledger.bookings()[0].1.reference);
}

/// Issue 10, "Also": while credit notes failed, the cursor moved back to the start of the window, so
/// each poll read a longer window. It never moves back now.
#[tokio::test]
async fn the_cursor_never_moves_back() {
    let w = World::new();
    w.source.upsert_order(
        w.order("ORD1", t(10, 11))
            .line("FB-1001", dec!(1), dec!(4.95))
            .build(),
    );
    w.flow(credit_config())
        .run(RunRequest::poll())
        .await
        .unwrap();
    let first = w.state.get_cursor("shop-1", FLOW).await.unwrap().unwrap();
    w.source.faults().fail(
        "changed_credit_notes",
        ErrorClass::Retryable,
        ErrorKind::Transport,
        None,
    );
    for _ in 0..3 {
        w.clock.advance(Duration::from_secs(5 * 60));
        w.flow(credit_config())
            .run(RunRequest::poll())
            .await
            .unwrap();
        let now = w.state.get_cursor("shop-1", FLOW).await.unwrap().unwrap();
        assert!(
            now.position >= first.position,
            "{} moved back from {}",
            now.position,
            first.position
        );
    }
}
