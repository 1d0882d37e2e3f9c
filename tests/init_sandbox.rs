//! `koppel init` against the sandbox: non-interactive with flags, interactive from stdin, refusing to
//! overwrite, and the error for a missing flag. The configuration it writes is the one `koppel run`
//! then books the orders with.

mod cli_common;

use cli_common::{Env, arg, koppel, koppel_with_input};
use koppel::app::config::KoppelConfig;
use secrecy::ExposeSecret;
use sync_core::domain::{CountryCode, VatRate};

fn import_from() -> String {
    (chrono::Utc::now() - chrono::Duration::days(90))
        .format("%Y-%m-%d")
        .to_string()
}

/// Every flag but the AccountView authorisation.
fn flags(env: &Env, config: &str) -> Vec<String> {
    let ls = env.sb.lightspeed();
    let av = env.sb.accountview();
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
        "--state-url",
        &env.state_url(),
        "--import-from",
        &import_from(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_interactive_init_writes_a_config_that_run_books_orders_with() {
    let env = Env::start(20, 30).await;
    let config = env.path("koppel.toml");
    let mut args = flags(&env, &arg(&config));
    let av = env.sb.accountview();
    args.extend([
        "--accountview-redirect-uri".to_owned(),
        av.redirect_uri(),
        "--accountview-code".to_owned(),
        av.issue_authorization_code(),
    ]);
    let out = koppel(&strs(&args)).await;
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("connected to shop"), "{}", out.stdout);
    assert!(out.stdout.contains("SPAAK"), "{}", out.stdout);
    assert!(out.stdout.contains("Proposed mappings:"), "{}", out.stdout);
    assert!(out.stdout.contains("VAT code BE 21 %"), "{}", out.stdout);
    assert!(!out.stdout.contains("warning:"), "{}", out.stdout);
    assert!(out.stdout.contains("Next: koppel check"), "{}", out.stdout);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the file holds secrets");
    }

    let loaded = KoppelConfig::load(&config).expect("the written file loads");
    let o = &loaded.orders;
    assert_eq!(
        o.vat_code(Some(CountryCode::BE), VatRate::from_percentage(21), false),
        Some("5")
    );
    assert_eq!(o.revenue_account(Some(CountryCode::NL)), Some("8000"));
    assert_eq!(o.payment("invoice").condition.as_deref(), Some("14"));
    let ledger = &loaded.accountview.as_ref().unwrap().ledger;
    assert_eq!(ledger.payment_method_column.as_deref(), Some("PAY_MTH"));
    let ls = loaded.lightspeed.as_ref().unwrap();
    assert_eq!(
        ls.shop.shop_id.as_deref(),
        Some(env.sb.lightspeed().shop_id().to_string().as_str())
    );
    assert_eq!(
        loaded.accountview.as_ref().unwrap().company_id,
        av.company_id()
    );

    let run = koppel(&["run", "--config", &arg(&config), "--json"]).await;
    assert_eq!(run.code, 0, "{run:#?}");
    let report = run.json();
    let created = report[0]["counts"]["created"].as_u64().unwrap();
    assert_eq!(created as usize, env.paid_orders(), "{report:#}");
    assert_eq!(av.sales_orders().len(), env.paid_orders());
    let booked = &av.sales_orders()[0].header;
    assert!(
        booked["SHIP_MTH"].as_str().is_some_and(|s| !s.is_empty()),
        "the shipping code is written: {booked}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_refuses_to_overwrite_without_force_and_takes_a_refresh_token() {
    let env = Env::start(5, 20).await;
    let config = env.path("koppel.toml");
    std::fs::write(&config, "# mine\n").unwrap();
    let mut args = flags(&env, &arg(&config));
    args.extend([
        "--accountview-refresh-token".to_owned(),
        env.sb
            .accountview()
            .refresh_token()
            .expose_secret()
            .to_owned(),
    ]);
    let out = koppel(&strs(&args)).await;
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "# mine\n");
    assert_eq!(
        env.sb.lightspeed().request_count(),
        0,
        "refused before any request"
    );

    args.push("--force".to_owned());
    let out = koppel(&strs(&args)).await;
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout.contains("the refresh token works"),
        "{}",
        out.stdout
    );
    KoppelConfig::load(&config).expect("the new file loads");
    let check = koppel(&["check", "--config", &arg(&config)]).await;
    assert_eq!(check.code, 0, "{check:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_answer_in_non_interactive_mode_names_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("koppel.toml");
    let out = koppel(&[
        "init",
        "--non-interactive",
        "--config",
        &arg(&config),
        "--lightspeed-api-key",
        "key",
    ])
    .await;
    assert_eq!(out.code, 1, "{out:#?}");
    for flag in [
        "--lightspeed-api-secret",
        "--accountview-client-id",
        "--accountview-client-secret",
        "--accountview-code",
        "--accountview-redirect-uri",
    ] {
        assert!(out.stderr.contains(flag), "{flag} in {}", out.stderr);
    }
    assert!(
        !out.stderr.contains("--lightspeed-api-key,"),
        "{}",
        out.stderr
    );
    assert!(!config.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactive_init_asks_every_question_and_takes_the_defaults() {
    let env = Env::start(5, 20).await;
    let config = env.path("koppel.toml");
    let ls = env.sb.lightspeed();
    let av = env.sb.accountview();
    let answers = [
        ls.base_url().to_string(),                     // cluster or base URL
        String::new(),                                 // language: nl
        ls.api_key(),                                  // key
        ls.api_secret().expose_secret().to_owned(),    // secret
        env.state_url(),                               // state store
        av.base_url().to_string(),                     // AccountView base URL
        String::new(),                                 // sign-in page: derived
        av.client_id(),                                // client id
        av.client_secret().expose_secret().to_owned(), // client secret
        av.redirect_uri(),                             // redirect URI
        av.issue_authorization_code(),                 // the code
        String::new(),                                 // administration: the first
        String::new(),                                 // target: sales_order
        import_from(),                                 // historic import
        String::new(),                                 // dashboard address
        String::new(),                                 // dashboard password: generated
        String::new(),                                 // write: yes
    ]
    .join("\n")
        + "\n";
    let out = koppel_with_input(&["init", "--config", &arg(&config)], Some(&answers)).await;
    assert_eq!(out.code, 0, "{out:#?}");
    let text = &out.stdout;
    for expected in [
        "Lightspeed cluster (eu1, us1) or API base URL [eu1]: ",
        "Shop language (2 letters) [nl]: ",
        "/ams/authorize.aspx?response_type=code",
        "state=",
        "Administrations:",
        "SPAAKTST",
        "Proposed mappings:",
        "The dashboard password was generated",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(
        !text.contains(ls.api_secret().expose_secret()),
        "the secret is not echoed"
    );
    let loaded = KoppelConfig::load(&config).expect("the written file loads");
    assert_eq!(loaded.accountview.unwrap().company_id, av.company_id());
    assert!(loaded.dashboard.password.is_some());
}
