//! The proposal logic on the AccountView fixtures and on the sandbox's administration.

use std::collections::{BTreeMap, BTreeSet};

use accountview_client::{
    Company, DataSet, FieldDictionaryEntry, Journal, LedgerAccount, Record, Row, VatCode,
};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use sync_core::config::{BookingTarget, CountryMatch, VatCodeRule};
use sync_core::domain::{CountryCode, VatRate};

use super::discovery::{
    Administration, Discovery, PaymentCondition, PaymentConditions, ShopFacts, ShopMethods,
};
use super::proposal::{FlowSelection, Proposal, ProposalRequest, propose};

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/accountview/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn records<T: Record>(data: Value) -> Vec<T> {
    let set = DataSet::from_value(data).unwrap();
    set.table(T::TABLE)
        .iter()
        .map(|r| T::from_row(r).unwrap())
        .collect()
}

fn row(value: Value) -> Row {
    match value {
        Value::Object(map) => Row::from_iter(map),
        other => panic!("not an object: {other}"),
    }
}

/// Every column a plan for all flows (sales orders and journal, debtors, stock) may name, as `C10`
/// with the column's name as description, then `fields` (`(table, name, type, length,
/// description)`) replacing or adding columns.
fn full_dictionaries(
    fields: &[(&str, &str, &str, i64, &str)],
) -> BTreeMap<String, Vec<FieldDictionaryEntry>> {
    use accountview_client::sync::{ColumnPlan, LedgerOptions, PlanScope};
    let scope = PlanScope::from_config(
        Some(&sync_core::config::OrdersConfig {
            credit_notes: true,
            ..Default::default()
        }),
        Some(&sync_core::config::StockConfig::default()),
    );
    let plan = ColumnPlan::new(&LedgerOptions::default(), &scope);
    let mut out: BTreeMap<String, Vec<FieldDictionaryEntry>> = BTreeMap::new();
    let entry = |table: &str, name: &str, ty: &str, len: i64, desc: &str| {
        FieldDictionaryEntry::from_row(&row(json!({
            "DBF_NAME": table, "FIELD_NAME": name, "FLD_DESC": desc,
            "FIELD_LEN": len, "FIELD_TYPE": ty, "INP_MAND": false,
        })))
        .unwrap()
    };
    for c in plan.columns() {
        out.entry(c.table.clone())
            .or_default()
            .push(entry(&c.table, &c.column, "C", 10, &c.column));
    }
    for (table, name, ty, len, desc) in fields {
        let list = out.entry((*table).to_owned()).or_default();
        list.retain(|e| !e.is_field(name));
        list.push(entry(table, name, ty, *len, desc));
    }
    out
}

fn dictionary(table: &str, fields: &[(&str, &str, i64)]) -> Vec<FieldDictionaryEntry> {
    fields
        .iter()
        .map(|(name, desc, len)| {
            FieldDictionaryEntry::from_row(&row(json!({
                "DBF_NAME": table, "FIELD_NAME": name, "FLD_DESC": desc,
                "FIELD_LEN": len, "FIELD_TYPE": "C", "INP_MAND": false,
            })))
            .unwrap()
        })
        .collect()
}

fn shop_methods(payment: &[(&str, &str)], shipping: &[&str]) -> ShopMethods {
    ShopMethods {
        payment: payment
            .iter()
            .enumerate()
            .map(|(i, (key, title))| {
                serde_json::from_value(json!({"id": i + 1, "key": key, "title": title})).unwrap()
            })
            .collect(),
        shipping: shipping
            .iter()
            .enumerate()
            .map(|(i, title)| {
                serde_json::from_value(json!({"id": i + 1, "type": "default", "title": title}))
                    .unwrap()
            })
            .collect(),
    }
}

fn discovery(administration: Administration, methods: ShopMethods) -> Discovery {
    Discovery {
        shop: ShopFacts {
            shop_id: "356891".into(),
            name: Some("www.despaak.example".into()),
            currency: Some("EUR".into()),
            permissions: Default::default(),
        },
        methods,
        company: Company {
            id: "3f2c9a7e".into(),
            code: Some("SPAAK".into()),
            description: Some("Fietsenwinkel De Spaak B.V.".into()),
            extra: Row::new(),
        },
        administration,
    }
}

fn request() -> ProposalRequest {
    ProposalRequest {
        target: BookingTarget::SalesOrder,
        import_from: None,
        flows: FlowSelection::default(),
    }
}

