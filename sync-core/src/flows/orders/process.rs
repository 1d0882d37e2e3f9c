//! One order: filters, id map, claim, lookup-before-create, debtor, articles, document, booking.

use serde_json::{Value, json};

use super::debtor::{DebtorAction, NEW_DEBTOR};
use super::document::{DocumentContext, sales_document};
use super::run::{RunState, Step};
use super::{FLOW, ID_ORDER, ID_ORDER_DEBTOR, OrdersFlow};
use crate::domain::{BookingRef, DebtorRef, ExternalReference, Order, SalesDocument};
use crate::error::{ErrorClass, ErrorKind, SyncError};
use crate::state::{ActivityEntry, ClaimOutcome, NewDeadLetter};
use crate::traits::WriteBack;

/// Where an order stands after the claim step.
enum Claim {
    /// We hold the claim (fresh, or taken over from a crashed worker).
    Held,
    /// Dry run: no claim is taken.
    NotNeeded,
}

/// A failure while booking, with the document when mapping got that far (for the dead letter).
struct Failure {
    error: SyncError,
    document: Option<SalesDocument>,
}

impl From<crate::state::StateError> for Failure {
    fn from(error: crate::state::StateError) -> Self {
        SyncError::from(error).into()
    }
}

impl From<SyncError> for Failure {
    fn from(error: SyncError) -> Self {
        Self {
            error,
            document: None,
        }
    }
}

impl OrdersFlow {
    /// Process an order as a list, a webhook or a replay produced it (possibly without lines).
    pub(crate) async fn process_listed(&self, run: &mut RunState, listed: Order) -> Step {
        let key = listed.number.clone();
        match self.try_process(run, &listed).await {
            Ok(step) => step,
            Err(error) => {
                // Failures before a claim was taken (state store, ledger lookup, shop fetch).
                run.recorder.record_error(Some(&key), &error);
                if error.is_skippable() {
                    self.dead_letter(run, &listed, None, &error).await
                } else {
                    Step::Halt
                }
            }
        }
    }

    async fn try_process(&self, run: &mut RunState, listed: &Order) -> Result<Step, SyncError> {
        let conn = self.connection.as_str();
        let key = listed.number.as_str();
        if !self.config.filter.matches(listed) {
            run.recorder.record_skipped(key, &filter_reason(listed));
            return Ok(Step::Done);
        }
        if self
            .state
            .lookup(conn, ID_ORDER, &listed.source_id)
            .await?
            .is_some()
        {
            run.recorder.record_unchanged(key);
            return Ok(Step::Done);
        }

        let claim_key = format!("order:{}", listed.source_id);
        let now = self.clock.now();
        let claim = if run.dry_run {
            Claim::NotNeeded
        } else {
            match self
                .state
                .try_claim(conn, &claim_key, &self.worker, now)
                .await?
            {
                ClaimOutcome::Claimed => Claim::Held,
                ClaimOutcome::AlreadyDone { target_id } => {
                    self.state
                        .link(conn, ID_ORDER, &listed.source_id, &target_id)
                        .await?;
                    run.recorder.record_unchanged(key);
                    return Ok(Step::Done);
                }
                ClaimOutcome::InFlight { owner, since } => {
                    run.recorder.record_skipped(
                        key,
                        &format!("being booked by {owner} since {}", since.to_rfc3339()),
                    );
                    return Ok(Step::Deferred);
                }
                ClaimOutcome::Stale { owner, .. } => {
                    // A worker crashed while booking: the lookup below decides whether it got through.
                    tracing::info!(order = key, previous = %owner, "taking over a stale claim");
                    match self
                        .state
                        .take_over_claim(conn, &claim_key, &self.worker, now)
                        .await?
                    {
                        ClaimOutcome::Claimed | ClaimOutcome::Stale { .. } => Claim::Held,
                        _ => {
                            run.recorder
                                .record_skipped(key, "claimed by another worker meanwhile");
                            return Ok(Step::Done);
                        }
                    }
                }
            }
        };

        let reference = self.config.external_reference.render(listed);
        match self.book_claimed(run, listed, &reference, &claim_key).await {
            Ok(step) => Ok(step),
            Err(failure) => {
                // The claim is released so a later attempt (or a replay) can take it again. An
                // ambiguous write was already resolved by a lookup inside `book_claimed`.
                if matches!(claim, Claim::Held) {
                    self.state.release_claim(conn, &claim_key).await?;
                }
                let error = failure.error;
                run.recorder.record_error(Some(key), &error);
                match error.class() {
                    ErrorClass::Skippable => Ok(self
                        .dead_letter(run, listed, failure.document.as_ref(), &error)
                        .await),
                    _ => {
                        self.log(
                            run,
                            listed,
                            "book",
                            "failed",
                            None,
                            None,
                            Some(error.to_string()),
                        )
                        .await;
                        Ok(Step::Halt)
                    }
                }
            }
        }
    }

