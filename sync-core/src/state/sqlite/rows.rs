//! Conversions between SQLite values and the state records: timestamps are INTEGER microseconds
//! since the epoch, JSON is TEXT, flags are 0/1.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Params, Row, Statement};
use serde_json::Value;

use crate::state::StateError;
use crate::state::records::*;
use crate::state::sql::Param;

pub(super) fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

pub(super) fn time(micros: i64) -> Result<DateTime<Utc>, StateError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| StateError::corrupt("timestamp", micros.to_string()))
}

fn opt_time(micros: Option<i64>) -> Result<Option<DateTime<Utc>>, StateError> {
    micros.map(time).transpose()
}

pub(super) fn json_text(value: &Value) -> Result<String, StateError> {
    Ok(serde_json::to_string(value)?)
}

pub(super) fn opt_json_text(value: Option<&Value>) -> Result<Option<String>, StateError> {
    value.map(json_text).transpose()
}

pub(super) fn json(text: &str) -> Result<Value, StateError> {
    Ok(serde_json::from_str(text)?)
}

pub(super) fn opt_json(text: Option<String>) -> Result<Option<Value>, StateError> {
    text.as_deref().map(json).transpose()
}

pub(super) fn attempts(value: i64) -> Result<u32, StateError> {
    u32::try_from(value).map_err(|_| StateError::corrupt("attempt count", value.to_string()))
}

/// Turns builder parameters into SQLite values.
pub(super) fn params(params: Vec<Param>) -> Vec<SqlValue> {
    params
        .into_iter()
        .map(|param| match param {
            Param::Text(text) => SqlValue::Text(text),
            Param::Int(n) => SqlValue::Integer(n),
            Param::Time(at) => SqlValue::Integer(micros(at)),
        })
        .collect()
}

/// Runs a query and maps every row.
pub(super) fn collect<T>(
    statement: &mut Statement<'_>,
    params: impl Params,
    map: impl Fn(&Row<'_>) -> Result<T, StateError>,
) -> Result<Vec<T>, StateError> {
    let mut rows = statement.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

/// `position_at, boundary, updated_at` starting at column `first`.
pub(super) fn cursor(row: &Row<'_>, first: usize) -> Result<Cursor, StateError> {
    let boundary: String = row.get(first + 1)?;
    let boundary: BTreeSet<String> = serde_json::from_str(&boundary)?;
    Ok(Cursor {
        position: time(row.get(first)?)?,
        boundary,
        updated_at: time(row.get(first + 2)?)?,
    })
}

/// The columns of `statements::DEAD_LETTER_SELECT`.
pub(super) fn dead_letter(row: &Row<'_>) -> Result<DeadLetter, StateError> {
    let original: String = row.get(4)?;
    let status: String = row.get(12)?;
    Ok(DeadLetter {
        id: DeadLetterId(row.get(0)?),
        connection: row.get(1)?,
        flow: row.get(2)?,
        record_key: row.get::<_, String>(3)?.parse()?,
        original: json(&original)?,
        mapped: opt_json(row.get(5)?)?,
        error_kind: row.get(6)?,
        error_message: row.get(7)?,
        attempts: attempts(row.get(8)?)?,
        first_seen: time(row.get(9)?)?,
        last_seen: time(row.get(10)?)?,
        next_attempt_at: time(row.get(11)?)?,
        status: DeadLetterStatus::parse(&status)?,
    })
}

/// The columns of `statements::RUN_SELECT`.
pub(super) fn run(row: &Row<'_>) -> Result<RunRecord, StateError> {
    Ok(RunRecord {
        id: RunId(row.get(0)?),
        connection: row.get(1)?,
        flow: row.get(2)?,
        started_at: time(row.get(3)?)?,
        dry_run: row.get(4)?,
        finished_at: opt_time(row.get(5)?)?,
        outcome: row.get(6)?,
        report: opt_json(row.get(7)?)?,
    })
}

/// The columns of `statements::ACTIVITY_SELECT`.
pub(super) fn activity(row: &Row<'_>) -> Result<ActivityRecord, StateError> {
    Ok(ActivityRecord {
        id: ActivityId(row.get(0)?),
        redacted: row.get(1)?,
        entry: ActivityEntry {
            run_id: row.get::<_, Option<i64>>(2)?.map(RunId),
            connection: row.get(3)?,
            flow: row.get(4)?,
            record_key: row.get(5)?,
            stage: row.get::<_, String>(6)?.as_str().into(),
            direction: row.get::<_, String>(7)?.as_str().into(),
            received: opt_json(row.get(8)?)?,
            sent: opt_json(row.get(9)?)?,
            answer: opt_json(row.get(10)?)?,
            outcome: row.get::<_, String>(11)?.as_str().into(),
            message: row.get(12)?,
            at: time(row.get(13)?)?,
        },
    })
}

/// `flow, holder, acquired_at, expires_at` of `statements::LEASES_OF`.
pub(super) fn lease(connection: &str, row: &Row<'_>) -> Result<Lease, StateError> {
    Ok(Lease {
        connection: connection.to_owned(),
        flow: row.get(0)?,
        holder: row.get(1)?,
        acquired_at: time(row.get(2)?)?,
        expires_at: time(row.get(3)?)?,
    })
}

/// A count column.
pub(super) fn count(row: &Row<'_>, index: usize) -> Result<u64, StateError> {
    let n: i64 = row.get(index)?;
    u64::try_from(n).map_err(|_| StateError::corrupt("count", n.to_string()))
}