fn vat(p: &Proposal, country: &str, rate: &str, vat_number: bool) -> Option<String> {
    let country = CountryCode::parse(country).unwrap();
    let rate = VatRate::from_percentage(rate.parse::<Decimal>().unwrap());
    p.orders
        .vat_code(Some(country), rate, vat_number)
        .map(str::to_owned)
}

fn revenue(p: &Proposal, country: &str) -> String {
    p.orders
        .revenue_account(Some(CountryCode::parse(country).unwrap()))
        .unwrap()
        .to_owned()
}

fn warned(p: &Proposal, text: &str) -> bool {
    p.notes.warnings.iter().any(|w| w.contains(text))
}

/// The sandbox's administration (its seed: `sandbox/src/accountview/seed.rs`).
fn sandbox_administration() -> Administration {
    let vat = [
        ("0", "Geen BTW", 0.0, false, ""),
        ("1", "BTW laag verkoop", 9.0, false, "NL"),
        ("2", "BTW hoog verkoop", 21.0, false, "NL"),
        ("3", "BTW verlegd binnen EU (ICP)", 0.0, true, ""),
        ("4", "Export buiten EU", 0.0, false, ""),
        ("5", "OSS België hoog", 21.0, false, "BE"),
        ("6", "OSS België laag", 6.0, false, "BE"),
        ("7", "OSS Duitsland hoog", 19.0, false, "DE"),
        ("8", "OSS Duitsland laag", 7.0, false, "DE"),
        ("9", "OSS Frankrijk hoog", 20.0, false, "FR"),
        ("10", "OSS Frankrijk laag", 5.5, false, "FR"),
    ]
    .map(|(code, name, pct, reverse, cnt)| {
        json!({"VAT_CODE": code, "VAT_NAME": name, "VAT_PCT": pct, "IS_REVERSE": reverse, "CNT_CODE": cnt})
    });
    let ledger = [
        ("1000", "Kas", 0, false, ""),
        ("1300", "Debiteuren", 1, false, ""),
        ("1600", "Crediteuren", 2, false, ""),
        ("8000", "Omzet webshop NL hoog", 0, true, "2"),
        ("8010", "Omzet webshop NL laag", 0, true, "1"),
        ("8020", "Omzet webshop EU (OSS)", 0, true, ""),
        ("8030", "Omzet EU verlegd (ICP)", 0, true, "3"),
        ("8100", "Omzet export buiten EU", 0, true, "4"),
        ("8200", "Verzendkosten", 0, true, ""),
        ("8900", "Kortingen", 0, true, ""),
    ]
    .map(|(nr, name, link, sell, vat)| {
        json!({"ACCT_NR": nr, "ACCT_NAME": name, "ACCT_LINK": link, "STAT_SELL": sell, "VAT_CODE": vat})
    });
    let journals = [
        ("100", "Kas", "Kas"),
        ("700", "Verkoopboek", "Verkoop"),
        ("800", "Inkoopboek", "Inkoop"),
    ]
    .map(|(code, name, kind)| json!({"DJ_CODE": code, "DJ_NAME": name, "DJ_TYPEV": kind}));
    let conditions = [
        ("00", "Direct betaald (webshop)", 0, 0),
        ("14", "Betaling binnen 14 dagen", 14, 0),
        ("30", "Betaling binnen 30 dagen", 30, 0),
        ("K8", "30 dagen, 2% korting binnen 8 dagen", 30, 2),
    ]
    .map(|(code, desc, days, pd)| {
        PaymentCondition::from_row(&row(
            json!({"DISC_CODE": code, "DISC_DESC": desc, "CRED_DAYS": days, "PD_PCT": pd}),
        ))
        .unwrap()
    });
    let dictionaries = full_dictionaries(&[
        ("SO_HDR", "COMMENT1", "C", 60, "Omschrijving"),
        ("SO_HDR", "DISC_CODE", "C", 2, "Betalingsconditie"),
        ("SO_HDR", "PAY_MTH", "C", 10, "Betaalwijze"),
        ("SO_HDR", "SHIP_MTH", "C", 10, "Verzendwijze"),
        ("SO_LINE", "DISC_AMT", "N", 12, "Kortingsbedrag"),
        ("ARTICLE", "BAR_CODE", "C", 20, "Streepjescode (EAN)"),
        (
            "ARTICLE",
            "QTY_TECH",
            "N",
            12,
            "Aantal technisch (voorraad)",
        ),
        (
            "ARTICLE",
            "QTY_AVAIL",
            "N",
            12,
            "Aantal beschikbaar (technisch min gereserveerd)",
        ),
        (
            "ARTICLE",
            "QTY_RES_SO",
            "N",
            12,
            "Aantal gereserveerd verkooporders",
        ),
        ("ARTICLE", "QTY_ECON", "N", 12, "Economische voorraad"),
    ]);
    Administration {
        business_objects: None,
        vat_codes: records(json!({ "VAT": vat })),
        ledger_accounts: records(json!({ "LEDGER": ledger })),
        journals: records(json!({ "DAILY": journals })),
        payment_conditions: PaymentConditions::Found(conditions.to_vec()),
        articles_readable: true,
        existing_articles: ["VERZEND", "BETAALKOSTEN", "KORTING", "AFRONDING"]
            .map(str::to_owned)
            .into_iter()
            .collect(),
        dictionaries,
        debtor_payment_codes: Vec::new(),
    }
}

