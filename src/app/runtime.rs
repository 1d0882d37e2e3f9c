//! From configuration to running things: the state store, the clients, the connectors and the flows of
//! every connection.

use std::sync::Arc;

use accountview_client::AccountViewClient;
use accountview_client::sync::{AccountViewLedger, StateTokenStore};
use anyhow::Context;
use lightspeed_client::sync::LightspeedShop;
use lightspeed_client::{Cluster, LightspeedClient};
use secrecy::{ExposeSecret, SecretString};
use sync_core::flows::{OrdersFlow, StockFlow};
use sync_core::state::{StateStore, StoreOptions};
use sync_core::traits::{ArticleSource, Clock, Ledger, OrderSource, StockTarget, SystemClock};

use super::config::{Connection, KoppelConfig, StateSection};

/// One connection, ready to run.
#[derive(Clone)]
pub struct ConnectionRuntime {
    /// The resolved configuration.
    pub config: Connection,
    /// The shop client.
    pub lightspeed: LightspeedClient,
    /// The administration client.
    pub accountview: AccountViewClient,
    /// The shop connector.
    pub shop: Arc<LightspeedShop>,
    /// The ledger connector.
    pub ledger: Arc<AccountViewLedger>,
    /// The order flow.
    pub orders: OrdersFlow,
    /// The stock flow.
    pub stock: StockFlow,
}

impl std::fmt::Debug for ConnectionRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionRuntime")
            .field("name", &self.config.name)
            .finish_non_exhaustive()
    }
}

impl ConnectionRuntime {
    /// The connection's name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// The secret that signs this shop's webhooks.
    pub fn webhook_secret(&self) -> &SecretString {
        self.config
            .lightspeed
            .webhook_secret
            .as_ref()
            .unwrap_or(&self.config.lightspeed.api_secret)
    }
}

/// Everything a command needs.
#[derive(Clone)]
pub struct Runtime {
    /// The state store all connections share.
    pub state: Arc<dyn StateStore>,
    /// The connections.
    pub connections: Vec<ConnectionRuntime>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("connections", &self.connections)
            .finish_non_exhaustive()
    }
}

/// Open the configured state store.
pub async fn open_state(section: &StateSection) -> anyhow::Result<Arc<dyn StateStore>> {
    let options = StoreOptions::default()
        .with_redact_personal_data(section.redact_personal_data)
        .with_claim_stale_after(section.claim_stale_after.get());
    sync_core::state::open_with(&section.url, options)
        .await
        .with_context(|| "cannot open the state store ([state] url)".to_string())
}

impl Runtime {
    /// Build the runtime for every connection in `config`.
    pub async fn build(config: &KoppelConfig) -> anyhow::Result<Self> {
        let state = open_state(&config.state).await?;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let mut connections = Vec::new();
        for connection in config.connections()? {
            connections.push(build_connection(connection, state.clone(), clock.clone())?);
        }
        Ok(Self {
            state,
            connections,
            clock,
        })
    }

    /// The connection called `name`.
    pub fn connection(&self, name: &str) -> Option<&ConnectionRuntime> {
        self.connections.iter().find(|c| c.name() == name)
    }
}

/// The shop client of a `[lightspeed]` section.
pub fn lightspeed_client(
    section: &super::config::LightspeedSection,
) -> anyhow::Result<LightspeedClient> {
    let mut builder = LightspeedClient::builder()
        .language(section.language.clone())
        .credentials(
            SecretString::from(section.api_key.clone()),
            section.api_secret.clone(),
        )
        .user_agent(user_agent());
    if let Some(cluster) = &section.cluster {
        builder = builder.cluster(Cluster::parse(cluster));
    }
    if let Some(url) = &section.base_url {
        builder = builder.base_url(url.clone());
    }
    builder
        .build()
        .context("the [lightspeed] settings are incomplete or invalid")
}

/// The administration client of an `[accountview]` section, with refresh tokens kept in the state
/// store.
pub fn accountview_client(
    section: &super::config::AccountViewSection,
    state: Arc<dyn StateStore>,
) -> anyhow::Result<AccountViewClient> {
    let mut builder = AccountViewClient::builder()
        .client_id(section.client_id.clone())
        .client_secret(section.client_secret.clone())
        .company_id(section.company_id.clone())
        .token_store(Arc::new(StateTokenStore::new(state, &section.client_id)))
        .user_agent(user_agent());
    if let Some(url) = &section.base_url {
        builder = builder.base_url(url.clone());
    }
    if let Some(url) = &section.authorize_url {
        builder = builder.authorize_url(url.clone());
    }
    if let Some(uri) = &section.redirect_uri {
        builder = builder.redirect_uri(uri.clone());
    }
    if let Some(token) = &section.refresh_token
        && !token.expose_secret().trim().is_empty()
    {
        builder = builder.refresh_token(token.clone());
    }
    builder
        .build()
        .context("the [accountview] settings are incomplete or invalid")
}

fn build_connection(
    config: Connection,
    state: Arc<dyn StateStore>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<ConnectionRuntime> {
    let lightspeed = lightspeed_client(&config.lightspeed)
        .with_context(|| format!("connection `{}`", config.name))?;
    let accountview = accountview_client(&config.accountview, state.clone())
        .with_context(|| format!("connection `{}`", config.name))?;
    let mut shop_options = config.lightspeed.shop.clone();
    // Sales invoices carry the shop's invoice number and date: worth one request per booked order.
    if config.orders.target == sync_core::config::BookingTarget::SalesInvoice {
        shop_options.fetch_invoices = true;
    }
    let shop = Arc::new(
        LightspeedShop::new(lightspeed.clone(), shop_options)
            .map_err(|e| anyhow::anyhow!("connection `{}`: [lightspeed.shop]: {e}", config.name))?,
    );
    let ledger = Arc::new(ledger_for(&config, accountview.clone())?);
    let orders = OrdersFlow::new(
        config.name.clone(),
        config.orders.clone(),
        shop.clone() as Arc<dyn OrderSource>,
        ledger.clone() as Arc<dyn Ledger>,
        state.clone(),
    )
    .with_clock(clock.clone());
    let stock = StockFlow::new(
        config.name.clone(),
        config.stock.clone(),
        ledger.clone() as Arc<dyn ArticleSource>,
        shop.clone() as Arc<dyn StockTarget>,
        state,
    )
    .with_clock(clock);
    Ok(ConnectionRuntime {
        config,
        lightspeed,
        accountview,
        shop,
        ledger,
        orders,
        stock,
    })
}

/// The ledger connector of a connection, for the flows it enables: the one `run`, `serve` and
/// `check` use, so they agree on every AccountView column ([`ColumnPlan`]).
///
/// [`ColumnPlan`]: accountview_client::sync::ColumnPlan
pub fn ledger_for(
    config: &Connection,
    client: AccountViewClient,
) -> anyhow::Result<AccountViewLedger> {
    let ledger = AccountViewLedger::new(client, config.accountview.ledger.clone())
        .map_err(|e| anyhow::anyhow!("connection `{}`: [accountview.ledger]: {e}", config.name))?;
    Ok(ledger.with_scope(&config.plan_scope()))
}

fn user_agent() -> String {
    format!("koppel/{}", env!("CARGO_PKG_VERSION"))
}
