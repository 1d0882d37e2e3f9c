//! [`ArticleSource`] for [`AccountViewLedger`]: articles (`AK1`) and article groups (`AG1`).

use async_trait::async_trait;
use sync_core::domain::{Article, ArticleGroup};
use sync_core::error::SyncError;
use sync_core::report::ApiStats;
use sync_core::traits::{ArticleSource, ReadWindow};

use super::articles::{neutral_article, neutral_group};
use super::columns::Flow;
use super::errors::{Operation, map_error};
use super::ledger::AccountViewLedger;
use crate::dataset::Row;
use crate::query::{Filter, Query};
use crate::records::{self, Record};

impl AccountViewLedger {
    /// Every article matching `query`, all columns. A row that cannot be decoded is skipped with a
    /// warning naming its article code: one odd row must not stop the stock or product flow.
    async fn articles(&self, query: Query, context: &str) -> Result<Vec<Article>, SyncError> {
        let options = self.run_options();
        let rows: Vec<Row> = self
            .client
            .query(query.page_size(options.article_page_size))
            .collect()
            .await
            .map_err(|e| map_error(e, Operation::Scan, context))?;
        let mut articles = Vec::with_capacity(rows.len());
        for row in rows {
            match records::Article::from_row(&row) {
                Ok(article) => articles.extend(neutral_article(article, &options)),
                Err(e) => tracing::warn!(
                    article = row.text_lossy("ART_CODE").unwrap_or_default(),
                    error = %e,
                    "{context}: undecodable article skipped"
                ),
            }
        }
        Ok(articles)
    }
}

#[async_trait]
impl ArticleSource for AccountViewLedger {
    fn api_stats(&self) -> ApiStats {
        self.usage()
    }

    /// Checks the stock flow's columns (the quantity columns of the formula, the match columns)
    /// against the administration's field dictionary, as [`Ledger::prepare`] does for orders: an
    /// optional column it lacks is left out with a warning, a quantity column it lacks stops the
    /// run naming its `[stock]` option. Needs the connector's scope to name the stock flow (see
    /// [`AccountViewLedger::with_scope`]).
    ///
    /// [`Ledger::prepare`]: sync_core::traits::Ledger::prepare
    async fn prepare(&self) -> Result<Vec<String>, SyncError> {
        self.prepare_columns(Flow::Stock).await
    }

    /// Articles whose `CNG_DATE` is on or after the window's start (all articles without one).
    /// AccountView's timestamps carry no time zone; the window is compared as UTC and not cut at its
    /// end, so a re-read is possible but a missed change is not.
    async fn changed_articles(&self, window: &ReadWindow) -> Result<Vec<Article>, SyncError> {
        let mut query = records::Article::query();
        if let Some(since) = window.since {
            query = query.filter(Filter::on_or_after("CNG_DATE", since.naive_utc()));
        }
        self.articles(query, "reading changed articles (AK1)").await
    }

    async fn all_articles(&self) -> Result<Vec<Article>, SyncError> {
        self.articles(records::Article::query(), "reading all articles (AK1)")
            .await
    }

    async fn article_groups(&self) -> Result<Vec<ArticleGroup>, SyncError> {
        let groups = self
            .client
            .article_groups()
            .all()
            .await
            .map_err(|e| map_error(e, Operation::Scan, "reading article groups (AG1)"))?;
        Ok(groups.into_iter().filter_map(neutral_group).collect())
    }
}
