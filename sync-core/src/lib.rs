//! Vendor-neutral domain model, traits, configuration and run reports for Koppel.
//!
//! `sync-core` is the spine the flows (orders, stock, products, customers) are written against. It
//! knows neither Lightspeed nor AccountView: the client crates implement its traits behind their
//! `sync` feature, and a third system would be one more crate implementing the same traits.
//!
//! * [`domain`] — neutral types for what flows move: [`Order`](domain::Order),
//!   [`Party`](domain::Party), [`Article`](domain::Article), [`SalesDocument`](domain::SalesDocument)…;
//!   money is `rust_decimal::Decimal`, rounded only through [`domain::round_cents`].
//! * [`traits`] — the role traits the flows are written against ([`OrderSource`](traits::OrderSource), [`Ledger`](traits::Ledger),
//!   [`ArticleSource`](traits::ArticleSource), [`Catalog`](traits::Catalog),
//!   [`ShopCustomers`](traits::ShopCustomers), [`LedgerDebtors`](traits::LedgerDebtors)), the
//!   [`Notifier`](traits::Notifier) with its [`NotifyGate`](traits::NotifyGate), and the
//!   [`Clock`](traits::Clock).
//! * [`error`] — [`SyncError`](error::SyncError): fatal / retryable / skippable, grouped by kind.
//! * [`report`] — the [`RunReport`](report::RunReport) every flow returns, filled by a
//!   [`RunRecorder`](report::RunRecorder).
//! * [`config`] — the merchant's settings as TOML with `${ENV}` placeholders, defaults for a standard
//!   Dutch setup, and `validate()`.
//! * [`datamapper`] — field-to-field rules with transforms, previewable per step.
//! * [`formula`] — the Decimal expression language of the stock formula.
//! * [`blocks`] — the building blocks the flows are made of (run scope, record claims,
//!   claim-and-look-up, debtor upsert by e-mail, delivery addresses, changed-only writes), for
//!   services that compose their own flow.
//! * [`flows`] — the order and stock flows, composed from those blocks.
//! * [`monitor`] — watching finished runs: connection statuses and notifications once per incident.
//! * [`testing`] — in-memory implementations of every trait, for tests and as a guide for embedders;
//!   with feature `testing`, the state-store conformance suite.
//! * [`state`] — the state store as role traits (cursors, id map, hashes, claims, inbox, dead
//!   letters, runs, secrets, leases) with memory, SQLite and PostgreSQL implementations.
//!
//! ```
//! use rust_decimal_macros::dec;
//! use serde_json::json;
//! use sync_core::config::SyncConfig;
//! use sync_core::datamapper::{Datamapper, Rule, Transform};
//! use sync_core::domain::{CountryCode, Email, VatRate};
//! use sync_core::testing::{ArticleBuilder, MemoryLedger, OrderBuilder};
//! use sync_core::traits::{Ledger, LedgerDebtors};
//!
//! // Configuration from TOML: only what differs from the Dutch defaults.
//! let config = SyncConfig::from_toml(r#"
//!     [orders]
//!     target = "sales_invoice"
//!     vat_codes = [{ country = "NL", rate = 21, code = "2" }, { country = "EU", rate = 21, code = "4" }]
//!     [orders.payment_methods.ideal]
//!     condition = "00"
//!     [stock]
//!     buffer = 1
//! "#).unwrap();
//! let be = Some(CountryCode::BE);
//! assert_eq!(config.orders.vat_code(be, VatRate::from_percentage(21), false), Some("4"));
//! assert_eq!(config.orders.revenue_account(be), Some("8010"));
//! assert_eq!(config.orders.payment("iDEAL").condition.as_deref(), Some("00"));
//!
//! // The stock formula: available minus reservations, minus the buffer, never below zero.
//! let article = ArticleBuilder::new("ART-1")
//!     .quantity("QTY_AVAIL", dec!(7))
//!     .quantity("QTY_RES_SO", dec!(2))
//!     .build();
//! assert_eq!(config.stock.calculator().unwrap().quantity(&article).unwrap(), dec!(4));
//!
//! // The datamapper on a raw record.
//! let mapper = Datamapper::new([Rule {
//!     target: "debtor.name".into(),
//!     source: None,
//!     transforms: vec![
//!         Transform::Template { text: "{firstname} {lastname}".into() },
//!         Transform::Truncate { max: 40 },
//!     ],
//! }]).unwrap();
//! let mapped = mapper.apply(&json!({"firstname": "Jan", "lastname": "Jansen"})).unwrap();
//! assert_eq!(mapped["debtor"]["name"], "Jan Jansen");
//!
//! // The traits, through their in-memory implementations.
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let ledger = MemoryLedger::new();
//! ledger.add_articles(&[article]);
//! let order = OrderBuilder::new("ORD001").line("ART-1", dec!(1), dec!(12.10)).build();
//! let index = ledger.article_index().await.unwrap();
//! let found = index.article_for_line(&order.lines[0], &config.orders.article_matching).unwrap();
//! assert_eq!(found.item.code, "ART-1");
//! let email = Email::parse(" Jan@Example.NL ").unwrap();
//! assert!(ledger.find_debtor_by_email(&email).await.unwrap().is_empty());
//! # });
//! ```
#![deny(missing_docs)]

pub mod blocks;
pub mod config;
pub mod datamapper;
pub mod domain;
pub mod error;
pub mod flows;
pub mod formula;
pub mod monitor;
pub mod report;
pub mod state;
pub mod testing;
pub mod traits;
