//! [`AccountViewClientBuilder`]: configuration checked once, in `build()`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::auth::{DEFAULT_SCOPES, MemoryTokenStore, OAuthConfig, TokenManager, TokenStore};
use crate::client::{AccountViewClient, Shared};
use crate::error::{Error, Result};
use crate::http::HttpCore;
use crate::transport::{ReqwestTransport, Transport};
use crate::validate::FieldFacts;
use koppel_http::RetryPolicy;
use koppel_http::StatsCounters;

/// Default API base.
pub const DEFAULT_BASE_URL: &str = "https://www.accountview.net/api/v3";
/// Default consent page.
pub const DEFAULT_AUTHORIZE_URL: &str = "https://www.accountview.net/ams/authorize.aspx";
/// Default request timeout: generous, because requests are relayed to the merchant's own server.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Builds an [`AccountViewClient`].
///
/// Required: [`client_id`](Self::client_id) and [`client_secret`](Self::client_secret). Everything
/// else has a default: the production URLs, 60 s / 10 s timeouts, an in-memory token store,
/// [`RetryPolicy::default`] and the built-in [`FieldFacts`].
#[derive(Default)]
pub struct AccountViewClientBuilder {
    base_url: Option<String>,
    authorize_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    redirect_uri: Option<String>,
    scopes: Option<Vec<String>>,
    company_id: Option<String>,
    token_store: Option<Arc<dyn TokenStore>>,
    refresh_token: Option<SecretString>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    transport: Option<Arc<dyn Transport>>,
    retry: Option<RetryPolicy>,
    field_facts: Option<FieldFacts>,
}

impl fmt::Debug for AccountViewClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountViewClientBuilder")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("company_id", &self.company_id)
            .finish_non_exhaustive()
    }
}

impl AccountViewClientBuilder {
    /// API base URL (with or without a trailing slash). Default [`DEFAULT_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Consent page URL. Default [`DEFAULT_AUTHORIZE_URL`].
    pub fn authorize_url(mut self, url: impl Into<String>) -> Self {
        self.authorize_url = Some(url.into());
        self
    }

    /// The application's API key (`client_id`).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The application's API secret.
    pub fn client_secret(mut self, secret: impl Into<SecretString>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// The registered redirect URI (needed for the authorization-code flow).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Scopes to request. Default [`DEFAULT_SCOPES`].
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The administration to work in: the company `Id` (not its `Code`) from
    /// [`AccountViewClient::companies`].
    pub fn company_id(mut self, id: impl Into<String>) -> Self {
        self.company_id = Some(id.into());
        self
    }

    /// Where token sets are persisted. Default: in memory only.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    /// A refresh token to start from while the token store is empty.
    pub fn refresh_token(mut self, token: impl Into<SecretString>) -> Self {
        self.refresh_token = Some(token.into());
        self
    }

    /// Time allowed for one request. Default 60 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed to connect. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// `User-Agent` of the default HTTP client.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// Use this reqwest client for the default transport (the client's own timeout still applies).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Use this transport instead of reqwest (tests, proxies, recording).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Retry policy for reads (and for writes that certainly were not sent).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The field facts used to validate writes. Default [`FieldFacts::builtin`].
    pub fn field_facts(mut self, facts: FieldFacts) -> Self {
        self.field_facts = Some(facts);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<AccountViewClient> {
        let base_url = parse_base(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let authorize_url = Url::parse(
            self.authorize_url
                .as_deref()
                .unwrap_or(DEFAULT_AUTHORIZE_URL),
        )
        .map_err(|e| Error::Config(format!("invalid authorize_url: {e}")))?;
        let token_url = base_url
            .join("token")
            .map_err(|e| Error::Config(format!("invalid base_url: {e}")))?;
        let client_id = self
            .client_id
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| Error::Config("client_id is required".into()))?;
        let client_secret = self
            .client_secret
            .ok_or_else(|| Error::Config("client_secret is required".into()))?;
        let redirect_uri = self
            .redirect_uri
            .map(|u| {
                Url::parse(&u).map_err(|e| Error::Config(format!("invalid redirect_uri: {e}")))
            })
            .transpose()?;
        if let Some(company) = &self.company_id {
            crate::client::company_header(company)?;
        }
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let transport: Arc<dyn Transport> = match (self.transport, self.http_client) {
            (Some(t), _) => t,
            (None, Some(client)) => Arc::new(ReqwestTransport::new(client)),
            (None, None) => {
                let agent = self.user_agent.unwrap_or_else(|| {
                    concat!("koppel-accountview-client/", env!("CARGO_PKG_VERSION")).to_owned()
                });
                let client = reqwest::Client::builder()
                    .timeout(timeout)
                    .connect_timeout(connect_timeout)
                    .user_agent(agent)
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
                Arc::new(ReqwestTransport::new(client))
            }
        };
        let oauth = OAuthConfig {
            token_url,
            authorize_url,
            client_id,
            client_secret,
            redirect_uri,
            scopes: self
                .scopes
                .unwrap_or_else(|| DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect()),
        };
        let store = self
            .token_store
            .unwrap_or_else(|| Arc::new(MemoryTokenStore::new()));
        let shared = Shared {
            base_url,
            http: HttpCore {
                transport,
                timeout,
                retry: self.retry.unwrap_or_default(),
                stats: StatsCounters::default(),
            },
            tokens: TokenManager::new(oauth, store, self.refresh_token),
            write_locks: Default::default(),
            facts: std::sync::RwLock::new(self.field_facts.unwrap_or_else(FieldFacts::builtin)),
        };
        Ok(AccountViewClient::from_parts(
            Arc::new(shared),
            self.company_id,
        ))
    }
}

/// Parses the base URL and makes sure its path ends in `/`, so `join("accountviewdata")` appends
/// instead of replacing the last segment.
fn parse_base(raw: &str) -> Result<Url> {
    let mut url =
        Url::parse(raw.trim()).map_err(|e| Error::Config(format!("invalid base_url: {e}")))?;
    if url.cannot_be_a_base() {
        return Err(Error::Config("base_url cannot be a base URL".into()));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_with_or_without_slash() {
        let a = parse_base("https://www.accountview.net/api/v3").unwrap();
        let b = parse_base("https://www.accountview.net/api/v3/").unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a.join("accountviewdata").unwrap().as_str(),
            "https://www.accountview.net/api/v3/accountviewdata"
        );
        assert!(parse_base("not a url").is_err());
    }

    #[test]
    fn build_requires_credentials() {
        assert!(matches!(
            AccountViewClientBuilder::default().build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            AccountViewClientBuilder::default().client_id("id").build(),
            Err(Error::Config(_))
        ));
        assert!(
            AccountViewClientBuilder::default()
                .client_id("id")
                .client_secret("s")
                .build()
                .is_ok()
        );
        assert!(matches!(
            AccountViewClientBuilder::default()
                .client_id("id")
                .client_secret("s")
                .company_id("bad\nid")
                .build(),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn builder_debug_redacts() {
        let b = AccountViewClientBuilder::default()
            .client_secret("the-secret")
            .refresh_token("the-refresh");
        let text = format!("{b:?}");
        assert!(!text.contains("the-secret"));
        assert!(!text.contains("the-refresh"));
    }
}
