//! Where token sets live between runs.
//!
//! AccountView.Net may rotate the refresh token on every refresh, so the newest one must be persisted
//! before it is used; losing it means the merchant has to authorise the application again.
//!
//! With rotation, two processes that refresh with the same refresh token at once would have one of
//! them refused (`invalid_grant`). A store shared by processes therefore also offers a refresh lock
//! ([`TokenStore::lock_refresh`]) that the client holds while it re-reads the store, calls `/token`
//! and saves the new set: [`FileTokenStore`] locks a file beside its own, the state-store adapter
//! takes a lease.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::TokenSet;
use crate::error::{Error, Result};

/// How long [`FileTokenStore::lock_refresh`] waits for another process's refresh before giving up.
/// A refresh takes one `/token` call (bounded by the client's timeout); the OS drops the lock of a
/// process that dies.
pub const REFRESH_LOCK_WAIT: Duration = Duration::from_secs(90);

/// The first and the largest pause between two attempts to take a refresh lock held elsewhere.
pub(crate) const LOCK_BACKOFF: (Duration, Duration) =
    (Duration::from_millis(25), Duration::from_secs(1));

/// The next pause of a capped doubling backoff.
pub(crate) fn next_backoff(delay: Duration) -> Duration {
    (delay * 2).min(LOCK_BACKOFF.1)
}

/// Persists the current [`TokenSet`]. Object safe; implementations must make `save` atomic (a reader
/// sees either the old or the new token set, never a torn one).
#[async_trait::async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The stored token set, or `None` when nothing has been stored yet.
    async fn load(&self) -> Result<Option<TokenSet>>;
    /// Replaces the stored token set.
    async fn save(&self, tokens: &TokenSet) -> Result<()>;

    /// Takes the lock that serialises token refreshes among everyone sharing this store, waiting
    /// while someone else holds it. The client holds it while it re-reads the store, calls `/token`
    /// and saves the new token set, then [releases](RefreshLock::release) it; so of two processes
    /// that need a refresh at once, the second finds the first one's new tokens instead of sending
    /// the refresh token the first one already used.
    ///
    /// The default is in-process only: it returns at once, and only the client's own single flight
    /// (one refresh per client and its clones) applies. A store shared by processes should override
    /// it; the client also recovers from the `invalid_grant` such a race causes by re-reading the
    /// store.
    async fn lock_refresh(&self) -> Result<RefreshLock> {
        Ok(RefreshLock::in_process())
    }
}

/// A future that releases a lock.
type Release = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A held refresh lock (see [`TokenStore::lock_refresh`]).
///
/// Release it with [`release`](Self::release). Dropping it instead releases what is released by
/// dropping (a file lock, a mutex guard) and starts an asynchronous release (a lease) on the current
/// Tokio runtime, if there is one; a lease left behind lapses after its time to live.
#[must_use = "the lock is released when this is released or dropped"]
pub struct RefreshLock {
    guard: Option<Box<dyn Any + Send>>,
    release: Option<Release>,
}

impl fmt::Debug for RefreshLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshLock")
            .field("holds_guard", &self.guard.is_some())
            .field("releases_async", &self.release.is_some())
            .finish()
    }
}

impl RefreshLock {
    /// A lock that holds nothing beyond the client's own single flight.
    pub fn in_process() -> Self {
        Self {
            guard: None,
            release: None,
        }
    }

    /// A lock held by `guard`, released when the guard is dropped (a locked file, a mutex guard).
    pub fn holding(guard: impl Send + 'static) -> Self {
        Self {
            guard: Some(Box::new(guard)),
            release: None,
        }
    }

    /// Adds an asynchronous release (returning a lease, say), run by [`release`](Self::release).
    pub fn with_release(mut self, release: impl Future<Output = ()> + Send + 'static) -> Self {
        self.release = Some(Box::pin(release));
        self
    }

    /// Releases the lock.
    pub async fn release(mut self) {
        drop(self.guard.take());
        if let Some(release) = self.release.take() {
            release.await;
        }
    }
}

