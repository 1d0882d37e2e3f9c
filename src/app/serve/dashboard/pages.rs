//! The dashboard's pages: runs, one run, the activity log, dead letters, connections.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use sync_core::state::{
    ActivityFilter, DeadLetterFilter, DeadLetterId, DeadLetterStatus, RunFilter, RunId,
};

use super::{Authed, PAGE_LIMIT, html, page, problem, store_problem};
use crate::app::serve::shared::Shared;

pub(super) async fn runs(State(shared): State<Arc<Shared>>, authed: Authed) -> Response {
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

pub(super) async fn run(
    State(shared): State<Arc<Shared>>,
    authed: Authed,
    Path(id): Path<i64>,
) -> Response {
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

pub(super) async fn activity(
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

pub(super) async fn dead_letters(
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

pub(super) async fn dead_letter(
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

pub(super) async fn connections(State(shared): State<Arc<Shared>>, authed: Authed) -> Response {
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