fn sandbox_methods() -> ShopMethods {
    shop_methods(
        &[
            ("ideal", "Mollie - iDEAL"),
            ("bancontact", "Mollie - Bancontact"),
            ("creditcard", "Mollie - Creditcard"),
            ("paypal", "PayPal - PayPal"),
            ("invoice", "Achteraf betalen - Op rekening"),
            ("cash", "Betalen bij afhalen"),
        ],
        &[
            "PostNL Pakket Nederland",
            "PostNL Pakket Europa",
            "DHL Express Wereld",
            "Afhalen in de winkel",
        ],
    )
}

#[test]
fn the_sandbox_administration_gets_the_mappings_a_bookkeeper_would_choose() {
    let p = propose(
        &discovery(sandbox_administration(), sandbox_methods()),
        &request(),
    );
    for (country, rate, vat_number, code) in [
        ("NL", "21", false, "2"),
        ("NL", "9", false, "1"),
        ("NL", "0", false, "0"),
        ("BE", "21", false, "5"),
        ("BE", "6", false, "6"),
        ("DE", "19", false, "7"),
        ("DE", "7", false, "8"),
        ("FR", "20", false, "9"),
        ("FR", "5.5", false, "10"),
        ("BE", "0", true, "3"),
        ("US", "0", false, "4"),
        ("CH", "0", false, "4"),
    ] {
        assert_eq!(
            vat(&p, country, rate, vat_number).as_deref(),
            Some(code),
            "{country} {rate} % (vat number {vat_number})"
        );
    }
    assert_eq!(revenue(&p, "NL"), "8000");
    assert_eq!(
        revenue(&p, "BE"),
        "8020",
        "the OSS account, not the ICP one"
    );
    assert_eq!(revenue(&p, "US"), "8100");
    assert_eq!(p.orders.debtor_control_account, "1300");
    assert_eq!(p.orders.sales_journal, "700");
    assert_eq!(p.ledger.sales_journal, "700");
    assert_eq!(p.orders.default_payment_condition.as_deref(), Some("00"));
    let pay = |m: &str| {
        let mapping = p.orders.payment(m);
        (
            mapping.condition.unwrap_or_default(),
            mapping.code.unwrap_or_default(),
        )
    };
    assert_eq!(pay("ideal"), ("00".into(), "IDEAL".into()));
    assert_eq!(pay("bancontact"), ("00".into(), "BANCONTACT".into()));
    assert_eq!(
        pay("invoice"),
        ("14".into(), "INVOICE".into()),
        "on account"
    );
    assert_eq!(pay("cash"), ("00".into(), "CASH".into()));
    let ship = |m: &str| p.orders.shipping_code(m).unwrap_or_default().to_owned();
    assert_eq!(ship("PostNL Pakket Nederland"), "POSTNL-PN");
    assert_eq!(ship("PostNL Pakket Europa"), "POSTNL-PE");
    assert_eq!(ship("DHL Express Wereld"), "DHL");
    assert_eq!(ship("Afhalen in de winkel"), "AFHALEN");
    assert_eq!(p.ledger.payment_method_column.as_deref(), Some("PAY_MTH"));
    assert_eq!(p.ledger.shipping_method_column.as_deref(), Some("SHIP_MTH"));
    assert_eq!(p.ledger.ean_column.as_deref(), Some("BAR_CODE"));
    assert!(p.notes.warnings.is_empty(), "{:#?}", p.notes.warnings);
    let sync = sync_core::config::SyncConfig {
        orders: p.orders.clone(),
        ..Default::default()
    };
    assert!(sync.validate().is_empty(), "{:?}", sync.validate());
    p.ledger.validate().unwrap();
    let text = p.render();
    assert!(text.contains("VAT code BE 21 %"), "{text}");
    assert!(text.contains("OSS België hoog"), "{text}");
}