impl Drop for RefreshLock {
    fn drop(&mut self) {
        drop(self.guard.take());
        if let Some(release) = self.release.take() {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    runtime.spawn(release);
                }
                Err(_) => tracing::debug!("refresh lock dropped outside a runtime: it lapses"),
            }
        }
    }
}

/// Keeps tokens in memory only (lost when the process ends). The default store. Clients sharing one
/// instance refresh one at a time ([`TokenStore::lock_refresh`] is a mutex of the instance).
#[derive(Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<Option<TokenSet>>,
    refresh: Arc<tokio::sync::Mutex<()>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store that already holds `tokens`.
    pub fn with_tokens(tokens: TokenSet) -> Self {
        Self {
            tokens: Mutex::new(Some(tokens)),
            refresh: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<TokenSet>> {
        // A poisoned lock only means another thread panicked while holding it; the data is a plain
        // value that is always replaced whole, so it is still consistent.
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryTokenStore")
            .field("has_tokens", &self.lock().is_some())
            .finish()
    }
}

#[async_trait::async_trait]
impl TokenStore for MemoryTokenStore {
    async fn load(&self) -> Result<Option<TokenSet>> {
        Ok(self.lock().clone())
    }

    async fn save(&self, tokens: &TokenSet) -> Result<()> {
        *self.lock() = Some(tokens.clone());
        Ok(())
    }

    async fn lock_refresh(&self) -> Result<RefreshLock> {
        Ok(RefreshLock::holding(
            Arc::clone(&self.refresh).lock_owned().await,
        ))
    }
}

/// Keeps tokens in a JSON file, replaced atomically on every save: the new content is written to a
/// temporary file in the same directory, flushed to disk (`fsync`), then renamed over the old file.
/// On Unix the file is created with mode `0600`.
///
/// Refreshes are serialised across processes by an exclusive lock on a file beside it
/// (`<file>.lock`, e.g. `tokens.json.lock`; kept, never deleted, as deleting a lock file races with
/// the next locker), waited for with a capped backoff for at most [`REFRESH_LOCK_WAIT`]. The OS
/// drops the lock of a process that ends.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

/// On-disk form of a [`TokenSet`] (secrets exposed only here, for writing).
#[derive(Serialize, Deserialize)]
struct StoredTokens {
    access_token: String,
    refresh_token: String,
    expires_at: DateTime<Utc>,
    #[serde(default)]
    scope: Option<String>,
}

impl FileTokenStore {
    /// A store backed by the file at `path` (created on the first save).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file this store writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The lock file beside it that serialises refreshes.
    pub fn lock_path(&self) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(std::ffi::OsStr::to_os_string)
            .unwrap_or_default();
        name.push(".lock");
        self.path.with_file_name(name)
    }

    fn open_lock_file(path: &Path) -> std::io::Result<std::fs::File> {
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(path)
    }

    fn load_blocking(path: &Path) -> std::io::Result<Option<StoredTokens>> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn save_blocking(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write;

        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file_name = path
            .file_name()
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "token file path has no file name",
                )
            })?
            .to_string_lossy()
            .into_owned();
        let tmp = dir.join(format!(
            ".{file_name}.{}.{:016x}.tmp",
            std::process::id(),
            fastrand::u64(..)
        ));

        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let result = (|| {
            let mut file = options.open(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            drop(file);
            std::fs::rename(&tmp, path)?;
            // Persist the rename itself; best effort, as not every platform can open a directory.
            #[cfg(unix)]
            if let Ok(d) = std::fs::File::open(&dir) {
                let _ = d.sync_all();
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

#[async_trait::async_trait]
impl TokenStore for FileTokenStore {
    async fn load(&self) -> Result<Option<TokenSet>> {
        let path = self.path.clone();
        let stored = tokio::task::spawn_blocking(move || Self::load_blocking(&path))
            .await
            .map_err(Error::token_store)?
            .map_err(Error::token_store)?;
        Ok(stored.map(|s| TokenSet {
            access_token: SecretString::from(s.access_token),
            refresh_token: SecretString::from(s.refresh_token),
            expires_at: s.expires_at,
            scope: s.scope,
        }))
    }

    async fn save(&self, tokens: &TokenSet) -> Result<()> {
        let stored = StoredTokens {
            access_token: tokens.access_token.expose_secret().to_owned(),
            refresh_token: tokens.refresh_token.expose_secret().to_owned(),
            expires_at: tokens.expires_at,
            scope: tokens.scope.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&stored).map_err(Error::token_store)?;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || Self::save_blocking(&path, &bytes))
            .await
            .map_err(Error::token_store)?
            .map_err(Error::token_store)?;
        tracing::debug!(path = %self.path.display(), "token set saved");
        Ok(())
    }

    async fn lock_refresh(&self) -> Result<RefreshLock> {
        let path = self.lock_path();
        let file = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || Self::open_lock_file(&path))
                .await
                .map_err(Error::token_store)?
                .map_err(Error::token_store)?
        };
        let deadline = tokio::time::Instant::now() + REFRESH_LOCK_WAIT;
        let mut delay = LOCK_BACKOFF.0;
        loop {
            // Non-blocking: an async task must not sit in `flock`.
            match file.try_lock() {
                Ok(()) => return Ok(RefreshLock::holding(file)),
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::token_store(e)),
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::token_store(format!(
                    "timed out after {}s waiting for the token refresh lock {} (another process \
                     is refreshing, or hangs)",
                    REFRESH_LOCK_WAIT.as_secs(),
                    path.display()
                )));
            }
            tracing::debug!(path = %path.display(), "token refresh lock held elsewhere: waiting");
            tokio::time::sleep(delay).await;
            delay = next_backoff(delay);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(refresh: &str) -> TokenSet {
        TokenSet {
            access_token: SecretString::from("access-1"),
            refresh_token: SecretString::from(refresh.to_owned()),
            expires_at: Utc::now(),
            scope: Some("readaccountviewdata".into()),
        }
    }

    #[tokio::test]
    async fn memory_store_round_trips() {
        let store = MemoryTokenStore::new();
        assert!(store.load().await.unwrap().is_none());
        store.save(&tokens("r1")).await.unwrap();
        let loaded = store.load().await.unwrap().unwrap();
        assert_eq!(loaded.refresh_token.expose_secret(), "r1");
        assert!(!format!("{store:?}").contains("r1"));
    }

    #[tokio::test]
    async fn file_store_replaces_atomically_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        let store = FileTokenStore::new(&path);
        assert!(store.load().await.unwrap().is_none());
        store.save(&tokens("r1")).await.unwrap();
        store.save(&tokens("r2")).await.unwrap();
        let loaded = store.load().await.unwrap().unwrap();
        assert_eq!(loaded.refresh_token.expose_secret(), "r2");
        assert_eq!(loaded.scope.as_deref(), Some("readaccountviewdata"));
        // no temporary files left behind
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("tokens.json")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_file_refresh_lock_is_exclusive_between_store_instances() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        let a = FileTokenStore::new(&path);
        let b = FileTokenStore::new(&path);
        assert_eq!(a.lock_path(), dir.path().join("tokens.json.lock"));
        let held = a.lock_refresh().await.unwrap();
        let waiter = tokio::spawn(async move { b.lock_refresh().await });
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(!waiter.is_finished(), "the second process waits");
        held.release().await;
        let second = tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("gets the lock once it is released")
            .unwrap()
            .unwrap();
        // Dropping releases too.
        drop(second);
        a.lock_refresh().await.unwrap().release().await;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(a.lock_path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[tokio::test]
    async fn clients_sharing_a_memory_store_take_turns() {
        let store = Arc::new(MemoryTokenStore::new());
        let held = store.lock_refresh().await.unwrap();
        let other = Arc::clone(&store);
        let waiter = tokio::spawn(async move { other.lock_refresh().await.map(drop) });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        held.release().await;
        waiter.await.unwrap().unwrap();
        assert!(format!("{:?}", RefreshLock::in_process()).contains("RefreshLock"));
    }

    #[tokio::test]
    async fn file_store_reports_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        std::fs::write(&path, b"not json").unwrap();
        let err = FileTokenStore::new(&path).load().await.unwrap_err();
        assert!(matches!(err, Error::TokenStore { .. }));
    }
}
