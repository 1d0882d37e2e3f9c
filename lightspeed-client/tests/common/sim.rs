//! A deterministic in-memory Lightspeed shop behind the client's [`Transport`], for tests of how
//! windows of changed records are read.
//!
//! It serves `orders.json`, `orders/count.json`, `invoices.json`, `invoices/count.json` and
//! `invoices/{id}/items.json`. Lists honour `updated_at_min/max` and `created_at_min/max`
//! (inclusive, second granularity, `YYYY-MM-DD HH:MM:SS` in UTC as the client formats them),
//! `page` and `limit`, in ascending id order; counts honour the same filters. Any other query
//! parameter is refused with a panic, so a test notices a filter it did not expect.
//!
//! A hook runs after each request with the request's 0-based index and the shop's records, so a
//! test can change the shop between two requests of a scan (e.g. set an order's `updatedAt` to a
//! time after the window, as an update in the shop would).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
#[cfg(feature = "sync")]
use lightspeed_client::sync::{LightspeedShop, ShopOptions};
use lightspeed_client::{
    HttpRequest, HttpResponse, LightspeedClient, RateLimitConfig, RetryPolicy, Transport,
    TransportError,
};
use serde_json::{Value, json};

use super::fake::reply;
use super::fixture;

/// One order or invoice of the simulated shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub id: u64,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// Invoices only: whether the invoice is a credit note.
    pub credit_note: bool,
}

/// What the shop holds.
#[derive(Debug, Default, Clone)]
pub struct Records {
    pub orders: BTreeMap<u64, Record>,
    pub invoices: BTreeMap<u64, Record>,
}

impl Records {
    /// An update in the shop: the order's `updatedAt` becomes `at`.
    pub fn touch_order(&mut self, id: u64, at: DateTime<Utc>) {
        if let Some(r) = self.orders.get_mut(&id) {
            r.updated = at;
        }
    }

    /// An update in the shop: the invoice's `updatedAt` becomes `at`.
    pub fn touch_invoice(&mut self, id: u64, at: DateTime<Utc>) {
        if let Some(r) = self.invoices.get_mut(&id) {
            r.updated = at;
        }
    }
}

type Hook = Box<dyn FnMut(usize, &mut Records) + Send>;

/// The simulated shop.
pub struct SimShop {
    records: Mutex<Records>,
    hook: Mutex<Option<Hook>>,
    log: Mutex<Vec<String>>,
    ignore_created: std::sync::atomic::AtomicBool,
    order_template: Value,
    credit_template: Value,
    invoice_template: Value,
    items: Value,
}

/// What a scan cost, by kind of request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Requests {
    /// `orders.json` / `invoices.json` pages.
    pub lists: usize,
    /// `orders/count.json` / `invoices/count.json`.
    pub counts: usize,
    /// Anything else (invoice items).
    pub other: usize,
}

impl Requests {
    pub fn total(&self) -> usize {
        self.lists + self.counts + self.other
    }
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) → time.
fn parse_filter(value: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S")
        .unwrap_or_else(|e| panic!("filter time {value:?}: {e}"))
        .and_utc()
}

