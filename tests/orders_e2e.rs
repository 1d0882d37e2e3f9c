//! End-to-end: the order flow through the real Lightspeed and AccountView clients against the sandbox.
//!
//! 200 seeded orders across NL/BE/DE/FR/non-EU, persons and companies, with discounts, shipping and
//! payment costs, are booked exactly once and reconcile to the cent; a second run writes nothing; so do
//! duplicate webhook triggers; a "commit then fail" on the sales-order POST still yields exactly one
//! booking; a missing article dead-letters one order while the others go through, and a replay after the
//! article was added books it.

use std::collections::BTreeMap;

use koppel::app::config::KoppelConfig;
use koppel::app::runtime::Runtime;
use koppel::app::sandbox_config::sandbox_toml;
use rust_decimal::Decimal;
use sandbox::{FaultKind, FaultPlan, FaultRule, FaultTarget, Method, Sandbox, SandboxConfig};
use serde_json::Value;
use sync_core::flows::{Intake, RunRequest};
use sync_core::report::Outcome;
use sync_core::state::{DeadLetterFilter, DeadLetterStatus};

async fn start(orders: usize) -> (Sandbox, Runtime) {
    let sb = Sandbox::start(SandboxConfig::default().seed(7).orders(orders).articles(80))
        .await
        .expect("sandbox");
    let config = KoppelConfig::parse(&sandbox_toml(&sb, "memory://")).expect("config");
    let runtime = Runtime::build(&config).await.expect("runtime");
    (sb, runtime)
}

fn dec(v: &Value) -> Decimal {
    match v {
        Value::Number(n) => n.to_string().parse().expect("number"),
        Value::String(s) => s.parse().expect("numeric string"),
        other => panic!("not a number: {other}"),
    }
}

/// The paid orders of the shop by reference, with their total incl. VAT.
fn paid_orders(sb: &Sandbox) -> BTreeMap<String, Decimal> {
    let shop = sb.lightspeed().shop_id();
    sb.lightspeed()
        .orders()
        .iter()
        .filter(|o| o["paymentStatus"] == "paid")
        .map(|o| {
            (
                format!("LS-{shop}-{}", o["number"].as_str().unwrap()),
                dec(&o["priceIncl"]),
            )
        })
        .collect()
}

/// Booked sales orders by reference, with the sum of their line amounts.
fn booked(sb: &Sandbox) -> BTreeMap<String, (usize, Decimal)> {
    let mut out: BTreeMap<String, (usize, Decimal)> = BTreeMap::new();
    for doc in sb.accountview().sales_orders() {
        let reference = doc.header["COMMENT1"].as_str().unwrap().to_owned();
        let total: Decimal = doc.lines.iter().map(|l| dec(&l["LINE_AMT"])).sum();
        let entry = out.entry(reference).or_default();
        entry.0 += 1;
        entry.1 += total;
    }
    out
}

