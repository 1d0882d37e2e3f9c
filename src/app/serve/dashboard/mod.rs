//! The dashboard: runs, the per-record activity log, dead letters with Replay and Drop, and the
//! connections' status — behind the `[dashboard] password`.
//!
//! Sessions live in memory (a restart logs everyone out); every form that changes something carries
//! the session's CSRF token, and the session cookie is `HttpOnly; SameSite=Strict`.

mod actions;
pub mod auth;
pub mod html;
mod pages;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::CACHE_CONTROL;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Router, middleware};
use secrecy::SecretString;
use serde::Deserialize;
use tokio::time::Instant;

use self::auth::{Password, Session, Sessions};
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
        .route("/", get(pages::runs))
        .route("/login", get(actions::login_form).post(actions::login))
        .route("/logout", post(actions::logout))
        .route("/runs/{id}", get(pages::run))
        .route("/activity", get(pages::activity))
        .route("/dead-letters", get(pages::dead_letters))
        .route("/dead-letters/{id}", get(pages::dead_letter))
        .route("/dead-letters/{id}/replay", post(actions::replay))
        .route("/dead-letters/{id}/drop", post(actions::drop_letter))
        .route("/connections", get(pages::connections))
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

fn store_problem(authed: &Authed, error: &dyn std::fmt::Display) -> Response {
    tracing::warn!(error = %error, "the dashboard could not read the state store");
    problem(
        StatusCode::SERVICE_UNAVAILABLE,
        &authed.session,
        "The state store does not answer; try again shortly.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_holds_neither_the_password_nor_session_tokens() {
        let dashboard = Dashboard::new(SecretString::from("Kaasschaaf-1963"));
        let token = dashboard.sessions.create(Instant::now());
        let csrf = dashboard.sessions.get(&token, Instant::now()).unwrap().csrf;
        let text = format!("{dashboard:?}");
        assert!(!text.contains("Kaasschaaf"), "{text}");
        assert!(!text.contains(&token) && !text.contains(&csrf), "{text}");
        assert!(text.contains("active: 1"), "{text}");
    }
}
