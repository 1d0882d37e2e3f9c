//! Order lines (`orders/{id}/products`, read-only).

use crate::handler::Handler;
use crate::models::{Order, OrderProduct};

impl Handler<Order> {
    /// The lines of an order (`orders/{id}/products`): list, get, count.
    ///
    /// `GET orders/{id}.json` may already embed them (see
    /// [`Order::embedded_lines`](crate::models::Order::embedded_lines)), saving a call.
    pub fn products(&self, order_id: u64) -> Handler<OrderProduct> {
        Handler::new(&self.client, format!("orders/{order_id}/products"))
    }
}
