//! Helpers shared by the `serve_*` tests: a sandbox, a configuration for it, the server started
//! in-process on port 0, signed webhooks, and waiting for an outcome with a deadline.

pub mod cdp;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use koppel::app::config::KoppelConfig;
use koppel::app::sandbox_config::sandbox_toml;
use koppel::app::serve::{self, Server};
use lightspeed_client::webhook::compute_signature;
use sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

/// How long a test waits for something the server does in the background.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A seeded sandbox with `orders` orders.
pub async fn sandbox(orders: usize) -> Sandbox {
    Sandbox::start(
        SandboxConfig::default()
            .seed(11)
            .orders(orders)
            .articles(60),
    )
    .await
    .expect("sandbox")
}

/// The sandbox configuration with a `memory://` state store and no schedule (so only webhooks,
/// replays and explicit runs book anything).
pub fn config(sb: &Sandbox) -> KoppelConfig {
    let mut config = KoppelConfig::parse(&sandbox_toml(sb, "memory://")).expect("config");
    config.orders.schedule = None;
    config.stock.schedule = None;
    config
}

/// The server on a free loopback port.
pub async fn start(config: KoppelConfig) -> Server {
    serve::start(config, Some("127.0.0.1:0".parse().unwrap()))
        .await
        .expect("server starts")
}

/// An HTTP client that does not follow redirects (tests look at them).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Wait until `check` holds, or fail after [`DEADLINE`].
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The booking reference Koppel writes for an order.
pub fn reference(sb: &Sandbox, order_id: u64) -> String {
    let order = sb.lightspeed().order(order_id).expect("order");
    format!(
        "LS-{}-{}",
        sb.lightspeed().shop_id(),
        order["number"].as_str().expect("number")
    )
}

/// How many sales orders carry each reference.
pub fn bookings(sb: &Sandbox) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for doc in sb.accountview().sales_orders() {
        let reference = doc.header["COMMENT1"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        *out.entry(reference).or_default() += 1;
    }
    out
}

/// How often the order is booked.
pub fn times_booked(sb: &Sandbox, order_id: u64) -> usize {
    bookings(sb)
        .get(&reference(sb, order_id))
        .copied()
        .unwrap_or(0)
}

/// The paid orders of the shop.
pub fn paid_orders(sb: &Sandbox) -> Vec<u64> {
    sb.lightspeed()
        .orders()
        .iter()
        .filter(|o| o["paymentStatus"] == "paid")
        .map(|o| o["id"].as_u64().unwrap())
        .collect()
}

/// A webhook delivery for an order as Lightspeed sends it: body and headers, signed with `secret`.
pub struct Delivery {
    /// The exact body.
    pub body: Vec<u8>,
    /// The headers.
    pub headers: Vec<(&'static str, String)>,
}

impl Delivery {
    /// `event` (`orders/created`) for the order as the shop holds it now, signed with the shop's
    /// webhook secret.
    pub fn order(sb: &Sandbox, order_id: u64, event: &str) -> Self {
        let order = sb.lightspeed().order(order_id).expect("order");
        Self::signed(sb, event, &json!({ "order": order }))
    }

    /// Any body, signed with the shop's webhook secret.
    pub fn signed(sb: &Sandbox, event: &str, body: &Value) -> Self {
        let body = serde_json::to_vec(body).unwrap();
        let signature = compute_signature(&body, &sb.lightspeed().webhook_secret());
        Self {
            headers: vec![
                ("x-shop-id", sb.lightspeed().shop_id().to_string()),
                ("x-cluster-id", "eu1".to_owned()),
                ("x-event", event.to_owned()),
                ("x-language", "nl".to_owned()),
                ("x-format", "json".to_owned()),
                ("x-signature", signature),
            ],
            body,
        }
    }

    /// Replace a header.
    pub fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.to_owned()));
        self
    }

    /// Remove a header.
    pub fn without_header(mut self, name: &'static str) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self
    }

    /// POST it to the server; returns the status and the JSON answer.
    pub async fn post(&self, server: &Server) -> (u16, Value) {
        let mut request = http()
            .post(format!("{}/webhooks/lightspeed", server.url()))
            .header("content-type", "application/json")
            .body(self.body.clone());
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.expect("webhook POST");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// `GET /metrics`.
pub async fn metrics(server: &Server) -> String {
    http()
        .get(format!("{}/metrics", server.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The value of one exposition line (`name{labels}`), if present.
pub fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// A paid order that uses `article` in one of its lines, and every paid order that does.
pub fn orders_using(sb: &Sandbox, article: &str) -> Vec<u64> {
    paid_orders(sb)
        .into_iter()
        .filter(|id| {
            sb.lightspeed()
                .order_lines(*id)
                .iter()
                .any(|l| l["articleCode"] == article)
        })
        .collect()
}

/// Take the first line's article of the first paid order out of the administration. Returns the
/// article code, the article row (to put it back) and the paid orders that use it.
pub fn remove_an_article(sb: &Sandbox) -> (String, Value, Vec<u64>) {
    let victim = paid_orders(sb)[0];
    let line = sb.lightspeed().order_lines(victim).remove(0);
    let code = line["articleCode"].as_str().unwrap().to_owned();
    let article = sb.accountview().article(&code).unwrap();
    let users = orders_using(sb, &code);
    sb.accountview().remove_article(&code).unwrap();
    (code, article, users)
}
