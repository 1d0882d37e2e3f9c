//! The dashboard: runs, the per-record activity log, dead letters with Replay and Drop, and the
//! connections' status — behind the `[dashboard] password`.
//!
//! Sessions live in memory (a restart logs everyone out); every form that changes something carries
//! the session's CSRF token, and the session cookie is `HttpOnly; SameSite=Strict`.

pub mod auth;
pub mod html;

use std::sync::Arc;

use axum::extract::{Form, FromRequestParts, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Router, middleware};
use secrecy::SecretString;
use serde::Deserialize;
use sync_core::error::ErrorKind;
use sync_core::flows::{Intake, RunRequest};
use sync_core::state::{
    ActivityFilter, DeadLetterFilter, DeadLetterId, DeadLetterStatus, RunFilter, RunId,
};
use tokio::time::Instant;

use self::auth::{Password, Session, Sessions};
use super::runner::Trigger;
use super::shared::Shared;

/// How many runs and activity entries a page lists at most.
const PAGE_LIMIT: usize = 200;

/// The dashboard's password and sessions.
#[derive(Debug)]
pub struct Dashboard {
    password: Password,
    sessions: Sessions,
}

impl Dashboard {
    /// A dashboard protected by `password`.
    pub fn new(password: SecretString) -> Self {
        Self {
            password: Password::new(password),
            sessions: Sessions::new(auth::SESSION_TTL),
        }
    }
}

/// The dashboard's routes (mount them only when a password is configured).
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/", get(runs))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/runs/{id}", get(run))
        .route("/activity", get(activity))
        .route("/dead-letters", get(dead_letters))
        .route("/dead-letters/{id}", get(dead_letter))
        .route("/dead-letters/{id}/replay", post(replay))
        .route("/dead-letters/{id}/drop", post(drop_letter))
        .route("/connections", get(connections))
        .layer(middleware::map_response(security_headers))
}

/// Pages are private and never framed, cached or allowed to load anything from elsewhere.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("x-content-type-options", "nosniff"),
    ] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn page(status: StatusCode, title: &str, csrf: Option<&str>, body: &str) -> Response {
    (status, Html(html::page(title, csrf, body))).into_response()
}

fn problem(status: StatusCode, session: &Session, text: &str) -> Response {
    page(
        status,
        "Something went wrong",
        Some(&session.csrf),
        &html::message("error", text),
    )
}

fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// A request with a valid session; without one the browser is sent to `/login`.
pub struct Authed {
    token: String,
    session: Session,
}

impl FromRequestParts<Arc<Shared>> for Authed {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        shared: &Arc<Shared>,
    ) -> Result<Self, Self::Rejection> {
        let dashboard = shared.dashboard.as_ref().ok_or_else(not_found)?;
        let to_login = || Redirect::to("/login").into_response();
        let token = auth::session_token(&parts.headers).ok_or_else(to_login)?;
        let session = dashboard
            .sessions
            .get(&token, Instant::now())
            .ok_or_else(to_login)?;
        Ok(Self { token, session })
    }
}

/// A form that changes something: only its CSRF token matters here.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

impl Authed {
    /// The refusal of a form whose CSRF token is not the session's, or `None` when it is.
    fn refuse(&self, form: &CsrfForm) -> Option<Response> {
        if auth::csrf_matches(&self.session, &form.csrf) {
            return None;
        }
        tracing::warn!("dashboard form refused: CSRF token mismatch");
        Some(problem(
            StatusCode::FORBIDDEN,
            &self.session,
            "This form has expired; reload the page and try again.",
        ))
    }
}

async fn login_form(State(shared): State<Arc<Shared>>) -> Response {
    if shared.dashboard.is_none() {
        return not_found();
    }
    page(StatusCode::OK, "Log in", None, &html::login(None))
}

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    password: String,
}

