//! The stock flow: ledger quantities → shop stock levels, writing only what changed.
//!
//! Every run reads all ledger articles (one paged scan; ledgers do not reliably move an article's
//! change date when only its stock moves), computes each article's shop quantity with the configured
//! formula (never below zero, less the safety buffer, whole units), finds the shop variant (by SKU, EAN
//! or article code, resolved once and kept in the id map), and writes the level only when it differs
//! from what Koppel last wrote — or, the first time, from what the shop shows. The shop's variant list
//! is read at most once per run, and only when an article has no known variant yet; articles that are
//! not in the shop are remembered for a day so they do not force that read every run.

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::blocks::Worker;
use crate::blocks::changed::{Content, Written, write_if_changed};
use crate::blocks::run::{DEFAULT_LEASE_TTL, LeaseWatch, RunScope};
use crate::config::StockConfig;
use crate::domain::Article;
use crate::error::{ErrorKind, SyncError};
use crate::formula::FormulaError;
use crate::report::{ApiStats, RunRecorder, RunReport};
use crate::state::StockState;
use crate::state::{HashKind, IdKind};
use crate::traits::{ArticleRef, ArticleSource, Clock, StockTarget, SystemClock, VariantIndex};

/// The flow name used for leases, runs and state.
pub const FLOW: &str = "stock";

/// How long an article that is not in the shop is left alone before the flow looks again.
const MISSING_RECHECK: chrono::Duration = chrono::Duration::hours(24);

/// One run request of the stock flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StockRequest {
    /// Show what would be written; write nothing.
    pub dry_run: bool,
}

/// The stock flow for one connection.
#[derive(Clone)]
pub struct StockFlow {
    connection: String,
    config: StockConfig,
    articles: Arc<dyn ArticleSource>,
    shop: Arc<dyn StockTarget>,
    state: Arc<dyn StockState>,
    clock: Arc<dyn Clock>,
    worker: String,
    lease_ttl: Duration,
}

impl std::fmt::Debug for StockFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StockFlow")
            .field("connection", &self.connection)
            .finish_non_exhaustive()
    }
}

/// The shop's variants as read once in a run: the index to match new articles, and each variant's
/// level by id for the ones the id map already knows.
struct ShopVariants {
    index: VariantIndex,
    levels: HashMap<String, Option<Decimal>>,
}

impl ShopVariants {
    fn new(index: VariantIndex) -> Self {
        let levels = index
            .items()
            .iter()
            .map(|v| (v.variant_id.clone(), v.stock_level))
            .collect();
        Self { index, levels }
    }
}

/// Where one article stands after the lookup of its variant.
enum Variant {
    /// The shop's variant id, and the shop's level when the variant list was read this run.
    Known(String, Option<Decimal>),
    /// Not in the shop (or not looked for again yet).
    Missing,
}

impl StockFlow {
    /// The flow for `connection` with the system clock and a unique worker id.
    pub fn new(
        connection: impl Into<String>,
        config: StockConfig,
        articles: Arc<dyn ArticleSource>,
        shop: Arc<dyn StockTarget>,
        state: Arc<dyn StockState>,
    ) -> Self {
        Self {
            connection: connection.into(),
            config,
            articles,
            shop,
            state,
            clock: Arc::new(SystemClock),
            worker: format!("worker-{}", uuid::Uuid::new_v4()),
            lease_ttl: DEFAULT_LEASE_TTL,
        }
    }

    /// Use another clock (tests, simulations).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Name this worker (leases record it).
    #[must_use]
    pub fn with_worker_id(mut self, worker: impl Into<String>) -> Self {
        self.worker = worker.into();
        self
    }

    /// The flow's settings.
    pub fn config(&self) -> &StockConfig {
        &self.config
    }

    /// Run the flow once. The error is only for a run that could not start (another worker holds
    /// the lease, the state store is unreachable); everything else is in the report.
    pub async fn run(&self, request: StockRequest) -> Result<RunReport, SyncError> {
        let scope = RunScope {
            runs: self.state.as_ref(),
            leases: self.state.as_ref(),
            clock: &self.clock,
            connection: &self.connection,
            flow: FLOW,
            worker: &self.worker,
            lease_ttl: self.lease_ttl,
        };
        scope
            .run(
                self.clock.now(),
                request.dry_run,
                || self.api_stats(),
                |_, mut recorder, lease| async move {
                    if let Err(e) = self.sync(&mut recorder, request.dry_run, &lease).await {
                        recorder.record_error(None, &e);
                    }
                    recorder
                },
            )
            .await
    }

    fn api_stats(&self) -> ApiStats {
        let mut stats = self.articles.api_stats();
        stats.add(&self.shop.api_stats());
        stats
    }

