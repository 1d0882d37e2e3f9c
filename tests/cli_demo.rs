//! `koppel demo`: the README's one command. It books the sandbox's paid orders, shows each run's
//! report, and a second run writes nothing.

mod cli_common;

use cli_common::koppel;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_books_the_orders_and_the_second_run_writes_nothing() {
    let out = koppel(&["demo", "--orders", "15", "--articles", "20"]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    let text = &out.stdout;
    for expected in [
        "Koppel demo",
        "First run:",
        "AccountView now holds",
        "Second run (the same orders again):",
        "Writes in the second run: Lightspeed 0, AccountView 0.",
        "Nothing was written twice.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let first = text
        .split("Second run")
        .next()
        .expect("first part of the report");
    assert!(
        first.contains("success"),
        "the first run succeeded:\n{first}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_json_holds_both_runs_and_no_second_writes() {
    let out = koppel(&["demo", "--orders", "12", "--articles", "20", "--json"]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    let json = out.json();
    let created = json["first_run"][0]["counts"]["created"].as_u64().unwrap();
    assert!(created > 0, "{json:#}");
    assert_eq!(
        json["sales_orders_in_accountview"].as_u64(),
        Some(created),
        "one sales order per booked order"
    );
    assert_eq!(json["second_run"][0]["counts"]["created"], 0);
    assert_eq!(json["writes_in_second_run"]["lightspeed"], 0);
    assert_eq!(json["writes_in_second_run"]["accountview"], 0);
}
