//! Reading a window of changed orders and credit notes completely while the shop changes under
//! the scan (issue 10, item 1), against the simulated shop of `common::sim`.
#![cfg(feature = "sync")]

mod common;

use futures::TryStreamExt;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::sim::{Record, Records, SimShop};
use sync_core::domain::OrderFilter;
use sync_core::traits::{OrderSource, ReadWindow};

/// 2026-06-02 08:00:00 UTC: the start of the test windows.
fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-02T08:00:00+00:00")
        .unwrap()
        .to_utc()
}

/// `[t0, t0 + 1 day]`, in the past for the shop.
fn window() -> ReadWindow {
    ReadWindow::new(Some(t0()), t0() + Duration::days(1))
}

/// The shop's clock when an order is updated during a scan: after the window's `until`.
fn now() -> DateTime<Utc> {
    window().until + Duration::minutes(5)
}

/// `n` orders (ids 1001…) updated evenly over `span` from `t0`, created a few hours before.
fn spread(n: u64, span: Duration) -> Records {
    let mut records = Records::default();
    let step = span.num_seconds() / i64::try_from(n.max(1)).unwrap();
    for i in 0..n {
        let updated = t0() + Duration::seconds(step * i64::try_from(i).unwrap() + 7);
        let created =
            updated - Duration::hours(3) - Duration::seconds(i64::try_from(i % 97).unwrap());
        let id = 1001 + i;
        records.orders.insert(
            id,
            Record {
                id,
                created,
                updated,
                credit_note: false,
            },
        );
        // Every third invoice is an ordinary one; the others are credit notes.
        records.invoices.insert(
            id,
            Record {
                id,
                created,
                updated,
                credit_note: i % 3 != 0,
            },
        );
    }
    records
}

/// Ids in ascending order: position `p` in a scan is `ids[p]`.
fn ids(map: &BTreeMap<u64, Record>) -> Vec<u64> {
    map.keys().copied().collect()
}

/// Every record of the window is read, once; a record changed during the scan may instead lie
/// after `until` now (the next poll reads it there).
fn assert_complete(
    read: &[u64],
    before: &BTreeMap<u64, Record>,
    after: &BTreeMap<u64, Record>,
    wanted: impl Fn(&Record) -> bool,
    context: &str,
) {
    let w = window();
    let set: BTreeSet<u64> = read.iter().copied().collect();
    assert_eq!(set.len(), read.len(), "{context}: duplicates in {read:?}");
    for (id, old) in before {
        if !wanted(old) || !w.contains(old.updated) {
            continue;
        }
        let new = after[id];
        if set.contains(id) {
            continue;
        }
        assert!(
            new.updated != old.updated && new.updated > w.until,
            "{context}: record {id} (updated {} → {}) was neither read nor moved past the window",
            old.updated,
            new.updated
        );
    }
}

async fn read_orders(sim: &Arc<SimShop>, page: u32) -> Vec<u64> {
    sim.shop(page)
        .changed_orders(&window(), &OrderFilter::any())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .iter()
        .map(|o| o.source_id.parse().unwrap())
        .collect()
}

/// Issue 10, item 1: 25 orders, pages of 10; the order at position 3 is updated right after
/// page 1 was served. Offset paging then never reads the order that moved up to page 1's end.
#[tokio::test]
async fn issue_10_an_order_updated_after_page_one_does_not_hide_another() {
    let records = spread(25, Duration::hours(20));
    let moved = ids(&records.orders)[3];
    let sim = SimShop::new(records.clone());
    sim.on_request(move |k, r| {
        if k == 0 {
            r.touch_order(moved, now());
        }
    });
    let read = read_orders(&sim, 10).await;
    assert_complete(
        &read,
        &records.orders,
        &sim.records().orders,
        |_| true,
        "issue 10",
    );
    assert_eq!(
        read.len(),
        25,
        "the moved order was read on page 1, all others too"
    );
}

