//! Idempotency claims and work leases, where workers on several machines race.
//!
//! Leases are one `INSERT … ON CONFLICT (connection, flow) DO UPDATE … WHERE expired-or-mine
//! RETURNING` statement. PostgreSQL takes the row lock while resolving the conflict and re-checks the
//! `WHERE` on the latest row version, so of two concurrent acquisitions exactly one returns a row.
//! That was chosen over the alternatives on purpose:
//! * advisory locks are tied to a database session, and a pooled connection outlives the work (or
//!   dies with a network blip while the worker still runs), so they cannot express "held until
//!   `expires_at`" and would leak or vanish with the pool;
//! * `SELECT … FOR UPDATE SKIP LOCKED` only guards the row for one transaction, so a lease held for
//!   minutes still needs a stored holder and expiry — and then the single upsert does it all.
//!
//! Claims use the same idea: `INSERT … ON CONFLICT DO NOTHING RETURNING` (or, for a take-over,
//! `DO UPDATE … WHERE unconfirmed AND stale`) decides atomically who gets the key.

use std::time::Duration;

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;

use super::rows::{self, execute, query_opt};
use crate::state::StateError;
use crate::state::options::{StoreOptions, expiry};
use crate::state::records::{ClaimOutcome, Lease, truncate_to_micros};
use crate::state::rules;
use crate::state::statements as sql;

/// How often a claim is retried when it vanishes between the insert and the read (released by
/// its owner in that instant). More than twice in a row means something is very wrong.
const CLAIM_ROUNDS: usize = 3;

async fn claim(
    c: &impl GenericClient,
    options: &StoreOptions,
    [connection, key, owner]: [&str; 3],
    now: DateTime<Utc>,
    take_over: bool,
) -> Result<ClaimOutcome, StateError> {
    let now = truncate_to_micros(now);
    let cutoff = options.stale_claim_cutoff(now);
    for _ in 0..CLAIM_ROUNDS {
        let got_it = if take_over {
            query_opt(
                c,
                sql::CLAIM_TAKE_OVER,
                &[&connection, &key, &owner, &now, &cutoff],
            )
            .await?
        } else {
            query_opt(c, sql::CLAIM_INSERT, &[&connection, &key, &owner, &now]).await?
        };
        if got_it.is_some() {
            return Ok(ClaimOutcome::Claimed);
        }
        if let Some(row) = query_opt(c, sql::CLAIM_GET, &[&connection, &key]).await? {
            let owner: String = row.try_get(0)?;
            let target_id: Option<String> = row.try_get(2)?;
            return Ok(rules::classify_claim(
                options,
                &owner,
                row.try_get(1)?,
                target_id.as_deref(),
                now,
            ));
        }
    }
    Err(StateError::Database {
        backend: "postgres",
        transient: true,
        source: "the claim changed hands repeatedly while it was being read".into(),
    })
}

pub(super) async fn try_claim(
    c: &impl GenericClient,
    options: &StoreOptions,
    scope: [&str; 3],
    now: DateTime<Utc>,
) -> Result<ClaimOutcome, StateError> {
    claim(c, options, scope, now, false).await
}

pub(super) async fn take_over_claim(
    c: &impl GenericClient,
    options: &StoreOptions,
    scope: [&str; 3],
    now: DateTime<Utc>,
) -> Result<ClaimOutcome, StateError> {
    claim(c, options, scope, now, true).await
}

pub(super) async fn confirm_claim(
    c: &impl GenericClient,
    [connection, key, target_id]: [&str; 3],
) -> Result<(), StateError> {
    // `since` only matters for unconfirmed claims; a confirm without a claim records "now".
    let since = truncate_to_micros(Utc::now());
    execute(
        c,
        sql::CLAIM_CONFIRM,
        &[&connection, &key, &since, &target_id],
    )
    .await?;
    Ok(())
}

pub(super) async fn release_claim(
    c: &impl GenericClient,
    connection: &str,
    key: &str,
) -> Result<bool, StateError> {
    Ok(execute(c, sql::CLAIM_RELEASE, &[&connection, &key]).await? > 0)
}

fn lease_from(
    [connection, flow, holder]: [&str; 3],
    (acquired_at, expires_at): (DateTime<Utc>, DateTime<Utc>),
) -> Lease {
    Lease {
        connection: connection.to_owned(),
        flow: flow.to_owned(),
        holder: holder.to_owned(),
        acquired_at,
        expires_at,
    }
}

pub(super) async fn acquire_lease(
    c: &impl GenericClient,
    scope: [&str; 3],
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Lease>, StateError> {
    let expires_at = expiry(now, ttl)?;
    let now = truncate_to_micros(now);
    let [connection, flow, holder] = scope;
    let row = query_opt(
        c,
        sql::LEASE_ACQUIRE,
        &[&connection, &flow, &holder, &now, &expires_at],
    )
    .await?;
    row.map(|row| rows::lease_times(&row).map(|times| lease_from(scope, times)))
        .transpose()
}

pub(super) async fn renew_lease(
    c: &impl GenericClient,
    scope: [&str; 3],
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Lease>, StateError> {
    let expires_at = expiry(now, ttl)?;
    let now = truncate_to_micros(now);
    let [connection, flow, holder] = scope;
    let row = query_opt(
        c,
        sql::LEASE_RENEW,
        &[&connection, &flow, &holder, &expires_at, &now],
    )
    .await?;
    row.map(|row| rows::lease_times(&row).map(|times| lease_from(scope, times)))
        .transpose()
}

pub(super) async fn release_lease(
    c: &impl GenericClient,
    [connection, flow, holder]: [&str; 3],
) -> Result<bool, StateError> {
    Ok(execute(c, sql::LEASE_RELEASE, &[&connection, &flow, &holder]).await? > 0)
}
