//! Typed async client for the Visma AccountView.Net web API.
//!
//! This crate is being built; see the workspace README.
