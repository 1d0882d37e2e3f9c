//! Cursors, the id map, content hashes and secrets.

use crate::state::{ContentHash, Cursor, HashOrigin, truncate_to_micros};
use crate::state::{HashKind, IdKind};
use chrono::{DateTime, TimeDelta, Utc};
use secrecy::{ExposeSecret, SecretString};

use super::{StoreUnderTest, at, t0};

/// Conformance case: Cursor round trip with boundary.
pub async fn cursor_round_trip_with_boundary(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    assert_eq!(store.get_cursor("default", "orders").await.unwrap(), None);

    // Nanoseconds are dropped: every store keeps microseconds.
    let position: DateTime<Utc> = "2024-05-01T10:00:00.123456789Z".parse().unwrap();
    let cursor = Cursor::new(position, ["1001", "1002"], at(5));
    store
        .put_cursor("default", "orders", &cursor)
        .await
        .unwrap();
    let stored = store
        .get_cursor("default", "orders")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.position, truncate_to_micros(position));
    assert_eq!(stored.position.timestamp_subsec_nanos(), 123_456_000);
    assert_eq!(stored.boundary, cursor.boundary);
    assert_eq!(stored.updated_at, at(5));
    assert!(stored.is_boundary_duplicate(position, "1001"));
    assert!(!stored.is_boundary_duplicate(position, "1003"));

    // Replaced, including an empty boundary.
    let next = Cursor::new(at(60), Vec::<String>::new(), at(61));
    store.put_cursor("default", "orders", &next).await.unwrap();
    assert_eq!(
        store.get_cursor("default", "orders").await.unwrap(),
        Some(next.clone())
    );

    // Scoped by connection and flow.
    assert_eq!(store.get_cursor("other", "orders").await.unwrap(), None);
    assert_eq!(store.get_cursor("default", "stock").await.unwrap(), None);

    // Another handle sees it; deleting says whether there was one.
    let second = h.open().await;
    assert_eq!(
        second.get_cursor("default", "orders").await.unwrap(),
        Some(next)
    );
    assert!(second.delete_cursor("default", "orders").await.unwrap());
    assert!(!store.delete_cursor("default", "orders").await.unwrap());
    assert_eq!(store.get_cursor("default", "orders").await.unwrap(), None);
}

/// Conformance case: Id map lookup reverse unlink.
pub async fn id_map_lookup_reverse_unlink(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    store
        .link("default", &IdKind::from("order"), "1001", "V2024-001")
        .await
        .unwrap();
    store
        .link(
            "default",
            &IdKind::from("debtor_email"),
            "b@example.nl",
            "COLLECTIVE",
        )
        .await
        .unwrap();
    store
        .link(
            "default",
            &IdKind::from("debtor_email"),
            "a@example.nl",
            "COLLECTIVE",
        )
        .await
        .unwrap();
    store
        .link(
            "default",
            &IdKind::from("debtor_email"),
            "c@example.nl",
            "10025",
        )
        .await
        .unwrap();

    assert_eq!(
        store
            .lookup("default", &IdKind::from("order"), "1001")
            .await
            .unwrap()
            .as_deref(),
        Some("V2024-001")
    );
    assert_eq!(
        store
            .lookup("default", &IdKind::from("order"), "1002")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .reverse_lookup("default", &IdKind::from("debtor_email"), "COLLECTIVE")
            .await
            .unwrap(),
        ["a@example.nl", "b@example.nl"],
        "every source of a shared target, sorted"
    );
    assert!(
        store
            .reverse_lookup("default", &IdKind::from("debtor_email"), "nope")
            .await
            .unwrap()
            .is_empty()
    );

    // Scoped by connection and by kind.
    assert_eq!(
        store
            .lookup("shop-2", &IdKind::from("order"), "1001")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .lookup("default", &IdKind::from("customer"), "1001")
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .reverse_lookup("default", &IdKind::from("order"), "COLLECTIVE")
            .await
            .unwrap()
            .is_empty()
    );
    store
        .link("shop-2", &IdKind::from("order"), "1001", "V2024-900")
        .await
        .unwrap();
    assert_eq!(
        store
            .lookup("default", &IdKind::from("order"), "1001")
            .await
            .unwrap()
            .as_deref(),
        Some("V2024-001")
    );

    // A new link of the same source replaces the old one.
    store
        .link("default", &IdKind::from("order"), "1001", "V2024-002")
        .await
        .unwrap();
    assert_eq!(
        store
            .lookup("default", &IdKind::from("order"), "1001")
            .await
            .unwrap()
            .as_deref(),
        Some("V2024-002")
    );
    assert!(
        store
            .reverse_lookup("default", &IdKind::from("order"), "V2024-001")
            .await
            .unwrap()
            .is_empty()
    );

    assert!(
        store
            .unlink("default", &IdKind::from("order"), "1001")
            .await
            .unwrap()
    );
    assert!(
        !store
            .unlink("default", &IdKind::from("order"), "1001")
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .lookup("default", &IdKind::from("order"), "1001")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .lookup("shop-2", &IdKind::from("order"), "1001")
            .await
            .unwrap()
            .as_deref(),
        Some("V2024-900")
    );
}