#[tokio::test]
async fn two_hundred_orders_are_booked_once_to_the_cent_and_a_second_run_writes_nothing() {
    let (sb, runtime) = start(200).await;
    let connection = &runtime.connections[0];
    let expected = paid_orders(&sb);
    assert!(expected.len() > 100, "the seed has enough paid orders");
    let countries: std::collections::BTreeSet<String> = sb
        .lightspeed()
        .orders()
        .iter()
        .filter_map(|o| {
            o["addressShippingCountry"]["code"]
                .as_str()
                .map(str::to_uppercase)
        })
        .collect();
    for c in ["NL", "BE", "DE"] {
        assert!(countries.contains(c), "orders ship to {c}: {countries:?}");
    }
    assert!(
        countries
            .iter()
            .any(|c| !["NL", "BE", "DE", "FR", "LU", "AT"].contains(&c.as_str()))
    );

    let report = connection.orders.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Success, "{report:#?}");
    assert_eq!(report.counts.created as usize, expected.len());

    let booked = booked(&sb);
    assert_eq!(booked.len(), expected.len(), "every paid order booked");
    for (reference, total) in &expected {
        let (count, lines) = booked
            .get(reference)
            .unwrap_or_else(|| panic!("{reference} not booked"));
        assert_eq!(*count, 1, "{reference} booked once");
        assert_eq!(lines, total, "{reference} reconciles to the cent");
    }
    // Orders shipped elsewhere than the billing address carry a delivery address of their debtor.
    let addresses = sb.accountview().rows("DEL_ADDR");
    let with_delivery: Vec<_> = sb
        .accountview()
        .sales_orders()
        .into_iter()
        .filter(|d| d.header["DEL_CODE"].as_str().is_some_and(|c| !c.is_empty()))
        .collect();
    assert!(
        !with_delivery.is_empty(),
        "the seed ships some orders elsewhere"
    );
    for doc in &with_delivery {
        assert!(
            addresses
                .iter()
                .any(|a| a["REC_ID"] == doc.header["DEL_CODE"]
                    && a["SUB_NR"] == doc.header["RPL_INV"]),
            "{:?} references a delivery address of its debtor",
            doc.header
        );
    }
    let debtors = sb.accountview().debtors();
    assert!(
        debtors
            .iter()
            .any(|d| d["VAT_NR"].as_str().is_some_and(|v| !v.is_empty())),
        "company debtors"
    );

    // A second run: nothing booked, nothing written on either side.
    let (ls_writes, av_writes) = (
        sb.lightspeed().write_count(),
        sb.accountview().write_count(),
    );
    let report = connection.orders.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.counts.created, 0);
    assert_eq!(sb.lightspeed().write_count(), ls_writes);
    assert_eq!(sb.accountview().write_count(), av_writes);

    // Duplicate webhook triggers for orders already booked: nothing written either.
    let ids: Vec<String> = sb
        .lightspeed()
        .orders()
        .iter()
        .filter(|o| o["paymentStatus"] == "paid")
        .take(5)
        .flat_map(|o| [o["id"].to_string(), o["id"].to_string()])
        .collect();
    let report = connection
        .orders
        .run(RunRequest {
            intake: Intake::Orders(ids),
            dry_run: false,
        })
        .await
        .unwrap();
    assert_eq!(report.counts.created, 0);
    assert_eq!(sb.accountview().write_count(), av_writes);
    assert_eq!(booked.len(), self::booked(&sb).len());
}

#[tokio::test]
async fn a_commit_then_fail_on_the_sales_order_still_books_exactly_once() {
    let (sb, runtime) = start(20).await;
    let connection = &runtime.connections[0];
    sb.accountview().set_faults(
        FaultPlan::new(1).rule(
            FaultRule::new(
                FaultTarget::accountview(Method::POST, "SO1"),
                FaultKind::CommitThenFail {
                    drop_connection: true,
                },
            )
            .times(1),
        ),
    );
    let report = connection.orders.run(RunRequest::poll()).await.unwrap();
    assert_eq!(
        sb.accountview().faults_fired(),
        vec![1],
        "the commit-then-fail fault fired"
    );
    sb.accountview().set_faults(FaultPlan::new(1));
    let report2 = connection.orders.run(RunRequest::poll()).await.unwrap();
    let booked = booked(&sb);
    let expected = paid_orders(&sb);
    assert_eq!(booked.len(), expected.len(), "{report:#?}\n{report2:#?}");
    assert!(
        booked.values().all(|(count, _)| *count == 1),
        "exactly one booking each"
    );
}

