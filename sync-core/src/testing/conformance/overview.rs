//! Migrations on open, `stats` and `summary`.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::state::*;
use serde_json::json;

use super::{StoreUnderTest, at, t0};

/// Conformance case: Migrations are idempotent across opens.
pub async fn migrations_are_idempotent_across_opens(h: &dyn StoreUnderTest) {
    let first = h.open().await;
    first
        .link("default", &IdKind::from("order"), "1", "V1")
        .await
        .unwrap();
    let version = first.stats().await.unwrap().schema_version;
    // Opening again re-runs the migration check on the same database: nothing changes, data stays.
    let second = h.open().await;
    let third = h.open().await;
    assert_eq!(third.stats().await.unwrap().schema_version, version);
    assert_eq!(
        second
            .lookup("default", &IdKind::from("order"), "1")
            .await
            .unwrap()
            .as_deref(),
        Some("V1")
    );
    if h.has_schema() {
        assert_eq!(version, Some(2));
    } else {
        assert_eq!(version, None);
    }
}

/// Conformance case: Stats and summary describe the state.
pub async fn stats_and_summary_describe_the_state(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    assert_eq!(
        store.stats().await.unwrap().connections,
        Vec::<String>::new()
    );

    let cursor = Cursor::new(at(100), ["1001"], at(101));
    store
        .put_cursor("default", "orders", &cursor)
        .await
        .unwrap();
    store
        .link("default", &IdKind::from("order"), "1001", "V1")
        .await
        .unwrap();
    store
        .link("default", &IdKind::from("order"), "1002", "V2")
        .await
        .unwrap();
    store
        .link(
            "default",
            &IdKind::from("debtor_email"),
            "a@example.nl",
            "10025",
        )
        .await
        .unwrap();
    store
        .link("shop-2", &IdKind::from("order"), "1", "V9")
        .await
        .unwrap();
    let hash = ContentHash {
        hash: "h".into(),
        origin: HashOrigin::Koppel,
        updated_at: t0(),
    };
    store
        .put_hash("default", &HashKind::from("variant"), "555", &hash)
        .await
        .unwrap();
    store
        .try_claim("default", "order:1003", "w1", t0())
        .await
        .unwrap();
    let token = store
        .try_claim("default", "order:1001", "w1", t0())
        .await
        .unwrap()
        .token()
        .unwrap();
    assert!(
        store
            .confirm_claim("default", "order:1001", token, "V1")
            .await
            .unwrap()
    );
    let failure = NewDeadLetter {
        connection: "default".into(),
        flow: "orders".into(),
        record_key: RecordKey::order("1004"),
        original: json!({}),
        mapped: None,
        error_kind: "timeout".into(),
        error_message: "timed out".into(),
        at: t0(),
    };
    store.put_dead_letter(&failure).await.unwrap();
    let dropped = store
        .put_dead_letter(&NewDeadLetter {
            record_key: RecordKey::order("1005"),
            ..failure.clone()
        })
        .await
        .unwrap();
    store.drop_dead_letter(dropped.id).await.unwrap();
    store
        .put_dead_letter(&NewDeadLetter {
            flow: "stock".into(),
            ..failure
        })
        .await
        .unwrap();
    let start = |flow: &str, seconds| RunStart {
        connection: "default".into(),
        flow: flow.into(),
        started_at: at(seconds),
        dry_run: false,
    };
    store.begin_run(&start("orders", 0)).await.unwrap();
    let latest_orders = store.begin_run(&start("orders", 50)).await.unwrap();
    let latest_stock = store.begin_run(&start("stock", 10)).await.unwrap();
    store
        .log_activity(&ActivityEntry {
            run_id: Some(latest_orders),
            connection: "default".into(),
            flow: "orders".into(),
            record_key: None,
            stage: "read".into(),
            direction: "lightspeed->accountview".into(),
            received: None,
            sent: None,
            answer: None,
            outcome: "read".into(),
            message: None,
            at: t0(),
        })
        .await
        .unwrap();
    store.save_secret("token", &"s3cret".into()).await.unwrap();
    store
        .acquire_lease("default", "stock", "w1", Duration::from_secs(30), t0())
        .await
        .unwrap();
    store
        .acquire_lease("default", "orders", "w1", Duration::from_secs(30), t0())
        .await
        .unwrap();

    let stats = store.stats().await.unwrap();
    assert_eq!(stats.connections, ["default", "shop-2"]);
    assert_eq!(
        (
            stats.cursors,
            stats.id_links,
            stats.content_hashes,
            stats.claims_in_flight,
            stats.claims_done
        ),
        (1, 4, 1, 1, 1)
    );
    assert_eq!(
        (stats.dead_letters_pending, stats.dead_letters_total),
        (2, 3)
    );
    assert_eq!(
        (
            stats.runs,
            stats.activity_entries,
            stats.secrets,
            stats.leases
        ),
        (3, 1, 1, 2)
    );
    assert!(["memory", "sqlite", "postgres"].contains(&stats.backend.as_str()));

    let summary = store.summary("default").await.unwrap();
    assert_eq!(summary.connection, "default");
    assert_eq!(
        summary.cursors,
        BTreeMap::from([("orders".to_owned(), cursor)])
    );
    assert_eq!(
        summary.id_links,
        BTreeMap::from([("debtor_email".to_owned(), 1), ("order".to_owned(), 2)])
    );
    assert_eq!(
        summary.content_hashes,
        BTreeMap::from([("variant".to_owned(), 1)])
    );
    assert_eq!(summary.claims_in_flight, 1);
    assert_eq!(
        summary.dead_letters_pending,
        BTreeMap::from([("orders".to_owned(), 1), ("stock".to_owned(), 1)])
    );
    let last: Vec<_> = summary
        .last_runs
        .iter()
        .map(|r| (r.flow.as_str(), r.id))
        .collect();
    assert_eq!(last, [("orders", latest_orders), ("stock", latest_stock)]);
    let leases: Vec<_> = summary
        .leases
        .iter()
        .map(|l| (l.flow.as_str(), l.holder.as_str()))
        .collect();
    assert_eq!(leases, [("orders", "w1"), ("stock", "w1")]);

    let empty = store.summary("nobody").await.unwrap();
    assert_eq!(
        empty,
        ConnectionSummary {
            connection: "nobody".into(),
            ..Default::default()
        }
    );
}
