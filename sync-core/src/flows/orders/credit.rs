//! Credit notes: a shop credit note is booked once as a credit posting on the debtor of the order it
//! credits, under the same claim protocol as orders (claim, heartbeat, fence, confirm; a busy claim
//! defers the note, a stale one is taken over after a lookup).
//!
//! A credit note whose order is not booked yet is never skipped: it becomes a dead letter that waits
//! for the order (`credit_note_waiting` in the id map names the order), and is replayed the moment
//! the order is booked — by a poll, a webhook, a replay, or a booking recovered by its reference — or
//! on its own retry schedule.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::document::{DocumentContext, credit_note_document};
use super::run::{RunState, Step, earliest};
use super::{FLOW, OrdersFlow};
use crate::blocks::claim::{Fence, RecordClaim};
use crate::blocks::dedup::{Dedup, ToBook, claim_and_look_up};
use crate::domain::{
    CreditNote, DebtorRef, ExternalReference, Order, SalesDocument, SalesDocumentKind,
};
use crate::error::{ErrorKind, SyncError};
use crate::state::{DeadLetterFilter, DeadLetterStatus};
use crate::state::{IdKind, RecordKey};
use crate::traits::ReadWindow;

/// How the credit notes of a window went.
#[derive(Debug, Default)]
pub(crate) struct CreditNotesRead {
    /// The change time of the earliest note that is not done (the cursor must not pass it).
    pub hold: Option<DateTime<Utc>>,
    /// Whether a note stopped the run (or the list could not be read).
    pub halted: bool,
}

/// How one credit note went, before the run decides what that means.
enum NoteResult {
    /// Booked, already booked, or nothing to do.
    Done,
    /// Another worker holds its claim.
    Deferred,
    /// Its order (this shop id) is not booked yet.
    Waiting(String),
    /// It failed and nothing was written; the document when mapping got that far.
    Failed(SyncError, Option<Box<SalesDocument>>),
    /// A write whose outcome is unknown and that a lookup did not find yet (the claim is parked).
    Ambiguous(SyncError, Box<SalesDocument>),
    /// The fence stopped the write.
    Fenced(Fence),
}

impl OrdersFlow {
    /// Book the credit notes changed in `window`, in change order. Notes another worker is booking,
    /// and those after a note that stopped the run, hold the cursor back.
    pub(crate) async fn book_credit_notes(
        &self,
        run: &mut RunState,
        window: &ReadWindow,
    ) -> CreditNotesRead {
        let mut notes = match self.source.changed_credit_notes(window).await {
            Ok(notes) => notes,
            Err(error) => {
                run.recorder.record_error(None, &error);
                return CreditNotesRead {
                    hold: window.since,
                    halted: true,
                };
            }
        };
        notes.sort_by(|a, b| (a.updated_at, &a.source_id).cmp(&(b.updated_at, &b.source_id)));
        run.recorder.record_read(notes.len() as u64);
        let mut read = CreditNotesRead::default();
        for note in notes {
            let at = note.updated_at.or(window.since);
            match self.book_credit_note(run, &note).await {
                Step::Done => {}
                Step::Deferred => {
                    read.hold = earliest(read.hold, at);
                }
                Step::Halt => {
                    read.hold = earliest(read.hold, at);
                    read.halted = true;
                    break;
                }
            }
        }
        read
    }

    /// Book the credit notes of one order (a webhook announced a change of a booked order, and no
    /// poll may read its credit notes).
    pub(crate) async fn book_credit_notes_of(&self, run: &mut RunState, order_id: &str) -> Step {
        let notes = match self.source.credit_notes_for_order(order_id).await {
            Ok(notes) => notes,
            Err(error) => {
                run.recorder.record_error(Some(order_id), &error);
                return if error.is_skippable() {
                    Step::Done
                } else {
                    Step::Halt
                };
            }
        };
        run.recorder.record_read(notes.len() as u64);
        for note in notes {
            let step = self.book_credit_note(run, &note).await;
            if !matches!(step, Step::Done) {
                return step;
            }
        }
        Step::Done
    }

