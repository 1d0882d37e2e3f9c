//! The administration's field dictionary at run time: loaded once an hour per process, held against
//! the connector's [`ColumnPlan`] (see `columns`), and installed into the client's field facts
//! (lengths, types and upper-case formats of every table the plan names, so `SO_HDR.COMMENT1`'s
//! length guards the reference before anything is written) together with what the run leaves out:
//! the options of optional columns the administration lacks are switched off for the run, and those
//! columns are omitted from every write.

use std::sync::Arc;
use std::time::Duration;

use sync_core::error::SyncError;
use tokio::time::Instant;

use super::columns::{ColumnCheck, ColumnPlan, Flow};
use super::ledger::AccountViewLedger;
use crate::discovery::FieldDictionaryEntry;

/// How long a loaded dictionary is used before it is read again (a column widened in AccountView is
/// picked up within the hour, without a request per run).
pub(super) const DICTIONARY_REFRESH: Duration = Duration::from_secs(60 * 60);

/// A dictionary read at `loaded_at`.
#[derive(Debug)]
pub(super) struct LoadedDictionary {
    loaded_at: Instant,
    entries: Vec<FieldDictionaryEntry>,
}

impl AccountViewLedger {
    /// The connector's column plan: every column the configured flows read or write.
    pub fn column_plan(&self) -> &ColumnPlan {
        &self.plan
    }

    /// The column plan held against the administration's field dictionary — exactly what a run of
    /// [`Ledger::prepare`](sync_core::traits::Ledger::prepare) or
    /// [`ArticleSource::prepare`](sync_core::traits::ArticleSource::prepare) uses, so `koppel check`
    /// can list it. Loads the dictionary of the plan's tables (at most once an hour; a failed
    /// refresh keeps the one loaded) and, when it was read, installs it: the client's field facts
    /// become the connector's base facts merged with the dictionary's types, lengths and uppercase
    /// formats (not its mandatory flags: the dictionary marks columns AccountView generates itself,
    /// such as `ORD_NR`, mandatory), plus the columns the administration lacks as omitted from
    /// writes, and the run's options switch off every optional column it lacks.
    ///
    /// A dictionary that cannot be read leaves everything as configured: the check says so in one
    /// warning.
    pub async fn check_columns(&self) -> ColumnCheck {
        let mut loaded = self.dictionary.lock().await;
        let fresh = loaded
            .as_ref()
            .is_some_and(|d| d.loaded_at.elapsed() < DICTIONARY_REFRESH);
        if !fresh {
            match self.load_dictionary().await {
                Ok(entries) => {
                    let check = self.plan.check(&entries);
                    self.install(&entries, &check);
                    tracing::debug!(
                        columns = entries.len(),
                        "field dictionary loaded into the field facts"
                    );
                    *loaded = Some(LoadedDictionary {
                        loaded_at: Instant::now(),
                        entries,
                    });
                    return check;
                }
                Err(e) if loaded.is_some() => {
                    // Keep the dictionary of the last hour rather than fall back.
                    tracing::warn!(error = %e, "the field dictionary could not be refreshed; the loaded one stays");
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the field dictionary cannot be read");
                    return self.plan.unchecked(e.to_string());
                }
            }
        }
        let entries = loaded.as_ref().map_or(&[][..], |d| d.entries.as_slice());
        self.plan.check(entries)
    }

    /// The per-run check of `flow`: its warnings, or the configuration error naming the option of a
    /// required column the administration lacks.
    pub(super) async fn prepare_columns(&self, flow: Flow) -> Result<Vec<String>, SyncError> {
        let check = self.check_columns().await;
        if let Some(error) = check.error(Some(flow)) {
            return Err(error);
        }
        let warnings = check.warnings(Some(flow));
        for warning in &warnings {
            tracing::warn!(%flow, "{warning}");
        }
        Ok(warnings)
    }

    /// Installs a freshly read dictionary and what the run leaves out.
    fn install(&self, entries: &[FieldDictionaryEntry], check: &ColumnCheck) {
        let mut facts = (*self.base_facts).clone();
        let installable: Vec<FieldDictionaryEntry> = entries
            .iter()
            .cloned()
            .map(|mut e| {
                e.mandatory = Some(false);
                e
            })
            .collect();
        facts.extend_from_dictionary(&installable);
        for (table, column) in check.omitted() {
            facts.omit(table, column);
        }
        self.client.set_field_facts(facts);
        *self
            .run_options
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Arc::new(check.run_options(&self.options));
    }

    /// The entries of every table of the plan, or the first error.
    async fn load_dictionary(&self) -> crate::Result<Vec<FieldDictionaryEntry>> {
        let mut entries = Vec::new();
        for table in self.plan.tables() {
            entries.extend(self.client.field_dictionary(table).await?);
        }
        Ok(entries)
    }
}
