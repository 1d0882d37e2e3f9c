//! Issue 11, "the field dictionary is the truth": a merchant's first hour against an administration
//! whose columns differ a little from the defaults (`AvLayout::variant()`: the EAN in `EAN_CODE`,
//! sales reservations in `QTY_RESERV`, no blocked flag or VAT code on articles, no discount amount,
//! VAT code or revenue account on order lines, no mobile phone or language on debtors, no `PC1`).
//!
//! * The default configuration: the orders run drops every optional column the administration lacks
//!   (one warning each in its report) and books every order; the stock run stops before it reads an
//!   article, naming the option of the quantity column the administration lacks.
//! * `koppel init --non-interactive` → `koppel check` → `koppel run --flow all` books the orders and
//!   writes the stock on the first try, and `check` lists exactly the columns the run uses.

mod cli_common;

use std::collections::BTreeSet;

use cli_common::{Env, arg, koppel};
use sandbox::{AvLayout, RateLimits, Sandbox, SandboxConfig};
use secrecy::ExposeSecret;
use serde_json::Value;

async fn variant_env(orders: usize, articles: usize) -> Env {
    let sb = Sandbox::start(
        SandboxConfig::default()
            .seed(11)
            .orders(orders)
            .articles(articles)
            .av_layout(AvLayout::variant())
            .rate_limits(RateLimits {
                per_second: 10_000,
                ..RateLimits::default()
            }),
    )
    .await
    .expect("sandbox");
    Env {
        sb,
        dir: tempfile::tempdir().expect("tempdir"),
    }
}

fn report<'a>(reports: &'a Value, flow: &str) -> &'a Value {
    reports
        .as_array()
        .and_then(|r| r.iter().find(|r| r["flow"] == flow))
        .unwrap_or_else(|| panic!("no {flow} report in {reports:#}"))
}

