//! [`AccountViewLedger`]: the connector, and its [`Ledger`] half (delivery addresses, the article
//! index, bookings). Debtors live in `ledger_debtors`, the article source in `article_source`.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use futures::TryStreamExt;
use sync_core::domain::{
    BookingRef, DeliveryAddressDraft, DeliveryAddressRecord, ExternalReference, SalesDocument,
    SalesDocumentKind,
};
use sync_core::error::{ErrorKind, SyncError};
use sync_core::report::ApiStats;
use sync_core::traits::{ArticleIndex, Ledger};

use super::addresses::{delivery_address_for_create, record_from_delivery_address};
use super::articles::{article_ref_from_row, index_fields};
use super::columns::{ColumnPlan, Flow, PlanScope};
use super::dictionary::LoadedDictionary;
use super::errors::{Operation, map_error};
use super::journal::journal_posting;
use super::numbering::NumberCache;
use super::options::LedgerOptions;
use super::proof::LookupProofs;
use super::sales_order::sales_order;
use crate::client::AccountViewClient;
use crate::dataset::{DataSet, Row};
use crate::error::Error;
use crate::query::{Filter, Query, SortOrder};
use crate::records::{JournalPosting, SalesOrder};
use crate::validate::FieldFacts;

/// Rows read when looking a booking up by its reference. AccountView's `Equal` on text may match
/// prefixes (FoxPro comparison), so a few rows sorted on the reference are read and compared exactly:
/// the exact match sorts before every longer text it prefixes.
const BOOKING_LOOKUP_ROWS: u32 = 10;

/// The reference [`AccountViewLedger::verify_booking_lookup`] looks for: one no booking carries.
const LOOKUP_PROBE_REFERENCE: &str = "KOPPEL-CHECK-NO-SUCH-BOOKING";

/// The `SO_HDR` column with a sales order's (invoice) debtor: the mapping always writes the debtor
/// there (`RPL_INV`, one of the columns no option may name), so it is not configurable.
const SALES_ORDER_DEBTOR_COLUMN: &str = "RPL_INV";

/// The `DJ_PAGE` column with a journal page's debtor (sub-account): the mapping always writes the
/// debtor there (`SUB_NR`), so it is not configurable.
const JOURNAL_DEBTOR_COLUMN: &str = "SUB_NR";

/// Where one kind of booking lives in the administration.
struct BookingPlace<'a> {
    /// The business object read (and, for sales orders, written).
    object: &'a str,
    /// Its header table.
    table: &'static str,
    /// The column with the external reference.
    reference: &'a str,
    /// The columns with the booking's number, first filled one wins.
    numbers: Vec<&'a str>,
    /// The column with the booking's debtor.
    debtor: &'static str,
    /// The `[accountview.ledger]` options that choose `object` and `reference`.
    options: &'static str,
}

/// An AccountView administration as sync-core's ledger ([`Ledger`],
/// [`LedgerDebtors`](sync_core::traits::LedgerDebtors)) and article source
/// ([`ArticleSource`](sync_core::traits::ArticleSource)).
///
/// Cheap to clone; clones share the client (tokens, write lock, statistics) and the debtor-number
/// cache. `Debug` shows no secret.
#[derive(Clone)]
pub struct AccountViewLedger {
    pub(super) client: AccountViewClient,
    pub(super) options: Arc<LedgerOptions>,
    pub(super) numbers: Arc<tokio::sync::Mutex<Option<NumberCache>>>,
    /// Which reference lookups are proven to find what was booked (see `proof`).
    proofs: Arc<LookupProofs>,
    /// The client's field facts when the connector was made; the field dictionary is merged into
    /// these (see `dictionary`).
    pub(super) base_facts: Arc<FieldFacts>,
    /// The field dictionary loaded by `prepare`, if any (refreshed hourly).
    pub(super) dictionary: Arc<tokio::sync::Mutex<Option<LoadedDictionary>>>,
    /// Every column the configured flows use (see `columns`).
    pub(super) plan: Arc<ColumnPlan>,
    /// The options a run uses: the configured ones with every optional column the administration
    /// lacks switched off (set by `prepare`; the configured ones until then).
    pub(super) run_options: Arc<std::sync::RwLock<Arc<LedgerOptions>>>,
}

