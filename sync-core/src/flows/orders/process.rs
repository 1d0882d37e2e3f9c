//! One order: filters, id map, claim, lookup-before-create, debtor, articles, document, booking.

use serde_json::{Value, json};

use super::debtor::{DebtorAction, NEW_DEBTOR, ResolvedDebtor};
use super::document::{DocumentContext, sales_document};
use super::run::{RunState, Step};
use super::{FLOW, OrdersFlow};
use crate::blocks::claim::{Fence, RecordClaim};
use crate::blocks::dedup::{Dedup, ToBook, claim_and_look_up};
use crate::domain::{
    BookingRef, DebtorRef, ExternalReference, Order, OrderStatus, OrderSummary, PaymentStatus,
    SalesDocument, ShipmentStatus,
};
use crate::error::{ErrorClass, ErrorKind, SyncError};
use crate::state::{ActivityEntry, NewDeadLetter};
use crate::state::{ActivityOutcome, ActivityStage, Direction, IdKind, RecordKey};
use crate::traits::WriteBack;

/// How booking one claimed order failed.
pub(crate) enum Failure {
    /// An error that wrote nothing; `document` when mapping got that far (for the dead letter).
    Error {
        error: SyncError,
        document: Option<SalesDocument>,
    },
    /// A write whose outcome is unknown, which a lookup could not find yet: the claim stays (parked)
    /// so nobody writes the record again before the ledger had time to show the first write.
    Ambiguous {
        error: SyncError,
        document: SalesDocument,
    },
    /// The fence stopped the write (the claim was lost, or the record's deadline passed).
    Fenced(Fence),
}

impl From<crate::state::StateError> for Failure {
    fn from(error: crate::state::StateError) -> Self {
        SyncError::from(error).into()
    }
}

impl From<SyncError> for Failure {
    fn from(error: SyncError) -> Self {
        Failure::Error {
            error,
            document: None,
        }
    }
}

/// What the steps before the write found.
enum Prepared {
    /// Nothing to book after all, and why (the order is gone, or the filters now refuse it).
    Nothing(String),
    /// Ready to write.
    Ready(Box<Ready>),
}

/// An order ready to be written: the complete order, its debtor and the document.
struct Ready {
    order: Order,
    document: SalesDocument,
    debtor: ResolvedDebtor,
}

impl OrdersFlow {
    /// Process an order as a list, a webhook or a replay produced it (possibly without lines).
    pub(crate) async fn process_listed(&self, run: &mut RunState, candidate: Candidate) -> Step {
        let listed = &candidate.summary;
        let key = listed.number.clone();
        // Boxed: booking one order is the deepest future of a run; boxed, a run stays small enough
        // for a host's small task or test-thread stacks.
        match Box::pin(self.try_process(run, &candidate)).await {
            Ok(step) => step,
            Err(error) => {
                // Failures before a claim was taken (state store, article index).
                run.recorder.record_error(Some(&key), &error);
                if error.is_skippable() {
                    self.dead_letter(run, listed, None, &error).await
                } else {
                    Step::Halt
                }
            }
        }
    }