/// An update at every position of a 3-page scan, after every request of the scan.
#[tokio::test]
async fn an_update_at_any_position_after_any_request_loses_nothing() {
    let records = spread(25, Duration::hours(20));
    let baseline = {
        let sim = SimShop::new(records.clone());
        let read = read_orders(&sim, 10).await;
        assert_eq!(read.len(), 25);
        sim.requests().total()
    };
    let positions = ids(&records.orders);
    for (p, &id) in positions.iter().enumerate() {
        for k in 0..=baseline {
            let sim = SimShop::new(records.clone());
            sim.on_request(move |n, r| {
                if n == k {
                    r.touch_order(id, now());
                }
            });
            let read = read_orders(&sim, 10).await;
            assert_complete(
                &read,
                &records.orders,
                &sim.records().orders,
                |_| true,
                &format!("order at position {p} updated after request {k}"),
            );
        }
    }
}

/// Several orders updated at once in the middle of the scan, after every request.
#[tokio::test]
async fn several_orders_updated_at_once_mid_scan_lose_nothing() {
    let records = spread(25, Duration::hours(20));
    let positions = ids(&records.orders);
    let moved: Vec<u64> = [0, 3, 9, 10, 11, 17, 20, 24]
        .iter()
        .map(|&p| positions[p])
        .collect();
    for k in 0..12 {
        let sim = SimShop::new(records.clone());
        let moved = moved.clone();
        sim.on_request(move |n, r| {
            if n == k {
                for &id in &moved {
                    r.touch_order(id, now());
                }
            }
        });
        let read = read_orders(&sim, 10).await;
        assert_complete(
            &read,
            &records.orders,
            &sim.records().orders,
            |_| true,
            &format!("eight orders updated after request {k}"),
        );
    }
}

/// Captures what the tests log.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

const UNPROVEN: &str = "completeness could not be proven";

/// `n` orders (ids 5001…) all updated in the same second, created `created_step` apart (the last
/// one day before), on top of `spread(others, 20 h)`.
fn bulk(n: u64, created_step: i64, others: u64) -> Records {
    let mut records = spread(others, Duration::hours(20));
    let second = t0() + Duration::hours(13) + Duration::seconds(29);
    let last = second - Duration::days(1);
    for i in 0..n {
        let id = 5001 + i;
        let back = created_step * i64::try_from(n - 1 - i).unwrap();
        let created = last - Duration::seconds(back);
        records.orders.insert(
            id,
            Record {
                id,
                created,
                updated: second,
                credit_note: false,
            },
        );
    }
    records
}

/// A merchant's bulk status change: 600 orders updated in the same second. The one-second
/// window is split on `created_at`, which reads them all without offset paging.
#[tokio::test]
async fn a_bulk_update_in_one_second_is_split_on_created_at() {
    let (captured, _guard) = capture();
    let records = bulk(600, 97, 300);
    let sim = SimShop::new(records.clone());
    let read = read_orders(&sim, 250).await;
    assert_eq!(read.len(), 900);
    assert_complete(&read, &records.orders, &records.orders, |_| true, "bulk");
    let log = sim.log();
    assert!(
        log.iter().any(|l| l.contains("created_at_max")),
        "the bulk second was split on created_at: {log:#?}"
    );
    assert!(!captured.text().contains(UNPROVEN), "{}", captured.text());

    // And with updates during the scan: the bulk orders are touched again, one by one.
    let baseline = sim.requests().total();
    let positions = ids(&records.orders);
    for (p, k) in [
        (300, 1),
        (450, 3),
        (899, 5),
        (610, baseline / 2),
        (0, baseline - 1),
    ] {
        let sim = SimShop::new(records.clone());
        let id = positions[p];
        sim.on_request(move |n, r| {
            if n == k {
                r.touch_order(id, now());
            }
        });
        let read = read_orders(&sim, 250).await;
        assert_complete(
            &read,
            &records.orders,
            &sim.records().orders,
            |_| true,
            &format!("bulk order at position {p} updated after request {k}"),
        );
    }
}