async fn login(State(shared): State<Arc<Shared>>, Form(form): Form<LoginForm>) -> Response {
    let Some(dashboard) = &shared.dashboard else {
        return not_found();
    };
    if !dashboard.password.matches(&form.password) {
        tracing::warn!("dashboard login refused: wrong password");
        return page(
            StatusCode::UNAUTHORIZED,
            "Log in",
            None,
            &html::login(Some("That is not the password.")),
        );
    }
    let token = dashboard.sessions.create(Instant::now());
    tracing::info!("dashboard login");
    (
        [(SET_COOKIE, auth::session_cookie(&token))],
        Redirect::to("/"),
    )
        .into_response()
}

async fn logout(
    State(shared): State<Arc<Shared>>,
    authed: Authed,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refusal) = authed.refuse(&form) {
        return refusal;
    }
    if let Some(dashboard) = &shared.dashboard {
        dashboard.sessions.remove(&authed.token);
    }
    (
        [(SET_COOKIE, auth::cleared_cookie())],
        Redirect::to("/login"),
    )
        .into_response()
}

async fn runs(State(shared): State<Arc<Shared>>, authed: Authed) -> Response {
    match shared
        .state()
        .list_runs(&RunFilter::default(), PAGE_LIMIT)
        .await
    {
        Ok(runs) => page(
            StatusCode::OK,
            "Runs",
            Some(&authed.session.csrf),
            &html::runs(&runs),
        ),
        Err(e) => store_problem(&authed, &e),
    }
}

fn store_problem(authed: &Authed, error: &dyn std::fmt::Display) -> Response {
    tracing::warn!(error = %error, "the dashboard could not read the state store");
    problem(
        StatusCode::SERVICE_UNAVAILABLE,
        &authed.session,
        "The state store does not answer; try again shortly.",
    )
}

async fn run(State(shared): State<Arc<Shared>>, authed: Authed, Path(id): Path<i64>) -> Response {
    let record = match shared.state().get_run(RunId(id)).await {
        Ok(Some(record)) => record,
        Ok(None) => return problem(StatusCode::NOT_FOUND, &authed.session, "No such run."),
        Err(e) => return store_problem(&authed, &e),
    };
    let filter = ActivityFilter {
        run_id: Some(RunId(id)),
        limit: Some(PAGE_LIMIT),
        ..Default::default()
    };
    match shared.state().list_activity(&filter).await {
        Ok(activity) => page(
            StatusCode::OK,
            &format!("Run #{id}"),
            Some(&authed.session.csrf),
            &html::run(&record, &activity),
        ),
        Err(e) => store_problem(&authed, &e),
    }
}

/// `?record=KEY`.
#[derive(Debug, Deserialize)]
pub struct ActivityQuery {
    record: Option<String>,
}

async fn activity(
    State(shared): State<Arc<Shared>>,
    authed: Authed,
    Query(query): Query<ActivityQuery>,
) -> Response {
    let record = query.record.filter(|r| !r.trim().is_empty());
    let filter = ActivityFilter {
        record_key: record.clone(),
        limit: Some(PAGE_LIMIT),
        newest_first: true,
        ..Default::default()
    };
    let title = match &record {
        Some(key) => format!("Activity of {key}"),
        None => "Recent activity".to_owned(),
    };
    match shared.state().list_activity(&filter).await {
        Ok(entries) => page(
            StatusCode::OK,
            &title,
            Some(&authed.session.csrf),
            &html::activity(&entries),
        ),
        Err(e) => store_problem(&authed, &e),
    }
}

/// `?dropped=ID` after a drop.
#[derive(Debug, Deserialize)]
pub struct DeadLettersQuery {
    dropped: Option<i64>,
}

async fn dead_letters(
    State(shared): State<Arc<Shared>>,
    authed: Authed,
    Query(query): Query<DeadLettersQuery>,
) -> Response {
    let filter = DeadLetterFilter {
        status: Some(DeadLetterStatus::Pending),
        limit: Some(PAGE_LIMIT),
        ..Default::default()
    };
    let notice = query
        .dropped
        .map(|id| format!("Dead letter {id} was dropped."));
    match shared.state().list_dead_letters(&filter).await {
        Ok(letters) => page(
            StatusCode::OK,
            "Dead letters",
            Some(&authed.session.csrf),
            &html::dead_letters(&letters, &authed.session.csrf, notice.as_deref()),
        ),
        Err(e) => store_problem(&authed, &e),
    }
}

