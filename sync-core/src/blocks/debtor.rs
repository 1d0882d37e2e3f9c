//! Debtor upsert by normalised e-mail address, and the delivery address under a debtor.
//!
//! [`upsert_debtor`]: the debtor linked to the e-mail address in the id map (kept when the content
//! hash of what Koppel last wrote matches, else updated), else the one the ledger finds by the
//! address (linked; updated only when a field Koppel maps differs), else a new one (numbered as
//! configured). An address that belongs to several debtors is refused, never guessed.
//! [`delivery_address`]: a shipping address other than the debtor's own, matched among the
//! debtor's delivery addresses by its normalised form, else created; remembered in the id map.

use super::Worker;
use crate::config::DebtorNumbering;
use crate::domain::{Address, DebtorDraft, DeliveryAddressDraft, Email, content_hash};
use crate::error::{ErrorKind, SyncError};
use crate::state::{ContentHash, ContentHashes, HashKind, HashOrigin, IdKind, IdMap};
use crate::traits::{Ledger, LedgerDebtors};

/// What happened to the debtor while resolving it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DebtorAction {
    /// Taken as it was (default debtor, cached or found and unchanged).
    Kept,
    /// Created in the ledger.
    Created,
    /// Updated in the ledger because a mapped field changed.
    Updated,
    /// Would be created (dry run).
    WouldCreate,
    /// Would be updated (dry run).
    WouldUpdate,
}

/// The debtor a record goes on.
#[derive(Debug, Clone)]
pub struct ResolvedDebtor {
    /// Its number ([`NEW_DEBTOR`] in a dry run that would create it).
    pub number: String,
    /// What was done to it.
    pub action: DebtorAction,
    /// The fields Koppel maps (what was or would be written); `None` for a default debtor.
    pub draft: Option<DebtorDraft>,
}

/// The placeholder number a dry run shows for a debtor it would create.
pub const NEW_DEBTOR: &str = "(new debtor)";

/// What [`upsert_debtor`] needs to know.
#[derive(Debug, Clone)]
pub struct DebtorRequest<'r> {
    /// The normalised e-mail address the debtor is found by.
    pub email: &'r Email,
    /// The fields Koppel maps from the record.
    pub draft: DebtorDraft,
    /// How a new debtor is numbered.
    pub numbering: &'r DebtorNumbering,
    /// The shop's customer id (numbering from the customer id needs it).
    pub customer_id: Option<&'r str>,
    /// The record the debtor is for (an order number), for messages.
    pub record: &'r str,
}

