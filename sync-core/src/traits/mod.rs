//! traits (being built).