impl fmt::Debug for AccountViewLedger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountViewLedger")
            .field("client", &self.client)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl AccountViewLedger {
    /// A connector over `client` (which must have a company selected) with `options`, checked with
    /// [`LedgerOptions::validate`], for the default [`PlanScope`] (the orders flow, both kinds of
    /// booking); see [`with_scope`](Self::with_scope).
    pub fn new(client: AccountViewClient, options: LedgerOptions) -> Result<Self, SyncError> {
        options.validate()?;
        let plan = ColumnPlan::new(&options, &PlanScope::default());
        Ok(Self {
            base_facts: Arc::new(client.field_facts()),
            dictionary: Arc::default(),
            client,
            run_options: Arc::new(std::sync::RwLock::new(Arc::new(options.clone()))),
            options: Arc::new(options),
            numbers: Arc::default(),
            proofs: Arc::default(),
            plan: Arc::new(plan),
        })
    }

    /// The connector for the flows of `scope` (which flows are enabled and how they use the
    /// administration): its [`ColumnPlan`], which every run checks against the field dictionary.
    #[must_use]
    pub fn with_scope(mut self, scope: &PlanScope) -> Self {
        self.plan = Arc::new(ColumnPlan::new(&self.options, scope));
        self
    }

    /// The options of a run: the configured ones with every optional column the administration
    /// lacks switched off.
    pub fn run_options(&self) -> Arc<LedgerOptions> {
        self.run_options
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The client underneath (for statistics or calls the traits do not cover).
    pub fn client(&self) -> &AccountViewClient {
        &self.client
    }

    /// The configured options (see [`run_options`](Self::run_options) for those of a run).
    pub fn options(&self) -> &LedgerOptions {
        &self.options
    }

    /// Performs one real lookup of `kind`'s bookings by a reference no booking carries, for a
    /// configuration check (`koppel check`): the configured business object and reference column
    /// must answer with rows or with AccountView's "no records" answer. Returns where it looked, as
    /// `OBJECT.COLUMN`; an error (whatever AccountView answered, or why it could not be asked) names
    /// that place and the `[accountview.ledger]` options that choose it. Writes nothing.
    pub async fn verify_booking_lookup(
        &self,
        kind: SalesDocumentKind,
    ) -> Result<String, SyncError> {
        let place = self.booking_place(kind);
        let label = format!("{}.{}", place.object, place.reference);
        let probe = ExternalReference::new(LOOKUP_PROBE_REFERENCE);
        match self.lookup(&probe, kind).await {
            Ok(_) => Ok(label),
            Err(e) => Err(SyncError::with_class(
                e.class(),
                e.kind(),
                format!(
                    "the reference lookup of {label} cannot be performed: {}; check \
                     [accountview.ledger] {}",
                    e.message(),
                    place.options
                ),
            )
            .with_source(e)),
        }
    }

    /// The client's request counters as a run report wants them (AccountView has no rate-limit
    /// headers, so nothing is throttled).
    pub(super) fn usage(&self) -> ApiStats {
        self.client.stats().into()
    }

    /// Where a kind of booking lives: business object, table, reference column, number columns and
    /// the debtor column.
    fn booking_place(&self, kind: SalesDocumentKind) -> BookingPlace<'_> {
        let o = &*self.options;
        match kind {
            SalesDocumentKind::SalesOrder => BookingPlace {
                object: SalesOrder::BUSINESS_OBJECT,
                table: SalesOrder::HEADER_TABLE,
                reference: &o.sales_order_reference_column,
                numbers: vec![o.sales_order_number_column.as_str()],
                debtor: SALES_ORDER_DEBTOR_COLUMN,
                options: "sales_order_reference_column",
            },
            SalesDocumentKind::SalesInvoice | SalesDocumentKind::CreditNote => BookingPlace {
                object: &o.journal_read_object,
                table: JournalPosting::PAGE_TABLE,
                reference: &o.sales_invoice_reference_column,
                numbers: vec![o.journal_number_column.as_str(), "PAGE_NR"],
                debtor: JOURNAL_DEBTOR_COLUMN,
                options: "journal_read_object and sales_invoice_reference_column",
            },
        }
    }

    /// The first filled of `columns` in a row (a booking number, a debtor), trimmed.
    fn first_filled(row: &Row, columns: &[&str]) -> Option<String> {
        columns
            .iter()
            .find_map(|c| row.text_lossy(c).map(|v| v.trim().to_owned()))
            .filter(|v| !v.is_empty())
    }

    /// The booking stamped with `reference` (the lookup itself; see `find_booking`).
    async fn lookup(
        &self,
        reference: &ExternalReference,
        kind: SalesDocumentKind,
    ) -> Result<Option<BookingRef>, SyncError> {
        let place = self.booking_place(kind);
        let object = place.object;
        let mut fields = vec![place.reference.to_owned()];
        fields.extend(place.numbers.iter().map(|c| (*c).to_owned()));
        fields.push(place.debtor.to_owned());
        let query = Query::new(object)
            .table(place.table)
            .fields(fields)
            .filter(Filter::equal(place.reference, reference.as_str()))
            .sort([place.reference], SortOrder::Ascending)
            .page_size(BOOKING_LOOKUP_ROWS);
        let rows: Vec<Row> = self
            .client
            .query(query)
            .max_pages(1)
            .stream()
            .try_collect()
            .await
            .map_err(|e| {
                let context = format!("looking up booking {reference} in {object}");
                map_error(e, Operation::Lookup, &context)
            })?;
        let wanted = reference.as_str().trim();
        let Some(row) = rows.iter().find(|r| {
            r.text_lossy(place.reference)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(wanted))
        }) else {
            return Ok(None);
        };
        let number = Self::first_filled(row, &place.numbers).unwrap_or_else(|| {
            tracing::warn!(%reference, "booking found without a number: the reference stands in");
            wanted.to_owned()
        });
        Ok(Some(BookingRef {
            number,
            kind,
            // The debtor column of the found row, so the flow can link the debtor of a booking it
            // recovers by its reference; `None` when the row does not say.
            debtor: Self::first_filled(row, &[place.debtor]),
        }))
    }

    /// Proves a lookup before this process writes anything through it, with a booking that exists
    /// already: one row of the business object whose reference column is filled must be found again
    /// by that reference. So a new process with a blind lookup (a wrong business object, a
    /// reference column the filter cannot match) stops before its first write instead of booking
    /// an order again that an earlier process booked. Tried once per process and place; when the
    /// business object holds no such row, the first booking written through it proves it.
    async fn prove_before_first_write(&self, kind: SalesDocumentKind) -> Result<(), SyncError> {
        let place = self.booking_place(kind);
        if self.proofs.is_tried(place.object, place.reference) {
            return Ok(());
        }
        let label = format!("{}.{}", place.object, place.reference);
        let sample = Query::new(place.object)
            .table(place.table)
            .fields([place.reference.to_owned()])
            .filter(Filter::not_equal(place.reference, ""))
            .page_size(1);
        let rows: Vec<Row> = self
            .client
            .query(sample)
            .max_pages(1)
            .stream()
            .try_collect()
            .await
            .map_err(|e| {
                map_error(
                    e,
                    Operation::Lookup,
                    &format!("reading a booking to prove the lookup of {label}"),
                )
            })?;
        let Some(existing) = rows
            .iter()
            .filter_map(|r| r.text_lossy(place.reference))
            .map(|v| v.trim().to_owned())
            .find(|v| !v.is_empty())
        else {
            self.proofs
                .nothing_to_prove_with(place.object, place.reference);
            return Ok(());
        };
        match self
            .lookup(&ExternalReference::new(existing.clone()), kind)
            .await
        {
            Ok(Some(_)) => {
                self.proofs.prove(place.object, place.reference);
                Ok(())
            }
            Err(e) if e.is_retryable() => Err(e),
            outcome => {
                let why = match outcome {
                    Err(e) => format!("cannot be looked up: {e}"),
                    _ => "is not found by its reference".to_owned(),
                };
                Err(self.proofs.blind(
                    place.object,
                    place.reference,
                    format!(
                        "the reference lookup of {label} cannot read bookings back: the existing \
                         booking `{existing}` {why}; every duplicate check would be blind, so \
                         nothing is written — check [accountview.ledger] {}",
                        place.options
                    ),
                ))
            }
        }
    }

    /// Reads a booking just written back by its reference, proving the lookup the flow relies on.
    ///
    /// Found: the lookup is proven (for this process) and the found booking is returned. Not found,
    /// or refused (a wrong business object, an unknown column): the lookup is blind and every
    /// duplicate check through it would say "not booked", a fatal configuration error from now on.
    /// A read that fails for now (gateway, timeout) proves nothing either way: `Ok(None)`, and the
    /// next booking tries again.
    async fn read_back(
        &self,
        document: &SalesDocument,
        written: Option<&str>,
    ) -> Result<Option<BookingRef>, SyncError> {
        let place = self.booking_place(document.kind);
        let reference = &document.reference;
        let why = match self.lookup(reference, document.kind).await {
            Ok(Some(found)) => {
                self.proofs.prove(place.object, place.reference);
                tracing::debug!(%reference, object = place.object, "booking read back by its reference");
                return Ok(Some(found));
            }
            Err(e) if e.is_retryable() => {
                tracing::warn!(%reference, error = %e, "reading the booking back failed for now: its lookup stays unproven");
                return Ok(None);
            }
            Ok(None) => "is not found by its reference".to_owned(),
            Err(e) => format!("cannot be looked up: {e}"),
        };
        let written = written.map_or_else(
            || "was written (AccountView's answer held no number)".to_owned(),
            |n| format!("was written as {n}"),
        );
        let write_object = match document.kind {
            SalesDocumentKind::SalesOrder => SalesOrder::BUSINESS_OBJECT,
            SalesDocumentKind::SalesInvoice | SalesDocumentKind::CreditNote => {
                JournalPosting::BUSINESS_OBJECT
            }
        };
        let message = format!(
            "the reference lookup of {object}.{column} cannot read bookings back: every duplicate \
             check would be blind. Booking {reference} {written} in {write_object} but {why}; fix \
             [accountview.ledger] {options} before the next run (the booking stands: do not book it \
             again)",
            object = place.object,
            column = place.reference,
            options = place.options,
        );
        tracing::error!(%reference, object = place.object, "{message}");
        Err(self.proofs.blind(place.object, place.reference, message))
    }
}

