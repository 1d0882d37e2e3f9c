//! OAuth 2.0 (authorization code + refresh token) for AccountView.Net.
//!
//! * [`AccountViewClient::authorize_url`](crate::AccountViewClient::authorize_url) builds the consent
//!   URL (`/ams/authorize.aspx`).
//! * The code exchange and the refresh are form posts to `{base}/token` with the client id and secret
//!   in the body (AccountView.Net does not take HTTP Basic there).
//! * Refresh is single-flight per credential: one `tokio::sync::Mutex` guards it, and whoever gets the
//!   lock first re-reads the store, so N callers on an expired token cause exactly one `/token` call.
//! * Across processes sharing a store, the store's refresh lock ([`TokenStore::lock_refresh`])
//!   serialises refreshes: inside it the store is read again, and a set another process refreshed
//!   meanwhile is adopted instead of refreshing again.
//! * `invalid_grant` is re-authorisation only when the store still holds the very refresh token that
//!   was refused: if another process rotated it meanwhile (a store without a cross-process lock, a
//!   lock that timed out), its stored tokens are adopted, refreshed with their own refresh token when
//!   their access token is expiring.
//! * Every new token set is saved to the [`TokenStore`] before it is used.
//!
//! Hand-written rather than with the `oauth2` crate: the flow is two form posts, and the parts that
//! matter here (single flight, store re-read, `invalid_grant` classification, our transport and
//! timeouts) would have to be wrapped around it anyway.

mod store;

use std::fmt;
use std::sync::RwLock;

use chrono::{DateTime, Utc};
use http::{Method, StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

pub use store::{FileTokenStore, MemoryTokenStore, REFRESH_LOCK_WAIT, RefreshLock, TokenStore};
pub(crate) use store::{LOCK_BACKOFF, next_backoff};

use crate::error::{Error, Result, snippet};
use crate::http::{HttpCore, accountview_error, looks_like_json};
use crate::transport::HttpRequest;

/// The scopes Koppel asks for: read, update and delete AccountView data.
pub const DEFAULT_SCOPES: [&str; 3] = [
    "readaccountviewdata",
    "updateaccountviewdata",
    "deleteaccountviewdata",
];

/// Lifetime assumed when the token response has no `expires_in`.
const DEFAULT_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Refresh this long before the access token expires.
const EXPIRY_SKEW: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// After `invalid_grant`, how long the store is watched for the set of a process that is rotating
/// the refresh token right now (one without the store's refresh lock) before re-authorisation is
/// declared.
const ROTATION_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// Refresh attempts in one refresh: the token we hold, then at most two rotated elsewhere.
const MAX_REFRESH_ROUNDS: usize = 3;

/// An access token, the refresh token that renews it, and when the access token expires.
#[derive(Clone)]
#[non_exhaustive]
pub struct TokenSet {
    /// Bearer token for data calls.
    pub access_token: SecretString,
    /// Token for the next refresh (AccountView.Net may rotate it on every refresh).
    pub refresh_token: SecretString,
    /// When the access token expires (from `expires_in`, else one hour after it was issued).
    pub expires_at: DateTime<Utc>,
    /// Granted scopes, space-separated, when the server said.
    pub scope: Option<String>,
}

impl TokenSet {
    /// A token set (e.g. to seed a store from a previous installation).
    pub fn new(
        access_token: impl Into<SecretString>,
        refresh_token: impl Into<SecretString>,
        expires_at: DateTime<Utc>,
        scope: Option<String>,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            refresh_token: refresh_token.into(),
            expires_at,
            scope,
        }
    }

    /// Whether the access token should be renewed at `now` (it expires within a minute, or has).
    pub fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        now + EXPIRY_SKEW >= self.expires_at
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[REDACTED]")
            .field("refresh_token", &"[REDACTED]")
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish()
    }
}

/// A successful token response.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    /// Seconds; some servers send it as a string.
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    scope: Option<String>,
}

/// An OAuth error response.
#[derive(Deserialize)]
struct OAuthErrorBody {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Static OAuth settings of one application registration.
pub(crate) struct OAuthConfig {
    pub(crate) token_url: Url,
    pub(crate) authorize_url: Url,
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) redirect_uri: Option<Url>,
    pub(crate) scopes: Vec<String>,
}

