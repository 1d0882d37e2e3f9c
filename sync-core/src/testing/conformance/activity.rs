//! Runs and the activity log: listing, filters, paging, retention and personal-data redaction.

use crate::state::redact::REDACTED;
use crate::state::*;
use serde_json::json;

use super::dead_letters::letter;
use super::{StoreUnderTest, at};

fn start(flow: &str, seconds: i64) -> RunStart {
    RunStart {
        connection: "default".into(),
        flow: flow.into(),
        started_at: at(seconds),
        dry_run: false,
    }
}

/// Conformance case: Runs begin finish list.
pub async fn runs_begin_finish_list(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    let first = store.begin_run(&start("orders", 0)).await.unwrap();
    let second = store
        .begin_run(&RunStart {
            dry_run: true,
            ..start("stock", 10)
        })
        .await
        .unwrap();
    let third = store.begin_run(&start("orders", 20)).await.unwrap();
    store
        .begin_run(&RunStart {
            connection: "shop-2".into(),
            ..start("orders", 30)
        })
        .await
        .unwrap();
    assert!(first != second && second != third);

    let running = store.get_run(second).await.unwrap().unwrap();
    assert_eq!(
        (running.flow.as_str(), running.dry_run, running.finished_at),
        ("stock", true, None)
    );
    assert_eq!((running.outcome, running.report), (None, None));

    // The report keeps its key order (a person reads it).
    let report = json!({ "read": 3, "created": 2, "failed": 1, "errors": [{ "kind": "timeout" }] });
    let finish = RunFinish {
        finished_at: at(5),
        outcome: "partial".into(),
        report: report.clone(),
    };
    store.finish_run(first, &finish).await.unwrap();
    let done = store.get_run(first).await.unwrap().unwrap();
    assert_eq!(
        (done.finished_at, done.outcome.as_deref()),
        (Some(at(5)), Some("partial"))
    );
    assert_eq!(
        serde_json::to_string(&done.report).unwrap(),
        serde_json::to_string(&Some(report)).unwrap()
    );
    assert!(matches!(
        store.finish_run(RunId(999_999), &finish).await,
        Err(StateError::NotFound { .. })
    ));
    assert!(store.get_run(RunId(999_999)).await.unwrap().is_none());

    let ids = |runs: Vec<RunRecord>| runs.iter().map(|r| r.id).collect::<Vec<_>>();
    let default = RunFilter {
        connection: Some("default".into()),
        ..Default::default()
    };
    assert_eq!(
        ids(store.list_runs(&default, 10).await.unwrap()),
        [third, second, first],
        "newest first"
    );
    assert_eq!(
        ids(store.list_runs(&default, 2).await.unwrap()),
        [third, second]
    );
    assert_eq!(
        store
            .list_runs(&RunFilter::default(), 10)
            .await
            .unwrap()
            .len(),
        4
    );
    let orders = RunFilter {
        flow: Some("orders".into()),
        ..default.clone()
    };
    assert_eq!(
        ids(store.list_runs(&orders, 10).await.unwrap()),
        [third, first]
    );
    let partial = RunFilter {
        outcome: Some("partial".into()),
        ..default.clone()
    };
    assert_eq!(ids(store.list_runs(&partial, 10).await.unwrap()), [first]);
    let recent = RunFilter {
        since: Some(at(10)),
        ..default
    };
    assert_eq!(
        ids(store.list_runs(&recent, 10).await.unwrap()),
        [third, second]
    );
}

fn entry(run_id: Option<RunId>, record_key: &str, seconds: i64) -> ActivityEntry {
    ActivityEntry {
        run_id,
        connection: "default".into(),
        flow: "orders".into(),
        record_key: Some(record_key.into()),
        stage: "write".into(),
        direction: "lightspeed->accountview".into(),
        received: Some(
            json!({ "order": { "number": record_key, "email": "j.jansen@example.nl", "firstname": "Jan", "priceIncl": 121.0 } }),
        ),
        sent: Some(json!({
            "BusinessObject": "AR1",
            "Table": { "Definition": { "Name": "CONTACT", "Fields": [ { "Name": "SUB_NR" }, { "Name": "MAIL_BUS" } ] } },
            "TableData": { "Data": { "Rows": [ { "Values": ["10025", "j.jansen@example.nl"] } ] } }
        })),
        answer: Some(json!({ "SUB_NR": "10025" })),
        outcome: "created".into(),
        message: None,
        at: at(seconds),
    }
}

