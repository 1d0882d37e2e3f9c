//! `POST /webhooks/lightspeed`: verify, decide, put the order id in the state store's inbox, answer;
//! the per-connection worker that books what the inbox holds; and registering the shop's webhooks
//! on start.

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
use sync_core::flows::orders::FLOW as ORDERS;
use sync_core::flows::{Intake, RunRequest};
use sync_core::state::StateStore;
use tokio::sync::watch;

use super::metrics::WebhookResult;
use super::queue::{DeliveryKey, OrderQueue};
use super::runner::{FlowRunner, Trigger};
use super::shared::{ServedConnection, Shared};
use crate::app::runtime::ConnectionRuntime;

/// The path Lightspeed posts to.
pub const PATH: &str = "/webhooks/lightspeed";

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
    if connection.queue.seen_recently(&key) {
        tracing::info!(connection = name, event = %event.event, order = %order_id, result = "duplicate", "webhook");
        metrics.record_webhook(Some(name), WebhookResult::Duplicate);
        return answer(StatusCode::OK, "duplicate");
    }
    // The 2xx promises the order is not lost: it is only sent once the id is in the state store.
    match shared
        .state()
        .enqueue(name, ORDERS, &order_id, chrono::Utc::now())
        .await
    {
        Ok(queued) => {
            connection.queue.remember(key);
            connection.queue.ring();
            let (result, status) = if queued {
                (WebhookResult::Accepted, "accepted")
            } else {
                (WebhookResult::Duplicate, "duplicate")
            };
            tracing::info!(connection = name, event = %event.event, order = %order_id, result = status, "webhook");
            metrics.record_webhook(Some(name), result);
            answer(StatusCode::OK, status)
        }
        Err(e) => {
            tracing::warn!(connection = name, order = %order_id, error = %e, "webhook not stored; answered 503 so Lightspeed delivers it again");
            metrics.record_webhook(Some(name), WebhookResult::Unavailable);
            answer(StatusCode::SERVICE_UNAVAILABLE, "try again")
        }
    }
}

fn unreadable(error: &WebhookError) -> String {
    match error {
        WebhookError::Payload(lightspeed_client::Error::Decode { path, .. }) => {
            format!("the body does not decode at `{path}`")
        }
        WebhookError::Payload(_) => "the body does not decode".to_owned(),
        other => other.to_string(),
    }
}

/// How often an idle worker looks whether anything waits (announcements left by a crash, or — on a
/// connection without a poll schedule — dead letters whose retry is due).
const IDLE_CHECK: Duration = Duration::from_secs(60);

/// The first and the longest wait between attempts while announced orders cannot be worked off
/// (the ledger is away, another worker holds some of them).
const BACKOFF: (Duration, Duration) = (Duration::from_secs(5), Duration::from_secs(5 * 60));

/// Book what webhooks announced for one connection until shutdown. The announcements wait in the
/// state store's inbox; each run takes them oldest first, and an order leaves the inbox only once
/// it is done (booked, already booked, skipped or dead-lettered). While some cannot be done the
/// worker tries again with a growing pause. Without a poll schedule it also replays dead letters
/// when they are due, so a webhook-only installation retries too.
pub async fn worker(
    runner: Arc<FlowRunner>,
    queue: Arc<OrderQueue>,
    state: Arc<dyn StateStore>,
    replays_dead_letters: bool,
    mut stop: watch::Receiver<bool>,
) {
    let name = runner.name().to_owned();
    let mut backoff: Option<Duration> = None;
    // At start only what is waiting counts (announcements a crash left, due dead letters).
    let mut rang = false;
    loop {
        if *stop.borrow() {
            break;
        }
        if rang || has_work(state.as_ref(), &name, replays_dead_letters).await {
            let request = RunRequest {
                intake: Intake::Inbox,
                dry_run: false,
            };
            let result = runner.run(request, Trigger::Webhook).await;
            let waiting = state
                .pending_inbox(&name, ORDERS, 1)
                .await
                .map_or(true, |items| !items.is_empty());
            backoff = match result {
                Err(e) if e.kind() == ErrorKind::Conflict => Some(CONFLICT_RETRY),
                _ if waiting => Some(backoff.map_or(BACKOFF.0, |b| (b * 2).min(BACKOFF.1))),
                _ => None,
            };
        }
        rang = false;
        match backoff {
            // Backing off: a new delivery does not shorten the pause (the flow is busy or away).
            Some(pause) => {
                tracing::debug!(connection = %name, ?pause, "announced orders are waiting; trying again");
                tokio::select! {
                    biased;
                    _ = stop.wait_for(|s| *s) => break,
                    () = tokio::time::sleep(pause) => {}
                }
            }
            None => tokio::select! {
                biased;
                _ = stop.wait_for(|s| *s) => break,
                () = queue.notified() => rang = true,
                () = tokio::time::sleep(IDLE_CHECK) => {}
            },
        }
    }
    if let Ok(items) = state.pending_inbox(&name, ORDERS, 1).await
        && !items.is_empty()
    {
        tracing::info!(
            connection = %name,
            "stopping with announced orders waiting; they stay in the inbox for the next start"
        );
    }
}

/// Whether an idle worker has something to run for: announcements in the inbox, or (without a poll
/// schedule) dead letters that are due.
async fn has_work(state: &dyn StateStore, connection: &str, replays_dead_letters: bool) -> bool {
    let inbox = state.pending_inbox(connection, ORDERS, 1).await;
    if inbox.as_ref().map_or(true, |items| !items.is_empty()) {
        return true;
    }
    replays_dead_letters
        && state
            .due_dead_letters(connection, ORDERS, chrono::Utc::now())
            .await
            .map_or(true, |due| !due.is_empty())
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
