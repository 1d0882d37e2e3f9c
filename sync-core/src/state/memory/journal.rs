//! Dead letters, runs and the activity log.

use chrono::{DateTime, Utc};

use super::Inner;
use crate::state::StateError;
use crate::state::options::{StoreOptions, redact_payloads};
use crate::state::records::*;
use crate::state::rules;

fn page<T>(items: impl Iterator<Item = T>, limit: Option<usize>, offset: usize) -> Vec<T> {
    items
        .skip(offset)
        .take(limit.unwrap_or(usize::MAX))
        .collect()
}

impl Inner {
    pub(super) fn put_dead_letter(
        &mut self,
        options: &StoreOptions,
        letter: &NewDeadLetter,
    ) -> DeadLetter {
        let at = truncate_to_micros(letter.at);
        let existing = self.dead_letters.values().find(|d| {
            d.connection == letter.connection
                && d.flow == letter.flow
                && d.record_key == letter.record_key
        });
        let update = rules::dead_letter_update(
            options,
            existing.map(|d| (d.attempts, d.status, d.first_seen)),
            at,
        );
        let id = match existing {
            Some(d) => d.id,
            None => DeadLetterId(self.next_id()),
        };
        let stored = DeadLetter {
            id,
            connection: letter.connection.clone(),
            flow: letter.flow.clone(),
            record_key: letter.record_key.clone(),
            original: letter.original.clone(),
            mapped: letter.mapped.clone(),
            error_kind: letter.error_kind.clone(),
            error_message: letter.error_message.clone(),
            attempts: update.attempts,
            first_seen: update.first_seen,
            last_seen: at,
            next_attempt_at: update.next_attempt_at,
            status: DeadLetterStatus::Pending,
        };
        self.dead_letters.insert(id.0, stored.clone());
        stored
    }

    pub(super) fn get_dead_letter(&self, id: DeadLetterId) -> Option<DeadLetter> {
        self.dead_letters.get(&id.0).cloned()
    }

    pub(super) fn list_dead_letters(&self, filter: &DeadLetterFilter) -> Vec<DeadLetter> {
        let matches = |d: &&DeadLetter| {
            filter
                .connection
                .as_ref()
                .is_none_or(|c| *c == d.connection)
                && filter.flow.as_ref().is_none_or(|f| *f == d.flow)
                && filter.status.is_none_or(|s| s == d.status)
                && filter
                    .record_key
                    .as_ref()
                    .is_none_or(|k| *k == d.record_key)
                && filter
                    .error_kind
                    .as_ref()
                    .is_none_or(|k| *k == d.error_kind)
        };
        page(
            self.dead_letters.values().filter(matches).cloned(),
            filter.limit,
            filter.offset,
        )
    }

    pub(super) fn due_dead_letters(
        &self,
        options: &StoreOptions,
        [connection, flow]: [&str; 2],
        now: DateTime<Utc>,
    ) -> Vec<DeadLetter> {
        let now = truncate_to_micros(now);
        let mut due: Vec<DeadLetter> = self
            .dead_letters
            .values()
            .filter(|d| {
                d.connection == connection
                    && d.flow == flow
                    && d.status == DeadLetterStatus::Pending
                    && d.next_attempt_at <= now
                    && d.attempts < options.dead_letter_retry.max_attempts
            })
            .cloned()
            .collect();
        due.sort_by_key(|d| (d.next_attempt_at, d.id));
        due
    }

    pub(super) fn set_dead_letter_status(
        &mut self,
        id: DeadLetterId,
        status: DeadLetterStatus,
    ) -> Result<(), StateError> {
        let letter = self
            .dead_letters
            .get_mut(&id.0)
            .ok_or_else(|| StateError::not_found("dead letter", id))?;
        letter.status = status;
        Ok(())
    }

    pub(super) fn begin_run(&mut self, start: &RunStart) -> RunId {
        let id = RunId(self.next_id());
        let run = RunRecord {
            id,
            connection: start.connection.clone(),
            flow: start.flow.clone(),
            started_at: truncate_to_micros(start.started_at),
            dry_run: start.dry_run,
            finished_at: None,
            outcome: None,
            report: None,
        };
        self.runs.insert(id.0, run);
        id
    }

    pub(super) fn finish_run(&mut self, id: RunId, finish: &RunFinish) -> Result<(), StateError> {
        let run = self
            .runs
            .get_mut(&id.0)
            .ok_or_else(|| StateError::not_found("run", id))?;
        run.finished_at = Some(truncate_to_micros(finish.finished_at));
        run.outcome = Some(finish.outcome.clone());
        run.report = Some(finish.report.clone());
        Ok(())
    }

    pub(super) fn get_run(&self, id: RunId) -> Option<RunRecord> {
        self.runs.get(&id.0).cloned()
    }

    pub(super) fn list_runs(&self, filter: &RunFilter, limit: usize) -> Vec<RunRecord> {
        let mut runs: Vec<&RunRecord> = self
            .runs
            .values()
            .filter(|r| {
                filter
                    .connection
                    .as_ref()
                    .is_none_or(|c| *c == r.connection)
                    && filter.flow.as_ref().is_none_or(|f| *f == r.flow)
                    && filter
                        .outcome
                        .as_ref()
                        .is_none_or(|o| Some(o) == r.outcome.as_ref())
                    && filter
                        .since
                        .is_none_or(|s| r.started_at >= truncate_to_micros(s))
            })
            .collect();
        runs.sort_by_key(|r| std::cmp::Reverse((r.started_at, r.id)));
        runs.into_iter().take(limit).cloned().collect()
    }

    pub(super) fn log_activity(
        &mut self,
        options: &StoreOptions,
        entry: &ActivityEntry,
    ) -> ActivityId {
        let (entry, redacted) = options.prepare_activity(entry);
        let id = ActivityId(self.next_id());
        self.activity.insert(
            id.0,
            ActivityRecord {
                id,
                redacted,
                entry,
            },
        );
        id
    }

    pub(super) fn list_activity(&self, filter: &ActivityFilter) -> Vec<ActivityRecord> {
        let mut entries: Vec<&ActivityRecord> = self
            .activity
            .values()
            .filter(|a| {
                let e = &a.entry;
                filter.run_id.is_none_or(|id| Some(id) == e.run_id)
                    && filter
                        .connection
                        .as_ref()
                        .is_none_or(|c| *c == e.connection)
                    && filter.flow.as_ref().is_none_or(|f| *f == e.flow)
                    && filter
                        .record_key
                        .as_ref()
                        .is_none_or(|k| Some(k) == e.record_key.as_ref())
                    && filter.since.is_none_or(|s| e.at >= truncate_to_micros(s))
                    && filter.until.is_none_or(|u| e.at < truncate_to_micros(u))
            })
            .collect();
        entries.sort_by_key(|a| (a.entry.at, a.id));
        if filter.newest_first {
            entries.reverse();
        }
        page(entries.into_iter().cloned(), filter.limit, filter.offset)
    }

    pub(super) fn purge_activity(&mut self, older_than: DateTime<Utc>) -> u64 {
        let cutoff = truncate_to_micros(older_than);
        let before = self.activity.len();
        self.activity.retain(|_, a| a.entry.at >= cutoff);
        (before - self.activity.len()) as u64
    }

    pub(super) fn redact_activity(&mut self, older_than: DateTime<Utc>) -> u64 {
        let cutoff = truncate_to_micros(older_than);
        let mut count = 0;
        for record in self.activity.values_mut() {
            if !record.redacted && record.entry.at < cutoff {
                redact_payloads(&mut record.entry);
                record.redacted = true;
                count += 1;
            }
        }
        count
    }
}
