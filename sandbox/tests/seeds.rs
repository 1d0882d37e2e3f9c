//! The seeded shop and administration: deterministic, realistic, consistent to the cent.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{TimeZone, Utc};
use common::{Av, Ls, small, start};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use sandbox::SandboxConfig;
use serde_json::Value;

fn d(v: &Value) -> Decimal {
    match v {
        Value::Number(n) => n.to_string().parse().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("not a number: {other}"),
    }
}

fn cfg() -> SandboxConfig {
    SandboxConfig::default()
        .seed(42)
        .customers(60)
        .orders(200)
        .articles(120)
        .now(Utc.with_ymd_and_hms(2026, 6, 15, 10, 0, 0).unwrap())
        .rate_limits(sandbox::RateLimits::unlimited())
}

/// Strips what legitimately differs between two runs: ports in links.
fn normalise(v: &Value, base: &str) -> String {
    v.to_string().replace(base, "BASE/")
}

#[tokio::test]
async fn same_seed_same_data_different_seed_different_data() {
    let a = start(cfg()).await;
    let b = start(cfg()).await;
    assert_eq!(a.seed_data(), b.seed_data());
    let (la, lb) = (a.lightspeed(), b.lightspeed());
    for (x, y) in [
        (la.orders(), lb.orders()),
        (la.customers(), lb.customers()),
        (la.variants(), lb.variants()),
        (la.products(), lb.products()),
    ] {
        assert_eq!(
            normalise(&Value::Array(x), la.base_url().as_str()),
            normalise(&Value::Array(y), lb.base_url().as_str())
        );
    }
    assert_eq!(la.api_key(), lb.api_key());
    let (aa, ab) = (a.accountview(), b.accountview());
    for table in ["ARTICLE", "CONTACT", "DEL_ADDR", "ART_GRP", "VAT", "LEDGER"] {
        assert_eq!(aa.rows(table), ab.rows(table), "{table}");
    }
    assert_eq!(aa.company_id(), ab.company_id());
    let c = start(cfg().seed(43)).await;
    assert_ne!(a.seed_data().articles, c.seed_data().articles);
    assert_ne!(la.api_key(), c.lightspeed().api_key());
}

