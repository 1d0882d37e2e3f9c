//! `koppel.toml`: the binary's configuration. The section and key names are a contract.
//!
//! ```toml
//! [lightspeed]      # base_url (or cluster + language), api_key, api_secret, webhook_secret
//! [accountview]     # base_url, client_id, client_secret, refresh_token (initial), company_id
//! [state]           # url = "sqlite://koppel.db" | "postgres://…"
//! [orders] [stock] [products] [customers]   # sync-core's flow settings
//! [notify]          # webhook_url and/or [notify.smtp]; on which outcomes
//! [dashboard]       # listen, password
//! [[connection]]    # several shop/administration pairs, each with its own sections
//! ```
//!
//! `${ENV_VAR}` anywhere in a value is replaced from the environment (a missing variable is an error
//! naming it); unknown keys are errors naming the key and the line.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, bail};
use secrecy::SecretString;
use serde::Deserialize;
use sync_core::config::{
    CustomersConfig, HumanDuration, OrdersConfig, ProductsConfig, StockConfig,
};

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KoppelConfig {
    /// The shop (single-connection form).
    pub lightspeed: Option<LightspeedSection>,
    /// The administration (single-connection form).
    pub accountview: Option<AccountViewSection>,
    /// The state store.
    #[serde(default)]
    pub state: StateSection,
    /// The order flow.
    #[serde(default)]
    pub orders: OrdersConfig,
    /// The stock flow.
    #[serde(default)]
    pub stock: StockConfig,
    /// The product flow.
    #[serde(default)]
    pub products: ProductsConfig,
    /// The customer flow.
    #[serde(default)]
    pub customers: CustomersConfig,
    /// Notifications.
    #[serde(default)]
    pub notify: NotifySection,
    /// The dashboard of `koppel serve`.
    #[serde(default)]
    pub dashboard: DashboardSection,
    /// Several shop/administration pairs.
    #[serde(default, rename = "connection")]
    pub connections: Vec<ConnectionSection>,
}

/// `[lightspeed]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LightspeedSection {
    /// API base URL; wins over `cluster`.
    pub base_url: Option<String>,
    /// `eu1` (default) or `us1`.
    pub cluster: Option<String>,
    /// The shop language the API speaks (default `nl`, or the language segment a `base_url` is
    /// written with: `https://api.webshopapp.com/nl/`). Resolved when the file is read.
    #[serde(default)]
    pub language: String,
    /// The API key.
    pub api_key: String,
    /// The API secret.
    pub api_secret: SecretString,
    /// The secret that signs webhooks (default: the API secret).
    pub webhook_secret: Option<SecretString>,
    /// Register the shop's webhooks on `koppel serve` start, pointing at `public_url`.
    #[serde(default)]
    pub register_webhooks: bool,
    /// The public base URL of `koppel serve` (for webhook registration).
    pub public_url: Option<String>,
    /// Connector options (shop id, currency, page size).
    #[serde(default)]
    pub shop: lightspeed_client::sync::ShopOptions,
}

/// The language when neither `language` nor the base URL names one.
const DEFAULT_LANGUAGE: &str = "nl";

impl LightspeedSection {
    /// Takes the language from a `base_url` written with it as its last segment, the way the API
    /// documents its URLs (`https://api.webshopapp.com/nl/`), so URLs never read `/nl/nl/`; a
    /// `language` that says otherwise is an error that says what to write. An unset language is `nl`.
    fn resolve_language(&mut self) -> anyhow::Result<()> {
        if let Some(url) = &self.base_url
            && let (without, Some(from_url)) = lightspeed_client::split_language(url)
        {
            let given = self.language.trim();
            if !given.is_empty() && !given.eq_ignore_ascii_case(&from_url) {
                bail!(
                    "[lightspeed] base_url ends in the language `{from_url}/` but language = \
                     \"{given}\": write base_url = \"{without}\" and language = \"…\" once"
                );
            }
            self.base_url = Some(without);
            self.language = from_url;
        }
        if self.language.trim().is_empty() {
            DEFAULT_LANGUAGE.clone_into(&mut self.language);
        }
        Ok(())
    }
}

/// `[accountview]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountViewSection {
    /// API base URL (default `https://www.accountview.net/api/v3`).
    pub base_url: Option<String>,
    /// The authorize URL (default derived by the client).
    pub authorize_url: Option<String>,
    /// The app's client id (API-sleutel).
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: SecretString,
    /// The redirect URI registered for the app.
    pub redirect_uri: Option<String>,
    /// The initial refresh token; later ones are kept in the state store.
    pub refresh_token: Option<SecretString>,
    /// The administration's `Id` (X-Company).
    pub company_id: String,
    /// Connector options: which AccountView columns hold what.
    #[serde(default)]
    pub ledger: accountview_client::sync::LedgerOptions,
}