impl fmt::Debug for OAuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("token_url", &self.token_url.as_str())
            .field("authorize_url", &self.authorize_url.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("redirect_uri", &self.redirect_uri.as_ref().map(Url::as_str))
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// Owns the current token set of one credential: hands out access tokens, refreshes them
/// (single-flight) and persists every new set. Shared by all clones of a client.
pub(crate) struct TokenManager {
    config: OAuthConfig,
    store: std::sync::Arc<dyn TokenStore>,
    /// Refresh token to start from while the store is empty.
    seed: Option<SecretString>,
    cache: RwLock<Option<TokenSet>>,
    refresh_lock: tokio::sync::Mutex<()>,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("config", &self.config)
            .field("store", &self.store)
            .field("seeded", &self.seed.is_some())
            .finish_non_exhaustive()
    }
}

impl TokenManager {
    pub(crate) fn new(
        config: OAuthConfig,
        store: std::sync::Arc<dyn TokenStore>,
        seed: Option<SecretString>,
    ) -> Self {
        Self {
            config,
            store,
            seed,
            cache: RwLock::new(None),
            refresh_lock: tokio::sync::Mutex::new(()),
        }
    }

    pub(crate) fn config(&self) -> &OAuthConfig {
        &self.config
    }

    fn cached(&self) -> Option<TokenSet> {
        self.cache
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn set_cache(&self, tokens: TokenSet) {
        *self
            .cache
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tokens);
    }

    /// The consent URL to send the user to.
    pub(crate) fn authorize_url(&self, state: &str) -> Result<Url> {
        let redirect = self.redirect_uri()?;
        let mut url = self.config.authorize_url.clone();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", redirect.as_str())
            .append_pair("scope", &self.config.scopes.join(" "))
            .append_pair("state", state);
        Ok(url)
    }

    fn redirect_uri(&self) -> Result<&Url> {
        self.config.redirect_uri.as_ref().ok_or_else(|| {
            Error::Config("redirect_uri is required for the authorization-code flow".into())
        })
    }

