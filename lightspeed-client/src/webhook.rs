//! Receiving webhooks: signature check and typed events.
//!
//! Lightspeed `POST`s the affected resource in its single envelope (`{"order": {...}}`) with these
//! headers: `X-Shop-Id`, `X-Cluster-Id` (`eu1`/`us1`), `X-Event` (`orders/created`),
//! `X-Language`, `X-Format` (`json`/`xml`), `X-Request-Id` and `X-Signature`, the lowercase hex
//! `md5(raw body ‖ secret)`.
//!
//! Verify on the **raw bytes exactly as received** (re-encoding the JSON changes them), in
//! constant time. MD5 is weak, and which secret a private API key uses (its API secret?) is not
//! confirmed: treat a valid signature as a filter and re-fetch the resource by id before acting on
//! it. Never trust `X-Shop-Id` alone.
//!
//! ```
//! use http::HeaderMap;
//! use lightspeed_client::webhook::{WebhookEvent, WebhookPayload, compute_signature};
//! use secrecy::SecretString;
//!
//! let secret = SecretString::from("secret");
//! let body = br#"{"order":{"id":1}}"#;
//! let mut headers = HeaderMap::new();
//! headers.insert("x-shop-id", "356891".parse().unwrap());
//! headers.insert("x-cluster-id", "eu1".parse().unwrap());
//! headers.insert("x-event", "orders/created".parse().unwrap());
//! headers.insert("x-signature", compute_signature(body, &secret).parse().unwrap());
//!
//! let event = WebhookEvent::from_parts(&headers, body, &secret)?;
//! assert!(matches!(event.payload, WebhookPayload::Order(ref o) if o.id == 1));
//! # Ok::<(), lightspeed_client::webhook::WebhookError>(())
//! ```

use bytes::Bytes;
use http::HeaderMap;
use md5::{Digest, Md5};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use crate::client::Cluster;
use crate::entity::Entity;
use crate::envelope;
use crate::models::{
    Customer, Invoice, Order, Product, Quote, Shipment, ShopId, Variant, WebhookFormat,
    WebhookItemAction, WebhookItemGroup,
};

/// Computes the `X-Signature` of a body: lowercase hex `md5(raw_body ‖ secret)`. For tests and
/// simulators.
pub fn compute_signature(raw_body: &[u8], secret: &SecretString) -> String {
    let mut md5 = Md5::new();
    md5.update(raw_body);
    md5.update(secret.expose_secret().as_bytes());
    hex::encode(md5.finalize())
}

/// Checks an `X-Signature` against the raw body, in constant time. Hex case and surrounding
/// whitespace in the header are ignored.
pub fn verify_signature(raw_body: &[u8], signature_hex: &str, secret: &SecretString) -> bool {
    let expected = compute_signature(raw_body, secret);
    let given = signature_hex.trim().to_ascii_lowercase();
    // Lengths are public (always 32 for MD5), so comparing them first leaks nothing.
    given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// Why a webhook delivery was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required header is missing.
    #[error("missing webhook header {0}")]
    MissingHeader(&'static str),
    /// A header is present but malformed.
    #[error("invalid webhook header {name}: {value:?}")]
    InvalidHeader {
        /// Header name.
        name: &'static str,
        /// The value received (never a secret).
        value: String,
    },
    /// The signature does not match the body.
    #[error("webhook signature does not match the body")]
    InvalidSignature,
    /// The body could not be decoded for its item group.
    #[error("webhook body: {0}")]
    Payload(#[source] crate::Error),
}

/// The body of a delivery, decoded by item group.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum WebhookPayload {
    /// `orders/*`
    Order(Box<Order>),
    /// `customers/*`
    Customer(Box<Customer>),
    /// `invoices/*`
    Invoice(Box<Invoice>),
    /// `shipments/*`
    Shipment(Box<Shipment>),
    /// `products/*`
    Product(Box<Product>),
    /// `variants/*`
    Variant(Box<Variant>),
    /// `quotes/*`
    Quote(Box<Quote>),
    /// Another item group (reviews, returns, tickets…), kept as JSON.
    Other(serde_json::Value),
    /// A non-JSON delivery (`X-Format: xml`), kept as received.
    Raw(Bytes),
}

impl WebhookPayload {
    /// The id of the resource, when the payload is typed.
    pub fn id(&self) -> Option<u64> {
        match self {
            WebhookPayload::Order(o) => o.id(),
            WebhookPayload::Customer(c) => c.id(),
            WebhookPayload::Invoice(i) => i.id(),
            WebhookPayload::Shipment(s) => s.id(),
            WebhookPayload::Product(p) => p.id(),
            WebhookPayload::Variant(v) => v.id(),
            WebhookPayload::Quote(q) => q.id(),
            WebhookPayload::Other(_) | WebhookPayload::Raw(_) => None,
        }
    }
}

/// A verified webhook delivery.
#[derive(Debug, Clone)]
pub struct WebhookEvent {
    /// `X-Shop-Id`.
    pub shop_id: ShopId,
    /// `X-Cluster-Id`, when sent.
    pub cluster: Option<Cluster>,
    /// `X-Event` as received (`orders/created`).
    pub event: String,
    /// The item group (`orders`).
    pub item_group: WebhookItemGroup,
    /// The action (`created`).
    pub item_action: WebhookItemAction,
    /// `X-Language`, when sent.
    pub language: Option<String>,
    /// `X-Format` (JSON when absent).
    pub format: WebhookFormat,
    /// `X-Request-Id`, when sent.
    pub request_id: Option<String>,
    /// The decoded body.
    pub payload: WebhookPayload,
}

fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<Option<&'a str>, WebhookError> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim()).filter(|s| !s.is_empty()))
            .map_err(|_| WebhookError::InvalidHeader {
                name,
                value: String::from_utf8_lossy(v.as_bytes()).into_owned(),
            }),
    }
}