/// `[state]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StateSection {
    /// `sqlite://path`, `postgres://…` or `memory://`.
    pub url: String,
    /// Replace personal data in activity-log payloads when they are written.
    pub redact_personal_data: bool,
    /// How long activity-log payloads are kept (`koppel log purge`, and daily in `serve`).
    pub retention: HumanDuration,
    /// How long a record's claim lasts without a renewal before another worker may take it over
    /// (default 15 minutes; claims are renewed four times per period while their record is
    /// processed). After a worker crashed, the record it was writing waits this long.
    pub claim_stale_after: HumanDuration,
}

impl Default for StateSection {
    fn default() -> Self {
        Self {
            url: "sqlite://koppel.db".to_owned(),
            redact_personal_data: false,
            retention: HumanDuration(std::time::Duration::from_secs(90 * 86_400)),
            claim_stale_after: HumanDuration(std::time::Duration::from_secs(15 * 60)),
        }
    }
}

/// `[notify]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifySection {
    /// A URL that receives a JSON POST (Slack-compatible `text`).
    pub webhook_url: Option<String>,
    /// E-mail.
    pub smtp: Option<SmtpSection>,
    /// Which outcomes notify: `run_failed`, `dead_letter`, `connection`, `recovered`.
    pub on: Vec<String>,
}

impl Default for NotifySection {
    fn default() -> Self {
        Self {
            webhook_url: None,
            smtp: None,
            on: ["run_failed", "dead_letter", "connection", "recovered"]
                .map(str::to_owned)
                .to_vec(),
        }
    }
}

/// `[notify.smtp]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSection {
    /// The server.
    pub host: String,
    /// The port (default 587).
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    /// `starttls` (default), `tls` or `none` (local relays only).
    #[serde(default = "default_tls")]
    pub tls: String,
    /// User name.
    pub username: Option<String>,
    /// Password.
    pub password: Option<SecretString>,
    /// Sender address.
    pub from: String,
    /// Recipients.
    pub to: Vec<String>,
}

fn default_smtp_port() -> u16 {
    587
}

fn default_tls() -> String {
    "starttls".to_owned()
}

/// `[dashboard]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DashboardSection {
    /// Where `koppel serve` listens (dashboard, webhooks, health, metrics).
    pub listen: SocketAddr,
    /// The dashboard password; without one the dashboard is off (webhooks and health still work).
    pub password: Option<SecretString>,
}

impl Default for DashboardSection {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            password: None,
        }
    }
}

/// `[[connection]]`: one shop/administration pair with its own flows (the top-level flow sections are
/// the defaults for any it leaves out).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionSection {
    /// A short unique name (state keys, dashboard, logs).
    pub name: String,
    /// The shop.
    pub lightspeed: LightspeedSection,
    /// The administration.
    pub accountview: AccountViewSection,
    /// The order flow.
    pub orders: Option<OrdersConfig>,
    /// The stock flow.
    pub stock: Option<StockConfig>,
    /// The product flow.
    pub products: Option<ProductsConfig>,
    /// The customer flow.
    pub customers: Option<CustomersConfig>,
}

/// One resolved connection.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Its name.
    pub name: String,
    /// The shop.
    pub lightspeed: LightspeedSection,
    /// The administration.
    pub accountview: AccountViewSection,
    /// The order flow.
    pub orders: OrdersConfig,
    /// The stock flow.
    pub stock: StockConfig,
    /// The product flow.
    pub products: ProductsConfig,
    /// The customer flow.
    pub customers: CustomersConfig,
}

/// The flows this build runs. The product and customer flows are configured already (`[products]`,
/// `[customers]`) but not part of this build yet.
pub const BUILT_FLOWS: &[&str] = &["orders", "stock"];

impl Connection {
    /// How the enabled flows use the administration: what the ledger's column plan is made of.
    pub fn plan_scope(&self) -> accountview_client::sync::PlanScope {
        accountview_client::sync::PlanScope::from_config(
            self.orders.enabled.then_some(&self.orders),
            self.stock.enabled.then_some(&self.stock),
        )
    }

    /// One warning per flow that is enabled but not part of this build (nothing runs it).
    pub fn unbuilt_flow_warnings(&self) -> Vec<String> {
        [
            ("products", self.products.enabled),
            ("customers", self.customers.enabled),
        ]
        .into_iter()
        .filter(|(_, enabled)| *enabled)
        .map(|(flow, _)| {
            format!(
                "[{flow}] enabled = true, but this build has no {flow} flow: nothing runs it                  (this build runs {})",
                BUILT_FLOWS.join(" and ")
            )
        })
        .collect()
    }
}

