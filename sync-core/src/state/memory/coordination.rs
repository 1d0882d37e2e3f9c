//! Idempotency claims and work leases. The store's mutex makes every call atomic.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Claim, Inner, key2};
use crate::state::StateError;
use crate::state::options::{StoreOptions, expiry};
use crate::state::records::{ClaimOutcome, Lease, truncate_to_micros};
use crate::state::rules;

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
        if let Some(claim) = self.claims.get(&scope) {
            let outcome = rules::classify_claim(
                options,
                &claim.owner,
                claim.since,
                claim.target_id.as_deref(),
                now,
            );
            if !(take_over && matches!(outcome, ClaimOutcome::Stale { .. })) {
                return outcome;
            }
        }
        let claim = Claim {
            owner: owner.to_owned(),
            since: truncate_to_micros(now),
            target_id: None,
        };
        self.claims.insert(scope, claim);
        ClaimOutcome::Claimed
    }

    pub(super) fn confirm_claim(&mut self, [connection, key, target_id]: [&str; 3]) {
        // `since` only matters for unconfirmed claims; a confirm without a claim records "now".
        let claim = self
            .claims
            .entry(key2(connection, key))
            .or_insert_with(|| Claim {
                owner: String::new(),
                since: truncate_to_micros(Utc::now()),
                target_id: None,
            });
        claim.target_id = Some(target_id.to_owned());
    }

    pub(super) fn release_claim(&mut self, connection: &str, key: &str) -> bool {
        let scope = key2(connection, key);
        let unconfirmed = self
            .claims
            .get(&scope)
            .is_some_and(|c| c.target_id.is_none());
        if unconfirmed {
            self.claims.remove(&scope);
        }
        unconfirmed
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