    async fn try_process(
        &self,
        run: &mut RunState,
        candidate: &Candidate,
    ) -> Result<Step, SyncError> {
        let conn = self.connection.as_str();
        let listed = &candidate.summary;
        let key = listed.number.as_str();
        if !self.config.filter.matches_summary(listed) {
            let reason = filter_reason(
                &listed.status,
                &listed.payment_status,
                &listed.shipment_status,
            );
            run.recorder.record_skipped(key, &reason);
            return Ok(Step::Done);
        }
        if self
            .state
            .lookup(conn, &IdKind::Order, &listed.source_id)
            .await?
            .is_some()
        {
            run.recorder.record_unchanged(key);
            return Ok(Step::Done);
        }
        // What the whole run shares is loaded before a claim is taken, so a claim never waits for it.
        run.article_index(self).await?;

        let reference = self.config.external_reference.render_summary(listed);
        let record = RecordKey::order(listed.source_id.as_str());
        let to_book = ToBook {
            record: &record,
            reference: &reference,
            kind: self.config.target.document_kind(),
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
        .await?;
        let claim = match dedup {
            Dedup::Write(claim) => claim,
            Dedup::Done(_) => {
                run.recorder.record_unchanged(key);
                return Ok(Step::Done);
            }
            Dedup::Busy { owner, stale_at } => {
                run.recorder.record_skipped(
                    key,
                    &format!(
                        "being booked by {owner} (its claim holds until at least {})",
                        stale_at.to_rfc3339()
                    ),
                );
                return Ok(Step::Deferred);
            }
            Dedup::Recovered(booking) => {
                if !run.dry_run
                    && let Some(debtor) = &booking.debtor
                {
                    self.state
                        .link(conn, &IdKind::OrderDebtor, &listed.source_id, debtor)
                        .await?;
                }
                run.recorder.record_unchanged(key);
                self.log(
                    run,
                    listed,
                    ActivityStage::Lookup,
                    ActivityOutcome::Recovered,
                    None,
                    Some(json!(booking)),
                    Some(format!(
                        "already booked as {} (found by reference {reference})",
                        booking.number
                    )),
                )
                .await;
                if !run.dry_run {
                    self.book_waiting_credit_notes(run, &listed.source_id).await;
                }
                return Ok(Step::Done);
            }
        };
        let outcome = match &claim {
            Some(claim) => {
                claim
                    .heartbeat(self.book_claimed(run, candidate, &reference, Some(claim)))
                    .await
            }
            None => self.book_claimed(run, candidate, &reference, None).await,
        };
        let step = match outcome {
            Ok(step) => step,
            Err(failure) => self.failed(run, listed, claim.as_ref(), failure).await,
        };
        if matches!(step, Step::Done) && !run.dry_run {
            self.book_waiting_credit_notes(run, &listed.source_id).await;
        }
        Ok(step)
    }

    /// What a failure after the claim means for the claim, the report and the run.
    async fn failed(
        &self,
        run: &mut RunState,
        listed: &OrderSummary,
        claim: Option<&RecordClaim<'_>>,
        failure: Failure,
    ) -> Step {
        let key = listed.number.as_str();
        match failure {
            Failure::Fenced(Fence::Lost) => {
                run.recorder.record_skipped(
                    key,
                    "another worker took the claim over; it finishes this order",
                );
                Step::Deferred
            }
            Failure::Fenced(fence) => {
                let halt = matches!(fence, Fence::Store(_));
                self.release(run, claim).await;
                let error = fence.into_error(&format!("order {key}"));
                run.recorder.record_error(Some(key), &error);
                if halt { Step::Halt } else { Step::Deferred }
            }
            Failure::Ambiguous { error, document } => {
                let recheck = self.config.ambiguous_write_recheck.get();
                if let Some(claim) = claim
                    && let Err(e) = claim.park(recheck).await
                {
                    run.recorder.record_error(None, &e);
                }
                run.recorder.record_error(Some(key), &error);
                self.log(
                    run,
                    listed,
                    ActivityStage::Book,
                    ActivityOutcome::OutcomeUnknown,
                    Some(json!(document)),
                    None,
                    Some(format!(
                        "{error}; the booking may still appear: the order is looked up again in {}s \
                         before it is written again",
                        recheck.as_secs()
                    )),
                )
                .await;
                if error.is_skippable() {
                    self.dead_letter(run, listed, Some(&document), &error).await
                } else {
                    Step::Halt
                }
            }
            Failure::Error { error, document } => {
                self.release(run, claim).await;
                run.recorder.record_error(Some(key), &error);
                match error.class() {
                    ErrorClass::Skippable => {
                        self.dead_letter(run, listed, document.as_ref(), &error)
                            .await
                    }
                    _ => {
                        self.log(
                            run,
                            listed,
                            ActivityStage::Book,
                            ActivityOutcome::Failed,
                            None,
                            None,
                            Some(error.to_string()),
                        )
                        .await;
                        Step::Halt
                    }
                }
            }
        }
    }

    /// Give a claim up after a failure that wrote nothing (so a later attempt can take it at once).
    async fn release(&self, run: &mut RunState, claim: Option<&RecordClaim<'_>>) {
        if let Some(claim) = claim
            && let Err(e) = claim.release().await
        {
            run.recorder.record_error(None, &e);
        }
    }

    /// Everything after the claim: the steps before the write (within the record's deadline), the
    /// fence, the write, and the links.
    async fn book_claimed(
        &self,
        run: &mut RunState,
        candidate: &Candidate,
        reference: &ExternalReference,
        claim: Option<&RecordClaim<'_>>,
    ) -> Result<Step, Failure> {
        let listed = &candidate.summary;
        let key = listed.number.as_str();
        let prepared = match claim {
            Some(claim) => {
                let remaining = claim.remaining();
                match tokio::time::timeout(remaining, self.prepare(run, candidate, reference)).await
                {
                    Ok(prepared) => prepared?,
                    Err(_) => return Err(Failure::Fenced(Fence::Deadline(claim.deadline()))),
                }
            }
            None => self.prepare(run, candidate, reference).await?,
        };
        let (order, document, debtor) = match prepared {
            Prepared::Nothing(reason) => {
                if let Some(claim) = claim {
                    claim.release().await?;
                }
                run.recorder.record_skipped(key, &reason);
                return Ok(Step::Done);
            }
            Prepared::Ready(ready) => {
                let Ready {
                    order,
                    document,
                    debtor,
                } = *ready;
                (order, document, debtor)
            }
        };
        if !document.rounding_difference.is_zero() {
            run.recorder
                .record_rounding(key, document.rounding_difference);
        }

        if run.dry_run {
            run.recorder.record_created(key);
            let debtor_note = match debtor.action {
                DebtorAction::WouldCreate => " on a new debtor",
                DebtorAction::WouldUpdate => " after updating its debtor",
                _ => "",
            };
            self.log(
                run,
                &order,
                ActivityStage::Book,
                ActivityOutcome::WouldCreate,
                Some(json!(document)),
                None,
                Some(format!("would book {reference}{debtor_note}")),
            )
            .await;
            return Ok(Step::Done);
        }
        debug_assert_ne!(debtor.number, NEW_DEBTOR);

        if let Some(claim) = claim {
            claim.fence().await.map_err(Failure::Fenced)?;
        }
        let kind = document.kind;
        let booking = match self.ledger.book(&document).await {
            Ok(booking) => booking,
            Err(error) if error.outcome_unknown() => {
                // The write may have gone through: look again before anything else.
                match self.ledger.find_booking(reference, kind).await {
                    Ok(Some(booking)) => booking,
                    _ => {
                        return Err(Failure::Ambiguous { error, document });
                    }
                }
            }
            Err(error) => {
                return Err(Failure::Error {
                    error,
                    document: Some(document),
                });
            }
        };
        self.remember_booking(&order.source_id, claim, &booking, Some(&debtor.number))
            .await?;
        run.recorder.record_created(key);
        self.log(
            run,
            &order,
            ActivityStage::Book,
            ActivityOutcome::Created,
            Some(json!(document)),
            Some(json!(booking)),
            Some(format!(
                "booked as {} on debtor {}",
                booking.number, debtor.number
            )),
        )
        .await;
        self.write_back(run, &order, &booking).await;
        Ok(Step::Done)
    }

    /// The steps before the write (after the claim and the lookup): the complete order, its debtor,
    /// delivery address, articles and the document.
    async fn prepare(
        &self,
        run: &mut RunState,
        candidate: &Candidate,
        reference: &ExternalReference,
    ) -> Result<Prepared, Failure> {
        let listed = &candidate.summary;
        let kind = self.config.target.document_kind();
        // The complete order, fetched now unless it was fetched moments ago (a webhook, a replay).
        let fetched = match &candidate.fetched {
            Some(order) => Some(order.clone()),
            None => self.source.fetch_order(&listed.source_id).await?,
        };
        let Some(order) = fetched else {
            return Ok(Prepared::Nothing(
                "the order no longer exists in the shop".into(),
            ));
        };
        if !self.config.filter.matches(&order) {
            // The list was stale (e.g. the order was cancelled meanwhile).
            return Ok(Prepared::Nothing(filter_reason(
                &order.status,
                &order.payment_status,
                &order.shipment_status,
            )));
        }
        let debtor = self.resolve_debtor(&order, run.dry_run).await?;
        let delivery = match kind {
            crate::domain::SalesDocumentKind::SalesOrder => {
                self.resolve_delivery_address(&order, &debtor, run.dry_run)
                    .await?
            }
            _ => None,
        };
        let codes = self.article_codes(run, &order).await?;
        let document = sales_document(
            &order,
            &DocumentContext {
                config: &self.config,
                kind,
                reference: reference.clone(),
                debtor: DebtorRef {
                    number: debtor.number.clone(),
                    delivery_address_id: delivery,
                },
                article_codes: &codes,
            },
        )
        .map_err(|error| Failure::Error {
            error,
            document: None,
        })?;
        Ok(Prepared::Ready(Box::new(Ready {
            order,
            document,
            debtor,
        })))
    }

    /// The ledger article code for every line, from the run's article index; missing articles go to
    /// the fallback article, or fail the order naming every missing code.
    async fn article_codes(
        &self,
        run: &mut RunState,
        order: &Order,
    ) -> Result<Vec<String>, SyncError> {
        let matching = self.config.article_matching.clone();
        let fallback = self.config.fallback_article.clone();
        let index = run.article_index(self).await?;
        let mut codes = Vec::with_capacity(order.lines.len());
        let mut missing = Vec::new();
        for line in &order.lines {
            match index.article_for_line(line, &matching) {
                Ok(found) if found.item.blocked => missing.push(format!(
                    "article {} is blocked in the ledger (line {})",
                    found.item.code, line.line_id
                )),
                Ok(found) => codes.push(found.item.code.clone()),
                Err(e) if e.kind() == ErrorKind::MissingArticle => match &fallback {
                    Some(code) => codes.push(code.clone()),
                    None => missing.push(e.message().to_owned()),
                },
                Err(e) => return Err(e),
            }
        }
        if !missing.is_empty() {
            return Err(SyncError::skippable(
                ErrorKind::MissingArticle,
                format!("order {}: {}", order.number, missing.join("; ")),
            ));
        }
        Ok(codes)
    }

    /// Link the order to its booking (and debtor) and confirm the claim — after the ledger acknowledged.
    async fn remember_booking(
        &self,
        order_id: &str,
        claim: Option<&RecordClaim<'_>>,
        booking: &BookingRef,
        debtor: Option<&str>,
    ) -> Result<(), SyncError> {
        let conn = self.connection.as_str();
        self.state
            .link(conn, &IdKind::Order, order_id, &booking.number)
            .await?;
        if let Some(debtor) = debtor {
            self.state
                .link(conn, &IdKind::OrderDebtor, order_id, debtor)
                .await?;
        }
        if let Some(claim) = claim {
            claim.confirm(&booking.number).await?;
        }
        Ok(())
    }

    /// Write the booking number back to the shop when configured. A failure does not undo the booking:
    /// it becomes a dead letter of its own (`writeback/{id}`) that a replay retries.
    pub(crate) async fn write_back(&self, run: &mut RunState, order: &Order, booking: &BookingRef) {
        if self.config.write_back == WriteBack::None {
            return;
        }
        if let Err(error) = self
            .source
            .write_back(order, booking, &self.config.write_back)
            .await
        {
            let key = RecordKey::write_back(order.source_id.as_str());
            run.recorder.record_error(Some(&key.to_string()), &error);
            self.store_dead_letter(run, key, &order.raw, Some(json!(booking)), &error)
                .await;
        }
    }

    /// Replay a failed write-back.
    pub(crate) async fn replay_write_back(&self, run: &mut RunState, id: &str) -> Option<bool> {
        let booked = self
            .state
            .lookup(&self.connection, &IdKind::Order, id)
            .await
            .ok()
            .flatten();
        let (Some(number), Ok(Some(order))) = (booked, self.source.fetch_order(id).await) else {
            run.recorder
                .record_skipped(id, "the order is not booked or no longer exists");
            return Some(false);
        };
        let booking = BookingRef {
            number,
            kind: self.config.target.document_kind(),
            debtor: None,
        };
        match self
            .source
            .write_back(&order, &booking, &self.config.write_back)
            .await
        {
            Ok(()) => {
                run.recorder.record_updated(&order.number);
                Some(true)
            }
            Err(error) => {
                run.recorder.record_error(Some(&order.number), &error);
                Some(false)
            }
        }
    }

    async fn dead_letter(
        &self,
        run: &mut RunState,
        order: &OrderSummary,
        document: Option<&SalesDocument>,
        error: &SyncError,
    ) -> Step {
        let key = RecordKey::order(order.source_id.as_str());
        let mapped = document.map(|d| json!(d));
        self.log(
            run,
            order,
            ActivityStage::Book,
            ActivityOutcome::DeadLettered,
            mapped.clone(),
            None,
            Some(error.to_string()),
        )
        .await;
        self.store_dead_letter(run, key, &order.raw, mapped, error)
            .await
    }

    pub(crate) async fn store_dead_letter(
        &self,
        run: &mut RunState,
        record_key: RecordKey,
        original: &Value,
        mapped: Option<Value>,
        error: &SyncError,
    ) -> Step {
        if run.dry_run {
            return Step::Done;
        }
        let letter = NewDeadLetter {
            connection: self.connection.clone(),
            flow: FLOW.to_owned(),
            record_key,
            original: original.clone(),
            mapped,
            error_kind: error.kind().as_str().to_owned(),
            error_message: error.message().to_owned(),
            at: self.clock.now(),
        };
        match self.state.put_dead_letter(&letter).await {
            Ok(_) => Step::Done,
            Err(e) => {
                run.recorder.record_error(None, &SyncError::from(e));
                Step::Halt
            }
        }
    }

    /// An activity-log entry for this order. Logging never fails a booking: a failure to log is
    /// reported as a warning.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn log(
        &self,
        run: &RunState,
        order: impl Into<Logged<'_>>,
        stage: ActivityStage,
        outcome: ActivityOutcome,
        sent: Option<Value>,
        answer: Option<Value>,
        message: Option<String>,
    ) {
        let order = order.into();
        let entry = ActivityEntry {
            run_id: run.run_id,
            connection: self.connection.clone(),
            flow: FLOW.to_owned(),
            record_key: Some(order.number.to_owned()),
            stage,
            direction: Direction::ShopToLedger,
            received: (!order.raw.is_null()).then(|| order.raw.clone()),
            sent,
            answer,
            outcome,
            message,
            at: self.clock.now(),
        };
        if let Err(e) = self.state.log_activity(&entry).await {
            tracing::warn!(order = %order.number, error = %e, "could not write the activity log");
        }
    }
}

