//! Koppel: Lightspeed eCom ⇄ Visma AccountView integration.
//!
//! This facade re-exports the crates of the family so an embedding service needs one dependency,
//! and holds the application code of the `koppel` binary in [`app`].
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use koppel::app::config::KoppelConfig;
//! use koppel::app::runtime::Runtime;
//! use koppel::sync_core::flows::RunRequest;
//!
//! let config = KoppelConfig::load(std::path::Path::new("koppel.toml"))?;
//! let runtime = Runtime::build(&config).await?;
//! for connection in &runtime.connections {
//!     let report = connection.orders.run(RunRequest::poll()).await?;
//!     println!("{}: {} orders booked", connection.name(), report.counts.created);
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub use accountview_client;
pub use lightspeed_client;
#[cfg(feature = "sandbox")]
pub use sandbox;
pub use sync_core;

#[cfg(feature = "cli")]
pub mod app;
#[cfg(feature = "webhooks")]
pub mod webhooks;
