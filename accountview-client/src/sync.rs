//! Connector to `sync-core` (the `sync` feature).
//!
//! The implementations of sync-core's traits for an AccountView administration (ledger, article
//! source) arrive with a later issue; this module only reserves the place and keeps the feature
//! compiling.
