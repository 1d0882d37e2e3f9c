//! `koppel check` against the sandbox: a working configuration passes with a summary; wrong secrets
//! fail with exit 1 naming the problem and what to do; an optional column the administration lacks
//! is a warning, a required one a failure naming its option; a booking lookup the administration
//! cannot answer is a failure.

mod cli_common;

use cli_common::{Env, arg, koppel};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_passes_against_the_sandbox_and_summarises_the_administration() {
    let env = Env::start(5, 20).await;
    let config = env.write_config("koppel.toml", "");
    let out = koppel(&["check", "--config", &arg(&config)]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    let text = &out.stdout;
    let shop = env.sb.lightspeed().shop_id().to_string();
    for expected in [
        "connection default: ok",
        shop.as_str(),
        "currency EUR",
        "permissions         all needed",
        "rate limit left     5-minute window",
        "SPAAK (Fietsenwinkel De Spaak B.V.)",
        "VAT codes           11",
        "ledger accounts     17",
        "journals            5",
        "payment conditions  4",
        "articles            readable",
        "booking lookup      SO1.COMMENT1 (by reference)",
        "Both connections work.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("warning:"), "{text}");
    assert_eq!(
        env.sb.accountview().write_count(),
        0,
        "check writes nothing"
    );
    assert_eq!(env.sb.lightspeed().write_count(), 0, "check writes nothing");

    let json = koppel(&["check", "--config", &arg(&config), "--json"]).await;
    assert_eq!(json.code, 0, "{json:#?}");
    let report = json.json();
    assert_eq!(report["ok"], true);
    let c = &report["connections"][0];
    assert_eq!(c["name"], "default");
    assert_eq!(c["lightspeed"]["shop"]["shop_id"], shop.as_str());
    assert_eq!(c["accountview"]["vat_codes"], 11);
    assert_eq!(c["accountview"]["payment_conditions"], 4);
    assert_eq!(c["warnings"].as_array().map(Vec::len), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_secrets_fail_with_exit_1_and_say_what_to_do() {
    let env = Env::start(5, 20).await;
    let good = env.write_config("good.toml", "");
    let text = std::fs::read_to_string(&good).unwrap();
    let bad = text
        .lines()
        .map(|l| {
            if l.starts_with("client_secret = ") {
                "client_secret = \"not-the-secret\"".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let path = env.path("bad.toml");
    std::fs::write(&path, bad).unwrap();
    let out = koppel(&["check", "--config", &arg(&path)]).await;
    assert_eq!(out.code, 1, "{out:#?}");
    let text = &out.stdout;
    assert!(text.contains("Lightspeed   ok"), "{text}");
    assert!(text.contains("AccountView  FAILED"), "{text}");
    assert!(text.contains("invalid_client"), "{text}");
    assert!(
        text.contains("what to do:  the client id or secret is wrong"),
        "{text}"
    );
    assert!(
        !text.contains("not-the-secret"),
        "no secret in the output: {text}"
    );

    let ls_bad = std::fs::read_to_string(&good).unwrap().replace(
        &format!(
            "api_secret = \"{}\"",
            secrecy::ExposeSecret::expose_secret(&env.sb.lightspeed().api_secret())
        ),
        "api_secret = \"wrong\"",
    );
    let path = env.path("ls-bad.toml");
    std::fs::write(&path, ls_bad).unwrap();
    let out = koppel(&["check", "--config", &arg(&path), "--json"]).await;
    assert_eq!(out.code, 1, "{out:#?}");
    let report = out.json();
    let ls = &report["connections"][0]["lightspeed"];
    assert_eq!(ls["ok"], false);
    assert!(
        ls["problem"]["problem"].as_str().unwrap().contains("401"),
        "{report:#}"
    );
    assert!(
        ls["problem"]["what_to_do"]
            .as_str()
            .unwrap()
            .contains("api_secret"),
        "{report:#}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_optional_columns_and_codes_are_warnings_not_failures() {
    let env = Env::start(5, 20).await;
    // Appended to the sandbox configuration's last table, [accountview.ledger].
    let config = env.write_config("koppel.toml", "ean_column = \"K1_EAN\"\n");
    let out = koppel(&["check", "--config", &arg(&config)]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    let text = &out.stdout;
    assert!(
        text.contains(
            "warning: ARTICLE has no column K1_EAN: [accountview.ledger] ean_column is left out \
             of this run"
        ),
        "{text}"
    );
    assert!(
        text.contains("not in the administration  ARTICLE.K1_EAN"),
        "{text}"
    );

    env.sb.accountview().remove_article("VERZEND").unwrap();
    let out = koppel(&["check", "--config", &arg(&config)]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout.contains("article VERZEND does not exist in AK1"),
        "{}",
        out.stdout
    );
}

/// Issue 11: a column a run cannot do without — here a quantity column of the stock formula — fails
/// the check, naming the option to set, as it would stop the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_required_column_the_administration_lacks_fails_naming_the_option() {
    let env = Env::start(5, 20).await;
    let config = env.write_config(
        "koppel.toml",
        "\n[stock.columns]\nreserved_sales = \"QTY_RESERVED\"\n",
    );
    let out = koppel(&["check", "--config", &arg(&config)]).await;
    assert_eq!(out.code, 1, "{out:#?}");
    let text = &out.stdout;
    assert!(text.contains("AccountView  FAILED"), "{text}");
    assert!(
        text.contains(
            "[stock.columns] reserved_sales: ARTICLE has no column QTY_RESERVED in this \
             administration's field dictionary"
        ),
        "{text}"
    );
    assert!(
        text.contains("not in the administration  ARTICLE.QTY_RESERVED"),
        "{text}"
    );
    assert_eq!(
        env.sb.accountview().write_count(),
        0,
        "check writes nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configuration_error_is_exit_1_naming_the_key() {
    let env = Env::start(2, 10).await;
    let config = env.write_config("koppel.toml", "\n[orders.filter]\nstatusses = []\n");
    let out = koppel(&["check", "--config", &arg(&config)]).await;
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("statusses"), "{}", out.stderr);
}

/// `check` looks a booking up by its reference the way a run does: a business object or column the
/// administration cannot read bookings from fails it (a run would book every order blind).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_lookup_that_cannot_be_performed_fails_naming_object_and_column() {
    let env = Env::start(2, 10).await;
    let good = env.write_config("good.toml", "");
    let text = std::fs::read_to_string(&good).unwrap();

    // Sales invoices, looked up in a business object the administration does not have.
    let invoices = format!(
        "{}journal_read_object = \"DJ9\"\n",
        text.replace("target = \"sales_order\"", "target = \"sales_invoice\"")
    );
    let path = env.path("invoices.toml");
    std::fs::write(&path, invoices).unwrap();
    let out = koppel(&["check", "--config", &arg(&path)]).await;
    assert_eq!(out.code, 1, "{out:#?}");
    let text_out = &out.stdout;
    assert!(text_out.contains("AccountView  FAILED"), "{text_out}");
    assert!(
        text_out.contains("the reference lookup of DJ9.HDR_DESC cannot be performed"),
        "{text_out}"
    );
    assert!(text_out.contains("journal_read_object"), "{text_out}");

    // Sales orders, looked up by a column SO_HDR does not have.
    let column = env.write_config("column.toml", "sales_order_reference_column = \"REF_NR\"\n");
    let out = koppel(&["check", "--config", &arg(&column), "--json"]).await;
    assert_eq!(out.code, 1, "{out:#?}");
    let report = out.json();
    let av = &report["connections"][0]["accountview"];
    assert_eq!(av["ok"], false, "{report:#}");
    let problem = av["problem"]["problem"].as_str().unwrap();
    assert!(
        problem.contains(
            "[accountview.ledger] sales_order_reference_column: SO_HDR has no column REF_NR"
        ),
        "the field dictionary says so before any lookup: {problem}"
    );

    // The working configuration's lookups pass and are listed.
    let out = koppel(&["check", "--config", &arg(&good), "--json"]).await;
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.json()["connections"][0]["accountview"]["booking_lookups"],
        serde_json::json!(["SO1.COMMENT1"])
    );
    assert_eq!(
        env.sb.accountview().write_count(),
        0,
        "check writes nothing"
    );
}
