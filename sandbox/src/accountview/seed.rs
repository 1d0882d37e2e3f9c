//! Fills the administration from the shared seed: VAT codes, ledger, journals, payment
//! conditions, article groups, articles, debtors and delivery addresses.

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::db::{Db, Row, derive_quantities};
use crate::clock::av_time;
use crate::geo;
use crate::lightspeed::Party;
use crate::money::{num, round2};
use crate::seed::catalog::ArticleDraft;
use crate::seed::people::PersonDraft;
use crate::seed::{SeedCustomer, names::GROUPS};

fn row(pairs: Vec<(&str, Value)>) -> Row {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// The collective debtor for anonymous web-shop sales.
pub(crate) const COLLECTIVE_DEBTOR: &str = "99999";

fn reference_data(db: &mut Db) {
    for (code, name, pct, reverse, acct, frm, cnt) in [
        ("0", "Geen BTW", 0.0, false, "1500", "1E", ""),
        ("1", "BTW laag verkoop", 9.0, false, "1510", "1B", "NL"),
        ("2", "BTW hoog verkoop", 21.0, false, "1520", "1A", "NL"),
        (
            "3",
            "BTW verlegd binnen EU (ICP)",
            0.0,
            true,
            "1500",
            "3B",
            "",
        ),
        ("4", "Export buiten EU", 0.0, false, "1500", "3A", ""),
        ("5", "OSS België hoog", 21.0, false, "1530", "", "BE"),
        ("6", "OSS België laag", 6.0, false, "1530", "", "BE"),
        ("7", "OSS Duitsland hoog", 19.0, false, "1530", "", "DE"),
        ("8", "OSS Duitsland laag", 7.0, false, "1530", "", "DE"),
        ("9", "OSS Frankrijk hoog", 20.0, false, "1530", "", "FR"),
        ("10", "OSS Frankrijk laag", 5.5, false, "1530", "", "FR"),
    ] {
        db.insert(
            "VAT",
            row(vec![
                ("VAT_CODE", json!(code)),
                ("VAT_NAME", json!(name)),
                ("VAT_PCT", json!(pct)),
                ("VAT_TYPE", json!(if pct > 0.0 { 1 } else { 0 })),
                ("CALC_TYPE", json!(1)),
                ("VAT_ACCT", json!(acct)),
                ("FRM_CODE", json!(frm)),
                ("IS_REVERSE", json!(reverse)),
                ("CNT_CODE", json!(cnt)),
            ]),
        );
    }
    for (nr, name, ty, link, sell, vat) in [
        ("1000", "Kas", 1, 0, false, ""),
        ("1100", "Bank", 1, 0, false, ""),
        ("1300", "Debiteuren", 1, 1, false, ""),
        ("1500", "Af te dragen BTW nihil", 1, 0, false, ""),
        ("1510", "Af te dragen BTW laag", 1, 0, false, ""),
        ("1520", "Af te dragen BTW hoog", 1, 0, false, ""),
        ("1530", "Af te dragen BTW OSS", 1, 0, false, ""),
        ("1600", "Crediteuren", 1, 2, false, ""),
        ("8000", "Omzet webshop NL hoog", 2, 0, true, "2"),
        ("8010", "Omzet webshop NL laag", 2, 0, true, "1"),
        ("8020", "Omzet webshop EU (OSS)", 2, 0, true, ""),
        ("8030", "Omzet EU verlegd (ICP)", 2, 0, true, "3"),
        ("8100", "Omzet export buiten EU", 2, 0, true, "4"),
        ("8200", "Verzendkosten", 2, 0, true, ""),
        ("8300", "Betaalkosten", 2, 0, true, ""),
        ("8900", "Kortingen", 2, 0, true, ""),
        ("8990", "Afrondingsverschillen", 2, 0, false, ""),
    ] {
        db.insert(
            "LEDGER",
            row(vec![
                ("ACCT_NR", json!(nr)),
                ("ACCT_NAME", json!(name)),
                ("ACCT_TYPE", json!(ty)),
                ("ACCT_LINK", json!(link)),
                ("STAT_SELL", json!(sell)),
                ("VAT_CODE", json!(vat)),
                ("VAT_MAND", json!(sell)),
            ]),
        );
    }
    for (code, name, ty, tyv, auto) in [
        ("100", "Kas", 1, "Kas", false),
        ("110", "Bank", 2, "Bank", false),
        ("700", "Verkoopboek", 5, "Verkoop", true),
        ("800", "Inkoopboek", 6, "Inkoop", true),
        ("900", "Memoriaal", 7, "Memoriaal", false),
    ] {
        db.insert(
            "DAILY",
            row(vec![
                ("DJ_CODE", json!(code)),
                ("DJ_NAME", json!(name)),
                ("DJ_TYPE", json!(ty)),
                ("DJ_TYPEV", json!(tyv)),
                ("NUM_AUTO", json!(auto)),
                ("CUR_CODE", json!("EUR")),
            ]),
        );
    }
    for (code, desc, days, pd, pd_days) in [
        ("00", "Direct betaald (webshop)", 0, 0, 0),
        ("14", "Betaling binnen 14 dagen", 14, 0, 0),
        ("30", "Betaling binnen 30 dagen", 30, 0, 0),
        ("K8", "30 dagen, 2% korting binnen 8 dagen", 30, 2, 8),
    ] {
        db.insert(
            "PAY_COND",
            row(vec![
                ("DISC_CODE", json!(code)),
                ("DISC_DESC", json!(desc)),
                ("CRED_DAYS", json!(days)),
                ("PD_PCT", json!(pd)),
                ("PD_DAYS", json!(pd_days)),
            ]),
        );
    }
}

fn search_code(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .take(10)
        .collect()
}

fn case_variant(email: &str) -> String {
    let mut chars = email.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn debtor_row(sub_nr: &str, p: &Party, email: &str, at: &str, deb_nr: &str) -> Row {
    let full = crate::lightspeed::full_name_of(p);
    let name: String = p
        .company
        .clone()
        .unwrap_or_else(|| full.clone())
        .chars()
        .take(40)
        .collect();
    let c = geo::country(&p.country);
    let address = [p.street.as_str(), p.number.as_str(), p.extension.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    row(vec![
        ("SUB_NR", json!(sub_nr)),
        ("ACCT_NR", json!("1300")),
        (
            "SRC_CODE",
            json!(search_code(p.company.as_deref().unwrap_or(&p.lastname))),
        ),
        ("ACCT_NAME", json!(name)),
        ("ADDRESS1", json!(address)),
        ("ST_STREET", json!(p.street)),
        ("ST_NR", json!(p.number)),
        ("ST_EXTRA", json!(p.extension)),
        ("POST_CODE", json!(p.zipcode.to_uppercase())),
        ("CITY", json!(p.city.to_uppercase())),
        ("BOX_CITY", json!(p.city.to_uppercase())),
        ("CNT_CODE", json!(p.country)),
        ("COUNTRY", json!(c.map(|c| c.dutch).unwrap_or_default())),
        ("MAIL_BUS", json!(email)),
        ("TEL_BUS", json!(p.phone)),
        ("VAT_NR", json!(p.vat_number)),
        ("COC_CODE", json!(p.coc_number)),
        (
            "DISC_CODE",
            json!(if p.company.is_some() { "14" } else { "00" }),
        ),
        ("CUR_CODE", json!("EUR")),
        (
            "LNG_CODE",
            json!(if matches!(p.country.as_str(), "NL" | "BE") {
                "NL"
            } else {
                "EN"
            }),
        ),
        (
            "MAIN_CONT",
            json!(if p.company.is_some() {
                full
            } else {
                String::new()
            }),
        ),
        ("DEB_NR", json!(deb_nr)),
        (
            "CRED_LIM",
            json!(if p.company.is_some() { 2500 } else { 0 }),
        ),
        ("CNG_DATE", json!(at)),
        ("INP_DATE", json!(at)),
    ])
}

/// Seeds company one; marks customers that are debtors. Returns the other debtors' numbers.
pub(crate) fn seed(
    db: &mut Db,
    rng: &mut fastrand::Rng,
    now: DateTime<Utc>,
    articles: &[ArticleDraft],
    people: &[PersonDraft],
    customers: &mut [SeedCustomer],
) -> Vec<String> {
    reference_data(db);
    let at = |days: u32| av_time(now - Duration::days(i64::from(days)));
    let mut groups: Vec<(&str, &str)> = Vec::new();
    for a in articles {
        if !groups.iter().any(|(c, _)| *c == a.group) {
            groups.push((a.group, a.group_desc));
        }
    }
    for (code, desc) in groups {
        let low = GROUPS.iter().any(|g| g.code == code && g.low_vat);
        db.insert(
            "ART_GRP",
            row(vec![
                ("AG_CODE", json!(code)),
                ("AG_DESC", json!(desc)),
                ("ACCT_NR", json!(if low { "8010" } else { "8000" })),
                ("CNG_DATE", json!(at(700))),
            ]),
        );
    }
    for a in articles {
        let excl = round2(a.price_incl / (Decimal::ONE + a.rate()));
        let changed = rng.u32(1..300);
        let mut r = row(vec![
            ("ART_CODE", json!(a.code)),
            ("ART_DESC1", json!(a.desc1)),
            ("ART_DESC2", json!(a.desc2)),
            ("ART_MEMO", json!(a.memo)),
            ("AG_CODE", json!(a.group)),
            ("PX_SELL", num(excl)),
            ("COST_PX", num(a.cost)),
            ("L_COSTPX", num(round2(a.cost * Decimal::new(102, 2)))),
            ("VAT_CODE", json!(if a.low_vat { "1" } else { "2" })),
            ("BAR_CODE", json!(a.ean)),
            ("QTY_TECH", json!(a.qty_tech)),
            ("QTY_RES_SO", json!(a.qty_res_so)),
            ("QTY_BESTEL", json!(a.qty_bestel)),
            ("IMG_MEDIUM", json!(a.image.clone().unwrap_or_default())),
            ("REC_BLK", json!(a.blocked)),
            ("CNG_DATE", json!(at(changed))),
            ("INP_DATE", json!(at(changed + rng.u32(30..400)))),
            ("K1_WEBSHOP", json!(a.webshop)),
            (
                "K1_MODEL",
                json!(a.model.as_ref().map(|(m, _)| m.clone()).unwrap_or_default()),
            ),
            ("K1_SIZE", json!(a.size)),
            ("K1_COLOR", json!(a.color)),
            ("K1_ORIGIN", json!(a.origin)),
        ]);
        derive_quantities(&mut r);
        db.insert("ARTICLE", r);
    }
    // Service articles a merchant keeps for webshop bookings (never published to the shop).
    for (code, desc, vat) in [
        ("VERZEND", "Verzendkosten", "2"),
        ("BETAALKOSTEN", "Betaalkosten", "2"),
        ("KORTING", "Korting", "2"),
        ("AFRONDING", "Afrondingsverschil", "0"),
    ] {
        let mut r = row(vec![
            ("ART_CODE", json!(code)),
            ("ART_DESC1", json!(desc)),
            ("AG_CODE", json!("")),
            ("PX_SELL", json!(0)),
            ("VAT_CODE", json!(vat)),
            ("BAR_CODE", json!("")),
            ("QTY_TECH", json!(0)),
            ("QTY_RES_SO", json!(0)),
            ("QTY_BESTEL", json!(0)),
            ("REC_BLK", json!(false)),
            ("CNG_DATE", json!(at(700))),
            ("INP_DATE", json!(at(700))),
            ("K1_WEBSHOP", json!(false)),
        ]);
        derive_quantities(&mut r);
        db.insert("ARTICLE", r);
    }
    let mut next = 10001u64;
    for (p, c) in people.iter().zip(customers.iter_mut()) {
        if !p.is_debtor {
            continue;
        }
        let sub_nr = next.to_string();
        next += 1;
        let email = if p.email_case_variant {
            case_variant(&p.party.email)
        } else {
            p.party.email.clone()
        };
        let when = at(rng.u32(5..400));
        db.insert(
            "CONTACT",
            debtor_row(&sub_nr, &p.party, &email, &when, &c.id.to_string()),
        );
        if let Some((name, street, number, zip, city)) = &p.shipping {
            let rec = db.next_number("DEL_ADDR", "REC_ID", 412);
            db.insert(
                "DEL_ADDR",
                row(vec![
                    ("REC_ID", json!(format!("{rec:010}"))),
                    ("SUB_NR", json!(sub_nr)),
                    ("DEL_NAME", json!(name.chars().take(40).collect::<String>())),
                    ("ADDRESS1", json!(format!("{street} {number}"))),
                    ("POST_CODE", json!(zip.to_uppercase())),
                    ("CITY", json!(city.to_uppercase())),
                    ("CNT_CODE", json!(p.party.country)),
                    ("MAIL_BUS", json!(email)),
                    ("TEL_BUS", json!(p.party.phone)),
                    ("CNG_DATE", json!(when)),
                ]),
            );
        }
        c.debtor = Some(sub_nr);
    }
    // Business accounts that never ordered online, and the collective debtor.
    let mut others = Vec::new();
    for p in crate::seed::people::generate(rng, 3, 1000) {
        let mut party = p.party;
        if party.company.is_none() {
            party.company = Some(format!("{} Zakelijk", party.lastname));
        }
        let sub_nr = next.to_string();
        next += 1;
        db.insert(
            "CONTACT",
            debtor_row(&sub_nr, &party, &party.email, &at(500), ""),
        );
        others.push(sub_nr);
    }
    let mut collective = Party::person("", "", "webshop@despaak.example", "NL");
    collective.company = Some("Webshop verkopen (verzameldebiteur)".into());
    collective.street = "Vismarkt".into();
    collective.zipcode = "3512 JK".into();
    collective.city = "Utrecht".into();
    db.insert(
        "CONTACT",
        debtor_row(
            COLLECTIVE_DEBTOR,
            &collective,
            "webshop@despaak.example",
            &at(900),
            "",
        ),
    );
    others.push(COLLECTIVE_DEBTOR.to_owned());
    others
}
