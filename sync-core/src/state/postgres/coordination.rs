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
//!
//! Workers on several hosts share this database, so claims and leases are timed by the database's
//! clock (`clock_timestamp()`, read right before the statement) unless
//! [`StoreOptions::database_clock`] is off: a host whose clock runs ahead can then never see a live
//! claim as stale or a live lease as expired.

use std::time::Duration;

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;

use super::rows::{self, execute, query, query_one, query_opt};
use crate::state::StateError;
use crate::state::options::{StoreOptions, expiry};
use crate::state::records::{ClaimOutcome, ClaimToken, InboxItem, Lease, truncate_to_micros};
use crate::state::rules::{self, StoredClaim};
use crate::state::statements as sql;

/// How often a claim is retried when it vanishes between the insert and the read (released by
/// its owner in that instant). More than twice in a row means something is very wrong.
const CLAIM_ROUNDS: usize = 3;

/// The time claims and leases are measured by: the database's clock, or the caller's `now`.
pub(super) async fn clock(
    c: &impl GenericClient,
    options: &StoreOptions,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, StateError> {
    if !options.database_clock {
        return Ok(truncate_to_micros(now));
    }
    let row = query_one(c, "SELECT clock_timestamp()", &[]).await?;
    Ok(truncate_to_micros(row.try_get(0)?))
}

async fn claim(
    c: &impl GenericClient,
    options: &StoreOptions,
    [connection, key, owner]: [&str; 3],
    now: DateTime<Utc>,
    take_over: bool,
) -> Result<ClaimOutcome, StateError> {
    let now = clock(c, options, now).await?;
    let stale_at = StoreOptions::stale_at(now, options.claim_stale_after);
    let statement = if take_over {
        sql::CLAIM_TAKE_OVER
    } else {
        sql::CLAIM_INSERT
    };
    for _ in 0..CLAIM_ROUNDS {
        let token = ClaimToken::fresh();
        let got_it = query_opt(
            c,
            statement,
            &[&connection, &key, &owner, &now, &token.0, &stale_at],
        )
        .await?;
        if got_it.is_some() {
            return Ok(ClaimOutcome::Claimed { token });
        }
        if let Some(row) = query_opt(c, sql::CLAIM_GET, &[&connection, &key]).await? {
            let stored = StoredClaim {
                owner: row.try_get(0)?,
                since: row.try_get(1)?,
                stale_at: row.try_get(2)?,
                target_id: row.try_get(3)?,
            };
            return Ok(rules::classify_claim(&stored, now));
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

pub(super) async fn renew_claim(
    c: &impl GenericClient,
    options: &StoreOptions,
    [connection, key]: [&str; 2],
    token: ClaimToken,
    hold: Duration,
    now: DateTime<Utc>,
) -> Result<bool, StateError> {
    let stale_at = StoreOptions::stale_at(clock(c, options, now).await?, hold);
    Ok(execute(
        c,
        sql::CLAIM_RENEW,
        &[&connection, &key, &token.0, &stale_at],
    )
    .await?
        > 0)
}

pub(super) async fn confirm_claim(
    c: &impl GenericClient,
    [connection, key, target_id]: [&str; 3],
    token: ClaimToken,
) -> Result<bool, StateError> {
    Ok(execute(
        c,
        sql::CLAIM_CONFIRM,
        &[&connection, &key, &token.0, &target_id],
    )
    .await?
        > 0)
}

pub(super) async fn release_claim(
    c: &impl GenericClient,
    [connection, key]: [&str; 2],
    token: ClaimToken,
) -> Result<bool, StateError> {
    Ok(execute(c, sql::CLAIM_RELEASE, &[&connection, &key, &token.0]).await? > 0)
}

pub(super) async fn enqueue(
    c: &impl GenericClient,
    [connection, flow, key]: [&str; 3],
    now: DateTime<Utc>,
) -> Result<bool, StateError> {
    let now = truncate_to_micros(now);
    let row = query_one(c, sql::INBOX_PUT, &[&connection, &flow, &key, &now]).await?;
    let version: i64 = row.try_get(0)?;
    Ok(version == 1)
}

pub(super) async fn pending_inbox(
    c: &impl GenericClient,
    [connection, flow]: [&str; 2],
    limit: usize,
) -> Result<Vec<InboxItem>, StateError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    query(c, sql::INBOX_PENDING, &[&connection, &flow, &limit])
        .await?
        .iter()
        .map(|row| {
            Ok(InboxItem {
                record_key: row.try_get(0)?,
                version: row.try_get(1)?,
                queued_at: row.try_get(2)?,
            })
        })
        .collect()
}

pub(super) async fn ack_inbox(
    c: &impl GenericClient,
    [connection, flow, key]: [&str; 3],
    version: i64,
) -> Result<bool, StateError> {
    Ok(execute(c, sql::INBOX_ACK, &[&connection, &flow, &key, &version]).await? > 0)
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
    options: &StoreOptions,
    scope: [&str; 3],
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Lease>, StateError> {
    let now = clock(c, options, now).await?;
    let expires_at = expiry(now, ttl)?;
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
    options: &StoreOptions,
    scope: [&str; 3],
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Lease>, StateError> {
    let now = clock(c, options, now).await?;
    let expires_at = expiry(now, ttl)?;
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
