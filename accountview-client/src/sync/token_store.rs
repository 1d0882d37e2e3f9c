//! [`StateTokenStore`]: the client's OAuth tokens kept as a secret in sync-core's state store, so
//! every worker on one state database shares the newest (rotating) refresh token.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sync_core::state::StateStore;

use crate::auth::{TokenSet, TokenStore};
use crate::error::{Error, Result};

/// The JSON kept inside the secret (exposed only while it is serialised).
#[derive(Serialize, Deserialize)]
struct StoredTokens {
    access_token: String,
    refresh_token: String,
    expires_at: DateTime<Utc>,
    #[serde(default)]
    scope: Option<String>,
}

/// A [`TokenStore`] over `Arc<dyn StateStore>`: the [`TokenSet`] is serialised as JSON into one
/// secret (`load_secret` / `save_secret`, atomic per the state store's contract), by default under
/// `accountview/{client_id}/token`.
#[derive(Clone)]
pub struct StateTokenStore {
    state: Arc<dyn StateStore>,
    key: String,
}

impl StateTokenStore {
    /// A store for the application `client_id`, under `accountview/{client_id}/token`.
    pub fn new(state: Arc<dyn StateStore>, client_id: &str) -> Self {
        Self::with_key(state, format!("accountview/{}/token", client_id.trim()))
    }

    /// A store under an explicit secret key.
    pub fn with_key(state: Arc<dyn StateStore>, key: impl Into<String>) -> Self {
        Self {
            state,
            key: key.into(),
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_core::state::MemoryStateStore;

    #[tokio::test]
    async fn corrupt_secret_is_a_token_store_error_without_its_content() {
        let state: Arc<dyn StateStore> = Arc::new(MemoryStateStore::new());
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
