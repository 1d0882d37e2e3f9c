//! The configuration file the wizard writes: the answers and the proposal as `koppel.toml`, written
//! with mode 0600 and never over an existing file without `--force`.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;

use accountview_client::sync::LedgerOptions;
use anyhow::Context;
use lightspeed_client::sync::ShopOptions;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::ser::SerializeMap;
use sync_core::config::OrdersConfig;

use super::proposal::Proposal;

/// Everything the file holds besides the proposed mappings.
#[derive(Clone)]
pub struct Answers {
    /// `[lightspeed] base_url` (wins over the cluster).
    pub lightspeed_base_url: Option<String>,
    /// `[lightspeed] cluster`.
    pub lightspeed_cluster: Option<String>,
    /// `[lightspeed] language`.
    pub lightspeed_language: String,
    /// `[lightspeed] api_key`.
    pub lightspeed_api_key: String,
    /// `[lightspeed] api_secret`.
    pub lightspeed_api_secret: SecretString,
    /// `[lightspeed.shop]`.
    pub shop: ShopOptions,
    /// `[accountview] base_url` (absent: the production default).
    pub accountview_base_url: Option<String>,
    /// `[accountview] authorize_url` (absent: the production default).
    pub accountview_authorize_url: Option<String>,
    /// `[accountview] client_id`.
    pub accountview_client_id: String,
    /// `[accountview] client_secret`.
    pub accountview_client_secret: SecretString,
    /// `[accountview] redirect_uri`.
    pub accountview_redirect_uri: Option<String>,
    /// `[accountview] refresh_token`.
    pub accountview_refresh_token: Option<SecretString>,
    /// `[accountview] company_id`.
    pub accountview_company_id: String,
    /// The company's code and description, for a comment.
    pub accountview_company_label: String,
    /// `[state] url`.
    pub state_url: String,
    /// `[dashboard] listen`.
    pub dashboard_listen: SocketAddr,
    /// `[dashboard] password`.
    pub dashboard_password: SecretString,
}

impl std::fmt::Debug for Answers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answers")
            .field("lightspeed_base_url", &self.lightspeed_base_url)
            .field("lightspeed_cluster", &self.lightspeed_cluster)
            .field("accountview_client_id", &self.accountview_client_id)
            .field("accountview_company_id", &self.accountview_company_id)
            .field("state_url", &self.state_url)
            .finish_non_exhaustive()
    }
}

/// A value written literally: `${` would be read back as an environment placeholder.
fn literal(text: &str) -> String {
    text.replace("${", "$${")
}

fn secret(text: &SecretString) -> String {
    literal(text.expose_secret())
}

#[derive(Serialize)]
struct LightspeedOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    base_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster: Option<String>,
    language: String,
    api_key: String,
    api_secret: String,
    shop: &'a ShopOptions,
}

#[derive(Serialize)]
struct AccountViewOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    base_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorize_url: Option<String>,
    client_id: String,
    client_secret: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    company_id: String,
    #[serde(skip_serializing_if = "toml::Table::is_empty")]
    ledger: toml::Table,
}

#[derive(Serialize)]
struct StateOut {
    url: String,
}

#[derive(Serialize)]
struct DashboardOut {
    listen: String,
    password: String,
}

/// One top-level table `[name]` with `value`'s fields in their declared order.
struct Section<'a, T>(&'a str, &'a T);

impl<T: Serialize> Serialize for Section<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(self.0, self.1)?;
        map.end()
    }
}

fn section<T: Serialize>(comment: &str, name: &str, value: &T) -> anyhow::Result<String> {
    let body = toml::to_string(&Section(name, value))
        .with_context(|| format!("cannot write the [{name}] section"))?;
    let comment: String = comment.lines().map(|l| format!("# {l}\n")).collect();
    Ok(format!("{comment}{body}"))
}

