//! Vendor-neutral domain model, traits, flows and state stores for Koppel.
//!
//! This crate is being built; see the workspace README.
