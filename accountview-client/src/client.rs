//! [`AccountViewClient`]: authenticated, retried, serialised calls to AccountView.Net.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, RwLock};

use bytes::Bytes;
use http::{HeaderValue, Method, header};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;
use url::Url;

use crate::auth::{TokenManager, TokenSet};
use crate::builder::AccountViewClientBuilder;
use crate::dataset::DataSet;
use crate::error::{Error, Result};
use crate::http::{HttpCore, classify_data_response};
use crate::query::Query;
use crate::transport::{HttpRequest, HttpResponse};
use crate::validate::{FieldFacts, WriteMode};
use crate::write::WriteRequest;
use koppel_http::ClientStats;

/// Header naming the administration of a data call.
const X_COMPANY: &str = "x-company";

/// State shared by all clones of one client (one credential).
pub(crate) struct Shared {
    pub(crate) base_url: Url,
    pub(crate) http: HttpCore,
    pub(crate) tokens: TokenManager,
    /// One write at a time per company id: the relay is one desktop server.
    pub(crate) write_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    pub(crate) facts: RwLock<FieldFacts>,
}

struct Inner {
    shared: Arc<Shared>,
    company_id: Option<String>,
}

/// A typed async client for the AccountView.Net web API.
///
/// Cheap to clone (an `Arc` inside); clones share the token state, the per-company write locks, the
/// field facts and the statistics. [`with_company`](Self::with_company) gives a clone bound to another
/// administration of the same credential.
#[derive(Clone)]
pub struct AccountViewClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for AccountViewClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountViewClient")
            .field("base_url", &self.inner.shared.base_url.as_str())
            .field("company_id", &self.inner.company_id)
            .field("oauth", self.inner.shared.tokens.config())
            .field("timeout", &self.inner.shared.http.timeout)
            .field("retry", &self.inner.shared.http.retry)
            .finish_non_exhaustive()
    }
}

/// Builds the `X-Company` header value, rejecting characters a header cannot carry.
pub(crate) fn company_header(company_id: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(company_id.trim())
        .map_err(|_| Error::Config("company id contains characters not allowed in a header".into()))
}

/// What a data call needs besides its method.
pub(crate) struct Call<'a> {
    pub(crate) path: &'a str,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) body: Option<Bytes>,
    pub(crate) business_object: Option<&'a str>,
    pub(crate) needs_company: bool,
}

impl AccountViewClient {
    /// Starts configuring a client.
    pub fn builder() -> AccountViewClientBuilder {
        AccountViewClientBuilder::default()
    }

    pub(crate) fn from_parts(shared: Arc<Shared>, company_id: Option<String>) -> Self {
        Self {
            inner: Arc::new(Inner { shared, company_id }),
        }
    }

    /// A clone bound to another administration (company `Id`). Token state, write locks and statistics
    /// stay shared.
    pub fn with_company(&self, company_id: impl Into<String>) -> Result<Self> {
        let company_id = company_id.into();
        company_header(&company_id)?;
        Ok(Self::from_parts(
            Arc::clone(&self.inner.shared),
            Some(company_id),
        ))
    }

    /// The company `Id` data calls go to, if one is set.
    pub fn company_id(&self) -> Option<&str> {
        self.inner.company_id.as_deref()
    }

    /// Counters for run reports (shared by all clones).
    pub fn stats(&self) -> ClientStats {
        self.inner.shared.http.stats.snapshot()
    }

