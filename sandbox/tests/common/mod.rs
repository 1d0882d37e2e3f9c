//! Plain-HTTP helpers for the black-box tests (reqwest only; no client crate).
#![allow(dead_code)]

use std::time::Duration;

use chrono::{TimeZone, Utc};
use reqwest::{Method, StatusCode};
use sandbox::{AccountViewSim, LightspeedSim, Sandbox, SandboxConfig};
use secrecy::ExposeSecret;
use serde_json::Value;

/// A small, fixed-time sandbox.
pub fn small() -> SandboxConfig {
    SandboxConfig::default()
        .seed(7)
        .customers(20)
        .orders(30)
        .articles(40)
        .now(Utc.with_ymd_and_hms(2026, 6, 15, 10, 0, 0).unwrap())
        .rate_limits(sandbox::RateLimits::unlimited())
}

pub async fn start(cfg: SandboxConfig) -> Sandbox {
    Sandbox::start(cfg).await.expect("sandbox starts")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// An answer: status, headers and JSON (or `Null` for an empty/non-JSON body).
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

pub async fn answer(resp: reqwest::Response) -> Answer {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        json,
        text,
    }
}

/// A Lightspeed caller with the simulator's credentials.
pub struct Ls {
    pub sim: LightspeedSim,
    pub client: reqwest::Client,
}

impl Ls {
    pub fn new(sim: LightspeedSim) -> Self {
        Self {
            sim,
            client: http(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}/{}", self.sim.base_url(), self.sim.language(), path)
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut req = self.client.request(method, self.url(path)).basic_auth(
            self.sim.api_key(),
            Some(self.sim.api_secret().expose_secret()),
        );
        if let Some(b) = body {
            req = req.json(&b);
        }
        answer(req.send().await.expect("request reaches the simulator")).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None).await
    }

    /// The id of the first item of a list.
    pub async fn first_id(&self, path: &str, key: &str) -> u64 {
        let a = self.get(path).await;
        a.json[key][0]["id"]
            .as_u64()
            .unwrap_or_else(|| panic!("no {key} in {path}: {}", a.text))
    }
}

/// An AccountView caller holding an access token.
pub struct Av {
    pub sim: AccountViewSim,
    pub client: reqwest::Client,
    pub token: String,
}

impl Av {
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.sim.base_url(), path)
    }

    /// Refresh-grant a token with the simulator's refresh token.
    pub async fn connect(sim: AccountViewSim) -> Self {
        let client = http();
        let a = token(
            &client,
            &sim,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", sim.refresh_token().expose_secret()),
            ],
        )
        .await;
        assert_eq!(a.status, 200, "{}", a.text);
        let token = a.json["access_token"].as_str().unwrap().to_owned();
        Self { sim, client, token }
    }

    pub async fn get(&self, path_and_query: &str) -> Answer {
        let req = self
            .client
            .get(self.url(path_and_query))
            .bearer_auth(&self.token)
            .header("X-Company", self.sim.company_id());
        answer(req.send().await.unwrap()).await
    }

    pub async fn write(&self, method: Method, body: &Value) -> Answer {
        let req = self
            .client
            .request(method, self.url("accountviewdata"))
            .bearer_auth(&self.token)
            .header("X-Company", self.sim.company_id())
            .json(body);
        answer(req.send().await.unwrap()).await
    }

    pub async fn post(&self, body: &Value) -> Answer {
        self.write(Method::POST, body).await
    }
}

/// `POST /token` with the client credentials plus these fields.
pub async fn token(
    client: &reqwest::Client,
    sim: &AccountViewSim,
    fields: &[(&str, &str)],
) -> Answer {
    let secret = sim.client_secret();
    let id = sim.client_id();
    let mut form: Vec<(&str, &str)> = vec![
        ("client_id", &id),
        ("client_secret", secret.expose_secret()),
    ];
    form.extend_from_slice(fields);
    let resp = client
        .post(format!("{}/token", sim.base_url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    answer(resp).await
}

/// A detail table of a write: name, field definitions, rows.
pub type Detail<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [Vec<Value>]);

/// A positional write body.
pub fn write_body(
    bo: &str,
    table: &str,
    fields: &[(&str, &str)],
    rows: &[Vec<Value>],
    detail: Option<Detail<'_>>,
) -> Value {
    let defs = |fields: &[(&str, &str)]| -> Vec<Value> {
        fields
            .iter()
            .map(|(n, t)| serde_json::json!({"Name": n, "FieldType": t}))
            .collect()
    };
    let rows_json = |rows: &[Vec<Value>]| -> Vec<Value> {
        rows.iter()
            .map(|r| serde_json::json!({"Values": r}))
            .collect()
    };
    let mut body = serde_json::json!({
        "BookDate": "2026-06-15T10:00:00.000Z",
        "BusinessObject": bo,
        "Table": {"Definition": {"Name": table, "Fields": defs(fields)}},
        "TableData": {"Data": {"Rows": rows_json(rows)}},
    });
    if let Some((name, fields, rows)) = detail {
        body["Table"]["DetailDefinitions"] =
            serde_json::json!([{"Name": name, "Fields": defs(fields)}]);
        body["TableData"]["DetailData"] = serde_json::json!([{"Rows": rows_json(rows)}]);
    }
    body
}
