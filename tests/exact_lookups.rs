//! Issue 11, trap 1: AccountView's text `Equal` matches prefixes (FoxPro, `SET EXACT OFF`), and a
//! list filter splits its value at commas. Every lookup of one record by its key or e-mail address
//! must still find exactly that record: `get("1001")` is not debtor 10010, an address with a comma is
//! not a list, an article code that prefixes another is not that other article.

use koppel::app::commands::init::discovery::discover_administration;
use koppel::app::config::KoppelConfig;
use koppel::app::runtime::Runtime;
use koppel::app::sandbox_config::sandbox_toml;
use sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use sync_core::domain::{DebtorDraft, Email, PartyKind};
use sync_core::traits::LedgerDebtors;

async fn start() -> (Sandbox, Runtime) {
    let sb = Sandbox::start(
        SandboxConfig::default()
            .seed(3)
            .customers(60)
            .orders(5)
            .articles(20),
    )
    .await
    .expect("sandbox");
    let config = KoppelConfig::parse(&sandbox_toml(&sb, "memory://")).expect("config");
    let runtime = Runtime::build(&config).await.expect("runtime");
    (sb, runtime)
}

#[tokio::test]
async fn a_record_got_by_its_key_is_that_record_not_the_first_prefix_match() {
    let (sb, runtime) = start().await;
    let client = &runtime.connections[0].accountview;
    let numbers: Vec<String> = sb
        .accountview()
        .debtors()
        .iter()
        .filter_map(|d| d["SUB_NR"].as_str().map(str::to_owned))
        .collect();
    assert!(numbers.iter().any(|n| n == "10010"), "{numbers:?}");
    assert!(!numbers.iter().any(|n| n == "1001"), "{numbers:?}");

    let got = client.debtors().get("1001").await.expect("read");
    assert_eq!(
        got.and_then(|d| d.sub_nr),
        None,
        "there is no debtor 1001 (10010 only starts with it)"
    );
    let got = client.debtors().get("10010").await.expect("read").unwrap();
    assert_eq!(got.sub_nr.as_deref(), Some("10010"));

    let addresses = client
        .delivery_addresses()
        .for_debtor("1001")
        .await
        .expect("read");
    assert!(
        addresses.is_empty(),
        "debtor 1001 has no delivery addresses: {:?}",
        addresses
            .iter()
            .map(|a| a.sub_nr.clone())
            .collect::<Vec<_>>()
    );
}

fn person(email: &str) -> DebtorDraft {
    DebtorDraft {
        name: format!("Klant {email}"),
        kind: PartyKind::Person,
        email: Some(Email::parse(email).unwrap()),
        control_account: Some("1300".into()),
        ..DebtorDraft::default()
    }
}

#[tokio::test]
async fn an_address_with_a_comma_is_looked_up_as_itself_not_as_a_list() {
    let (_sb, runtime) = start().await;
    let ledger = &runtime.connections[0].ledger;
    // A hundred debtors whose address starts with `a`: a list filter `a,b@example.nl` asks for
    // `a` (all of them, by prefix) or `b@example.nl`, and fills its page before the one wanted.
    for i in 0..100 {
        ledger
            .create_debtor(&person(&format!("a{i:03}@example.nl")), None)
            .await
            .expect("create");
    }
    let wanted = ledger
        .create_debtor(&person("a,b@example.nl"), None)
        .await
        .expect("create");
    let found = ledger
        .find_debtor_by_email(&Email::parse("a,b@example.nl").unwrap())
        .await
        .expect("lookup");
    let numbers: Vec<&str> = found.iter().map(|d| d.number.as_str()).collect();
    assert_eq!(
        numbers,
        [wanted.number.as_str()],
        "found by its own address"
    );
}

#[tokio::test]
async fn an_article_exists_only_when_its_own_code_does() {
    let (sb, runtime) = start().await;
    let client = &runtime.connections[0].accountview;
    let av = sb.accountview();
    av.remove_article("VERZEND").unwrap();
    av.upsert_article(json!({"ART_CODE": "VERZEND-EU", "ART_DESC1": "Verzendkosten EU"}))
        .unwrap();
    let admin = discover_administration(client, &["VERZEND", "KORTING"])
        .await
        .expect("discovery");
    assert!(
        !admin.has_article("VERZEND"),
        "VERZEND-EU is not VERZEND: {:?}",
        admin.existing_articles
    );
    assert!(admin.has_article("KORTING"));
}
