//! The client, its builder and the cluster table.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{Error, Result};
use crate::models::enums::open_enum;
use crate::ratelimit::limiter::RateLimiter;
use crate::ratelimit::{RateLimitConfig, RateLimitSnapshot};
use crate::retry::RetryPolicy;
use crate::transport::{ReqwestTransport, Transport};
use koppel_http::{ClientStats, StatsCounters as Stats};

open_enum! {
    /// The Lightspeed eCom cluster a shop lives on. Store it per connected shop; never derive it
    /// from the language.
    Cluster {
        /// EU shops (NL/BE included): `https://api.webshopapp.com/`. The legacy name `live` is
        /// accepted as an alias.
        Eu1 => "eu1" | "live",
        /// North-American shops: `https://api.shoplightspeed.com/`.
        Us1 => "us1",
    }
}

impl Cluster {
    /// The API host of the cluster; `None` for clusters this crate does not know (set
    /// [`LightspeedClientBuilder::base_url`] for those).
    pub fn base_url(&self) -> Option<&'static str> {
        match self {
            Cluster::Eu1 => Some("https://api.webshopapp.com/"),
            Cluster::Us1 => Some("https://api.shoplightspeed.com/"),
            Cluster::Other(_) => None,
        }
    }
}

/// Default request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A typed, rate-limited client for one Lightspeed eCom shop (one API key, one language).
///
/// Cheap to clone: clones share the connection pool, the rate limiter and the statistics.
#[derive(Clone)]
pub struct LightspeedClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base_url: Url,
    pub(crate) language: String,
    pub(crate) api_key: SecretString,
    pub(crate) api_secret: SecretString,
    pub(crate) authorization: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) limiter: Arc<RateLimiter>,
    pub(crate) retry: RetryPolicy,
    pub(crate) stats: Stats,
}

impl LightspeedClient {
    /// Starts a builder.
    pub fn builder() -> LightspeedClientBuilder {
        LightspeedClientBuilder::default()
    }

    /// The base URL requests go to (ends with `/`).
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The language segment of every URL (`nl`).
    pub fn language(&self) -> &str {
        &self.inner.language
    }

    /// Request counters (shared by clones).
    pub fn stats(&self) -> ClientStats {
        self.inner.stats.snapshot()
    }

    /// The rate limiter's current view of the three windows.
    pub fn rate_limit_snapshot(&self) -> RateLimitSnapshot {
        self.inner.limiter.snapshot()
    }

    /// The key and secret, for scrubbing them from error texts.
    pub(crate) fn secrets(&self) -> [&str; 2] {
        [
            self.inner.api_key.expose_secret(),
            self.inner.api_secret.expose_secret(),
        ]
    }
}

impl fmt::Debug for LightspeedClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("LightspeedClient")
            .field("base_url", &inner.base_url.as_str())
            .field("language", &inner.language)
            .field("api_key", &"[redacted]")
            .field("api_secret", &"[redacted]")
            .field("timeout", &inner.timeout)
            .field("connect_timeout", &inner.connect_timeout)
            .field("user_agent", &inner.user_agent)
            .field("retry", &inner.retry)
            .field("rate_limit", inner.limiter.config())
            .finish_non_exhaustive()
    }
}

/// Builder of a [`LightspeedClient`]; see [`LightspeedClient::builder`].
///
/// Required: credentials, a language, and a cluster or a base URL.
#[derive(Default)]
pub struct LightspeedClientBuilder {
    cluster: Option<Cluster>,
    language: Option<String>,
    api_key: Option<SecretString>,
    api_secret: Option<SecretString>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    rate_limit: Option<RateLimitConfig>,
    retry: Option<RetryPolicy>,
    transport: Option<Arc<dyn Transport>>,
}

