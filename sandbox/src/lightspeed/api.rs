//! Request dispatch: what each (method, route) does to the shop, as status and JSON.

use axum::http::Method;
use serde_json::{Map, Value, json};

use super::kinds::{Kind, Route, Target};
use super::query::ListQuery;
use super::state::LsState;
use super::writes;

/// An API error: status and message for the `{"error": {…}}` envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: u16, message: &str) -> Self {
        Self {
            status,
            message: message.to_owned(),
        }
    }

    pub(crate) fn not_found() -> Self {
        Self::new(404, "Not found.")
    }

    pub(crate) fn method_not_allowed() -> Self {
        Self::new(405, "Method not allowed.")
    }
}

/// The `{"error": {code, method, request, message}}` body.
pub(crate) fn error_body(status: u16, method: &Method, request: &str, message: &str) -> Value {
    json!({ "error": { "code": status, "method": method.as_str(), "request": request, "message": message } })
}

/// A successful answer: status and optional JSON body.
pub(crate) type Answer = (u16, Option<Value>);

fn envelope(key: &str, v: Value) -> Value {
    let mut m = Map::new();
    m.insert(key.to_owned(), v);
    Value::Object(m)
}

/// The payload of a write body: the value under the singular key, or the only key's value.
fn payload<'a>(body: &'a Value, key: &str) -> Option<&'a Value> {
    let obj = body.as_object()?;
    obj.get(key).or_else(|| {
        if obj.len() == 1 {
            obj.values().next()
        } else {
            None
        }
    })
}

fn payload_object(body: &[u8], key: &str) -> Result<Map<String, Value>, ApiError> {
    let v: Value =
        serde_json::from_slice(body).map_err(|_| ApiError::new(400, "Invalid data input."))?;
    payload(&v, key)
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| ApiError::new(400, "Invalid data input."))
}

/// Handles one authenticated, rate-limited request.
pub(crate) fn dispatch(
    state: &mut LsState,
    method: &Method,
    route: Route,
    query: &str,
    body: &[u8],
) -> Result<Answer, ApiError> {
    let q = ListQuery::parse(query).map_err(|m| ApiError::new(400, &m))?;
    match route {
        Route::Shop => read_only(method, || {
            envelope("shop", q.project(Value::Object(state.shop.clone())))
        }),
        Route::Account => read_only(method, || {
            envelope("account", q.project(Value::Object(state.account.clone())))
        }),
        Route::AccountPermissions => read_only(method, || {
            let rw = json!({ "read": true, "write": true });
            json!({ "accountPermissions": {
                "content": rw, "products": rw, "customers": rw, "orders": rw, "settings": rw, "tracking": rw,
            }})
        }),
        Route::AccountRatelimit => Err(ApiError::new(500, "handled by the server")),
        Route::OrderCredit(id) => {
            if *method != Method::POST {
                return Err(ApiError::method_not_allowed());
            }
            if state.store.get(Kind::Order, None, id).is_none() {
                return Err(ApiError::not_found());
            }
            let credit = state
                .credit_order(id)
                .map_err(|e| ApiError::new(400, &e.to_string()))?;
            let inv = state
                .single_json(Kind::Invoice, credit)
                .unwrap_or(json!(false));
            Ok((201, Some(envelope("invoice", inv))))
        }
        Route::Resource {
            kind,
            parent,
            target,
        } => resource(state, method, kind, parent, target, &q, body),
    }
}

fn read_only(method: &Method, f: impl FnOnce() -> Value) -> Result<Answer, ApiError> {
    if *method == Method::GET {
        Ok((200, Some(f())))
    } else {
        Err(ApiError::method_not_allowed())
    }
}

fn resource(
    state: &mut LsState,
    method: &Method,
    kind: Kind,
    parent: Option<u64>,
    target: Target,
    q: &ListQuery,
    body: &[u8],
) -> Result<Answer, ApiError> {
    let spec = kind.spec();
    if let (Some(pk), Some(pid)) = (kind.parent_kind(), parent)
        && state.store.get(pk, None, pid).is_none()
    {
        return Err(ApiError::not_found());
    }
    match (method.as_str(), &target) {
        ("GET", Target::Collection) => {
            let items = state.store.under(kind, parent);
            let page = q.page_of(items);
            let list: Vec<Value> = page
                .into_iter()
                .map(|i| q.project(state.render(kind, i)))
                .collect();
            Ok((200, Some(envelope(spec.plural, Value::Array(list)))))
        }
        ("GET", Target::Count) => {
            let n = state
                .store
                .under(kind, parent)
                .into_iter()
                .filter(|i| q.matches(i))
                .count();
            Ok((200, Some(json!({ "count": n }))))
        }
        ("GET", Target::Item(id)) => {
            let item = state
                .store
                .get(kind, parent, *id)
                .ok_or_else(ApiError::not_found)?;
            Ok((
                200,
                Some(envelope(
                    spec.singular,
                    q.project(state.render_single(kind, item)),
                )),
            ))
        }
        ("POST", Target::Collection) if spec.allow.post => {
            let input = payload_object(body, spec.singular)?;
            let id = writes::create(state, kind, parent, &input)?;
            let item = state
                .store
                .get(kind, parent, id)
                .ok_or_else(ApiError::not_found)?;
            let obj = state.render_single(kind, item);
            // Live quirk: creating a types/attributes link answers with the plural key.
            let key = if kind == Kind::TypesAttribute {
                spec.plural
            } else {
                spec.singular
            };
            Ok((201, Some(envelope(key, obj))))
        }
        ("PUT", Target::Collection) if kind == Kind::ProductAttribute => {
            let v: Value = serde_json::from_slice(body)
                .map_err(|_| ApiError::new(400, "Invalid data input."))?;
            let inner = payload(&v, "productAttributes")
                .ok_or_else(|| ApiError::new(400, "Invalid data input."))?;
            writes::set_product_attributes(state, parent.unwrap_or(0), inner)?;
            let list: Vec<Value> = state
                .store
                .under(kind, parent)
                .into_iter()
                .map(|i| state.render(kind, i))
                .collect();
            Ok((200, Some(envelope(spec.plural, Value::Array(list)))))
        }
        ("PUT", Target::Item(id)) if spec.allow.put => {
            let input = payload_object(body, spec.singular)?;
            writes::update(state, kind, parent, *id, &input)?;
            let item = state
                .store
                .get(kind, parent, *id)
                .ok_or_else(ApiError::not_found)?;
            Ok((
                200,
                Some(envelope(spec.singular, state.render_single(kind, item))),
            ))
        }
        ("DELETE", Target::Item(id)) if spec.allow.delete => {
            writes::delete(state, kind, parent, *id)?;
            Ok((204, None))
        }
        _ => Err(ApiError::method_not_allowed()),
    }
}