#[async_trait]
impl Ledger for AccountViewLedger {
    /// Refuses to start a run while a reference lookup is known to be blind (see `read_back`), then
    /// checks the orders flow's columns against the administration's field dictionary (loaded at
    /// most once an hour) and installs it (see `dictionary` and `columns`): an optional column it
    /// lacks is left out with a warning, a required one stops the run naming its option.
    async fn prepare(&self) -> Result<Vec<String>, SyncError> {
        self.proofs.check_all()?;
        self.prepare_columns(Flow::Orders).await
    }

    async fn delivery_addresses(
        &self,
        debtor: &str,
    ) -> Result<Vec<DeliveryAddressRecord>, SyncError> {
        let debtor = debtor.trim();
        // AccountView's "no records" answer is an empty list already (see `AccountViewClient::read`);
        // any other 404 is a blind lookup that would add the address again for every order.
        let rows = self
            .client
            .delivery_addresses()
            .for_debtor(debtor)
            .await
            .map_err(|e| {
                let context = format!("reading the delivery addresses of debtor {debtor}");
                map_error(e, Operation::Lookup, &context)
            })?;
        Ok(rows
            .iter()
            .filter(|a| {
                a.sub_nr
                    .as_deref()
                    .is_none_or(|s| s.trim().eq_ignore_ascii_case(debtor))
            })
            .filter_map(|a| record_from_delivery_address(a, debtor))
            .collect())
    }