/// Conformance case: Content hashes with origin.
pub async fn content_hashes_with_origin(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    assert_eq!(
        store
            .get_hash("default", &HashKind::from("variant"), "555")
            .await
            .unwrap(),
        None
    );
    let written = ContentHash {
        hash: "a1b2".into(),
        origin: HashOrigin::Koppel,
        updated_at: t0() + TimeDelta::nanoseconds(1_500),
    };
    store
        .put_hash("default", &HashKind::from("variant"), "555", &written)
        .await
        .unwrap();
    let stored = store
        .get_hash("default", &HashKind::from("variant"), "555")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.hash, "a1b2");
    assert_eq!(stored.origin, HashOrigin::Koppel);
    assert_eq!(stored.updated_at, t0() + TimeDelta::microseconds(1));

    let observed = ContentHash {
        hash: "c3d4".into(),
        origin: HashOrigin::Observed,
        updated_at: at(10),
    };
    store
        .put_hash("default", &HashKind::from("variant"), "555", &observed)
        .await
        .unwrap();
    assert_eq!(
        store
            .get_hash("default", &HashKind::from("variant"), "555")
            .await
            .unwrap(),
        Some(observed)
    );
    assert_eq!(
        store
            .get_hash("default", &HashKind::from("product"), "555")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .get_hash("other", &HashKind::from("variant"), "555")
            .await
            .unwrap(),
        None
    );
}

/// Conformance case: Secrets replace atomically and never print.
pub async fn secrets_replace_atomically_and_never_print(h: &dyn StoreUnderTest) {
    let store = h.open().await;
    assert!(
        store
            .load_secret("accountview/default/refresh_token")
            .await
            .unwrap()
            .is_none()
    );
    store
        .save_secret(
            "accountview/default/refresh_token",
            &SecretString::from("rt-first-9f8e"),
        )
        .await
        .unwrap();
    store
        .save_secret(
            "accountview/default/refresh_token",
            &SecretString::from("rt-second-7d6c"),
        )
        .await
        .unwrap();
    let loaded = h
        .open()
        .await
        .load_secret("accountview/default/refresh_token")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded.expose_secret(), "rt-second-7d6c");
    assert!(!format!("{loaded:?}").contains("rt-second"));
    assert!(!format!("{store:?}").contains("rt-second"));
    assert!(!format!("{:?}", store.stats().await.unwrap()).contains("rt-second"));

    assert!(
        store
            .delete_secret("accountview/default/refresh_token")
            .await
            .unwrap()
    );
    assert!(
        !store
            .delete_secret("accountview/default/refresh_token")
            .await
            .unwrap()
    );
    assert!(
        store
            .load_secret("accountview/default/refresh_token")
            .await
            .unwrap()
            .is_none()
    );
}