    /// The run's work; an error stops it (recorded by the caller).
    async fn sync(
        &self,
        recorder: &mut RunRecorder,
        dry_run: bool,
        lease: &LeaseWatch,
    ) -> Result<(), SyncError> {
        let calculator = self
            .config
            .calculator()
            .map_err(|e| SyncError::config(format!("stock.formula: {e}")))?;
        for warning in self.articles.prepare().await? {
            recorder.record_warning(warning);
        }
        let articles = self.articles.all_articles().await?;
        recorder.record_read(articles.len() as u64);
        let mut shop: Option<ShopVariants> = None;
        for article in &articles {
            if lease.lost() {
                return Err(LeaseWatch::error(FLOW));
            }
            let key = article.code.as_str();
            let quantity = match calculator.quantity(article) {
                Ok(q) => q,
                Err(FormulaError::UnknownColumn { name, .. }) => {
                    // Every article of an administration has the same columns: one that is missing is
                    // a configuration error, not a property of this article.
                    return Err(self.missing_column(&name));
                }
                Err(e) => {
                    recorder.record_skipped(key, &format!("stock formula: {e}"));
                    continue;
                }
            };
            let variant = self.variant_for(article, &mut shop, dry_run).await?;
            let Variant::Known(variant_id, shop_level) = variant else {
                recorder.record_skipped(key, "not in the shop");
                continue;
            };
            match self.push(&variant_id, quantity, shop_level, dry_run).await {
                Ok(true) => recorder.record_updated(key),
                Ok(false) => recorder.record_unchanged(key),
                Err(error) if error.is_skippable() => {
                    // The variant is gone from the shop: forget it, the next run finds it again.
                    if error.kind() == ErrorKind::NotFound && !dry_run {
                        self.state
                            .unlink(&self.connection, &IdKind::Variant, key)
                            .await?;
                    }
                    recorder.record_error(Some(key), &error);
                }
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// The configuration error for a quantity column the ledger's articles do not have, naming the
    /// option that chose it.
    fn missing_column(&self, name: &str) -> SyncError {
        let c = &self.config.columns;
        let option = [
            ("stock.columns.technical", &c.technical),
            ("stock.columns.available", &c.available),
            ("stock.columns.reserved_sales", &c.reserved_sales),
            ("stock.columns.economic", &c.economic),
        ]
        .into_iter()
        .find(|(_, column)| column.eq_ignore_ascii_case(name))
        .map_or("stock.formula", |(option, _)| option);
        SyncError::config(format!(
            "the stock formula needs the article column `{name}`, which the ledger's articles do not \
             have: set `{option}` to a quantity column the administration has (or choose another \
             `stock.formula`)"
        ))
    }

    /// The variant of an article: from the id map, else from the shop's variant list (read once per run
    /// and only when needed); articles not in the shop are not looked for again for a day.
    async fn variant_for(
        &self,
        article: &Article,
        shop: &mut Option<ShopVariants>,
        dry_run: bool,
    ) -> Result<Variant, SyncError> {
        let conn = self.connection.as_str();
        let code = article.code.as_str();
        if let Some(id) = self.state.lookup(conn, &IdKind::Variant, code).await? {
            let shown = shop
                .as_ref()
                .and_then(|s| s.levels.get(&id).copied().flatten());
            return Ok(Variant::Known(id, shown));
        }
        let now = self.clock.now();
        if shop.is_none() {
            let recently_missing = self
                .state
                .lookup(conn, &IdKind::VariantMissing, code)
                .await?
                .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
                .is_some_and(|at| now - at.with_timezone(&Utc) < MISSING_RECHECK);
            if recently_missing {
                return Ok(Variant::Missing);
            }
            *shop = Some(ShopVariants::new(self.shop.variant_index().await?));
        }
        let index = &shop
            .as_ref()
            .ok_or_else(|| SyncError::fatal(ErrorKind::Internal, "variant index vanished"))?
            .index;
        match index.resolve(&self.config.match_order, &ArticleRef::from(article)) {
            Ok(Some(found)) => {
                let variant = found.item;
                if !dry_run {
                    self.state
                        .link(conn, &IdKind::Variant, code, &variant.variant_id)
                        .await?;
                    self.state
                        .unlink(conn, &IdKind::VariantMissing, code)
                        .await?;
                }
                Ok(Variant::Known(
                    variant.variant_id.clone(),
                    variant.stock_level,
                ))
            }
            Ok(None) => {
                if !dry_run {
                    self.state
                        .link(conn, &IdKind::VariantMissing, code, &now.to_rfc3339())
                        .await?;
                }
                Ok(Variant::Missing)
            }
            Err(e) => Err(e),
        }
    }

    /// Write `quantity` to the variant unless it is what Koppel last wrote there (or, without such a
    /// record, what the shop shows): [`write_if_changed`]. `Ok(true)` when written (or, in a dry run,
    /// when it would be).
    async fn push(
        &self,
        variant_id: &str,
        quantity: Decimal,
        shop_level: Option<Decimal>,
        dry_run: bool,
    ) -> Result<bool, SyncError> {
        let text = quantity.normalize().to_string();
        let shown = shop_level.map(|level| level.normalize().to_string());
        let content = Content {
            kind: &HashKind::Stock,
            target_id: variant_id,
            content: &text,
            shown: shown.as_deref(),
        };
        let managed = self.config.manage_stock.then_some(true);
        let worker = Worker {
            connection: &self.connection,
            id: &self.worker,
            clock: &self.clock,
        };
        let written = write_if_changed(self.state.as_ref(), worker, content, dry_run, || {
            self.shop.set_stock(variant_id, quantity, managed)
        })
        .await?;
        Ok(written != Written::Unchanged)
    }
}
