//! Payment methods (read-only).

use crate::client::LightspeedClient;
use crate::handler::Handler;
use crate::models::PaymentMethod;

impl LightspeedClient {
    /// Payment methods (`paymentmethods`): list, get, count.
    pub fn payment_methods(&self) -> Handler<PaymentMethod> {
        Handler::new(self, "paymentmethods")
    }
}