/// The `[accountview.ledger]` options that differ from the defaults (the defaults are documented,
/// so only the tenant's own choices are written).
fn ledger_changes(ledger: &LedgerOptions) -> anyhow::Result<toml::Table> {
    let proposed = toml::Table::try_from(ledger).context("cannot write [accountview.ledger]")?;
    let defaults = toml::Table::try_from(LedgerOptions::default())
        .context("cannot write [accountview.ledger]")?;
    Ok(proposed
        .into_iter()
        .filter(|(k, v)| defaults.get(k) != Some(v))
        .collect())
}

#[derive(Serialize)]
struct EnabledOut {
    enabled: bool,
}

/// The configuration text: the answers and the proposal's `[orders]`, `[stock]`,
/// `[accountview.ledger]`, and whether `[products]` and `[customers]` are enabled.
pub fn render(answers: &Answers, proposal: &Proposal) -> anyhow::Result<String> {
    let (orders, ledger): (&OrdersConfig, &LedgerOptions) = (&proposal.orders, &proposal.ledger);
    let a = answers;
    let mut out = format!(
        "# Koppel configuration, written by `koppel init` on {}.\n\
         # It holds credentials (the file is readable by its owner only). To keep one out of the\n\
         # file, replace its value with \"${{ENV_VAR}}\" and set that variable where Koppel runs.\n\
         # Check the connections with `koppel check --config FILE`.\n\n",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let lightspeed = LightspeedOut {
        base_url: a.lightspeed_base_url.as_deref().map(literal),
        cluster: a.lightspeed_cluster.as_deref().map(literal),
        language: literal(&a.lightspeed_language),
        api_key: literal(&a.lightspeed_api_key),
        api_secret: secret(&a.lightspeed_api_secret),
        shop: &a.shop,
    };
    out.push_str(&section(
        "The shop (Lightspeed eCom).",
        "lightspeed",
        &lightspeed,
    )?);
    let accountview = AccountViewOut {
        base_url: a.accountview_base_url.as_deref().map(literal),
        authorize_url: a.accountview_authorize_url.as_deref().map(literal),
        client_id: literal(&a.accountview_client_id),
        client_secret: secret(&a.accountview_client_secret),
        redirect_uri: a.accountview_redirect_uri.as_deref().map(literal),
        refresh_token: a.accountview_refresh_token.as_ref().map(secret),
        company_id: literal(&a.accountview_company_id),
        ledger: ledger_changes(ledger)?,
    };
    out.push('\n');
    out.push_str(&section(
        &format!(
            "The administration (AccountView.Net): {}.\n\
             The refresh token is the initial one; newer ones are kept in the state store.",
            a.accountview_company_label
        ),
        "accountview",
        &accountview,
    )?);
    out.push('\n');
    out.push_str(&section(
        "Where Koppel keeps cursors, the id map, dead letters, the activity log and tokens.",
        "state",
        &StateOut {
            url: literal(&a.state_url),
        },
    )?);
    out.push('\n');
    out.push_str(&section(
        "Lightspeed orders into AccountView: the mappings `koppel init` proposed from the\n\
         administration. Change any of them here.",
        "orders",
        orders,
    )?);
    out.push('\n');
    out.push_str(&section(
        "AccountView stock into the shop: the formula over the quantity columns the\n\
         administration has (`koppel init` chose them from its field dictionary).",
        "stock",
        &proposal.stock,
    )?);
    for (name, enabled) in [
        ("products", proposal.flows.products),
        ("customers", proposal.flows.customers),
    ] {
        out.push('\n');
        out.push_str(&section(
            &format!(
                "The {name} flow{}.",
                if enabled {
                    " (enabled, but not part of this build: nothing runs it yet)"
                } else {
                    ""
                }
            ),
            name,
            &EnabledOut { enabled },
        )?);
    }
    out.push('\n');
    out.push_str(&section(
        "The dashboard of `koppel serve`.",
        "dashboard",
        &DashboardOut {
            listen: a.dashboard_listen.to_string(),
            password: secret(&a.dashboard_password),
        },
    )?);
    Ok(out)
}

/// Writes `text` to `path` with mode 0600: atomically (a temporary file in the same directory,
/// synced, then renamed), refusing an existing file unless `force`.
pub fn write(path: &Path, text: &str, force: bool) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .context("cannot restrict the file's permissions")?;
    }
    file.write_all(text.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    if force {
        file.persist(path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}", path.display()))?;
    } else {
        file.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::anyhow!(
                    "{} already exists: pass --force to overwrite it",
                    path.display()
                )
            } else {
                anyhow::Error::new(e.error).context(format!("cannot write {}", path.display()))
            }
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::config::KoppelConfig;

    pub(crate) fn answers() -> Answers {
        Answers {
            lightspeed_base_url: None,
            lightspeed_cluster: Some("eu1".into()),
            lightspeed_language: "nl".into(),
            lightspeed_api_key: "key".into(),
            lightspeed_api_secret: SecretString::from("ls-se${cret}"),
            shop: ShopOptions {
                shop_id: Some("356891".into()),
                currency: Some("EUR".into()),
                ..ShopOptions::default()
            },
            accountview_base_url: None,
            accountview_authorize_url: None,
            accountview_client_id: "client".into(),
            accountview_client_secret: SecretString::from("av-secret\"quoted\""),
            accountview_redirect_uri: Some("https://example.nl/callback".into()),
            accountview_refresh_token: Some(SecretString::from("refresh")),
            accountview_company_id: "3f2c9a7e".into(),
            accountview_company_label: "SPAAK (De Spaak)".into(),
            state_url: "sqlite://koppel.db".into(),
            dashboard_listen: "127.0.0.1:8080".parse().unwrap(),
            dashboard_password: SecretString::from("pw"),
        }
    }

    #[test]
    fn the_written_text_loads_and_keeps_odd_secrets_literal() {
        let ledger = LedgerOptions {
            payment_method_column: Some("PAY_MTH".into()),
            ean_column: None,
            ..LedgerOptions::default()
        };
        let proposal = Proposal {
            orders: OrdersConfig::default(),
            stock: sync_core::config::StockConfig::default(),
            ledger: ledger.clone(),
            flows: super::super::proposal::FlowSelection {
                products: true,
                ..Default::default()
            },
            notes: Default::default(),
        };
        let text = render(&answers(), &proposal).unwrap();
        let config = KoppelConfig::parse(&text).unwrap_or_else(|e| panic!("{e:#}\n{text}"));
        let ls = config.lightspeed.as_ref().unwrap();
        assert_eq!(ls.api_secret.expose_secret(), "ls-se${cret}");
        assert_eq!(ls.shop.shop_id.as_deref(), Some("356891"));
        let av = config.accountview.as_ref().unwrap();
        assert_eq!(av.client_secret.expose_secret(), "av-secret\"quoted\"");
        assert_eq!(av.ledger, ledger, "{text}");
        assert_eq!(config.orders, OrdersConfig::default());
        assert_eq!(config.stock, sync_core::config::StockConfig::default());
        assert!(
            config.products.enabled && !config.customers.enabled,
            "{text}"
        );
        assert!(text.contains("[accountview.ledger]"), "{text}");
        assert!(
            !text.contains("sales_order_reference_column"),
            "only changes: {text}"
        );
        assert!(
            text.find("[lightspeed]").unwrap() < text.find("[accountview]").unwrap(),
            "{text}"
        );
    }

    #[test]
    fn writing_refuses_an_existing_file_without_force_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("koppel.toml");
        write(&path, "a = 1\n", false).unwrap();
        let err = write(&path, "a = 2\n", false).unwrap_err().to_string();
        assert!(err.contains("--force"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 1\n");
        write(&path, "a = 3\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 3\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
