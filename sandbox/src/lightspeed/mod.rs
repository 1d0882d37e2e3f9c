//! The Lightspeed eCom (C-Series) simulator.
//!
//! Paths `/{lang}/{resource}.json`, HTTP Basic with the key and secret, the envelopes, links and
//! `false`-for-absent quirks of the real payloads, fixed-window rate limits with the
//! `X-RateLimit-*` headers, and signed webhooks. See [`LightspeedSim`] for the test helpers.

mod api;
mod documents;
mod fields;
mod http;
mod kinds;
mod order_spec;
mod orders;
mod query;
mod ratelimit;
pub(crate) mod seed;
mod state;
mod store;
mod templates;
mod webhooks;
mod writes;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};

pub use order_spec::{Coupon, OrderLineSpec, OrderSpec, Party};
pub use webhooks::WebhookDelivery;

use self::kinds::Kind;
use self::ratelimit::RateLimiter;
pub(crate) use self::state::LsState;
use self::store::link_id;
use self::webhooks::{WebhookHub, signature};
use crate::SandboxError;
use crate::faults::{FaultPlan, FaultState};
use crate::observe::{RequestLog, RequestRecord, lock};
use crate::server::Shutdown;

/// Everything the Lightspeed simulator shares between requests and handles.
pub(crate) struct LsInner {
    pub(crate) state: Mutex<LsState>,
    pub(crate) base_url: url::Url,
    pub(crate) language: String,
    pub(crate) api_key: String,
    pub(crate) api_secret: SecretString,
    pub(crate) webhook_secret: SecretString,
    pub(crate) shop_id: u64,
    pub(crate) rate: Mutex<RateLimiter>,
    pub(crate) faults: Mutex<FaultState>,
    pub(crate) log: RequestLog,
    pub(crate) hooks: Arc<WebhookHub>,
    pub(crate) runtime: tokio::runtime::Handle,
    pub(crate) shutdown: Shutdown,
    pub(crate) fault_hold: Duration,
    pub(crate) request_ids: Mutex<fastrand::Rng>,
}

impl LsInner {
    /// Rewrites links of the default language to the request's language.
    pub(crate) fn localise(&self, v: Value, lang: &str) -> Value {
        if lang == self.language {
            return v;
        }
        let from = format!("{}{}/", self.base_url, self.language);
        let to = format!("{}{}/", self.base_url, lang);
        let text = serde_json::to_string(&v)
            .unwrap_or_default()
            .replace(&from, &to);
        serde_json::from_str(&text).unwrap_or(v)
    }

    fn request_id(&self) -> String {
        let mut rng = lock(&self.request_ids);
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            rng.u32(..),
            rng.u16(..),
            rng.u16(..0x1000),
            rng.u16(0x8000..0xc000),
            rng.u64(..0x1_0000_0000_0000)
        )
    }

    /// Sends the webhooks for every recorded change.
    pub(crate) fn publish_changes(&self) {
        let pending: Vec<WebhookDelivery> = {
            let mut state = lock(&self.state);
            let changes = state.take_changes();
            let mut out = Vec::new();
            for change in changes {
                let subscribers: Vec<(u64, String, String)> = state
                    .store
                    .all(Kind::Webhook)
                    .filter(|w| {
                        let s = |k: &str| w.obj.get(k).and_then(Value::as_str).unwrap_or_default();
                        w.obj.get("isActive") == Some(&json!(true))
                            && s("itemGroup") == change.group
                            && (s("itemAction") == "*" || s("itemAction") == change.action)
                    })
                    .map(|w| {
                        let lang = w
                            .obj
                            .get("language")
                            .and_then(|l| l.get("code"))
                            .and_then(Value::as_str)
                            .unwrap_or(&self.language)
                            .to_owned();
                        (
                            w.id(),
                            w.obj
                                .get("address")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_owned(),
                            lang,
                        )
                    })
                    .collect();
                if subscribers.is_empty() {
                    continue;
                }
                let Some(body) = state.webhook_body(&change) else {
                    continue;
                };
                for (webhook_id, address, lang) in subscribers {
                    let body =
                        serde_json::to_vec(&self.localise(body.clone(), &lang)).unwrap_or_default();
                    let event = format!("{}/{}", change.group, change.action);
                    let headers = vec![
                        ("Content-Type".to_owned(), "application/json".to_owned()),
                        ("X-Shop-Id".to_owned(), self.shop_id.to_string()),
                        ("X-Cluster-Id".to_owned(), "eu1".to_owned()),
                        ("X-Event".to_owned(), event.clone()),
                        ("X-Language".to_owned(), lang),
                        ("X-Format".to_owned(), "json".to_owned()),
                        ("X-Request-Id".to_owned(), self.request_id()),
                        (
                            "X-Signature".to_owned(),
                            signature(&body, self.webhook_secret.expose_secret()),
                        ),
                    ];
                    out.push(WebhookDelivery {
                        id: 0,
                        webhook_id,
                        address,
                        event,
                        resource_id: change.id,
                        body,
                        headers,
                        status: None,
                        error: None,
                        redelivery: false,
                    });
                }
            }
            out
        };
        for d in pending {
            self.hooks.send(&self.runtime, d);
        }
    }
}