#[tokio::test]
async fn every_seeded_order_reconciles_to_the_cent() {
    let sb = start(cfg()).await;
    let ls = Ls::new(sb.lightspeed());
    let mut rates_seen = BTreeSet::new();
    let mut with_discount = 0;
    let mut with_payment_costs = 0;
    let mut free_shipping = 0;
    let ids: Vec<u64> = ls
        .sim
        .orders()
        .iter()
        .map(|o| o["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids.len(), 200);
    for id in ids {
        let o = ls.get(&format!("orders/{id}.json")).await.json["order"].clone();
        let lines = o["products"]["resource"]["embedded"]
            .as_array()
            .unwrap()
            .clone();
        assert!((1..=5).contains(&lines.len()), "1–5 lines");
        let sum = |k: &str| lines.iter().map(|l| d(&l[k])).sum::<Decimal>();
        let excl = sum("priceExcl") + d(&o["shipmentPriceExcl"]) + d(&o["paymentPriceExcl"]);
        let incl = sum("priceIncl") + d(&o["shipmentPriceIncl"]) + d(&o["paymentPriceIncl"]);
        assert_eq!(d(&o["priceExcl"]), excl, "order {id} excl");
        assert_eq!(d(&o["priceIncl"]), incl, "order {id} incl");
        let tax: Decimal = o["taxRates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| d(&t["amount"]))
            .sum();
        assert_eq!(tax, incl - excl, "order {id}: taxRates sum to incl − excl");
        for l in &lines {
            let rate = d(&l["taxRate"]);
            rates_seen.insert(rate.normalize().to_string());
            assert_eq!(
                d(&l["taxRates"][0]["amount"]),
                d(&l["priceIncl"]) - d(&l["priceExcl"])
            );
            let q = d(&l["quantityOrdered"]);
            assert_eq!(
                d(&l["priceIncl"]) + d(&l["discountIncl"]),
                (d(&l["basePriceIncl"]) * q).round_dp(2),
                "order {id} line incl"
            );
            assert!(d(&l["priceIncl"]) >= d(&l["priceExcl"]));
            if !d(&l["discountIncl"]).is_zero() {
                with_discount += 1;
            }
            assert_eq!(
                d(&l["priceExcl"]).scale().min(2),
                d(&l["priceExcl"]).scale(),
                "cents"
            );
        }
        if !d(&o["paymentPriceIncl"]).is_zero() {
            with_payment_costs += 1;
        }
        if !d(&o["shipmentDiscountIncl"]).is_zero() {
            free_shipping += 1;
            assert_eq!(d(&o["shipmentPriceIncl"]), Decimal::ZERO);
        }
        if o["paymentStatus"] == "paid" {
            let inv = &o["invoices"]["resource"]["embedded"][0];
            assert_eq!(d(&inv["priceIncl"]), incl, "the invoice matches the order");
        }
    }
    for rate in ["0.21", "0.09", "0"] {
        assert!(rates_seen.contains(rate), "rate {rate} in {rates_seen:?}");
    }
    assert!(
        rates_seen
            .iter()
            .any(|r| ["0.19", "0.2", "0.06", "0.07", "0.055"].contains(&r.as_str())),
        "foreign rates: {rates_seen:?}"
    );
    assert!(
        with_discount > 0 && with_payment_costs > 0 && free_shipping > 0,
        "{with_discount} {with_payment_costs} {free_shipping}"
    );
    let statuses: BTreeSet<String> = sb
        .seed_data()
        .orders
        .iter()
        .map(|o| o.payment_status.clone())
        .collect();
    assert!(
        statuses.contains("paid")
            && statuses.contains("not_paid")
            && statuses.contains("cancelled")
    );
    let paid = sb
        .seed_data()
        .orders
        .iter()
        .filter(|o| o.payment_status == "paid")
        .count();
    assert!(paid * 2 > 200, "mostly paid");
    assert!(
        ls.sim
            .orders()
            .iter()
            .any(|o| o["discountCouponCode"] != "")
    );
    let oldest = ls.sim.orders()[0]["createdAt"].as_str().unwrap().to_owned();
    assert!(
        oldest.as_str() >= "2026-04-16",
        "within 60 days of now: {oldest}"
    );
}

#[tokio::test]
async fn the_shop_mirrors_the_administration() {
    let sb = start(cfg()).await;
    let seed = sb.seed_data();
    let av = Av::connect(sb.accountview()).await;
    let ls = sb.lightspeed();
    let articles = av
        .get("accountviewdata?BusinessObject=AK1&PageSize=1000")
        .await
        .json["ARTICLE"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["BAR_CODE"] != "")
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(
        articles.len(),
        120,
        "the seeded articles; the service articles have no EAN"
    );
    let mut models: BTreeMap<String, usize> = BTreeMap::new();
    let mut differing_stock = 0;
    let mut in_shop = 0;
    for a in &articles {
        let code = a["ART_CODE"].as_str().unwrap();
        let ean = a["BAR_CODE"].as_str().unwrap();
        assert_eq!(ean.len(), 13);
        let digits: Vec<u32> = ean.chars().map(|c| c.to_digit(10).unwrap()).collect();
        let sum: u32 = digits[..12]
            .iter()
            .enumerate()
            .map(|(i, x)| if i % 2 == 0 { *x } else { x * 3 })
            .sum();
        assert_eq!((10 - sum % 10) % 10, digits[12], "EAN check digit of {ean}");
        assert_eq!(d(&a["QTY_AVAIL"]), d(&a["QTY_TECH"]));
        assert_eq!(
            d(&a["QTY_FREE2"]),
            (d(&a["QTY_TECH"]) - d(&a["QTY_RES_SO"])).max(Decimal::ZERO)
        );
        if let Some(m) = a["K1_MODEL"].as_str().filter(|m| !m.is_empty()) {
            *models.entry(m.to_owned()).or_default() += 1;
            assert!(!a["K1_SIZE"].as_str().unwrap().is_empty());
        }
        let s = seed.articles.iter().find(|s| s.art_code == code).unwrap();
        match ls.variant_by_sku(code) {
            Some(v) => {
                in_shop += 1;
                assert_eq!(v["articleCode"], code);
                assert_eq!(v["ean"], ean);
                assert_eq!(Some(v["id"].as_u64().unwrap()), s.variant_id);
                let px_incl = (d(&a["PX_SELL"]) * (Decimal::ONE + s.vat_rate)).round_dp(2);
                assert!(
                    (px_incl - d(&v["priceIncl"])).abs() <= dec!(0.02),
                    "prices agree for {code}"
                );
                if d(&v["stockLevel"]) != d(&a["QTY_AVAIL"]) {
                    differing_stock += 1;
                }
            }
            None => assert!(s.variant_id.is_none()),
        }
    }
    assert!(
        models.values().any(|n| *n > 1),
        "variant families share K1_MODEL"
    );
    assert!(
        in_shop > 60 && in_shop < 120,
        "{in_shop} of 120 in the shop"
    );
    assert!(differing_stock > 0, "a stock sync has work to do");
    assert!(
        seed.articles
            .iter()
            .any(|a| a.webshop && a.product_id.is_none()),
        "some web-shop articles are not in the shop yet"
    );
    for fam in seed
        .articles
        .iter()
        .filter(|a| a.model.is_some() && a.product_id.is_some())
    {
        let siblings: BTreeSet<u64> = seed
            .articles
            .iter()
            .filter(|b| b.model == fam.model)
            .filter_map(|b| b.product_id)
            .collect();
        assert_eq!(siblings.len(), 1, "one shop product per family");
    }

    // Customers: persons and companies, several countries, debtors by e-mail.
    let customers = ls.customers();
    assert_eq!(customers.len(), 60);
    assert!(
        customers
            .iter()
            .any(|c| c["isCompany"] == true && c["companyVatNumber"] != "")
    );
    let countries: BTreeSet<String> = customers
        .iter()
        .map(|c| {
            c["addressBillingCountry"]["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(
        countries.contains("nl") && countries.len() >= 4,
        "{countries:?}"
    );
    let debtors = seed.customers.iter().filter(|c| c.debtor.is_some()).count();
    assert!(debtors > 5 && debtors < 60);
    for c in seed.customers.iter().filter(|c| c.debtor.is_some()) {
        let found = av
            .sim
            .debtor_by_email(&c.email)
            .unwrap_or_else(|| panic!("debtor for {}", c.email));
        assert_eq!(found["SUB_NR"].as_str(), c.debtor.as_deref());
    }
    assert!(
        av.sim
            .debtors()
            .iter()
            .any(|d| d["SUB_NR"] == seed.collective_debtor.as_str())
    );
    assert!(
        av.sim
            .debtors()
            .iter()
            .all(|d| d["ACCT_NAME"].as_str().unwrap().chars().count() <= 40)
    );

    // Reference data.
    let vat = av.sim.rows("VAT");
    for code in ["0", "1", "2"] {
        assert!(vat.iter().any(|v| v["VAT_CODE"] == code));
    }
    assert!(vat.iter().any(|v| v["IS_REVERSE"] == true));
    let ledger = av.sim.rows("LEDGER");
    for nr in ["1300", "8000", "8010", "8020", "8100"] {
        assert!(ledger.iter().any(|l| l["ACCT_NR"] == nr), "{nr}");
    }
    assert!(
        av.sim
            .rows("DAILY")
            .iter()
            .any(|j| j["DJ_CODE"] == "700" && j["DJ_NAME"] == "Verkoopboek")
    );
    assert!(!av.sim.rows("PAY_COND").is_empty());
}

#[tokio::test]
async fn test_helpers_place_and_change_orders_and_articles() {
    let sb = start(small()).await;
    let ls = Ls::new(sb.lightspeed());
    let art = sb
        .seed_data()
        .articles
        .iter()
        .find(|a| a.variant_id.is_some() && !a.blocked)
        .unwrap();
    let party = sandbox::Party {
        company: Some("Testbedrijf GmbH".into()),
        vat_number: "DE123456789".into(),
        ..sandbox::Party::person("Lukas", "Müller", "lukas@example.de", "DE")
    };
    let id = ls
        .sim
        .insert_order(
            sandbox::OrderSpec::new()
                .guest(party)
                .line(art.art_code.clone(), 2)
                .payment("invoice"),
        )
        .unwrap();
    let o = ls.sim.order(id).unwrap();
    assert_eq!(o["customer"], false);
    assert_eq!(
        o["taxRates"][0]["rate"], 0,
        "EU business customer: reverse charge"
    );
    assert_eq!(o["paymentStatus"], "paid");
    let inv = &o["invoices"]["resource"]["embedded"][0];
    assert_eq!(inv["isVatShifted"], true);
    assert!(d(&o["paymentPriceIncl"]) > Decimal::ZERO);
    let before = o["updatedAt"].clone();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    ls.sim
        .update_order(id, |o| {
            o.insert("status".into(), "completed_shipped".into());
        })
        .unwrap();
    assert_ne!(ls.sim.order(id).unwrap()["updatedAt"], before);
    assert!(ls.sim.update_order(1, |_| {}).is_err());

    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../fixtures/lightspeed/order.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let fid = ls.sim.insert_order_json(fixture).unwrap();
    let got = ls.get(&format!("orders/{fid}/products.json")).await;
    assert_eq!(got.json["orderProducts"][0]["articleCode"], "anacampseros");
    assert_eq!(
        ls.get(&format!("orders/{fid}.json")).await.json["order"]["priceIncl"],
        50.35
    );

    let av = sb.accountview();
    av.set_article_column(&art.art_code, "QTY_TECH", serde_json::json!(500))
        .unwrap();
    let row = av.article(&art.art_code).unwrap();
    assert_eq!(d(&row["QTY_AVAIL"]), dec!(500));
    assert_eq!(d(&row["QTY_FREE2"]), dec!(500) - d(&row["QTY_RES_SO"]));
    av.upsert_article(serde_json::json!({"ART_CODE": "NEW-9", "ART_DESC1": "Nieuw", "QTY_TECH": 3, "K1_WEBSHOP": true})).unwrap();
    assert_eq!(av.article("NEW-9").unwrap()["QTY_AVAIL"], 3);
    av.remove_article("NEW-9").unwrap();
    assert!(av.article("NEW-9").is_none());
    assert!(
        av.set_article_column("NOPE", "QTY_TECH", serde_json::json!(1))
            .is_err()
    );
    ls.sim.set_stock_level(&art.art_code, 3).unwrap();
    assert_eq!(ls.sim.stock_level(&art.art_code), Some(3));
}
