//! A run: lease, window and cursor, the loop over orders, dead-letter replay, and the report.

use chrono::{DateTime, NaiveTime, Utc};

use super::{FLOW, Intake, OrdersFlow, RunRequest};
use crate::domain::Order;
use crate::error::{ErrorKind, SyncError};
use crate::flows::lifecycle::Lifecycle;
use crate::report::{ApiStats, RunRecorder, RunReport};
use crate::state::{Cursor, DeadLetter, RunId};
use crate::traits::{ArticleIndex, ReadWindow};

/// What one order's processing ended in, for the run loop.
#[derive(Debug)]
pub(crate) enum Step {
    /// Done (booked, already booked, skipped or dead-lettered): the cursor may pass it.
    Done,
    /// Left for later without stopping (another worker holds its claim): the cursor stays before it
    /// so it is read again should that worker never finish.
    Deferred,
    /// Not done: a retryable error (the ledger is away) or a fatal one. The run stops and the cursor
    /// stays before this order.
    Halt,
}

/// Mutable state of one run.
pub(crate) struct RunState {
    pub recorder: RunRecorder,
    pub run_id: Option<RunId>,
    pub dry_run: bool,
    article_index: Option<ArticleIndex>,
}

impl RunState {
    /// The article index, loaded from the ledger on first use (once per run).
    pub(crate) async fn article_index(
        &mut self,
        flow: &OrdersFlow,
    ) -> Result<&ArticleIndex, SyncError> {
        if self.article_index.is_none() {
            self.article_index = Some(flow.ledger.article_index().await?);
        }
        self.article_index
            .as_ref()
            .ok_or_else(|| SyncError::fatal(ErrorKind::Internal, "article index vanished"))
    }
}

impl OrdersFlow {
    /// Run the flow once. Record-level problems end up in the report (and the dead letters); the
    /// error is only for a run that could not start (another worker holds the lease, the state store is
    /// unreachable).
    pub async fn run(&self, request: RunRequest) -> Result<RunReport, SyncError> {
        let started = self.clock.now();
        let lifecycle = self.lifecycle();
        lifecycle.acquire(started).await?;
        let result = self.run_leased(&lifecycle, &request, started).await;
        lifecycle.release().await;
        result
    }

