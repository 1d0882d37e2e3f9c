//! Idempotency claims and work leases: the operations where two handles on one file race.
//!
//! Claims run in IMMEDIATE transactions (the write lock is taken before the first read, so the
//! insert-or-read is one atomic step across processes); leases are one upsert statement.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::lease_locks::{Hold, LeaseLocks};
use super::rows::{micros, time};
use crate::state::StateError;
use crate::state::options::{StoreOptions, expiry};
use crate::state::records::{ClaimOutcome, ClaimToken, InboxItem, Lease, truncate_to_micros};
use crate::state::rules::{self, StoredClaim};
use crate::state::statements::{self as sql, for_sqlite};

fn existing_claim(
    conn: &Connection,
    connection: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<ClaimOutcome, StateError> {
    let (owner, since, stale_at, target_id): (String, i64, i64, Option<String>) = conn
        .prepare_cached(&for_sqlite(sql::CLAIM_GET))?
        .query_row(params![connection, key], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?;
    let stored = StoredClaim {
        owner,
        since: time(since)?,
        stale_at: time(stale_at)?,
        target_id,
    };
    Ok(rules::classify_claim(&stored, now))
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
    let token = ClaimToken::fresh();
    let stale_at = micros(StoreOptions::stale_at(now, options.claim_stale_after));
    let statement = if take_over {
        sql::CLAIM_TAKE_OVER
    } else {
        sql::CLAIM_INSERT
    };
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let got_it = tx
        .prepare_cached(&for_sqlite(statement))?
        .query_row(
            params![connection, key, owner, micros(now), token.0, stale_at],
            |_| Ok(()),
        )
        .optional()?;
    let outcome = match got_it {
        Some(()) => ClaimOutcome::Claimed { token },
        None => existing_claim(&tx, connection, key, now)?,
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

pub(super) fn renew_claim(
    conn: &Connection,
    [connection, key]: [&str; 2],
    token: ClaimToken,
    hold: Duration,
    now: DateTime<Utc>,
) -> Result<bool, StateError> {
    let stale_at = micros(StoreOptions::stale_at(truncate_to_micros(now), hold));
    Ok(conn
        .prepare_cached(&for_sqlite(sql::CLAIM_RENEW))?
        .execute(params![connection, key, token.0, stale_at])?
        > 0)
}

pub(super) fn confirm_claim(
    conn: &Connection,
    [connection, key, target_id]: [&str; 3],
    token: ClaimToken,
) -> Result<bool, StateError> {
    Ok(conn
        .prepare_cached(&for_sqlite(sql::CLAIM_CONFIRM))?
        .execute(params![connection, key, token.0, target_id])?
        > 0)
}

pub(super) fn release_claim(
    conn: &Connection,
    [connection, key]: [&str; 2],
    token: ClaimToken,
) -> Result<bool, StateError> {
    Ok(conn
        .prepare_cached(&for_sqlite(sql::CLAIM_RELEASE))?
        .execute(params![connection, key, token.0])?
        > 0)
}

pub(super) fn enqueue(
    conn: &Connection,
    [connection, flow, key]: [&str; 3],
    now: DateTime<Utc>,
) -> Result<bool, StateError> {
    let version: i64 = conn
        .prepare_cached(&for_sqlite(sql::INBOX_PUT))?
        .query_row(
            params![connection, flow, key, micros(truncate_to_micros(now))],
            |row| row.get(0),
        )?;
    Ok(version == 1)
}

pub(super) fn pending_inbox(
    conn: &Connection,
    [connection, flow]: [&str; 2],
    limit: usize,
) -> Result<Vec<InboxItem>, StateError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut statement = conn.prepare_cached(&for_sqlite(sql::INBOX_PENDING))?;
    let raw: Vec<(String, i64, i64)> = statement
        .query_map(params![connection, flow, limit], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    raw.into_iter()
        .map(|(record_key, version, queued_at)| {
            Ok(InboxItem {
                record_key,
                version,
                queued_at: time(queued_at)?,
            })
        })
        .collect()
}

pub(super) fn ack_inbox(
    conn: &Connection,
    [connection, flow, key]: [&str; 3],
    version: i64,
) -> Result<bool, StateError> {
    Ok(conn
        .prepare_cached(&for_sqlite(sql::INBOX_ACK))?
        .execute(params![connection, flow, key, version])?
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

/// One lease statement with (connection, flow, holder, now, expires) parameters.
fn lease_statement(
    conn: &Connection,
    statement: &str,
    scope: [&str; 3],
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Option<Lease>, StateError> {
    let [connection, flow, holder] = scope;
    let row: Option<(i64, i64)> = conn
        .prepare_cached(&for_sqlite(statement))?
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

/// Acquires a lease. With a file beside the database the operating-system lock decides (see
/// [`LeaseLocks`]); an in-memory database uses the row and its expiry.
pub(super) fn acquire_lease(
    conn: &Connection,
    locks: &LeaseLocks,
    scope: [&str; 3],
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Lease>, StateError> {
    let expires_at = expiry(now, ttl)?;
    match locks.try_hold(scope)? {
        Hold::Unsupported => lease_statement(conn, sql::LEASE_ACQUIRE, scope, now, expires_at),
        Hold::Busy => Ok(None),
        Hold::Held => {
            let lease = lease_statement(conn, sql::LEASE_FORCE, scope, now, expires_at);
            if !matches!(lease, Ok(Some(_))) {
                locks.release(scope);
            }
            lease
        }
    }
}

/// Extends a lease the holder still has: its lock held (file), or its row unexpired (memory).
pub(super) fn renew_lease(
    conn: &Connection,
    locks: &LeaseLocks,
    scope: [&str; 3],
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Lease>, StateError> {
    let expires_at = expiry(now, ttl)?;
    match locks.holds(scope) {
        None => {
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
        Some(true) => lease_statement(conn, sql::LEASE_FORCE, scope, now, expires_at),
        Some(false) => Ok(None),
    }
}

pub(super) fn release_lease(
    conn: &Connection,
    locks: &LeaseLocks,
    scope: [&str; 3],
) -> Result<bool, StateError> {
    let deleted = conn
        .prepare_cached(&for_sqlite(sql::LEASE_RELEASE))?
        .execute(scope)?
        > 0;
    Ok(locks.release(scope) || deleted)
}