impl fmt::Debug for LightspeedClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LightspeedClientBuilder")
            .field("cluster", &self.cluster)
            .field("language", &self.language)
            .field("credentials", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

impl LightspeedClientBuilder {
    /// The shop's cluster (picks the API host).
    pub fn cluster(mut self, cluster: Cluster) -> Self {
        self.cluster = Some(cluster);
        self
    }

    /// The shop language used in every URL: exactly two ASCII letters, active in the shop.
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// The API key (HTTP Basic user) and secret (password).
    pub fn credentials(
        mut self,
        api_key: impl Into<SecretString>,
        api_secret: impl Into<SecretString>,
    ) -> Self {
        self.api_key = Some(api_key.into());
        self.api_secret = Some(api_secret.into());
        self
    }

    /// An explicit API base URL (a test server, a proxy). Wins over [`cluster`](Self::cluster);
    /// a trailing slash is optional. A URL written the way the API documents its URLs, with the
    /// language as its last segment (`https://api.webshopapp.com/nl/`), is accepted: the segment is
    /// taken as the [`language`](Self::language) (or must equal it), so URLs never read `/nl/nl/`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The request timeout (default 30 s), applied to every attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect timeout (default 10 s). Ignored with [`http_client`](Self::http_client) or
    /// [`transport`](Self::transport), which bring their own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default `koppel-lightspeed-client/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Use this `reqwest` client (shared connection pool, proxies…). The request timeout is still
    /// applied per request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Rate-limit settings.
    pub fn rate_limit(mut self, config: RateLimitConfig) -> Self {
        self.rate_limit = Some(config);
        self
    }

    /// Retry settings.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Send requests through this transport instead of `reqwest` (tests, custom HTTP stacks).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when credentials or the language are missing or malformed, when neither a
    /// known cluster nor a base URL is set, when the base URL is not an http(s) URL without
    /// credentials, query or fragment, when a timeout is zero, or when both an HTTP client and a
    /// transport are given.
    pub fn build(self) -> Result<LightspeedClient> {
        let api_key = self
            .api_key
            .ok_or_else(|| Error::Config("missing API key (call `credentials`)".into()))?;
        let api_secret = self
            .api_secret
            .ok_or_else(|| Error::Config("missing API secret (call `credentials`)".into()))?;
        if api_key.expose_secret().trim().is_empty() || api_secret.expose_secret().trim().is_empty()
        {
            return Err(Error::Config(
                "the API key and secret must not be empty".into(),
            ));
        }
        if api_key.expose_secret().contains(':') {
            return Err(Error::Config("the API key must not contain `:`".into()));
        }
        let (base_url, url_language) = match self.base_url.as_deref() {
            Some(url) => {
                let (url, language) = split_language(url);
                (Some(url), language)
            }
            None => (None, None),
        };
        let language = match (self.language.as_deref(), url_language) {
            (Some(given), Some(from_url)) if !given.trim().eq_ignore_ascii_case(&from_url) => {
                return Err(Error::Config(format!(
                    "the base URL ends in the language segment `{from_url}/` but the language is \
                     {given:?}: give the base URL without it and the language once"
                )));
            }
            (Some(given), _) => validate_language(Some(given))?,
            (None, from_url) => validate_language(from_url.as_deref())?,
        };
        let base_url = resolve_base_url(base_url.as_deref(), self.cluster.as_ref())?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        if timeout.is_zero() || connect_timeout.is_zero() {
            return Err(Error::Config("timeouts must be greater than zero".into()));
        }
        let user_agent_text = self
            .user_agent
            .unwrap_or_else(|| format!("koppel-lightspeed-client/{}", env!("CARGO_PKG_VERSION")));
        let user_agent = HeaderValue::from_str(&user_agent_text)
            .map_err(|_| Error::Config("the user agent is not a valid header value".into()))?;
        let authorization = basic_auth(&api_key, &api_secret)?;

        let transport: Arc<dyn Transport> = match (self.transport, self.http_client) {
            (Some(_), Some(_)) => {
                return Err(Error::Config(
                    "set either `http_client` or `transport`, not both".into(),
                ));
            }
            (Some(transport), None) => transport,
            (None, Some(client)) => Arc::new(ReqwestTransport::new(client)),
            (None, None) => {
                let client = reqwest::Client::builder()
                    .connect_timeout(connect_timeout)
                    .timeout(timeout)
                    .user_agent(user_agent_text)
                    .build()
                    .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?;
                Arc::new(ReqwestTransport::new(client))
            }
        };
        let limiter = RateLimiter::for_key(
            self.rate_limit.unwrap_or_default(),
            base_url.as_str(),
            api_key.expose_secret(),
        );

        Ok(LightspeedClient {
            inner: Arc::new(Inner {
                base_url,
                language,
                api_key,
                api_secret,
                authorization,
                user_agent,
                timeout,
                connect_timeout,
                transport,
                limiter,
                retry: self.retry.unwrap_or_default(),
                stats: Stats::default(),
            }),
        })
    }
}

/// Splits a base URL written with the shop language as its last path segment, the way the API
/// documents its URLs (`https://api.webshopapp.com/nl/`), into the base URL without it and the
/// language (lowercase). A URL whose last segment is not two ASCII letters comes back unchanged,
/// without a language.
///
/// ```
/// use lightspeed_client::split_language;
///
/// assert_eq!(
///     split_language("https://api.webshopapp.com/nl/"),
///     ("https://api.webshopapp.com/".to_owned(), Some("nl".to_owned()))
/// );
/// assert_eq!(split_language("https://api.webshopapp.com"), ("https://api.webshopapp.com".to_owned(), None));
/// assert_eq!(split_language("http://proxy.local/api/"), ("http://proxy.local/api/".to_owned(), None));
/// ```
pub fn split_language(base_url: &str) -> (String, Option<String>) {
    let text = base_url.trim();
    let Ok(url) = Url::parse(text) else {
        return (text.to_owned(), None);
    };
    let path = url.path().trim_end_matches('/');
    let Some((rest, last)) = path.rsplit_once('/') else {
        return (text.to_owned(), None);
    };
    if last.len() != 2 || !last.chars().all(|c| c.is_ascii_alphabetic()) {
        return (text.to_owned(), None);
    }
    let mut without = url.clone();
    without.set_path(&format!("{rest}/"));
    (without.to_string(), Some(last.to_ascii_lowercase()))
}

fn validate_language(language: Option<&str>) -> Result<String> {
    let language =
        language.ok_or_else(|| Error::Config("missing language (e.g. \"nl\")".into()))?;
    if language.len() != 2 || !language.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(Error::Config(format!(
            "the language must be exactly two ASCII letters, got {language:?}"
        )));
    }
    Ok(language.to_ascii_lowercase())
}

