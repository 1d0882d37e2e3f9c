//! [`LedgerDebtors`] for [`AccountViewLedger`]: debtors (`AR1` / `CONTACT`).

use async_trait::async_trait;
use sync_core::domain::{DebtorDraft, DebtorRecord, Email};
use sync_core::error::{ErrorKind, SyncError};
use sync_core::report::ApiStats;
use sync_core::traits::{DebtorNumberRange, LedgerDebtors, ReadWindow};

use super::debtors::{debtor_for_create, debtor_for_update, record_from_debtor};
use super::errors::{Operation, map_error};
use super::ledger::AccountViewLedger;
use super::numbering::NumberCache;
use crate::dataset::Row;
use crate::error::Error;
use crate::query::{Filter, Query, SortOrder};
use crate::records::{Debtor, Record};

/// Rows read when looking debtors up by e-mail (a handful at most).
const EMAIL_LOOKUP_PAGE: u32 = 100;

/// Rows read when getting a debtor by number: `Equal` may match prefixes (FoxPro comparison), and
/// the exact number sorts first.
const NUMBER_LOOKUP_PAGE: u32 = 10;

impl AccountViewLedger {
    /// Debtors matching `query`, as records (rows without a number are skipped). A lookup reads one
    /// page and fails on a row it cannot decode (ignoring it could create a duplicate debtor); a scan
    /// reads every page and skips such rows with a warning.
    async fn debtors(
        &self,
        query: Query,
        operation: Operation,
        context: &str,
    ) -> Result<Vec<DebtorRecord>, SyncError> {
        let mut call = self.client.query(query);
        if operation == Operation::Lookup {
            call = call.max_pages(1);
        }
        let rows: Vec<Row> = call
            .collect()
            .await
            .map_err(|e| map_error(e, operation, context))?;
        let mut records = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            match Debtor::from_row(row) {
                Ok(debtor) => records.extend(record_from_debtor(&debtor, &self.run_options())),
                Err(e) if operation == Operation::Scan => {
                    tracing::warn!(row = i, error = %e, "{context}: undecodable debtor row skipped");
                }
                Err(e) => {
                    let e = e.at_path(&format!("{}[{i}]", Debtor::TABLE));
                    return Err(map_error(e, operation, context));
                }
            }
        }
        Ok(records)
    }

    /// Every `SUB_NR`, from one scan of that column.
    async fn scan_debtor_numbers(&self) -> Result<Vec<String>, SyncError> {
        let query = Query::new(Debtor::BUSINESS_OBJECT)
            .table(Debtor::TABLE)
            .fields([Debtor::KEY])
            .sort([Debtor::KEY], SortOrder::Ascending)
            .page_size(self.options.debtor_page_size);
        let rows: Vec<Row> = self
            .client
            .query(query)
            .collect()
            .await
            .map_err(|e| map_error(e, Operation::Scan, "scanning debtor numbers (AR1)"))?;
        let numbers: Vec<String> = rows.iter().filter_map(|r| r.text_lossy("SUB_NR")).collect();
        tracing::debug!(debtors = numbers.len(), "debtor numbers scanned");
        Ok(numbers)
    }

    /// After AccountView refused `taken` (handed out by `next_debtor_number`) because a debtor with
    /// that number exists (created outside Koppel since the scan): scans the numbers again and hands
    /// out a fresh one. `None` when `taken` is not a number this connector handed out.
    async fn fresh_number_after(&self, taken: &str) -> Result<Option<String>, SyncError> {
        let mut cache = self.numbers.lock().await;
        let Some(range) = cache
            .as_ref()
            .filter(|c| c.issued(taken))
            .map(|c| *c.range())
        else {
            return Ok(None);
        };
        let scanned = self.scan_debtor_numbers().await?;
        let mut fresh = NumberCache::new(range, scanned.iter().map(String::as_str));
        if let Some(old) = cache.as_ref() {
            // Numbers handed out before may not show in the scan yet (a create in flight).
            old.taken().for_each(|n| fresh.mark_taken(n));
        }
        if let Ok(n) = taken.trim().parse::<u64>() {
            fresh.mark_taken(n);
        }
        let number = fresh.take()?;
        *cache = Some(fresh);
        Ok(Some(number.to_string()))
    }

    /// One create. With `renumber`, AccountView's answer that the (handed-out) number exists
    /// already comes back as [`Created::NumberTaken`] instead of an error.
    async fn create_once(
        &self,
        draft: &DebtorDraft,
        number: Option<&str>,
        renumber: bool,
    ) -> Result<Created, SyncError> {
        let debtor = debtor_for_create(draft, number, &self.run_options());
        let context = format!("creating debtor `{}`", draft.name);
        let created = match self.client.debtors().create(&debtor).await {
            Ok(created) => record_from_debtor(&created, &self.run_options()),
            Err(Error::Decode { .. }) => None,
            Err(e) if renumber && number.is_some_and(|n| says_number_exists(&e, n)) => {
                return Ok(Created::NumberTaken(map_error(
                    e,
                    Operation::Write,
                    &context,
                )));
            }
            Err(e) => return Err(map_error(e, Operation::Write, &context)),
        };
        let record = match created {
            Some(record) => record,
            None => self.created_debtor(&debtor, draft).await?,
        };
        tracing::info!(number = %record.number, "debtor created");
        Ok(Created::Record(Box::new(record)))
    }

    /// After a create AccountView acknowledged without a usable number: find the debtor we stored, by
    /// the number we sent or else by its e-mail address (only when exactly one debtor has it).
    async fn created_debtor(
        &self,
        debtor: &Debtor,
        draft: &DebtorDraft,
    ) -> Result<DebtorRecord, SyncError> {
        let found = match (&debtor.sub_nr, &draft.email) {
            (Some(number), _) => self.get_debtor(number).await?,
            (None, Some(email)) => {
                let mut matches = self.find_debtor_by_email(email).await?;
                if matches.len() == 1 {
                    matches.pop()
                } else {
                    None
                }
            }
            (None, None) => None,
        };
        found.ok_or_else(|| {
            SyncError::skippable(
                ErrorKind::Decode,
                format!(
                    "debtor `{}` was written but AccountView's answer holds no debtor number and it \
                     cannot be found again; check AR1 before replaying",
                    draft.name
                ),
            )
            .with_outcome_unknown()
        })
    }
}

