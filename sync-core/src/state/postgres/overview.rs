//! `stats` and `summary` for `koppel state show`.

use std::collections::BTreeMap;

use deadpool_postgres::GenericClient;

use super::rows::{self, query, query_one};
use crate::state::StateError;
use crate::state::records::{ConnectionSummary, StoreStats};
use crate::state::statements as sql;

pub(super) async fn stats(c: &impl GenericClient) -> Result<StoreStats, StateError> {
    let schema_version: Option<i64> = query_one(c, sql::SCHEMA_VERSION, &[]).await?.try_get(0)?;
    let row = query_one(c, sql::STATS_COUNTS, &[]).await?;
    let mut counts = [0u64; 11];
    for (index, count) in counts.iter_mut().enumerate() {
        *count = rows::count(&row, index)?;
    }
    let mut connections = query(c, sql::STATS_CONNECTIONS, &[])
        .await?
        .iter()
        .map(|row| row.try_get(0).map_err(StateError::from))
        .collect::<Result<Vec<String>, _>>()?;
    connections.sort();
    Ok(sql::stats_from_counts(
        "postgres",
        schema_version,
        connections,
        counts,
    ))
}

async fn counts_by_name(
    c: &impl GenericClient,
    statement: &str,
    connection: &str,
) -> Result<BTreeMap<String, u64>, StateError> {
    query(c, statement, &[&connection])
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, rows::count(row, 1)?)))
        .collect()
}

pub(super) async fn summary(
    c: &impl GenericClient,
    connection: &str,
) -> Result<ConnectionSummary, StateError> {
    let cursors = query(c, sql::CURSORS_OF, &[&connection])
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, rows::cursor(row, 1)?)))
        .collect::<Result<_, StateError>>()?;
    let claims_in_flight = rows::count(
        &query_one(c, sql::CLAIMS_IN_FLIGHT_OF, &[&connection]).await?,
        0,
    )?;
    let mut last_runs = query(c, sql::RUNS_LATEST_PER_FLOW, &[&connection])
        .await?
        .iter()
        .map(rows::run)
        .collect::<Result<Vec<_>, _>>()?;
    last_runs.sort_by(|a, b| a.flow.cmp(&b.flow));
    let mut leases = query(c, sql::LEASES_OF, &[&connection])
        .await?
        .iter()
        .map(|row| rows::lease(connection, row))
        .collect::<Result<Vec<_>, _>>()?;
    leases.sort_by(|a, b| a.flow.cmp(&b.flow));
    Ok(ConnectionSummary {
        connection: connection.to_owned(),
        cursors,
        id_links: counts_by_name(c, sql::ID_LINKS_PER_KIND, connection).await?,
        content_hashes: counts_by_name(c, sql::HASHES_PER_KIND, connection).await?,
        claims_in_flight,
        inbox: counts_by_name(c, sql::INBOX_OF, connection).await?,
        dead_letters_pending: counts_by_name(c, sql::DEAD_LETTERS_PENDING_OF, connection).await?,
        last_runs,
        leases,
    })
}
