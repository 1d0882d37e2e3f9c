//! Which debtor an order is booked on — the default (collective) debtor, or the customer's own, by
//! the [`upsert_debtor`] block — and its delivery address ([`delivery_address`]); the fields Koppel
//! maps from an order onto its debtor.

pub(crate) use crate::blocks::debtor::{DebtorAction, NEW_DEBTOR, ResolvedDebtor};
use crate::blocks::debtor::{DebtorRequest, DeliveryRequest, delivery_address, upsert_debtor};
use crate::domain::{Address, DebtorDraft, Order};
use crate::error::SyncError;

use super::OrdersFlow;
use super::document::tax_country;

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

    /// The debtor an order goes on: the configured default (collective) debtor, else the
    /// customer's own, by e-mail ([`upsert_debtor`]).
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
        let Some(email) = order.customer.email.as_ref() else {
            return Err(SyncError::mapping(format!(
                "order {} has no e-mail address to find its debtor by; set orders.default_debtor to \
                 book such orders on a collective debtor",
                order.number
            )));
        };
        let request = DebtorRequest {
            email,
            draft: self.debtor_draft(order),
            numbering: &self.config.debtor_numbering,
            customer_id: order.customer.external_id.as_deref(),
            record: &order.number,
        };
        let state = self.state.as_ref();
        upsert_debtor(
            self.ledger.as_ref(),
            state,
            state,
            self.block_worker(),
            request,
            dry_run,
        )
        .await
    }

    /// The delivery address of an order shipped elsewhere than to its debtor ([`delivery_address`]).
    pub(crate) async fn resolve_delivery_address(
        &self,
        order: &Order,
        debtor: &ResolvedDebtor,
        dry_run: bool,
    ) -> Result<Option<String>, SyncError> {
        let home: Option<&Address> = debtor
            .draft
            .as_ref()
            .and_then(|d| d.address.as_ref())
            .or(order.billing_address.as_ref());
        let request = DeliveryRequest {
            debtor,
            home,
            shipping: order.shipping_address.as_ref(),
            email: order.customer.email.as_ref(),
            phone: order.customer.phone.as_deref(),
        };
        delivery_address(
            self.ledger.as_ref(),
            self.state.as_ref(),
            self.block_worker(),
            request,
            dry_run,
        )
        .await
    }
}
