//! `koppel serve` receives Lightspeed webhooks: a signed delivery is answered at once and its order
//! booked once however often it arrives; a bad signature is refused with 401 and leaves no trace;
//! the shop's webhooks are registered on start and the shop's own deliveries book orders; with
//! several connections `X-Shop-Id` picks the connection.

#[allow(dead_code)]
mod support;

use koppel::app::config::ConnectionSection;
use sandbox::OrderSpec;
use serde_json::json;
use support::{Delivery, eventually, metric, metrics};
use sync_core::state::{ActivityFilter, RunFilter};

/// A new paid order for the first line of an existing paid order (so its article exists).
fn new_paid_order(sb: &sandbox::Sandbox) -> u64 {
    let template = support::paid_orders(sb)[0];
    let line = sb.lightspeed().order_lines(template).remove(0);
    let sku = line["articleCode"].as_str().unwrap().to_owned();
    sb.lightspeed()
        .insert_order(OrderSpec::new().line(sku, 2))
        .expect("order placed")
}

#[tokio::test]
async fn a_signed_webhook_books_the_order_once_however_often_it_arrives() {
    let sb = support::sandbox(6).await;
    let server = support::start(support::config(&sb)).await;
    let order = new_paid_order(&sb);
    let delivery = Delivery::order(&sb, order, "orders/created");

    let (status, body) = delivery.post(&server).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "accepted");
    eventually("the order to be booked", || async {
        support::times_booked(&sb, order) == 1
    })
    .await;

    // Lightspeed delivers the same event again: dropped as a duplicate, nothing booked twice.
    let (status, body) = delivery.post(&server).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("duplicate")));
    // A real change (a new updatedAt) is queued, and the flow still books nothing twice.
    sb.lightspeed()
        .update_order(order, |o| {
            o.insert("memo".into(), json!("gift wrap"));
        })
        .unwrap();
    let changed = Delivery::order(&sb, order, "orders/updated");
    assert_eq!(changed.post(&server).await.1["status"], "accepted");
    let state = server.runtime().state.clone();
    eventually("the second webhook run", || async {
        state
            .list_runs(&RunFilter::default(), 10)
            .await
            .unwrap()
            .iter()
            .filter(|r| r.finished_at.is_some())
            .count()
            == 2
    })
    .await;
    assert_eq!(support::times_booked(&sb, order), 1, "booked exactly once");
    assert_eq!(
        sb.accountview().sales_orders().len(),
        1,
        "only the pushed order"
    );

    let text = metrics(&server).await;
    assert_eq!(
        metric(&text, "koppel_webhooks_total{result=\"accepted\"}"),
        Some(2.0)
    );
    assert_eq!(
        metric(&text, "koppel_webhooks_total{result=\"duplicate\"}"),
        Some(1.0)
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_bad_or_missing_signature_is_refused_and_leaves_no_trace() {
    let sb = support::sandbox(6).await;
    let server = support::start(support::config(&sb)).await;
    let refused = new_paid_order(&sb);
    let forged = Delivery::order(&sb, refused, "orders/created")
        .with_header("x-signature", "0123456789abcdef0123456789abcdef");
    let (status, body) = forged.post(&server).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (401, Some("invalid signature"))
    );
    let unsigned = Delivery::order(&sb, refused, "orders/created").without_header("x-signature");
    assert_eq!(unsigned.post(&server).await.0, 401);
    // A body changed after it was signed.
    let mut tampered = Delivery::order(&sb, refused, "orders/created");
    tampered.body = br#"{"order":{"id":1}}"#.to_vec();
    assert_eq!(tampered.post(&server).await.0, 401);

    // A valid delivery afterwards is processed; by then anything queued before would have been.
    let accepted = new_paid_order(&sb);
    assert_eq!(
        Delivery::order(&sb, accepted, "orders/created")
            .post(&server)
            .await
            .0,
        200
    );
    eventually("the accepted order to be booked", || async {
        support::times_booked(&sb, accepted) == 1
    })
    .await;
    assert_eq!(
        support::times_booked(&sb, refused),
        0,
        "the refused order is not booked"
    );
    let number = sb.lightspeed().order(refused).unwrap()["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let activity = server
        .runtime()
        .state
        .list_activity(&ActivityFilter {
            record_key: Some(number),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(activity.is_empty(), "nothing logged for the refused order");
    let runs = server
        .runtime()
        .state
        .list_runs(&RunFilter::default(), 10)
        .await
        .unwrap();
    assert_eq!(runs.len(), 1, "only the accepted webhook ran");
    let text = metrics(&server).await;
    assert_eq!(
        metric(&text, "koppel_webhooks_total{result=\"rejected\"}"),
        Some(3.0)
    );
    assert_eq!(
        metric(&text, "koppel_webhooks_total{result=\"accepted\"}"),
        Some(1.0)
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn other_item_groups_are_acknowledged_and_ignored() {
    let sb = support::sandbox(3).await;
    let server = support::start(support::config(&sb)).await;
    let customer = sb.lightspeed().customers().remove(0);
    let delivery = Delivery::signed(&sb, "customers/updated", &json!({ "customer": customer }));
    let (status, body) = delivery.post(&server).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ignored")));
    let unreadable = Delivery::signed(&sb, "orders/created", &json!({ "order": "nope" }));
    assert_eq!(unreadable.post(&server).await.0, 400);
    let text = metrics(&server).await;
    assert_eq!(
        metric(&text, "koppel_webhooks_total{result=\"ignored\"}"),
        Some(1.0)
    );
    assert!(sb.accountview().sales_orders().is_empty());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn webhooks_are_registered_on_start_and_the_shop_s_deliveries_book_orders() {
    let sb = support::sandbox(4).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let public_url = format!("http://{}", listener.local_addr().unwrap());
    let mut config = support::config(&sb);
    let lightspeed = config.lightspeed.as_mut().unwrap();
    lightspeed.register_webhooks = true;
    lightspeed.public_url = Some(format!("{public_url}/"));
    let server = koppel::app::serve::start_on(config.clone(), listener)
        .await
        .unwrap();

    let hooks = sb.lightspeed().webhooks();
    assert_eq!(hooks.len(), 2, "{hooks:#?}");
    let address = format!("{public_url}/webhooks/lightspeed");
    for action in ["created", "updated"] {
        assert!(
            hooks.iter().any(|h| h["itemAction"] == action
                && h["itemGroup"] == "orders"
                && h["address"] == address.as_str()
                && h["format"] == "json"
                && h["language"]["code"] == "nl"),
            "{action}: {hooks:#?}"
        );
    }
    // Registering again (a restart) adds nothing.
    let connection = &server.runtime().connections[0];
    let created = koppel::app::serve::webhooks::register(connection, &public_url)
        .await
        .unwrap();
    assert_eq!(created, 0);
    assert_eq!(sb.lightspeed().webhooks().len(), 2);

    // The shop delivers orders/created itself, signed with its secret.
    let order = new_paid_order(&sb);
    eventually("the delivered order to be booked", || async {
        support::times_booked(&sb, order) == 1
    })
    .await;
    assert!(sb.lightspeed().flush_webhooks(support::DEADLINE).await);
    let delivery = sb
        .lightspeed()
        .webhook_deliveries()
        .into_iter()
        .find(|d| d.resource_id == order)
        .expect("a delivery");
    assert_eq!(delivery.status, Some(200));
    // The shop re-delivers the very same bytes: acknowledged, not booked again.
    let again = sb.lightspeed().redeliver_webhook(delivery.id).unwrap();
    assert!(sb.lightspeed().flush_webhooks(support::DEADLINE).await);
    let redelivered = sb
        .lightspeed()
        .webhook_deliveries()
        .into_iter()
        .find(|d| d.id == again)
        .unwrap();
    assert_eq!(redelivered.status, Some(200));
    let text = metrics(&server).await;
    assert_eq!(
        metric(&text, "koppel_webhooks_total{result=\"duplicate\"}"),
        Some(1.0)
    );
    assert_eq!(support::times_booked(&sb, order), 1);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn with_several_connections_the_shop_id_picks_the_connection() {
    let sb = support::sandbox(4).await;
    let mut config = support::config(&sb);
    let lightspeed = config.lightspeed.take().unwrap();
    let accountview = config.accountview.take().unwrap();
    let mut second = lightspeed.clone();
    second.shop.shop_id = Some("999".into());
    config.connections = vec![
        ConnectionSection {
            name: "first".into(),
            lightspeed,
            accountview: accountview.clone(),
            orders: None,
            stock: None,
            products: None,
            customers: None,
        },
        ConnectionSection {
            name: "second".into(),
            lightspeed: second,
            accountview,
            orders: None,
            stock: None,
            products: None,
            customers: None,
        },
    ];
    let server = support::start(config).await;
    let order = new_paid_order(&sb);

    let unknown = Delivery::order(&sb, order, "orders/created").with_header("x-shop-id", "4242");
    assert_eq!(
        unknown.post(&server).await.0,
        401,
        "no connection serves shop 4242"
    );
    let delivery = Delivery::order(&sb, order, "orders/created").with_header("x-shop-id", "999");
    assert_eq!(delivery.post(&server).await.0, 200);
    let state = server.runtime().state.clone();
    eventually("the run of connection `second`", || async {
        let filter = RunFilter {
            connection: Some("second".into()),
            ..Default::default()
        };
        state
            .list_runs(&filter, 5)
            .await
            .unwrap()
            .iter()
            .any(|r| r.finished_at.is_some())
    })
    .await;
    let first = RunFilter {
        connection: Some("first".into()),
        ..Default::default()
    };
    assert!(state.list_runs(&first, 5).await.unwrap().is_empty());
    let booked = sb.accountview().sales_orders();
    assert_eq!(booked.len(), 1);
    assert!(
        booked[0].header["COMMENT1"]
            .as_str()
            .unwrap()
            .starts_with("LS-999-"),
        "booked with the second connection's shop id: {}",
        booked[0].header
    );
    server.shutdown().await.unwrap();
}

/// Issue 10 §5 and §6: webhook ids were queued in memory (lost on a crash) and, without a poll
/// schedule, an order whose booking failed was never tried again. The id now waits in the state
/// store's inbox until its order is booked — through an outage of the administration and a restart.
#[tokio::test]
async fn an_announced_order_survives_an_outage_and_a_restart_without_any_schedule() {
    let sb = support::sandbox(6).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("koppel.db").display());
    let config = || {
        let mut config = koppel::app::config::KoppelConfig::parse(
            &koppel::app::sandbox_config::sandbox_toml(&sb, &url),
        )
        .expect("config");
        config.orders.schedule = None;
        config.stock.schedule = None;
        config
    };
    sb.accountview()
        .set_offline(std::time::Duration::from_secs(3600));
    let server = support::start(config()).await;
    let order = new_paid_order(&sb);
    let (status, body) = Delivery::order(&sb, order, "orders/created")
        .post(&server)
        .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("accepted")));
    let state = server.runtime().state.clone();
    eventually("a run that found the administration offline", || async {
        state
            .list_runs(&RunFilter::default(), 10)
            .await
            .unwrap()
            .iter()
            .any(|r| r.outcome.as_deref() == Some("failed"))
    })
    .await;
    assert_eq!(support::times_booked(&sb, order), 0);
    assert_eq!(
        state
            .pending_inbox("default", "orders", 10)
            .await
            .unwrap()
            .len(),
        1,
        "the announcement waits in the inbox"
    );
    server.shutdown().await.unwrap();

    // The administration is back; a new process books the order without any poll.
    sb.accountview().set_online();
    let server = support::start(config()).await;
    eventually("the announced order to be booked", || async {
        support::times_booked(&sb, order) == 1
    })
    .await;
    let state = server.runtime().state.clone();
    assert!(
        state
            .pending_inbox("default", "orders", 10)
            .await
            .unwrap()
            .is_empty()
    );
    server.shutdown().await.unwrap();
}
