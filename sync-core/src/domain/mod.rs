//! domain (being built).
