//! Operating-system locks that make a SQLite store's leases die with their holder.
//!
//! A lease row alone cannot tell a crashed worker from a slow one: after a `kill -9` the row says
//! "held" until its TTL runs out, and every run in between is refused. So a file-backed store also
//! takes an exclusive lock on a small file per (connection, flow) beside the database
//! (`<database>.leases/<hash>.lock`) for as long as a holder has the lease. The kernel drops the
//! lock when the holding process exits in any way, so the next worker gets the lease at once; while
//! the lock is held nobody else gets it, however old the row is. `flock` locks belong to the open
//! file, so two holders in one process exclude each other as well. The std file-lock API (stable
//! since Rust 1.89) does this; no crate needed.
//!
//! A private in-memory database has no file (and only one process), so it keeps the plain
//! row-and-TTL rules.

use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use sha2::{Digest, Sha256};

use crate::state::StateError;

/// (connection, flow, holder).
type Scope = (String, String, String);

/// What [`LeaseLocks::try_hold`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hold {
    /// No file beside the database: use the lease row's TTL alone.
    Unsupported,
    /// The holder has the lock (it just took it, or had it already).
    Held,
    /// A live holder — this process or another — has the lock.
    Busy,
}

/// The lease locks one store handle holds.
#[derive(Debug)]
pub(super) struct LeaseLocks {
    dir: Option<PathBuf>,
    held: Mutex<HashMap<Scope, File>>,
}

impl LeaseLocks {
    /// Locks beside the database at `path`, or none for an in-memory database.
    pub(super) fn new(database: Option<&Path>) -> Self {
        let dir = database.map(|path| {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(".leases");
            path.with_file_name(name)
        });
        LeaseLocks {
            dir,
            held: Mutex::new(HashMap::new()),
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<Scope, File>> {
        // A panic mid-update leaves a map of open files, which is still sound.
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn scope([connection, flow, holder]: [&str; 3]) -> Scope {
        (connection.to_owned(), flow.to_owned(), holder.to_owned())
    }

    /// The lock file of (connection, flow): named by a hash, so any connection name is a safe name.
    fn file_of(dir: &Path, connection: &str, flow: &str) -> PathBuf {
        let digest = Sha256::new()
            .chain_update(connection.as_bytes())
            .chain_update([0])
            .chain_update(flow.as_bytes())
            .finalize();
        dir.join(format!("{}.lock", hex::encode(&digest[..16])))
    }

    /// Takes the lock of (connection, flow) for `holder` without waiting.
    pub(super) fn try_hold(&self, scope: [&str; 3]) -> Result<Hold, StateError> {
        let Some(dir) = &self.dir else {
            return Ok(Hold::Unsupported);
        };
        let key = Self::scope(scope);
        let mut held = self.held();
        if held.contains_key(&key) {
            return Ok(Hold::Held);
        }
        let [connection, flow, _] = scope;
        std::fs::create_dir_all(dir).map_err(lock_error)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(Self::file_of(dir, connection, flow))
            .map_err(lock_error)?;
        match file.try_lock() {
            Ok(()) => {
                held.insert(key, file);
                Ok(Hold::Held)
            }
            Err(TryLockError::WouldBlock) => Ok(Hold::Busy),
            Err(TryLockError::Error(e)) => Err(lock_error(e)),
        }
    }

    /// Whether this handle has the lock for `holder` (`None` without a file).
    pub(super) fn holds(&self, scope: [&str; 3]) -> Option<bool> {
        self.dir
            .as_ref()
            .map(|_| self.held().contains_key(&Self::scope(scope)))
    }

    /// Gives the lock up (closing the file unlocks it); whether it was held.
    pub(super) fn release(&self, scope: [&str; 3]) -> bool {
        match self.held().remove(&Self::scope(scope)) {
            Some(file) => {
                if let Err(e) = file.unlock() {
                    tracing::debug!(error = %e, "unlocking a lease file failed; closing it unlocks it");
                }
                true
            }
            None => false,
        }
    }
}

fn lock_error(error: std::io::Error) -> StateError {
    StateError::Database {
        backend: "sqlite",
        transient: true,
        source: Box::new(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_free_again_once_released_or_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("state.db");
        let a = LeaseLocks::new(Some(&db));
        let b = LeaseLocks::new(Some(&db));
        assert_eq!(a.try_hold(["c", "orders", "w1"]).unwrap(), Hold::Held);
        assert_eq!(a.try_hold(["c", "orders", "w1"]).unwrap(), Hold::Held);
        assert_eq!(b.try_hold(["c", "orders", "w2"]).unwrap(), Hold::Busy);
        assert_eq!(a.try_hold(["c", "orders", "w3"]).unwrap(), Hold::Busy);
        assert_eq!(b.try_hold(["c", "stock", "w2"]).unwrap(), Hold::Held);
        assert!(a.release(["c", "orders", "w1"]));
        assert!(!a.release(["c", "orders", "w1"]));
        assert_eq!(b.try_hold(["c", "orders", "w2"]).unwrap(), Hold::Held);
        drop(b);
        assert_eq!(a.try_hold(["c", "orders", "w1"]).unwrap(), Hold::Held);
        assert!(dir.path().join("state.db.leases").is_dir());
    }

    #[test]
    fn an_in_memory_database_has_no_locks() {
        let locks = LeaseLocks::new(None);
        assert_eq!(locks.try_hold(["c", "f", "w"]).unwrap(), Hold::Unsupported);
        assert_eq!(locks.holds(["c", "f", "w"]), None);
    }
}
