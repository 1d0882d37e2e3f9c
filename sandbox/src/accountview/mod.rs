//! The AccountView.Net simulator (base path `/api/v3`).
//!
//! OAuth2 token endpoint with rotating refresh tokens, `/companies`, the `X-Company` header, the
//! business-object data endpoint with numbered filters and positional writes, discovery
//! endpoints, and a relay that can be taken offline. See [`AccountViewSim`] for the helpers.

mod db;
mod dictionary;
mod http;
mod layout;
mod oauth;
mod parse;
mod read;
pub(crate) mod seed;
mod write;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use serde_json::{Map, Value, json};

pub(crate) use self::db::Db;
use self::db::{BASE_QUANTITIES, Row, derive_quantities};
pub use self::layout::AvLayout;
pub(crate) use self::oauth::Tokens;
use crate::SandboxError;
use crate::clock::{SimClock, av_time};
use crate::config::SingleRowObject;
use crate::faults::{FaultPlan, FaultState};
use crate::observe::{RequestLog, RequestRecord, lock};
use crate::server::Shutdown;

/// One administration (`GET /companies`).
#[derive(Debug, Clone)]
pub(crate) struct Company {
    pub(crate) id: String,
    pub(crate) code: String,
    pub(crate) description: String,
}

/// Everything the AccountView simulator shares between requests and handles.
pub(crate) struct AvInner {
    pub(crate) base_url: url::Url,
    pub(crate) companies: Vec<Company>,
    /// One database per company, in the order of `companies`.
    pub(crate) dbs: Mutex<Vec<Db>>,
    pub(crate) tokens: Mutex<Tokens>,
    pub(crate) clock: SimClock,
    pub(crate) faults: Mutex<FaultState>,
    pub(crate) log: RequestLog,
    pub(crate) offline_until: Mutex<Option<Instant>>,
    pub(crate) shutdown: Shutdown,
    pub(crate) fault_hold: Duration,
    pub(crate) not_found_on_empty: bool,
    pub(crate) single_row_object: SingleRowObject,
    pub(crate) validation_status: u16,
    /// How this administration's columns differ from the standard dictionary.
    pub(crate) layout: AvLayout,
    /// Whether text filters compare exactly (else FoxPro's prefix comparison).
    pub(crate) exact_text_filters: bool,
    /// Every `(table, column)` a data request named (see [`AccountViewSim::columns_named`]).
    pub(crate) named_columns: Mutex<std::collections::BTreeSet<(String, String)>>,
}

impl AvInner {
    pub(crate) fn is_offline(&self) -> bool {
        lock(&self.offline_until).is_some_and(|until| Instant::now() < until)
    }
}

/// A sales order or journal page as booked: the header row and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct BookedDocument {
    /// The `SO_HDR` / `DJ_PAGE` row.
    pub header: Value,
    /// The `SO_LINE` / `DJ_LINE` rows.
    pub lines: Vec<Value>,
}

/// A handle on the running AccountView.Net simulator (cheap to clone).
#[derive(Clone)]
pub struct AccountViewSim {
    pub(crate) inner: Arc<AvInner>,
}