fn warnings(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .map(|w| {
            w.iter()
                .map(|w| w.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_configuration_drops_what_the_administration_lacks_and_names_what_it_needs() {
    let env = variant_env(20, 30).await;
    let config = env.write_config("koppel.toml", "");
    let out = koppel(&["run", "--config", &arg(&config), "--flow", "all", "--json"]).await;
    let reports = out.json();
    let orders = report(&reports, "orders");
    assert_eq!(orders["outcome"], "success", "{orders:#}");
    assert_eq!(
        orders["counts"]["created"].as_u64().unwrap() as usize,
        env.paid_orders(),
        "{orders:#}"
    );
    assert_eq!(env.sb.accountview().sales_orders().len(), env.paid_orders());
    let orders_warnings = warnings(orders);
    for column in [
        "ARTICLE has no column BAR_CODE",
        "ARTICLE has no column REC_BLK",
        "SO_LINE has no column DISC_AMT",
        "CONTACT has no column TEL_MOB",
        "CONTACT has no column LNG_CODE",
    ] {
        assert_eq!(
            orders_warnings
                .iter()
                .filter(|w| w.contains(column))
                .count(),
            1,
            "one warning for {column}: {orders_warnings:#?}"
        );
    }
    assert_eq!(orders_warnings.len(), 5, "{orders_warnings:#?}");
    let named = env.sb.accountview().columns_named();
    for (table, column) in [
        ("ARTICLE", "REC_BLK"),
        ("ARTICLE", "BAR_CODE"),
        ("SO_LINE", "DISC_AMT"),
        ("CONTACT", "TEL_MOB"),
    ] {
        assert!(
            !named.contains(&(table.to_owned(), column.to_owned())),
            "{table}.{column} was sent: {named:?}"
        );
    }

    let stock = report(&reports, "stock");
    assert_eq!(stock["outcome"], "failed", "{stock:#}");
    let fatal = stock["fatal_error"]["message"].as_str().unwrap();
    assert!(
        fatal.contains("[stock.columns] reserved_sales: ARTICLE has no column QTY_RES_SO"),
        "{fatal}"
    );
    assert_eq!(
        stock["counts"]["read"], 0,
        "stopped before reading articles"
    );
    assert_eq!(out.code, 1, "a failed run: {out:#?}");
}

/// The flags of a non-interactive `koppel init` against the sandbox.
fn init_flags(env: &Env, config: &str) -> Vec<String> {
    let ls = env.sb.lightspeed();
    let av = env.sb.accountview();
    let import_from = (chrono::Utc::now() - chrono::Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    [
        "init",
        "--non-interactive",
        "--config",
        config,
        "--lightspeed-base-url",
        ls.base_url().as_str(),
        "--lightspeed-language",
        ls.language(),
        "--lightspeed-api-key",
        &ls.api_key(),
        "--lightspeed-api-secret",
        ls.api_secret().expose_secret(),
        "--accountview-base-url",
        av.base_url().as_str(),
        "--accountview-client-id",
        &av.client_id(),
        "--accountview-client-secret",
        av.client_secret().expose_secret(),
        "--accountview-company",
        &av.company_code(),
        "--accountview-refresh-token",
        av.refresh_token().expose_secret(),
        "--state-url",
        &env.state_url(),
        "--import-from",
        &import_from,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

/// `(TABLE, COLUMN)` of the columns `check --json` lists as used by a run.
fn checked_columns(check: &Value) -> BTreeSet<(String, String)> {
    check["connections"][0]["accountview"]["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter(|c| c["status"] != "missing")
        .map(|c| {
            (
                c["table"].as_str().unwrap().to_owned(),
                c["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_check_and_run_work_on_the_first_try_against_a_variant_administration() {
    let env = variant_env(20, 30).await;
    let config = env.path("koppel.toml");
    let args = init_flags(&env, &arg(&config));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let init = koppel(&args).await;
    assert_eq!(init.code, 0, "{init:#?}");
    let text = &init.stdout;
    for expected in [
        "EAN column of articles",
        "EAN_CODE",
        "stock column reserved_sales",
        "QTY_RESERV",
        "stock formula",
        "ARTICLE has no column REC_BLK: [accountview.ledger] article_blocked_column is switched off",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert_eq!(
        text.matches("PC1").count(),
        1,
        "the missing payment conditions are said once:\n{text}"
    );
    let loaded = koppel::app::config::KoppelConfig::load(&config).expect("the file loads");
    let ledger = &loaded.accountview.as_ref().unwrap().ledger;
    assert_eq!(ledger.ean_column.as_deref(), Some("EAN_CODE"));
    assert_eq!(ledger.article_blocked_column, None);
    assert_eq!(ledger.order_line_discount_column, None);
    assert_eq!(loaded.stock.columns.reserved_sales, "QTY_RESERV");
    assert!(loaded.stock.enabled && loaded.orders.enabled);
    assert!(
        loaded.orders.default_payment_condition.is_some(),
        "taken from the debtors in use"
    );

    let check = koppel(&["check", "--config", &arg(&config)]).await;
    assert_eq!(check.code, 0, "{check:#?}");
    assert!(
        check.stdout.contains("Both connections work."),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("EAN_CODE C20"), "{}", check.stdout);
    assert!(check.stdout.contains("QTY_RESERV N12"), "{}", check.stdout);
    let check_json = koppel(&["check", "--config", &arg(&config), "--json"]).await;
    assert_eq!(check_json.code, 0, "{check_json:#?}");
    let listed = checked_columns(&check_json.json());

    env.sb.accountview().reset_counters();
    let run = koppel(&["run", "--config", &arg(&config), "--flow", "all", "--json"]).await;
    assert_eq!(run.code, 0, "{run:#?}");
    let reports = run.json();
    let orders = report(&reports, "orders");
    assert_eq!(orders["outcome"], "success", "{orders:#}");
    assert_eq!(
        orders["counts"]["created"].as_u64().unwrap() as usize,
        env.paid_orders(),
        "{orders:#}"
    );
    let stock = report(&reports, "stock");
    assert_eq!(stock["outcome"], "success", "{stock:#}");
    assert!(
        stock["counts"]["updated"].as_u64().unwrap() > 0,
        "stock is written: {stock:#}"
    );
    assert!(
        stock["counts"]["updated"].as_u64().unwrap() > stock["counts"]["skipped"].as_u64().unwrap(),
        "not every article skipped: {stock:#}"
    );

    // `check` listed exactly what the run used: every column a request named is listed…
    let named = env.sb.accountview().columns_named();
    let unlisted: Vec<_> = named.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "used but not listed by check: {unlisted:?}"
    );
    // …and nothing listed is absent from the administration.
    assert!(listed.contains(&("ARTICLE".to_owned(), "EAN_CODE".to_owned())));
    assert!(!listed.contains(&("ARTICLE".to_owned(), "REC_BLK".to_owned())));
}
