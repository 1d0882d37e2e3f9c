//! testing (being built).