/// A handle on the running Lightspeed simulator (cheap to clone).
///
/// State accessors return the JSON the API would return (`serde_json::Value`); helpers that
/// change orders or customers bump `updatedAt` and fire webhooks, like changes in the back office.
#[derive(Clone)]
pub struct LightspeedSim {
    pub(crate) inner: Arc<LsInner>,
}

impl std::fmt::Debug for LightspeedSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LightspeedSim")
            .field("base_url", &self.inner.base_url.as_str())
            .field("language", &self.inner.language)
            .field("shop_id", &self.inner.shop_id)
            .field("api_secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl LightspeedSim {
    /// `http://127.0.0.1:PORT/`; the client appends `{lang}/{path}.json`.
    pub fn base_url(&self) -> url::Url {
        self.inner.base_url.clone()
    }

    /// The shop's default language (`nl`).
    pub fn language(&self) -> &str {
        &self.inner.language
    }

    /// The API key (Basic-auth user name; 32 hex characters derived from the seed). The API
    /// itself shows it in `GET account.json`, so it is not treated as a secret.
    pub fn api_key(&self) -> String {
        self.inner.api_key.clone()
    }

    /// The API secret (Basic-auth password; 32 hex characters derived from the seed).
    pub fn api_secret(&self) -> SecretString {
        self.inner.api_secret.clone()
    }

    /// The secret used for webhook `X-Signature` (the API secret unless configured otherwise).
    pub fn webhook_secret(&self) -> SecretString {
        self.inner.webhook_secret.clone()
    }

    /// The numeric shop id (`X-Shop-Id`, `GET shop.json`).
    pub fn shop_id(&self) -> u64 {
        self.inner.shop_id
    }

    fn list(&self, kind: Kind) -> Vec<Value> {
        let state = lock(&self.inner.state);
        state
            .store
            .all(kind)
            .map(|i| state.render(kind, i))
            .collect()
    }

    /// All orders as `GET orders.json` shows them (ascending id, no embedding).
    pub fn orders(&self) -> Vec<Value> {
        self.list(Kind::Order)
    }

    /// One order as `GET orders/{id}.json` shows it (lines embedded), without the envelope.
    pub fn order(&self, id: u64) -> Option<Value> {
        lock(&self.inner.state).single_json(Kind::Order, id)
    }

    /// The lines of an order (`GET orders/{id}/products.json`).
    pub fn order_lines(&self, id: u64) -> Vec<Value> {
        let state = lock(&self.inner.state);
        state
            .store
            .under(Kind::OrderProduct, Some(id))
            .into_iter()
            .map(|i| state.render(Kind::OrderProduct, i))
            .collect()
    }

    /// The metafields of an order.
    pub fn order_metafields(&self, id: u64) -> Vec<Value> {
        let state = lock(&self.inner.state);
        state
            .store
            .under(Kind::OrderMetafield, Some(id))
            .into_iter()
            .map(|i| state.render(Kind::OrderMetafield, i))
            .collect()
    }

    /// All customers.
    pub fn customers(&self) -> Vec<Value> {
        self.list(Kind::Customer)
    }

    /// One customer.
    pub fn customer(&self, id: u64) -> Option<Value> {
        lock(&self.inner.state).single_json(Kind::Customer, id)
    }

    /// All products.
    pub fn products(&self) -> Vec<Value> {
        self.list(Kind::Product)
    }

    /// One product.
    pub fn product(&self, id: u64) -> Option<Value> {
        lock(&self.inner.state).single_json(Kind::Product, id)
    }

    /// All variants.
    pub fn variants(&self) -> Vec<Value> {
        self.list(Kind::Variant)
    }

    /// One variant.
    pub fn variant(&self, id: u64) -> Option<Value> {
        lock(&self.inner.state).single_json(Kind::Variant, id)
    }

    /// The variant with this SKU (falling back to article code, then EAN).
    pub fn variant_by_sku(&self, sku: &str) -> Option<Value> {
        let state = lock(&self.inner.state);
        state
            .variant_by_code(sku)
            .map(|i| state.render(Kind::Variant, i))
    }

    /// The stock level of the variant with this SKU.
    pub fn stock_level(&self, sku: &str) -> Option<i64> {
        self.variant_by_sku(sku)?.get("stockLevel")?.as_i64()
    }

    /// All stock movements (`GET variants/movements.json`).
    pub fn variant_movements(&self) -> Vec<Value> {
        self.list(Kind::VariantMovement)
    }

    /// All categories.
    pub fn categories(&self) -> Vec<Value> {
        self.list(Kind::Category)
    }

    /// All category–product links.
    pub fn category_links(&self) -> Vec<Value> {
        self.list(Kind::CategoriesProduct)
    }

    /// The images of a product.
    pub fn product_images(&self, product_id: u64) -> Vec<Value> {
        let state = lock(&self.inner.state);
        state
            .store
            .under(Kind::ProductImage, Some(product_id))
            .into_iter()
            .map(|i| state.render(Kind::ProductImage, i))
            .collect()
    }

    /// The attribute values (specs) of a product.
    pub fn product_attributes(&self, product_id: u64) -> Vec<Value> {
        let state = lock(&self.inner.state);
        state
            .store
            .under(Kind::ProductAttribute, Some(product_id))
            .into_iter()
            .map(|i| state.render(Kind::ProductAttribute, i))
            .collect()
    }

    /// The filter values linked to a product.
    pub fn product_filter_values(&self, product_id: u64) -> Vec<Value> {
        let state = lock(&self.inner.state);
        state
            .store
            .under(Kind::ProductFilterValue, Some(product_id))
            .into_iter()
            .map(|i| state.render(Kind::ProductFilterValue, i))
            .collect()
    }

    /// All invoices (credit notes included).
    pub fn invoices(&self) -> Vec<Value> {
        self.list(Kind::Invoice)
    }

    /// All shipments.
    pub fn shipments(&self) -> Vec<Value> {
        self.list(Kind::Shipment)
    }

    /// All webhook subscriptions.
    pub fn webhooks(&self) -> Vec<Value> {
        self.list(Kind::Webhook)
    }

    /// Taxes, payment methods, shipping methods, brands, custom statuses, types, attributes and
    /// filters, keyed by their list envelope (`taxes`, `paymentmethods`, ...).
    pub fn settings(&self) -> BTreeMap<String, Vec<Value>> {
        [
            Kind::Tax,
            Kind::PaymentMethod,
            Kind::ShippingMethod,
            Kind::Brand,
            Kind::Supplier,
            Kind::CustomStatus,
            Kind::Type,
            Kind::Attribute,
            Kind::Filter,
        ]
        .into_iter()
        .map(|k| (k.spec().plural.to_owned(), self.list(k)))
        .collect()
    }

    /// Places an order (as a checkout would; the API itself cannot create orders). Fires
    /// `orders/created`. Returns the order id.
    pub fn insert_order(&self, spec: OrderSpec) -> Result<u64, SandboxError> {
        let id = lock(&self.inner.state).place_order(&spec)?;
        self.inner.publish_changes();
        Ok(id)
    }

    /// Stores an order given as JSON (e.g. a fixture): a missing or taken `id` gets a fresh one,
    /// missing timestamps and number are filled in, lines under `products.resource.embedded`
    /// become order lines, and links point at this simulator. Fires `orders/created`.
    pub fn insert_order_json(&self, order: Value) -> Result<u64, SandboxError> {
        let mut input = match order {
            Value::Object(mut m) if m.len() == 1 && m.contains_key("order") => {
                m.remove("order").unwrap_or_default()
            }
            other => other,
        };
        let obj = input
            .as_object_mut()
            .ok_or_else(|| SandboxError::Invalid("an order must be a JSON object".into()))?;
        let lines: Vec<Value> = obj
            .get("products")
            .and_then(|p| p.get("resource"))
            .and_then(|r| r.get("embedded"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut state = lock(&self.inner.state);
        let now = state.now();
        let wanted = obj.get("id").and_then(Value::as_u64);
        let id = match wanted {
            Some(id) if state.store.get(Kind::Order, None, id).is_none() => id,
            _ => state.store.next_id(Kind::Order),
        };
        let lang = state.language_json();
        let mut base = templates::template(Kind::Order, id, &now, &state.links, &lang);
        for (k, v) in obj.iter() {
            if !matches!(
                k.as_str(),
                "invoices" | "shipments" | "products" | "metafields" | "events" | "quote"
            ) {
                base.insert(k.clone(), v.clone());
            }
        }
        base.insert("id".into(), json!(id));
        if let Some(cid) = base.get("customer").and_then(link_id) {
            state.customers_with_orders.insert(cid);
            let link = state.links.to(Kind::Customer, None, cid);
            base.insert("customer".into(), link);
        }
        if base
            .get("number")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .is_empty()
        {
            state.numbers.order += 1;
            base.insert(
                "number".into(),
                json!(format!("ORD{:05}", state.numbers.order)),
            );
        }
        state.store.insert(Kind::Order, None, base);
        for line in lines {
            let Value::Object(l) = line else { continue };
            let lid = state.store.next_id(Kind::OrderProduct);
            let mut t = templates::template(Kind::OrderProduct, lid, &now, &state.links, &lang);
            for (k, v) in l {
                if k != "id" {
                    t.insert(k, v);
                }
            }
            state.store.insert(Kind::OrderProduct, Some(id), t);
        }
        state.changed("orders", "created", id);
        drop(state);
        self.inner.publish_changes();
        Ok(id)
    }

    /// Changes an order as the back office would: `f` edits the order JSON, then `updatedAt` is
    /// bumped and `orders/updated` fires.
    pub fn update_order(
        &self,
        id: u64,
        f: impl FnOnce(&mut Map<String, Value>),
    ) -> Result<(), SandboxError> {
        self.update_object(Kind::Order, "orders", id, f)
    }

    /// Changes a customer: `f` edits the customer JSON, then `updatedAt` is bumped and
    /// `customers/updated` fires.
    pub fn update_customer(
        &self,
        id: u64,
        f: impl FnOnce(&mut Map<String, Value>),
    ) -> Result<(), SandboxError> {
        self.update_object(Kind::Customer, "customers", id, f)
    }

    fn update_object(
        &self,
        kind: Kind,
        group: &'static str,
        id: u64,
        f: impl FnOnce(&mut Map<String, Value>),
    ) -> Result<(), SandboxError> {
        {
            let mut state = lock(&self.inner.state);
            let now = state.now();
            let item =
                state
                    .store
                    .get_mut(kind, None, id)
                    .ok_or_else(|| SandboxError::NotFound {
                        kind: kind.spec().singular,
                        id: id.to_string(),
                    })?;
            f(&mut item.obj);
            item.obj.insert("id".into(), json!(id));
            item.obj.insert("updatedAt".into(), json!(now));
            state.changed(group, "updated", id);
        }
        self.inner.publish_changes();
        Ok(())
    }

    /// Creates a credit note (`isCreditNote: true`) linked to the order's invoice; returns the
    /// credit invoice id. Fires `invoices/created` and `orders/updated`.
    pub fn create_credit_note(&self, order_id: u64) -> Result<u64, SandboxError> {
        let id = lock(&self.inner.state).credit_order(order_id)?;
        self.inner.publish_changes();
        Ok(id)
    }

    /// Sets a variant's stock level directly (as the back office would), without a request.
    pub fn set_stock_level(&self, sku: &str, level: i64) -> Result<(), SandboxError> {
        let mut state = lock(&self.inner.state);
        let now = state.now();
        let id =
            state
                .variant_by_code(sku)
                .map(|i| i.id())
                .ok_or_else(|| SandboxError::NotFound {
                    kind: "variant",
                    id: sku.to_owned(),
                })?;
        if let Some(v) = state.store.get_mut(Kind::Variant, None, id) {
            v.obj.insert("stockLevel".into(), json!(level));
            v.obj.insert("updatedAt".into(), json!(now));
        }
        Ok(())
    }

    /// Every webhook delivery so far (in send order).
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.inner.hooks.all()
    }

    /// Sends an earlier delivery again, byte for byte (a duplicate webhook). Returns the new
    /// delivery's id.
    pub fn redeliver_webhook(&self, delivery_id: u64) -> Result<u64, SandboxError> {
        let mut d = self
            .inner
            .hooks
            .get(delivery_id)
            .ok_or_else(|| SandboxError::NotFound {
                kind: "webhook delivery",
                id: delivery_id.to_string(),
            })?;
        d.status = None;
        d.error = None;
        d.redelivery = true;
        Ok(self.inner.hooks.send(&self.inner.runtime, d))
    }

    /// Waits until every webhook delivery has been answered (or `timeout` passes); returns
    /// whether all finished.
    pub async fn flush_webhooks(&self, timeout: Duration) -> bool {
        self.inner.hooks.flush(timeout).await
    }

    /// Number of requests served (every request, including refused ones).
    pub fn request_count(&self) -> usize {
        self.inner.log.count()
    }

    /// Number of requests with this method (`"*"` for any) whose resource path starts with
    /// `path_prefix` (e.g. `("PUT", "variants")`).
    pub fn requests_for(&self, method: &str, path_prefix: &str) -> usize {
        self.inner.log.count_matching(method, path_prefix)
    }

    /// The matching requests themselves.
    pub fn requests_matching(&self, method: &str, path_prefix: &str) -> Vec<RequestRecord> {
        self.inner.log.matching(method, path_prefix)
    }

    /// The request log.
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.inner.log.all()
    }

    /// Requests per endpoint (`GET orders/{id}` → 3).
    pub fn endpoint_counts(&self) -> BTreeMap<String, u64> {
        self.inner.log.endpoint_counts()
    }

    /// Number of writes (POST/PUT/DELETE).
    pub fn write_count(&self) -> usize {
        self.inner.log.writes()
    }

    /// Clears the request log and counters (not the rate-limit windows).
    pub fn reset_counters(&self) {
        self.inner.log.reset();
    }

    /// Replaces the fault plan.
    pub fn set_faults(&self, plan: FaultPlan) {
        *lock(&self.inner.faults) = FaultState::new(plan);
    }

    /// How often each rule of the current fault plan fired.
    pub fn faults_fired(&self) -> Vec<u32> {
        lock(&self.inner.faults).fired()
    }

    /// Resets the rate-limit windows (e.g. between benchmark phases).
    pub fn reset_rate_limits(&self, limits: crate::RateLimits, time_scale: u32) {
        *lock(&self.inner.rate) = RateLimiter::new(limits, time_scale.max(1));
    }
}

/// `Jan van der Berg` for a party.
pub(crate) fn full_name_of(p: &Party) -> String {
    order_spec::full_name(&p.firstname, &p.middlename, &p.lastname)
}

/// The link builder for a simulator at `base` serving `language` by default.
pub(crate) fn seed_links(base: &url::Url, language: &str) -> store::Links {
    store::Links::new(format!("{base}{language}/"))
}

/// A rate limiter for the configured limits.
pub(crate) fn new_rate_limiter(limits: crate::RateLimits, scale: u32) -> RateLimiter {
    RateLimiter::new(limits, scale)
}

/// The webhook sender.
pub(crate) fn new_webhook_hub(timeout: Duration) -> WebhookHub {
    WebhookHub::new(timeout)
}

/// The router of the simulator.
pub(crate) fn router(inner: Arc<LsInner>) -> axum::Router {
    http::router(inner)
}
