//! [`MemoryStateStore`]: the state in maps behind one tokio mutex. For tests, examples and runs
//! whose state may be lost; clones share the same state (that is how a "second handle" looks).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use tokio::sync::Mutex;

use super::options::{StoreOptions, expiry, redact_payloads};
use super::records::*;
use super::rules;
use super::{StateError, StateStore};

type Scope2 = (String, String);
type Scope3 = (String, String, String);

fn key2(a: &str, b: &str) -> Scope2 {
    (a.to_owned(), b.to_owned())
}

fn key3(a: &str, b: &str, c: &str) -> Scope3 {
    (a.to_owned(), b.to_owned(), c.to_owned())
}

#[derive(Debug, Clone)]
struct Claim {
    owner: String,
    since: DateTime<Utc>,
    target_id: Option<String>,
}

#[derive(Default)]
struct Inner {
    cursors: BTreeMap<Scope2, Cursor>,
    id_map: BTreeMap<Scope3, String>,
    hashes: BTreeMap<Scope3, ContentHash>,
    claims: BTreeMap<Scope2, Claim>,
    dead_letters: BTreeMap<i64, DeadLetter>,
    runs: BTreeMap<i64, RunRecord>,
    activity: BTreeMap<i64, ActivityRecord>,
    secrets: BTreeMap<String, SecretString>,
    leases: BTreeMap<Scope2, Lease>,
    last_id: i64,
}

impl Inner {
    /// Ids increase across all tables; every store only promises "unique and increasing".
    fn next_id(&mut self) -> i64 {
        self.last_id += 1;
        self.last_id
    }

    fn dead_letter_mut(&mut self, id: DeadLetterId) -> Result<&mut DeadLetter, StateError> {
        self.dead_letters
            .get_mut(&id.0)
            .ok_or_else(|| StateError::not_found("dead letter", id))
    }
}

/// A state store in memory. Cheap to clone; clones share the state.
#[derive(Clone, Default)]
pub struct MemoryStateStore {
    inner: Arc<Mutex<Inner>>,
    options: StoreOptions,
}

impl fmt::Debug for MemoryStateStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStateStore")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl MemoryStateStore {
    /// An empty store with default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store with these options.
    pub fn with_options(options: StoreOptions) -> Self {
        MemoryStateStore {
            inner: Arc::default(),
            options,
        }
    }
}

fn latest_runs_per_flow<'a>(runs: impl Iterator<Item = &'a RunRecord>) -> Vec<RunRecord> {
    let mut latest: BTreeMap<&str, &RunRecord> = BTreeMap::new();
    for run in runs {
        let entry = latest.entry(run.flow.as_str()).or_insert(run);
        if (run.started_at, run.id) > (entry.started_at, entry.id) {
            *entry = run;
        }
    }
    latest.into_values().cloned().collect()
}

fn page<T>(items: impl Iterator<Item = T>, limit: Option<usize>, offset: usize) -> Vec<T> {
    items
        .skip(offset)
        .take(limit.unwrap_or(usize::MAX))
        .collect()
}