/// Finds, creates or updates the debtor of an e-mail address (see the [module docs](self)). A dry
/// run writes nothing and says what it would do.
pub async fn upsert_debtor(
    ledger: &dyn LedgerDebtors,
    ids: &dyn IdMap,
    hashes: &dyn ContentHashes,
    worker: Worker<'_>,
    request: DebtorRequest<'_>,
    dry_run: bool,
) -> Result<ResolvedDebtor, SyncError> {
    let conn = worker.connection;
    let email = request.email;
    let hash = content_hash(&request.draft)?.0;
    if let Some(number) = ids
        .lookup(conn, &IdKind::DebtorEmail, email.as_str())
        .await?
    {
        let known = hashes.get_hash(conn, &HashKind::Debtor, &number).await?;
        if known.as_ref().is_some_and(|h| h.hash == hash) {
            return Ok(ResolvedDebtor {
                number,
                action: DebtorAction::Kept,
                draft: Some(request.draft),
            });
        }
        // Koppel's last view of this debtor differs from the record's data: bring the ledger up to
        // date.
        return update(ledger, hashes, worker, number, request.draft, hash, dry_run).await;
    }

    let found = ledger.find_debtor_by_email(email).await?;
    match found.as_slice() {
        [] => create(ledger, ids, hashes, worker, request, hash, dry_run).await,
        [record] => {
            if !dry_run {
                ids.link(conn, &IdKind::DebtorEmail, email.as_str(), &record.number)
                    .await?;
            }
            if mapped_fields_differ(&record.details, &request.draft) {
                update(
                    ledger,
                    hashes,
                    worker,
                    record.number.clone(),
                    request.draft,
                    hash,
                    dry_run,
                )
                .await
            } else {
                if !dry_run {
                    remember(hashes, worker, &record.number, hash).await?;
                }
                Ok(ResolvedDebtor {
                    number: record.number.clone(),
                    action: DebtorAction::Kept,
                    draft: Some(request.draft),
                })
            }
        }
        many => Err(SyncError::skippable(
            ErrorKind::AmbiguousMatch,
            format!(
                "e-mail {email} belongs to {} debtors ({}); link the right one or merge them",
                many.len(),
                many.iter()
                    .map(|d| d.number.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

async fn create(
    ledger: &dyn LedgerDebtors,
    ids: &dyn IdMap,
    hashes: &dyn ContentHashes,
    worker: Worker<'_>,
    request: DebtorRequest<'_>,
    hash: String,
    dry_run: bool,
) -> Result<ResolvedDebtor, SyncError> {
    if dry_run {
        return Ok(ResolvedDebtor {
            number: NEW_DEBTOR.to_owned(),
            action: DebtorAction::WouldCreate,
            draft: Some(request.draft),
        });
    }
    let number = match request.numbering {
        DebtorNumbering::FromCustomerId { prefix } => {
            match request.customer_id.filter(|id| !id.trim().is_empty()) {
                Some(id) => format!("{prefix}{}", id.trim()).to_uppercase(),
                None => {
                    return Err(SyncError::mapping(format!(
                        "order {} has no shop customer id to number its debtor from (guest \
                         checkout); use debtor_numbering mode = \"next_free\" or a default debtor",
                        request.record
                    )));
                }
            }
        }
        DebtorNumbering::NextFree { .. } => {
            let range = request
                .numbering
                .range()
                .ok_or_else(|| SyncError::config("debtor numbering has no range"))?;
            ledger.next_debtor_number(&range).await?
        }
    };
    let record = ledger.create_debtor(&request.draft, Some(&number)).await?;
    ids.link(
        worker.connection,
        &IdKind::DebtorEmail,
        request.email.as_str(),
        &record.number,
    )
    .await?;
    remember(hashes, worker, &record.number, hash).await?;
    Ok(ResolvedDebtor {
        number: record.number,
        action: DebtorAction::Created,
        draft: Some(request.draft),
    })
}

async fn update(
    ledger: &dyn LedgerDebtors,
    hashes: &dyn ContentHashes,
    worker: Worker<'_>,
    number: String,
    draft: DebtorDraft,
    hash: String,
    dry_run: bool,
) -> Result<ResolvedDebtor, SyncError> {
    if dry_run {
        return Ok(ResolvedDebtor {
            number,
            action: DebtorAction::WouldUpdate,
            draft: Some(draft),
        });
    }
    ledger.update_debtor(&number, &draft).await?;
    remember(hashes, worker, &number, hash).await?;
    Ok(ResolvedDebtor {
        number,
        action: DebtorAction::Updated,
        draft: Some(draft),
    })
}

async fn remember(
    hashes: &dyn ContentHashes,
    worker: Worker<'_>,
    number: &str,
    hash: String,
) -> Result<(), SyncError> {
    let entry = ContentHash {
        hash,
        origin: HashOrigin::Koppel,
        updated_at: worker.clock.now(),
    };
    hashes
        .put_hash(worker.connection, &HashKind::Debtor, number, &entry)
        .await?;
    Ok(())
}

/// What [`delivery_address`] needs to know.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryRequest<'r> {
    /// The debtor the address belongs to.
    pub debtor: &'r ResolvedDebtor,
    /// The debtor's own address (when the record ships there, no delivery address is needed).
    pub home: Option<&'r Address>,
    /// Where the record ships.
    pub shipping: Option<&'r Address>,
    /// The recipient's e-mail address.
    pub email: Option<&'r Email>,
    /// The recipient's phone number.
    pub phone: Option<&'r str>,
}

/// The delivery address id for a record shipped somewhere else than the debtor's own address:
/// matched among the debtor's delivery addresses (normalised), else created. `None` when the record
/// ships to the debtor's address or has no shipping address.
pub async fn delivery_address(
    ledger: &dyn Ledger,
    ids: &dyn IdMap,
    worker: Worker<'_>,
    request: DeliveryRequest<'_>,
    dry_run: bool,
) -> Result<Option<String>, SyncError> {
    let Some(shipping) = request.shipping.filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let debtor = request.debtor;
    if request.home.is_some_and(|h| h.same_place(shipping))
        || debtor.number == NEW_DEBTOR && dry_run
    {
        return Ok(None);
    }
    let cache_key = format!("{}|{}", debtor.number, shipping.match_key());
    let conn = worker.connection;
    if let Some(id) = ids
        .lookup(conn, &IdKind::DeliveryAddress, &cache_key)
        .await?
    {
        return Ok(Some(id));
    }
    let existing = ledger.delivery_addresses(&debtor.number).await?;
    if let Some(found) = existing
        .iter()
        .find(|r| r.details.address.same_place(shipping))
    {
        if !dry_run {
            ids.link(conn, &IdKind::DeliveryAddress, &cache_key, &found.id)
                .await?;
        }
        return Ok(Some(found.id.clone()));
    }
    if dry_run {
        return Ok(Some("(new delivery address)".to_owned()));
    }
    let draft = DeliveryAddressDraft {
        address: shipping.clone(),
        email: request.email.cloned(),
        phone: request.phone.map(str::to_owned),
    };
    let created = ledger
        .create_delivery_address(&debtor.number, &draft)
        .await?;
    ids.link(conn, &IdKind::DeliveryAddress, &cache_key, &created.id)
        .await?;
    Ok(Some(created.id))
}

/// Whether any field Koppel maps (a field the draft sets) differs from what the ledger holds.
/// Text is compared trimmed and case-insensitively; addresses by their normalised match key.
pub fn mapped_fields_differ(current: &DebtorDraft, wanted: &DebtorDraft) -> bool {
    fn text_differs(current: &Option<String>, wanted: &Option<String>) -> bool {
        match wanted.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
            None => false,
            Some(w) => !current
                .as_deref()
                .is_some_and(|c| c.trim().eq_ignore_ascii_case(w)),
        }
    }
    let address_differs = match (&current.address, &wanted.address) {
        (_, None) => false,
        (None, Some(w)) => !w.is_empty(),
        (Some(c), Some(w)) => !c.same_place(w),
    };
    (!wanted.name.trim().is_empty()
        && !current.name.trim().eq_ignore_ascii_case(wanted.name.trim()))
        || address_differs
        || text_differs(&current.contact_person, &wanted.contact_person)
        || text_differs(&current.phone, &wanted.phone)
        || text_differs(&current.mobile, &wanted.mobile)
        || text_differs(&current.vat_number, &wanted.vat_number)
        || text_differs(&current.coc_number, &wanted.coc_number)
        || (wanted.country.is_some() && current.country != wanted.country)
}
