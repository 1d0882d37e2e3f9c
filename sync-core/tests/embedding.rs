//! Uses only the public API, the way an embedding service would: a flow composed from the building
//! blocks (`sync_core::blocks`) over `dyn` role traits, run against the in-memory implementations,
//! with a run report and notifications.

use std::sync::{Arc, Mutex};

use futures::StreamExt;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use sync_core::blocks::Worker;
use sync_core::blocks::changed::{Content, Written, write_if_changed};
use sync_core::blocks::debtor::{DebtorRequest, upsert_debtor};
use sync_core::blocks::dedup::{Dedup, ToBook, claim_and_look_up};
use sync_core::blocks::run::{DEFAULT_LEASE_TTL, RunScope};
use sync_core::config::SyncConfig;
use sync_core::domain::{DebtorDraft, DebtorRef, Order, OrderSummary};
use sync_core::error::{ErrorKind, SyncError};
use sync_core::flows::orders::document::{DocumentContext, sales_document};
use sync_core::report::{ApiStats, Outcome, RunReport};
use sync_core::state::prelude::*;
use sync_core::state::{HashKind, IdKind, MemoryStateStore, RecordKey};
use sync_core::testing::{
    ArticleBuilder, ManualClock, MemoryArticleSource, MemoryCatalog, MemoryLedger,
    MemoryLedgerDebtors, MemoryOrderSource, MemoryShopCustomers, OrderBuilder, RecordingNotifier,
};
use sync_core::traits::{
    ArticleSource, Catalog, Clock, Ledger, LedgerDebtors, NotificationKind, Notifier, NotifyGate,
    OrderSource, ReadWindow, ShopCustomers,
};

/// An order flow composed from the public building blocks, one by one, the way an embedding
/// service would — with its own state store and clock: the run scope (lease, run record, report),
/// the id map, claim-and-look-up, the debtor upsert by e-mail, the document mapping, the fence before
/// the write, and the confirm after it. It books each paid order exactly once.
async fn book_orders(
    shop: &dyn OrderSource,
    ledger: &dyn Ledger,
    state: &MemoryStateStore,
    config: &SyncConfig,
    clock: Arc<dyn Clock>,
) -> RunReport {
    let worker = Worker {
        connection: "demo",
        id: "embedded-worker",
        clock: &clock,
    };
    let scope = RunScope {
        runs: state,
        leases: state,
        clock: &clock,
        connection: "demo",
        flow: "orders",
        worker: "embedded-worker",
        lease_ttl: DEFAULT_LEASE_TTL,
    };
    scope
        .run(
            clock.now(),
            false,
            ApiStats::default,
            |_, mut run, lease| async move {
                let window = ReadWindow::up_to(worker.clock.now());
                let mut listed = shop.changed_orders(&window, &config.orders.filter);
                let index = match ledger.article_index().await {
                    Ok(index) => index,
                    Err(error) => {
                        run.record_error(None, &error);
                        return run;
                    }
                };
                while let Some(summary) = listed.next().await {
                    if lease.lost() {
                        break;
                    }
                    let summary = match summary {
                        Ok(summary) => summary,
                        Err(error) => {
                            run.record_error(None, &error);
                            break;
                        }
                    };
                    run.record_read(1);
                    match book_one(ledger, shop, state, worker, config, &index, &summary).await {
                        Ok(Some(number)) => run.record_created(&number),
                        Ok(None) => run.record_unchanged(&summary.number),
                        Err(error) => run.record_error(Some(&summary.number), &error),
                    }
                }
                run
            },
        )
        .await
        .expect("the run starts")
}

