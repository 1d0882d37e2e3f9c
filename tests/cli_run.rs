//! `koppel run` through the real binary: `--dry-run` writes nothing, the exit codes 0 / 2 / 1, `--json`
//! output, and a flow that is not in this build.

mod cli_common;

use cli_common::{Env, arg, koppel};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_writes_nothing_then_a_run_books_everything_with_exit_0() {
    let env = Env::start(15, 30).await;
    let config = env.write_config("koppel.toml", "");
    let (ls, av) = (env.sb.lightspeed(), env.sb.accountview());

    let dry = koppel(&["run", "--config", &arg(&config), "--dry-run"]).await;
    assert_eq!(dry.code, 0, "{dry:#?}");
    assert!(dry.stdout.contains("(dry run)"), "{}", dry.stdout);
    assert_eq!(av.write_count(), 0, "the dry run wrote to AccountView");
    assert_eq!(ls.write_count(), 0, "the dry run wrote to Lightspeed");
    assert!(av.sales_orders().is_empty());

    let run = koppel(&["run", "--config", &arg(&config), "--json"]).await;
    assert_eq!(run.code, 0, "{run:#?}");
    let reports = run.json();
    let report = &reports[0];
    assert_eq!(report["flow"], "orders");
    assert_eq!(report["outcome"], "success");
    assert_eq!(report["dry_run"], false);
    let created = report["counts"]["created"].as_u64().unwrap() as usize;
    assert_eq!(created, env.paid_orders());
    assert_eq!(av.sales_orders().len(), env.paid_orders());

    let again = koppel(&["run", "--config", &arg(&config), "--flow", "orders"]).await;
    assert_eq!(again.code, 0, "{again:#?}");
    assert_eq!(av.sales_orders().len(), env.paid_orders(), "nothing twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_letter_is_exit_2_and_the_report_names_the_article() {
    let env = Env::start(15, 30).await;
    let config = env.write_config("koppel.toml", "");
    let (code, _) = env.remove_an_ordered_article(&[]);
    let out = koppel(&["run", "--config", &arg(&config)]).await;
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stdout.contains("missing_article"), "{}", out.stdout);
    assert!(out.stdout.contains(&code), "{}", out.stdout);
    assert!(
        !env.sb.accountview().sales_orders().is_empty(),
        "the others went through"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_credentials_and_configuration_errors_are_exit_1() {
    let env = Env::start(5, 20).await;
    let good = std::fs::read_to_string(env.write_config("good.toml", "")).unwrap();
    let secret =
        secrecy::ExposeSecret::expose_secret(&env.sb.accountview().client_secret()).to_owned();
    let path = env.path("bad-secret.toml");
    std::fs::write(&path, good.replace(&secret, "rejected")).unwrap();
    let out = koppel(&["run", "--config", &arg(&path), "--json"]).await;
    assert_eq!(out.code, 1, "{out:#?}");
    let reports = out.json();
    assert_eq!(reports[0]["outcome"], "failed", "{reports:#}");
    assert!(env.sb.accountview().sales_orders().is_empty());

    let path = env.path("typo.toml");
    std::fs::write(
        &path,
        format!("{good}\n[dashbord]\nlisten = \"127.0.0.1:1\"\n"),
    )
    .unwrap();
    let out = koppel(&["run", "--config", &arg(&path)]).await;
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("dashbord"), "{}", out.stderr);

    let out = koppel(&["run", "--config", &arg(&env.path("missing.toml"))]).await;
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("missing.toml"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flow_that_is_not_in_this_build_says_so() {
    let env = Env::start(2, 10).await;
    let config = env.write_config("koppel.toml", "");
    for flow in ["products", "customers"] {
        let out = koppel(&["run", "--config", &arg(&config), "--flow", flow]).await;
        assert_eq!(out.code, 1, "{out:#?}");
        assert!(
            out.stderr.contains("not part of this build"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("available: orders, stock"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(env.sb.accountview().request_count(), 0, "nothing was run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stock_flow_alone_writes_changed_levels_once() {
    let env = Env::start(5, 20).await;
    let config = env.write_config("koppel.toml", "");
    let ls = env.sb.lightspeed();
    let out = koppel(&[
        "run",
        "--config",
        &arg(&config),
        "--flow",
        "stock",
        "--json",
    ])
    .await;
    assert_eq!(out.code, 0, "{out:#?}");
    let report = &out.json()[0];
    assert_eq!(report["flow"], "stock");
    let updated = report["counts"]["updated"].as_u64().unwrap();
    assert!(
        updated > 0,
        "the seeded shop differs from the administration: {report:#}"
    );
    assert_eq!(
        ls.write_count() as u64,
        updated,
        "one write per changed variant"
    );
    assert!(
        env.sb.accountview().sales_orders().is_empty(),
        "the order flow did not run"
    );

    let again = koppel(&[
        "run",
        "--config",
        &arg(&config),
        "--flow",
        "stock",
        "--json",
    ])
    .await;
    assert_eq!(again.code, 0, "{again:#?}");
    assert_eq!(again.json()[0]["counts"]["updated"], 0);
    assert_eq!(ls.write_count() as u64, updated, "nothing written twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn since_imports_history_the_cursor_had_passed() {
    let env = Env::start(15, 30).await;
    let config = env.write_config("koppel.toml", "");
    // An installation that started today: its first poll only looks at the last few minutes.
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let text = std::fs::read_to_string(&config).unwrap();
    let start = text.find("import_from = \"").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    std::fs::write(
        &config,
        format!(
            "{}import_from = \"{today}\"{}",
            &text[..start],
            &text[end..]
        ),
    )
    .unwrap();
    let av = env.sb.accountview();

    let first = koppel(&["run", "--config", &arg(&config)]).await;
    assert_eq!(first.code, 0, "{first:#?}");
    assert!(
        av.sales_orders().len() < env.paid_orders(),
        "history is not read by a poll"
    );

    let since = (chrono::Utc::now() - chrono::Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    let import = koppel(&["run", "--config", &arg(&config), "--since", &since]).await;
    assert_eq!(import.code, 0, "{import:#?}");
    assert_eq!(
        av.sales_orders().len(),
        env.paid_orders(),
        "the historic import booked the rest"
    );

    let again = koppel(&["run", "--config", &arg(&config), "--since", &since]).await;
    assert_eq!(again.code, 0, "{again:#?}");
    assert_eq!(av.sales_orders().len(), env.paid_orders(), "nothing twice");
}
