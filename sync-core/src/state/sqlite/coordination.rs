//! Idempotency claims and work leases: the operations where two handles on one file race.
//!
//! Claims run in IMMEDIATE transactions (the write lock is taken before the first read, so the
//! insert-or-read is one atomic step across processes); leases are one upsert statement.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::rows::{micros, time};
use crate::state::StateError;
use crate::state::options::{StoreOptions, expiry};
use crate::state::records::{ClaimOutcome, Lease, truncate_to_micros};
use crate::state::rules;
use crate::state::statements::{self as sql, for_sqlite};

fn existing_claim(
    conn: &Connection,
    options: &StoreOptions,
    connection: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<ClaimOutcome, StateError> {
    let (owner, since, target_id): (String, i64, Option<String>) = conn
        .prepare_cached(&for_sqlite(sql::CLAIM_GET))?
        .query_row(params![connection, key], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
    Ok(rules::classify_claim(
        options,
        &owner,
        time(since)?,
        target_id.as_deref(),
        now,
    ))
}

/// Claims the key (taking over a stale claim when `take_over`), else reports the claim that is
/// there; all in one IMMEDIATE transaction. The insert returns a row only when this call got the key.
fn claim(
    conn: &mut Connection,
    options: &StoreOptions,
    [connection, key, owner]: [&str; 3],
    now: DateTime<Utc>,
    take_over: bool,
) -> Result<ClaimOutcome, StateError> {
    let now = truncate_to_micros(now);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let got_it = if take_over {
        let cutoff = micros(options.stale_claim_cutoff(now));
        tx.prepare_cached(&for_sqlite(sql::CLAIM_TAKE_OVER))?
            .query_row(params![connection, key, owner, micros(now), cutoff], |_| {
                Ok(())
            })
            .optional()?
    } else {
        tx.prepare_cached(&for_sqlite(sql::CLAIM_INSERT))?
            .query_row(params![connection, key, owner, micros(now)], |_| Ok(()))
            .optional()?
    };
    let outcome = match got_it {
        Some(()) => ClaimOutcome::Claimed,
        None => existing_claim(&tx, options, connection, key, now)?,
    };
    tx.commit()?;
    Ok(outcome)
}

pub(super) fn try_claim(
    conn: &mut Connection,
    options: &StoreOptions,
    scope: [&str; 3],
    now: DateTime<Utc>,
) -> Result<ClaimOutcome, StateError> {
    claim(conn, options, scope, now, false)
}

pub(super) fn take_over_claim(
    conn: &mut Connection,
    options: &StoreOptions,
    scope: [&str; 3],
    now: DateTime<Utc>,
) -> Result<ClaimOutcome, StateError> {
    claim(conn, options, scope, now, true)
}

pub(super) fn confirm_claim(
    conn: &Connection,
    [connection, key, target_id]: [&str; 3],
) -> Result<(), StateError> {
    // `since` only matters for unconfirmed claims; a confirm without a claim records "now".
    let since = micros(truncate_to_micros(Utc::now()));
    conn.prepare_cached(&for_sqlite(sql::CLAIM_CONFIRM))?
        .execute(params![connection, key, since, target_id])?;
    Ok(())
}

pub(super) fn release_claim(
    conn: &Connection,
    connection: &str,
    key: &str,
) -> Result<bool, StateError> {
    Ok(conn
        .prepare_cached(&for_sqlite(sql::CLAIM_RELEASE))?
        .execute(params![connection, key])?
        > 0)
}

fn lease_from(
    scope: [&str; 3],
    (acquired_at, expires_at): (i64, i64),
) -> Result<Lease, StateError> {
    let [connection, flow, holder] = scope;
    Ok(Lease {
        connection: connection.to_owned(),
        flow: flow.to_owned(),
        holder: holder.to_owned(),
        acquired_at: time(acquired_at)?,
        expires_at: time(expires_at)?,
    })
}

pub(super) fn acquire_lease(
    conn: &Connection,
    scope: [&str; 3],
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Lease>, StateError> {
    let expires_at = expiry(now, ttl)?;
    let [connection, flow, holder] = scope;
    let row: Option<(i64, i64)> = conn
        .prepare_cached(&for_sqlite(sql::LEASE_ACQUIRE))?
        .query_row(
            params![
                connection,
                flow,
                holder,
                micros(truncate_to_micros(now)),
                micros(expires_at)
            ],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    row.map(|times| lease_from(scope, times)).transpose()
}

pub(super) fn renew_lease(
    conn: &Connection,
    scope: [&str; 3],
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Lease>, StateError> {
    let expires_at = expiry(now, ttl)?;
    let [connection, flow, holder] = scope;
    let row: Option<(i64, i64)> = conn
        .prepare_cached(&for_sqlite(sql::LEASE_RENEW))?
        .query_row(
            params![
                connection,
                flow,
                holder,
                micros(expires_at),
                micros(truncate_to_micros(now))
            ],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    row.map(|times| lease_from(scope, times)).transpose()
}

pub(super) fn release_lease(conn: &Connection, scope: [&str; 3]) -> Result<bool, StateError> {
    Ok(conn
        .prepare_cached(&for_sqlite(sql::LEASE_RELEASE))?
        .execute(scope)?
        > 0)
}
