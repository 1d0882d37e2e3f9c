//! Typed async client for the Lightspeed eCom (C-Series) REST API.
//!
//! This crate is being built; see the workspace README.
