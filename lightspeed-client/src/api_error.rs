//! Interpreting Lightspeed error bodies:
//! `{"error": {"code": 404, "method": "GET", "request": "/nl/orders/1.json", "message": "…"}}`,
//! or `errors` with a per-field validation map.

use http::{Method, StatusCode};
use url::Url;

use crate::envelope;
use crate::error::Error;
use crate::transport::HttpResponse;

/// Turns an `error`/`errors` value into [`Error::Api`].
pub(crate) fn api_error_from_value(
    status: StatusCode,
    method: &str,
    request: &str,
    error: &serde_json::Value,
) -> Error {
    let text = |v: Option<&serde_json::Value>| -> Option<String> {
        match v? {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let (code, api_method, api_request, message) = match error {
        serde_json::Value::Object(o) => (
            text(o.get("code")),
            text(o.get("method")),
            text(o.get("request")),
            text(o.get("message")).unwrap_or_else(|| flatten_messages(error)),
        ),
        other => (None, None, None, flatten_messages(other)),
    };
    Error::Api {
        status,
        code,
        method: api_method.unwrap_or_else(|| method.to_owned()),
        request: api_request.unwrap_or_else(|| request.to_owned()),
        message,
    }
}

/// Joins the strings of a per-field validation map (`{"email": ["is required"]}`) or list.
fn flatten_messages(v: &serde_json::Value) -> String {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) if prefix.is_empty() => out.push(s.clone()),
            serde_json::Value::String(s) => out.push(format!("{prefix}: {s}")),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(prefix, x, out)),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                walk(&p, x, out);
            }),
            serde_json::Value::Null => {}
            other => out.push(other.to_string()),
        }
    }
    let mut out = Vec::new();
    walk("", v, &mut out);
    if out.is_empty() {
        "unspecified error".to_owned()
    } else {
        out.join("; ")
    }
}

/// Maps a non-2xx response to an error.
pub(crate) fn status_error(method: &Method, url: &Url, response: &HttpResponse) -> Error {
    let request = url.path().to_owned();
    match response.status {
        StatusCode::UNAUTHORIZED => Error::Unauthorized,
        StatusCode::FORBIDDEN => Error::Forbidden,
        StatusCode::NOT_FOUND => Error::NotFound { request },
        status => {
            let parsed: Option<serde_json::Value> = serde_json::from_slice(&response.body).ok();
            match parsed.as_ref().and_then(envelope::error_in) {
                Some(err) => api_error_from_value(status, method.as_str(), &request, err),
                None => Error::Api {
                    status,
                    code: None,
                    method: method.to_string(),
                    request,
                    message: if response.body.is_empty() {
                        status.canonical_reason().unwrap_or("error").to_owned()
                    } else {
                        envelope::snippet(&response.body)
                    },
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_from_bodies() {
        let v = serde_json::json!({"code": 422, "message": "Invalid data input.", "request": "/nl/x.json"});
        match api_error_from_value(StatusCode::UNPROCESSABLE_ENTITY, "POST", "/nl/y.json", &v) {
            Error::Api {
                code,
                message,
                request,
                method,
                ..
            } => {
                assert_eq!(code.as_deref(), Some("422"));
                assert_eq!(message, "Invalid data input.");
                assert_eq!(request, "/nl/x.json");
                assert_eq!(method, "POST");
            }
            other => panic!("{other:?}"),
        }
        let v = serde_json::json!({"email": ["is required"], "name": "too long"});
        match api_error_from_value(StatusCode::BAD_REQUEST, "POST", "/r", &v) {
            Error::Api { message, .. } => {
                assert_eq!(message, "email: is required; name: too long");
            }
            other => panic!("{other:?}"),
        }
    }
}
