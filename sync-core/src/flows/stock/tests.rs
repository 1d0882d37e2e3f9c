//! Stock flow tests on the in-memory doubles: only changed levels are written, the variant list is
//! read only when needed, formulas and buffers, missing variants, outages and dry runs.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;
use crate::config::{StockConfig, StockFormula};
use crate::domain::{Product, Variant};
use crate::error::{ErrorClass, ErrorKind};
use crate::report::Outcome;
use crate::state::MemoryStateStore;
use crate::state::prelude::*;
use crate::testing::{ArticleBuilder, ManualClock, MemoryArticleSource, MemoryCatalog};
use crate::traits::Catalog;

struct World {
    articles: MemoryArticleSource,
    shop: MemoryCatalog,
    state: Arc<MemoryStateStore>,
    clock: Arc<ManualClock>,
}

impl World {
    async fn new() -> Self {
        let shop = MemoryCatalog::new();
        let variant = |code: &str, stock: i64| Variant {
            article_code: code.to_owned(),
            sku: Some(code.to_owned()),
            ean: Some(format!("87100000{code}")),
            stock: Some(Decimal::from(stock)),
            ..Variant::default()
        };
        shop.create_product(&Product {
            key: "P1".into(),
            title: "Fietsbel".into(),
            variants: vec![variant("A1", 5), variant("A2", 0)],
            ..Product::default()
        })
        .await
        .unwrap();
        let world = Self {
            articles: MemoryArticleSource::new(),
            shop,
            state: Arc::new(MemoryStateStore::new()),
            clock: Arc::new(ManualClock::new(
                Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap(),
            )),
        };
        world.article("A1", 10, 3); // free stock 7, the shop shows 5
        world.article("A2", 4, 4); // free stock 0, the shop shows 0
        world.article("NOT-IN-SHOP", 9, 0);
        world
    }

    fn article(&self, code: &str, available: i64, reserved: i64) {
        self.articles.upsert(
            ArticleBuilder::new(code)
                .sku(code)
                .quantity("QTY_TECH", Decimal::from(available))
                .quantity("QTY_AVAIL", Decimal::from(available))
                .quantity("QTY_RES_SO", Decimal::from(reserved))
                .quantity("QTY_ECON", Decimal::from(available - reserved))
                .build(),
        );
    }

    fn flow(&self, config: StockConfig) -> StockFlow {
        StockFlow::new(
            "shop-1",
            config,
            Arc::new(self.articles.clone()),
            Arc::new(self.shop.clone()),
            self.state.clone(),
        )
        .with_clock(self.clock.clone())
    }

    fn writes(&self) -> Vec<(String, Decimal)> {
        self.shop
            .stock_writes()
            .into_iter()
            .map(|w| (w.variant_id, w.quantity))
            .collect()
    }
}

#[tokio::test]
async fn only_changed_levels_are_written_and_a_second_run_writes_nothing() {
    let w = World::new().await;
    let report = w
        .flow(StockConfig::default())
        .run(StockRequest::default())
        .await
        .unwrap();
    assert_eq!(report.outcome, Outcome::Success, "{report:?}");
    assert_eq!(report.counts.read, 3);
    assert_eq!(report.counts.updated, 1, "A1 goes from 5 to 7");
    assert_eq!(report.counts.unchanged, 1, "A2 already shows 0");
    assert_eq!(report.counts.skipped, 1, "not in the shop");
    assert_eq!(w.writes(), vec![("v2".to_owned(), dec!(7))]);
    assert_eq!(w.shop.faults().calls("variant_index"), 1);

    // Nothing changed: no write, and the shop's variant list is not read again.
    w.clock.advance(Duration::from_secs(900));
    let report = w
        .flow(StockConfig::default())
        .run(StockRequest::default())
        .await
        .unwrap();
    assert_eq!(report.counts.updated, 0);
    assert_eq!(w.writes().len(), 1);
    assert_eq!(
        w.shop.faults().calls("variant_index"),
        1,
        "ids come from the id map"
    );

    // A sale reserves two more: exactly one write.
    w.article("A1", 10, 5);
    let report = w
        .flow(StockConfig::default())
        .run(StockRequest::default())
        .await
        .unwrap();
    assert_eq!(report.counts.updated, 1);
    assert_eq!(w.writes().last().unwrap(), &("v2".to_owned(), dec!(5)));

    // A day later the missing article is looked for again (one more read of the variant list).
    w.clock.advance(Duration::from_secs(25 * 3600));
    w.flow(StockConfig::default())
        .run(StockRequest::default())
        .await
        .unwrap();
    assert_eq!(w.shop.faults().calls("variant_index"), 2);
}

