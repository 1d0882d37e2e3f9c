//! A run: lease, window and cursor, the loop over orders, the inbox, dead-letter replay, and the
//! report.

use chrono::{DateTime, NaiveTime, Utc};

use super::{FLOW, Intake, OrdersFlow, RunRequest};
use futures::StreamExt;

use super::process::Candidate;
use crate::blocks::run::{LeaseWatch, RunScope};
use crate::domain::OrderSummary;
use crate::error::{ErrorKind, SyncError};
use crate::report::{ApiStats, RunRecorder, RunReport};
use crate::state::{Cursor, DeadLetter, RunId};
use crate::state::{IdKind, RecordKind};
use crate::traits::{ArticleIndex, ReadWindow};

/// How many inbox items one run takes at most (the rest wait for the next run).
const INBOX_BATCH: usize = 500;

/// What one order's processing ended in, for the run loop.
#[derive(Debug)]
pub(crate) enum Step {
    /// Done (booked, already booked, skipped or dead-lettered): the cursor may pass it.
    Done,
    /// Left for later without stopping (another worker holds its claim, or it ran out of time): the
    /// cursor stays before it so it is read again should that worker never finish.
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
    lease: LeaseWatch,
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

    /// Whether the run must stop before the next record because its lease was lost (recorded once).
    fn lease_lost(&mut self) -> bool {
        let lost = self.lease.lost();
        if lost && !self.recorder.has_fatal() {
            self.recorder.record_error(None, &LeaseWatch::error(FLOW));
        }
        lost
    }
}

