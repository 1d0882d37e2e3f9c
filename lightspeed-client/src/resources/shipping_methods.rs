//! Shipping methods (read-only).

use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::models::ShippingMethod;

impl LightspeedClient {
    /// Shipping methods (`shippingmethods`): list, get, count.
    pub fn shipping_methods(&self) -> Handler<ShippingMethod> {
        Handler::new(self, "shippingmethods")
    }
}
