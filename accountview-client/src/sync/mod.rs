//! The connector to `sync-core` (feature `sync`): an AccountView administration as the ledger of the
//! order and customer flows and as the article source of the stock and product flows.
//!
//! * [`AccountViewLedger`] implements [`Ledger`](sync_core::traits::Ledger),
//!   [`LedgerDebtors`](sync_core::traits::LedgerDebtors) and
//!   [`ArticleSource`](sync_core::traits::ArticleSource) over an [`AccountViewClient`](crate::AccountViewClient).
//! * [`LedgerOptions`] names every AccountView column the reference leaves open (where the external
//!   reference lives, the EAN column, the discount column…), with documented defaults.
//! * [`map_error`] is the one mapping of client errors to [`SyncError`](sync_core::error::SyncError)
//!   classes (retryable / fatal / skippable), marking ambiguous writes outcome-unknown.
//! * [`StateTokenStore`] keeps the client's OAuth tokens in sync-core's state store.
//!
//! * [`ColumnPlan`] is the one description of every column the configured flows read or write
//!   (per table, optional or required, and the option that chose it); [`ColumnCheck`] holds it
//!   against an administration's field dictionary. `koppel init`, `koppel check` and every run use
//!   it.
//!
//! [`Ledger::prepare`](sync_core::traits::Ledger::prepare) (orders) and
//! [`ArticleSource::prepare`](sync_core::traits::ArticleSource::prepare) (stock) load the
//! administration's field dictionary (at most once an hour) and check the connector's plan against
//! it: the dictionary's lengths and formats guard every write, an optional column the administration
//! lacks is left out of the run's queries and writes with one warning, a required one stops the run
//! naming the option to set.
//!
//! Bookings are found again by their external reference (lookup-before-create): sales orders by
//! `SO_HDR.COMMENT1`, journal postings by `DJ_PAGE.HDR_DESC` (both configurable); a booking found so
//! carries its debtor (`SO_HDR.RPL_INV`, `DJ_PAGE.SUB_NR`: the columns the mappings write it to). The
//! reference is never truncated; one that does not fit its column is refused as a mapping error.
//! The lookup is proven at run time: the first booking of each business object in a process (and
//! every booking whose answer holds no number) is read back by its reference, and one that is not
//! found stops the run as a configuration error, as does every later lookup or booking through that
//! lookup, instead of a blind "not booked" that would book orders twice.
//!
//! ```no_run
//! use std::sync::Arc;
//! use accountview_client::AccountViewClient;
//! use accountview_client::sync::{AccountViewLedger, LedgerOptions, StateTokenStore};
//! use sync_core::domain::{ExternalReference, SalesDocumentKind};
//! use sync_core::state::{MemoryStateStore, StateStore};
//! use sync_core::traits::Ledger;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let state: Arc<dyn StateStore> = Arc::new(MemoryStateStore::new());
//! let client = AccountViewClient::builder()
//!     .client_id("my-api-key")
//!     .client_secret("my-api-secret")
//!     .company_id("3f2c9a7e-1b4d-4c8e-9a51-0d6e2b7f4a10")
//!     .token_store(Arc::new(StateTokenStore::new(state.clone(), "my-api-key")))
//!     .build()?;
//! let options: LedgerOptions = serde_json::from_str(r#"{"journal_read_object": "DJ2P"}"#)?;
//! let ledger = AccountViewLedger::new(client, options)?;
//!
//! let index = ledger.article_index().await?;
//! println!("{} articles", index.len());
//! let reference = ExternalReference::new("LS-1234-ORD00018");
//! if let Some(booking) = ledger.find_booking(&reference, SalesDocumentKind::SalesOrder).await? {
//!     println!("already booked as {}", booking.number);
//! }
//! # Ok(())
//! # }
//! ```

mod addresses;
mod article_source;
mod articles;
mod columns;
mod debtors;
mod dictionary;
mod documents;
mod errors;
mod journal;
mod ledger;
mod ledger_debtors;
#[cfg(test)]
mod mapping_tests;
mod numbering;
mod options;
mod proof;
mod sales_order;
mod text;
mod token_store;

pub use columns::{
    CheckedColumn, ColumnCheck, ColumnPlan, ColumnStatus, ColumnUse, Flow, Need, OrdersScope,
    PLAN_TABLES, PlanScope, PlannedColumn, StockScope,
};
pub use errors::{Operation, map_error};
pub use ledger::AccountViewLedger;
pub use options::LedgerOptions;
pub use token_store::{REFRESH_LEASE_TTL, StateTokenStore};
