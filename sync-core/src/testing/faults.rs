//! Fault injection and call counting for the memory implementations.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::lock;
use crate::error::{ErrorClass, ErrorKind, SyncError};

#[derive(Debug, Clone)]
struct Fault {
    class: ErrorClass,
    kind: ErrorKind,
    remaining: Option<usize>,
}

#[derive(Debug, Default)]
struct FaultState {
    faults: HashMap<String, Fault>,
    calls: HashMap<String, usize>,
}

/// Makes operations of a memory implementation fail on demand, and counts calls per operation.
/// Operations are named after the trait methods (`"book"`, `"set_stock"`, …). Clones share state.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    state: Arc<Mutex<FaultState>>,
}

impl Faults {
    /// Make `operation` fail with an error of `class` and `kind`: the next `times` calls, or every
    /// call until [`clear`](Self::clear) when `times` is `None`.
    pub fn fail(&self, operation: &str, class: ErrorClass, kind: ErrorKind, times: Option<usize>) {
        lock(&self.state).faults.insert(
            operation.to_owned(),
            Fault {
                class,
                kind,
                remaining: times,
            },
        );
    }

    /// Stop failing `operation`.
    pub fn clear(&self, operation: &str) {
        lock(&self.state).faults.remove(operation);
    }

    /// How often `operation` was called (failed calls included).
    pub fn calls(&self, operation: &str) -> usize {
        lock(&self.state).calls.get(operation).copied().unwrap_or(0)
    }

    /// Count a call of `operation` and return the injected error, if one is due.
    pub fn check(&self, operation: &str) -> Result<(), SyncError> {
        let mut state = lock(&self.state);
        *state.calls.entry(operation.to_owned()).or_insert(0) += 1;
        let Some(fault) = state.faults.get_mut(operation) else {
            return Ok(());
        };
        let error = SyncError::with_class(
            fault.class,
            fault.kind,
            format!("injected failure in `{operation}`"),
        );
        match &mut fault.remaining {
            None => {}
            Some(0) => {
                state.faults.remove(operation);
                return Ok(());
            }
            Some(n) => {
                *n -= 1;
                if *n == 0 {
                    state.faults.remove(operation);
                }
            }
        }
        Err(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fails_the_given_number_of_times_and_counts_calls() {
        let faults = Faults::default();
        faults.fail("book", ErrorClass::Retryable, ErrorKind::Timeout, Some(2));
        let err = faults.check("book").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert!(err.is_retryable());
        assert!(faults.check("book").is_err());
        assert!(faults.check("book").is_ok());
        assert_eq!(faults.calls("book"), 3);
        assert_eq!(faults.calls("other"), 0);
    }

    #[test]
    fn fails_until_cleared() {
        let faults = Faults::default();
        faults.fail("x", ErrorClass::Fatal, ErrorKind::Auth, None);
        for _ in 0..3 {
            assert!(faults.check("x").unwrap_err().stops_run());
        }
        faults.clear("x");
        assert!(faults.check("x").is_ok());
        faults.fail("y", ErrorClass::Fatal, ErrorKind::Auth, Some(0));
        assert!(faults.check("y").is_ok(), "zero times never fails");
    }
}
