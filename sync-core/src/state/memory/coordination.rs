//! Idempotency claims and work leases. The store's mutex makes every call atomic.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Claim, Inner, key2, key3};
use crate::state::StateError;
use crate::state::options::{StoreOptions, expiry};
use crate::state::records::{ClaimOutcome, ClaimToken, InboxItem, Lease, truncate_to_micros};
use crate::state::rules::{self, StoredClaim};

impl Inner {
    /// Claims the key (taking over a stale claim when `take_over`), else reports the claim there.
    pub(super) fn claim(
        &mut self,
        options: &StoreOptions,
        [connection, key, owner]: [&str; 3],
        now: DateTime<Utc>,
        take_over: bool,
    ) -> ClaimOutcome {
        let scope = key2(connection, key);
        let now = truncate_to_micros(now);
        if let Some(claim) = self.claims.get(&scope) {
            let outcome = rules::classify_claim(&claim.stored, now);
            if !(take_over && matches!(outcome, ClaimOutcome::Stale { .. })) {
                return outcome;
            }
        }
        let token = ClaimToken::fresh();
        self.claims.insert(
            scope,
            Claim {
                stored: StoredClaim {
                    owner: owner.to_owned(),
                    since: now,
                    stale_at: StoreOptions::stale_at(now, options.claim_stale_after),
                    target_id: None,
                },
                token,
            },
        );
        ClaimOutcome::Claimed { token }
    }

    /// The unconfirmed claim `token` holds, if it still does.
    fn held(&mut self, connection: &str, key: &str, token: ClaimToken) -> Option<&mut Claim> {
        self.claims
            .get_mut(&key2(connection, key))
            .filter(|c| c.token == token && c.stored.target_id.is_none())
    }

    pub(super) fn renew_claim(
        &mut self,
        [connection, key]: [&str; 2],
        token: ClaimToken,
        hold: Duration,
        now: DateTime<Utc>,
    ) -> bool {
        let stale_at = StoreOptions::stale_at(truncate_to_micros(now), hold);
        self.held(connection, key, token)
            .map(|c| c.stored.stale_at = stale_at)
            .is_some()
    }

    pub(super) fn confirm_claim(
        &mut self,
        [connection, key, target_id]: [&str; 3],
        token: ClaimToken,
    ) -> bool {
        if let Some(claim) = self.claims.get(&key2(connection, key))
            && claim.stored.target_id.as_deref() == Some(target_id)
        {
            return true;
        }
        self.held(connection, key, token)
            .map(|c| c.stored.target_id = Some(target_id.to_owned()))
            .is_some()
    }

    pub(super) fn release_claim(&mut self, connection: &str, key: &str, token: ClaimToken) -> bool {
        let held = self.held(connection, key, token).is_some();
        if held {
            self.claims.remove(&key2(connection, key));
        }
        held
    }

    pub(super) fn enqueue(
        &mut self,
        [connection, flow, key]: [&str; 3],
        now: DateTime<Utc>,
    ) -> bool {
        match self.inbox.entry(key3(connection, flow, key)) {
            std::collections::btree_map::Entry::Occupied(mut item) => {
                item.get_mut().version += 1;
                false
            }
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(InboxItem {
                    record_key: key.to_owned(),
                    version: 1,
                    queued_at: truncate_to_micros(now),
                });
                true
            }
        }
    }

    pub(super) fn pending_inbox(
        &self,
        connection: &str,
        flow: &str,
        limit: usize,
    ) -> Vec<InboxItem> {
        let mut items: Vec<InboxItem> = self
            .inbox
            .iter()
            .filter(|((c, f, _), _)| c == connection && f == flow)
            .map(|(_, item)| item.clone())
            .collect();
        items.sort_by(|a, b| (a.queued_at, &a.record_key).cmp(&(b.queued_at, &b.record_key)));
        items.truncate(limit);
        items
    }

    pub(super) fn ack_inbox(&mut self, [connection, flow, key]: [&str; 3], version: i64) -> bool {
        let scope = key3(connection, flow, key);
        let current = self.inbox.get(&scope).is_some_and(|i| i.version == version);
        if current {
            self.inbox.remove(&scope);
        }
        current
    }

    pub(super) fn acquire_lease(
        &mut self,
        [connection, flow, holder]: [&str; 3],
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError> {
        let expires_at = expiry(now, ttl)?;
        let scope = key2(connection, flow);
        let now = truncate_to_micros(now);
        let lease = rules::acquire_lease(
            self.leases.get(&scope),
            connection,
            flow,
            holder,
            now,
            expires_at,
        );
        if let Some(lease) = &lease {
            self.leases.insert(scope, lease.clone());
        }
        Ok(lease)
    }

    pub(super) fn renew_lease(
        &mut self,
        [connection, flow, holder]: [&str; 3],
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError> {
        let expires_at = expiry(now, ttl)?;
        let now = truncate_to_micros(now);
        Ok(self
            .leases
            .get_mut(&key2(connection, flow))
            .filter(|lease| lease.holder == holder && lease.expires_at > now)
            .map(|lease| {
                lease.expires_at = expires_at;
                lease.clone()
            }))
    }

    pub(super) fn release_lease(&mut self, [connection, flow, holder]: [&str; 3]) -> bool {
        let scope = key2(connection, flow);
        let held = self
            .leases
            .get(&scope)
            .is_some_and(|lease| lease.holder == holder);
        if held {
            self.leases.remove(&scope);
        }
        held
    }
}
