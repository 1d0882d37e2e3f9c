//! Lightspeed's order webhooks in your own axum application (feature `webhooks`).
//!
//! A [`WebhookReceiver`] verifies a delivery's `X-Signature` before it reads anything, takes the
//! order id of an `orders/*` event, puts it in the state store's inbox (so a crash loses none) and
//! rings a [`Doorbell`]; only then it answers 2xx. Your worker waits on the doorbell and runs the
//! orders flow with [`Intake::Inbox`](sync_core::flows::Intake::Inbox) — or leaves that to
//! [`work_inbox`], which also backs off while announced orders cannot be booked. `koppel serve` is
//! built from the same parts.
//!
//! ```no_run
//! use std::sync::Arc;
//! use koppel::webhooks::{WebhookReceiver, PATH};
//! use secrecy::SecretString;
//! use sync_core::state::MemoryStateStore;
//!
//! # async fn demo() -> std::io::Result<()> {
//! let state = Arc::new(MemoryStateStore::new());
//! let receiver = Arc::new(WebhookReceiver::new(
//!     "my-shop",
//!     SecretString::from("the shop's webhook secret"),
//!     state,
//! ));
//! let app = axum::Router::new()
//!     .route("/", axum::routing::get(|| async { "my service" }))
//!     .route(PATH, receiver.clone().method_router());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! tokio::spawn(async move { axum::serve(listener, app).await });
//! loop {
//!     receiver.doorbell().notified().await;
//!     // run the orders flow with `RunRequest::inbox()`
//! }
//! # }
//! ```

mod recent;
mod worker;

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use lightspeed_client::models::{WebhookItemAction, WebhookItemGroup};
use lightspeed_client::webhook::{WebhookError, WebhookEvent, WebhookPayload, verify_signature};
use secrecy::SecretString;
use sync_core::flows::orders::FLOW as ORDERS;
use sync_core::state::InboxStore;

pub use self::recent::{DeliveryKey, Doorbell, RECENT_WINDOW};
pub use self::worker::{InboxWork, work_inbox};

/// Where Koppel mounts the receiver (and registers the shop's webhooks): `/webhooks/lightspeed`.
pub const PATH: &str = "/webhooks/lightspeed";

/// What became of one delivery. [`status`](Self::status) is the HTTP answer Lightspeed gets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// The order id was put in the inbox.
    Accepted {
        /// The order's id.
        order: String,
    },
    /// The same delivery came moments ago, or the order is waiting in the inbox already.
    Duplicate {
        /// The order's id.
        order: String,
    },
    /// A signed delivery Koppel does not act on (another group, a deleted order, orders off).
    Ignored {
        /// `X-Event`.
        event: String,
    },
    /// Not signed with the secret, or unreadable: nothing was recorded.
    Rejected(Rejection),
    /// The inbox could not store the id: answered 503 so that Lightspeed delivers it again.
    Unavailable {
        /// The order's id.
        order: String,
    },
}

/// Why a delivery was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// `X-Signature` is missing or does not match the body.
    Signature,
    /// Signed, but the headers or the body do not decode (the reason never quotes the body).
    Unreadable(String),
    /// No connection serves the shop in `X-Shop-Id` (for hosts with several shops).
    UnknownShop,
}

impl Delivery {
    /// The HTTP status Lightspeed is answered with: 2xx only once nothing can be lost.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Accepted { .. } | Self::Duplicate { .. } | Self::Ignored { .. } => StatusCode::OK,
            Self::Rejected(Rejection::Unreadable(_)) => StatusCode::BAD_REQUEST,
            Self::Rejected(_) => StatusCode::UNAUTHORIZED,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A one-word name (`accepted`, `duplicate`, `ignored`, `rejected`, `unavailable`), as the
    /// answer's `status` field and in logs and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Accepted { .. } => "accepted",
            Self::Duplicate { .. } => "duplicate",
            Self::Ignored { .. } => "ignored",
            Self::Rejected(_) => "rejected",
            Self::Unavailable { .. } => "unavailable",
        }
    }
}

impl IntoResponse for Delivery {
    fn into_response(self) -> Response {
        let detail = match &self {
            Self::Rejected(Rejection::Signature) => "invalid signature",
            Self::Rejected(Rejection::Unreadable(_)) => "unreadable delivery",
            Self::Rejected(Rejection::UnknownShop) => "unknown shop",
            Self::Unavailable { .. } => "try again",
            other => other.label(),
        };
        (self.status(), Json(serde_json::json!({ "status": detail }))).into_response()
    }
}

/// Receives one connection's webhook deliveries (see the [module docs](self)).
pub struct WebhookReceiver {
    connection: String,
    secret: SecretString,
    inbox: Arc<dyn InboxStore>,
    doorbell: Arc<Doorbell>,
    orders: bool,
}

