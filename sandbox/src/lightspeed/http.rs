//! The HTTP face of the Lightspeed simulator: faults, Basic auth, rate limits, language, dispatch,
//! the request log and webhook fan-out, in that order.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use base64::Engine as _;
use bytes::Bytes;
use secrecy::ExposeSecret;
use serde_json::Value;

use super::LsInner;
use super::api::{dispatch, error_body};
use super::kinds::{Route, parse_route};
use super::ratelimit::RateHeaders;
use crate::faults::{FaultKind, FaultProbe, System};
use crate::geo;
use crate::observe::{RequestRecord, lock};
use crate::server::ConnHandle;

pub(crate) fn router(inner: Arc<LsInner>) -> Router {
    Router::new().fallback(handle).with_state(inner)
}

fn json_response(status: u16, body: Option<&Value>, rate: &RateHeaders) -> Response {
    let mut resp = Response::new(match body {
        Some(v) => Body::from(serde_json::to_vec(v).unwrap_or_default()),
        None => Body::empty(),
    });
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if body.is_some() {
        h.insert(
            "content-type",
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
    }
    for (name, value) in [
        ("x-ratelimit-limit", &rate.limit),
        ("x-ratelimit-remaining", &rate.remaining),
        ("x-ratelimit-reset", &rate.reset),
    ] {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    }
    resp
}

fn authorized(inner: &LsInner, headers: &HeaderMap) -> bool {
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Ok(text) = String::from_utf8(decoded) else {
        return false;
    };
    match text.split_once(':') {
        Some((key, secret)) => key == inner.api_key && secret == inner.api_secret.expose_secret(),
        None => false,
    }
}

/// Splits `/nl/orders/5.json` into (`nl`, `orders/5`); `None` without the `.json` suffix.
fn split_path(path: &str) -> Option<(String, String)> {
    let rest = path.trim_start_matches('/');
    let (lang, resource) = rest.split_once('/')?;
    let resource = resource.strip_suffix(".json")?;
    Some((lang.to_owned(), resource.to_owned()))
}

async fn handle(
    State(inner): State<Arc<LsInner>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query = uri.query().unwrap_or_default().to_owned();
    let (lang, resource) = split_path(&path).unwrap_or_default();
    let is_write = matches!(method, Method::POST | Method::PUT | Method::DELETE);
    let mut record = RequestRecord {
        method: method.to_string(),
        path: path.clone(),
        resource: resource.clone(),
        query: query.clone(),
        business_object: None,
        status: None,
        write: is_write,
        fault: None,
        elapsed: inner.log.elapsed(),
        time: lock(&inner.state).clock.now(),
    };

    let fault = lock(&inner.faults).pick(&FaultProbe {
        system: System::Lightspeed,
        method: &method,
        path: &resource,
        business_object: None,
    });
    record.fault = fault.as_ref().map(|f| format!("{f:?}"));
    let error = |status: u16, message: &str| Some(error_body(status, &method, &path, message));

    // Faults that answer before anything is applied.
    let pre: Option<(u16, Option<Value>, RateHeaders)> = match &fault {
        Some(FaultKind::ServerError(status)) => Some((
            *status,
            error(*status, "Internal server error."),
            lock(&inner.rate).peek(),
        )),
        Some(FaultKind::RateLimitStorm) => Some((
            429,
            error(
                429,
                "Too many requests in this time period. Try again later.",
            ),
            lock(&inner.rate).storm(),
        )),
        Some(FaultKind::ErrorInOk) => Some((
            200,
            error(500, "Internal server error."),
            lock(&inner.rate).peek(),
        )),
        Some(FaultKind::HtmlGateway) => {
            record.status = Some(502);
            inner.log.push(record);
            return crate::server::html_gateway();
        }
        Some(FaultKind::Timeout) => {
            tokio::select! {
                _ = tokio::time::sleep(inner.fault_hold) => {}
                _ = inner.shutdown.wait() => {}
            }
            conn.kill();
            inner.log.push(record);
            return crate::server::dropped();
        }
        Some(FaultKind::Disconnect) => {
            conn.kill();
            inner.log.push(record);
            return crate::server::dropped();
        }
        Some(FaultKind::Latency(d)) => {
            tokio::select! {
                _ = tokio::time::sleep(*d) => {}
                _ = inner.shutdown.wait() => {}
            }
            None
        }
        _ => None,
    };
    if let Some((status, body, rate)) = pre {
        record.status = Some(status);
        inner.log.push(record);
        return json_response(status, body.as_ref(), &rate);
    }

    let (status, body_json, rate) = 'answer: {
        if !authorized(&inner, &headers) {
            break 'answer (401, error(401, "Unauthorized."), lock(&inner.rate).peek());
        }
        let rate = match lock(&inner.rate).acquire() {
            Ok(h) => h,
            Err(h) => {
                break 'answer (
                    429,
                    error(
                        429,
                        "Too many requests in this time period. Try again later.",
                    ),
                    h,
                );
            }
        };
        if geo::language(&lang).is_none() || lang.len() != 2 {
            break 'answer (404, error(404, "Unknown or inactive language."), rate);
        }
        let Some(route) = parse_route(&resource) else {
            break 'answer (404, error(404, "Not found."), rate);
        };
        if route == Route::AccountRatelimit {
            if method != Method::GET {
                break 'answer (405, error(405, "Method not allowed."), rate);
            }
            let now = lock(&inner.state).clock.now();
            let body = lock(&inner.rate).account_json(now);
            break 'answer (200, Some(body), rate);
        }
        let result = {
            let mut state = lock(&inner.state);
            dispatch(&mut state, &method, route, &query, &body)
        };
        match result {
            Ok((status, body)) => {
                let body = body.map(|b| inner.localise(b, &lang));
                (status, body, rate)
            }
            Err(e) => (e.status, error(e.status, &e.message), rate),
        }
    };
    inner.publish_changes();

    if let Some(FaultKind::CommitThenFail { drop_connection }) = fault {
        if drop_connection {
            conn.kill();
            inner.log.push(record);
            return crate::server::dropped();
        }
        record.status = Some(500);
        inner.log.push(record);
        return json_response(500, error(500, "Internal server error.").as_ref(), &rate);
    }
    record.status = Some(status);
    inner.log.push(record);
    json_response(status, body_json.as_ref(), &rate)
}
