//! The HTTP face of the AccountView.Net simulator (base path `/api/v3`, case-insensitive).
//!
//! Order of checks: faults → `/token` (no bearer) → bearer token (401) → `/companies` →
//! relay offline (502 HTML) → `X-Company` (400 error body) → data and discovery endpoints.
//! Validation errors answer with the configured status (default 400); malformed requests 400;
//! an unknown path 404; `DELETE` is not simulated (405).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::AvInner;
use super::db::{AvError, Db, codes};
use super::dictionary::{self, BUSINESS_OBJECTS, TABLES};
use super::layout::AvLayout;
use super::read::ReadQuery;
use super::write;
use crate::faults::{FaultKind, FaultProbe, System};
use crate::observe::{RequestRecord, lock};
use crate::server::ConnHandle;

pub(crate) fn router(inner: Arc<AvInner>) -> Router {
    Router::new().fallback(handle).with_state(inner)
}

fn respond(status: u16, body: &Value) -> Response {
    let mut resp = Response::new(Body::from(serde_json::to_vec(body).unwrap_or_default()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("authorization")?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// Paths relayed to the merchant's own AccountView (affected by `set_offline`).
fn relayed(path: &str) -> bool {
    matches!(
        path,
        "accountviewdata"
            | "accountviewsystemdata"
            | "accountviewsystembusinessobjects"
            | "accountviewfields"
    )
}

async fn handle(
    State(inner): State<Arc<AvInner>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw_path = uri.path().to_owned();
    let query = uri.query().unwrap_or_default().to_owned();
    let lower = raw_path.to_ascii_lowercase();
    let path = lower
        .strip_prefix("/api/v3/")
        .or_else(|| lower.strip_prefix("/api/v3"))
        .map(|p| p.trim_matches('/').to_owned());
    let business_object = if method == Method::GET {
        ReadQuery::parse(&query)
            .ok()
            .and_then(|q| q.business_object)
    } else {
        write::business_object_of(&body)
    };
    let is_token = path.as_deref() == Some("token");
    let mut record = RequestRecord {
        method: method.to_string(),
        path: raw_path.clone(),
        resource: path.clone().unwrap_or_else(|| lower.clone()),
        query: query.clone(),
        business_object: business_object.clone(),
        status: None,
        write: !is_token && matches!(method, Method::POST | Method::PUT | Method::DELETE),
        fault: None,
        elapsed: inner.log.elapsed(),
        time: inner.clock.now(),
    };
    let fault = lock(&inner.faults).pick(&FaultProbe {
        system: System::AccountView,
        method: &method,
        path: path.as_deref().unwrap_or(&lower),
        business_object: business_object.as_deref(),
    });
    record.fault = fault.as_ref().map(|f| format!("{f:?}"));

    match &fault {
        Some(FaultKind::ServerError(status)) => {
            record.status = Some(*status);
            inner.log.push(record);
            return respond(*status, &json!({ "Message": "An error has occurred." }));
        }
        Some(FaultKind::RateLimitStorm) => {
            record.status = Some(429);
            inner.log.push(record);
            let mut r = respond(429, &json!({ "Message": "Too many requests." }));
            r.headers_mut()
                .insert("retry-after", HeaderValue::from_static("1"));
            return r;
        }
        Some(FaultKind::HtmlGateway) => {
            record.status = Some(502);
            inner.log.push(record);
            return crate::server::html_gateway();
        }
        Some(FaultKind::ErrorInOk) => {
            record.status = Some(200);
            inner.log.push(record);
            let e = AvError::validation(
                codes::NOT_ALLOWED,
                "Er is een fout opgetreden bij het verwerken van de gegevens in AccountView.",
            );
            return respond(200, &e.body());
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
        }
        _ => {}
    }

    let (status, answer) = route(&inner, &method, path.as_deref(), &query, &headers, &body);
    if let Some(FaultKind::CommitThenFail { drop_connection }) = fault {
        if drop_connection {
            conn.kill();
            inner.log.push(record);
            return crate::server::dropped();
        }
        record.status = Some(500);
        inner.log.push(record);
        return respond(500, &json!({ "Message": "An error has occurred." }));
    }
    record.status = Some(status);
    inner.log.push(record);
    if status == 502 && answer.is_null() {
        return crate::server::html_gateway();
    }
    respond(status, &answer)
}

fn route(
    inner: &AvInner,
    method: &Method,
    path: Option<&str>,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> (u16, Value) {
    let Some(path) = path else {
        return (
            404,
            json!({ "Message": "No HTTP resource was found that matches the request URI." }),
        );
    };
    if path == "token" {
        if *method != Method::POST {
            return (
                405,
                json!({ "Message": "The requested resource does not support this method." }),
            );
        }
        let form: HashMap<String, String> =
            url::form_urlencoded::parse(body).into_owned().collect();
        return match lock(&inner.tokens).grant(&form) {
            Ok(v) => (200, v),
            Err(e) => (e.status, e.body()),
        };
    }
    let authorized = bearer(headers).is_some_and(|t| lock(&inner.tokens).check(&t));
    if !authorized {
        return (
            401,
            json!({ "Message": "Authorization has been denied for this request." }),
        );
    }
    if path == "companies" {
        let list: Vec<Value> = inner
            .companies
            .iter()
            .map(|c| json!({ "Id": c.id, "Description": c.description, "Code": c.code }))
            .collect();
        return (200, Value::Array(list));
    }
    if !relayed(path) {
        return (
            404,
            json!({ "Message": "No HTTP resource was found that matches the request URI." }),
        );
    }
    if inner.is_offline() {
        return (502, Value::Null);
    }
    let company = headers
        .get("x-company")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if company.is_empty() {
        let e = AvError::request(
            codes::COMPANY,
            "De header X-Company ontbreekt: geef de Id van de onderneming op.",
        );
        return (400, e.body());
    }
    let Some(index) = inner
        .companies
        .iter()
        .position(|c| c.id.eq_ignore_ascii_case(company))
    else {
        let e = AvError::request(
            codes::COMPANY,
            format!("Onderneming {company} is onbekend of niet toegankelijk voor deze gebruiker."),
        );
        return (400, e.body());
    };
    let result = match (method.as_str(), path) {
        ("GET", "accountviewdata") => {
            let dbs = lock(&inner.dbs);
            read_data(inner, &dbs[index], query)
        }
        ("POST" | "PUT", "accountviewdata") => {
            let now = crate::clock::av_time(inner.clock.now());
            let mut dbs = lock(&inner.dbs);
            let db = &mut dbs[index];
            let layout = &inner.layout;
            lock(&inner.named_columns).extend(write::declared_columns(body));
            write::parse(body, layout).and_then(|req| {
                let written = if *method == Method::POST {
                    write::insert(db, &req, &now, layout)?
                } else {
                    write::update(db, &req, &now)?
                };
                Ok((200, layout.external_answer(write::answer(db, &written))))
            })
        }
        ("GET", "accountviewsystembusinessobjects") => Ok((200, business_objects(inner))),
        ("GET", "accountviewsystemdata") => system_data(inner, &lock(&inner.dbs)[index], query),
        ("GET", "accountviewfields") => fields(inner, query),
        _ => {
            return (
                405,
                json!({ "Message": "The requested resource does not support this method." }),
            );
        }
    };
    match result {
        Ok(answer) => answer,
        Err(e) => {
            let status = if e.validation {
                inner.validation_status
            } else {
                400
            };
            (status, e.body())
        }
    }
}

fn read_rows(
    inner: &AvInner,
    q: &ReadQuery,
    main: &str,
    rows: &[super::db::Row],
    details: Vec<(&str, Vec<&super::db::Row>)>,
) -> Result<(u16, Value), AvError> {
    let columns: Vec<&str> = rows
        .first()
        .map(|r| r.keys().map(String::as_str).collect())
        .or_else(|| dictionary::table(main).map(|t| t.fields.iter().map(|f| f.name).collect()))
        .unwrap_or_default();
    q.check_fields(main, &columns)?;
    let page = q.select(rows);
    if page.is_empty() && q.has_filters() && inner.not_found_on_empty {
        let e = AvError::request(
            codes::NO_RECORDS,
            "Er zijn geen records gevonden die voldoen aan het filter.",
        );
        return Ok((404, e.body()));
    }
    let mut out = Map::new();
    let main_rows: Vec<Value> = page
        .iter()
        .enumerate()
        .map(|(i, r)| q.project(main, r, i))
        .collect();
    out.insert(main.to_owned(), shape(inner, main, main_rows));
    for (table, detail_rows) in details {
        let selected: Vec<Value> = detail_rows
            .into_iter()
            .filter(|d| page.iter().any(|h| belongs(main, h, d)))
            .enumerate()
            .map(|(i, r)| q.project(table, r, i))
            .collect();
        out.insert(table.to_owned(), Value::Array(selected));
    }
    Ok((200, Value::Object(out)))
}

/// A one-row answer may come as an object (configurable quirk).
fn shape(inner: &AvInner, table: &str, rows: Vec<Value>) -> Value {
    if rows.len() == 1 && inner.single_row_object.applies_to(table) {
        rows.into_iter().next().unwrap_or(Value::Null)
    } else {
        Value::Array(rows)
    }
}

/// Whether a detail row belongs to a header row.
fn belongs(main: &str, header: &super::db::Row, detail: &super::db::Row) -> bool {
    let same = |k: &str| header.get(k) == detail.get(k);
    match main {
        "SO_HDR" => same("ORD_NR"),
        "DJ_PAGE" => same("DJ_CODE") && same("PAGE_NR"),
        _ => false,
    }
}

/// The business object `code`, when this administration offers it.
fn offered(inner: &AvInner, code: &str) -> Result<&'static dictionary::BoDef, AvError> {
    dictionary::business_object(code)
        .filter(|bo| inner.layout.has_business_object(bo.code))
        .ok_or_else(|| {
            AvError::request(codes::MALFORMED, format!("Onbekend bedrijfsobject {code}."))
        })
}

fn read_data(inner: &AvInner, db: &Db, query: &str) -> Result<(u16, Value), AvError> {
    let mut q = ReadQuery::parse(query)?.exact_text(inner.exact_text_filters);
    let code = q
        .business_object
        .clone()
        .ok_or_else(|| AvError::request(codes::MALFORMED, "BusinessObject ontbreekt."))?;
    let bo = offered(inner, &code)?;
    lock(&inner.named_columns).extend(q.named_columns(bo.table));
    q.translate_to_standard(&inner.layout, bo.table, bo.child)?;
    let details: Vec<(&str, Vec<&super::db::Row>)> = bo
        .child
        .map(|c| (c, db.rows(c).iter().collect()))
        .into_iter()
        .collect();
    let (status, mut answer) = read_rows(inner, &q, bo.table, db.rows(bo.table), details)?;
    if status == 200
        && let Some(m) = answer.as_object_mut()
    {
        for extra in bo.extra {
            m.insert((*extra).to_owned(), json!([]));
        }
    }
    let answer = if status == 200 {
        inner.layout.external_answer(answer)
    } else {
        answer
    };
    Ok((status, answer))
}

fn business_objects(inner: &AvInner) -> Value {
    Value::Array(
        BUSINESS_OBJECTS
            .iter()
            .filter(|b| inner.layout.has_business_object(b.code))
            .map(|b| json!({ "Code": b.code, "Description": b.desc, "InsertAllowed": b.insert, "UpdateAllowed": b.update, "DeleteAllowed": b.delete }))
            .collect(),
    )
}

/// Rows of the field dictionary (`DCT_FLD`), in the administration's names.
fn field_rows(layout: &AvLayout) -> Vec<super::db::Row> {
    let mut key = 0u64;
    let mut rows = Vec::new();
    for t in TABLES.iter().filter(|t| layout.has_table(t.name)) {
        for f in t.fields {
            let Some(name) = layout.external(t.name, f.name) else {
                continue;
            };
            key += 1;
            let v = json!({
                "FLD_DESC": f.desc, "FIELD_NAME": name, "DBF_NAME": t.name, "FIELD_LEN": f.len,
                "FIELD_TYPE": f.ty.to_string(), "INP_MAND": f.mand, "FLD_FMT": if f.upper { "!" } else { "" },
                "FLD_MASK": "", "COM_BLK": false, "EXT_KEY": key,
            });
            rows.push(v.as_object().cloned().unwrap_or_default());
        }
    }
    rows
}

fn system_data(inner: &AvInner, _db: &Db, query: &str) -> Result<(u16, Value), AvError> {
    let q = ReadQuery::parse(query)?;
    let which = q.business_object.clone().unwrap_or_default();
    let (table, rows): (&str, Vec<super::db::Row>) = match which.as_str() {
        "FLD" => ("DCT_FLD", field_rows(&inner.layout)),
        "DBF" => (
            "DCT_FILE",
            TABLES
                .iter()
                .filter(|t| inner.layout.has_table(t.name))
                .enumerate()
                .map(|(i, t)| {
                    let bo = BUSINESS_OBJECTS.iter().find(|b| b.table == t.name);
                    let child = bo.and_then(|b| b.child).unwrap_or_default();
                    json!({
                        "OBJ_CODE": bo.map(|b| b.code).unwrap_or_default(), "DBF_NAME": t.name, "DBF_DESC": t.desc,
                        "TBL_CHILD": child, "DBF_VIRT": false, "DBF_BASE": t.name, "DBF_TYPE": 2, "EXT_KEY": i + 1,
                    })
                    .as_object()
                    .cloned()
                    .unwrap_or_default()
                })
                .collect(),
        ),
        "ADL" => (
            "ADM_LIST",
            inner
                .companies
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    json!({ "ADM_CODE": c.code, "ADM_DESC": c.description, "ADM_PREV": "", "ATS_YEAR": 2026, "EXT_KEY": i + 1 })
                        .as_object()
                        .cloned()
                        .unwrap_or_default()
                })
                .collect(),
        ),
        other => return Err(AvError::request(codes::MALFORMED, format!("Onbekend systeemobject '{other}' (fld, dbf of ADL)."))),
    };
    read_rows(inner, &q, table, &rows, Vec::new())
}

/// `GET /accountviewfields?BusinessObject=…`: the columns of the business object's tables
/// (`[{TableName, FieldName, FieldType, FieldLength, Mandatory, Description}]`, a sandbox shape).
fn fields(inner: &AvInner, query: &str) -> Result<(u16, Value), AvError> {
    let q = ReadQuery::parse(query)?;
    let code = q
        .business_object
        .clone()
        .ok_or_else(|| AvError::request(codes::MALFORMED, "BusinessObject ontbreekt."))?;
    let bo = offered(inner, &code)?;
    let layout = &inner.layout;
    let list: Vec<Value> = [Some(bo.table), bo.child]
        .into_iter()
        .flatten()
        .filter_map(dictionary::table)
        .flat_map(|t| {
            t.fields.iter().filter_map(move |f| {
                let name = layout.external(t.name, f.name)?;
                Some(json!({ "TableName": t.name, "FieldName": name, "FieldType": f.ty.to_string(), "FieldLength": f.len, "Mandatory": f.mand, "Description": f.desc }))
            })
        })
        .collect();
    Ok((200, Value::Array(list)))
}