    /// Everything after the claim: lookup, fetch, debtor, document, booking, links.
    async fn book_claimed(
        &self,
        run: &mut RunState,
        listed: &Order,
        reference: &ExternalReference,
        claim_key: &str,
    ) -> Result<Step, Failure> {
        let conn = self.connection.as_str();
        let key = listed.number.as_str();
        let kind = self.config.target.document_kind();

        // Lookup-before-create: the id map had nothing, but the ledger may (a crash after booking, or a
        // fresh state store). Neither API has idempotency keys; this is ours.
        if let Some(booking) = self.ledger.find_booking(reference, kind).await? {
            if !run.dry_run {
                self.remember_booking(&listed.source_id, claim_key, &booking, None)
                    .await?;
            }
            run.recorder.record_unchanged(key);
            self.log(
                run,
                listed,
                "lookup",
                "recovered",
                None,
                Some(json!(booking)),
                Some(format!(
                    "already booked as {} (found by reference {reference})",
                    booking.number
                )),
            )
            .await;
            return Ok(Step::Done);
        }

        let Some(order) = self.source.fetch_order(&listed.source_id).await? else {
            self.state.release_claim(conn, claim_key).await?;
            run.recorder
                .record_skipped(key, "the order no longer exists in the shop");
            return Ok(Step::Done);
        };
        if !self.config.filter.matches(&order) {
            // The list was stale (e.g. the order was cancelled meanwhile).
            self.state.release_claim(conn, claim_key).await?;
            run.recorder.record_skipped(key, &filter_reason(&order));
            return Ok(Step::Done);
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
        )?;
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
                "book",
                "would_create",
                Some(json!(document)),
                None,
                Some(format!("would book {reference}{debtor_note}")),
            )
            .await;
            return Ok(Step::Done);
        }
        debug_assert_ne!(debtor.number, NEW_DEBTOR);

        let booking = match self.ledger.book(&document).await {
            Ok(booking) => booking,
            Err(error) if error.outcome_unknown() => {
                // The write may have gone through: look again before anything else.
                match self.ledger.find_booking(reference, kind).await {
                    Ok(Some(booking)) => booking,
                    _ => {
                        return Err(Failure {
                            error,
                            document: Some(document),
                        });
                    }
                }
            }
            Err(error) => {
                return Err(Failure {
                    error,
                    document: Some(document),
                });
            }
        };
        self.remember_booking(&order.source_id, claim_key, &booking, Some(&debtor.number))
            .await?;
        run.recorder.record_created(key);
        self.log(
            run,
            &order,
            "book",
            "created",
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
        claim_key: &str,
        booking: &BookingRef,
        debtor: Option<&str>,
    ) -> Result<(), SyncError> {
        let conn = self.connection.as_str();
        self.state
            .link(conn, ID_ORDER, order_id, &booking.number)
            .await?;
        if let Some(debtor) = debtor {
            self.state
                .link(conn, ID_ORDER_DEBTOR, order_id, debtor)
                .await?;
        }
        self.state
            .confirm_claim(conn, claim_key, &booking.number)
            .await?;
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
            let key = format!("writeback/{}", order.source_id);
            run.recorder.record_error(Some(&key), &error);
            self.store_dead_letter(run, &key, &order.raw, Some(json!(booking)), &error)
                .await;
        }
    }

    /// Replay a failed write-back.
    pub(crate) async fn replay_write_back(&self, run: &mut RunState, id: &str) -> Option<bool> {
        let booked = self
            .state
            .lookup(&self.connection, ID_ORDER, id)
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
        order: &Order,
        document: Option<&SalesDocument>,
        error: &SyncError,
    ) -> Step {
        let key = format!("order/{}", order.source_id);
        let mapped = document.map(|d| json!(d));
        self.log(
            run,
            order,
            "book",
            "dead_lettered",
            mapped.clone(),
            None,
            Some(error.to_string()),
        )
        .await;
        self.store_dead_letter(run, &key, &order.raw, mapped, error)
            .await
    }

    pub(crate) async fn store_dead_letter(
        &self,
        run: &mut RunState,
        record_key: &str,
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
            record_key: record_key.to_owned(),
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
        order: &Order,
        stage: &str,
        outcome: &str,
        sent: Option<Value>,
        answer: Option<Value>,
        message: Option<String>,
    ) {
        let entry = ActivityEntry {
            run_id: run.run_id,
            connection: self.connection.clone(),
            flow: FLOW.to_owned(),
            record_key: Some(order.number.clone()),
            stage: stage.to_owned(),
            direction: "shop→ledger".to_owned(),
            received: (!order.raw.is_null()).then(|| order.raw.clone()),
            sent,
            answer,
            outcome: outcome.to_owned(),
            message,
            at: self.clock.now(),
        };
        if let Err(e) = self.state.log_activity(&entry).await {
            tracing::warn!(order = %order.number, error = %e, "could not write the activity log");
        }
    }
}

/// Why the filters passed over an order.
fn filter_reason(order: &Order) -> String {
    format!(
        "filtered out (status {}, payment {}, shipment {})",
        order.status, order.payment_status, order.shipment_status
    )
}
