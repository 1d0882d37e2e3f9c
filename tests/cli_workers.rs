//! Several `koppel run` processes on one SQLite state file (issue 10 §13): a run that finds the flow
//! busy says so and is not a failure, a process started while another writes opens the store, and a
//! worker killed with SIGKILL mid-run frees the flow at once — nothing booked twice, nothing lost.

mod cli_common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cli_common::{Env, arg, koppel};
use sandbox::{FaultKind, FaultPlan, FaultRule, FaultTarget, Method};

/// The booked sales orders' references; panics when one is booked twice.
fn references(env: &Env) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for order in env.sb.accountview().sales_orders() {
        let reference = order.header["COMMENT1"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(seen.insert(reference.clone()), "{reference} booked twice");
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_worker_frees_the_flow_at_once_and_a_busy_flow_is_no_failure() {
    let env = Env::start(40, 30).await;
    // Slow bookings, so the first run is still writing when the others start.
    env.sb
        .accountview()
        .set_faults(FaultPlan::default().rule(FaultRule::new(
            FaultTarget::accountview(Method::POST, "SO1"),
            FaultKind::Latency(Duration::from_millis(400)),
        )));
    let path = env.write_config("koppel.toml", "");
    let text = std::fs::read_to_string(&path).unwrap();
    // A short stale age, so the order the killed worker was writing is not held for 15 minutes.
    std::fs::write(
        &path,
        text.replace("[state]\n", "[state]\nclaim_stale_after = \"20s\"\n"),
    )
    .unwrap();
    let config = arg(&path);

    let mut first = Command::new(env!("CARGO_BIN_EXE_koppel"))
        .args(["run", "--config", &config, "--flow", "orders"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn koppel");
    let started = Instant::now();
    while env.sb.accountview().sales_orders().len() < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the first run booked nothing"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A second process while the first writes: it opens the store and says the flow is busy.
    let busy = koppel(&["run", "--config", &config, "--flow", "orders", "--json"]).await;
    assert_eq!(busy.code, 0, "busy is not a failure: {busy:#?}");
    assert!(!busy.stderr.contains("locked"), "{}", busy.stderr);
    let report = &busy.json()[0];
    assert_eq!(report["outcome"], "skipped", "{report}");
    assert!(
        report["warnings"][0]
            .as_str()
            .unwrap_or_default()
            .contains("running in another worker"),
        "{report}"
    );
    let before_kill = references(&env).len();
    assert!(
        before_kill < env.paid_orders(),
        "the first run was not done yet"
    );

    // The first worker is killed mid-run. The next run starts at once: no 15-minute lease to wait for.
    first.kill().expect("SIGKILL");
    first.wait().expect("reaped");
    env.sb.accountview().set_faults(FaultPlan::default());
    let next = koppel(&["run", "--config", &config, "--flow", "orders", "--json"]).await;
    assert_eq!(next.code, 0, "{next:#?}");
    assert_eq!(next.json()[0]["outcome"], "success", "{}", next.stdout);
    let after = references(&env).len();
    assert!(
        after + 1 >= env.paid_orders(),
        "at most the order the killed worker was writing waits for its claim: {after} of {}",
        env.paid_orders()
    );

    // Once that claim went stale, it is looked up (the killed worker may have written it) and
    // finished. Every paid order is booked exactly once.
    tokio::time::sleep(Duration::from_secs(21)).await;
    let last = koppel(&["run", "--config", &config, "--flow", "orders"]).await;
    assert_eq!(last.code, 0, "{last:#?}");
    assert_eq!(references(&env).len(), env.paid_orders());
}