    /// Replay one credit note by id: fetched fresh with the other credit notes of its order.
    /// `Some(true)` booked (or already booked), `Some(false)` still waiting or failing, `None` when the
    /// run must stop.
    pub(crate) async fn replay_credit_note(&self, run: &mut RunState, id: &str) -> Option<bool> {
        let Some(order_id) = self.credit_note_order(id, run).await else {
            return Some(false);
        };
        let notes = match self.source.credit_notes_for_order(&order_id).await {
            Ok(notes) => notes,
            Err(error) => {
                run.recorder.record_error(Some(id), &error);
                return if error.is_skippable() {
                    Some(false)
                } else {
                    None
                };
            }
        };
        let Some(note) = notes.into_iter().find(|n| n.source_id == id) else {
            run.recorder
                .record_skipped(id, "the credit note no longer exists");
            return Some(false);
        };
        match self.book_credit_note(run, &note).await {
            Step::Halt => None,
            Step::Deferred => Some(false),
            Step::Done => Some(
                self.state
                    .lookup(&self.connection, &IdKind::CreditNote, id)
                    .await
                    .ok()
                    .flatten()
                    .is_some(),
            ),
        }
    }

    /// The order a credit-note dead letter names (the waiting link, else the stored note).
    async fn credit_note_order(&self, id: &str, run: &mut RunState) -> Option<String> {
        if let Ok(Some(order)) = self
            .state
            .lookup(&self.connection, &IdKind::CreditNoteWaiting, id)
            .await
        {
            return Some(order);
        }
        let letters = self
            .state
            .list_dead_letters(&DeadLetterFilter {
                connection: Some(self.connection.clone()),
                flow: Some(FLOW.to_owned()),
                record_key: Some(RecordKey::credit_note(id)),
                ..Default::default()
            })
            .await
            .ok()?;
        let order_id = letters.first().and_then(|l| {
            serde_json::from_value::<CreditNote>(l.original.clone())
                .ok()
                .and_then(|n| n.order_source_id)
        });
        if order_id.is_none() {
            run.recorder
                .record_skipped(id, "the dead letter does not name the credited order");
        }
        order_id
    }

    /// An order was just booked: book the credit notes that were waiting for it, and mark their dead
    /// letters replayed.
    pub(crate) async fn book_waiting_credit_notes(&self, run: &mut RunState, order_id: &str) {
        if !self.config.credit_notes {
            return;
        }
        let waiting = match self
            .state
            .reverse_lookup(&self.connection, &IdKind::CreditNoteWaiting, order_id)
            .await
        {
            Ok(waiting) => waiting,
            Err(e) => {
                run.recorder.record_error(None, &SyncError::from(e));
                return;
            }
        };
        for note_id in waiting {
            if self.replay_credit_note(run, &note_id).await != Some(true) {
                continue;
            }
            let letters = self
                .state
                .list_dead_letters(&DeadLetterFilter {
                    connection: Some(self.connection.clone()),
                    flow: Some(FLOW.to_owned()),
                    record_key: Some(RecordKey::credit_note(note_id.as_str())),
                    status: Some(DeadLetterStatus::Pending),
                    ..Default::default()
                })
                .await
                .unwrap_or_default();
            for letter in letters {
                if let Err(e) = self.state.mark_dead_letter_replayed(letter.id).await {
                    run.recorder.record_error(None, &SyncError::from(e));
                }
            }
        }
    }

