//! Order de-duplication: a record is written to the ledger only by the worker that holds its claim,
//! and only after a lookup by the reference its booking is stamped with found nothing — the
//! idempotency key neither API offers. See [`claim_and_look_up`].

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Worker;
use super::claim::{Claimed, RecordClaim};
use crate::domain::{BookingRef, ExternalReference, SalesDocumentKind};
use crate::error::SyncError;
use crate::state::{ClaimStore, IdKind, IdMap, RecordKey, RecordKind};
use crate::traits::Ledger;

/// A record to book: which one, the reference its booking carries, and what it is booked as.
#[derive(Debug, Clone, Copy)]
pub struct ToBook<'r> {
    /// The record (`RecordKey::order(id)`, `RecordKey::credit_note(id)`): its claim is
    /// `order:{id}` / `credit:{id}`, its id-map entry the record kind's.
    pub record: &'r RecordKey,
    /// The external reference its booking is stamped with.
    pub reference: &'r ExternalReference,
    /// The kind of document it is booked as (where the ledger looks).
    pub kind: SalesDocumentKind,
}

impl ToBook<'_> {
    /// The key of the record's claim.
    pub fn claim_key(&self) -> String {
        format!("{}:{}", self.record.kind, self.record.id)
    }

    /// The id-map kind that links the record to its booking.
    pub fn id_kind(&self) -> IdKind {
        match self.record.kind {
            RecordKind::CreditNote => IdKind::CreditNote,
            _ => IdKind::Order,
        }
    }
}

/// What [`claim_and_look_up`] found.
#[derive(Debug)]
pub enum Dedup<'a> {
    /// The record's claim was confirmed before: it is booked as this.
    Done(String),
    /// Another worker holds the record's claim (working on it, or parked after an ambiguous write).
    Busy {
        /// Who holds it.
        owner: String,
        /// Until when the claim is safe from take-over unless renewed.
        stale_at: DateTime<Utc>,
    },
    /// The ledger holds a booking with the record's reference (written before; its confirmation was
    /// lost, or the state store is new): linked in the id map and the claim confirmed now.
    Recovered(BookingRef),
    /// Not booked anywhere: write it under this claim (`None` in a dry run, which claims nothing).
    Write(Option<RecordClaim<'a>>),
}

/// Claims the record (taking over a stale claim) and looks its booking up in the ledger by its
/// reference. Only [`Dedup::Write`] may lead to a write — after [`RecordClaim::fence`].
///
/// `deadline` is the time the record may take from its claim to its write (see
/// [`RecordClaim`]). A dry run claims nothing and links nothing: it only looks up.
#[allow(clippy::too_many_arguments)]
pub async fn claim_and_look_up<'a>(
    claims: &'a dyn ClaimStore,
    ids: &dyn IdMap,
    ledger: &dyn Ledger,
    worker: Worker<'a>,
    record: ToBook<'_>,
    deadline: Duration,
    dry_run: bool,
) -> Result<Dedup<'a>, SyncError> {
    let claim = if dry_run {
        None
    } else {
        match RecordClaim::acquire(
            claims,
            worker.clock,
            worker.connection,
            record.claim_key(),
            worker.id,
            deadline,
        )
        .await?
        {
            Claimed::Held(claim) => Some(claim),
            Claimed::Done { target_id } => {
                ids.link(
                    worker.connection,
                    &record.id_kind(),
                    &record.record.id,
                    &target_id,
                )
                .await?;
                return Ok(Dedup::Done(target_id));
            }
            Claimed::Busy { owner, stale_at } => return Ok(Dedup::Busy { owner, stale_at }),
        }
    };
    // Lookup-before-create: the id map had nothing, but the ledger may (a crash after booking, or a
    // new state store). Neither API has idempotency keys; this is ours.
    let found = match ledger.find_booking(record.reference, record.kind).await {
        Ok(found) => found,
        Err(error) => {
            if let Some(claim) = &claim {
                // Nothing was written: the record may be tried again at once.
                claim.release().await?;
            }
            return Err(error);
        }
    };
    let Some(booking) = found else {
        return Ok(Dedup::Write(claim));
    };
    if let Some(claim) = &claim {
        ids.link(
            worker.connection,
            &record.id_kind(),
            &record.record.id,
            &booking.number,
        )
        .await?;
        claim.confirm(&booking.number).await?;
    }
    Ok(Dedup::Recovered(booking))
}