#[async_trait]
impl StateStore for MemoryStateStore {
    async fn get_cursor(&self, connection: &str, flow: &str) -> Result<Option<Cursor>, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .cursors
            .get(&key2(connection, flow))
            .cloned())
    }

    async fn put_cursor(
        &self,
        connection: &str,
        flow: &str,
        cursor: &Cursor,
    ) -> Result<(), StateError> {
        let mut cursor = cursor.clone();
        cursor.position = truncate_to_micros(cursor.position);
        cursor.updated_at = truncate_to_micros(cursor.updated_at);
        self.inner
            .lock()
            .await
            .cursors
            .insert(key2(connection, flow), cursor);
        Ok(())
    }

    async fn delete_cursor(&self, connection: &str, flow: &str) -> Result<bool, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .cursors
            .remove(&key2(connection, flow))
            .is_some())
    }

    async fn link(
        &self,
        connection: &str,
        kind: &str,
        source_id: &str,
        target_id: &str,
    ) -> Result<(), StateError> {
        let mut inner = self.inner.lock().await;
        inner
            .id_map
            .insert(key3(connection, kind, source_id), target_id.to_owned());
        Ok(())
    }

    async fn lookup(
        &self,
        connection: &str,
        kind: &str,
        source_id: &str,
    ) -> Result<Option<String>, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .id_map
            .get(&key3(connection, kind, source_id))
            .cloned())
    }

    async fn reverse_lookup(
        &self,
        connection: &str,
        kind: &str,
        target_id: &str,
    ) -> Result<Vec<String>, StateError> {
        let inner = self.inner.lock().await;
        Ok(inner
            .id_map
            .iter()
            .filter(|((c, k, _), t)| c == connection && k == kind && t.as_str() == target_id)
            .map(|((_, _, source), _)| source.clone())
            .collect())
    }

    async fn unlink(
        &self,
        connection: &str,
        kind: &str,
        source_id: &str,
    ) -> Result<bool, StateError> {
        let mut inner = self.inner.lock().await;
        Ok(inner
            .id_map
            .remove(&key3(connection, kind, source_id))
            .is_some())
    }

    async fn get_hash(
        &self,
        connection: &str,
        kind: &str,
        target_id: &str,
    ) -> Result<Option<ContentHash>, StateError> {
        Ok(self
            .inner
            .lock()
            .await
            .hashes
            .get(&key3(connection, kind, target_id))
            .cloned())
    }

    async fn put_hash(
        &self,
        connection: &str,
        kind: &str,
        target_id: &str,
        hash: &ContentHash,
    ) -> Result<(), StateError> {
        let mut hash = hash.clone();
        hash.updated_at = truncate_to_micros(hash.updated_at);
        self.inner
            .lock()
            .await
            .hashes
            .insert(key3(connection, kind, target_id), hash);
        Ok(())
    }

    async fn try_claim(
        &self,
        connection: &str,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StateError> {
        let mut inner = self.inner.lock().await;
        let scope = key2(connection, key);
        if let Some(claim) = inner.claims.get(&scope) {
            return Ok(rules::classify_claim(
                &self.options,
                &claim.owner,
                claim.since,
                claim.target_id.as_deref(),
                now,
            ));
        }
        let since = truncate_to_micros(now);
        inner.claims.insert(
            scope,
            Claim {
                owner: owner.to_owned(),
                since,
                target_id: None,
            },
        );
        Ok(ClaimOutcome::Claimed)
    }

    async fn take_over_claim(
        &self,
        connection: &str,
        key: &str,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StateError> {
        let mut inner = self.inner.lock().await;
        let scope = key2(connection, key);
        if let Some(claim) = inner.claims.get(&scope) {
            let outcome = rules::classify_claim(
                &self.options,
                &claim.owner,
                claim.since,
                claim.target_id.as_deref(),
                now,
            );
            if !matches!(outcome, ClaimOutcome::Stale { .. }) {
                return Ok(outcome);
            }
        }
        let since = truncate_to_micros(now);
        inner.claims.insert(
            scope,
            Claim {
                owner: owner.to_owned(),
                since,
                target_id: None,
            },
        );
        Ok(ClaimOutcome::Claimed)
    }

    async fn confirm_claim(
        &self,
        connection: &str,
        key: &str,
        target_id: &str,
    ) -> Result<(), StateError> {
        let mut inner = self.inner.lock().await;
        let claim = inner
            .claims
            .entry(key2(connection, key))
            .or_insert_with(|| Claim {
                owner: String::new(),
                since: truncate_to_micros(Utc::now()),
                target_id: None,
            });
        claim.target_id = Some(target_id.to_owned());
        Ok(())
    }

    async fn release_claim(&self, connection: &str, key: &str) -> Result<bool, StateError> {
        let mut inner = self.inner.lock().await;
        let scope = key2(connection, key);
        let unconfirmed = inner
            .claims
            .get(&scope)
            .is_some_and(|c| c.target_id.is_none());
        if unconfirmed {
            inner.claims.remove(&scope);
        }
        Ok(unconfirmed)
    }

    async fn put_dead_letter(&self, letter: &NewDeadLetter) -> Result<DeadLetter, StateError> {
        let mut inner = self.inner.lock().await;
        let at = truncate_to_micros(letter.at);
        let existing = inner.dead_letters.values().find(|d| {
            d.connection == letter.connection
                && d.flow == letter.flow
                && d.record_key == letter.record_key
        });
        let update = rules::dead_letter_update(
            &self.options,
            existing.map(|d| (d.attempts, d.status, d.first_seen)),
            at,
        );
        let id = match existing {
            Some(d) => d.id,
            None => DeadLetterId(inner.next_id()),
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
        inner.dead_letters.insert(id.0, stored.clone());
        Ok(stored)
    }

    async fn get_dead_letter(&self, id: DeadLetterId) -> Result<Option<DeadLetter>, StateError> {
        Ok(self.inner.lock().await.dead_letters.get(&id.0).cloned())
    }

    async fn list_dead_letters(
        &self,
        filter: &DeadLetterFilter,
    ) -> Result<Vec<DeadLetter>, StateError> {
        let inner = self.inner.lock().await;
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
        Ok(page(
            inner.dead_letters.values().filter(matches).cloned(),
            filter.limit,
            filter.offset,
        ))
    }

    async fn due_dead_letters(
        &self,
        connection: &str,
        flow: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<DeadLetter>, StateError> {
        let inner = self.inner.lock().await;
        let now = truncate_to_micros(now);
        let mut due: Vec<DeadLetter> = inner
            .dead_letters
            .values()
            .filter(|d| {
                d.connection == connection
                    && d.flow == flow
                    && d.status == DeadLetterStatus::Pending
                    && d.next_attempt_at <= now
                    && d.attempts < self.options.dead_letter_retry.max_attempts
            })
            .cloned()
            .collect();
        due.sort_by_key(|d| (d.next_attempt_at, d.id));
        Ok(due)
    }

    async fn mark_dead_letter_replayed(&self, id: DeadLetterId) -> Result<(), StateError> {
        self.inner.lock().await.dead_letter_mut(id)?.status = DeadLetterStatus::Replayed;
        Ok(())
    }

    async fn drop_dead_letter(&self, id: DeadLetterId) -> Result<(), StateError> {
        self.inner.lock().await.dead_letter_mut(id)?.status = DeadLetterStatus::Dropped;
        Ok(())
    }

    async fn begin_run(&self, start: &RunStart) -> Result<RunId, StateError> {
        let mut inner = self.inner.lock().await;
        let id = RunId(inner.next_id());
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
        inner.runs.insert(id.0, run);
        Ok(id)
    }

    async fn finish_run(&self, id: RunId, finish: &RunFinish) -> Result<(), StateError> {
        let mut inner = self.inner.lock().await;
        let run = inner
            .runs
            .get_mut(&id.0)
            .ok_or_else(|| StateError::not_found("run", id))?;
        run.finished_at = Some(truncate_to_micros(finish.finished_at));
        run.outcome = Some(finish.outcome.clone());
        run.report = Some(finish.report.clone());
        Ok(())
    }

    async fn get_run(&self, id: RunId) -> Result<Option<RunRecord>, StateError> {
        Ok(self.inner.lock().await.runs.get(&id.0).cloned())
    }

    async fn list_runs(
        &self,
        filter: &RunFilter,
        limit: usize,
    ) -> Result<Vec<RunRecord>, StateError> {
        let inner = self.inner.lock().await;
        let mut runs: Vec<&RunRecord> = inner
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
        Ok(runs.into_iter().take(limit).cloned().collect())
    }

    async fn log_activity(&self, entry: &ActivityEntry) -> Result<ActivityId, StateError> {
        let (entry, redacted) = self.options.prepare_activity(entry);
        let mut inner = self.inner.lock().await;
        let id = ActivityId(inner.next_id());
        inner.activity.insert(
            id.0,
            ActivityRecord {
                id,
                redacted,
                entry,
            },
        );
        Ok(id)
    }

    async fn list_activity(
        &self,
        filter: &ActivityFilter,
    ) -> Result<Vec<ActivityRecord>, StateError> {
        let inner = self.inner.lock().await;
        let mut entries: Vec<&ActivityRecord> = inner
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
        Ok(page(
            entries.into_iter().cloned(),
            filter.limit,
            filter.offset,
        ))
    }

    async fn purge_activity(&self, older_than: DateTime<Utc>) -> Result<u64, StateError> {
        let mut inner = self.inner.lock().await;
        let cutoff = truncate_to_micros(older_than);
        let before = inner.activity.len();
        inner.activity.retain(|_, a| a.entry.at >= cutoff);
        Ok((before - inner.activity.len()) as u64)
    }

    async fn redact_activity(&self, older_than: DateTime<Utc>) -> Result<u64, StateError> {
        let mut inner = self.inner.lock().await;
        let cutoff = truncate_to_micros(older_than);
        let mut count = 0;
        for record in inner.activity.values_mut() {
            if !record.redacted && record.entry.at < cutoff {
                redact_payloads(&mut record.entry);
                record.redacted = true;
                count += 1;
            }
        }
        Ok(count)
    }

    async fn load_secret(&self, key: &str) -> Result<Option<SecretString>, StateError> {
        Ok(self.inner.lock().await.secrets.get(key).cloned())
    }

    async fn save_secret(&self, key: &str, value: &SecretString) -> Result<(), StateError> {
        self.inner
            .lock()
            .await
            .secrets
            .insert(key.to_owned(), value.clone());
        Ok(())
    }

    async fn delete_secret(&self, key: &str) -> Result<bool, StateError> {
        Ok(self.inner.lock().await.secrets.remove(key).is_some())
    }

    async fn acquire_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError> {
        let expires_at = expiry(now, ttl)?;
        let now = truncate_to_micros(now);
        let mut inner = self.inner.lock().await;
        let scope = key2(connection, flow);
        let lease = rules::acquire_lease(
            inner.leases.get(&scope),
            connection,
            flow,
            holder,
            now,
            expires_at,
        );
        if let Some(lease) = &lease {
            inner.leases.insert(scope, lease.clone());
        }
        Ok(lease)
    }

    async fn renew_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Lease>, StateError> {
        let expires_at = expiry(now, ttl)?;
        let now = truncate_to_micros(now);
        let mut inner = self.inner.lock().await;
        Ok(inner
            .leases
            .get_mut(&key2(connection, flow))
            .filter(|lease| lease.holder == holder && lease.expires_at > now)
            .map(|lease| {
                lease.expires_at = expires_at;
                lease.clone()
            }))
    }

    async fn release_lease(
        &self,
        connection: &str,
        flow: &str,
        holder: &str,
    ) -> Result<bool, StateError> {
        let mut inner = self.inner.lock().await;
        let scope = key2(connection, flow);
        let held = inner
            .leases
            .get(&scope)
            .is_some_and(|lease| lease.holder == holder);
        if held {
            inner.leases.remove(&scope);
        }
        Ok(held)
    }

    async fn stats(&self) -> Result<StoreStats, StateError> {
        let inner = self.inner.lock().await;
        let mut connections: BTreeSet<&str> = BTreeSet::new();
        connections.extend(inner.cursors.keys().map(|(c, _)| c.as_str()));
        connections.extend(inner.id_map.keys().map(|(c, _, _)| c.as_str()));
        connections.extend(inner.hashes.keys().map(|(c, _, _)| c.as_str()));
        connections.extend(inner.claims.keys().map(|(c, _)| c.as_str()));
        connections.extend(inner.dead_letters.values().map(|d| d.connection.as_str()));
        connections.extend(inner.runs.values().map(|r| r.connection.as_str()));
        connections.extend(inner.activity.values().map(|a| a.entry.connection.as_str()));
        connections.extend(inner.leases.keys().map(|(c, _)| c.as_str()));
        let count = |n: usize| n as u64;
        let done = inner
            .claims
            .values()
            .filter(|c| c.target_id.is_some())
            .count();
        let pending = inner
            .dead_letters
            .values()
            .filter(|d| d.status == DeadLetterStatus::Pending)
            .count();
        Ok(StoreStats {
            backend: "memory".into(),
            schema_version: None,
            connections: connections.into_iter().map(str::to_owned).collect(),
            cursors: count(inner.cursors.len()),
            id_links: count(inner.id_map.len()),
            content_hashes: count(inner.hashes.len()),
            claims_in_flight: count(inner.claims.len() - done),
            claims_done: count(done),
            dead_letters_pending: count(pending),
            dead_letters_total: count(inner.dead_letters.len()),
            runs: count(inner.runs.len()),
            activity_entries: count(inner.activity.len()),
            secrets: count(inner.secrets.len()),
            leases: count(inner.leases.len()),
        })
    }

    async fn summary(&self, connection: &str) -> Result<ConnectionSummary, StateError> {
        let inner = self.inner.lock().await;
        let mut summary = ConnectionSummary {
            connection: connection.to_owned(),
            ..Default::default()
        };
        for ((c, flow), cursor) in &inner.cursors {
            if c == connection {
                summary.cursors.insert(flow.clone(), cursor.clone());
            }
        }
        for (c, kind, _) in inner.id_map.keys() {
            if c == connection {
                *summary.id_links.entry(kind.clone()).or_default() += 1;
            }
        }
        for (c, kind, _) in inner.hashes.keys() {
            if c == connection {
                *summary.content_hashes.entry(kind.clone()).or_default() += 1;
            }
        }
        summary.claims_in_flight = inner
            .claims
            .iter()
            .filter(|((c, _), claim)| c == connection && claim.target_id.is_none())
            .count() as u64;
        for letter in inner.dead_letters.values() {
            if letter.connection == connection && letter.status == DeadLetterStatus::Pending {
                *summary
                    .dead_letters_pending
                    .entry(letter.flow.clone())
                    .or_default() += 1;
            }
        }
        summary.last_runs =
            latest_runs_per_flow(inner.runs.values().filter(|r| r.connection == connection));
        summary.leases = inner
            .leases
            .iter()
            .filter(|((c, _), _)| c == connection)
            .map(|(_, lease)| lease.clone())
            .collect();
        Ok(summary)
    }
}
