//! `koppel dlq list|replay|drop`, `koppel state show` and `koppel log purge` against the state file a
//! run left: two orders dead-lettered for missing articles, one dropped, the other replayed after
//! its article came back.

mod cli_common;

use cli_common::{Env, arg, koppel};
use serde_json::Value;

fn letter_ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("a list of dead letters")
        .iter()
        .map(|l| l["id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letters_can_be_listed_dropped_and_replayed_and_the_state_shown() {
    let env = Env::start(20, 30).await;
    let config = env.write_config("koppel.toml", "");
    let config = arg(&config);
    let (first, first_row) = env.remove_an_ordered_article(&[]);
    let (second, second_row) = env.remove_an_ordered_article(std::slice::from_ref(&first));

    let run = koppel(&["run", "--config", &config]).await;
    assert_eq!(run.code, 2, "{run:#?}");

    let list = koppel(&["dlq", "list", "--config", &config, "--json"]).await;
    assert_eq!(list.code, 0, "{list:#?}");
    let letters = list.json();
    let ids = letter_ids(&letters);
    assert!(ids.len() >= 2, "{letters:#}");
    for l in letters.as_array().unwrap() {
        assert_eq!(l["error_kind"], "missing_article", "{l:#}");
        assert_eq!(l["flow"], "orders");
    }
    let message_of = |code: &str| {
        letters
            .as_array()
            .unwrap()
            .iter()
            .find(|l| {
                l["error_message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(code)
            })
            .map(|l| l["id"].as_i64().unwrap())
            .unwrap_or_else(|| panic!("no dead letter names {code}: {letters:#}"))
    };
    let (drop_id, replay_id) = (message_of(&first), message_of(&second));
    assert_ne!(drop_id, replay_id);

    let text = koppel(&["dlq", "list", "--config", &config]).await;
    assert_eq!(text.code, 0, "{text:#?}");
    assert!(text.stdout.contains("missing_article"), "{}", text.stdout);
    assert!(text.stdout.contains(&second), "{}", text.stdout);

    let state = koppel(&["state", "show", "--config", &config]).await;
    assert_eq!(state.code, 0, "{state:#?}");
    for expected in [
        "state store: sqlite",
        "connection default",
        "cursor orders:",
        "dead letters pending (orders):",
        "claims in flight: 0",
    ] {
        assert!(
            state.stdout.contains(expected),
            "{expected:?} in {}",
            state.stdout
        );
    }
    let state = koppel(&["state", "show", "--config", &config, "--json"]).await;
    assert_eq!(state.code, 0, "{state:#?}");
    assert_eq!(state.json()["connections"][0]["connection"], "default");

    let dropped = koppel(&["dlq", "drop", "--config", &config, &drop_id.to_string()]).await;
    assert_eq!(dropped.code, 0, "{dropped:#?}");
    assert!(
        dropped
            .stdout
            .contains(&format!("dropped dead letter {drop_id}"))
    );
    let pending = letter_ids(
        &koppel(&["dlq", "list", "--config", &config, "--json"])
            .await
            .json(),
    );
    assert!(!pending.contains(&drop_id), "{pending:?}");
    assert_eq!(pending.len(), ids.len() - 1);
    let all = koppel(&["dlq", "list", "--config", &config, "--all"]).await;
    assert!(all.stdout.contains("(dropped)"), "{}", all.stdout);

    // The article comes back; the replay books the order.
    let av = env.sb.accountview();
    av.upsert_article(second_row).unwrap();
    let before = av.sales_orders().len();
    let replay = koppel(&[
        "dlq",
        "replay",
        "--config",
        &config,
        &replay_id.to_string(),
        "--json",
    ])
    .await;
    assert_eq!(replay.code, 0, "{replay:#?}");
    assert_eq!(
        replay.json()[0]["counts"]["created"],
        1,
        "{}",
        replay.stdout
    );
    assert_eq!(av.sales_orders().len(), before + 1);
    let pending = letter_ids(
        &koppel(&["dlq", "list", "--config", &config, "--json"])
            .await
            .json(),
    );
    assert!(!pending.contains(&replay_id), "{pending:?}");

    // The rest: the dropped one stays dropped, others (sharing the second article) go through.
    av.upsert_article(first_row).unwrap();
    let rest = koppel(&["dlq", "replay", "--config", &config, "--all"]).await;
    assert_eq!(rest.code, 0, "{rest:#?}");
    let pending = letter_ids(
        &koppel(&["dlq", "list", "--config", &config, "--json"])
            .await
            .json(),
    );
    assert!(pending.is_empty(), "{pending:?}");

    let missing = koppel(&["dlq", "replay", "--config", &config, "999999"]).await;
    assert_eq!(missing.code, 1, "{missing:#?}");
    assert!(
        missing.stderr.contains("no dead letter with id 999999"),
        "{}",
        missing.stderr
    );
    let missing = koppel(&["dlq", "drop", "--config", &config, "999999"]).await;
    assert_eq!(missing.code, 1, "{missing:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_purge_removes_activity_payloads_older_than_the_retention() {
    let env = Env::start(8, 20).await;
    let config = arg(&env.write_config("koppel.toml", ""));
    let run = koppel(&["run", "--config", &config]).await;
    assert_eq!(run.code, 0, "{run:#?}");

    let kept = koppel(&["log", "purge", "--config", &config]).await;
    assert_eq!(kept.code, 0, "{kept:#?}");
    assert!(
        kept.stdout.starts_with("purged 0 activity entries"),
        "{}",
        kept.stdout
    );

    let purged = koppel(&["log", "purge", "--config", &config, "--older-than", "0s"]).await;
    assert_eq!(purged.code, 0, "{purged:#?}");
    let count: u64 = purged
        .stdout
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count in {}", purged.stdout));
    assert!(
        count > 0,
        "the run's activity entries are purged: {}",
        purged.stdout
    );

    let bad = koppel(&["log", "purge", "--config", &config, "--older-than", "soon"]).await;
    assert_eq!(bad.code, 1, "{bad:#?}");
    assert!(bad.stderr.contains("--older-than"), "{}", bad.stderr);
}