/// Conformance case: Activity filters paging and payload fidelity.
pub async fn activity_filters_paging_and_payload_fidelity(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    let run = store.begin_run(&start("orders", 0)).await.unwrap();
    let mut ids = Vec::new();
    for (index, key) in ["1001", "1002", "1001"].into_iter().enumerate() {
        ids.push(
            store
                .log_activity(&entry(Some(run), key, index as i64 * 10))
                .await
                .unwrap(),
        );
    }
    let mut webhook = entry(None, "1003", 5);
    webhook.flow = "customers".into();
    webhook.message = Some("webhook customers/updated".into());
    // Keys deliberately not in alphabetical order: the log shows what came, as it came.
    webhook.received = Some(serde_json::from_str(r#"{"zeta":1,"alpha":{"y":2,"b":3}}"#).unwrap());
    ids.push(store.log_activity(&webhook).await.unwrap());
    let mut foreign = entry(None, "1001", 1);
    foreign.connection = "shop-2".into();
    store.log_activity(&foreign).await.unwrap();

    let list = |filter: ActivityFilter| {
        let store = store.clone();
        async move { store.list_activity(&filter).await.unwrap() }
    };
    let default = || ActivityFilter {
        connection: Some("default".into()),
        ..Default::default()
    };
    let ids_of = |records: Vec<ActivityRecord>| records.iter().map(|r| r.id).collect::<Vec<_>>();

    let all = list(default()).await;
    assert_eq!(
        ids_of(all.clone()),
        [ids[0], ids[3], ids[1], ids[2]],
        "by time"
    );
    let stored = &all[0];
    assert_eq!(
        stored.entry,
        entry(Some(run), "1001", 0),
        "entries round-trip unchanged"
    );
    assert!(!stored.redacted);
    let webhook_stored = all.iter().find(|r| r.id == ids[3]).unwrap();
    assert_eq!(webhook_stored.entry.run_id, None);
    assert_eq!(
        webhook_stored.entry.message.as_deref(),
        Some("webhook customers/updated")
    );
    assert_eq!(
        serde_json::to_string(webhook_stored.entry.received.as_ref().unwrap()).unwrap(),
        r#"{"zeta":1,"alpha":{"y":2,"b":3}}"#
    );

    assert_eq!(
        ids_of(
            list(ActivityFilter {
                run_id: Some(run),
                ..default()
            })
            .await
        ),
        [ids[0], ids[1], ids[2]]
    );
    assert_eq!(
        ids_of(
            list(ActivityFilter {
                record_key: Some("1001".into()),
                ..default()
            })
            .await
        ),
        [ids[0], ids[2]]
    );
    assert_eq!(
        ids_of(
            list(ActivityFilter {
                flow: Some("customers".into()),
                ..default()
            })
            .await
        ),
        [ids[3]]
    );
    assert_eq!(
        ids_of(
            list(ActivityFilter {
                since: Some(at(5)),
                until: Some(at(20)),
                ..default()
            })
            .await
        ),
        [ids[3], ids[1]]
    );
    assert_eq!(
        ids_of(
            list(ActivityFilter {
                newest_first: true,
                limit: Some(2),
                ..default()
            })
            .await
        ),
        [ids[2], ids[1]]
    );
    assert_eq!(
        ids_of(
            list(ActivityFilter {
                limit: Some(2),
                offset: 1,
                ..default()
            })
            .await
        ),
        [ids[3], ids[1]]
    );
    assert_eq!(list(ActivityFilter::default()).await.len(), 5);
}

/// Conformance case: Activity retention purge.
pub async fn activity_retention_purge(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    let run = store.begin_run(&start("orders", 0)).await.unwrap();
    for seconds in [0, 10, 20, 30] {
        store
            .log_activity(&entry(Some(run), "1001", seconds))
            .await
            .unwrap();
    }
    assert_eq!(
        store.purge_activity(at(20)).await.unwrap(),
        2,
        "entries before the cut-off go"
    );
    let left: Vec<_> = store
        .list_activity(&ActivityFilter::default())
        .await
        .unwrap()
        .iter()
        .map(|r| r.entry.at)
        .collect();
    assert_eq!(left, [at(20), at(30)]);
    assert_eq!(store.purge_activity(at(20)).await.unwrap(), 0);
    assert!(store.get_run(run).await.unwrap().is_some(), "runs stay");
}

fn assert_redacted(record: &ActivityRecord) {
    let e = &record.entry;
    let received = e.received.as_ref().unwrap();
    assert_eq!(received["order"]["email"], REDACTED);
    assert_eq!(received["order"]["firstname"], REDACTED);
    assert_eq!(received["order"]["number"], *e.record_key.as_ref().unwrap());
    assert_eq!(received["order"]["priceIncl"], 121.0);
    let values = &e.sent.as_ref().unwrap()["TableData"]["Data"]["Rows"][0]["Values"];
    assert_eq!(
        *values,
        json!(["10025", REDACTED]),
        "positional AccountView columns too"
    );
    assert_eq!(e.answer.as_ref().unwrap()["SUB_NR"], "10025");
    assert!(record.redacted);
}

/// Conformance case: Redaction on write.
pub async fn redaction_on_write(h: &dyn StoreUnderTest) {
    let store = h
        .open_with(StoreOptions::default().with_redact_personal_data(true))
        .await;
    let id = store.log_activity(&entry(None, "1001", 0)).await.unwrap();
    let stored = store
        .list_activity(&ActivityFilter::default())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, id);
    assert_redacted(&stored[0]);
    // Dead letters keep the original: a replay needs the real e-mail address.
    let letter = store
        .put_dead_letter(&letter("1001", "timeout", 0))
        .await
        .unwrap();
    assert_eq!(letter.original["order"]["email"], "j@example.nl");
}

/// Conformance case: Redaction after the fact.
pub async fn redaction_after_the_fact(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    for seconds in [0, 10, 20] {
        store
            .log_activity(&entry(None, &format!("10{seconds}"), seconds))
            .await
            .unwrap();
    }
    assert_eq!(store.redact_activity(at(20)).await.unwrap(), 2);
    let stored = store
        .list_activity(&ActivityFilter::default())
        .await
        .unwrap();
    assert_redacted(&stored[0]);
    assert_redacted(&stored[1]);
    assert!(!stored[2].redacted);
    assert_eq!(
        stored[2].entry.received.as_ref().unwrap()["order"]["email"],
        "j.jansen@example.nl"
    );
    assert_eq!(
        store.redact_activity(at(20)).await.unwrap(),
        0,
        "already redacted entries are not counted again"
    );
    assert_eq!(store.redact_activity(at(21)).await.unwrap(), 1);
}
