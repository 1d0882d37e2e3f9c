//! Webhook delivery: `POST address` with the resource in its single envelope, the Lightspeed
//! headers and `X-Signature = md5(raw body ‖ secret)` in lowercase hex.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use md5::{Digest, Md5};
use tokio::sync::Notify;

use crate::observe::lock;

/// One webhook delivery attempt (a re-delivery is a new record with the same request id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// Sequence number of this delivery (1-based).
    pub id: u64,
    /// The subscription that caused it.
    pub webhook_id: u64,
    /// Where it was sent.
    pub address: String,
    /// `X-Event`, e.g. `orders/updated`.
    pub event: String,
    /// The id of the resource it reports.
    pub resource_id: u64,
    /// The exact body bytes sent.
    pub body: Vec<u8>,
    /// The headers sent (name, value).
    pub headers: Vec<(String, String)>,
    /// The receiver's status, `None` while in flight or when it failed.
    pub status: Option<u16>,
    /// Why delivery failed, if it did.
    pub error: Option<String>,
    /// Whether this is a re-delivery of an earlier one.
    pub redelivery: bool,
}

impl WebhookDelivery {
    /// The value of a header that was sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Lowercase hex md5 of body ‖ secret.
pub(crate) fn signature(body: &[u8], secret: &str) -> String {
    let mut h = Md5::new();
    h.update(body);
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

/// Sends deliveries and keeps their records.
#[derive(Debug)]
pub(crate) struct WebhookHub {
    client: reqwest::Client,
    deliveries: Mutex<Vec<WebhookDelivery>>,
    in_flight: AtomicUsize,
    idle: Notify,
}

impl WebhookHub {
    pub(crate) fn new(timeout: Duration) -> Self {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .unwrap_or_default();
        Self {
            client,
            deliveries: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            idle: Notify::new(),
        }
    }

    pub(crate) fn all(&self) -> Vec<WebhookDelivery> {
        lock(&self.deliveries).clone()
    }

    pub(crate) fn get(&self, id: u64) -> Option<WebhookDelivery> {
        lock(&self.deliveries).iter().find(|d| d.id == id).cloned()
    }

    /// Records a delivery and sends it in a spawned task on `rt`.
    pub(crate) fn send(
        self: &Arc<Self>,
        rt: &tokio::runtime::Handle,
        mut d: WebhookDelivery,
    ) -> u64 {
        let id = {
            let mut all = lock(&self.deliveries);
            d.id = all.len() as u64 + 1;
            all.push(d.clone());
            d.id
        };
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let hub = self.clone();
        rt.spawn(async move {
            let mut req = hub.client.post(&d.address).body(d.body.clone());
            for (k, v) in &d.headers {
                req = req.header(k.as_str(), v.as_str());
            }
            let outcome = req.send().await;
            {
                let mut all = lock(&hub.deliveries);
                if let Some(rec) = all.iter_mut().find(|x| x.id == id) {
                    match outcome {
                        Ok(resp) => rec.status = Some(resp.status().as_u16()),
                        Err(e) => rec.error = Some(e.to_string()),
                    }
                }
            }
            tracing::debug!(delivery = id, event = %d.event, "webhook delivered");
            if hub.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
                hub.idle.notify_waiters();
            }
        });
        id
    }

    /// Waits until no delivery is in flight (or the timeout passes).
    pub(crate) async fn flush(&self, timeout: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.idle.notified();
                if self.in_flight.load(Ordering::SeqCst) == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_md5_of_body_then_secret() {
        // md5("abc") = 900150983cd24fb0d6963f7d28e17f72
        assert_eq!(signature(b"a", "bc"), "900150983cd24fb0d6963f7d28e17f72");
    }
}
