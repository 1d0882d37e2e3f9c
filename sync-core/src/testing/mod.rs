//! In-memory implementations of every role trait, a settable clock, a recording notifier and small
//! builders, so flows are unit-testable without HTTP — and so embedders can see what it takes to plug
//! in a third system.
//!
//! Every memory implementation is cheap to clone (clones share state), can be seeded directly, records
//! what was written so tests can assert on it, and has [`Faults`] to make any operation fail.
//!
//! ```
//! use sync_core::domain::Email;
//! use sync_core::error::{ErrorClass, ErrorKind};
//! use sync_core::testing::MemoryLedger;
//! use sync_core::traits::LedgerDebtors;
//!
//! # tokio_test_block(async {
//! let ledger = MemoryLedger::new();
//! ledger.faults().fail("find_debtor_by_email", ErrorClass::Retryable, ErrorKind::Timeout, Some(1));
//! let email = Email::parse("jan@example.nl").unwrap();
//! assert!(ledger.find_debtor_by_email(&email).await.is_err()); // injected once
//! assert!(ledger.find_debtor_by_email(&email).await.unwrap().is_empty());
//! assert_eq!(ledger.faults().calls("find_debtor_by_email"), 2);
//! # });
//! # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

mod builders;
mod catalog;
mod clock;
#[cfg(feature = "testing")]
pub mod conformance;
mod customers;
mod faults;
mod ledger;
mod notifier;
mod orders;

pub use builders::{ArticleBuilder, OrderBuilder};
pub use catalog::{MemoryArticleSource, MemoryCatalog};
pub use clock::{ManualClock, TokioClock};
pub use customers::{MemoryLedgerDebtors, MemoryShopCustomers};
pub use faults::Faults;
pub use ledger::MemoryLedger;
pub use notifier::RecordingNotifier;
pub use orders::MemoryOrderSource;

use std::sync::{Mutex, MutexGuard};

/// Lock a mutex, recovering from poisoning: test doubles hold plain data that stays usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
