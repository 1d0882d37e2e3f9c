//! Dead letters: upsert by record key, capped backoff, due letters, replay and drop, filters.

use std::time::Duration;

use crate::state::*;
use serde_json::json;

use super::{StoreUnderTest, at, t0};

/// A dead letter for `record_key` failing with `error_kind`, `seconds` after [`t0`](super::t0).
pub fn letter(record_key: &str, error_kind: &str, seconds: i64) -> NewDeadLetter {
    NewDeadLetter {
        connection: "default".into(),
        flow: "orders".into(),
        record_key: RecordKey::order(record_key),
        original: json!({ "order": { "number": record_key, "email": "j@example.nl" } }),
        mapped: Some(json!({ "BusinessObject": "SO1" })),
        error_kind: error_kind.into(),
        error_message: format!("{error_kind} for {record_key}"),
        at: at(seconds),
    }
}

fn schedule() -> StoreOptions {
    StoreOptions::default().with_dead_letter_retry(RetrySchedule::new(
        Duration::from_secs(60),
        Duration::from_secs(300),
        3,
    ))
}

/// Conformance case: Dead letters upsert backoff and due.
pub async fn dead_letters_upsert_backoff_and_due(h: &dyn StoreUnderTest) {
    let store = h.open_with(schedule()).await;
    let first = store
        .put_dead_letter(&letter("1001", "missing_article", 0))
        .await
        .unwrap();
    assert_eq!(first.attempts, 1);
    assert_eq!(
        (first.first_seen, first.last_seen, first.next_attempt_at),
        (t0(), t0(), at(60))
    );
    assert_eq!(first.status, DeadLetterStatus::Pending);
    assert_eq!(
        first.original["order"]["email"], "j@example.nl",
        "dead letters keep the original for replay"
    );
    assert_eq!(
        store.get_dead_letter(first.id).await.unwrap(),
        Some(first.clone())
    );

    // The same record failing again: one letter, attempts counted, payloads and error replaced.
    let mut again = letter("1001", "vat_code_unknown", 100);
    again.mapped = None;
    let second = store.put_dead_letter(&again).await.unwrap();
    assert_eq!(second.id, first.id);
    assert_eq!(second.attempts, 2);
    assert_eq!((second.first_seen, second.last_seen), (t0(), at(100)));
    assert_eq!(second.next_attempt_at, at(100 + 120));
    assert_eq!(
        (second.error_kind.as_str(), second.mapped.clone()),
        ("vat_code_unknown", None)
    );

    let other = store
        .put_dead_letter(&letter("1002", "missing_article", 10))
        .await
        .unwrap();
    assert_ne!(other.id, first.id);

    // Due: pending, time reached, attempts left; in due order.
    assert!(
        store
            .due_dead_letters("default", "orders", at(69))
            .await
            .unwrap()
            .is_empty()
    );
    let due: Vec<_> = store
        .due_dead_letters("default", "orders", at(220))
        .await
        .unwrap();
    assert_eq!(
        due.iter().map(|d| d.id).collect::<Vec<_>>(),
        [other.id, first.id]
    );
    assert!(
        store
            .due_dead_letters("default", "stock", at(9999))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .due_dead_letters("shop-2", "orders", at(9999))
            .await
            .unwrap()
            .is_empty()
    );

    // The backoff is capped at 300 s and the third failure exhausts the automatic attempts.
    let third = store
        .put_dead_letter(&letter("1001", "vat_code_unknown", 1000))
        .await
        .unwrap();
    assert_eq!((third.attempts, third.next_attempt_at), (3, at(1000 + 240)));
    let fourth_delay =
        RetrySchedule::new(Duration::from_secs(60), Duration::from_secs(300), 3).delay_after(4);
    assert_eq!(fourth_delay, Duration::from_secs(300));
    let due_ids: Vec<_> = store
        .due_dead_letters("default", "orders", at(99_999))
        .await
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(
        due_ids,
        [other.id],
        "a letter without attempts left waits for a person"
    );

    // Replayed: never due again; failing later starts a new incident.
    store.mark_dead_letter_replayed(other.id).await.unwrap();
    let replayed = store.get_dead_letter(other.id).await.unwrap().unwrap();
    assert_eq!(replayed.status, DeadLetterStatus::Replayed);
    assert!(
        store
            .due_dead_letters("default", "orders", at(99_999))
            .await
            .unwrap()
            .is_empty()
    );
    let incident = store
        .put_dead_letter(&letter("1002", "timeout", 2000))
        .await
        .unwrap();
    assert_eq!(
        (incident.id, incident.attempts, incident.first_seen),
        (other.id, 1, at(2000))
    );
    assert_eq!(incident.status, DeadLetterStatus::Pending);

    store.drop_dead_letter(first.id).await.unwrap();
    assert_eq!(
        store
            .get_dead_letter(first.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        DeadLetterStatus::Dropped
    );

    // Unknown ids.
    let missing = DeadLetterId(987_654);
    assert!(store.get_dead_letter(missing).await.unwrap().is_none());
    assert!(matches!(
        store.mark_dead_letter_replayed(missing).await,
        Err(StateError::NotFound { .. })
    ));
    assert!(matches!(
        store.drop_dead_letter(missing).await,
        Err(StateError::NotFound { .. })
    ));
}

/// Conformance case: Dead letter filters and paging.
pub async fn dead_letter_filters_and_paging(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    let mut ids = Vec::new();
    for (index, (flow, kind)) in [
        ("orders", "a"),
        ("orders", "b"),
        ("stock", "a"),
        ("orders", "a"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut l = letter(&format!("r{index}"), kind, index as i64);
        l.flow = flow.into();
        ids.push(store.put_dead_letter(&l).await.unwrap().id);
    }
    let mut foreign = letter("r9", "a", 0);
    foreign.connection = "shop-2".into();
    store.put_dead_letter(&foreign).await.unwrap();
    store.drop_dead_letter(ids[1]).await.unwrap();

    let list = |filter: DeadLetterFilter| {
        let store = store.clone();
        async move {
            store
                .list_dead_letters(&filter)
                .await
                .unwrap()
                .iter()
                .map(|d| d.id)
                .collect::<Vec<_>>()
        }
    };
    let default = || DeadLetterFilter {
        connection: Some("default".into()),
        ..Default::default()
    };
    assert_eq!(list(default()).await, ids);
    assert_eq!(list(DeadLetterFilter::default()).await.len(), 5);
    assert_eq!(
        list(DeadLetterFilter {
            flow: Some("orders".into()),
            ..default()
        })
        .await,
        [ids[0], ids[1], ids[3]]
    );
    assert_eq!(
        list(DeadLetterFilter {
            status: Some(DeadLetterStatus::Pending),
            ..default()
        })
        .await,
        [ids[0], ids[2], ids[3]]
    );
    assert_eq!(
        list(DeadLetterFilter {
            status: Some(DeadLetterStatus::Dropped),
            ..default()
        })
        .await,
        [ids[1]]
    );
    assert_eq!(
        list(DeadLetterFilter {
            error_kind: Some("a".into()),
            flow: Some("orders".into()),
            ..default()
        })
        .await,
        [ids[0], ids[3]]
    );
    assert_eq!(
        list(DeadLetterFilter {
            record_key: Some(RecordKey::order("r2")),
            ..default()
        })
        .await,
        [ids[2]]
    );
    assert_eq!(
        list(DeadLetterFilter {
            limit: Some(2),
            offset: 1,
            ..default()
        })
        .await,
        [ids[1], ids[2]]
    );
    assert_eq!(
        list(DeadLetterFilter {
            offset: 3,
            ..default()
        })
        .await,
        [ids[3]]
    );
}

/// Conformance case: Concurrent dead letters from two handles count every attempt.
pub async fn concurrent_dead_letters_from_two_handles_count_every_attempt(h: &dyn StoreUnderTest) {
    let (first, second) = (h.open().await, h.open().await);
    let mut tasks = Vec::new();
    for round in 0..5 {
        for store in [&first, &second] {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .put_dead_letter(&letter("race", "timeout", round))
                    .await
            }));
        }
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap().id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one letter per record key");
    assert_eq!(
        first
            .get_dead_letter(ids[0])
            .await
            .unwrap()
            .unwrap()
            .attempts,
        10
    );
}
