//! Where token sets live between runs.
//!
//! AccountView.Net may rotate the refresh token on every refresh, so the newest one must be persisted
//! before it is used; losing it means the merchant has to authorise the application again.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::TokenSet;
use crate::error::{Error, Result};

/// Persists the current [`TokenSet`]. Object safe; implementations must make `save` atomic (a reader
/// sees either the old or the new token set, never a torn one).
#[async_trait::async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The stored token set, or `None` when nothing has been stored yet.
    async fn load(&self) -> Result<Option<TokenSet>>;
    /// Replaces the stored token set.
    async fn save(&self, tokens: &TokenSet) -> Result<()>;
}

/// Keeps tokens in memory only (lost when the process ends). The default store.
#[derive(Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<Option<TokenSet>>,
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
}

/// Keeps tokens in a JSON file, replaced atomically on every save: the new content is written to a
/// temporary file in the same directory, flushed to disk (`fsync`), then renamed over the old file.
/// On Unix the file is created with mode `0600`.
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

    #[tokio::test]
    async fn file_store_reports_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        std::fs::write(&path, b"not json").unwrap();
        let err = FileTokenStore::new(&path).load().await.unwrap_err();
        assert!(matches!(err, Error::TokenStore { .. }));
    }
}