impl std::fmt::Debug for AccountViewSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountViewSim")
            .field("base_url", &self.inner.base_url.as_str())
            .field(
                "company",
                &self.inner.companies.first().map(|c| c.code.as_str()),
            )
            .field("client_secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

fn row_json(layout: &AvLayout, table: &str, row: &Row, index: usize) -> Value {
    let mut m = layout.external_row(table, row);
    m.insert(format!("{table}_Id"), json!(index));
    Value::Object(m)
}

impl AccountViewSim {
    /// `http://127.0.0.1:PORT/api/v3`.
    pub fn base_url(&self) -> url::Url {
        self.inner.base_url.clone()
    }

    /// The registered app's client id.
    pub fn client_id(&self) -> String {
        lock(&self.inner.tokens).client_id.clone()
    }

    /// The registered app's client secret.
    pub fn client_secret(&self) -> SecretString {
        lock(&self.inner.tokens).client_secret.clone()
    }

    /// The registered redirect URI (must match on the code grant).
    pub fn redirect_uri(&self) -> String {
        lock(&self.inner.tokens).redirect_uri.clone()
    }

    /// A valid refresh token: the initial one while it is unused, else a freshly minted one.
    /// Refresh tokens rotate: each use returns a new one and kills the old.
    pub fn refresh_token(&self) -> SecretString {
        SecretString::from(lock(&self.inner.tokens).valid_refresh_token())
    }

    /// A fresh one-time authorization code for the code grant (valid ten minutes).
    pub fn issue_authorization_code(&self) -> String {
        lock(&self.inner.tokens).issue_code()
    }

    /// Makes every access token issued so far expired (the next data call answers 401).
    pub fn expire_access_tokens(&self) {
        lock(&self.inner.tokens).expire_all();
    }

    /// `X-Company`: the `Id` (a GUID) of the company that holds the seeded data.
    pub fn company_id(&self) -> String {
        self.inner
            .companies
            .first()
            .map(|c| c.id.clone())
            .unwrap_or_default()
    }

    /// The `Code` of that company.
    pub fn company_code(&self) -> String {
        self.inner
            .companies
            .first()
            .map(|c| c.code.clone())
            .unwrap_or_default()
    }

    /// Every row of a table of the seeded company (e.g. `SO_HDR`, `ARTICLE`) in the read shape,
    /// with the administration's column names (see [`AvLayout`]).
    pub fn rows(&self, table: &str) -> Vec<Value> {
        let layout = &self.inner.layout;
        let dbs = lock(&self.inner.dbs);
        let table_name = table.to_ascii_uppercase();
        dbs.first()
            .map(|db| {
                db.rows(&table_name)
                    .iter()
                    .enumerate()
                    .map(|(i, r)| row_json(layout, &table_name, r, i))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn documents(&self, header: &str, line: &str, same: &[&str]) -> Vec<BookedDocument> {
        let layout = &self.inner.layout;
        let dbs = lock(&self.inner.dbs);
        let Some(db) = dbs.first() else {
            return Vec::new();
        };
        db.rows(header)
            .iter()
            .enumerate()
            .map(|(i, h)| BookedDocument {
                header: row_json(layout, header, h, i),
                lines: db
                    .rows(line)
                    .iter()
                    .filter(|l| same.iter().all(|k| l.get(*k) == h.get(*k)))
                    .enumerate()
                    .map(|(j, l)| row_json(layout, line, l, j))
                    .collect(),
            })
            .collect()
    }

    /// Every booked sales order (SO1) with its lines.
    pub fn sales_orders(&self) -> Vec<BookedDocument> {
        self.documents("SO_HDR", "SO_LINE", &["ORD_NR"])
    }

    /// Every journal page (DJ2) with its lines.
    pub fn journal_pages(&self) -> Vec<BookedDocument> {
        self.documents("DJ_PAGE", "DJ_LINE", &["DJ_CODE", "PAGE_NR"])
    }

    /// Every debtor (`CONTACT` rows of AR1).
    pub fn debtors(&self) -> Vec<Value> {
        self.rows("CONTACT")
    }

    /// The debtor with this e-mail address (compared case-insensitively).
    pub fn debtor_by_email(&self, email: &str) -> Option<Value> {
        self.debtors().into_iter().find(|d| {
            d.get("MAIL_BUS")
                .and_then(Value::as_str)
                .is_some_and(|m| m.trim().eq_ignore_ascii_case(email.trim()))
        })
    }

    /// One article row by `ART_CODE`.
    pub fn article(&self, art_code: &str) -> Option<Value> {
        self.rows("ARTICLE")
            .into_iter()
            .find(|a| a.get("ART_CODE").and_then(Value::as_str) == Some(art_code))
    }

    /// Inserts or updates an article from a JSON object of columns (`ART_CODE` required, the
    /// administration's column names); absent columns keep their value (or the empty default),
    /// derived quantities are recomputed and `CNG_DATE` is bumped.
    pub fn upsert_article(&self, article: Value) -> Result<(), SandboxError> {
        let Value::Object(input) = article else {
            return Err(SandboxError::Invalid(
                "an article must be a JSON object".into(),
            ));
        };
        let input: Map<String, Value> = input
            .into_iter()
            .map(|(k, v)| (k.to_ascii_uppercase(), v))
            .collect();
        let input = self
            .inner
            .layout
            .standard_row("ARTICLE", input)
            .map_err(|c| SandboxError::Invalid(format!("ARTICLE has no column {c}")))?;
        let code = input
            .get("ART_CODE")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| SandboxError::Invalid("ART_CODE is required".into()))?
            .to_owned();
        let now = av_time(self.inner.clock.now());
        let mut dbs = lock(&self.inner.dbs);
        let db = dbs
            .first_mut()
            .ok_or_else(|| SandboxError::Invalid("no company".into()))?;
        match db.find_mut("ARTICLE", "ART_CODE", &code) {
            Some(row) => {
                row.extend(input);
                row.insert("CNG_DATE".into(), json!(now));
                derive_quantities(row);
            }
            None => {
                let mut row = input;
                row.insert("CNG_DATE".into(), json!(now));
                row.insert("INP_DATE".into(), json!(now));
                let key = db.insert("ARTICLE", row);
                if let Some(r) = db.rows_mut("ARTICLE").and_then(|rows| {
                    rows.iter_mut()
                        .find(|r| r.get("EXT_KEY") == Some(&json!(key)))
                }) {
                    derive_quantities(r);
                }
            }
        }
        Ok(())
    }

    /// Sets one column of an article (the administration's name) and bumps `CNG_DATE`. Changing
    /// `QTY_TECH`, `QTY_RES_SO` or `QTY_BESTEL` recomputes `QTY_AVAIL`, `QTY_FREE2` and `QTY_ECON`.
    pub fn set_article_column(
        &self,
        art_code: &str,
        column: &str,
        value: Value,
    ) -> Result<(), SandboxError> {
        let now = av_time(self.inner.clock.now());
        let column = self
            .inner
            .layout
            .standard_name("ARTICLE", column)
            .ok_or_else(|| SandboxError::Invalid(format!("ARTICLE has no column {column}")))?
            .to_ascii_uppercase();
        let mut dbs = lock(&self.inner.dbs);
        let row = dbs
            .first_mut()
            .and_then(|db| db.find_mut("ARTICLE", "ART_CODE", art_code))
            .ok_or_else(|| SandboxError::NotFound {
                kind: "article",
                id: art_code.to_owned(),
            })?;
        row.insert(column.clone(), value);
        row.insert("CNG_DATE".into(), json!(now));
        if BASE_QUANTITIES.contains(&column.as_str()) {
            derive_quantities(row);
        }
        Ok(())
    }

    /// Removes an article.
    pub fn remove_article(&self, art_code: &str) -> Result<(), SandboxError> {
        let mut dbs = lock(&self.inner.dbs);
        let rows = dbs
            .first_mut()
            .and_then(|db| db.rows_mut("ARTICLE"))
            .ok_or_else(|| SandboxError::Invalid("no company".into()))?;
        let before = rows.len();
        rows.retain(|r| {
            r.get("ART_CODE").and_then(Value::as_str).map(str::trim_end) != Some(art_code)
        });
        if rows.len() == before {
            return Err(SandboxError::NotFound {
                kind: "article",
                id: art_code.to_owned(),
            });
        }
        Ok(())
    }

    /// Takes the relay offline for `duration`: relayed calls answer 502 with an HTML body
    /// (`/token` and `/companies` are served by the cloud and keep working).
    pub fn set_offline(&self, duration: Duration) {
        *lock(&self.inner.offline_until) = Some(Instant::now() + duration);
    }

    /// Brings the relay back at once.
    pub fn set_online(&self) {
        *lock(&self.inner.offline_until) = None;
    }

    /// Number of requests served.
    pub fn request_count(&self) -> usize {
        self.inner.log.count()
    }

    /// Number of requests with this method (`"*"` for any) whose path after `/api/v3/` starts
    /// with `prefix`, or whose business object equals it (e.g. `("POST", "SO1")`).
    pub fn requests_for(&self, method: &str, prefix: &str) -> usize {
        self.inner.log.count_matching(method, prefix)
    }

    /// The matching requests themselves.
    pub fn requests_matching(&self, method: &str, prefix: &str) -> Vec<RequestRecord> {
        self.inner.log.matching(method, prefix)
    }

    /// The request log.
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.inner.log.all()
    }

    /// Requests per endpoint (`POST accountviewdata SO1` → 2).
    pub fn endpoint_counts(&self) -> BTreeMap<String, u64> {
        self.inner.log.endpoint_counts()
    }

    /// Number of writes (POST/PUT/DELETE on data; token calls excluded).
    pub fn write_count(&self) -> usize {
        self.inner.log.writes()
    }

    /// Clears the request log and counters (and the columns named).
    pub fn reset_counters(&self) {
        self.inner.log.reset();
        lock(&self.inner.named_columns).clear();
    }

    /// Every `(TABLE, COLUMN)` the data requests so far named, as sent (upper case, the
    /// administration's names): `Fields`, filter and sort columns of reads (a bare name counted on
    /// the business object's main table) and the declared columns of writes, refused ones included.
    pub fn columns_named(&self) -> std::collections::BTreeSet<(String, String)> {
        lock(&self.inner.named_columns).clone()
    }

    /// Replaces the fault plan.
    pub fn set_faults(&self, plan: FaultPlan) {
        *lock(&self.inner.faults) = FaultState::new(plan);
    }

    /// How often each rule of the current fault plan fired.
    pub fn faults_fired(&self) -> Vec<u32> {
        lock(&self.inner.faults).fired()
    }
}

/// The router of the simulator.
pub(crate) fn router(inner: Arc<AvInner>) -> axum::Router {
    http::router(inner)
}
