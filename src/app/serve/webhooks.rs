//! `POST /webhooks/lightspeed` for every served connection (built on [`crate::webhooks`]), the
//! per-connection worker that books what the inbox holds, and registering the shop's webhooks on
//! start.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use lightspeed_client::models::{
    Webhook, WebhookCreate, WebhookFormat, WebhookItemAction, WebhookItemGroup,
};
use sync_core::flows::{Intake, RunRequest};
use tokio::sync::watch;

use super::runner::Trigger;
use super::shared::{ServedConnection, Shared};
use crate::app::runtime::ConnectionRuntime;
pub use crate::webhooks::PATH;
use crate::webhooks::{Delivery, InboxWork, Rejection, work_inbox};

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

/// The handler: the connection's [`WebhookReceiver`](crate::webhooks::WebhookReceiver) takes the
/// delivery (verifying its signature before anything else); every outcome is counted.
pub async fn receive(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let metrics = &shared.monitor.metrics;
    let Some(connection) = pick(&shared, &headers).await else {
        tracing::warn!("webhook rejected: no connection serves this shop (X-Shop-Id)");
        let delivery = Delivery::Rejected(Rejection::UnknownShop);
        metrics.record_webhook(None, (&delivery).into());
        return delivery.into_response();
    };
    let delivery = connection.webhooks.receive(&headers, &body).await;
    metrics.record_webhook(Some(connection.name()), (&delivery).into());
    delivery.into_response()
}

/// Book what the connection's webhooks announced until shutdown (see
/// [`work_inbox`](crate::webhooks::work_inbox)); every run goes through the connection's runner,
/// so it is counted and notified like a scheduled one. Without a poll schedule due dead letters
/// are replayed here too, so a webhook-only installation retries.
pub async fn worker(
    connection: &ServedConnection,
    shared: &Shared,
    replays_dead_letters: bool,
    mut stop: watch::Receiver<bool>,
) {
    let state = shared.state();
    let mut work = InboxWork::new(
        connection.name(),
        state.clone(),
        connection.webhooks.doorbell().clone(),
    );
    if replays_dead_letters {
        work = work.replaying(state.clone());
    }
    let stopped = async move {
        let _ = stop.wait_for(|s| *s).await;
    };
    let runner = &connection.runner;
    work_inbox(work, stopped, || {
        let request = RunRequest {
            intake: Intake::Inbox,
            dry_run: false,
        };
        runner.run(request, Trigger::Webhook)
    })
    .await;
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