/// `2026-06-02T10:24:43+00:00`
fn rfc3339(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

impl SimShop {
    pub fn new(records: Records) -> Arc<Self> {
        let ordinary =
            fixture("order.json")["order"]["invoices"]["resource"]["embedded"][0].clone();
        let product = json!({
            "id": 7041126, "type": "product", "title": "Butterprint Bowl", "variant": "butterprintbowl",
            "orderProductId": 3661590, "articleCode": "butterprintbowl", "taxRate": 0,
            "basePriceExcl": 44.95, "basePriceIncl": 44.95, "priceExcl": 44.95, "priceIncl": 44.95,
            "discountExcl": 0, "discountIncl": 0, "quantity": 1
        });
        Arc::new(Self {
            records: Mutex::new(records),
            hook: Mutex::new(None),
            log: Mutex::new(Vec::new()),
            ignore_created: std::sync::atomic::AtomicBool::new(false),
            order_template: fixture("order.live-eu1-nl-trimmed.json")["order"].clone(),
            credit_template: fixture("invoice.json")["invoice"].clone(),
            invoice_template: ordinary,
            items: json!({ "invoiceItems": [fixture("invoiceItem.json")["invoiceItem"], product] }),
        })
    }

    /// Runs `hook(k, records)` after the k-th request (0-based) has been answered.
    pub fn on_request(&self, hook: impl FnMut(usize, &mut Records) + Send + 'static) {
        *self.hook.lock().unwrap() = Some(Box::new(hook));
    }

    /// From now on, accept `created_at_min/max` but do not apply them (a server that ignores a
    /// filter).
    pub fn ignore_created_filters(&self) {
        self.ignore_created
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// The shop's records now.
    pub fn records(&self) -> Records {
        self.records.lock().unwrap().clone()
    }

    /// Every request so far, as `path?query`.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The requests so far, by kind.
    pub fn requests(&self) -> Requests {
        let mut r = Requests::default();
        for line in self.log() {
            let path = line.split('?').next().unwrap_or_default();
            if path.ends_with("/count.json") {
                r.counts += 1;
            } else if path == "/nl/orders.json" || path == "/nl/invoices.json" {
                r.lists += 1;
            } else {
                r.other += 1;
            }
        }
        r
    }

    /// Forgets the requests so far.
    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }

    fn order_json(&self, r: &Record) -> Value {
        let mut o = self.order_template.clone();
        o["id"] = json!(r.id);
        o["number"] = json!(format!("ORD{:05}", r.id));
        o["createdAt"] = json!(rfc3339(r.created));
        o["updatedAt"] = json!(rfc3339(r.updated));
        o
    }

    fn invoice_json(&self, r: &Record) -> Value {
        let mut i = if r.credit_note {
            self.credit_template.clone()
        } else {
            self.invoice_template.clone()
        };
        i["id"] = json!(r.id);
        i["number"] = json!(format!("INV{:05}", r.id));
        i["createdAt"] = json!(rfc3339(r.created));
        i["updatedAt"] = json!(rfc3339(r.updated));
        i
    }

    fn answer(&self, request: &HttpRequest) -> HttpResponse {
        let path = request.url.path().to_owned();
        let mut filter = Filter::default();
        let mut page = 1usize;
        let mut limit = 250usize;
        let ignore_created = self
            .ignore_created
            .load(std::sync::atomic::Ordering::Relaxed);
        for (k, v) in request.url.query_pairs() {
            match k.as_ref() {
                "updated_at_min" => filter.updated_min = Some(parse_filter(&v)),
                "updated_at_max" => filter.updated_max = Some(parse_filter(&v)),
                "created_at_min" | "created_at_max" if ignore_created => {
                    parse_filter(&v);
                }
                "created_at_min" => filter.created_min = Some(parse_filter(&v)),
                "created_at_max" => filter.created_max = Some(parse_filter(&v)),
                "page" => page = v.parse().unwrap(),
                "limit" => limit = v.parse().unwrap(),
                other => panic!("the simulated shop does not know the parameter {other:?}"),
            }
        }
        let records = self.records.lock().unwrap();
        let (list, key): (Vec<Record>, &str) = match path.as_str() {
            "/nl/orders.json" | "/nl/orders/count.json" => (
                records
                    .orders
                    .values()
                    .copied()
                    .filter(|r| filter.matches(r))
                    .collect(),
                "orders",
            ),
            "/nl/invoices.json" | "/nl/invoices/count.json" => (
                records
                    .invoices
                    .values()
                    .copied()
                    .filter(|r| filter.matches(r))
                    .collect(),
                "invoices",
            ),
            p if p.starts_with("/nl/invoices/") && p.ends_with("/items.json") => {
                return reply(200, &[], &self.items.to_string());
            }
            other => panic!("the simulated shop does not serve {other}"),
        };
        if path.ends_with("/count.json") {
            return reply(200, &[], &json!({ "count": list.len() }).to_string());
        }
        let items: Vec<Value> = list
            .iter()
            .skip((page - 1) * limit)
            .take(limit)
            .map(|r| {
                if key == "orders" {
                    self.order_json(r)
                } else {
                    self.invoice_json(r)
                }
            })
            .collect();
        reply(200, &[], &json!({ key: items }).to_string())
    }

    /// A client on this shop: no rate limiting, no retries.
    pub fn client(self: &Arc<Self>) -> LightspeedClient {
        LightspeedClient::builder()
            .base_url("https://shop.test")
            .language("nl")
            .credentials("sim-key", "sim-secret")
            .timeout(Duration::from_secs(5))
            .rate_limit(RateLimitConfig::disabled())
            .retry(RetryPolicy::none())
            .transport(self.clone())
            .build()
            .unwrap()
    }

    /// A configured connector on this shop with the given page size.
    #[cfg(feature = "sync")]
    pub fn shop(self: &Arc<Self>, page_size: u32) -> LightspeedShop {
        let options = ShopOptions {
            shop_id: Some("356891".into()),
            currency: Some("EUR".into()),
            page_size,
            ..ShopOptions::default()
        };
        LightspeedShop::new(self.client(), options).unwrap()
    }
}

#[derive(Debug, Default)]
struct Filter {
    updated_min: Option<DateTime<Utc>>,
    updated_max: Option<DateTime<Utc>>,
    created_min: Option<DateTime<Utc>>,
    created_max: Option<DateTime<Utc>>,
}

impl Filter {
    fn matches(&self, r: &Record) -> bool {
        self.updated_min.is_none_or(|t| r.updated >= t)
            && self.updated_max.is_none_or(|t| r.updated <= t)
            && self.created_min.is_none_or(|t| r.created >= t)
            && self.created_max.is_none_or(|t| r.created <= t)
    }
}

#[async_trait]
impl Transport for SimShop {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let index = {
            let mut log = self.log.lock().unwrap();
            log.push(match request.url.query() {
                Some(q) => format!("{}?{q}", request.url.path()),
                None => request.url.path().to_owned(),
            });
            log.len() - 1
        };
        let response = self.answer(&request);
        if let Some(hook) = self.hook.lock().unwrap().as_mut() {
            hook(index, &mut self.records.lock().unwrap());
        }
        Ok(response)
    }
}