/// One order through the blocks: `Some(booking number)` when it was booked now.
async fn book_one(
    ledger: &dyn Ledger,
    shop: &dyn OrderSource,
    state: &MemoryStateStore,
    worker: Worker<'_>,
    config: &SyncConfig,
    index: &sync_core::traits::ArticleIndex,
    summary: &OrderSummary,
) -> Result<Option<String>, SyncError> {
    if state
        .lookup("demo", &IdKind::Order, &summary.source_id)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    let reference = config.orders.external_reference.render_summary(summary);
    let record = RecordKey::order(summary.source_id.as_str());
    let to_book = ToBook {
        record: &record,
        reference: &reference,
        kind: config.orders.target.document_kind(),
    };
    let deadline = std::time::Duration::from_secs(60);
    let claim =
        match claim_and_look_up(state, state, ledger, worker, to_book, deadline, false).await? {
            Dedup::Write(Some(claim)) => claim,
            // Booked before (found by its reference, or confirmed), or another worker has it.
            _ => return Ok(None),
        };
    let booked =
        claim
            .heartbeat(async {
                let order = shop.fetch_order(&summary.source_id).await?.ok_or_else(|| {
                    SyncError::skippable(ErrorKind::NotFound, "the order is gone")
                })?;
                let email = order
                    .customer
                    .email
                    .clone()
                    .ok_or_else(|| SyncError::mapping("no e-mail address"))?;
                let debtor = upsert_debtor(
                    ledger,
                    state,
                    state,
                    worker,
                    DebtorRequest {
                        email: &email,
                        draft: DebtorDraft::from_party(&order.customer),
                        numbering: &config.orders.debtor_numbering,
                        customer_id: order.customer.external_id.as_deref(),
                        record: &order.number,
                    },
                    false,
                )
                .await?;
                let mut codes = Vec::new();
                for line in &order.lines {
                    let found = index.article_for_line(line, &config.orders.article_matching)?;
                    codes.push(found.item.code.clone());
                }
                let document = sales_document(
                    &order,
                    &DocumentContext {
                        config: &config.orders,
                        kind: to_book.kind,
                        reference: reference.clone(),
                        debtor: DebtorRef::new(debtor.number),
                        article_codes: &codes,
                    },
                )?;
                claim.fence().await.map_err(|fence| {
                    SyncError::retryable(ErrorKind::Conflict, format!("{fence:?}"))
                })?;
                ledger.book(&document).await
            })
            .await;
    match booked {
        Ok(booking) => {
            state
                .link("demo", &IdKind::Order, &summary.source_id, &booking.number)
                .await?;
            claim.confirm(&booking.number).await?;
            Ok(Some(booking.number))
        }
        Err(error) => {
            // Nothing was written (the memory ledger never fails after a write): free the claim.
            claim.release().await?;
            Err(error)
        }
    }
}

fn order(number: &str, article: &str) -> Order {
    OrderBuilder::new(number)
        .line(article, dec!(2), dec!(12.10))
        .build()
}

#[tokio::test]
async fn a_flow_over_dyn_traits_books_once_and_dead_letters_a_missing_article() {
    let clock = ManualClock::default();
    clock.advance(std::time::Duration::from_secs(86_400));
    let shop = MemoryOrderSource::new();
    let ledger = MemoryLedger::new();
    ledger.add_articles(&[ArticleBuilder::new("ART-1").build()]);
    shop.upsert_order(order("ORD1", "ART-1"));
    shop.upsert_order(order("ORD2", "MISSING"));
    shop.upsert_order(
        OrderBuilder::new("ORD3")
            .payment_status("not_paid")
            .line("ART-1", dec!(1), dec!(1))
            .build(),
    );
    let config = SyncConfig::default();
    let shop_dyn: Arc<dyn OrderSource> = Arc::new(shop.clone());
    let ledger_dyn: Arc<dyn Ledger> = Arc::new(ledger.clone());
    let state = MemoryStateStore::new();

    let first = book_orders(
        &*shop_dyn,
        &*ledger_dyn,
        &state,
        &config,
        Arc::new(clock.clone()),
    )
    .await;
    assert_eq!(first.counts.read, 2, "the unpaid order is filtered out");
    assert_eq!(first.counts.created, 1);
    assert_eq!(first.counts.dead_lettered, 1);
    assert_eq!(ledger.debtors().len(), 1, "one debtor, created by e-mail");
    assert_eq!(
        first.outcome,
        Outcome::Partial,
        "a skippable error never stops a run"
    );
    let missing = &first.first_errors[&ErrorKind::MissingArticle];
    assert_eq!(missing.samples[0].record_key.as_deref(), Some("ORD2"));
    let (booking, document) = &ledger.bookings()[0];
    assert_eq!(booking.number, "SO1");
    assert_eq!(document.reference.as_str(), "LS-1-ORD1");
    assert_eq!(document.lines[0].vat_code.as_deref(), Some("2"));
    assert_eq!(document.lines[0].revenue_account.as_deref(), Some("8000"));
    assert_eq!(document.total_incl, dec!(24.20));

    // A second run finds the booking in the id map and books nothing twice.
    let second = book_orders(
        &*shop_dyn,
        &*ledger_dyn,
        &state,
        &config,
        Arc::new(clock.clone()),
    )
    .await;
    assert_eq!(second.counts.unchanged, 1);
    assert_eq!(ledger.bookings().len(), 1);
    // A new state store (the id map lost): the lookup by reference finds the booking.
    let fresh = MemoryStateStore::new();
    let third = book_orders(&*shop_dyn, &*ledger_dyn, &fresh, &config, Arc::new(clock)).await;
    assert_eq!(third.counts.unchanged, 1);
    assert_eq!(ledger.bookings().len(), 1);
    assert!(
        fresh
            .lookup(
                "demo",
                &IdKind::Order,
                &shop.order("ORD1").unwrap().source_id
            )
            .await
            .unwrap()
            .is_some(),
        "recovered and linked"
    );

    // The gate turns the dead letter into one notification, however often it recurs.
    let gate = NotifyGate::new();
    let notifier = RecordingNotifier::new();
    let error = SyncError::skippable(ErrorKind::MissingArticle, "ORD2 needs MISSING");
    for _ in 0..3 {
        let n = gate.record_dead_lettered("demo", "orders", "ORD2", &error);
        NotifyGate::deliver(&notifier, n).await;
    }
    let sent = notifier.notifications();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].kind, NotificationKind::RecordDeadLettered);
}