    /// A copy of the field facts used to validate writes.
    pub fn field_facts(&self) -> FieldFacts {
        self.inner
            .shared
            .facts
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Replaces the field facts (shared by all clones).
    pub fn set_field_facts(&self, facts: FieldFacts) {
        *self
            .inner
            .shared
            .facts
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = facts;
    }

    /// The URL to send the user to for consent (authorization-code flow, scopes
    /// `readaccountviewdata updateaccountviewdata deleteaccountviewdata` by default). Check `state`
    /// when the user comes back to the redirect URI.
    pub fn authorize_url(&self, state: &str) -> Result<Url> {
        self.inner.shared.tokens.authorize_url(state)
    }

    /// Exchanges the `code` from the redirect for tokens, saves them in the token store and uses them
    /// from now on.
    pub async fn exchange_code(&self, code: &str) -> Result<TokenSet> {
        let shared = &self.inner.shared;
        shared.tokens.exchange_code(&shared.http, code).await
    }

    /// A valid access token (refreshed if needed); for embedders that call endpoints themselves.
    pub async fn access_token(&self) -> Result<SecretString> {
        let shared = &self.inner.shared;
        shared.tokens.access_token(&shared.http).await
    }

    pub(crate) fn url(&self, path: &str, params: &[(String, String)]) -> Result<Url> {
        let mut url = self
            .inner
            .shared
            .base_url
            .join(path.trim_start_matches('/'))
            .map_err(|e| Error::Config(format!("invalid path {path:?}: {e}")))?;
        if !params.is_empty() {
            url.query_pairs_mut().extend_pairs(params);
        }
        Ok(url)
    }

    fn write_lock(&self, company: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .inner
            .shared
            .write_locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(locks.entry(company.to_owned()).or_default())
    }

    /// Sends an authenticated call: bearer token, `X-Company`, retries (reads only, or writes that
    /// certainly were not sent), one refresh-and-retry on 401, and one write at a time per company.
    pub(crate) async fn send(&self, method: Method, call: Call<'_>) -> Result<HttpResponse> {
        let shared = &self.inner.shared;
        let idempotent = method == Method::GET;
        let company = if call.needs_company {
            let id = self.inner.company_id.as_deref().ok_or_else(|| {
                Error::Config("no company selected: set company_id (see companies())".into())
            })?;
            Some((id, company_header(id)?))
        } else {
            None
        };
        let _write_guard = match (&company, idempotent) {
            (Some((id, _)), false) => Some(self.write_lock(id).lock_owned().await),
            _ => None,
        };
        let url = self.url(call.path, &call.params)?;
        let mut attempt = 1u32;
        let mut refreshed = false;
        loop {
            let token = shared.tokens.access_token(&shared.http).await?;
            let mut request = HttpRequest::new(method.clone(), url.clone(), shared.http.timeout);
            let mut bearer = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                .map_err(|_| {
                    Error::Config("access token contains characters not allowed in a header".into())
                })?;
            bearer.set_sensitive(true);
            request.headers.insert(header::AUTHORIZATION, bearer);
            request
                .headers
                .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
            if let Some((_, value)) = &company {
                request.headers.insert(X_COMPANY, value.clone());
            }
            if let Some(body) = &call.body {
                request.headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json; charset=utf-8"),
                );
                request.body = body.clone();
            }
            let span = tracing::debug_span!(
                "accountview.request",
                method = %method,
                path = call.path,
                business_object = call.business_object.unwrap_or(""),
                attempt,
            );
            let result = shared
                .http
                .send_once(request)
                .instrument(span)
                .await
                .and_then(classify_data_response);
            match result {
                Ok(response) => return Ok(response),
                Err(Error::Unauthorized) if !refreshed => {
                    refreshed = true;
                    tracing::debug!(
                        path = call.path,
                        "401: refreshing the access token and retrying once"
                    );
                    shared.http.stats.retry();
                    shared
                        .tokens
                        .refresh_after_rejection(&shared.http, &token)
                        .await?;
                }
                Err(e) => match shared.http.retry_delay(&e, idempotent, attempt) {
                    Some(delay) => {
                        tracing::debug!(
                            path = call.path,
                            attempt,
                            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            error = %e,
                            "retrying"
                        );
                        shared.http.stats.retry();
                        tokio::time::sleep(delay).await;
                        attempt += 1;
                    }
                    None => return Err(e),
                },
            }
        }
    }