    /// Book one credit note: done (booked, already booked, or dead-lettered with its reason),
    /// deferred (another worker holds its claim), or halt (the ledger is away).
    async fn book_credit_note(&self, run: &mut RunState, note: &CreditNote) -> Step {
        let key = RecordKey::credit_note(note.source_id.as_str());
        let record = format!("credit note {}", note.number);
        let (error, document) = match self.book_credit_note_inner(run, note).await {
            NoteResult::Done => return Step::Done,
            NoteResult::Deferred => return Step::Deferred,
            NoteResult::Fenced(Fence::Lost) => {
                run.recorder.record_skipped(
                    &note.number,
                    "another worker took the claim over; it finishes this credit note",
                );
                return Step::Deferred;
            }
            NoteResult::Fenced(fence) => {
                let halt = matches!(fence, Fence::Store(_));
                run.recorder
                    .record_error(Some(&note.number), &fence.into_error(&record));
                return if halt { Step::Halt } else { Step::Deferred };
            }
            NoteResult::Waiting(order_id) => {
                if !run.dry_run
                    && let Err(e) = self
                        .state
                        .link(
                            &self.connection,
                            &IdKind::CreditNoteWaiting,
                            &note.source_id,
                            &order_id,
                        )
                        .await
                {
                    run.recorder.record_error(None, &SyncError::from(e));
                    return Step::Halt;
                }
                let error = SyncError::skippable(
                    ErrorKind::NotFound,
                    format!(
                        "{record}: order {order_id} is not booked yet; the credit note waits for it \
                         and is booked right after it"
                    ),
                );
                (error, None)
            }
            NoteResult::Failed(error, document) => (error, document),
            NoteResult::Ambiguous(error, document) => (error, Some(document)),
        };
        run.recorder.record_error(Some(&note.number), &error);
        if error.is_skippable() {
            let mapped = document.map(|d| json!(d));
            self.store_dead_letter(run, key, &json!(note), mapped, &error)
                .await
        } else {
            Step::Halt
        }
    }

    async fn book_credit_note_inner(&self, run: &mut RunState, note: &CreditNote) -> NoteResult {
        let conn = self.connection.as_str();
        match self
            .state
            .lookup(conn, &IdKind::CreditNote, &note.source_id)
            .await
        {
            Ok(Some(_)) => {
                run.recorder.record_unchanged(&note.number);
                return NoteResult::Done;
            }
            Ok(None) => {}
            Err(e) => return NoteResult::Failed(SyncError::from(e), None),
        }
        let Some(order_id) = note.order_source_id.clone() else {
            return NoteResult::Failed(
                SyncError::mapping(format!(
                    "credit note {} names no order to credit",
                    note.number
                )),
                None,
            );
        };
        match self.state.lookup(conn, &IdKind::Order, &order_id).await {
            Ok(Some(_)) => {}
            Ok(None) => return NoteResult::Waiting(order_id),
            Err(e) => return NoteResult::Failed(SyncError::from(e), None),
        }
        let debtor = match self.order_debtor(&order_id).await {
            Ok(debtor) => debtor,
            Err(e) => return NoteResult::Failed(e, None),
        };
        // The credited order: its shop id goes into the note's reference, which is looked up before
        // anything is written.
        let order = match self.source.fetch_order(&order_id).await {
            Ok(Some(order)) => order,
            Ok(None) => {
                return NoteResult::Failed(
                    SyncError::skippable(
                        ErrorKind::NotFound,
                        format!(
                            "credit note {}: order {order_id} no longer exists",
                            note.number
                        ),
                    ),
                    None,
                );
            }
            Err(e) => return NoteResult::Failed(e, None),
        };
        let reference = self
            .config
            .external_reference
            .render_credit_note(note, order.shop_id.as_deref());
        let record = RecordKey::credit_note(note.source_id.as_str());
        let to_book = ToBook {
            record: &record,
            reference: &reference,
            kind: SalesDocumentKind::CreditNote,
        };
        let state = self.state.as_ref();
        let dedup = claim_and_look_up(
            state,
            state,
            self.ledger.as_ref(),
            self.block_worker(),
            to_book,
            self.config.record_deadline.get(),
            run.dry_run,
        )
        .await;
        let claim = match dedup {
            Ok(Dedup::Write(claim)) => claim,
            Ok(Dedup::Done(_) | Dedup::Recovered(_)) => {
                run.recorder.record_unchanged(&note.number);
                return NoteResult::Done;
            }
            Ok(Dedup::Busy { owner, .. }) => {
                run.recorder
                    .record_skipped(&note.number, &format!("being booked by {owner}"));
                return NoteResult::Deferred;
            }
            Err(e) => return NoteResult::Failed(e, None),
        };
        let result = match &claim {
            Some(claim) => {
                claim
                    .heartbeat(self.book_claimed_note(
                        run,
                        note,
                        &order,
                        reference,
                        debtor,
                        Some(claim),
                    ))
                    .await
            }
            None => {
                self.book_claimed_note(run, note, &order, reference, debtor, None)
                    .await
            }
        };
        match result {
            NoteResult::Failed(error, document) => {
                if let Some(claim) = &claim
                    && let Err(e) = claim.release().await
                {
                    run.recorder.record_error(None, &e);
                }
                NoteResult::Failed(error, document)
            }
            NoteResult::Ambiguous(error, document) => {
                if let Some(claim) = &claim
                    && let Err(e) = claim.park(self.config.ambiguous_write_recheck.get()).await
                {
                    run.recorder.record_error(None, &e);
                }
                NoteResult::Ambiguous(error, document)
            }
            NoteResult::Fenced(fence) => {
                if !matches!(fence, Fence::Lost)
                    && let Some(claim) = &claim
                    && let Err(e) = claim.release().await
                {
                    run.recorder.record_error(None, &e);
                }
                NoteResult::Fenced(fence)
            }
            other => other,
        }
    }

