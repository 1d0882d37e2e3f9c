//! Whether the reference lookup of a business object is known to work.
//!
//! Lookup-before-create is Koppel's idempotency key: a lookup that cannot find what was written (a
//! business object that reads nothing back, a reference column the filter does not match) makes
//! every duplicate check say "not booked", and every retried order is booked again. So the connector
//! proves each lookup at run time, by reading its first booking back, and remembers a lookup that
//! failed that proof: from then on every lookup and booking through it is a fatal configuration
//! error, in this process, instead of a blind "not booked".

use std::collections::HashMap;
use std::sync::Mutex;

use sync_core::error::SyncError;

/// What is known about one lookup.
#[derive(Debug, Clone)]
enum Proof {
    /// A booking written through it was found again.
    Proven,
    /// A booking written through it was not found again; the message says which and why.
    Blind(String),
    /// Its business object held no booking with a reference to prove it with before the first
    /// write; the first booking written through it proves it (or shows it blind).
    NothingToProveWith,
}

/// The proofs of one connector (shared by its clones), keyed by business object and reference
/// column.
#[derive(Debug, Default)]
pub(super) struct LookupProofs {
    proofs: Mutex<HashMap<(String, String), Proof>>,
}

fn key(object: &str, column: &str) -> (String, String) {
    (
        object.trim().to_ascii_uppercase(),
        column.trim().to_ascii_uppercase(),
    )
}

impl LookupProofs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Proof>> {
        // A poisoned lock only means a panic elsewhere; the map is always consistent.
        self.proofs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the lookup of `object`.`column` found a booking written through it.
    pub(super) fn is_proven(&self, object: &str, column: &str) -> bool {
        matches!(self.lock().get(&key(object, column)), Some(Proof::Proven))
    }

    /// Whether the lookup was tried (proven, blind, or nothing existed to prove it with).
    pub(super) fn is_tried(&self, object: &str, column: &str) -> bool {
        self.lock().contains_key(&key(object, column))
    }

    /// Records that no existing booking could prove the lookup before the first write.
    pub(super) fn nothing_to_prove_with(&self, object: &str, column: &str) {
        self.lock()
            .entry(key(object, column))
            .or_insert(Proof::NothingToProveWith);
    }

    /// The fatal error of a lookup known to be blind.
    pub(super) fn check(&self, object: &str, column: &str) -> Result<(), SyncError> {
        match self.lock().get(&key(object, column)) {
            Some(Proof::Blind(message)) => Err(SyncError::config(message.clone())),
            _ => Ok(()),
        }
    }

    /// The fatal error of the first lookup known to be blind, if any.
    pub(super) fn check_all(&self) -> Result<(), SyncError> {
        let proofs = self.lock();
        let mut blind: Vec<&String> = proofs
            .values()
            .filter_map(|p| match p {
                Proof::Blind(message) => Some(message),
                Proof::Proven | Proof::NothingToProveWith => None,
            })
            .collect();
        blind.sort();
        match blind.first() {
            Some(message) => Err(SyncError::config((*message).clone())),
            None => Ok(()),
        }
    }

    /// Records that a booking written through the lookup was found again.
    pub(super) fn prove(&self, object: &str, column: &str) {
        let mut proofs = self.lock();
        let entry = proofs.entry(key(object, column)).or_insert(Proof::Proven);
        if !matches!(entry, Proof::Blind(_)) {
            *entry = Proof::Proven;
        }
    }

    /// Records that the lookup is blind, and returns the fatal error that says so.
    pub(super) fn blind(&self, object: &str, column: &str, message: String) -> SyncError {
        self.lock()
            .insert(key(object, column), Proof::Blind(message.clone()));
        SyncError::config(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blind_lookup_stays_blind_and_is_told_apart_from_others() {
        let proofs = LookupProofs::default();
        assert!(!proofs.is_proven("SO1", "COMMENT1"));
        proofs.prove("so1", "comment1");
        assert!(proofs.is_proven("SO1", "COMMENT1"));
        assert!(proofs.check_all().is_ok());
        let err = proofs.blind("DJ2", "HDR_DESC", "blind DJ2".into());
        assert!(err.stops_run());
        assert!(proofs.check("SO1", "COMMENT1").is_ok());
        assert_eq!(
            proofs.check("dj2", "hdr_desc").unwrap_err().message(),
            "blind DJ2"
        );
        proofs.prove("DJ2", "HDR_DESC");
        assert!(
            proofs.check_all().is_err(),
            "a later success does not clear it"
        );
    }
}
