//! The flows: generic functions over the traits in [`crate::traits`] and a [`StateStore`].
//!
//! Each flow claims its work, writes only what changed, commits state only after the target
//! acknowledged, dead-letters the records it cannot process and returns a [`RunReport`].
//!
//! [`StateStore`]: crate::state::StateStore
//! [`RunReport`]: crate::report::RunReport

pub mod orders;
pub mod stock;

pub use orders::{Intake, OrdersFlow, RunRequest};
pub use stock::{StockFlow, StockRequest};
