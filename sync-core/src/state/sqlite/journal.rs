//! Dead letters, runs and the activity log.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params, params_from_iter};

use super::rows::{self, json_text, micros, opt_json, opt_json_text, time};
use crate::state::StateError;
use crate::state::options::StoreOptions;
use crate::state::records::*;
use crate::state::redact::redact_personal_data;
use crate::state::rules;
use crate::state::sql::{self as query, Dialect};
use crate::state::statements::{self as sql, REDACT_BATCH, for_sqlite};

/// Reads the letter for the key and writes the new counters in one IMMEDIATE transaction, so two
/// failures of the same record never lose an attempt.
pub(super) fn put_dead_letter(
    conn: &mut Connection,
    options: &StoreOptions,
    letter: &NewDeadLetter,
) -> Result<DeadLetter, StateError> {
    let at = truncate_to_micros(letter.at);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let record_key = letter.record_key.to_string();
    let scope = params![letter.connection, letter.flow, record_key];
    let existing: Option<(i64, String, i64)> = tx
        .prepare_cached(&for_sqlite(sql::DEAD_LETTER_FIND))?
        .query_row(scope, |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let existing = match existing {
        Some((attempts, status, first_seen)) => Some((
            rows::attempts(attempts)?,
            DeadLetterStatus::parse(&status)?,
            time(first_seen)?,
        )),
        None => None,
    };
    let update = rules::dead_letter_update(options, existing, at);
    let statement = if existing.is_some() {
        sql::DEAD_LETTER_UPDATE
    } else {
        sql::DEAD_LETTER_INSERT
    };
    let stored = tx.prepare_cached(&for_sqlite(statement))?.query_row(
        params![
            letter.connection,
            letter.flow,
            record_key,
            json_text(&letter.original)?,
            opt_json_text(letter.mapped.as_ref())?,
            letter.error_kind,
            letter.error_message,
            update.attempts,
            micros(update.first_seen),
            micros(at),
            micros(update.next_attempt_at),
        ],
        |row| Ok(rows::dead_letter(row)),
    )??;
    tx.commit()?;
    Ok(stored)
}

pub(super) fn get_dead_letter(
    conn: &Connection,
    id: DeadLetterId,
) -> Result<Option<DeadLetter>, StateError> {
    conn.prepare_cached(&for_sqlite(sql::DEAD_LETTER_GET))?
        .query_row([id.0], |row| Ok(rows::dead_letter(row)))
        .optional()?
        .transpose()
}

pub(super) fn list_dead_letters(
    conn: &Connection,
    filter: &DeadLetterFilter,
) -> Result<Vec<DeadLetter>, StateError> {
    let (text, values) = query::dead_letters(Dialect::Sqlite, sql::DEAD_LETTER_SELECT, filter);
    let mut statement = conn.prepare_cached(&text)?;
    rows::collect(
        &mut statement,
        params_from_iter(rows::params(values)),
        rows::dead_letter,
    )
}

pub(super) fn due_dead_letters(
    conn: &Connection,
    options: &StoreOptions,
    [connection, flow]: [&str; 2],
    now: DateTime<Utc>,
) -> Result<Vec<DeadLetter>, StateError> {
    let mut statement = conn.prepare_cached(&for_sqlite(sql::DEAD_LETTERS_DUE))?;
    let now = micros(truncate_to_micros(now));
    let max_attempts = options.dead_letter_retry.max_attempts;
    rows::collect(
        &mut statement,
        params![connection, flow, now, max_attempts],
        rows::dead_letter,
    )
}

pub(super) fn set_dead_letter_status(
    conn: &Connection,
    id: DeadLetterId,
    status: DeadLetterStatus,
) -> Result<(), StateError> {
    let changed = conn
        .prepare_cached(&for_sqlite(sql::DEAD_LETTER_SET_STATUS))?
        .execute(params![id.0, status.as_str()])?;
    if changed == 0 {
        return Err(StateError::not_found("dead letter", id));
    }
    Ok(())
}

pub(super) fn begin_run(conn: &Connection, start: &RunStart) -> Result<RunId, StateError> {
    let id = conn
        .prepare_cached(&for_sqlite(sql::RUN_INSERT))?
        .query_row(
            params![
                start.connection,
                start.flow,
                micros(truncate_to_micros(start.started_at)),
                start.dry_run
            ],
            |row| row.get(0),
        )?;
    Ok(RunId(id))
}

pub(super) fn finish_run(
    conn: &Connection,
    id: RunId,
    finish: &RunFinish,
) -> Result<(), StateError> {
    let changed = conn
        .prepare_cached(&for_sqlite(sql::RUN_FINISH))?
        .execute(params![
            id.0,
            micros(truncate_to_micros(finish.finished_at)),
            finish.outcome,
            json_text(&finish.report)?
        ])?;
    if changed == 0 {
        return Err(StateError::not_found("run", id));
    }
    Ok(())
}

pub(super) fn get_run(conn: &Connection, id: RunId) -> Result<Option<RunRecord>, StateError> {
    conn.prepare_cached(&for_sqlite(sql::RUN_GET))?
        .query_row([id.0], |row| Ok(rows::run(row)))
        .optional()?
        .transpose()
}

pub(super) fn list_runs(
    conn: &Connection,
    filter: &RunFilter,
    limit: usize,
) -> Result<Vec<RunRecord>, StateError> {
    let (text, values) = query::runs(Dialect::Sqlite, sql::RUN_SELECT, filter, limit);
    let mut statement = conn.prepare_cached(&text)?;
    rows::collect(
        &mut statement,
        params_from_iter(rows::params(values)),
        rows::run,
    )
}

pub(super) fn log_activity(
    conn: &Connection,
    options: &StoreOptions,
    entry: &ActivityEntry,
) -> Result<ActivityId, StateError> {
    let (entry, redacted) = options.prepare_activity(entry);
    let id = conn
        .prepare_cached(&for_sqlite(sql::ACTIVITY_INSERT))?
        .query_row(
            params![
                entry.run_id.map(|id| id.0),
                entry.connection,
                entry.flow,
                entry.record_key,
                entry.stage.as_str(),
                entry.direction.as_str(),
                opt_json_text(entry.received.as_ref())?,
                opt_json_text(entry.sent.as_ref())?,
                opt_json_text(entry.answer.as_ref())?,
                entry.outcome.as_str(),
                entry.message,
                micros(entry.at),
                redacted
            ],
            |row| row.get(0),
        )?;
    Ok(ActivityId(id))
}

pub(super) fn list_activity(
    conn: &Connection,
    filter: &ActivityFilter,
) -> Result<Vec<ActivityRecord>, StateError> {
    let (text, values) = query::activity(Dialect::Sqlite, sql::ACTIVITY_SELECT, filter);
    let mut statement = conn.prepare_cached(&text)?;
    rows::collect(
        &mut statement,
        params_from_iter(rows::params(values)),
        rows::activity,
    )
}

pub(super) fn purge_activity(
    conn: &Connection,
    older_than: DateTime<Utc>,
) -> Result<u64, StateError> {
    let cutoff = micros(truncate_to_micros(older_than));
    let deleted = conn
        .prepare_cached(&for_sqlite(sql::ACTIVITY_PURGE))?
        .execute([cutoff])?;
    Ok(deleted as u64)
}

type StoredPayloads = (i64, Option<String>, Option<String>, Option<String>);

/// Redacts in batches, one transaction per batch, so a big log neither sits in memory nor holds
/// the write lock for long.
pub(super) fn redact_activity(
    conn: &mut Connection,
    older_than: DateTime<Utc>,
) -> Result<u64, StateError> {
    let cutoff = micros(truncate_to_micros(older_than));
    let mut total = 0;
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let batch: Vec<StoredPayloads> = {
            let mut statement = tx.prepare_cached(&for_sqlite(sql::ACTIVITY_TO_REDACT))?;
            rows::collect(&mut statement, params![cutoff, REDACT_BATCH], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?
        };
        if batch.is_empty() {
            return Ok(total);
        }
        for (id, received, sent, answer) in batch {
            let mut payloads = [opt_json(received)?, opt_json(sent)?, opt_json(answer)?];
            for payload in payloads.iter_mut().flatten() {
                redact_personal_data(payload);
            }
            let [received, sent, answer] = payloads;
            tx.prepare_cached(&for_sqlite(sql::ACTIVITY_SET_REDACTED))?
                .execute(params![
                    id,
                    opt_json_text(received.as_ref())?,
                    opt_json_text(sent.as_ref())?,
                    opt_json_text(answer.as_ref())?
                ])?;
            total += 1;
        }
        tx.commit()?;
    }
}
