//! Dead letters, runs and the activity log.

use chrono::{DateTime, Utc};
use deadpool_postgres::{Client, GenericClient};
use serde_json::Value;

use super::rows::{self, execute, query, query_built, query_one, query_opt};
use crate::state::StateError;
use crate::state::options::StoreOptions;
use crate::state::records::*;
use crate::state::redact::redact_personal_data;
use crate::state::rules;
use crate::state::sql::{self as built, Dialect};
use crate::state::statements::{self as sql, REDACT_BATCH};

/// Rounds of [`put_dead_letter`]: the second round follows a concurrent first insert of the same key.
const UPSERT_ROUNDS: usize = 3;

/// Reads the letter for the key with a row lock and writes the new counters in one transaction, so
/// concurrent failures of one record never lose an attempt. When two first failures race, the
/// loser's insert returns nothing and its next round updates the winner's row.
pub(super) async fn put_dead_letter(
    client: &mut Client,
    options: &StoreOptions,
    letter: &NewDeadLetter,
) -> Result<DeadLetter, StateError> {
    let at = truncate_to_micros(letter.at);
    let record_key = letter.record_key.to_string();
    let scope: [&str; 3] = [&letter.connection, &letter.flow, &record_key];
    for _ in 0..UPSERT_ROUNDS {
        let tx = client.transaction().await?;
        let existing = match query_opt(
            &tx,
            sql::DEAD_LETTER_FIND_LOCKED,
            &[&scope[0], &scope[1], &scope[2]],
        )
        .await?
        {
            Some(row) => {
                let status: String = row.try_get(1)?;
                Some((
                    rows::attempts(row.try_get(0)?)?,
                    DeadLetterStatus::parse(&status)?,
                    row.try_get(2)?,
                ))
            }
            None => None,
        };
        let update = rules::dead_letter_update(options, existing, at);
        let statement = if existing.is_some() {
            sql::DEAD_LETTER_UPDATE
        } else {
            sql::DEAD_LETTER_INSERT
        };
        let attempts = rows::attempts_arg(update.attempts);
        let row = query_opt(
            &tx,
            statement,
            &[
                &scope[0],
                &scope[1],
                &scope[2],
                &letter.original,
                &letter.mapped,
                &letter.error_kind,
                &letter.error_message,
                &attempts,
                &update.first_seen,
                &at,
                &update.next_attempt_at,
            ],
        )
        .await?;
        if let Some(row) = row {
            let stored = rows::dead_letter(&row)?;
            tx.commit().await?;
            return Ok(stored);
        }
        // Dropping `tx` rolls back; the next round sees the concurrently inserted letter.
    }
    Err(StateError::Database {
        backend: "postgres",
        transient: true,
        source: "the dead letter kept changing while it was being stored".into(),
    })
}

pub(super) async fn get_dead_letter(
    c: &impl GenericClient,
    id: DeadLetterId,
) -> Result<Option<DeadLetter>, StateError> {
    query_opt(c, sql::DEAD_LETTER_GET, &[&id.0])
        .await?
        .map(|row| rows::dead_letter(&row))
        .transpose()
}

pub(super) async fn list_dead_letters(
    c: &impl GenericClient,
    filter: &DeadLetterFilter,
) -> Result<Vec<DeadLetter>, StateError> {
    let built = built::dead_letters(Dialect::Postgres, sql::DEAD_LETTER_SELECT, filter);
    query_built(c, built, rows::dead_letter).await
}

pub(super) async fn due_dead_letters(
    c: &impl GenericClient,
    options: &StoreOptions,
    [connection, flow]: [&str; 2],
    now: DateTime<Utc>,
) -> Result<Vec<DeadLetter>, StateError> {
    let now = truncate_to_micros(now);
    let max_attempts = rows::attempts_arg(options.dead_letter_retry.max_attempts);
    query(
        c,
        sql::DEAD_LETTERS_DUE,
        &[&connection, &flow, &now, &max_attempts],
    )
    .await?
    .iter()
    .map(rows::dead_letter)
    .collect()
}