#[test]
fn the_reference_fixtures_get_dutch_codes_and_warnings_for_what_is_missing() {
    let admin = Administration {
        business_objects: None,
        vat_codes: records(fixture("va1_vat_codes_get_response.json")),
        ledger_accounts: records(fixture("gl1_ledger_get_response.json")),
        journals: Vec::new(),
        payment_conditions: PaymentConditions::Unavailable(
            "the administration offers no PC1 business object".into(),
        ),
        articles_readable: true,
        existing_articles: BTreeSet::new(),
        dictionaries: BTreeMap::new(),
        debtor_payment_codes: Vec::new(),
    };
    let methods = shop_methods(&[("ideal", "iDEAL")], &["PostNL"]);
    let p = propose(&discovery(admin, methods), &request());
    assert_eq!(vat(&p, "NL", "21", false).as_deref(), Some("2"));
    assert_eq!(vat(&p, "NL", "9", false).as_deref(), Some("1"));
    assert_eq!(vat(&p, "NL", "0", false).as_deref(), Some("0"));
    assert_eq!(
        vat(&p, "BE", "21", false).as_deref(),
        Some("2"),
        "no OSS codes: EU consumers with the Dutch code"
    );
    assert!(p.notes.remarks.iter().any(|r| r.contains("no OSS")));
    assert_eq!(vat(&p, "US", "0", false), None);
    assert!(warned(&p, "no export VAT code"));
    assert!(warned(&p, "reverse-charge"));
    assert_eq!(revenue(&p, "NL"), "8000", "the account with the 21 % code");
    assert_eq!(revenue(&p, "DE"), "8000");
    assert!(warned(&p, "no revenue account for EU"));
    assert_eq!(p.orders.debtor_control_account, "1300");
    assert!(warned(&p, "payment conditions unknown"));
    assert_eq!(p.orders.default_payment_condition, None);
    assert_eq!(p.orders.payment("ideal").condition, None);
    assert_eq!(p.orders.payment("ideal").code.as_deref(), Some("IDEAL"));
    assert!(warned(&p, "article VERZEND (shipping) does not exist"));
    assert!(warned(&p, "article AFRONDING (rounding)"));
    assert_eq!(p.orders.shipping_code("PostNL"), Some("POSTNL"));
    assert_eq!(
        p.ledger,
        accountview_client::sync::LedgerOptions::default(),
        "no dictionary: the documented defaults stay"
    );
}

#[test]
fn countries_come_from_vat_names_and_purchase_codes_are_ignored() {
    let codes = json!({"VAT": [
        {"VAT_CODE": "H", "VAT_NAME": "BTW hoog inkoop", "VAT_PCT": 21},
        {"VAT_CODE": "V", "VAT_NAME": "BTW hoog verkoop", "VAT_PCT": 21},
        {"VAT_CODE": "L", "VAT_NAME": "BTW laag", "VAT_PCT": 9},
        {"VAT_CODE": "B", "VAT_NAME": "Belgium standard 21%", "VAT_PCT": 21},
        {"VAT_CODE": "O", "VAT_NAME": "Oostenrijk normaal", "VAT_PCT": 20},
        {"VAT_CODE": "I", "VAT_NAME": "Intracommunautaire levering", "VAT_PCT": 0},
        {"VAT_CODE": "X", "VAT_NAME": "Levering buiten EU", "VAT_PCT": 0},
    ]});
    let admin = Administration {
        vat_codes: records(codes),
        ..sandbox_administration()
    };
    let p = propose(&discovery(admin, sandbox_methods()), &request());
    assert_eq!(
        vat_of(&p, "NL", 21).as_deref(),
        Some("V"),
        "sales, not purchase"
    );
    assert_eq!(vat_of(&p, "NL", 9).as_deref(), Some("L"));
    assert_eq!(vat_of(&p, "BE", 21).as_deref(), Some("B"));
    assert_eq!(vat_of(&p, "AT", 20).as_deref(), Some("O"));
    assert_eq!(vat(&p, "FR", "0", true).as_deref(), Some("I"));
    assert_eq!(vat(&p, "JP", "0", false).as_deref(), Some("X"));
    assert!(warned(&p, "no VAT code at 0 % for the Netherlands"));
    assert!(
        p.orders
            .vat_codes
            .iter()
            .all(|r: &VatCodeRule| r.country != CountryMatch::Eu || r.vat_number == Some(true)),
        "OSS codes exist: no EU fallback to Dutch codes"
    );
}

