//! The router: webhooks, `/healthz`, `/metrics`, and the dashboard when it is on.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use sync_core::flows::orders::FLOW;
use sync_core::state::StoreStats;

use super::dashboard;
use super::shared::Shared;
use super::webhooks;

/// How long `/healthz` and `/metrics` wait for the state store.
const STORE_TIMEOUT: Duration = Duration::from_secs(5);

/// Every route of `koppel serve`.
pub fn router(shared: Arc<Shared>) -> Router {
    let mut router = Router::new()
        .route(webhooks::PATH, post(webhooks::receive))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics));
    if shared.dashboard.is_some() {
        router = router.merge(dashboard::routes());
    }
    router.with_state(shared)
}

/// 200 when the state store answers, 503 when it does not.
async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    let connections: Vec<&str> = shared.connections.iter().map(|c| c.name()).collect();
    let stats = tokio::time::timeout(STORE_TIMEOUT, shared.state().stats())
        .await
        .map_err(|_| "the state store did not answer in time".to_owned())
        .and_then(|r| r.map_err(|e| e.to_string()));
    health(stats, &connections)
}

/// The health answer for what the state store said (its error is logged, never shown).
fn health(stats: Result<StoreStats, String>, connections: &[&str]) -> Response {
    match stats {
        Ok(stats) => Json(serde_json::json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "state": stats.backend,
            "connections": connections,
        }))
        .into_response(),
        Err(error) => {
            tracing::warn!(%error, "health check: the state store failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({
                    "status": "unavailable",
                    "reason": "the state store does not answer",
                    "connections": connections,
                })),
            )
                .into_response()
        }
    }
}

/// The Prometheus text exposition; pending dead letters are read from the state store now.
async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    let mut pending = Vec::new();
    for c in &shared.connections {
        let mut by_flow: BTreeMap<String, u64> = BTreeMap::from([(FLOW.to_owned(), 0)]);
        match tokio::time::timeout(STORE_TIMEOUT, shared.state().summary(c.name())).await {
            Ok(Ok(summary)) => by_flow.extend(summary.dead_letters_pending),
            _ => {
                tracing::warn!(
                    connection = c.name(),
                    "metrics: could not read the pending dead letters"
                );
                continue;
            }
        }
        pending.extend(
            by_flow
                .into_iter()
                .map(|(flow, n)| (c.name().to_owned(), flow, n)),
        );
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        shared.monitor.metrics.render(&pending),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn health_is_ok_when_the_store_answers_and_503_when_it_does_not() {
        let ok = health(
            Ok(StoreStats {
                backend: "sqlite".into(),
                ..Default::default()
            }),
            &["default"],
        );
        assert_eq!(ok.status(), StatusCode::OK);
        let json = body(ok).await;
        assert_eq!(json["status"], "ok");
        assert_eq!(json["state"], "sqlite");

        let down = health(
            Err("database is locked at /secret/path".into()),
            &["default"],
        );
        assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
        let json = body(down).await;
        assert_eq!(json["status"], "unavailable");
        assert!(
            !json.to_string().contains("/secret/path"),
            "the store's error stays in the log"
        );
    }
}
