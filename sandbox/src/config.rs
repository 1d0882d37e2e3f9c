//! Sandbox configuration (a builder; every setting has a sensible default).

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::accountview::AvLayout;

/// Lightspeed rate-limit window sizes (requests per window).
///
/// The defaults are the documented per-key limits: 300 per 5 minutes, 3,000 per hour, 12,000 per
/// day, and at most 20 requests per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests per 5-minute window.
    pub five_min: u32,
    /// Requests per hour window.
    pub hour: u32,
    /// Requests per day window.
    pub day: u32,
    /// Requests per second (the per-second cap; not reported in the headers).
    pub per_second: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            five_min: 300,
            hour: 3000,
            day: 12000,
            per_second: 20,
        }
    }
}

impl RateLimits {
    /// Limits so high that no test or demo will reach them.
    pub fn unlimited() -> Self {
        Self {
            five_min: u32::MAX / 4,
            hour: u32::MAX / 2,
            day: u32::MAX,
            per_second: u32::MAX,
        }
    }
}

/// Which AccountView tables answer a one-row read with a bare object instead of a one-element array
/// (a quirk integrators guard against; see the AccountView reference §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SingleRowObject {
    /// Always arrays.
    Never,
    /// Objects for one-row results of these tables (uppercase names, e.g. `ARTICLE`).
    Tables(Vec<String>),
    /// Objects for every one-row result.
    Always,
}

impl SingleRowObject {
    pub(crate) fn applies_to(&self, table: &str) -> bool {
        match self {
            Self::Never => false,
            Self::Always => true,
            Self::Tables(t) => t.iter().any(|x| x.eq_ignore_ascii_case(table)),
        }
    }
}

/// Everything the sandbox can be told at start. Build it with the chained setters:
///
/// ```
/// let cfg = sandbox::SandboxConfig::default().seed(7).customers(10).orders(20).articles(30);
/// assert_eq!(cfg.seed_value(), 7);
/// ```
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub(crate) seed: u64,
    pub(crate) customers: usize,
    pub(crate) orders: usize,
    pub(crate) articles: usize,
    pub(crate) time_scale: u32,
    pub(crate) rate_limits: RateLimits,
    pub(crate) now: Option<DateTime<Utc>>,
    pub(crate) av_token_ttl: Duration,
    pub(crate) language: String,
    pub(crate) shop_share_per_mille: u16,
    pub(crate) debtor_share_per_mille: u16,
    pub(crate) av_not_found_on_empty: bool,
    pub(crate) av_single_row_object: SingleRowObject,
    pub(crate) av_validation_status: u16,
    pub(crate) av_layout: AvLayout,
    pub(crate) av_exact_text_filters: bool,
    pub(crate) fault_hold: Duration,
    pub(crate) webhook_timeout: Duration,
    pub(crate) webhook_secret: Option<String>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            customers: 40,
            orders: 100,
            articles: 80,
            time_scale: 1,
            rate_limits: RateLimits::default(),
            now: None,
            av_token_ttl: Duration::from_secs(3600),
            language: "nl".to_owned(),
            shop_share_per_mille: 850,
            debtor_share_per_mille: 400,
            av_not_found_on_empty: true,
            av_single_row_object: SingleRowObject::Tables(vec!["ARTICLE".to_owned()]),
            av_validation_status: 400,
            av_layout: AvLayout::standard(),
            av_exact_text_filters: false,
            fault_hold: Duration::from_secs(120),
            webhook_timeout: Duration::from_secs(10),
            webhook_secret: None,
        }
    }
}

