//! Which debtor an order is booked on: the default (collective) debtor, or the customer's own debtor,
//! found by normalised e-mail address (cached in the id map), created when missing, and updated only when
//! a mapped field changed. Also the delivery address under that debtor.

use crate::config::DebtorNumbering;
use crate::domain::{Address, DebtorDraft, DeliveryAddressDraft, Email, Order, content_hash};
use crate::error::{ErrorKind, SyncError};
use crate::state::{ContentHash, HashOrigin};
use crate::state::{HashKind, IdKind};

use super::OrdersFlow;
use super::document::tax_country;

/// What happened to the debtor while resolving it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DebtorAction {
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

/// The debtor an order goes on.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedDebtor {
    pub number: String,
    pub action: DebtorAction,
    /// The draft Koppel maps from the order (what was or would be written).
    pub draft: Option<DebtorDraft>,
}

/// The placeholder number a dry run shows for a debtor it would create.
pub(crate) const NEW_DEBTOR: &str = "(new debtor)";

impl OrdersFlow {
    /// The debtor fields Koppel maps from an order.
    pub(crate) fn debtor_draft(&self, order: &Order) -> DebtorDraft {
        let config = &self.config;
        let mut draft = DebtorDraft::from_party(&order.customer);
        if draft.address.is_none() {
            draft.address = order.billing_address.clone();
        }
        if draft.country.is_none() {
            draft.country = tax_country(order);
        }
        draft.control_account = Some(config.debtor_control_account.clone());
        draft.payment_condition = order
            .payment_method
            .as_deref()
            .map(|m| config.payment(m))
            .unwrap_or_else(|| config.payment(""))
            .condition;
        draft.revenue_account = config.revenue_account(draft.country).map(str::to_owned);
        draft
    }

