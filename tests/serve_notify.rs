//! `koppel serve` notifies a local HTTP receiver: a record dead-lettered because its article is
//! missing notifies once, with the exact problem and what to do, however often it fails again.

#[allow(dead_code)]
mod support;

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::routing::post;
use serde_json::Value;
use support::{Delivery, eventually, metric, metrics};
use sync_core::config::Schedule;
use sync_core::state::{DeadLetterFilter, DeadLetterStatus};

type Inbox = Arc<Mutex<Vec<Value>>>;

/// A webhook receiver on a free port; returns its URL and what it received.
async fn receiver() -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let app = axum::Router::new()
        .route(
            "/hook",
            post(
                |State(inbox): State<Inbox>, Json(body): Json<Value>| async move {
                    inbox.lock().unwrap().push(body);
                },
            ),
        )
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, inbox)
}

fn received(inbox: &Inbox) -> Vec<Value> {
    inbox.lock().unwrap().clone()
}

#[tokio::test]
async fn a_dead_lettered_record_notifies_once_with_the_exact_problem() {
    let sb = support::sandbox(12).await;
    let (code, _article, users) = support::remove_an_article(&sb);
    let victim = users[0];
    let (url, inbox) = receiver().await;
    let mut config = support::config(&sb);
    config.orders.schedule = Some(Schedule::minutes(60));
    config.notify.webhook_url = Some(url);
    let server = support::start(config).await;

    eventually("a notification per dead-lettered order", || async {
        received(&inbox)
            .iter()
            .filter(|n| n["kind"] == "record_dead_lettered")
            .count()
            == users.len()
    })
    .await;
    let key = format!("order/{victim}");
    let about_victim = |inbox: &Inbox| -> Vec<Value> {
        received(inbox)
            .into_iter()
            .filter(|n| {
                n["message"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with(&format!("{key}:"))
            })
            .collect()
    };
    let notices = about_victim(&inbox);
    assert_eq!(notices.len(), 1, "{notices:#?}");
    let n = &notices[0];
    assert_eq!(n["kind"], "record_dead_lettered");
    assert_eq!(n["severity"], "warning");
    assert_eq!(n["connection"], "default");
    assert_eq!(n["flow"], "orders");
    let number = sb.lightspeed().order(victim).unwrap()["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = n["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!(
            "[koppel] Warning - default / orders: {key}: missing_article: order {number}: "
        )),
        "{text}"
    );
    assert!(text.contains(&code), "names the missing article: {text}");
    assert!(
        text.ends_with(
            "\nWhat to do: Create the article in the ledger (or configure a fallback article), \
             then replay the record."
        ),
        "{text}"
    );
    assert!(
        !text.contains("missing_article: missing_article"),
        "the kind is named once: {text}"
    );
    assert!(
        received(&inbox).iter().all(|n| n["kind"] != "run_failed"),
        "the other orders were booked: the run did not fail"
    );

    // The shop changes the order: the webhook run fails on it again, and nobody is told twice.
    sb.lightspeed()
        .update_order(victim, |o| {
            o.insert("memo".into(), "please hurry".into());
        })
        .unwrap();
    let delivery = Delivery::order(&sb, victim, "orders/updated");
    assert_eq!(delivery.post(&server).await.0, 200);
    let state = server.runtime().state.clone();
    eventually("the second failure to be recorded", || async {
        let letters = state
            .list_dead_letters(&DeadLetterFilter {
                record_key: Some(key.parse().unwrap()),
                status: Some(DeadLetterStatus::Pending),
                ..Default::default()
            })
            .await
            .unwrap();
        letters.first().is_some_and(|l| l.attempts == 2)
    })
    .await;
    // Runs of a connection are observed one after another: once a later run is counted, the
    // webhook run's notifications have been sent.
    let booked = support::paid_orders(&sb)
        .into_iter()
        .find(|id| !users.contains(id))
        .unwrap();
    assert_eq!(
        Delivery::order(&sb, booked, "orders/updated")
            .post(&server)
            .await
            .0,
        200
    );
    eventually("three runs counted", || async {
        let text = metrics(&server).await;
        ["success", "partial", "failed"]
            .iter()
            .filter_map(|o| {
                metric(
                    &text,
                    &format!(
                        "koppel_runs_total{{connection=\"default\",flow=\"orders\",outcome=\"{o}\"}}"
                    ),
                )
            })
            .sum::<f64>()
            == 3.0
    })
    .await;
    assert_eq!(about_victim(&inbox).len(), 1, "{:#?}", received(&inbox));
    assert!(
        received(&inbox).iter().all(|n| n["kind"] != "run_failed"),
        "a run whose only failure is a dead letter is told through the dead letter: {:#?}",
        received(&inbox)
    );
    server.shutdown().await.unwrap();
}
