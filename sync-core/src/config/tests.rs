use super::*;
use crate::domain::{CountryCode, MatchKey, VatRate};
use crate::testing::OrderBuilder;
use crate::traits::WriteBack;
use rust_decimal_macros::dec;
use std::time::Duration;

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn defaults_are_valid_and_dutch() {
    let config = SyncConfig::default();
    assert_eq!(config.validate(), vec![]);
    let o = &config.orders;
    assert!(o.enabled);
    assert_eq!(o.filter.payment_statuses, ["paid"]);
    assert_eq!(o.look_back.get(), Duration::from_secs(600));
    assert_eq!(o.schedule.unwrap().interval(), Duration::from_secs(300));
    assert_eq!(o.target, BookingTarget::SalesOrder);
    assert_eq!(o.debtor_control_account, "1300");
    assert_eq!(
        o.article_matching,
        [MatchKey::ArticleCode, MatchKey::Sku, MatchKey::Ean]
    );
    assert_eq!(o.articles.shipping, "VERZEND");
    assert_eq!(o.articles.rounding, "AFRONDING");
    assert_eq!(o.rounding_tolerance, dec!(0.05));
    assert_eq!(o.external_reference.format, "LS-{shop_id}-{number}");
    assert_eq!(o.sales_journal, "700");
    assert_eq!(
        config.stock.formula,
        StockFormula::AvailableMinusReservations
    );
    assert!(!config.products.enabled);
    assert!(!config.customers.enabled);
}

#[test]
fn vat_code_and_revenue_account_lookups() {
    let o = OrdersConfig::default();
    let nl = Some(CountryCode::NL);
    assert_eq!(
        o.vat_code(nl, VatRate::from_percentage(21), false),
        Some("2")
    );
    assert_eq!(
        o.vat_code(nl, VatRate::from_percentage(9), false),
        Some("1")
    );
    assert_eq!(o.vat_code(nl, VatRate::ZERO, false), Some("0"));
    assert_eq!(
        o.vat_code(Some(CountryCode::DE), VatRate::from_percentage(19), false),
        None
    );
    assert_eq!(o.revenue_account(nl), Some("8000"));
    assert_eq!(o.revenue_account(Some(CountryCode::BE)), Some("8010"));
    assert_eq!(
        o.revenue_account(CountryCode::parse("CH").ok()),
        Some("8100")
    );
}

#[test]
fn payment_and_shipping_mappings_ignore_case() {
    let config: OrdersConfig = from_toml_str_with_env(
        r#"
        default_payment_condition = "30"
        [payment_methods.iDEAL]
        condition = "00"
        code = "IDEAL"
        [payment_methods.invoice]
        code = "FACT"
        [shipping_methods]
        PostNL = "PNL"
        "#,
        &no_env,
    )
    .unwrap();
    let ideal = config.payment("ideal");
    assert_eq!(
        (ideal.condition.as_deref(), ideal.code.as_deref()),
        (Some("00"), Some("IDEAL"))
    );
    let invoice = config.payment("Invoice");
    assert_eq!(
        invoice.condition.as_deref(),
        Some("30"),
        "falls back to the default condition"
    );
    assert_eq!(config.payment("cash").code, None);
    assert_eq!(config.shipping_code("postnl"), Some("PNL"));
    assert_eq!(config.shipping_code("dhl"), None);
}

#[test]
fn external_reference_rendering() {
    let o = OrdersConfig::default();
    let order = OrderBuilder::new("ORD00018").shop_id("4711").build();
    assert_eq!(
        o.external_reference.render(&order).as_str(),
        "LS-4711-ORD00018"
    );
}

#[test]
fn toml_round_trip_of_a_full_configuration() {
    let text = r#"
        [orders]
        target = "sales_invoice"
        import_from = 2024-01-01
        look_back = "15m"
        schedule = "2m"
        default_debtor = "99999"
        debtor_numbering = { mode = "from_customer_id", prefix = "LS" }
        article_matching = ["sku", "ean"]
        fallback_article = "DIVERS"
        vat_codes = [
            { country = "NL", rate = 21, code = "2" },
            { country = "EU", rate = 0, vat_number = true, code = "5" },
            { country = "any", code = "9" },
        ]
        revenue_accounts = [{ country = "NL", account = "8000" }, { country = "non_eu", account = "8100" }]
        rounding_tolerance = 0.02
        order_discount = "header"
        write_back = { mode = "custom_status", id = "123" }
        credit_notes = true
        [orders.filter]
        statuses = ["awaiting_shipment"]
        payment_statuses = ["paid", "partially_paid"]

        [stock]
        formula = { expression = "max(QTY_TECH - QTY_RES_SO, 0)" }
        buffer = 2
        match_order = ["ean"]

        [products]
        enabled = true
        article_filter = [{ field = "K1_WEBSHOP" }, { field = "K1_BRAND", op = "one_of", value = ["A", "B"] }]
        attributes = [{ name = "Land van herkomst", field = "K1_ORIGIN" }]
        images = { field = "IMG_MEDIUM", base_url = "https://cdn.example.nl" }
        rules = [{ target = "fulltitle", transforms = [{ op = "template", text = "{ART_DESC1}" }] }]
        [products.ownership]
        long_description = "sync"
        [products.prices]
        include_vat = true

        [customers]
        enabled = true
        to_shop = true
        echo_window = "5m"
    "#;
    let config = SyncConfig::from_toml(text).unwrap();
    assert_eq!(config.orders.target, BookingTarget::SalesInvoice);
    assert_eq!(
        config.orders.import_from,
        chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
    );
    assert_eq!(
        config.orders.debtor_numbering,
        DebtorNumbering::FromCustomerId {
            prefix: "LS".into()
        }
    );
    assert_eq!(
        config.orders.write_back,
        WriteBack::CustomStatus { id: "123".into() }
    );
    assert_eq!(config.orders.rounding_tolerance, dec!(0.02));
    assert_eq!(
        config
            .orders
            .vat_code(Some(CountryCode::BE), VatRate::ZERO, true),
        Some("5")
    );
    assert_eq!(
        config.stock.formula,
        StockFormula::Expression("max(QTY_TECH - QTY_RES_SO, 0)".into())
    );
    assert_eq!(config.products.ownership.long_description, Ownership::Sync);
    assert_eq!(config.customers.echo_window.get(), Duration::from_secs(300));

    let written = config.to_toml().unwrap();
    let again = SyncConfig::from_toml(&written).unwrap();
    assert_eq!(again, config, "written TOML:\n{written}");
    let defaults = SyncConfig::from_toml(&SyncConfig::default().to_toml().unwrap()).unwrap();
    assert_eq!(defaults, SyncConfig::default());
}

