//! Uses only the public API, the way an embedding service would: flows written against `dyn` role
//! traits, run against the in-memory implementations, with a run report and notifications.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures::TryStreamExt;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use sync_core::config::SyncConfig;
use sync_core::domain::{
    BookingLine, BookingLineKind, DebtorDraft, DebtorRef, Order, SalesDocument, StockLevel,
    round_cents,
};
use sync_core::error::{ErrorKind, SyncError};
use sync_core::report::{Outcome, RunRecorder, RunReport};
use sync_core::testing::{
    ArticleBuilder, ManualClock, MemoryArticleSource, MemoryCatalog, MemoryLedger,
    MemoryLedgerDebtors, MemoryOrderSource, MemoryShopCustomers, OrderBuilder, RecordingNotifier,
};
use sync_core::traits::{
    ArticleSource, Catalog, Clock, Ledger, LedgerDebtors, Mapper, NotificationKind, Notifier,
    NotifyGate, OrderSource, ReadWindow, ShopCustomers, Sink, WriteOutcome,
};

/// A deliberately small order flow: enough to show the traits compose. The real flow lives in the
/// flows module and does much more (claims, cursors, delivery addresses, rounding lines…).
async fn book_orders(
    shop: &dyn OrderSource,
    ledger: &dyn Ledger,
    config: &SyncConfig,
    clock: Arc<dyn Clock>,
) -> RunReport {
    let mut run = RunRecorder::new("demo", "orders", clock.clone());
    let window = ReadWindow::up_to(clock.now());
    let listed: Result<Vec<_>, _> = shop
        .changed_orders(&window, &config.orders.filter)
        .try_collect()
        .await;
    let orders = match listed {
        Ok(orders) => orders,
        Err(error) => {
            run.record_error(None, &error);
            return run.finish();
        }
    };
    run.record_read(orders.len() as u64);
    let index = match ledger.article_index().await {
        Ok(index) => index,
        Err(error) => {
            run.record_error(None, &error);
            return run.finish();
        }
    };
    let kind = config.orders.target.document_kind();
    for listed in orders {
        let order = match shop.fetch_order(&listed.source_id).await {
            Ok(Some(order)) => order,
            Ok(None) => continue,
            Err(error) => {
                run.record_error(Some(&listed.number), &error);
                continue;
            }
        };
        let reference = config.orders.external_reference.render(&order);
        match ledger.find_booking(&reference, kind).await {
            Ok(Some(_)) => {
                run.record_skipped(&order.number, "already booked");
                continue;
            }
            Ok(None) => {}
            Err(error) => {
                run.record_error(Some(&order.number), &error);
                continue;
            }
        }
        let result: Result<(), SyncError> = async {
            let mut lines = Vec::new();
            for line in &order.lines {
                let article = index.article_for_line(line, &config.orders.article_matching)?;
                let country = order.customer.address.as_ref().and_then(|a| a.country);
                lines.push(BookingLine {
                    kind: BookingLineKind::Article,
                    article_code: Some(article.item.code.clone()),
                    description: line.description.clone(),
                    quantity: line.quantity,
                    unit_price: line.unit_price_incl,
                    amount_excl: line.total_excl,
                    amount_incl: line.total_incl,
                    vat_amount: round_cents(line.total_incl - line.total_excl),
                    vat_code: config
                        .orders
                        .vat_code(country, line.vat_rate, false)
                        .map(str::to_owned),
                    vat_rate: line.vat_rate,
                    revenue_account: config.orders.revenue_account(country).map(str::to_owned),
                });
            }
            let debtor = ledger
                .create_debtor(&DebtorDraft::from_party(&order.customer), None)
                .await?;
            ledger
                .book(&SalesDocument {
                    kind,
                    reference: reference.clone(),
                    debtor: DebtorRef::new(debtor.number),
                    delivery_address: None,
                    order_date: order.created_at.date_naive(),
                    invoice_number: None,
                    invoice_date: None,
                    description: order.number.clone(),
                    email: order.customer.email.clone(),
                    payment_condition: None,
                    payment_method_code: None,
                    shipping_method_code: None,
                    shop_id: order.shop_id.clone(),
                    currency: order.currency,
                    amounts_include_vat: config.orders.amounts_include_vat,
                    lines,
                    total_excl: order.totals.excl,
                    total_incl: order.totals.incl,
                    vat_total: order.totals.vat(),
                    rounding_difference: Decimal::ZERO,
                    header_discount: Decimal::ZERO,
                })
                .await?;
            Ok(())
        }
        .await;
        match result {
            Ok(()) => run.record_created(&order.number),
            Err(error) if error.stops_run() => {
                run.record_error(Some(&order.number), &error);
                break;
            }
            Err(error) => run.record_error(Some(&order.number), &error),
        }
    }
    run.finish()
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

    let first = book_orders(&*shop_dyn, &*ledger_dyn, &config, Arc::new(clock.clone())).await;
    assert_eq!(first.counts.read, 2, "the unpaid order is filtered out");
    assert_eq!(first.counts.created, 1);
    assert_eq!(first.counts.dead_lettered, 1);
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

    // A second run finds the booking by its external reference and books nothing twice.
    let second = book_orders(&*shop_dyn, &*ledger_dyn, &config, Arc::new(clock.clone())).await;
    assert_eq!(second.counts.skipped, 1);
    assert_eq!(ledger.bookings().len(), 1);

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
    for _ in 0..3 {
        let report = book_orders(&shop, &ledger, &config, clock.clone()).await;
        NotifyGate::deliver(&notifier, gate.run_finished(&report)).await;
    }
    let kinds: Vec<_> = notifier.notifications().iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        [NotificationKind::RunFailed, NotificationKind::RunRecovered]
    );
}

