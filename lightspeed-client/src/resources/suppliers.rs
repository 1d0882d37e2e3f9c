//! Suppliers.

use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::models::Supplier;

impl LightspeedClient {
    /// Suppliers (`suppliers`).
    pub fn suppliers(&self) -> Handler<Supplier> {
        Handler::new(self, "suppliers")
    }
}