/// The earlier of two optional times.
pub(crate) fn earliest(
    a: Option<DateTime<Utc>>,
    b: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl OrdersFlow {
    /// Run the flow once. Record-level problems end up in the report (and the dead letters); the
    /// error is only for a run that could not start (another worker holds the lease — a retryable
    /// [`ErrorKind::Conflict`] — or the state store is unreachable).
    pub async fn run(&self, request: RunRequest) -> Result<RunReport, SyncError> {
        let started = self.clock.now();
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
                started,
                request.dry_run,
                || self.api_stats(),
                |run_id, recorder, lease| async move {
                    let mut run = RunState {
                        recorder,
                        run_id: Some(run_id),
                        dry_run: request.dry_run,
                        lease,
                        article_index: None,
                    };
                    let outcome = match self.ledger.prepare().await {
                        Ok(warnings) => {
                            for warning in warnings {
                                run.recorder.record_warning(warning);
                            }
                            self.run_intake(&mut run, &request, started).await
                        }
                        Err(e) => Err(e),
                    };
                    if let Err(e) = outcome {
                        run.recorder.record_error(None, &e);
                    }
                    run.recorder
                },
            )
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
                self.run_window(run, cursor, Some(since), started, true)
                    .await?;
                self.replay_due(run, started).await
            }
            Intake::Historic { from } => {
                let cursor = self.state.get_cursor(&self.connection, FLOW).await?;
                let since = from.and_time(NaiveTime::MIN).and_utc();
                self.run_window(run, cursor, Some(since), started, false)
                    .await
            }
            Intake::Orders(ids) => {
                run.recorder.record_read(ids.len() as u64);
                for id in ids {
                    if matches!(self.process_id(run, id).await, Step::Halt) {
                        break;
                    }
                }
                Ok(())
            }
            Intake::Inbox => {
                self.run_inbox(run).await?;
                self.replay_due(run, started).await
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

    /// Replay the dead letters that are due, unless the run already stopped.
    async fn replay_due(&self, run: &mut RunState, now: DateTime<Utc>) -> Result<(), SyncError> {
        if run.recorder.has_fatal() || run.lease.lost() {
            return Ok(());
        }
        let due = self
            .state
            .due_dead_letters(&self.connection, FLOW, now)
            .await?;
        self.replay(run, due).await;
        Ok(())
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
    /// notes; then move the cursor — never past a record that is not done, and never backwards.
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
        // The change time of the first record that is not done: the cursor may not pass it.
        let mut hold: Option<DateTime<Utc>> = None;
        let mut stopped = false;
        // The keys of the orders done at exactly `until`: the cursor's boundary when it moves there.
        let mut at_until: Vec<String> = Vec::new();
        {
            let mut orders = self.source.changed_orders(&window, &self.config.filter);
            while let Some(next) = orders.next().await {
                let order = match next {
                    Ok(order) => order,
                    Err(error) => {
                        // The list broke off: what was not read yet is read again next time.
                        run.recorder.record_error(None, &error);
                        hold = earliest(hold, since);
                        stopped = true;
                        break;
                    }
                };
                run.recorder.record_read(1);
                if run.lease_lost() {
                    hold = earliest(hold, since);
                    stopped = true;
                    break;
                }
                let key = boundary_key(&order);
                if cursor
                    .as_ref()
                    .is_some_and(|c| c.is_boundary_duplicate(order.updated_at, &key))
                {
                    continue;
                }
                let updated_at = order.updated_at;
                match self.process_listed(run, Candidate::listed(order)).await {
                    Step::Done if updated_at == until => at_until.push(key),
                    Step::Done => {}
                    Step::Deferred => hold = earliest(hold, Some(updated_at)),
                    Step::Halt => {
                        // Orders are not listed in change order: everything not read yet may be
                        // earlier than this one, so the next run reads the window again.
                        hold = earliest(hold, since.or(Some(updated_at)));
                        stopped = true;
                        break;
                    }
                }
            }
        }
        if !stopped && self.config.credit_notes {
            let notes = self.book_credit_notes(run, &window).await;
            hold = earliest(hold, notes.hold);
            // Credit notes that stopped the run are read again by the next run (they hold the cursor).
            if notes.halted && notes.hold.is_none() {
                hold = earliest(hold, since);
            }
        }

        if run.dry_run {
            return Ok(());
        }
        // Incremental runs commit the cursor at the run's start, or at the first record that is not
        // done (re-read next time; the id map and claims make the re-read harmless) — but never
        // before where it stood: a record held back behind the old cursor is still inside the next
        // run's look-back window as long as the cursor does not move. A historic import only ever
        // moves the cursor forward, and only when it completed.
        let position = hold.unwrap_or(until);
        let forward = cursor.as_ref().is_none_or(|c| c.position < position);
        if !forward || !(incremental || hold.is_none()) {
            return Ok(());
        }
        let boundary = if hold.is_none() { at_until } else { Vec::new() };
        let next = Cursor::new(position, boundary, self.clock.now());
        self.state.put_cursor(conn, FLOW, &next).await?;
        run.recorder.set_cursor_after(Some(position.to_rfc3339()));
        Ok(())
    }

    /// Process one order by id (a webhook, a manual request): always fetched fresh. When it is booked
    /// already and credit notes are on, its credit notes are booked too (a webhook-only installation
    /// has no poll that would read them).
    async fn process_id(&self, run: &mut RunState, id: &str) -> Step {
        if run.lease_lost() {
            return Step::Halt;
        }
        let step = match self.source.fetch_order(id).await {
            Ok(Some(order)) => self.process_listed(run, Candidate::fetched(order)).await,
            Ok(None) => {
                run.recorder.record_skipped(id, "no such order in the shop");
                return Step::Done;
            }
            Err(e) => {
                run.recorder.record_error(Some(id), &e);
                return if e.is_skippable() {
                    Step::Done
                } else {
                    Step::Halt
                };
            }
        };
        if matches!(step, Step::Done) && self.config.credit_notes && !run.dry_run {
            let booked = self
                .state
                .lookup(&self.connection, &IdKind::Order, id)
                .await;
            if matches!(booked, Ok(Some(_))) {
                return self.book_credit_notes_of(run, id).await;
            }
        }
        step
    }

    /// Work through the inbox, oldest first: an order that is done leaves it, one that is not stays
    /// (and everything after an order that stopped the run).
    async fn run_inbox(&self, run: &mut RunState) -> Result<(), SyncError> {
        let conn = self.connection.as_str();
        let items = self.state.pending_inbox(conn, FLOW, INBOX_BATCH).await?;
        run.recorder.record_read(items.len() as u64);
        for item in items {
            match self.process_id(run, &item.record_key).await {
                Step::Done => {
                    if !run.dry_run {
                        self.state
                            .ack_inbox(conn, FLOW, &item.record_key, item.version)
                            .await?;
                    }
                }
                Step::Deferred => {}
                Step::Halt => break,
            }
        }
        Ok(())
    }

    /// Replay dead letters: each order is fetched fresh and processed as if new; a success marks the
    /// letter replayed, a failure updates it (attempts, next attempt).
    async fn replay(&self, run: &mut RunState, letters: Vec<DeadLetter>) {
        for letter in letters {
            if run.lease_lost() {
                return;
            }
            run.recorder.record_read(1);
            let key = &letter.record_key;
            let done = match key.kind {
                RecordKind::Order => self.replay_order(run, &key.id).await,
                RecordKind::CreditNote => self.replay_credit_note(run, &key.id).await,
                RecordKind::WriteBack => self.replay_write_back(run, &key.id).await,
                _ => {
                    run.recorder
                        .record_skipped(&key.to_string(), "not an orders dead letter");
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
        let order_id = order.source_id.clone();
        match self.process_listed(run, Candidate::fetched(order)).await {
            Step::Deferred => Some(false),
            Step::Done => Some(
                self.state
                    .lookup(&self.connection, &IdKind::Order, &order_id)
                    .await
                    .ok()
                    .flatten()
                    .is_some(),
            ),
            Step::Halt => None,
        }
    }
}

/// The cursor boundary key of an order: its id at its change time.
fn boundary_key(order: &OrderSummary) -> String {
    format!(
        "{}@{}",
        order.source_id,
        order.updated_at.timestamp_micros()
    )
}
