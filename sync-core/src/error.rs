//! Errors (being built).