#[tokio::test]
async fn formulas_buffers_and_never_below_zero() {
    let w = World::new().await;
    w.article("A1", 10, 13);
    let config = StockConfig {
        formula: StockFormula::Technical,
        buffer: dec!(2),
        ..StockConfig::default()
    };
    w.flow(config).run(StockRequest::default()).await.unwrap();
    let mut writes = w.writes();
    writes.sort();
    assert_eq!(
        writes,
        vec![("v2".to_owned(), dec!(8)), ("v3".to_owned(), dec!(2))],
        "technical less a buffer of 2: A1 10 → 8, A2 4 → 2"
    );

    let w = World::new().await;
    w.article("A1", 10, 13);
    w.flow(StockConfig::default())
        .run(StockRequest::default())
        .await
        .unwrap();
    assert_eq!(
        w.writes(),
        vec![("v2".to_owned(), dec!(0))],
        "never below zero"
    );
}

#[tokio::test]
async fn a_formula_over_a_column_the_ledger_lacks_fails_the_run_naming_the_column() {
    // Every article of an administration has the same columns: a missing one is a configuration
    // error (a failed run that notifies), not a run that "succeeds" having skipped every article.
    let w = World::new().await;
    let config = StockConfig {
        formula: StockFormula::Expression("QTY_TECH - QTY_NOPE".into()),
        ..StockConfig::default()
    };
    let report = w.flow(config).run(StockRequest::default()).await.unwrap();
    assert_eq!(report.outcome, crate::report::Outcome::Failed, "{report:?}");
    let fatal = report.fatal_error.expect("a fatal configuration error");
    assert_eq!(fatal.kind, ErrorKind::Config);
    assert!(fatal.message.contains("`QTY_NOPE`"), "{}", fatal.message);
    assert!(fatal.message.contains("stock.formula"), "{}", fatal.message);
    assert!(w.writes().is_empty());

    // A default formula over a renamed column names the option to set.
    let mut config = StockConfig::default();
    config.columns.reserved_sales = "QTY_GONE".into();
    let report = w.flow(config).run(StockRequest::default()).await.unwrap();
    let fatal = report.fatal_error.expect("a fatal configuration error");
    assert!(
        fatal.message.contains("stock.columns.reserved_sales"),
        "{}",
        fatal.message
    );
}