    /// Exchanges an authorization code for a token set, saves it and makes it current.
    pub(crate) async fn exchange_code(&self, http: &HttpCore, code: &str) -> Result<TokenSet> {
        let redirect = self.redirect_uri()?.as_str().to_owned();
        let _guard = self.refresh_lock.lock().await;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect.as_str()),
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose_secret()),
        ];
        let tokens = self.token_call(http, &form, None).await?;
        self.adopt(http, tokens.clone()).await?;
        tracing::info!("authorization code exchanged for a token set");
        Ok(tokens)
    }

    /// A valid access token, refreshing first when the current one is (nearly) expired.
    pub(crate) async fn access_token(&self, http: &HttpCore) -> Result<SecretString> {
        if let Some(t) = self.cached()
            && !t.needs_refresh(Utc::now())
        {
            return Ok(t.access_token);
        }
        self.refresh(http, None).await
    }

    /// Called after a data call got 401 with `rejected`: refreshes unless another task already did.
    pub(crate) async fn refresh_after_rejection(
        &self,
        http: &HttpCore,
        rejected: &SecretString,
    ) -> Result<SecretString> {
        self.refresh(http, Some(rejected)).await
    }

    /// Single-flight refresh. After taking the in-process lock the current token is re-read (from the
    /// store, which another task or process may have updated); only if it is still unusable is the
    /// store's refresh lock taken, the store read once more, and `/token` called.
    async fn refresh(
        &self,
        http: &HttpCore,
        rejected: Option<&SecretString>,
    ) -> Result<SecretString> {
        let _guard = self.refresh_lock.lock().await;
        if let Some(token) = self.usable_current(rejected).await? {
            return Ok(token);
        }
        let lock = self.store.lock_refresh().await?;
        let result = self.refresh_locked(http, rejected).await;
        lock.release().await;
        result
    }

    /// The stored (else cached) token set.
    async fn current(&self) -> Result<Option<TokenSet>> {
        Ok(match self.store.load().await? {
            Some(t) => Some(t),
            None => self.cached(),
        })
    }

    /// The current access token when it can be used: not expiring and not the one just rejected.
    async fn usable_current(
        &self,
        rejected: Option<&SecretString>,
    ) -> Result<Option<SecretString>> {
        Ok(self
            .current()
            .await?
            .and_then(|t| self.adopt_if_usable(t, rejected)))
    }

    /// Makes `tokens` current (they are stored already) when their access token can be used.
    fn adopt_if_usable(
        &self,
        tokens: TokenSet,
        rejected: Option<&SecretString>,
    ) -> Option<SecretString> {
        let was_rejected =
            rejected.is_some_and(|r| r.expose_secret() == tokens.access_token.expose_secret());
        if was_rejected || tokens.needs_refresh(Utc::now()) {
            return None;
        }
        let access = tokens.access_token.clone();
        self.set_cache(tokens);
        Some(access)
    }

    /// The refresh itself, under the store's refresh lock.
    async fn refresh_locked(
        &self,
        http: &HttpCore,
        rejected: Option<&SecretString>,
    ) -> Result<SecretString> {
        let current = self.current().await?;
        // Another process may have refreshed while this one waited for the lock.
        if let Some(token) = current
            .clone()
            .and_then(|t| self.adopt_if_usable(t, rejected))
        {
            tracing::debug!("tokens refreshed elsewhere meanwhile: adopted");
            return Ok(token);
        }
        let mut refresh_token = match (&current, &self.seed) {
            (Some(t), _) => t.refresh_token.clone(),
            (None, Some(seed)) => seed.clone(),
            (None, None) => return Err(Error::ReauthorizationRequired),
        };
        for _ in 0..MAX_REFRESH_ROUNDS {
            let form = [
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose_secret()),
                ("client_id", self.config.client_id.as_str()),
                ("client_secret", self.config.client_secret.expose_secret()),
            ];
            match self.token_call(http, &form, Some(&refresh_token)).await {
                Ok(tokens) => {
                    self.adopt(http, tokens.clone()).await?;
                    tracing::info!(expires_at = %tokens.expires_at, "access token refreshed");
                    return Ok(tokens.access_token);
                }
                Err(Error::ReauthorizationRequired) => {
                    let Some(stored) = self.rotated_elsewhere(&refresh_token).await? else {
                        tracing::warn!(
                            "refresh token rejected (invalid_grant) and the store holds no newer \
                             one: re-authorisation required"
                        );
                        return Err(Error::ReauthorizationRequired);
                    };
                    tracing::info!(
                        "refresh token rejected (invalid_grant): another process rotated it; \
                         adopting the stored tokens"
                    );
                    refresh_token = stored.refresh_token.clone();
                    if let Some(token) = self.adopt_if_usable(stored, rejected) {
                        return Ok(token);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        tracing::warn!(
            "the refresh token keeps being rotated elsewhere: re-authorisation required"
        );
        Err(Error::ReauthorizationRequired)
    }

    /// After `refused` met `invalid_grant`: the stored set when it holds another refresh token
    /// (another process rotated it), watching the store for [`ROTATION_GRACE`] in case that process
    /// is saving it right now. `None` when the store keeps the refused token.
    async fn rotated_elsewhere(&self, refused: &SecretString) -> Result<Option<TokenSet>> {
        let deadline = tokio::time::Instant::now() + ROTATION_GRACE;
        let mut delay = LOCK_BACKOFF.0;
        loop {
            if let Some(stored) = self.store.load().await?
                && stored.refresh_token.expose_secret() != refused.expose_secret()
            {
                return Ok(Some(stored));
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(None);
            }
            tokio::time::sleep(delay).await;
            delay = next_backoff(delay);
        }
    }

    /// Persists a new token set (first) and makes it current.
    async fn adopt(&self, http: &HttpCore, tokens: TokenSet) -> Result<()> {
        self.store.save(&tokens).await?;
        self.set_cache(tokens);
        http.stats.refresh();
        Ok(())
    }

    /// Posts a form to `/token`. Retried only when the request certainly was not sent: a refresh that
    /// reached the server may already have rotated the refresh token.
    async fn token_call(
        &self,
        http: &HttpCore,
        form: &[(&str, &str)],
        previous_refresh: Option<&SecretString>,
    ) -> Result<TokenSet> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter())
            .finish();
        let mut attempt = 1;
        loop {
            let mut request =
                HttpRequest::new(Method::POST, self.config.token_url.clone(), http.timeout);
            request.headers.insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
            request.headers.insert(
                header::ACCEPT,
                header::HeaderValue::from_static("application/json"),
            );
            request.body = body.clone().into();
            let result = match http.send_once(request).await {
                Ok(response) => {
                    parse_token_response(response.status, &response.body, previous_refresh)
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(tokens) => return Ok(tokens),
                Err(e) => match http.retry_delay(&e, false, attempt) {
                    Some(delay) => {
                        tracing::debug!(attempt, delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX), error = %e, "retrying token call");
                        http.stats.retry();
                        tokio::time::sleep(delay).await;
                        attempt += 1;
                    }
                    None => return Err(e),
                },
            }
        }
    }
}

