//! The dashboard's actions: logging in and out, replaying and dropping dead letters.

use std::sync::Arc;

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sync_core::error::ErrorKind;
use sync_core::flows::{Intake, RunRequest};
use sync_core::state::{DeadLetterId, DeadLetterStatus};
use tokio::time::Instant;

use super::{Authed, CsrfForm, auth, html, not_found, page, problem, store_problem};
use crate::app::serve::runner::Trigger;
use crate::app::serve::shared::Shared;

pub(super) async fn login_form(State(shared): State<Arc<Shared>>) -> Response {
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

pub(super) async fn login(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<LoginForm>,
) -> Response {
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

pub(super) async fn logout(
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

/// Replay one dead letter on its connection's flow now, then show the run that did it.
pub(super) async fn replay(
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

pub(super) async fn drop_letter(
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