    fn lifecycle(&self) -> Lifecycle<'_> {
        Lifecycle {
            state: self.state.as_ref(),
            clock: &self.clock,
            connection: &self.connection,
            flow: FLOW,
            worker: &self.worker,
            lease_ttl: self.lease_ttl,
        }
    }

    async fn run_leased(
        &self,
        lifecycle: &Lifecycle<'_>,
        request: &RunRequest,
        started: DateTime<Utc>,
    ) -> Result<RunReport, SyncError> {
        let api_before = self.api_stats();
        let (run_id, recorder) = lifecycle.begin(started, request.dry_run).await?;
        let mut run = RunState {
            recorder,
            run_id: Some(run_id),
            dry_run: request.dry_run,
            article_index: None,
        };

        let outcome = match self.ledger.prepare().await {
            Ok(warnings) => {
                for warning in warnings {
                    run.recorder.record_warning(warning);
                }
                self.run_intake(&mut run, request, started).await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = outcome {
            run.recorder.record_error(None, &e);
        }

        lifecycle
            .finish(run_id, run.recorder, (api_before, self.api_stats()))
            .await
    }

    /// The run's work, by intake.
    async fn run_intake(
        &self,
        run: &mut RunState,
        request: &RunRequest,
        started: DateTime<Utc>,
    ) -> Result<(), SyncError> {
        match &request.intake {
            Intake::Poll => {
                let cursor = self.state.get_cursor(&self.connection, FLOW).await?;
                let since = self.poll_start(cursor.as_ref(), started)?;
                let result = self
                    .run_window(run, cursor, Some(since), started, true)
                    .await;
                if result.is_ok() && !run.recorder.has_fatal() {
                    let due = self
                        .state
                        .due_dead_letters(&self.connection, FLOW, started)
                        .await?;
                    self.replay(run, due).await;
                }
                result
            }
            Intake::Historic { from } => {
                let cursor = self.state.get_cursor(&self.connection, FLOW).await?;
                let since = from.and_time(NaiveTime::MIN).and_utc();
                self.run_window(run, cursor, Some(since), started, false)
                    .await
            }
            Intake::Orders(ids) => {
                self.run_ids(run, ids).await;
                Ok(())
            }
            Intake::Replay(ids) => {
                let mut letters = Vec::with_capacity(ids.len());
                for id in ids {
                    match self.state.get_dead_letter(*id).await? {
                        Some(letter) if letter.flow == FLOW => letters.push(letter),
                        _ => run.recorder.record_skipped(
                            &format!("dead-letter/{}", id.0),
                            "no such dead letter in the orders flow",
                        ),
                    }
                }
                self.replay(run, letters).await;
                Ok(())
            }
        }
    }

    fn api_stats(&self) -> ApiStats {
        let mut stats = self.source.api_stats();
        stats.add(&self.ledger.api_stats());
        stats
    }

    /// Where a poll starts reading: the cursor minus the look-back window; on the first run the
    /// configured import date, else the look-back window before now.
    fn poll_start(
        &self,
        cursor: Option<&Cursor>,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, SyncError> {
        let look_back = chrono::Duration::from_std(self.config.look_back.get())
            .map_err(|_| SyncError::config("orders.look_back is too long"))?;
        Ok(match (cursor, self.config.import_from) {
            (Some(c), _) => c.position - look_back,
            (None, Some(from)) => from.and_time(NaiveTime::MIN).and_utc(),
            (None, None) => now - look_back,
        })
    }

    /// Read the orders changed in `[since, until]` and process them in `updated_at` order; then credit
    /// notes; then move the cursor (never past an order that is not done).
    async fn run_window(
        &self,
        run: &mut RunState,
        cursor: Option<Cursor>,
        since: Option<DateTime<Utc>>,
        until: DateTime<Utc>,
        incremental: bool,
    ) -> Result<(), SyncError> {
        let conn = self.connection.as_str();
        run.recorder
            .set_cursor_before(cursor.as_ref().map(|c| c.position.to_rfc3339()));
        let window = ReadWindow::new(since, until);
        let mut orders = self
            .source
            .changed_orders(&window, &self.config.filter)
            .await?;
        orders.sort_by(|a, b| (a.updated_at, &a.source_id).cmp(&(b.updated_at, &b.source_id)));
        run.recorder.record_read(orders.len() as u64);

        let mut first_unfinished: Option<DateTime<Utc>> = None;
        let mut stopped = false;
        for order in orders.iter() {
            if stopped {
                first_unfinished.get_or_insert(order.updated_at);
                break;
            }
            let key = boundary_key(order);
            if cursor
                .as_ref()
                .is_some_and(|c| c.is_boundary_duplicate(order.updated_at, &key))
            {
                continue;
            }
            match self.process_listed(run, order.clone()).await {
                Step::Done => {}
                Step::Deferred => {
                    first_unfinished.get_or_insert(order.updated_at);
                }
                Step::Halt => {
                    first_unfinished.get_or_insert(order.updated_at);
                    stopped = true;
                }
            }
            self.renew_lease().await;
        }
        if !stopped && self.config.credit_notes && !self.book_credit_notes(run, &window).await {
            // Credit notes that could not be done must be read again by the next run.
            first_unfinished.get_or_insert(since.unwrap_or(until));
        }

        if run.dry_run {
            return Ok(());
        }
        // Incremental runs commit the cursor at the run's start, or just before the first order that
        // is not done (re-read next time; the id map and claims make the re-read harmless). A historic
        // import only ever moves the cursor forward, and only when it completed.
        let position = first_unfinished.unwrap_or(until);
        let forward = cursor.as_ref().is_none_or(|c| c.position < position);
        if incremental || (first_unfinished.is_none() && forward) {
            let boundary = orders
                .iter()
                .filter(|o| first_unfinished.is_none() && o.updated_at == position)
                .map(boundary_key);
            let next = Cursor::new(position, boundary, self.clock.now());
            self.state.put_cursor(conn, FLOW, &next).await?;
            run.recorder.set_cursor_after(Some(position.to_rfc3339()));
        }
        Ok(())
    }

    /// Process orders by id (webhooks, manual requests): always fetched fresh.
    async fn run_ids(&self, run: &mut RunState, ids: &[String]) {
        run.recorder.record_read(ids.len() as u64);
        for id in ids {
            let step = match self.source.fetch_order(id).await {
                Ok(Some(order)) => self.process_listed(run, order).await,
                Ok(None) => {
                    run.recorder.record_skipped(id, "no such order in the shop");
                    Step::Done
                }
                Err(e) => {
                    run.recorder.record_error(Some(id), &e);
                    if e.is_skippable() {
                        Step::Done
                    } else {
                        Step::Halt
                    }
                }
            };
            if matches!(step, Step::Halt) {
                break;
            }
        }
    }

    /// Replay dead letters: each order is fetched fresh and processed as if new; a success marks the
    /// letter replayed, a failure updates it (attempts, next attempt).
    async fn replay(&self, run: &mut RunState, letters: Vec<DeadLetter>) {
        for letter in letters {
            run.recorder.record_read(1);
            let done = match letter.record_key.split_once('/') {
                Some(("order", id)) => self.replay_order(run, id).await,
                Some(("credit", id)) => self.replay_credit_note(run, id).await,
                Some(("writeback", id)) => self.replay_write_back(run, id).await,
                _ => {
                    run.recorder
                        .record_skipped(&letter.record_key, "not an orders dead letter");
                    Some(false)
                }
            };
            match done {
                Some(true) if !run.dry_run => {
                    if let Err(e) = self.state.mark_dead_letter_replayed(letter.id).await {
                        run.recorder.record_error(None, &SyncError::from(e));
                        return;
                    }
                }
                None => return,
                _ => {}
            }
        }
    }

    /// Replay one order. `Some(true)` when it is now booked (or already was), `Some(false)` when it
    /// still fails (its dead letter was updated), `None` when the run must stop.
    async fn replay_order(&self, run: &mut RunState, id: &str) -> Option<bool> {
        let order = match self.source.fetch_order(id).await {
            Ok(Some(order)) => order,
            Ok(None) => {
                run.recorder
                    .record_skipped(id, "the order no longer exists in the shop");
                return Some(false);
            }
            Err(e) => {
                run.recorder.record_error(Some(id), &e);
                return if e.is_skippable() { Some(false) } else { None };
            }
        };
        match self.process_listed(run, order.clone()).await {
            Step::Deferred => Some(false),
            Step::Done => Some(
                self.state
                    .lookup(&self.connection, super::ID_ORDER, &order.source_id)
                    .await
                    .ok()
                    .flatten()
                    .is_some(),
            ),
            Step::Halt => None,
        }
    }

    /// Keep the lease while a long run goes on.
    pub(crate) async fn renew_lease(&self) {
        let now = self.clock.now();
        if let Err(e) = self
            .state
            .renew_lease(&self.connection, FLOW, &self.worker, self.lease_ttl, now)
            .await
        {
            tracing::warn!(connection = %self.connection, error = %e, "could not renew the orders lease");
        }
    }
}

/// The cursor boundary key of an order: its id at its change time.
fn boundary_key(order: &Order) -> String {
    format!(
        "{}@{}",
        order.source_id,
        order.updated_at.timestamp_micros()
    )
}
