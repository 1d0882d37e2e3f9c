//! `POST /webhooks/lightspeed`: verify, decide, queue, answer at once; the per-connection worker
//! that books what was queued; and registering the shop's webhooks on start.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use lightspeed_client::models::{
    Webhook, WebhookCreate, WebhookFormat, WebhookItemAction, WebhookItemGroup,
};
use lightspeed_client::webhook::{WebhookError, WebhookEvent, WebhookPayload, verify_signature};
use sync_core::error::ErrorKind;
use sync_core::flows::{Intake, RunRequest};
use tokio::sync::watch;

use super::metrics::WebhookResult;
use super::queue::{DeliveryKey, Offer, OrderQueue};
use super::runner::{FlowRunner, Trigger};
use super::shared::{ServedConnection, Shared};
use crate::app::runtime::ConnectionRuntime;

/// The path Lightspeed posts to.
pub const PATH: &str = "/webhooks/lightspeed";

/// How many queued orders one run takes at most.
const MAX_BATCH: usize = 100;

/// How long the worker waits before trying again when another process holds the flow's lease.
const CONFLICT_RETRY: Duration = Duration::from_secs(5);

fn answer(status: StatusCode, result: &str) -> Response {
    (status, Json(serde_json::json!({ "status": result }))).into_response()
}

/// Which connection a delivery is for: the only one, or the one whose shop id is `X-Shop-Id`.
async fn pick<'a>(shared: &'a Shared, headers: &HeaderMap) -> Option<&'a ServedConnection> {
    if let [only] = shared.connections.as_slice() {
        return Some(only);
    }
    let shop = headers.get("x-shop-id")?.to_str().ok()?.trim().to_owned();
    for connection in &shared.connections {
        if connection.shop_id().await.as_deref() == Some(shop.as_str()) {
            return Some(connection);
        }
    }
    None
}

/// The handler. A delivery that is not signed with the connection's webhook secret is rejected
/// with 401 before anything is parsed, recorded or queued.
pub async fn receive(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let metrics = &shared.monitor.metrics;
    let Some(connection) = pick(&shared, &headers).await else {
        tracing::warn!("webhook rejected: no connection serves this shop (X-Shop-Id)");
        metrics.record_webhook(None, WebhookResult::Rejected);
        return answer(StatusCode::UNAUTHORIZED, "unknown shop");
    };
    let name = connection.name();
    let secret = connection.runner.connection().webhook_secret();
    let signed = headers
        .get("x-signature")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|signature| verify_signature(&body, signature, secret));
    if !signed {
        tracing::warn!(
            connection = name,
            "webhook rejected: missing or invalid signature"
        );
        metrics.record_webhook(Some(name), WebhookResult::Rejected);
        return answer(StatusCode::UNAUTHORIZED, "invalid signature");
    }
    let event = match WebhookEvent::from_verified_parts(&headers, &body) {
        Ok(event) => event,
        Err(e) => {
            tracing::warn!(connection = name, reason = %unreadable(&e), "webhook rejected: unreadable delivery");
            metrics.record_webhook(Some(name), WebhookResult::Rejected);
            return answer(StatusCode::BAD_REQUEST, "unreadable delivery");
        }
    };
    let orders_on = connection.runner.connection().config.orders.enabled;
    let order = match (&event.item_group, &event.item_action, &event.payload) {
        (WebhookItemGroup::Orders, action, WebhookPayload::Order(order))
            if orders_on && *action != WebhookItemAction::Deleted =>
        {
            order
        }
        _ => {
            tracing::info!(connection = name, event = %event.event, "webhook ignored");
            metrics.record_webhook(Some(name), WebhookResult::Ignored);
            return answer(StatusCode::OK, "ignored");
        }
    };
    let key = DeliveryKey {
        shop: event.shop_id.to_string(),
        event: event.event.clone(),
        id: order.id.to_string(),
        updated_at: order.updated_at.map(|t| t.to_rfc3339()),
    };
    let order_id = key.id.clone();
    let (result, status) = match connection.queue.offer(key) {
        Offer::Queued => (WebhookResult::Accepted, "accepted"),
        Offer::AlreadyQueued | Offer::Duplicate => (WebhookResult::Duplicate, "duplicate"),
    };
    tracing::info!(connection = name, event = %event.event, order = %order_id, result = status, "webhook");
    metrics.record_webhook(Some(name), result);
    answer(StatusCode::OK, status)
}

/// Why a delivery could not be read, without quoting its body (decode errors carry the start of
/// it, and a body holds personal data).
fn unreadable(error: &WebhookError) -> String {
    match error {
        WebhookError::Payload(lightspeed_client::Error::Decode { path, .. }) => {
            format!("the body does not decode at `{path}`")
        }
        WebhookError::Payload(_) => "the body does not decode".to_owned(),
        other => other.to_string(),
    }
}

