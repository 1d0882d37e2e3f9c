//! Vendor-neutral domain model, traits, flows and state stores for Koppel.
//!
//! This crate is being built; see the workspace README.
#![deny(missing_docs)]

pub mod config;
pub mod datamapper;
pub mod domain;
pub mod error;
pub mod formula;
pub mod report;
pub mod state;
pub mod testing;
pub mod traits;
