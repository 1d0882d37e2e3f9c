//! Typed async client for the Visma AccountView.Net web API.
//!
//! AccountView.Net relays requests to the merchant's own AccountView server, so calls are slow,
//! sometimes fail with a gateway error while that server is offline, and writes to one administration
//! must not overlap. This client handles that: OAuth 2.0 with persisted, rotating refresh tokens and a
//! single-flight refresh; the `X-Company` header; capped, jittered retries of reads (writes only when
//! certainly not sent); one write at a time per administration; tolerant decoding of AccountView's
//! table-keyed responses; positional write bodies from typed records; and client-side validation from
//! AccountView's field facts.
//!
//! Modules, one per concern: [`auth`] (OAuth and token stores), [`query`] and [`paging`] (reading),
//! [`dataset`] (decoding), [`write`](mod@write) and [`validate`] (writing), [`records`] (typed business objects),
//! [`discovery`] (business objects and dictionaries), [`transport`] (the swappable HTTP layer), and
//! [`error`].
//!
//! # Example
//!
//! ```no_run
//! use std::sync::Arc;
//! use accountview_client::{AccountViewClient, Debtor, FileTokenStore, Filter, Query};
//! use futures::TryStreamExt;
//!
//! # async fn run() -> accountview_client::Result<()> {
//! let client = AccountViewClient::builder()
//!     .client_id("my-api-key")
//!     .client_secret("my-api-secret")
//!     .token_store(Arc::new(FileTokenStore::new("/var/lib/koppel/accountview-tokens.json")))
//!     .build()?;
//!
//! // Pick the administration by its code, then work in it.
//! let company = client.company_by_code("SPAAK").await?.expect("administration exists");
//! let client = client.with_company(company.id)?;
//!
//! // Typed access.
//! if client.debtors().find_by_email("j.jansen@example.nl").await?.is_none() {
//!     let mut debtor = Debtor::new("1300", "JANSEN", "J. Jansen");
//!     debtor.mail_bus = Some("j.jansen@example.nl".into());
//!     let created = client.debtors().create(&debtor).await?;
//!     println!("new debtor {:?}", created.sub_nr);
//! }
//!
//! // Generic, paged access to any business object.
//! let rows: Vec<_> = client
//!     .query(Query::new("AK1").fields(["ART_CODE", "QTY_AVAIL"]).filter(Filter::contains("ART_CODE", "FB-")))
//!     .stream()
//!     .try_collect()
//!     .await?;
//! println!("{} articles, {:?}", rows.len(), client.stats());
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

pub mod auth;
mod builder;
mod client;
pub mod dataset;
pub mod discovery;
pub mod error;
mod http;
pub mod paging;
pub mod query;
pub mod records;
#[cfg(feature = "sync")]
pub mod sync;
pub mod validate;
pub mod write;

pub use auth::{FileTokenStore, MemoryTokenStore, RefreshLock, TokenSet, TokenStore};
pub use builder::{
    AccountViewClientBuilder, DEFAULT_AUTHORIZE_URL, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT,
};
pub use client::AccountViewClient;
pub use dataset::{DataSet, Row};
pub use discovery::{BusinessObjectInfo, FieldDictionaryEntry, TableDictionaryEntry};
pub use error::{Error, Result, ValidationProblem};
/// The swappable HTTP layer (from the shared core).
pub use koppel_http::transport;
/// The HTTP core shared with `lightspeed-client`: one transport adapter serves both clients.
pub use koppel_http::{
    ClientStats, HttpRequest, HttpResponse, ReqwestTransport, RetryPolicy, Transport,
    TransportError, TransportErrorKind,
};
pub use paging::{Page, QueryCall};
pub use query::{Filter, FilterOperator, FilterValue, Query, SortOrder};
pub use records::{
    Article, ArticleGroup, Company, Debtor, DeliveryAddress, Journal, JournalLine, JournalPage,
    JournalPosting, JournalPostings, LedgerAccount, Record, Records, SalesOrder, SalesOrderHeader,
    SalesOrderLine, SalesOrders, VatCode, WritableRecord,
};
pub use validate::{CaseRule, FieldFact, FieldFacts, OverflowPolicy, WriteMode};
pub use write::{FieldDef, FieldType, TableWrite, WriteRequest, WriteRow, WriteValue};
