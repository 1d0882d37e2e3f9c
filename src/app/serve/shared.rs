//! What every request handler and background task of `koppel serve` shares.

use std::sync::Arc;

use sync_core::state::StateStore;

use super::dashboard::Dashboard;
use super::runner::{FlowRunner, Monitor};
use crate::app::runtime::Runtime;
use crate::webhooks::WebhookReceiver;

/// One connection as the server runs it: its flow runner and its webhook receiver.
#[derive(Debug)]
pub struct ServedConnection {
    /// Runs the connection's order flow, one run at a time.
    pub runner: Arc<FlowRunner>,
    /// Takes the shop's webhook deliveries into the inbox and rings the worker.
    pub webhooks: Arc<WebhookReceiver>,
}

impl ServedConnection {
    /// The connection's name.
    pub fn name(&self) -> &str {
        self.runner.name()
    }

    /// The shop id its webhooks carry in `X-Shop-Id`: `[lightspeed.shop] shop_id`, else the id the
    /// shop connector read from `shop.json` (once; `None` while the shop cannot be reached).
    pub async fn shop_id(&self) -> Option<String> {
        let connection = self.runner.connection();
        if let Some(id) = &connection.config.lightspeed.shop.shop_id {
            return Some(id.trim().to_owned());
        }
        match connection.shop.context().await {
            Ok(context) => context.shop_id,
            Err(e) => {
                tracing::warn!(connection = connection.name(), error = %e, "could not read the shop id");
                None
            }
        }
    }
}

/// The server's shared state.
#[derive(Debug)]
pub struct Shared {
    /// The configuration turned into clients, connectors and flows.
    pub runtime: Runtime,
    /// Counters, notification gate and destinations.
    pub monitor: Arc<Monitor>,
    /// Every connection, in configuration order.
    pub connections: Vec<ServedConnection>,
    /// The dashboard, when a password is configured.
    pub dashboard: Option<Dashboard>,
}

impl Shared {
    /// The state store.
    pub fn state(&self) -> &Arc<dyn StateStore> {
        &self.runtime.state
    }

    /// The connection called `name`.
    pub fn connection(&self, name: &str) -> Option<&ServedConnection> {
        self.connections.iter().find(|c| c.name() == name)
    }
}