impl SandboxConfig {
    /// The seed for all generated data and the fault dice (default 1). Same seed, same data.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Number of shop customers to generate (default 40).
    pub fn customers(mut self, n: usize) -> Self {
        self.customers = n;
        self
    }
    /// Number of shop orders to generate (default 100).
    pub fn orders(mut self, n: usize) -> Self {
        self.orders = n;
        self
    }
    /// Number of AccountView articles to generate (default 80); the shop mirrors most of them.
    pub fn articles(mut self, n: usize) -> Self {
        self.articles = n;
        self
    }
    /// Divides every Lightspeed rate-limit window (5 min, hour, day and the per-second cap) by this
    /// factor, so a benchmark can run "five minutes" in five seconds with `time_scale(60)`. Default 1.
    pub fn time_scale(mut self, scale: u32) -> Self {
        self.time_scale = scale;
        self
    }
    /// Lightspeed rate-limit window sizes (default 300/3000/12000, 20 per second).
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = limits;
        self
    }
    /// The fixed "now" the data is generated around (orders spread over the 60 days before it).
    /// Default: the real clock at start. The simulated clock advances in real time from here.
    pub fn now(mut self, now: DateTime<Utc>) -> Self {
        self.now = Some(now);
        self
    }
    /// Lifetime of AccountView access tokens (default 3600 s; `expires_in` in the token answer).
    pub fn av_token_ttl(mut self, ttl: Duration) -> Self {
        self.av_token_ttl = ttl;
        self
    }
    /// The shop's default language code (default `nl`); `en` and `de` are active too.
    pub fn language(mut self, code: impl Into<String>) -> Self {
        self.language = code.into().to_ascii_lowercase();
        self
    }
    /// Share (per mille) of web-shop articles that already exist in the shop (default 850). The
    /// rest is "not yet in the shop", so a product sync has work to do.
    pub fn shop_share_per_mille(mut self, share: u16) -> Self {
        self.shop_share_per_mille = share.min(1000);
        self
    }
    /// Share (per mille) of shop customers that already exist as AccountView debtors (default 400).
    pub fn debtor_share_per_mille(mut self, share: u16) -> Self {
        self.debtor_share_per_mille = share.min(1000);
        self
    }
    /// Whether an AccountView read with filters that matches no row answers 404 with an error
    /// body (default `true`, the quirk in the reference) instead of 200 with empty tables.
    pub fn av_not_found_on_empty(mut self, on: bool) -> Self {
        self.av_not_found_on_empty = on;
        self
    }
    /// Which AccountView tables answer a one-row read with an object (default: `ARTICLE`).
    pub fn av_single_row_object(mut self, rule: SingleRowObject) -> Self {
        self.av_single_row_object = rule;
        self
    }
    /// HTTP status of AccountView validation errors (default 400; 200 puts the error body inside
    /// a success status, as some installations do).
    pub fn av_validation_status(mut self, status: u16) -> Self {
        self.av_validation_status = status;
        self
    }
    /// How the administration's columns and business objects differ from the standard dictionary
    /// (default: not at all); see [`AvLayout`]. Its field dictionary tells the truth about them.
    pub fn av_layout(mut self, layout: AvLayout) -> Self {
        self.av_layout = layout;
        self
    }
    /// Whether AccountView text filters compare exactly (default `false`: as FoxPro with `SET EXACT
    /// OFF`, a non-empty value matches every text that starts with it, so `SUB_NR = 1001` also
    /// finds `10010`; an empty value matches only empty text).
    pub fn av_exact_text_filters(mut self, exact: bool) -> Self {
        self.av_exact_text_filters = exact;
        self
    }
    /// How long a `FaultKind::Timeout` holds a request before closing the connection (default
    /// 120 s, longer than any sane client timeout; cut short by shutdown).
    pub fn fault_hold(mut self, hold: Duration) -> Self {
        self.fault_hold = hold;
        self
    }
    /// Timeout of webhook deliveries to subscribers (default 10 s).
    pub fn webhook_timeout(mut self, timeout: Duration) -> Self {
        self.webhook_timeout = timeout;
        self
    }
    /// The secret used for webhook `X-Signature` (default: the API secret).
    pub fn webhook_secret(mut self, secret: impl Into<String>) -> Self {
        self.webhook_secret = Some(secret.into());
        self
    }

    /// The configured seed.
    pub fn seed_value(&self) -> u64 {
        self.seed
    }

    pub(crate) fn validate(&self) -> Result<(), crate::SandboxError> {
        if self.time_scale == 0 {
            return Err(crate::SandboxError::Config(
                "time_scale must be at least 1".into(),
            ));
        }
        let r = &self.rate_limits;
        if r.five_min == 0 || r.hour == 0 || r.day == 0 || r.per_second == 0 {
            return Err(crate::SandboxError::Config(
                "rate limits must be at least 1".into(),
            ));
        }
        if self.language.len() != 2 {
            return Err(crate::SandboxError::Config(
                "the language must be a 2-letter code".into(),
            ));
        }
        Ok(())
    }
}
