//! Query helpers (prepared statements are cached per connection) and conversions between
//! PostgreSQL rows and the state records: TIMESTAMPTZ ↔ `DateTime<Utc>`, JSON ↔ `Value`,
//! TEXT[] ↔ boundary keys, INTEGER attempts, BIGINT ids and counts.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use crate::state::StateError;
use crate::state::records::*;
use crate::state::sql::Param;

/// A borrowed query parameter.
pub(super) type Arg<'a> = &'a (dyn ToSql + Sync);

pub(super) async fn query(
    client: &impl GenericClient,
    sql: &str,
    args: &[Arg<'_>],
) -> Result<Vec<Row>, StateError> {
    let statement = client.prepare_cached(sql).await?;
    Ok(client.query(&statement, args).await?)
}

pub(super) async fn query_opt(
    client: &impl GenericClient,
    sql: &str,
    args: &[Arg<'_>],
) -> Result<Option<Row>, StateError> {
    let statement = client.prepare_cached(sql).await?;
    Ok(client.query_opt(&statement, args).await?)
}

pub(super) async fn query_one(
    client: &impl GenericClient,
    sql: &str,
    args: &[Arg<'_>],
) -> Result<Row, StateError> {
    let statement = client.prepare_cached(sql).await?;
    Ok(client.query_one(&statement, args).await?)
}

pub(super) async fn execute(
    client: &impl GenericClient,
    sql: &str,
    args: &[Arg<'_>],
) -> Result<u64, StateError> {
    let statement = client.prepare_cached(sql).await?;
    Ok(client.execute(&statement, args).await?)
}

/// Runs a query built by [`crate::state::sql`] and maps every row.
pub(super) async fn query_built<T>(
    client: &impl GenericClient,
    (sql, params): (String, Vec<Param>),
    map: impl Fn(&Row) -> Result<T, StateError>,
) -> Result<Vec<T>, StateError> {
    let owned: Vec<Box<dyn ToSql + Sync + Send>> = params
        .into_iter()
        .map(|param| -> Box<dyn ToSql + Sync + Send> {
            match param {
                Param::Text(text) => Box::new(text),
                Param::Int(n) => Box::new(n),
                Param::Time(at) => Box::new(at),
            }
        })
        .collect();
    let args: Vec<Arg<'_>> = owned.iter().map(|arg| arg.as_ref() as Arg<'_>).collect();
    query(client, &sql, &args).await?.iter().map(map).collect()
}

pub(super) fn attempts(value: i32) -> Result<u32, StateError> {
    u32::try_from(value).map_err(|_| StateError::corrupt("attempt count", value.to_string()))
}

/// An attempt count as an INTEGER parameter.
pub(super) fn attempts_arg(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

pub(super) fn count(row: &Row, index: usize) -> Result<u64, StateError> {
    let n: i64 = row.try_get(index)?;
    u64::try_from(n).map_err(|_| StateError::corrupt("count", n.to_string()))
}

/// `position_at, boundary, updated_at` starting at column `first`.
pub(super) fn cursor(row: &Row, first: usize) -> Result<Cursor, StateError> {
    let boundary: Vec<String> = row.try_get(first + 1)?;
    Ok(Cursor {
        position: row.try_get(first)?,
        boundary: boundary.into_iter().collect(),
        updated_at: row.try_get(first + 2)?,
    })
}

/// The columns of `statements::DEAD_LETTER_SELECT`.
pub(super) fn dead_letter(row: &Row) -> Result<DeadLetter, StateError> {
    let status: String = row.try_get(12)?;
    Ok(DeadLetter {
        id: DeadLetterId(row.try_get(0)?),
        connection: row.try_get(1)?,
        flow: row.try_get(2)?,
        record_key: row.try_get::<_, String>(3)?.parse()?,
        original: row.try_get(4)?,
        mapped: row.try_get(5)?,
        error_kind: row.try_get(6)?,
        error_message: row.try_get(7)?,
        attempts: attempts(row.try_get(8)?)?,
        first_seen: row.try_get(9)?,
        last_seen: row.try_get(10)?,
        next_attempt_at: row.try_get(11)?,
        status: DeadLetterStatus::parse(&status)?,
    })
}

/// The columns of `statements::RUN_SELECT`.
pub(super) fn run(row: &Row) -> Result<RunRecord, StateError> {
    Ok(RunRecord {
        id: RunId(row.try_get(0)?),
        connection: row.try_get(1)?,
        flow: row.try_get(2)?,
        started_at: row.try_get(3)?,
        dry_run: row.try_get(4)?,
        finished_at: row.try_get(5)?,
        outcome: row.try_get(6)?,
        report: row.try_get(7)?,
    })
}

/// The columns of `statements::ACTIVITY_SELECT`.
pub(super) fn activity(row: &Row) -> Result<ActivityRecord, StateError> {
    Ok(ActivityRecord {
        id: ActivityId(row.try_get(0)?),
        redacted: row.try_get(1)?,
        entry: ActivityEntry {
            run_id: row.try_get::<_, Option<i64>>(2)?.map(RunId),
            connection: row.try_get(3)?,
            flow: row.try_get(4)?,
            record_key: row.try_get(5)?,
            stage: row.try_get::<_, String>(6)?.as_str().into(),
            direction: row.try_get::<_, String>(7)?.as_str().into(),
            received: row.try_get(8)?,
            sent: row.try_get(9)?,
            answer: row.try_get(10)?,
            outcome: row.try_get::<_, String>(11)?.as_str().into(),
            message: row.try_get(12)?,
            at: row.try_get(13)?,
        },
    })
}

/// `flow, holder, acquired_at, expires_at` of `statements::LEASES_OF`.
pub(super) fn lease(connection: &str, row: &Row) -> Result<Lease, StateError> {
    Ok(Lease {
        connection: connection.to_owned(),
        flow: row.try_get(0)?,
        holder: row.try_get(1)?,
        acquired_at: row.try_get(2)?,
        expires_at: row.try_get(3)?,
    })
}

/// `acquired_at, expires_at` returned by the lease statements.
pub(super) fn lease_times(row: &Row) -> Result<(DateTime<Utc>, DateTime<Utc>), StateError> {
    Ok((row.try_get(0)?, row.try_get(1)?))
}
