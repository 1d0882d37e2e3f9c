//! Stateful simulators of Lightspeed eCom and AccountView.Net.
//!
//! This crate is being built; see the workspace README.
