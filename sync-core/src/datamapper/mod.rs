//! datamapper (being built).