/// Turns a `/token` response into a token set or a typed error. Never puts body text of a successful
/// response into an error (it holds tokens).
fn parse_token_response(
    status: StatusCode,
    body: &[u8],
    previous_refresh: Option<&SecretString>,
) -> Result<TokenSet> {
    if !looks_like_json(body) {
        return Err(
            if status.is_success()
                || status.is_server_error()
                || body.iter().all(u8::is_ascii_whitespace)
            {
                Error::Gateway {
                    status,
                    snippet: snippet(body),
                }
            } else {
                Error::OAuth {
                    status,
                    error: format!("http_{}", status.as_u16()),
                    description: Some(snippet(body)),
                }
            },
        );
    }
    if let Ok(err) = serde_json::from_slice::<OAuthErrorBody>(body) {
        if err.error == "invalid_grant" {
            tracing::debug!("token endpoint answered invalid_grant");
            return Err(Error::ReauthorizationRequired);
        }
        return Err(Error::OAuth {
            status,
            error: err.error,
            description: err.error_description,
        });
    }
    if let Some(e) = accountview_error(status, body) {
        return Err(e);
    }
    if !status.is_success() {
        return Err(Error::Http {
            status,
            snippet: snippet(body),
        });
    }
    let parsed: TokenResponse = serde_path_to_error::deserialize(
        &mut serde_json::Deserializer::from_slice(body),
    )
    .map_err(|e| {
        // The serde message may quote the offending value, which could be a token: keep only the path.
        Error::decode(
            e.path().to_string(),
            "invalid token response",
            String::new(),
        )
    })?;
    let lifetime = parsed
        .expires_in
        .as_ref()
        .and_then(|v| match v {
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
        .filter(|secs| *secs > 0)
        .map_or(DEFAULT_LIFETIME, chrono::TimeDelta::seconds);
    let refresh_token = match (parsed.refresh_token, previous_refresh) {
        (Some(r), _) if !r.is_empty() => SecretString::from(r),
        // No rotation: keep using the refresh token we sent.
        (_, Some(prev)) => prev.clone(),
        (_, None) => {
            return Err(Error::decode(
                "refresh_token",
                "token response has no refresh_token",
                String::new(),
            ));
        }
    };
    Ok(TokenSet {
        access_token: SecretString::from(parsed.access_token),
        refresh_token,
        expires_at: Utc::now() + lifetime,
        scope: parsed.scope,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_set_debug_redacts() {
        let t = TokenSet::new("acc-SECRET", "ref-SECRET", Utc::now(), None);
        let text = format!("{t:?}");
        assert!(!text.contains("SECRET"));
        assert!(text.contains("REDACTED"));
    }

    #[test]
    fn expiry_from_expires_in_or_one_hour() {
        let t = parse_token_response(
            StatusCode::OK,
            br#"{"access_token":"a","refresh_token":"r","expires_in":"120"}"#,
            None,
        )
        .unwrap();
        let left = t.expires_at - Utc::now();
        assert!(left <= chrono::TimeDelta::seconds(120) && left > chrono::TimeDelta::seconds(100));
        // 120 s left, skew 60 s: not yet due
        assert!(!t.needs_refresh(Utc::now()));
        assert!(t.needs_refresh(Utc::now() + chrono::TimeDelta::seconds(61)));

        let t = parse_token_response(
            StatusCode::OK,
            br#"{"access_token":"a","refresh_token":"r"}"#,
            None,
        )
        .unwrap();
        let left = t.expires_at - Utc::now();
        assert!(left > chrono::TimeDelta::minutes(59) && left <= DEFAULT_LIFETIME);
    }

    #[test]
    fn keeps_previous_refresh_token_when_not_rotated() {
        let prev = SecretString::from("old-refresh");
        let t =
            parse_token_response(StatusCode::OK, br#"{"access_token":"a"}"#, Some(&prev)).unwrap();
        assert_eq!(t.refresh_token.expose_secret(), "old-refresh");
    }

    #[test]
    fn classifies_token_errors() {
        assert!(matches!(
            parse_token_response(
                StatusCode::BAD_REQUEST,
                br#"{"error":"invalid_grant"}"#,
                None
            ),
            Err(Error::ReauthorizationRequired)
        ));
        match parse_token_response(
            StatusCode::BAD_REQUEST,
            br#"{"error":"invalid_client","error_description":"unknown client"}"#,
            None,
        ) {
            Err(Error::OAuth {
                error, description, ..
            }) => {
                assert_eq!(error, "invalid_client");
                assert_eq!(description.as_deref(), Some("unknown client"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            parse_token_response(StatusCode::BAD_GATEWAY, b"<html>down</html>", None),
            Err(Error::Gateway { .. })
        ));
    }

    #[test]
    fn decode_error_never_quotes_the_token() {
        let err = parse_token_response(StatusCode::OK, br#"{"access_token":12345678901}"#, None)
            .unwrap_err();
        assert!(!err.to_string().contains("12345678901"));
    }
}