    pub(crate) async fn resolve_debtor(
        &self,
        order: &Order,
        dry_run: bool,
    ) -> Result<ResolvedDebtor, SyncError> {
        if let Some(number) = &self.config.default_debtor {
            return Ok(ResolvedDebtor {
                number: number.clone(),
                action: DebtorAction::Kept,
                draft: None,
            });
        }
        let Some(email) = order.customer.email.clone() else {
            return Err(SyncError::mapping(format!(
                "order {} has no e-mail address to find its debtor by; set orders.default_debtor to \
                 book such orders on a collective debtor",
                order.number
            )));
        };
        let draft = self.debtor_draft(order);
        let hash = content_hash(&draft)?.0;
        let conn = self.connection.as_str();

        if let Some(number) = self
            .state
            .lookup(conn, &IdKind::DebtorEmail, email.as_str())
            .await?
        {
            let known = self
                .state
                .get_hash(conn, &HashKind::Debtor, &number)
                .await?;
            if known.as_ref().is_some_and(|h| h.hash == hash) {
                return Ok(ResolvedDebtor {
                    number,
                    action: DebtorAction::Kept,
                    draft: Some(draft),
                });
            }
            // Koppel's last view of this debtor differs from the order's data: bring the ledger up to date.
            return self.update_debtor(number, draft, hash, dry_run).await;
        }

        let found = self.ledger.find_debtor_by_email(&email).await?;
        match found.as_slice() {
            [] => {
                self.create_debtor(order, &email, draft, hash, dry_run)
                    .await
            }
            [record] => {
                if !dry_run {
                    self.state
                        .link(conn, &IdKind::DebtorEmail, email.as_str(), &record.number)
                        .await?;
                }
                if mapped_fields_differ(&record.details, &draft) {
                    self.update_debtor(record.number.clone(), draft, hash, dry_run)
                        .await
                } else {
                    if !dry_run {
                        self.remember_debtor(&record.number, hash).await?;
                    }
                    Ok(ResolvedDebtor {
                        number: record.number.clone(),
                        action: DebtorAction::Kept,
                        draft: Some(draft),
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

    async fn create_debtor(
        &self,
        order: &Order,
        email: &Email,
        draft: DebtorDraft,
        hash: String,
        dry_run: bool,
    ) -> Result<ResolvedDebtor, SyncError> {
        if dry_run {
            return Ok(ResolvedDebtor {
                number: NEW_DEBTOR.to_owned(),
                action: DebtorAction::WouldCreate,
                draft: Some(draft),
            });
        }
        let number = match &self.config.debtor_numbering {
            DebtorNumbering::FromCustomerId { prefix } => {
                match order
                    .customer
                    .external_id
                    .as_deref()
                    .filter(|id| !id.trim().is_empty())
                {
                    Some(id) => format!("{prefix}{}", id.trim()).to_uppercase(),
                    None => {
                        return Err(SyncError::mapping(format!(
                            "order {} has no shop customer id to number its debtor from (guest \
                         checkout); use debtor_numbering mode = \"next_free\" or a default debtor",
                            order.number
                        )));
                    }
                }
            }
            DebtorNumbering::NextFree { .. } => {
                let range = self
                    .config
                    .debtor_numbering
                    .range()
                    .ok_or_else(|| SyncError::config("debtor numbering has no range"))?;
                self.ledger.next_debtor_number(&range).await?
            }
        };
        let record = self.ledger.create_debtor(&draft, Some(&number)).await?;
        self.state
            .link(
                &self.connection,
                &IdKind::DebtorEmail,
                email.as_str(),
                &record.number,
            )
            .await?;
        self.remember_debtor(&record.number, hash).await?;
        Ok(ResolvedDebtor {
            number: record.number,
            action: DebtorAction::Created,
            draft: Some(draft),
        })
    }

    async fn update_debtor(
        &self,
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
        self.ledger.update_debtor(&number, &draft).await?;
        self.remember_debtor(&number, hash).await?;
        Ok(ResolvedDebtor {
            number,
            action: DebtorAction::Updated,
            draft: Some(draft),
        })
    }

    async fn remember_debtor(&self, number: &str, hash: String) -> Result<(), SyncError> {
        let entry = ContentHash {
            hash,
            origin: HashOrigin::Koppel,
            updated_at: self.clock.now(),
        };
        self.state
            .put_hash(&self.connection, &HashKind::Debtor, number, &entry)
            .await?;
        Ok(())
    }

    /// The delivery address id for an order shipped somewhere else than the debtor's own address:
    /// matched among the debtor's delivery addresses (normalised), else created. `None` when the order
    /// ships to the debtor's address or has no shipping address.
    pub(crate) async fn resolve_delivery_address(
        &self,
        order: &Order,
        debtor: &ResolvedDebtor,
        dry_run: bool,
    ) -> Result<Option<String>, SyncError> {
        let Some(shipping) = order.shipping_address.as_ref().filter(|a| !a.is_empty()) else {
            return Ok(None);
        };
        let home: Option<&Address> = debtor
            .draft
            .as_ref()
            .and_then(|d| d.address.as_ref())
            .or(order.billing_address.as_ref());
        if home.is_some_and(|h| h.same_place(shipping)) || debtor.number == NEW_DEBTOR && dry_run {
            return Ok(None);
        }
        let cache_key = format!("{}|{}", debtor.number, shipping.match_key());
        let conn = self.connection.as_str();
        if let Some(id) = self
            .state
            .lookup(conn, &IdKind::DeliveryAddress, &cache_key)
            .await?
        {
            return Ok(Some(id));
        }
        let existing = self.ledger.delivery_addresses(&debtor.number).await?;
        if let Some(found) = existing
            .iter()
            .find(|r| r.details.address.same_place(shipping))
        {
            if !dry_run {
                self.state
                    .link(conn, &IdKind::DeliveryAddress, &cache_key, &found.id)
                    .await?;
            }
            return Ok(Some(found.id.clone()));
        }
        if dry_run {
            return Ok(Some("(new delivery address)".to_owned()));
        }
        let draft = DeliveryAddressDraft {
            address: shipping.clone(),
            email: order.customer.email.clone(),
            phone: order.customer.phone.clone(),
        };
        let created = self
            .ledger
            .create_delivery_address(&debtor.number, &draft)
            .await?;
        self.state
            .link(conn, &IdKind::DeliveryAddress, &cache_key, &created.id)
            .await?;
        Ok(Some(created.id))
    }
}

/// Whether any field Koppel maps (a field the draft sets) differs from what the ledger holds.
/// Text is compared trimmed and case-insensitively; addresses by their normalised match key.
pub(crate) fn mapped_fields_differ(current: &DebtorDraft, wanted: &DebtorDraft) -> bool {
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