    async fn create_delivery_address(
        &self,
        debtor: &str,
        address: &DeliveryAddressDraft,
    ) -> Result<DeliveryAddressRecord, SyncError> {
        let row = delivery_address_for_create(debtor, address);
        let context = format!("creating a delivery address for debtor {debtor}");
        let created = match self.client.delivery_addresses().create(&row).await {
            Ok(created) => record_from_delivery_address(&created, debtor),
            Err(Error::Decode { .. }) => None,
            Err(e) => return Err(map_error(e, Operation::Write, &context)),
        };
        if let Some(record) = created {
            tracing::info!(debtor, id = %record.id, "delivery address created");
            return Ok(record);
        }
        // Written, but the answer carried no REC_ID: find the address we just stored.
        let stored = self.delivery_addresses(debtor).await?;
        stored
            .into_iter()
            .find(|a| a.details.address.same_place(&address.address))
            .ok_or_else(|| {
                SyncError::skippable(
                    ErrorKind::Decode,
                    format!(
                        "{context}: AccountView returned no REC_ID and the address is not found"
                    ),
                )
                .with_outcome_unknown()
            })
    }

    async fn article_index(&self) -> Result<ArticleIndex, SyncError> {
        let options = self.run_options();
        let query = Query::new("AK1")
            .table("ARTICLE")
            .fields(index_fields(&options))
            .sort(["ART_CODE"], SortOrder::Ascending)
            .page_size(options.article_page_size);
        let rows: Vec<Row> = self
            .client
            .query(query)
            .collect()
            .await
            .map_err(|e| map_error(e, Operation::Scan, "reading the article index (AK1)"))?;
        let index: ArticleIndex = rows
            .iter()
            .filter_map(|row| article_ref_from_row(row, &options))
            .collect();
        tracing::debug!(articles = index.len(), "article index loaded");
        Ok(index)
    }

