//! [`StateTokenStore`]: the client's OAuth tokens kept as a secret in sync-core's state store, so
//! every worker on one state database shares the newest (rotating) refresh token, and refreshes one
//! at a time under a state-store lease.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sync_core::state::TokenState;

use crate::auth::{
    LOCK_BACKOFF, REFRESH_LOCK_WAIT, RefreshLock, TokenSet, TokenStore, next_backoff,
};
use crate::error::{Error, Result};

/// The lease "flow" under which refreshes are serialised (its "connection" is the secret's key).
const REFRESH_LEASE_FLOW: &str = "token-refresh";

/// How long a refresh lease lasts unless released: longer than one `/token` call takes, short enough
/// that a worker that died holding it delays the others by a minute at most.
pub const REFRESH_LEASE_TTL: Duration = Duration::from_secs(60);

/// The JSON kept inside the secret (exposed only while it is serialised).
#[derive(Serialize, Deserialize)]
struct StoredTokens {
    access_token: String,
    refresh_token: String,
    expires_at: DateTime<Utc>,
    #[serde(default)]
    scope: Option<String>,
}

/// A [`TokenStore`] over a state store (any [`TokenState`]: secrets and leases): the [`TokenSet`] is serialised as JSON into one
/// secret (`load_secret` / `save_secret`, atomic per the state store's contract), by default under
/// `accountview/{client_id}/token`.
///
/// Refreshes are serialised across workers by a state-store lease (connection = the secret's key,
/// flow `token-refresh`, [`REFRESH_LEASE_TTL`]), waited for with a capped backoff for at most
/// [`REFRESH_LOCK_WAIT`](crate::auth::REFRESH_LOCK_WAIT), then released.
#[derive(Clone)]
pub struct StateTokenStore {
    state: Arc<dyn TokenState>,
    key: String,
    /// This instance's lease holder id (process id and a random part: unique per store instance).
    holder: String,
}

impl StateTokenStore {
    /// A store for the application `client_id`, under `accountview/{client_id}/token`.
    pub fn new(state: Arc<dyn TokenState>, client_id: &str) -> Self {
        Self::with_key(state, format!("accountview/{}/token", client_id.trim()))
    }

    /// A store under an explicit secret key.
    pub fn with_key(state: Arc<dyn TokenState>, key: impl Into<String>) -> Self {
        Self {
            state,
            key: key.into(),
            holder: format!(
                "accountview-{}-{:016x}",
                std::process::id(),
                fastrand::u64(..)
            ),
        }
    }

    /// The secret's key.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Debug for StateTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StateTokenStore")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl TokenStore for StateTokenStore {
    async fn load(&self) -> Result<Option<TokenSet>> {
        let Some(secret) = self
            .state
            .load_secret(&self.key)
            .await
            .map_err(Error::token_store)?
        else {
            return Ok(None);
        };
        // The parse error would quote the secret's text; report only where it failed.
        let stored: StoredTokens = serde_json::from_str(secret.expose_secret()).map_err(|e| {
            Error::token_store(format!(
                "stored token set `{}` is not valid JSON (line {}, column {})",
                self.key,
                e.line(),
                e.column()
            ))
        })?;
        Ok(Some(TokenSet::new(
            stored.access_token,
            stored.refresh_token,
            stored.expires_at,
            stored.scope,
        )))
    }

    async fn save(&self, tokens: &TokenSet) -> Result<()> {
        let stored = StoredTokens {
            access_token: tokens.access_token.expose_secret().to_owned(),
            refresh_token: tokens.refresh_token.expose_secret().to_owned(),
            expires_at: tokens.expires_at,
            scope: tokens.scope.clone(),
        };
        let json = serde_json::to_string(&stored).map_err(Error::token_store)?;
        self.state
            .save_secret(&self.key, &SecretString::from(json))
            .await
            .map_err(Error::token_store)?;
        tracing::debug!(key = %self.key, "token set saved to the state store");
        Ok(())
    }

    async fn lock_refresh(&self) -> Result<RefreshLock> {
        let deadline = tokio::time::Instant::now() + REFRESH_LOCK_WAIT;
        let mut delay = LOCK_BACKOFF.0;
        loop {
            let lease = self
                .state
                .acquire_lease(
                    &self.key,
                    REFRESH_LEASE_FLOW,
                    &self.holder,
                    REFRESH_LEASE_TTL,
                    Utc::now(),
                )
                .await
                .map_err(Error::token_store)?;
            if lease.is_some() {
                let (state, key, holder) = (
                    Arc::clone(&self.state),
                    self.key.clone(),
                    self.holder.clone(),
                );
                return Ok(RefreshLock::in_process().with_release(async move {
                    if let Err(e) = state
                        .release_lease(&key, REFRESH_LEASE_FLOW, &holder)
                        .await
                    {
                        tracing::warn!(key = %key, error = %e, "could not release the token refresh lease: it lapses");
                    }
                }));
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::token_store(format!(
                    "timed out after {}s waiting for the token refresh lock (lease `{}` of `{}`): \
                     another worker is refreshing, or hangs",
                    REFRESH_LOCK_WAIT.as_secs(),
                    REFRESH_LEASE_FLOW,
                    self.key
                )));
            }
            tracing::debug!(key = %self.key, "token refresh lease held elsewhere: waiting");
            tokio::time::sleep(delay).await;
            delay = next_backoff(delay);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_core::state::MemoryStateStore;

    #[tokio::test]
    async fn corrupt_secret_is_a_token_store_error_without_its_content() {
        let state: Arc<dyn sync_core::state::StateStore> = Arc::new(MemoryStateStore::new());
        state
            .save_secret("k", &SecretString::from("refresh-SECRET-not-json"))
            .await
            .unwrap();
        let err = StateTokenStore::with_key(state, "k")
            .load()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::TokenStore { .. }));
        assert!(!err.to_string().contains("SECRET"), "{err}");
    }
}
