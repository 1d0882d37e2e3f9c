//! The pagination guard both clients share.
//!
//! A server that ignores the page parameter answers every page with the same records, or cycles
//! through a few pages; a pager that trusts it never ends. [`RepeatGuard`] remembers a fingerprint
//! of every page read so far and says when a page repeats *any* earlier one (comparing with the
//! previous page only misses a cycle of two), so the pager stops with a warning.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Remembers the pages of one listing (see the [module docs](self)). Memory: one `u64` per page.
#[derive(Debug, Default, Clone)]
pub struct RepeatGuard {
    seen: HashSet<u64>,
}

impl RepeatGuard {
    /// A guard that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the page with this fingerprint is new (and remember it). `false` means the page
    /// repeats an earlier one: stop paging.
    pub fn first_time(&mut self, fingerprint: u64) -> bool {
        self.seen.insert(fingerprint)
    }

    /// How many distinct pages were seen.
    pub fn pages(&self) -> usize {
        self.seen.len()
    }
}

/// A fingerprint of a page's content (its record ids, say), for [`RepeatGuard::first_time`].
pub fn fingerprint<T: Hash + ?Sized>(page: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    page.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_of_two_pages_is_caught_on_the_third() {
        let mut guard = RepeatGuard::new();
        assert!(guard.first_time(fingerprint(&[1, 2])));
        assert!(guard.first_time(fingerprint(&[3, 4])));
        assert!(!guard.first_time(fingerprint(&[1, 2])));
        assert_eq!(guard.pages(), 2);
    }
}