#[async_trait]
impl LedgerDebtors for AccountViewLedger {
    fn api_stats(&self) -> ApiStats {
        self.usage()
    }

    async fn changed_debtors(&self, window: &ReadWindow) -> Result<Vec<DebtorRecord>, SyncError> {
        let mut query = Debtor::query().page_size(self.options.debtor_page_size);
        if let Some(since) = window.since {
            query = query.filter(Filter::on_or_after("CNG_DATE", since.naive_utc()));
        }
        self.debtors(query, Operation::Scan, "reading changed debtors (AR1)")
            .await
    }

    async fn find_debtor_by_email(&self, email: &Email) -> Result<Vec<DebtorRecord>, SyncError> {
        // AccountView compares text case-sensitively (FoxPro), and merchants type addresses as they
        // like: ask for the usual spellings of the normalised address in one query, one `Equal`
        // filter per spelling, OR'ed. Not a list filter: AccountView splits a list at its commas,
        // and an address may hold one (`a,b@x.nl` would be asked as `a` or `b@x.nl`). `Equal` also
        // matches longer addresses that start with a spelling; sorted on the address, the exact
        // ones come first.
        let mut query = Debtor::query()
            .sort(["MAIL_BUS"], SortOrder::Ascending)
            .match_any(true)
            .page_size(EMAIL_LOOKUP_PAGE);
        for spelling in email_spellings(email.as_str()) {
            query = query.filter(Filter::equal("MAIL_BUS", spelling));
        }
        let context = format!("looking up debtors by e-mail {email}");
        let found = self.debtors(query, Operation::Lookup, &context).await?;
        // AccountView may compare case-sensitively or by prefix; keep exact (normalised) matches.
        Ok(found
            .into_iter()
            .filter(|d| d.details.email.as_ref() == Some(email))
            .collect())
    }

    async fn get_debtor(&self, number: &str) -> Result<Option<DebtorRecord>, SyncError> {
        let number = number.trim().to_uppercase();
        let query = Debtor::query()
            .filter(Filter::equal(Debtor::KEY, number.as_str()))
            .page_size(NUMBER_LOOKUP_PAGE);
        let context = format!("reading debtor {number}");
        let found = self.debtors(query, Operation::Lookup, &context).await?;
        Ok(found
            .into_iter()
            .find(|d| d.number.eq_ignore_ascii_case(&number)))
    }

    async fn create_debtor(
        &self,
        draft: &DebtorDraft,
        number: Option<&str>,
    ) -> Result<DebtorRecord, SyncError> {
        let refused = match self.create_once(draft, number, true).await? {
            Created::Record(record) => return Ok(*record),
            Created::NumberTaken(refused) => refused,
        };
        // The number was free at the scan but exists now: scan once more and retry once.
        let Some(fresh) = self.fresh_number_after(number.unwrap_or_default()).await? else {
            return Err(refused);
        };
        tracing::warn!(
            taken = number.unwrap_or_default(),
            %fresh,
            "debtor number taken since the scan (created outside Koppel?): retrying with a fresh one"
        );
        match self.create_once(draft, Some(&fresh), false).await? {
            Created::Record(record) => Ok(*record),
            Created::NumberTaken(refused) => Err(refused),
        }
    }