/// Book what the webhooks queued for one connection until shutdown. Waiting ids are taken in
/// batches; when another process holds the flow's lease they go back to the queue for a moment.
/// Ids still waiting at shutdown are left to the next poll.
pub async fn worker(
    runner: Arc<FlowRunner>,
    queue: Arc<OrderQueue>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            break;
        }
        let batch = queue.take(MAX_BATCH);
        if batch.is_empty() {
            tokio::select! {
                biased;
                _ = stop.wait_for(|s| *s) => break,
                () = queue.notified() => continue,
            }
        }
        let request = RunRequest {
            intake: Intake::Orders(batch.clone()),
            dry_run: false,
        };
        match runner.run(request, Trigger::Webhook).await {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::Conflict => {
                queue.requeue(batch);
                tokio::select! {
                    biased;
                    _ = stop.wait_for(|s| *s) => break,
                    () = tokio::time::sleep(CONFLICT_RETRY) => {}
                }
            }
            // Counted and notified by the runner; the poll picks these orders up.
            Err(_) => {}
        }
    }
    if !queue.is_empty() {
        tracing::info!(
            connection = runner.name(),
            waiting = queue.len(),
            "stopping with webhook orders queued; the next poll books them"
        );
    }
}

/// Make sure the shop posts `orders/created` and `orders/updated` to `{public_url}/webhooks/lightspeed`
/// in the connection's language, as JSON. Subscriptions that exist already (the same address,
/// format, language and group, for the action or for `*`) are left alone. Returns how many were
/// created.
///
/// # Errors
///
/// The client's error when the shop's webhooks cannot be listed or created.
pub async fn register(
    connection: &ConnectionRuntime,
    public_url: &str,
) -> Result<usize, lightspeed_client::Error> {
    let address = format!("{}{PATH}", public_url.trim_end_matches('/'));
    let language = connection.config.lightspeed.language.clone();
    let existing = connection.lightspeed.webhooks().list().all().await?;
    let mut created = 0;
    for action in [WebhookItemAction::Created, WebhookItemAction::Updated] {
        if existing
            .iter()
            .any(|w| covers(w, &address, &language, &action))
        {
            continue;
        }
        let body = WebhookCreate {
            is_active: Some(true),
            item_group: Some(WebhookItemGroup::Orders),
            item_action: Some(action.clone()),
            language: Some(language.clone()),
            format: Some(WebhookFormat::Json),
            address: Some(address.clone()),
        };
        let webhook = connection.lightspeed.webhooks().create(&body).await?;
        tracing::info!(connection = connection.name(), webhook = webhook.id, action = %action, "registered a webhook");
        created += 1;
    }
    Ok(created)
}

/// Whether an existing subscription already delivers `action` on orders to `address`.
fn covers(w: &Webhook, address: &str, language: &str, action: &WebhookItemAction) -> bool {
    w.is_active != Some(false)
        && w.item_group == Some(WebhookItemGroup::Orders)
        && w.address.as_deref() == Some(address)
        && w.format.as_ref().is_none_or(|f| *f == WebhookFormat::Json)
        && w.language
            .as_ref()
            .and_then(|l| l.code.as_deref())
            .is_none_or(|code| code.eq_ignore_ascii_case(language))
        && w.item_action
            .as_ref()
            .is_some_and(|a| a == action || *a == WebhookItemAction::All)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook(action: &str, address: &str) -> Webhook {
        serde_json::from_value(serde_json::json!({
            "id": 1, "isActive": true, "itemGroup": "orders", "itemAction": action,
            "language": { "id": 1, "code": "nl" }, "format": "json", "address": address,
        }))
        .unwrap()
    }

    #[test]
    fn unreadable_bodies_are_described_without_quoting_them() {
        let mut headers = HeaderMap::new();
        headers.insert("x-shop-id", "1".parse().unwrap());
        headers.insert("x-event", "orders/created".parse().unwrap());
        let body = br#"{"order":{"id":"x","email":"jan@example.nl"}}"#;
        let error = WebhookEvent::from_verified_parts(&headers, body).unwrap_err();
        assert!(error.to_string().contains("jan@example.nl"), "{error}");
        let reason = unreadable(&error);
        assert!(!reason.contains("jan@example.nl"), "{reason}");
        assert!(reason.contains("order"), "{reason}");
    }

    #[test]
    fn an_identical_or_wider_subscription_covers_an_action() {
        let url = "https://koppel.example/webhooks/lightspeed";
        let created = WebhookItemAction::Created;
        assert!(covers(&webhook("created", url), url, "nl", &created));
        assert!(covers(&webhook("*", url), url, "nl", &created));
        assert!(!covers(&webhook("updated", url), url, "nl", &created));
        assert!(!covers(
            &webhook("created", "https://other/"),
            url,
            "nl",
            &created
        ));
        assert!(!covers(&webhook("created", url), url, "de", &created));
        let mut inactive = webhook("created", url);
        inactive.is_active = Some(false);
        assert!(!covers(&inactive, url, "nl", &created));
    }
}
