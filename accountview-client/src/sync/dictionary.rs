//! The administration's field dictionary at run time ([`Ledger::prepare`](sync_core::traits::Ledger::prepare)):
//! loaded once an hour per process, installed into the client's field facts (so lengths such as
//! `SO_HDR.COMMENT1`'s, unknown to the built-in facts, guard the reference before anything is
//! written), and checked for the configured reference columns.

use std::time::Duration;

use sync_core::error::SyncError;
use tokio::time::Instant;

use super::ledger::AccountViewLedger;
use crate::discovery::FieldDictionaryEntry;
use crate::records::{JournalPosting, SalesOrder};

/// How long a loaded dictionary is used before it is read again (a column widened in AccountView is
/// picked up within the hour, without a request per run).
pub(super) const DICTIONARY_REFRESH: Duration = Duration::from_secs(60 * 60);

/// The tables the connector writes: their facts guard every write.
const WRITTEN_TABLES: [&str; 6] = [
    "CONTACT", "DEL_ADDR", "SO_HDR", "SO_LINE", "DJ_PAGE", "DJ_LINE",
];

/// A dictionary read at `loaded_at`.
#[derive(Debug)]
pub(super) struct LoadedDictionary {
    loaded_at: Instant,
    entries: Vec<FieldDictionaryEntry>,
}

impl AccountViewLedger {
    /// Loads (or reuses) the field dictionary, installs it, and checks the reference columns.
    ///
    /// The installed facts are the connector's base facts (those of the client when the connector
    /// was made) merged with the dictionary's types, lengths and uppercase formats. Its mandatory
    /// flags are left out: the dictionary marks columns AccountView generates itself (`ORD_NR`,
    /// `PAGE_NR`) mandatory, and requiring them would refuse every booking.
    ///
    /// A dictionary that cannot be read is one warning, and the base facts stay. A table the
    /// dictionary does not have is a warning too (its reference column is not verified). A
    /// reference column missing from a table the dictionary has is a fatal configuration error
    /// naming its `[accountview.ledger]` option.
    pub(super) async fn prepare_dictionary(&self) -> Result<Vec<String>, SyncError> {
        let mut loaded = self.dictionary.lock().await;
        let fresh = loaded
            .as_ref()
            .is_some_and(|d| d.loaded_at.elapsed() < DICTIONARY_REFRESH);
        if !fresh {
            match self.load_dictionary().await {
                Ok(entries) => {
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
                    self.client.set_field_facts(facts);
                    tracing::debug!(
                        columns = entries.len(),
                        "field dictionary loaded into the field facts"
                    );
                    *loaded = Some(LoadedDictionary {
                        loaded_at: Instant::now(),
                        entries,
                    });
                }
                Err(e) if loaded.is_some() => {
                    // Keep the dictionary of the last hour rather than fall back.
                    tracing::warn!(error = %e, "the field dictionary could not be refreshed; the loaded one stays");
                }
                Err(e) => {
                    let warning = format!(
                        "the field dictionary cannot be read ({e}): the built-in field facts \
                         stay, so column lengths AccountView knows but Koppel does not (such as \
                         the reference column's) are not checked before writing"
                    );
                    tracing::warn!("{warning}");
                    return Ok(vec![warning]);
                }
            }
        }
        let entries = loaded.as_ref().map_or(&[][..], |d| d.entries.as_slice());
        self.check_reference_columns(entries)
    }

    /// The entries of every written table, or the first error.
    async fn load_dictionary(&self) -> crate::Result<Vec<FieldDictionaryEntry>> {
        let mut entries = Vec::new();
        for table in WRITTEN_TABLES {
            entries.extend(self.client.field_dictionary(table).await?);
        }
        Ok(entries)
    }

    /// Each reference column must be in its table's dictionary, when the dictionary has the table.
    fn check_reference_columns(
        &self,
        entries: &[FieldDictionaryEntry],
    ) -> Result<Vec<String>, SyncError> {
        let o = &self.options;
        let mut warnings = Vec::new();
        for (table, column, option) in [
            (
                SalesOrder::HEADER_TABLE,
                o.sales_order_reference_column.as_str(),
                "sales_order_reference_column",
            ),
            (
                JournalPosting::PAGE_TABLE,
                o.sales_invoice_reference_column.as_str(),
                "sales_invoice_reference_column",
            ),
        ] {
            let mut columns = entries.iter().filter(|e| e.is_in_table(table)).peekable();
            if columns.peek().is_none() {
                warnings.push(format!(
                    "the field dictionary has no table {table}: [accountview.ledger] {option} \
                     ({column}) is not verified"
                ));
                continue;
            }
            if !columns.any(|e| e.is_field(column)) {
                return Err(SyncError::config(format!(
                    "[accountview.ledger] {option}: {table} has no column {column} in this \
                     administration's field dictionary, so bookings could not be found by their \
                     reference; name a column of {table} that can hold it"
                )));
            }
        }
        Ok(warnings)
    }
}