fn vat_of(p: &Proposal, country: &str, rate: i64) -> Option<String> {
    vat(p, country, &rate.to_string(), false)
}

#[test]
fn missing_columns_are_switched_off_and_the_ean_column_is_found_by_its_description() {
    let mut admin = sandbox_administration();
    admin.dictionaries.insert(
        "SO_HDR".into(),
        dictionary("SO_HDR", &[("REFERENCE", "Referentie", 60)]),
    );
    admin.dictionaries.insert(
        "ARTICLE".into(),
        dictionary("ARTICLE", &[("K1_GTIN", "EAN-code", 13)]),
    );
    admin.existing_articles.remove("KORTING");
    let p = propose(&discovery(admin, sandbox_methods()), &request());
    assert_eq!(p.ledger.payment_method_column, None);
    assert_eq!(p.ledger.shipping_method_column, None);
    assert_eq!(p.ledger.payment_condition_column, None);
    assert_eq!(p.ledger.ean_column.as_deref(), Some("K1_GTIN"));
    assert!(warned(&p, "SO_HDR has no column SHIP_MTH"));
    assert!(warned(&p, "sales_order_reference_column"));
    assert!(warned(&p, "article KORTING (discount)"));
    p.ledger.validate().unwrap();
}

#[test]
fn a_sales_invoice_target_without_a_sales_journal_is_warned_about() {
    let admin = Administration {
        journals: records::<Journal>(
            json!({"DAILY": [{"DJ_CODE": "900", "DJ_NAME": "Memoriaal"}]}),
        ),
        ..sandbox_administration()
    };
    let p = propose(
        &discovery(admin, sandbox_methods()),
        &ProposalRequest {
            target: BookingTarget::SalesInvoice,
            import_from: chrono::NaiveDate::from_ymd_opt(2024, 1, 1),
            flows: FlowSelection::default(),
        },
    );
    assert_eq!(p.orders.target, BookingTarget::SalesInvoice);
    assert_eq!(
        p.orders.import_from,
        chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
    );
    assert!(warned(&p, "no sales journal"));
    assert_eq!(p.orders.sales_journal, "700");
    let no_ledger = Administration {
        ledger_accounts: Vec::<LedgerAccount>::new(),
        vat_codes: Vec::<VatCode>::new(),
        ..sandbox_administration()
    };
    let p = propose(&discovery(no_ledger, ShopMethods::default()), &request());
    assert!(warned(&p, "no revenue account (STAT_SELL)"));
    assert!(warned(&p, "no debtors control account"));
    assert!(warned(&p, "no VAT code at 21 %"));
}

