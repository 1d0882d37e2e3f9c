//! The window scan as a building block (`ListRequest::scan_window`), on the plain client against
//! the simulated shop of `common::sim`: open windows, creation-time bounds on the request, the
//! cost it reports, and a server that ignores a filter.

mod common;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use common::sim::{Record, Records, SimShop};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-02T08:00:00+00:00")
        .unwrap()
        .to_utc()
}

fn until() -> DateTime<Utc> {
    t0() + Duration::days(1)
}

/// `n` orders (ids 1…n) updated every `step` seconds from `t0`, created an hour before.
fn spread(records: &mut Records, n: u64, step: i64) {
    for id in 1..=n {
        let updated = t0() + Duration::seconds(step * i64::try_from(id).unwrap());
        let created = updated - Duration::hours(1);
        records.orders.insert(
            id,
            Record {
                id,
                created,
                updated,
                credit_note: false,
            },
        );
    }
}

/// `n` orders (ids 10001…) updated in the same second, created `step` seconds apart.
fn bulk(records: &mut Records, n: u64, step: i64) -> DateTime<Utc> {
    let second = t0() + Duration::hours(9) + Duration::seconds(13);
    let first_created = second - Duration::days(1);
    for i in 0..n {
        let id = 10_001 + i;
        let created = first_created + Duration::seconds(step * i64::try_from(i).unwrap());
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
    first_created
}

#[tokio::test]
async fn a_window_open_at_the_start_is_read_completely_while_orders_move() {
    let mut records = Records::default();
    spread(&mut records, 700, 100);
    bulk(&mut records, 400, 30);
    let sim = SimShop::new(records.clone());
    let after = until() + Duration::minutes(3);
    // Three orders are updated after the fourth request.
    sim.on_request(move |k, shop| {
        if k == 3 {
            for id in [5, 300, 10_200] {
                shop.touch_order(id, after);
            }
        }
    });
    let scanned = sim
        .client()
        .orders()
        .list()
        .limit(100)
        .scan_window(None, until())
        .run()
        .await
        .unwrap();
    let read: BTreeSet<u64> = scanned.items.iter().map(|o| o.id).collect();
    assert_eq!(read.len(), scanned.items.len(), "each order once");
    let missing: Vec<u64> = records
        .orders
        .keys()
        .filter(|id| !read.contains(id))
        .copied()
        .collect();
    assert!(
        missing.iter().all(|id| [5, 300, 10_200].contains(id)),
        "only orders updated during the scan may be left to the next poll: {missing:?}"
    );
    let requests = sim.requests();
    assert_eq!(scanned.stats.list_requests, requests.lists as u64);
    assert_eq!(scanned.stats.count_requests, requests.counts as u64);
    assert_eq!(scanned.stats.requests(), requests.total() as u64);
    assert_eq!(scanned.stats.unproven_cells, 0);
    assert!(
        sim.log()
            .iter()
            .all(|l| !l.contains("page=") || l.contains("page=1&")),
        "no offsets"
    );
}

#[tokio::test]
async fn creation_bounds_on_the_request_stay_the_outer_bound() {
    let mut records = Records::default();
    let first_created = bulk(&mut records, 600, 60);
    let from = first_created + Duration::seconds(60 * 200);
    let sim = SimShop::new(records.clone());
    let scanned = sim
        .client()
        .orders()
        .list()
        .created_at_min(from)
        .scan_window(Some(t0()), until())
        .run()
        .await
        .unwrap();
    let read: BTreeSet<u64> = scanned.items.iter().map(|o| o.id).collect();
    let expected: BTreeSet<u64> = records
        .orders
        .values()
        .filter(|r| r.created >= from)
        .map(|r| r.id)
        .collect();
    assert_eq!(read, expected);
    assert_eq!(expected.len(), 400);
    assert!(
        sim.log().iter().any(|l| l.contains("created_at_max")),
        "the bulk second was split on created_at"
    );
    assert!(
        sim.log().iter().all(|l| l.contains("created_at_min")),
        "every request keeps a creation-time lower bound"
    );
}

/// A server that accepts `created_at_min/max` but does not apply them makes every creation-time
/// sub-window full. The scan notices (records that do not fit a window, or more sub-windows than
/// any real spread needs), stops splitting and reads by offset paging: everything is read, at a
/// bounded cost, and reported as unproven.
#[tokio::test]
async fn a_server_that_ignores_the_creation_filters_is_read_by_offset_paging() {
    let mut records = Records::default();
    bulk(&mut records, 600, 97);
    let sim = SimShop::new(records.clone());
    sim.ignore_created_filters();
    let scanned = sim
        .client()
        .orders()
        .list()
        .scan_window(Some(t0()), until())
        .run()
        .await
        .unwrap();
    assert_eq!(scanned.items.len(), 600);
    assert!(scanned.stats.unproven_cells >= 1);
    let requests = sim.requests().total();
    println!("600 orders in one second, created filters ignored: {requests} requests");
    assert!(
        requests < 150,
        "the split stops instead of narrowing every sub-window: {requests} requests"
    );
}