async fn dead_letter(
    State(shared): State<Arc<Shared>>,
    authed: Authed,
    Path(id): Path<i64>,
) -> Response {
    match shared.state().get_dead_letter(DeadLetterId(id)).await {
        Ok(Some(letter)) => page(
            StatusCode::OK,
            &format!("Dead letter {id}"),
            Some(&authed.session.csrf),
            &html::dead_letter(&letter),
        ),
        Ok(None) => problem(
            StatusCode::NOT_FOUND,
            &authed.session,
            "No such dead letter.",
        ),
        Err(e) => store_problem(&authed, &e),
    }
}

/// Replay one dead letter on its connection's flow now, then show the run that did it.
async fn replay(
    State(shared): State<Arc<Shared>>,
    authed: Authed,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refusal) = authed.refuse(&form) {
        return refusal;
    }
    let letter = match shared.state().get_dead_letter(DeadLetterId(id)).await {
        Ok(Some(letter)) => letter,
        Ok(None) => {
            return problem(
                StatusCode::NOT_FOUND,
                &authed.session,
                "No such dead letter.",
            );
        }
        Err(e) => return store_problem(&authed, &e),
    };
    if letter.status != DeadLetterStatus::Pending {
        return problem(
            StatusCode::CONFLICT,
            &authed.session,
            &format!("Dead letter {id} is {} already.", letter.status),
        );
    }
    let Some(connection) = shared
        .connection(&letter.connection)
        .filter(|_| letter.flow == sync_core::flows::orders::FLOW)
    else {
        return problem(
            StatusCode::CONFLICT,
            &authed.session,
            &format!(
                "No {} flow of a connection `{}` runs in this server.",
                letter.flow, letter.connection
            ),
        );
    };
    tracing::info!(dead_letter = id, connection = %letter.connection, "replay requested on the dashboard");
    let request = RunRequest {
        intake: Intake::Replay(vec![letter.id]),
        dry_run: false,
    };
    match connection.runner.run(request, Trigger::Replay).await {
        Ok(report) => match connection.runner.stored_run_id(&report).await {
            Some(run) => Redirect::to(&format!("/runs/{run}")).into_response(),
            None => Redirect::to("/").into_response(),
        },
        Err(e) if e.kind() == ErrorKind::Conflict => problem(
            StatusCode::CONFLICT,
            &authed.session,
            "Another worker is running this flow right now; try the replay again in a moment.",
        ),
        Err(e) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            &authed.session,
            &format!("The replay could not start: {e}"),
        ),
    }
}

async fn drop_letter(
    State(shared): State<Arc<Shared>>,
    authed: Authed,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refusal) = authed.refuse(&form) {
        return refusal;
    }
    match shared.state().drop_dead_letter(DeadLetterId(id)).await {
        Ok(()) => {
            tracing::info!(dead_letter = id, "dead letter dropped on the dashboard");
            Redirect::to(&format!("/dead-letters?dropped={id}")).into_response()
        }
        Err(sync_core::state::StateError::NotFound { .. }) => problem(
            StatusCode::NOT_FOUND,
            &authed.session,
            "No such dead letter.",
        ),
        Err(e) => store_problem(&authed, &e),
    }
}

async fn connections(State(shared): State<Arc<Shared>>, authed: Authed) -> Response {
    let mut views = Vec::new();
    for c in &shared.connections {
        let summary = match shared.state().summary(c.name()).await {
            Ok(summary) => summary,
            Err(e) => return store_problem(&authed, &e),
        };
        let status = shared.monitor.status(c.name());
        views.push(html::ConnectionView {
            name: c.name().to_owned(),
            down: status.down,
            last_error: status.last_error,
            last_runs: summary.last_runs,
            dead_letters_pending: summary.dead_letters_pending,
            webhooks: shared.monitor.metrics.webhooks_of(c.name()),
        });
    }
    page(
        StatusCode::OK,
        "Connections",
        Some(&authed.session.csrf),
        &html::connections(&views),
    )
}