impl std::fmt::Debug for WebhookReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("connection", &self.connection)
            .field("orders", &self.orders)
            .finish_non_exhaustive()
    }
}

impl WebhookReceiver {
    /// A receiver for `connection` (the name the flow's state is kept under), checking deliveries
    /// against the shop's webhook `secret` (Lightspeed signs with the API secret unless the shop
    /// has a separate webhook secret) and queuing into `inbox`.
    pub fn new(
        connection: impl Into<String>,
        secret: SecretString,
        inbox: Arc<dyn InboxStore>,
    ) -> Self {
        Self {
            connection: connection.into(),
            secret,
            inbox,
            doorbell: Arc::new(Doorbell::new()),
            orders: true,
        }
    }

    /// Whether order events are queued (default yes). With the orders flow switched off, signed
    /// deliveries are answered 200 and ignored, so the shop does not retry them.
    #[must_use]
    pub fn orders(mut self, enabled: bool) -> Self {
        self.orders = enabled;
        self
    }

    /// The connection it receives for.
    pub fn connection(&self) -> &str {
        &self.connection
    }

    /// Rung each time an order id is put in the inbox.
    pub fn doorbell(&self) -> &Arc<Doorbell> {
        &self.doorbell
    }

    /// A `POST` route for your router, at the path you choose (Koppel registers [`PATH`]). It
    /// needs none of your router's state.
    pub fn method_router<S>(self: Arc<Self>) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        post(
            move |headers: HeaderMap, body: Bytes| async move { self.receive(&headers, &body).await },
        )
    }

    /// A router with the receiver at [`PATH`], to `merge` into yours.
    pub fn router<S>(self: Arc<Self>) -> axum::Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        axum::Router::new().route(PATH, self.method_router())
    }

    /// Take one delivery: its raw body and headers as received. A delivery that is not signed
    /// with the secret is rejected before anything is parsed, recorded or queued. Call this from
    /// your own handler when you want to see each [`Delivery`] (to count them, say).
    pub async fn receive(&self, headers: &HeaderMap, body: &[u8]) -> Delivery {
        let name = self.connection.as_str();
        let signed = headers
            .get("x-signature")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|signature| verify_signature(body, signature, &self.secret));
        if !signed {
            tracing::warn!(
                connection = name,
                "webhook rejected: missing or invalid signature"
            );
            return Delivery::Rejected(Rejection::Signature);
        }
        let event = match WebhookEvent::from_verified_parts(headers, body) {
            Ok(event) => event,
            Err(e) => {
                let reason = unreadable(&e);
                tracing::warn!(connection = name, %reason, "webhook rejected: unreadable delivery");
                return Delivery::Rejected(Rejection::Unreadable(reason));
            }
        };
        let order = match (&event.item_group, &event.item_action, &event.payload) {
            (WebhookItemGroup::Orders, action, WebhookPayload::Order(order))
                if self.orders && *action != WebhookItemAction::Deleted =>
            {
                order
            }
            _ => {
                tracing::info!(connection = name, event = %event.event, "webhook ignored");
                return Delivery::Ignored { event: event.event };
            }
        };
        let key = DeliveryKey {
            shop: event.shop_id.to_string(),
            event: event.event.clone(),
            id: order.id.to_string(),
            updated_at: order.updated_at.map(|t| t.to_rfc3339()),
        };
        let order_id = key.id.clone();
        let delivery = if self.doorbell.seen_recently(&key) {
            Delivery::Duplicate { order: order_id }
        } else {
            // The 2xx promises the order is not lost: it is only sent once the id is stored.
            match self
                .inbox
                .enqueue(name, ORDERS, &order_id, chrono::Utc::now())
                .await
            {
                Ok(queued) => {
                    self.doorbell.remember(key);
                    self.doorbell.ring();
                    if queued {
                        Delivery::Accepted { order: order_id }
                    } else {
                        Delivery::Duplicate { order: order_id }
                    }
                }
                Err(e) => {
                    tracing::warn!(connection = name, order = %order_id, error = %e, "webhook not stored; answered 503 so Lightspeed delivers it again");
                    return Delivery::Unavailable { order: order_id };
                }
            }
        };
        tracing::info!(connection = name, event = %event.event, order = %order_id_of(&delivery), result = delivery.label(), "webhook");
        delivery
    }
}

fn order_id_of(delivery: &Delivery) -> &str {
    match delivery {
        Delivery::Accepted { order }
        | Delivery::Duplicate { order }
        | Delivery::Unavailable { order } => order,
        _ => "",
    }
}

/// Why a signed delivery could not be read, without quoting the body (it holds personal data).
fn unreadable(error: &WebhookError) -> String {
    match error {
        WebhookError::Payload(lightspeed_client::Error::Decode { path, .. }) => {
            format!("the body does not decode at `{path}`")
        }
        WebhookError::Payload(_) => "the body does not decode".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