/// A third system plugged in as a `Sink`: it only needs `write`.
#[derive(Default)]
struct SpreadsheetStock {
    rows: Mutex<Vec<(String, Decimal)>>,
}

#[async_trait]
impl Sink<StockLevel> for SpreadsheetStock {
    async fn write(&self, item: &StockLevel) -> Result<WriteOutcome, SyncError> {
        let mut rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        if rows
            .iter()
            .any(|(code, q)| *code == item.article_code && *q == item.quantity)
        {
            return Ok(WriteOutcome::Unchanged);
        }
        rows.retain(|(code, _)| *code != item.article_code);
        rows.push((item.article_code.clone(), item.quantity));
        Ok(WriteOutcome::Updated {
            id: item.article_code.clone(),
        })
    }
}

#[tokio::test]
async fn articles_through_a_mapper_into_a_third_system_sink() {
    let articles = MemoryArticleSource::new();
    articles.upsert(
        ArticleBuilder::new("ART-1")
            .quantity("QTY_AVAIL", dec!(9))
            .quantity("QTY_RES_SO", dec!(4))
            .build(),
    );
    let config = SyncConfig::default();
    let calculator = config.stock.calculator().unwrap();
    let to_level = move |a: &sync_core::domain::Article| -> Result<StockLevel, SyncError> {
        Ok(StockLevel {
            article_code: a.code.clone(),
            sku: a.sku.clone(),
            ean: a.ean.clone(),
            quantity: calculator.quantity(a)?,
            managed: Some(true),
        })
    };
    let source: &dyn ArticleSource = &articles;
    let sink: Box<dyn Sink<StockLevel>> = Box::new(SpreadsheetStock::default());
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        for article in source.all_articles().await.unwrap() {
            let level = Mapper::map(&to_level, &article).unwrap();
            outcomes.push(sink.write(&level).await.unwrap());
        }
    }
    assert_eq!(
        outcomes,
        [
            WriteOutcome::Updated { id: "ART-1".into() },
            WriteOutcome::Unchanged
        ]
    );
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
