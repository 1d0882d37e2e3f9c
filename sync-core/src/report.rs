//! Run reports (being built).