/// Issue 11: an administration whose columns differ from the defaults gets a proposal over the
/// columns it has — the EAN and the sales reservations found by their descriptions, the optional
/// columns it lacks switched off — and the stock formula it chose is said.
#[test]
fn a_variant_administration_gets_only_columns_it_has() {
    let mut admin = sandbox_administration();
    let article = admin.dictionaries.get_mut("ARTICLE").unwrap();
    article.retain(|e| {
        !["BAR_CODE", "QTY_RES_SO", "REC_BLK"]
            .iter()
            .any(|c| e.is_field(c))
    });
    article.extend(dictionary(
        "ARTICLE",
        &[("EAN_CODE", "Streepjescode (EAN)", 20)],
    ));
    article.push(
        FieldDictionaryEntry::from_row(&row(json!({
            "DBF_NAME": "ARTICLE", "FIELD_NAME": "QTY_RESERV", "FIELD_TYPE": "N", "FIELD_LEN": 12,
            "FLD_DESC": "Aantal gereserveerd verkooporders", "INP_MAND": false,
        })))
        .unwrap(),
    );
    admin
        .dictionaries
        .get_mut("SO_LINE")
        .unwrap()
        .retain(|e| !e.is_field("DISC_AMT"));
    admin
        .dictionaries
        .get_mut("CONTACT")
        .unwrap()
        .retain(|e| !e.is_field("TEL_MOB"));
    let p = propose(&discovery(admin, sandbox_methods()), &request());
    assert_eq!(p.ledger.ean_column.as_deref(), Some("EAN_CODE"));
    assert_eq!(p.ledger.article_blocked_column, None);
    assert_eq!(p.ledger.order_line_discount_column, None);
    assert_eq!(p.stock.columns.reserved_sales, "QTY_RESERV");
    assert_eq!(
        p.stock.formula,
        sync_core::config::StockFormula::AvailableMinusReservations
    );
    let chose = |setting: &str| {
        p.notes
            .choices
            .iter()
            .find(|c| c.setting == setting)
            .map(|c| format!("{} {}", c.value, c.because))
    };
    assert!(
        chose("stock column reserved_sales").is_some_and(|c| c.contains("QTY_RESERV")),
        "{:#?}",
        p.notes.choices
    );
    assert!(
        chose("stock formula").is_some_and(|c| c.contains("QTY_AVAIL - QTY_RESERV")),
        "{:#?}",
        p.notes.choices
    );
    assert!(warned(
        &p,
        "ARTICLE has no column REC_BLK: [accountview.ledger] article_blocked_column is switched off"
    ));
    assert!(warned(&p, "SO_LINE has no column DISC_AMT"));
    assert!(
        p.notes
            .remarks
            .iter()
            .any(|r| r.contains("CONTACT has no column TEL_MOB: Koppel leaves it out")),
        "{:#?}",
        p.notes.remarks
    );
    assert_eq!(p.notes.warnings.len(), 2, "{:#?}", p.notes.warnings);
    p.ledger.validate().unwrap();

    // Without any sales reservation column: available stock, said so.
    let mut admin = sandbox_administration();
    admin
        .dictionaries
        .get_mut("ARTICLE")
        .unwrap()
        .retain(|e| !e.is_field("QTY_RES_SO"));
    let p = propose(&discovery(admin, sandbox_methods()), &request());
    assert_eq!(p.stock.formula, sync_core::config::StockFormula::Available);
    assert!(
        chose_of(&p, "stock formula").contains("no sales reservation column"),
        "{:#?}",
        p.notes.choices
    );
}

fn chose_of(p: &Proposal, setting: &str) -> String {
    p.notes
        .choices
        .iter()
        .find(|c| c.setting == setting)
        .map(|c| format!("{} {}", c.value, c.because))
        .unwrap_or_default()
}

/// Issue 11, trap 3: `PC1` is an assumption. When the conditions cannot be read, the codes the
/// debtors use are proposed, and that is said once.
#[test]
fn without_payment_conditions_the_codes_debtors_use_are_proposed_and_said_once() {
    let admin = Administration {
        payment_conditions: PaymentConditions::Unavailable(
            "the administration offers no PC1 business object".into(),
        ),
        debtor_payment_codes: vec![("00".into(), 12), ("14".into(), 4)],
        ..sandbox_administration()
    };
    let p = propose(&discovery(admin, sandbox_methods()), &request());
    assert_eq!(p.orders.default_payment_condition.as_deref(), Some("00"));
    assert_eq!(p.orders.payment("ideal").condition.as_deref(), Some("00"));
    assert_eq!(p.orders.payment("ideal").code.as_deref(), Some("IDEAL"));
    let text = p.render();
    assert_eq!(text.matches("PC1").count(), 1, "said once:\n{text}");
    assert!(text.contains("00 (12 debtors), 14 (4 debtors)"), "{text}");
}

/// Issue 11, trap 2: a flow this build does not have is configured as asked, with a warning.
#[test]
fn a_flow_this_build_does_not_have_is_warned_about() {
    let flows = FlowSelection::parse("orders, products").unwrap();
    assert!(flows.orders && flows.products && !flows.stock && !flows.customers);
    assert_eq!(flows.names(), "orders,products");
    assert!(FlowSelection::parse("orders,invoices").is_err());
    let p = propose(
        &discovery(sandbox_administration(), sandbox_methods()),
        &ProposalRequest { flows, ..request() },
    );
    assert!(warned(&p, "the products flow is not part of this build"));
    assert!(!p.stock.enabled && p.orders.enabled && p.flows.products);
}
