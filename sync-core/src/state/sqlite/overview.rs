//! `stats` and `summary` for `koppel state show`.

use std::collections::BTreeMap;

use rusqlite::{Connection, Params};

use super::rows;
use crate::state::StateError;
use crate::state::records::{ConnectionSummary, StoreStats};
use crate::state::statements::{self as sql, for_sqlite};

pub(super) fn stats(conn: &Connection) -> Result<StoreStats, StateError> {
    let schema_version: Option<i64> = conn.query_row(sql::SCHEMA_VERSION, [], |row| row.get(0))?;
    let mut counts = [0u64; 11];
    conn.query_row(sql::STATS_COUNTS, [], |row| {
        Ok(counts
            .iter_mut()
            .enumerate()
            .try_for_each(|(index, count)| rows::count(row, index).map(|n| *count = n)))
    })??;
    let mut statement = conn.prepare(sql::STATS_CONNECTIONS)?;
    let mut connections: Vec<String> = rows::collect(&mut statement, [], |row| Ok(row.get(0)?))?;
    connections.sort();
    Ok(sql::stats_from_counts(
        "sqlite",
        schema_version,
        connections,
        counts,
    ))
}

fn counts_by_name(
    conn: &Connection,
    query: &str,
    params: impl Params,
) -> Result<BTreeMap<String, u64>, StateError> {
    let mut statement = conn.prepare_cached(&for_sqlite(query))?;
    Ok(rows::collect(&mut statement, params, |row| {
        Ok((row.get(0)?, rows::count(row, 1)?))
    })?
    .into_iter()
    .collect())
}

pub(super) fn summary(
    conn: &Connection,
    connection: &str,
) -> Result<ConnectionSummary, StateError> {
    let mut statement = conn.prepare_cached(&for_sqlite(sql::CURSORS_OF))?;
    let cursors = rows::collect(&mut statement, [connection], |row| {
        Ok((row.get(0)?, rows::cursor(row, 1)?))
    })?;
    let claims_in_flight = conn
        .prepare_cached(&for_sqlite(sql::CLAIMS_IN_FLIGHT_OF))?
        .query_row([connection], |row| Ok(rows::count(row, 0)))??;
    let mut statement = conn.prepare_cached(&for_sqlite(sql::RUNS_LATEST_PER_FLOW))?;
    let mut last_runs = rows::collect(&mut statement, [connection], rows::run)?;
    last_runs.sort_by(|a, b| a.flow.cmp(&b.flow));
    let mut statement = conn.prepare_cached(&for_sqlite(sql::LEASES_OF))?;
    let mut leases = rows::collect(&mut statement, [connection], |row| {
        rows::lease(connection, row)
    })?;
    leases.sort_by(|a, b| a.flow.cmp(&b.flow));
    Ok(ConnectionSummary {
        connection: connection.to_owned(),
        cursors: cursors.into_iter().collect(),
        id_links: counts_by_name(conn, sql::ID_LINKS_PER_KIND, [connection])?,
        content_hashes: counts_by_name(conn, sql::HASHES_PER_KIND, [connection])?,
        claims_in_flight,
        inbox: counts_by_name(conn, sql::INBOX_OF, [connection])?,
        dead_letters_pending: counts_by_name(conn, sql::DEAD_LETTERS_PENDING_OF, [connection])?,
        last_runs,
        leases,
    })
}
