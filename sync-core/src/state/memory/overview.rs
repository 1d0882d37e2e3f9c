//! `stats` and `summary`.

use std::collections::{BTreeMap, BTreeSet};

use super::Inner;
use crate::state::records::*;

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

impl Inner {
    fn connections(&self) -> Vec<String> {
        let mut connections: BTreeSet<&str> = BTreeSet::new();
        connections.extend(self.cursors.keys().map(|(c, _)| c.as_str()));
        connections.extend(self.id_map.keys().map(|(c, _, _)| c.as_str()));
        connections.extend(self.hashes.keys().map(|(c, _, _)| c.as_str()));
        connections.extend(self.claims.keys().map(|(c, _)| c.as_str()));
        connections.extend(self.dead_letters.values().map(|d| d.connection.as_str()));
        connections.extend(self.runs.values().map(|r| r.connection.as_str()));
        connections.extend(self.activity.values().map(|a| a.entry.connection.as_str()));
        connections.extend(self.leases.keys().map(|(c, _)| c.as_str()));
        connections.extend(self.inbox.keys().map(|(c, _, _)| c.as_str()));
        connections.into_iter().map(str::to_owned).collect()
    }

    pub(super) fn stats(&self) -> StoreStats {
        let count = |n: usize| n as u64;
        let done = self
            .claims
            .values()
            .filter(|c| c.stored.target_id.is_some())
            .count();
        let pending = self
            .dead_letters
            .values()
            .filter(|d| d.status == DeadLetterStatus::Pending)
            .count();
        StoreStats {
            backend: "memory".into(),
            schema_version: None,
            connections: self.connections(),
            cursors: count(self.cursors.len()),
            id_links: count(self.id_map.len()),
            content_hashes: count(self.hashes.len()),
            claims_in_flight: count(self.claims.len() - done),
            claims_done: count(done),
            dead_letters_pending: count(pending),
            dead_letters_total: count(self.dead_letters.len()),
            runs: count(self.runs.len()),
            activity_entries: count(self.activity.len()),
            secrets: count(self.secrets.len()),
            leases: count(self.leases.len()),
        }
    }

    pub(super) fn summary(&self, connection: &str) -> ConnectionSummary {
        let mut summary = ConnectionSummary {
            connection: connection.to_owned(),
            ..Default::default()
        };
        for ((c, flow), cursor) in &self.cursors {
            if c == connection {
                summary.cursors.insert(flow.clone(), cursor.clone());
            }
        }
        for (c, kind, _) in self.id_map.keys() {
            if c == connection {
                *summary.id_links.entry(kind.clone()).or_default() += 1;
            }
        }
        for (c, kind, _) in self.hashes.keys() {
            if c == connection {
                *summary.content_hashes.entry(kind.clone()).or_default() += 1;
            }
        }
        summary.claims_in_flight = self
            .claims
            .iter()
            .filter(|((c, _), claim)| c == connection && claim.stored.target_id.is_none())
            .count() as u64;
        for (c, flow, _) in self.inbox.keys() {
            if c == connection {
                *summary.inbox.entry(flow.clone()).or_default() += 1;
            }
        }
        for letter in self.dead_letters.values() {
            if letter.connection == connection && letter.status == DeadLetterStatus::Pending {
                *summary
                    .dead_letters_pending
                    .entry(letter.flow.clone())
                    .or_default() += 1;
            }
        }
        summary.last_runs =
            latest_runs_per_flow(self.runs.values().filter(|r| r.connection == connection));
        summary.leases = self
            .leases
            .iter()
            .filter(|((c, _), _)| c == connection)
            .map(|(_, lease)| lease.clone())
            .collect();
        summary
    }
}