    /// The debtor the credited order was booked on: from the id map, else from its booking in the
    /// ledger (found by the order's reference), remembered for next time.
    async fn order_debtor(&self, order_id: &str) -> Result<String, SyncError> {
        let conn = self.connection.as_str();
        if let Some(debtor) = self
            .state
            .lookup(conn, &IdKind::OrderDebtor, order_id)
            .await?
        {
            return Ok(debtor);
        }
        let unknown = || {
            SyncError::skippable(
                ErrorKind::NotFound,
                format!("the debtor of order {order_id} is unknown (its booking does not say)"),
            )
        };
        let Some(order) = self.source.fetch_order(order_id).await? else {
            return Err(unknown());
        };
        let reference = self.config.external_reference.render(&order);
        let kind = self.config.target.document_kind();
        let debtor = self
            .ledger
            .find_booking(&reference, kind)
            .await?
            .and_then(|b| b.debtor)
            .ok_or_else(unknown)?;
        self.state
            .link(conn, &IdKind::OrderDebtor, order_id, &debtor)
            .await?;
        Ok(debtor)
    }

    /// Everything after the credit note's claim and lookup: the document, the fence, the write, the
    /// links.
    async fn book_claimed_note(
        &self,
        run: &mut RunState,
        note: &CreditNote,
        order: &Order,
        reference: ExternalReference,
        debtor: String,
        claim: Option<&RecordClaim<'_>>,
    ) -> NoteResult {
        let conn = self.connection.as_str();
        let kind = SalesDocumentKind::CreditNote;
        let codes: Vec<String> = note
            .lines
            .iter()
            .map(|l| {
                l.article_code
                    .clone()
                    .or_else(|| l.sku.clone())
                    .or_else(|| self.config.fallback_article.clone())
                    .unwrap_or_default()
            })
            .collect();
        let document = match credit_note_document(
            note,
            order,
            &DocumentContext {
                config: &self.config,
                kind,
                reference,
                debtor: DebtorRef::new(debtor),
                article_codes: &codes,
            },
        ) {
            Ok(document) => document,
            Err(e) => return NoteResult::Failed(e, None),
        };
        if run.dry_run {
            run.recorder.record_created(&note.number);
            return NoteResult::Done;
        }
        if let Some(claim) = claim
            && let Err(fence) = claim.fence().await
        {
            return NoteResult::Fenced(fence);
        }
        let booking = match self.ledger.book(&document).await {
            Ok(booking) => booking,
            Err(error) if error.outcome_unknown() => {
                match self.ledger.find_booking(&document.reference, kind).await {
                    Ok(Some(booking)) => booking,
                    _ => return NoteResult::Ambiguous(error, Box::new(document)),
                }
            }
            Err(error) => return NoteResult::Failed(error, Some(Box::new(document))),
        };
        if let Err(e) = self
            .state
            .link(conn, &IdKind::CreditNote, &note.source_id, &booking.number)
            .await
        {
            return NoteResult::Failed(SyncError::from(e), None);
        }
        if let Err(e) = self
            .state
            .unlink(conn, &IdKind::CreditNoteWaiting, &note.source_id)
            .await
        {
            run.recorder.record_error(None, &SyncError::from(e));
        }
        if let Some(claim) = claim
            && let Err(e) = claim.confirm(&booking.number).await
        {
            run.recorder.record_error(None, &e);
        }
        run.recorder.record_created(&note.number);
        NoteResult::Done
    }
}