pub(super) async fn set_dead_letter_status(
    c: &impl GenericClient,
    id: DeadLetterId,
    status: DeadLetterStatus,
) -> Result<(), StateError> {
    if execute(c, sql::DEAD_LETTER_SET_STATUS, &[&id.0, &status.as_str()]).await? == 0 {
        return Err(StateError::not_found("dead letter", id));
    }
    Ok(())
}

pub(super) async fn begin_run(
    c: &impl GenericClient,
    start: &RunStart,
) -> Result<RunId, StateError> {
    let started_at = truncate_to_micros(start.started_at);
    let row = query_one(
        c,
        sql::RUN_INSERT,
        &[&start.connection, &start.flow, &started_at, &start.dry_run],
    )
    .await?;
    Ok(RunId(row.try_get(0)?))
}

pub(super) async fn finish_run(
    c: &impl GenericClient,
    id: RunId,
    finish: &RunFinish,
) -> Result<(), StateError> {
    let finished_at = truncate_to_micros(finish.finished_at);
    let changed = execute(
        c,
        sql::RUN_FINISH,
        &[&id.0, &finished_at, &finish.outcome, &finish.report],
    )
    .await?;
    if changed == 0 {
        return Err(StateError::not_found("run", id));
    }
    Ok(())
}

pub(super) async fn get_run(
    c: &impl GenericClient,
    id: RunId,
) -> Result<Option<RunRecord>, StateError> {
    query_opt(c, sql::RUN_GET, &[&id.0])
        .await?
        .map(|row| rows::run(&row))
        .transpose()
}

pub(super) async fn list_runs(
    c: &impl GenericClient,
    filter: &RunFilter,
    limit: usize,
) -> Result<Vec<RunRecord>, StateError> {
    query_built(
        c,
        built::runs(Dialect::Postgres, sql::RUN_SELECT, filter, limit),
        rows::run,
    )
    .await
}

pub(super) async fn log_activity(
    c: &impl GenericClient,
    options: &StoreOptions,
    entry: &ActivityEntry,
) -> Result<ActivityId, StateError> {
    let (e, redacted) = options.prepare_activity(entry);
    let run_id = e.run_id.map(|id| id.0);
    let row = query_one(
        c,
        sql::ACTIVITY_INSERT,
        &[
            &run_id,
            &e.connection,
            &e.flow,
            &e.record_key,
            &e.stage.as_str(),
            &e.direction.as_str(),
            &e.received,
            &e.sent,
            &e.answer,
            &e.outcome.as_str(),
            &e.message,
            &e.at,
            &redacted,
        ],
    )
    .await?;
    Ok(ActivityId(row.try_get(0)?))
}

pub(super) async fn list_activity(
    c: &impl GenericClient,
    filter: &ActivityFilter,
) -> Result<Vec<ActivityRecord>, StateError> {
    query_built(
        c,
        built::activity(Dialect::Postgres, sql::ACTIVITY_SELECT, filter),
        rows::activity,
    )
    .await
}

pub(super) async fn purge_activity(
    c: &impl GenericClient,
    older_than: DateTime<Utc>,
) -> Result<u64, StateError> {
    execute(c, sql::ACTIVITY_PURGE, &[&truncate_to_micros(older_than)]).await
}

/// Redacts in batches, one transaction per batch, so a big log never sits in memory at once.
pub(super) async fn redact_activity(
    client: &mut Client,
    older_than: DateTime<Utc>,
) -> Result<u64, StateError> {
    let cutoff = truncate_to_micros(older_than);
    let mut total = 0;
    loop {
        let tx = client.transaction().await?;
        let batch = query(
            &tx,
            sql::ACTIVITY_TO_REDACT_LOCKED,
            &[&cutoff, &REDACT_BATCH],
        )
        .await?;
        if batch.is_empty() {
            tx.commit().await?;
            return Ok(total);
        }
        for row in &batch {
            let id: i64 = row.try_get(0)?;
            let mut payloads: [Option<Value>; 3] =
                [row.try_get(1)?, row.try_get(2)?, row.try_get(3)?];
            for payload in payloads.iter_mut().flatten() {
                redact_personal_data(payload);
            }
            let [received, sent, answer] = payloads;
            execute(
                &tx,
                sql::ACTIVITY_SET_REDACTED,
                &[&id, &received, &sent, &answer],
            )
            .await?;
            total += 1;
        }
        tx.commit().await?;
    }
}
