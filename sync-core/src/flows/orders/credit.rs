//! Credit notes: a shop credit note for a booked order is booked once as a credit posting on the same
//! debtor.

use serde_json::json;

use super::document::{DocumentContext, credit_note_document};
use super::run::RunState;
use super::{ID_CREDIT_NOTE, ID_ORDER, ID_ORDER_DEBTOR, OrdersFlow};
use crate::domain::{CreditNote, DebtorRef, ExternalReference, SalesDocumentKind};
use crate::error::{ErrorKind, SyncError};
use crate::state::ClaimOutcome;
use crate::traits::ReadWindow;

impl OrdersFlow {
    /// Book the credit notes changed in `window`. Returns `false` when the run must read them again
    /// (a retryable or fatal error stopped it).
    pub(crate) async fn book_credit_notes(&self, run: &mut RunState, window: &ReadWindow) -> bool {
        let notes = match self.source.changed_credit_notes(window).await {
            Ok(notes) => notes,
            Err(error) => {
                run.recorder.record_error(None, &error);
                return false;
            }
        };
        run.recorder.record_read(notes.len() as u64);
        for note in notes {
            if self.book_credit_note(run, &note).await.is_none() {
                return false;
            }
        }
        true
    }

    /// Replay one credit note by id.
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
        match notes.into_iter().find(|n| n.source_id == id) {
            Some(note) => self.book_credit_note(run, &note).await,
            None => {
                run.recorder
                    .record_skipped(id, "the credit note no longer exists");
                Some(false)
            }
        }
    }

    async fn credit_note_order(&self, id: &str, run: &mut RunState) -> Option<String> {
        let letters = self
            .state
            .list_dead_letters(&crate::state::DeadLetterFilter {
                connection: Some(self.connection.clone()),
                flow: Some(super::FLOW.to_owned()),
                record_key: Some(format!("credit/{id}")),
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

    /// Book one credit note. `Some(true)` booked (or already booked), `Some(false)` skipped or
    /// dead-lettered, `None` when the run must stop.
    async fn book_credit_note(&self, run: &mut RunState, note: &CreditNote) -> Option<bool> {
        let key = format!("credit/{}", note.source_id);
        match self.try_book_credit_note(run, note).await {
            Ok(done) => Some(done),
            Err(error) => {
                if !run.dry_run {
                    let _ = self
                        .state
                        .release_claim(&self.connection, &format!("credit:{}", note.source_id))
                        .await;
                }
                run.recorder.record_error(Some(&note.number), &error);
                if error.is_skippable() {
                    let original = json!(note);
                    self.store_dead_letter(run, &key, &original, None, &error)
                        .await;
                    Some(false)
                } else {
                    None
                }
            }
        }
    }

    async fn try_book_credit_note(
        &self,
        run: &mut RunState,
        note: &CreditNote,
    ) -> Result<bool, SyncError> {
        let conn = self.connection.as_str();
        if self
            .state
            .lookup(conn, ID_CREDIT_NOTE, &note.source_id)
            .await?
            .is_some()
        {
            run.recorder.record_unchanged(&note.number);
            return Ok(true);
        }
        let Some(order_id) = note.order_source_id.clone() else {
            run.recorder
                .record_skipped(&note.number, "credit note without an order");
            return Ok(false);
        };
        if self
            .state
            .lookup(conn, ID_ORDER, &order_id)
            .await?
            .is_none()
        {
            run.recorder.record_skipped(
                &note.number,
                "the credited order was never booked by Koppel",
            );
            return Ok(false);
        }
        let Some(debtor) = self.state.lookup(conn, ID_ORDER_DEBTOR, &order_id).await? else {
            return Err(SyncError::skippable(
                ErrorKind::NotFound,
                format!(
                    "credit note {}: the debtor of order {order_id} is unknown",
                    note.number
                ),
            ));
        };
        let claim_key = format!("credit:{}", note.source_id);
        if !run.dry_run {
            match self
                .state
                .try_claim(conn, &claim_key, &self.worker, self.clock.now())
                .await?
            {
                ClaimOutcome::AlreadyDone { .. } => {
                    run.recorder.record_unchanged(&note.number);
                    return Ok(true);
                }
                ClaimOutcome::InFlight { .. } => {
                    run.recorder
                        .record_skipped(&note.number, "being booked by another worker");
                    return Ok(false);
                }
                ClaimOutcome::Claimed | ClaimOutcome::Stale { .. } => {}
            }
        }
        let Some(order) = self.source.fetch_order(&order_id).await? else {
            return Err(SyncError::skippable(
                ErrorKind::NotFound,
                format!(
                    "credit note {}: order {order_id} no longer exists",
                    note.number
                ),
            ));
        };
        let mut for_reference = order.clone();
        for_reference.number = note.number.clone();
        let reference: ExternalReference = self.config.external_reference.render(&for_reference);
        let kind = SalesDocumentKind::CreditNote;
        if let Some(booking) = self.ledger.find_booking(&reference, kind).await? {
            if !run.dry_run {
                self.state
                    .link(conn, ID_CREDIT_NOTE, &note.source_id, &booking.number)
                    .await?;
                self.state
                    .confirm_claim(conn, &claim_key, &booking.number)
                    .await?;
            }
            run.recorder.record_unchanged(&note.number);
            return Ok(true);
        }
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
        let document = credit_note_document(
            note,
            &order,
            &DocumentContext {
                config: &self.config,
                kind,
                reference,
                debtor: DebtorRef::new(debtor),
                article_codes: &codes,
            },
        )?;
        if run.dry_run {
            run.recorder.record_created(&note.number);
            return Ok(true);
        }
        let booking = match self.ledger.book(&document).await {
            Ok(b) => b,
            Err(e) if e.outcome_unknown() => self
                .ledger
                .find_booking(&document.reference, kind)
                .await?
                .ok_or(e)?,
            Err(e) => return Err(e),
        };
        self.state
            .link(conn, ID_CREDIT_NOTE, &note.source_id, &booking.number)
            .await?;
        self.state
            .confirm_claim(conn, &claim_key, &booking.number)
            .await?;
        run.recorder.record_created(&note.number);
        Ok(true)
    }
}
