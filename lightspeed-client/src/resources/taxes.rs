//! Taxes.

use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::models::Tax;

impl LightspeedClient {
    /// Tax rates (`taxes`).
    pub fn taxes(&self) -> Handler<Tax> {
        Handler::new(self, "taxes")
    }
}