#[tokio::test]
async fn a_fatal_error_fails_the_run_and_notifies_once_then_recovers() {
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::default());
    let shop = MemoryOrderSource::new();
    let ledger = MemoryLedger::new();
    ledger.faults().fail(
        "article_index",
        sync_core::error::ErrorClass::Fatal,
        ErrorKind::Auth,
        Some(2),
    );
    let config = SyncConfig::default();
    let gate = NotifyGate::new();
    let notifier = RecordingNotifier::new();
    let state = MemoryStateStore::new();
    for _ in 0..3 {
        let report = book_orders(&shop, &ledger, &state, &config, clock.clone()).await;
        NotifyGate::deliver(&notifier, gate.run_finished(&report)).await;
    }
    let kinds: Vec<_> = notifier.notifications().iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        [NotificationKind::RunFailed, NotificationKind::RunRecovered]
    );
}

/// A third system that keeps stock levels (a spreadsheet), written through the changed-only block.
#[derive(Default)]
struct SpreadsheetStock {
    rows: Mutex<Vec<(String, Decimal)>>,
}

impl SpreadsheetStock {
    async fn set(&self, code: &str, quantity: Decimal) -> Result<(), SyncError> {
        let mut rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        rows.retain(|(c, _)| c != code);
        rows.push((code.to_owned(), quantity));
        Ok(())
    }
}

#[tokio::test]
async fn stock_levels_into_a_third_system_through_the_changed_only_block() {
    let articles = MemoryArticleSource::new();
    articles.upsert(
        ArticleBuilder::new("ART-1")
            .quantity("QTY_AVAIL", dec!(9))
            .quantity("QTY_RES_SO", dec!(4))
            .build(),
    );
    let config = SyncConfig::default();
    let calculator = config.stock.calculator().unwrap();
    let state = MemoryStateStore::new();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::default());
    let worker = Worker {
        connection: "demo",
        id: "w",
        clock: &clock,
    };
    let sheet = SpreadsheetStock::default();
    let source: &dyn ArticleSource = &articles;
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        for article in source.all_articles().await.unwrap() {
            let quantity = calculator.quantity(&article).unwrap();
            let text = quantity.to_string();
            let content = Content {
                kind: &HashKind::Stock,
                target_id: &article.code,
                content: &text,
                shown: None,
            };
            let written = write_if_changed(&state, worker, content, false, || {
                sheet.set(&article.code, quantity)
            })
            .await
            .unwrap();
            outcomes.push(written);
        }
    }
    assert_eq!(outcomes, [Written::Written, Written::Unchanged]);
    assert_eq!(*sheet.rows.lock().unwrap(), [("ART-1".to_owned(), dec!(5))]);
}

#[test]
fn every_role_trait_is_object_safe_and_shareable() {
    fn shareable<T: Send + Sync + ?Sized>(_: &T) {}
    let ledger: Arc<dyn Ledger> = Arc::new(MemoryLedger::new());
    let debtors: Arc<dyn LedgerDebtors> = Arc::new(MemoryLedgerDebtors::new());
    let catalog: Arc<dyn Catalog> = Arc::new(MemoryCatalog::new());
    let customers: Arc<dyn ShopCustomers> = Arc::new(MemoryShopCustomers::new());
    let notifier: Arc<dyn Notifier> = Arc::new(RecordingNotifier::new());
    let orders: Arc<dyn OrderSource> = Arc::new(MemoryOrderSource::new());
    let articles: Arc<dyn ArticleSource> = Arc::new(MemoryArticleSource::new());
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::default());
    shareable(&*ledger);
    shareable(&*debtors);
    shareable(&*catalog);
    shareable(&*customers);
    shareable(&*notifier);
    shareable(&*orders);
    shareable(&*articles);
    shareable(&*clock);
    // Ledger extends LedgerDebtors: a ledger can serve the customer flow as well.
    let as_debtors: &dyn LedgerDebtors = &*ledger;
    shareable(as_debtors);
}
