//! The Lightspeed side of the `sync-core` traits (order source, catalogue, stock target).
//!
//! Behind the `sync` feature. The connector is built in a later issue; this module only reserves
//! the place so that the feature (and the dependency on `sync-core`) compiles today.