    /// One `GET` of a query, exactly as built (no paging).
    ///
    /// AccountView's "no records" answer ([`Error::is_no_records`]: a 404 or 2xx whose AccountView
    /// error body says that no records were found) is an empty result. Any other 404 is an error,
    /// filtered read or not: an HTML page, an ASP.NET "no resource" message, an AccountView error
    /// naming an unknown business object, table or field, and also a 404 with an empty body, which a
    /// wrong path behind a proxy gives as well (reading those as "no rows" would make every
    /// lookup-before-create blind, and book twice). The one exception is an empty-bodied 404 on a
    /// later page (`PageNumber` > 1): the first page proved the path and business object, so it ends
    /// the rows.
    pub async fn read(&self, query: &Query) -> Result<DataSet> {
        let call = Call {
            path: query.source.path(),
            params: query.to_params(),
            body: None,
            business_object: Some(query.business_object()),
            needs_company: true,
        };
        let later_page = query.get_page_number().is_some_and(|p| p > 1);
        match self.send(Method::GET, call).await {
            Ok(response) => DataSet::from_slice(&response.body),
            Err(e) if e.is_no_records() => {
                tracing::debug!(
                    business_object = query.business_object(),
                    "AccountView answered \"no records\": no rows"
                );
                Ok(DataSet::default())
            }
            Err(Error::NotFound { snippet }) if later_page && snippet.trim().is_empty() => {
                tracing::debug!(
                    business_object = query.business_object(),
                    "empty 404 on a later page: no more rows"
                );
                Ok(DataSet::default())
            }
            Err(e) => Err(e),
        }
    }

    /// Creates records (`POST /accountviewdata`) after validating the request against the field facts.
    /// Returns the stored records in the read shape (with generated keys such as `SUB_NR`, `REC_ID`).
    pub async fn create(&self, request: &WriteRequest) -> Result<DataSet> {
        self.write(Method::POST, request, WriteMode::Create).await
    }

    /// Updates records (`PUT /accountviewdata`; the request's `id` is sent as top-level `"id"`).
    pub async fn update(&self, request: &WriteRequest) -> Result<DataSet> {
        self.write(Method::PUT, request, WriteMode::Update).await
    }

    async fn write(
        &self,
        method: Method,
        request: &WriteRequest,
        mode: WriteMode,
    ) -> Result<DataSet> {
        let mut request = request.clone();
        self.field_facts().apply(&mut request, mode)?;
        let body = serde_json::to_vec(&request.to_json()?)
            .map_err(|e| Error::Config(format!("cannot serialise write request: {e}")))?;
        let call = Call {
            path: "accountviewdata",
            params: Vec::new(),
            body: Some(body.into()),
            business_object: Some(&request.business_object),
            needs_company: true,
        };
        let response = self.send(method, call).await?;
        // The write has happened; a response that is JSON but not a table object (e.g. `true`) must not
        // turn it into an error a caller might "fix" by writing again.
        let value: serde_json::Value =
            serde_json::from_slice(&response.body).map_err(|e| Error::Decode {
                path: "$".into(),
                source: Box::new(e),
                snippet: crate::error::snippet(&response.body),
            })?;
        if value.is_object() {
            DataSet::from_value(value)
        } else {
            tracing::debug!(business_object = %request.business_object, "write response is not a table object");
            Ok(DataSet::default())
        }
    }

    /// Escape hatch: an authenticated `GET` of any path under the base URL, with `X-Company`, returning
    /// the JSON body.
    pub async fn get_json(&self, path: &str, params: &[(&str, &str)]) -> Result<serde_json::Value> {
        let call = Call {
            path,
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: None,
            business_object: None,
            needs_company: true,
        };
        let response = self.send(Method::GET, call).await?;
        serde_json::from_slice(&response.body).map_err(|e| Error::Decode {
            path: "$".into(),
            source: Box::new(e),
            snippet: crate::error::snippet(&response.body),
        })
    }
}