#[test]
fn unknown_key_names_the_key_and_line() {
    let err =
        SyncConfig::from_toml("[orders]\nenabled = true\nrounding_tolerence = 0.1\n").unwrap_err();
    match &err {
        ConfigError::Parse { message, line, .. } => {
            assert!(message.contains("rounding_tolerence"), "{message}");
            assert_eq!(*line, Some(3));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("line 3"), "{err}");
    let err = SyncConfig::from_toml("[stok]\n").unwrap_err();
    assert!(err.to_string().contains("stok"), "{err}");
    let err = SyncConfig::from_toml("[orders.articles]\nshiping = \"X\"\n").unwrap_err();
    assert!(err.to_string().contains("shiping"), "{err}");
    let err = SyncConfig::from_toml("[orders]\nschedule = \"5 weeks\"\n").unwrap_err();
    assert!(err.to_string().contains("unknown unit `weeks`"), "{err}");
    let err = SyncConfig::from_toml("[orders]\nimport_from = 2024-13-01\n").unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
    let err = SyncConfig::from_toml(
        "[orders]\ndebtor_numbering = { mode = \"next_free\", from = 1, to = 9, step = 2 }\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("step"), "{err}");
}

#[test]
fn env_placeholders_resolve_and_missing_ones_are_named() {
    let env = |name: &str| (name == "CDN_URL").then(|| "https://cdn.example.nl".to_owned());
    let config: SyncConfig = from_toml_str_with_env(
        "[products.images]\nfield = \"IMG\"\nbase_url = \"${CDN_URL}\"\n",
        &env,
    )
    .unwrap();
    assert_eq!(
        config.products.images.base_url.as_deref(),
        Some("https://cdn.example.nl")
    );
    let err =
        from_toml_str_with_env::<SyncConfig>("[orders]\ndefault_debtor = \"${DEBTOR}\"\n", &env)
            .unwrap_err();
    assert_eq!(
        err,
        ConfigError::MissingEnv {
            name: "DEBTOR".into(),
            path: "orders.default_debtor".into()
        }
    );
    let sync: SyncError = err.into();
    assert!(sync.stops_run());
}

#[test]
fn validate_returns_every_problem() {
    let mut config = SyncConfig::default();
    config.orders.debtor_numbering = DebtorNumbering::NextFree { from: 50, to: 10 };
    config.orders.debtor_control_account = " ".into();
    config.orders.article_matching = vec![MatchKey::Sku, MatchKey::Sku];
    config.orders.vat_codes[0].code = String::new();
    config.orders.vat_codes[1].rate = Some(dec!(150));
    config.orders.external_reference.format = "LS-{shop_id}-{ordernr}".into();
    config.orders.target = BookingTarget::SalesInvoice;
    config.orders.sales_journal = String::new();
    config.orders.write_back = WriteBack::Metafield { key: String::new() };
    config.orders.rounding_tolerance = dec!(-1);
    config.stock.formula = StockFormula::Expression("QTY_TECH +".into());
    config.products.images.base_url = Some("cdn.example.nl".into());
    config.products.categories.mode = CategoryMode::Map;
    config.customers.enabled = true;
    config.customers.to_ledger = false;
    let problems = config.validate();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    for expected in [
        "orders.debtor_numbering",
        "orders.debtor_control_account",
        "orders.article_matching",
        "orders.vat_codes[0].code",
        "orders.vat_codes[1].rate",
        "orders.rounding_tolerance",
        "orders.external_reference.format",
        "orders.sales_journal",
        "orders.write_back.key",
        "stock.formula",
        "products.categories.map",
        "products.images.base_url",
        "customers",
    ] {
        assert!(paths.contains(&expected), "missing {expected} in {paths:?}");
    }
    let format_problems: Vec<_> = problems
        .iter()
        .filter(|p| p.path == "orders.external_reference.format")
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(format_problems.len(), 2, "{format_problems:?}");
    assert!(format_problems[0].contains("ordernr"));
    match config.check().unwrap_err() {
        ConfigError::Invalid(list) => assert_eq!(list.len(), problems.len()),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        config.orders.validate().len(),
        problems
            .iter()
            .filter(|p| p.path.starts_with("orders"))
            .count()
    );
    assert!(
        SyncConfig::from_toml("[orders]\nsales_journal = \"\"\ntarget = \"sales_invoice\"\n")
            .unwrap_err()
            .to_string()
            .contains("orders.sales_journal: must not be empty")
    );
}

#[test]
fn products_rules_are_checked() {
    let config = SyncConfig::from_toml(
        "[products]\nrules = [{ target = \"x\", transforms = [{ op = \"regex_replace\", pattern = \"(\", replacement = \"\" }] }]\n",
    )
    .unwrap_err();
    assert!(config.to_string().contains("products.rules"), "{config}");
}