    async fn update_debtor(
        &self,
        number: &str,
        draft: &DebtorDraft,
    ) -> Result<DebtorRecord, SyncError> {
        let debtor = debtor_for_update(number, draft, &self.run_options());
        let context = format!("updating debtor {number}");
        let updated = match self.client.debtors().update(&debtor).await {
            Ok(updated) => record_from_debtor(&updated, &self.run_options()),
            Err(Error::Decode { .. }) => None,
            Err(e) => return Err(map_error(e, Operation::Write, &context)),
        };
        match updated {
            Some(record) => Ok(record),
            None => self.get_debtor(number).await?.ok_or_else(|| {
                SyncError::skippable(
                    ErrorKind::NotFound,
                    format!("{context}: the debtor is not found after the update"),
                )
            }),
        }
    }

    async fn next_debtor_number(&self, range: &DebtorNumberRange) -> Result<String, SyncError> {
        let mut cache = self.numbers.lock().await;
        let cached = cache.as_mut().filter(|c| c.range() == range);
        let numbers = match cached {
            Some(numbers) => numbers,
            None => {
                let scanned = self.scan_debtor_numbers().await?;
                cache.insert(NumberCache::new(*range, scanned.iter().map(String::as_str)))
            }
        };
        numbers.take().map(|n| n.to_string())
    }
}

/// The outcome of one create attempt.
enum Created {
    /// The debtor as stored.
    Record(Box<DebtorRecord>),
    /// AccountView refused the number because a debtor with it exists (the mapped error).
    NumberTaken(SyncError),
}

/// Phrases of AccountView's answer that a record exists already ("Debiteur 10025 bestaat al.").
const EXISTS_MARKERS: [&str; 3] = ["bestaat al", "bestaat reeds", "already exists"];

/// Whether `error` is AccountView saying that debtor `number` exists already: an AccountView error
/// whose message says so and names that number (so a duplicate search code, say, is not taken for
/// it).
fn says_number_exists(error: &Error, number: &str) -> bool {
    let Error::AccountView { message, .. } = error else {
        return false;
    };
    let lower = message.to_lowercase();
    let number = number.trim();
    !number.is_empty()
        && EXISTS_MARKERS.iter().any(|m| lower.contains(m))
        && message
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word.eq_ignore_ascii_case(number))
}

/// The spellings of a (lower-case) e-mail address that people commonly store: as is, with a capital
/// first letter, with capitals after each dot of the local part (`Jan.Jansen@…`), and in capitals.
fn email_spellings(email: &str) -> Vec<String> {
    fn capitalise(word: &str) -> String {
        let mut chars = word.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let dotted = local
        .split('.')
        .map(capitalise)
        .collect::<Vec<_>>()
        .join(".");
    let mut spellings = vec![
        email.to_owned(),
        format!("{}@{domain}", capitalise(local)),
        format!("{dotted}@{domain}"),
        email.to_uppercase(),
    ];
    spellings.dedup();
    spellings.sort();
    spellings.dedup();
    spellings
}

#[cfg(test)]
mod spelling_tests {
    use super::{Error, email_spellings, says_number_exists};

    #[test]
    fn tells_a_taken_number_from_other_refusals() {
        let av = |message: &str| Error::AccountView {
            error_type: "AccountViewError".into(),
            numbers: None,
            message: message.into(),
            status: http::StatusCode::BAD_REQUEST,
        };
        assert!(says_number_exists(
            &av("Debiteur 10025 bestaat al."),
            "10025"
        ));
        assert!(says_number_exists(
            &av("Debtor 10025 already exists"),
            " 10025 "
        ));
        assert!(!says_number_exists(
            &av("Debiteur 100250 bestaat al."),
            "10025"
        ));
        assert!(!says_number_exists(
            &av("Zoekcode JANSEN bestaat al."),
            "10025"
        ));
        assert!(!says_number_exists(
            &av("Debiteur 10025 bestaat niet."),
            "10025"
        ));
        assert!(!says_number_exists(&Error::Timeout, "10025"));
    }

    #[test]
    fn usual_spellings_of_an_address() {
        let s = email_spellings("jan.de.vries@example.nl");
        assert!(s.contains(&"jan.de.vries@example.nl".to_owned()));
        assert!(s.contains(&"Jan.de.vries@example.nl".to_owned()));
        assert!(s.contains(&"Jan.De.Vries@example.nl".to_owned()));
        assert!(s.contains(&"JAN.DE.VRIES@EXAMPLE.NL".to_owned()));
        assert!(email_spellings("a,b@x.nl").contains(&"a,b@x.nl".to_owned()));
    }
}