    async fn find_booking(
        &self,
        reference: &ExternalReference,
        kind: SalesDocumentKind,
    ) -> Result<Option<BookingRef>, SyncError> {
        let place = self.booking_place(kind);
        self.proofs.check(place.object, place.reference)?;
        self.prove_before_first_write(kind).await?;
        self.lookup(reference, kind).await
    }

    async fn book(&self, document: &SalesDocument) -> Result<BookingRef, SyncError> {
        let facts = self.client.field_facts();
        let options = self.run_options();
        let request = match document.kind {
            SalesDocumentKind::SalesOrder => {
                sales_order(document, &options, &facts)?.to_write_request()
            }
            SalesDocumentKind::SalesInvoice | SalesDocumentKind::CreditNote => {
                journal_posting(document, &options, &facts)?.to_write_request()
            }
        };
        let place = self.booking_place(document.kind);
        // A lookup known to be blind cannot tell whether this document is booked already.
        self.proofs.check(place.object, place.reference)?;
        let (object, table, number_columns) = (place.object, place.table, &place.numbers);
        let context = format!("booking {} as {object}", document.reference);
        let request = request.map_err(|e| map_error(e, Operation::Write, &context))?;
        let data: Option<DataSet> = match self.client.create(&request).await {
            Ok(data) => Some(data),
            Err(Error::Decode { .. }) => None,
            Err(e) => return Err(map_error(e, Operation::Write, &context)),
        };
        let number = data.as_ref().and_then(|d| {
            d.table(table)
                .first()
                .and_then(|row| Self::first_filled(row, number_columns))
        });
        let written = |number: String| BookingRef {
            number,
            kind: document.kind,
            debtor: Some(document.debtor.number.clone()),
        };
        let booking = match number {
            // The lookup is proven already: the answer's number is the booking.
            Some(number) if self.proofs.is_proven(place.object, place.reference) => written(number),
            // Read the first booking of this business object back, to prove its lookup.
            Some(number) => {
                self.read_back(document, Some(&number)).await?;
                written(number)
            }
            // Written, but the answer holds no number: the lookup finds it (and so proves itself).
            None => match self.read_back(document, None).await? {
                Some(mut found) => {
                    found.debtor = found
                        .debtor
                        .or_else(|| Some(document.debtor.number.clone()));
                    found
                }
                None => {
                    tracing::warn!(
                        reference = %document.reference,
                        "booking written but its number is unknown: the reference stands in for it"
                    );
                    written(document.reference.as_str().to_owned())
                }
            },
        };
        tracing::info!(reference = %document.reference, number = %booking.number, object, "booked");
        Ok(booking)
    }
}