/// More than a page of orders that share their updated second and their created second: no
/// filter can tell them apart, so the cell is read by offset paging with a count check — all
/// orders are read when nothing moves, and the scan warns that it could not prove completeness.
#[tokio::test]
async fn a_full_one_second_cell_falls_back_to_offset_paging_and_warns() {
    let (captured, _guard) = capture();
    let records = bulk(600, 0, 100);
    let sim = SimShop::new(records.clone());
    let read = read_orders(&sim, 250).await;
    assert_eq!(read.len(), 700);
    assert_complete(&read, &records.orders, &records.orders, |_| true, "cell");
    let text = captured.text();
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains(UNPROVEN), "{text}");
    assert!(
        text.contains("share one second of updatedAt and one of createdAt"),
        "the warning names the cell: {text}"
    );
    assert!(
        !text.contains("does the API apply"),
        "the scan stayed within its budget: {text}"
    );
    assert!(
        sim.log().iter().any(|l| l.contains("page=3")),
        "the cell was paged by offset"
    );
}

async fn read_credit_notes(sim: &Arc<SimShop>, page: u32) -> Vec<u64> {
    sim.shop(page)
        .changed_credit_notes(&window())
        .await
        .unwrap()
        .iter()
        .map(|n| n.source_id.parse().unwrap())
        .collect()
}

/// The same property for credit notes: an invoice updated at any position after any request
/// of the invoice scan hides no credit note.
#[tokio::test]
async fn credit_notes_an_update_at_any_position_after_any_request_loses_nothing() {
    let records = spread(25, Duration::hours(20));
    let credit = |r: &Record| r.credit_note;
    let baseline = {
        let sim = SimShop::new(records.clone());
        let read = read_credit_notes(&sim, 10).await;
        assert_eq!(
            read.len(),
            16,
            "two thirds of the invoices are credit notes"
        );
        assert_complete(&read, &records.invoices, &records.invoices, credit, "still");
        sim.requests().lists + sim.requests().counts
    };
    assert!(baseline >= 3, "the invoice scan took several requests");
    let positions = ids(&records.invoices);
    for (p, &id) in positions.iter().enumerate() {
        for k in 0..=baseline {
            let sim = SimShop::new(records.clone());
            sim.on_request(move |n, r| {
                if n == k {
                    r.touch_invoice(id, now());
                }
            });
            let read = read_credit_notes(&sim, 10).await;
            assert_complete(
                &read,
                &records.invoices,
                &sim.records().invoices,
                credit,
                &format!("invoice at position {p} updated after request {k}"),
            );
        }
    }
}

/// What a scan costs: list and count requests for windows of different sizes (printed; run with
/// `--nocapture` to see them). A window with fewer orders than a page costs exactly one request
/// (a window of exactly 250 fills page 1, and no reader can tell that from more without asking
/// again).
#[tokio::test]
async fn request_counts_by_window_size() {
    let day = Duration::days(1);
    let cases = [
        ("25 orders over a day", spread(25, day)),
        ("249 orders over a day", spread(249, day)),
        ("250 orders over a day", spread(250, day)),
        ("1,000 orders over a day", spread(1000, day)),
        ("5,000 orders over a day", spread(5000, day)),
        ("1,000 orders in one second", bulk(1000, 61, 0)),
    ];
    println!(
        "orders window, page size 250: list + count requests \
         (before: offset pages, plus the count after a multi-page scan)"
    );
    for (name, records) in cases {
        let n = records.orders.len();
        let sim = SimShop::new(records.clone());
        let read = read_orders(&sim, 250).await;
        assert_eq!(read.len(), n, "{name}");
        let r = sim.requests();
        println!(
            "  {name:<28} {:>3} lists + {:>3} counts = {:>3} requests (before: {})",
            r.lists,
            r.counts,
            r.total(),
            n / 250 + 1 + usize::from(n >= 250)
        );
        if n < 250 {
            assert_eq!(r.total(), 1, "{name}: less than a page costs one request");
        }
    }
}