#[tokio::test]
async fn a_shop_outage_stops_the_run_and_the_next_run_finishes_the_work() {
    let w = World::new().await;
    w.article("A2", 6, 0);
    w.shop.faults().fail(
        "set_stock",
        ErrorClass::Retryable,
        ErrorKind::RateLimited,
        Some(1),
    );
    let report = w
        .flow(StockConfig::default())
        .run(StockRequest::default())
        .await
        .unwrap();
    assert_ne!(report.outcome, Outcome::Success);
    assert!(w.writes().is_empty());
    let report = w
        .flow(StockConfig::default())
        .run(StockRequest::default())
        .await
        .unwrap();
    assert_eq!(report.counts.updated, 2, "{report:?}");
    assert_eq!(w.writes().len(), 2);
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_remembers_nothing() {
    let w = World::new().await;
    let report = w
        .flow(StockConfig::default())
        .run(StockRequest { dry_run: true })
        .await
        .unwrap();
    assert!(report.dry_run);
    assert_eq!(report.counts.updated, 1, "what would be written is counted");
    assert!(w.writes().is_empty());
    assert!(
        w.state
            .lookup("shop-1", &IdKind::Variant, "A1")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn stock_tracking_is_switched_on_when_configured() {
    let w = World::new().await;
    w.flow(StockConfig::default())
        .run(StockRequest::default())
        .await
        .unwrap();
    assert_eq!(w.shop.stock_writes()[0].managed, Some(true));
    let w = World::new().await;
    let config = StockConfig {
        manage_stock: false,
        ..StockConfig::default()
    };
    w.flow(config).run(StockRequest::default()).await.unwrap();
    assert_eq!(w.shop.stock_writes()[0].managed, None);
}

/// An article source whose full scan takes `delay` (a slow relay).
struct SlowArticles {
    inner: MemoryArticleSource,
    delay: Duration,
}

#[async_trait::async_trait]
impl crate::traits::ArticleSource for SlowArticles {
    async fn changed_articles(
        &self,
        window: &crate::traits::ReadWindow,
    ) -> Result<Vec<crate::domain::Article>, crate::error::SyncError> {
        self.inner.changed_articles(window).await
    }
    async fn all_articles(&self) -> Result<Vec<crate::domain::Article>, crate::error::SyncError> {
        tokio::time::sleep(self.delay).await;
        self.inner.all_articles().await
    }
    async fn article_groups(
        &self,
    ) -> Result<Vec<crate::domain::ArticleGroup>, crate::error::SyncError> {
        self.inner.article_groups().await
    }
}

/// Issue 10, "Also": the stock flow never renewed its lease, so a run longer than the lease let a
/// second worker run the flow at the same time. The shared run lifecycle renews it now.
#[tokio::test(start_paused = true)]
async fn a_long_stock_run_keeps_its_lease() {
    let w = World::new().await;
    let clock: Arc<dyn crate::traits::Clock> =
        Arc::new(crate::testing::TokioClock::starting_at(w.clock.now()));
    let flow = |articles: Arc<dyn crate::traits::ArticleSource>, worker: &str| {
        StockFlow::new(
            "shop-1",
            StockConfig::default(),
            articles,
            Arc::new(w.shop.clone()),
            w.state.clone(),
        )
        .with_clock(clock.clone())
        .with_worker_id(worker)
    };
    let slow = flow(
        Arc::new(SlowArticles {
            inner: w.articles.clone(),
            delay: Duration::from_secs(20 * 60),
        }),
        "slow",
    );
    let other = flow(Arc::new(w.articles.clone()), "other");
    let slow_run = tokio::spawn(async move { slow.run(StockRequest::default()).await });
    for minute in 1..20 {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let error = other.run(StockRequest::default()).await.unwrap_err();
        assert_eq!(
            error.kind(),
            ErrorKind::Conflict,
            "minute {minute}: {error}"
        );
    }
    let report = slow_run.await.unwrap().unwrap();
    assert_eq!(report.outcome, Outcome::Success, "{report:?}");
    assert_eq!(w.writes().len(), 1, "one worker wrote: {:?}", w.writes());
}

/// An article source that checks its columns before a run: a warning, or a missing column.
struct PreparedArticles {
    inner: MemoryArticleSource,
    /// The warnings, or the message of the configuration error.
    prepared: Result<Vec<String>, String>,
    calls: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl crate::traits::ArticleSource for PreparedArticles {
    async fn prepare(&self) -> Result<Vec<String>, crate::error::SyncError> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.prepared
            .clone()
            .map_err(crate::error::SyncError::config)
    }
    async fn changed_articles(
        &self,
        window: &crate::traits::ReadWindow,
    ) -> Result<Vec<crate::domain::Article>, crate::error::SyncError> {
        self.inner.changed_articles(window).await
    }
    async fn all_articles(&self) -> Result<Vec<crate::domain::Article>, crate::error::SyncError> {
        self.inner.all_articles().await
    }
    async fn article_groups(
        &self,
    ) -> Result<Vec<crate::domain::ArticleGroup>, crate::error::SyncError> {
        self.inner.article_groups().await
    }
}

/// Issue 11: the article source checks the run's columns once per run, before any article is read;
/// its warnings go into the report, its error stops the run naming the option.
#[tokio::test]
async fn the_article_source_prepares_once_per_run_its_warnings_reported_its_error_fatal() {
    let w = World::new().await;
    let flow = |prepared: Result<Vec<String>, String>| {
        let source = Arc::new(PreparedArticles {
            inner: w.articles.clone(),
            prepared,
            calls: std::sync::atomic::AtomicUsize::new(0),
        });
        let flow = StockFlow::new(
            "shop-1",
            StockConfig::default(),
            source.clone(),
            Arc::new(w.shop.clone()),
            w.state.clone(),
        )
        .with_clock(w.clock.clone());
        (flow, source)
    };
    let (ok, source) = flow(Ok(vec!["ARTICLE has no column BAR_CODE: left out".into()]));
    let report = ok.run(StockRequest::default()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Success, "{report:?}");
    assert_eq!(
        report.warnings,
        ["ARTICLE has no column BAR_CODE: left out"]
    );
    assert_eq!(source.calls.load(std::sync::atomic::Ordering::SeqCst), 1);

    let writes_before = w.writes().len();
    let (failing, _) = flow(Err(
        "[stock.columns] reserved_sales: ARTICLE has no column QTY_RES_SO".into(),
    ));
    let report = failing.run(StockRequest::default()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Failed, "{report:?}");
    let fatal = report.fatal_error.expect("fatal");
    assert!(
        fatal.message.contains("reserved_sales"),
        "{}",
        fatal.message
    );
    assert_eq!(report.counts.read, 0, "no article was read");
    assert_eq!(w.writes().len(), writes_before, "nothing written");
}