#[tokio::test]
async fn a_missing_article_dead_letters_one_order_and_a_replay_books_it() {
    let (sb, runtime) = start(20).await;
    let connection = &runtime.connections[0];
    // Take an article from one paid order away from the administration.
    let victim = sb
        .lightspeed()
        .orders()
        .into_iter()
        .find(|o| o["paymentStatus"] == "paid")
        .unwrap();
    let id = victim["id"].as_u64().unwrap();
    let line = sb.lightspeed().order_lines(id).remove(0);
    let code = line["articleCode"].as_str().unwrap().to_owned();
    let article = sb.accountview().article(&code).unwrap();
    let sharing: Vec<u64> = sb
        .lightspeed()
        .orders()
        .iter()
        .filter(|o| o["paymentStatus"] == "paid")
        .map(|o| o["id"].as_u64().unwrap())
        .filter(|i| {
            sb.lightspeed()
                .order_lines(*i)
                .iter()
                .any(|l| l["articleCode"] == code.as_str())
        })
        .collect();
    sb.accountview().remove_article(&code).unwrap();

    let report = connection.orders.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Partial);
    assert_eq!(report.counts.dead_lettered as usize, sharing.len());
    assert_eq!(
        report.counts.created as usize,
        paid_orders(&sb).len() - sharing.len()
    );
    let letters = runtime
        .state
        .list_dead_letters(&DeadLetterFilter {
            status: Some(DeadLetterStatus::Pending),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(letters.len(), sharing.len());
    assert_eq!(letters[0].error_kind, "missing_article");
    assert!(
        letters[0].error_message.contains(&code),
        "{}",
        letters[0].error_message
    );

    // The article comes back; replaying the dead letters books the orders.
    sb.accountview().upsert_article(article).unwrap();
    let report = connection
        .orders
        .run(RunRequest {
            intake: Intake::Replay(letters.iter().map(|l| l.id).collect()),
            dry_run: false,
        })
        .await
        .unwrap();
    assert_eq!(report.counts.created as usize, sharing.len(), "{report:#?}");
    assert_eq!(booked(&sb).len(), paid_orders(&sb).len());
    let pending = runtime
        .state
        .list_dead_letters(&DeadLetterFilter {
            status: Some(DeadLetterStatus::Pending),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(pending.is_empty());
}

#[tokio::test]
async fn an_offline_administration_fails_the_run_and_the_next_run_catches_up() {
    let (sb, runtime) = start(15).await;
    let connection = &runtime.connections[0];
    sb.accountview()
        .set_offline(std::time::Duration::from_secs(3600));
    let report = connection.orders.run(RunRequest::poll()).await.unwrap();
    assert_ne!(report.outcome, Outcome::Success);
    assert_eq!(report.counts.created, 0);
    assert!(sb.accountview().sales_orders().is_empty());
    sb.accountview().set_online();
    let report = connection.orders.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Success, "{report:#?}");
    assert_eq!(booked(&sb).len(), paid_orders(&sb).len());
}

#[tokio::test]
async fn a_dry_run_writes_nothing() {
    let (sb, runtime) = start(10).await;
    let report = runtime.connections[0]
        .orders
        .run(RunRequest::poll().dry_run(true))
        .await
        .unwrap();
    assert!(report.counts.created > 0);
    assert_eq!(sb.accountview().write_count(), 0);
    assert_eq!(sb.lightspeed().write_count(), 0);
}

#[tokio::test]
async fn a_run_loads_the_field_dictionary_and_a_booking_found_by_its_reference_names_its_debtor() {
    use sync_core::domain::{ExternalReference, SalesDocumentKind};
    use sync_core::traits::Ledger;

    let (sb, runtime) = start(6).await;
    let connection = &runtime.connections[0];
    let report = connection.orders.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Success, "{report:#?}");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    // The run loaded the administration's field dictionary: the reference column's length is known.
    let comment1 = connection.accountview.field_facts();
    let comment1 = comment1
        .get("SO_HDR", "COMMENT1")
        .expect("from the dictionary");
    assert_eq!(comment1.max_len, Some(60));
    let orders = sb.accountview().sales_orders();
    assert!(!orders.is_empty());
    for doc in orders {
        let reference = doc.header["COMMENT1"].as_str().unwrap();
        let debtor = doc.header["RPL_INV"].as_str().unwrap().trim();
        let found = connection
            .ledger
            .find_booking(
                &ExternalReference::new(reference),
                SalesDocumentKind::SalesOrder,
            )
            .await
            .unwrap()
            .expect("found by its reference");
        assert_eq!(found.number, doc.header["ORD_NR"].as_str().unwrap().trim());
        assert_eq!(found.debtor.as_deref(), Some(debtor), "{reference}");
    }
}

/// A collective debtor at the top of the debtor-number range (19999 in 10001..=19999) must not make
/// the range "used up": new debtors get the free numbers below it.
#[tokio::test]
async fn a_collective_debtor_at_the_top_of_the_range_does_not_halt_the_bookings() {
    let (sb, runtime) = start(12).await;
    let connection = &runtime.connections[0];
    let mut collective = accountview_client::Debtor::new("1300", "DIVERSEN", "Diverse debiteuren");
    collective.sub_nr = Some("19999".into());
    connection
        .accountview
        .debtors()
        .create(&collective)
        .await
        .expect("collective debtor");
    let before: Vec<String> = sb
        .accountview()
        .debtors()
        .iter()
        .map(|d| d["SUB_NR"].as_str().unwrap().trim().to_owned())
        .collect();
    let report = connection.orders.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Success, "{report:#?}");
    assert_eq!(booked(&sb).len(), paid_orders(&sb).len());
    let new: Vec<u64> = sb
        .accountview()
        .debtors()
        .iter()
        .map(|d| d["SUB_NR"].as_str().unwrap().trim().to_owned())
        .filter(|n| !before.contains(n))
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(!new.is_empty(), "the run created debtors");
    assert!(new.iter().all(|n| (10_001..19_999).contains(n)), "{new:?}");
}
