//! Koppel: Lightspeed eCom ⇄ Visma AccountView integration.
//!
//! This facade re-exports the crates of the family so an embedding service needs one dependency.

pub use accountview_client;
pub use lightspeed_client;
pub use sandbox;
pub use sync_core;