impl KoppelConfig {
    /// Read, resolve `${ENV}` placeholders, parse and validate a file.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parse and validate configuration text.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut config: Self =
            sync_core::config::from_toml_str_with_env(text, &|name| std::env::var(name).ok())?;
        for section in config
            .lightspeed
            .iter_mut()
            .chain(config.connections.iter_mut().map(|c| &mut c.lightspeed))
        {
            section.resolve_language()?;
        }
        config.validate()?;
        Ok(config)
    }

    /// Check the semantics the types cannot: required sections, flow settings, unique names.
    pub fn validate(&self) -> anyhow::Result<()> {
        let connections = self.connections()?;
        let mut problems = Vec::new();
        let mut names = std::collections::BTreeSet::new();
        for c in &connections {
            if !names.insert(c.name.clone()) {
                problems.push(format!("connection `{}` is defined twice", c.name));
            }
            let all = sync_core::config::SyncConfig {
                orders: c.orders.clone(),
                stock: c.stock.clone(),
                products: c.products.clone(),
                customers: c.customers.clone(),
            };
            for p in all.validate() {
                problems.push(format!("connection `{}`: {p}", c.name));
            }
        }
        if !problems.is_empty() {
            bail!(
                "the configuration has problems:\n  - {}",
                problems.join("\n  - ")
            );
        }
        Ok(())
    }

    /// The connections: the `[[connection]]` tables, or one called `default` from the top-level
    /// `[lightspeed]` and `[accountview]` sections.
    pub fn connections(&self) -> anyhow::Result<Vec<Connection>> {
        if !self.connections.is_empty() {
            if self.lightspeed.is_some() || self.accountview.is_some() {
                bail!(
                    "use either top-level [lightspeed]/[accountview] sections or [[connection]] tables, not both"
                );
            }
            return Ok(self
                .connections
                .iter()
                .map(|c| Connection {
                    name: c.name.clone(),
                    lightspeed: c.lightspeed.clone(),
                    accountview: c.accountview.clone(),
                    orders: c.orders.clone().unwrap_or_else(|| self.orders.clone()),
                    stock: c.stock.clone().unwrap_or_else(|| self.stock.clone()),
                    products: c.products.clone().unwrap_or_else(|| self.products.clone()),
                    customers: c
                        .customers
                        .clone()
                        .unwrap_or_else(|| self.customers.clone()),
                })
                .collect());
        }
        let (Some(lightspeed), Some(accountview)) = (&self.lightspeed, &self.accountview) else {
            bail!(
                "the configuration needs a [lightspeed] and an [accountview] section (or [[connection]] tables)"
            );
        };
        Ok(vec![Connection {
            name: "default".to_owned(),
            lightspeed: lightspeed.clone(),
            accountview: accountview.clone(),
            orders: self.orders.clone(),
            stock: self.stock.clone(),
            products: self.products.clone(),
            customers: self.customers.clone(),
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_lightspeed(lines: &str) -> anyhow::Result<KoppelConfig> {
        KoppelConfig::parse(&format!(
            "[lightspeed]\n{lines}\napi_key = \"key\"\napi_secret = \"secret\"\n\n\
             [accountview]\nclient_id = \"id\"\nclient_secret = \"secret\"\ncompany_id = \"1\"\n"
        ))
    }

    /// Issue 11: a base URL written as the API documents it, with the language segment, produced
    /// `/nl/nl/…` URLs.
    #[test]
    fn a_base_url_with_its_language_segment_gives_the_language() {
        let config = with_lightspeed("base_url = \"https://api.webshopapp.com/de/\"").unwrap();
        let section = config.lightspeed.unwrap();
        assert_eq!(
            section.base_url.as_deref(),
            Some("https://api.webshopapp.com/")
        );
        assert_eq!(section.language, "de");

        let same =
            with_lightspeed("base_url = \"https://api.webshopapp.com/nl\"\nlanguage = \"NL\"")
                .unwrap();
        assert_eq!(same.lightspeed.unwrap().language, "nl");

        let error =
            with_lightspeed("base_url = \"https://api.webshopapp.com/nl/\"\nlanguage = \"de\"")
                .unwrap_err();
        let text = format!("{error:#}");
        assert!(
            text.contains("base_url = \"https://api.webshopapp.com/\""),
            "{text}"
        );

        let plain = with_lightspeed("cluster = \"eu1\"").unwrap();
        assert_eq!(plain.lightspeed.unwrap().language, "nl", "the default");
    }
}