fn required<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, WebhookError> {
    header(headers, name)?.ok_or(WebhookError::MissingHeader(name))
}

impl WebhookEvent {
    /// Verifies the signature over `raw_body` and builds the typed event from the headers and
    /// the body.
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSignature`] before anything else is parsed when the signature does
    /// not match; missing/invalid headers; a body that does not decode for its item group.
    pub fn from_parts(
        headers: &HeaderMap,
        raw_body: &[u8],
        secret: &SecretString,
    ) -> Result<Self, WebhookError> {
        let signature = required(headers, "x-signature")?;
        if !verify_signature(raw_body, signature, secret) {
            return Err(WebhookError::InvalidSignature);
        }
        Self::from_verified_parts(headers, raw_body)
    }

    /// Builds the event without checking the signature: only for deliveries verified elsewhere.
    pub fn from_verified_parts(headers: &HeaderMap, raw_body: &[u8]) -> Result<Self, WebhookError> {
        let shop_id = ShopId::new(required(headers, "x-shop-id")?);
        let event = required(headers, "x-event")?.to_owned();
        let (group, action) = event
            .split_once('/')
            .ok_or_else(|| WebhookError::InvalidHeader {
                name: "x-event",
                value: event.clone(),
            })?;
        let item_group = WebhookItemGroup::parse(group);
        let item_action = WebhookItemAction::parse(action);
        let format = header(headers, "x-format")?
            .map(|f| WebhookFormat::parse(&f.to_ascii_lowercase()))
            .unwrap_or(WebhookFormat::Json);
        let payload = if format == WebhookFormat::Json {
            decode_payload(&item_group, raw_body)?
        } else {
            WebhookPayload::Raw(Bytes::copy_from_slice(raw_body))
        };
        Ok(Self {
            shop_id,
            cluster: header(headers, "x-cluster-id")?.map(Cluster::parse),
            item_group,
            item_action,
            language: header(headers, "x-language")?.map(str::to_owned),
            format,
            request_id: header(headers, "x-request-id")?.map(str::to_owned),
            payload,
            event,
        })
    }
}

fn decode_payload(group: &WebhookItemGroup, body: &[u8]) -> Result<WebhookPayload, WebhookError> {
    fn typed<T: Entity>(body: &[u8]) -> Result<Box<T>, WebhookError> {
        envelope::decode::<T>(body)
            .map(Box::new)
            .map_err(WebhookError::Payload)
    }
    Ok(match group {
        WebhookItemGroup::Orders => WebhookPayload::Order(typed(body)?),
        WebhookItemGroup::Customers => WebhookPayload::Customer(typed(body)?),
        WebhookItemGroup::Invoices => WebhookPayload::Invoice(typed(body)?),
        WebhookItemGroup::Shipments => WebhookPayload::Shipment(typed(body)?),
        WebhookItemGroup::Products => WebhookPayload::Product(typed(body)?),
        WebhookItemGroup::Variants => WebhookPayload::Variant(typed(body)?),
        WebhookItemGroup::Quotes => WebhookPayload::Quote(typed(body)?),
        _ => WebhookPayload::Other(
            serde_json::from_slice(body)
                .map_err(|e| WebhookError::Payload(envelope::decode_error(".", e, body)))?,
        ),
    })
}