fn resolve_base_url(base_url: Option<&str>, cluster: Option<&Cluster>) -> Result<Url> {
    let text = match (base_url, cluster) {
        (Some(url), _) => url.trim().to_owned(),
        (None, Some(cluster)) => cluster
            .base_url()
            .ok_or_else(|| {
                Error::Config(format!(
                    "unknown cluster {cluster:?}: set `base_url` for it"
                ))
            })?
            .to_owned(),
        (None, None) => {
            return Err(Error::Config(
                "set a cluster (eu1, us1) or a base URL".into(),
            ));
        }
    };
    let mut url = Url::parse(&text).map_err(|e| Error::Config(format!("invalid base URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config("the base URL must be http or https".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Credentials in the URL would end up in logs and error messages.
        return Err(Error::Config(
            "the base URL must not contain credentials; use `credentials`".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(
            "the base URL must not have a query or fragment".into(),
        ));
    }
    if !url.path().ends_with('/') {
        // `Url::join` drops the last segment of a base without a trailing slash.
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn basic_auth(key: &SecretString, secret: &SecretString) -> Result<HeaderValue> {
    let token = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        key.expose_secret(),
        secret.expose_secret()
    ));
    let mut value = HeaderValue::from_str(&format!("Basic {token}"))
        .map_err(|_| Error::Config("the credentials are not valid header text".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> LightspeedClientBuilder {
        LightspeedClient::builder()
            .cluster(Cluster::Eu1)
            .language("nl")
            .credentials("key-0123", "secret-4567")
    }

    #[test]
    fn the_client_is_cheap_to_share_across_tasks() {
        fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
        assert_shareable::<LightspeedClient>();
        assert_shareable::<crate::Handler<crate::models::Order>>();
        assert_shareable::<crate::ListRequest<crate::models::Order>>();
    }

    #[test]
    fn cluster_hosts_and_alias() {
        assert_eq!(
            Cluster::parse("live").base_url(),
            Some("https://api.webshopapp.com/")
        );
        assert_eq!(
            Cluster::Us1.base_url(),
            Some("https://api.shoplightspeed.com/")
        );
        assert_eq!(Cluster::parse("eu2"), Cluster::Other("eu2".into()));
    }

    #[tokio::test]
    async fn builds_with_defaults() {
        let client = builder().build().unwrap();
        assert_eq!(client.base_url().as_str(), "https://api.webshopapp.com/");
        assert_eq!(client.language(), "nl");
        assert_eq!(client.inner.timeout, DEFAULT_TIMEOUT);
        assert_eq!(client.inner.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
    }

    #[tokio::test]
    async fn a_base_url_with_the_language_segment_gives_the_language() {
        let client = LightspeedClient::builder()
            .credentials("key", "secret")
            .base_url("https://api.webshopapp.com/de/")
            .build()
            .unwrap();
        assert_eq!(client.base_url().as_str(), "https://api.webshopapp.com/");
        assert_eq!(client.language(), "de");
        let same = LightspeedClient::builder()
            .credentials("key", "secret")
            .base_url("https://api.webshopapp.com/NL")
            .language("nl")
            .build()
            .unwrap();
        assert_eq!(same.base_url().as_str(), "https://api.webshopapp.com/");
        let error = LightspeedClient::builder()
            .credentials("key", "secret")
            .base_url("https://api.webshopapp.com/nl/")
            .language("de")
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("`nl/`"), "{error}");
    }

    #[tokio::test]
    async fn base_url_wins_and_gets_a_trailing_slash() {
        let a = builder()
            .base_url("http://127.0.0.1:9/api")
            .build()
            .unwrap();
        let b = builder()
            .base_url("http://127.0.0.1:9/api/")
            .build()
            .unwrap();
        assert_eq!(a.base_url().as_str(), "http://127.0.0.1:9/api/");
        assert_eq!(a.base_url(), b.base_url());
    }

    #[tokio::test]
    async fn language_is_validated() {
        for bad in ["", "n", "nld", "n1", "é1"] {
            assert!(
                matches!(builder().language(bad).build(), Err(Error::Config(_))),
                "{bad}"
            );
        }
        assert_eq!(builder().language("NL").build().unwrap().language(), "nl");
    }

    #[tokio::test]
    async fn config_errors() {
        let no_creds = LightspeedClient::builder()
            .cluster(Cluster::Eu1)
            .language("nl")
            .build();
        assert!(matches!(no_creds, Err(Error::Config(_))));
        let no_host = LightspeedClient::builder()
            .language("nl")
            .credentials("k", "s")
            .build();
        assert!(matches!(no_host, Err(Error::Config(_))));
        let unknown = builder().cluster(Cluster::parse("xx1")).build();
        assert!(matches!(unknown, Err(Error::Config(_))));
        let creds_in_url = builder().base_url("https://k:s@example.com/").build();
        assert!(matches!(creds_in_url, Err(Error::Config(_))));
        let zero = builder().timeout(Duration::ZERO).build();
        assert!(matches!(zero, Err(Error::Config(_))));
        let both = builder()
            .http_client(reqwest::Client::new())
            .transport(Arc::new(ReqwestTransport::new(reqwest::Client::new())))
            .build();
        assert!(matches!(both, Err(Error::Config(_))));
    }

    #[tokio::test]
    async fn debug_redacts_credentials() {
        let client = builder().build().unwrap();
        let dbg = format!("{client:?}");
        assert!(!dbg.contains("key-0123"));
        assert!(!dbg.contains("secret-4567"));
        // nor their base64 form inside the Authorization header
        assert!(!dbg.contains("a2V5LTAxMjM6"));
        let builder_dbg = format!("{:?}", builder());
        assert!(!builder_dbg.contains("key-0123") && !builder_dbg.contains("secret-4567"));
    }
}
