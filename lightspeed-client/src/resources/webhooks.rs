//! Webhook subscriptions (CRUD). Receiving deliveries: [`crate::webhook`].

use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::models::Webhook;

impl LightspeedClient {
    /// Webhook subscriptions (`webhooks`). Writes use `address` for the delivery URL.
    pub fn webhooks(&self) -> Handler<Webhook> {
        Handler::new(self, "webhooks")
    }
}