/// What an activity-log entry says about its order: its number and the payload received.
pub(crate) struct Logged<'a> {
    number: &'a str,
    raw: &'a Value,
}

impl<'a> From<&'a Order> for Logged<'a> {
    fn from(order: &'a Order) -> Self {
        Self {
            number: &order.number,
            raw: &order.raw,
        }
    }
}

impl<'a> From<&'a OrderSummary> for Logged<'a> {
    fn from(order: &'a OrderSummary) -> Self {
        Self {
            number: &order.number,
            raw: &order.raw,
        }
    }
}

/// An order the flow is asked to process: its list entry, and the complete order when it was just
/// fetched (a webhook, a replay), which saves fetching it again.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub summary: OrderSummary,
    pub fetched: Option<Order>,
}

impl Candidate {
    /// An order as a list showed it.
    pub(crate) fn listed(summary: OrderSummary) -> Self {
        Self {
            summary,
            fetched: None,
        }
    }

    /// An order fetched complete moments ago.
    pub(crate) fn fetched(order: Order) -> Self {
        Self {
            summary: order.summary(),
            fetched: Some(order),
        }
    }
}

/// Why the filters passed over an order.
fn filter_reason(
    status: &OrderStatus,
    payment: &PaymentStatus,
    shipment: &ShipmentStatus,
) -> String {
    format!("filtered out (status {status}, payment {payment}, shipment {shipment})")
}
