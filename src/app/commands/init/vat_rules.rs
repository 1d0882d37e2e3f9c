//! Proposed VAT codes per country and rate, and revenue accounts per country, from an
//! administration's `VA1` and `GL1` records.
//!
//! AccountView has no standard for how a VAT code names its country, so the country comes from a
//! `CNT_CODE` column when the tenant has one, else from a country name in `VAT_NAME` (Dutch or
//! English). Purchase codes, reverse-charge codes and export codes are told apart by their flags and
//! the usual Dutch words in their names.

use accountview_client::{LedgerAccount, VatCode};
use rust_decimal::Decimal;
use sync_core::config::{CountryMatch, RevenueAccountRule, VatCodeRule};
use sync_core::domain::CountryCode;

use super::proposal::Notes;

/// EU member states by their Dutch and English names (lower case), for VAT names such as
/// "OSS België hoog". Hand-written: a 27-entry table is smaller than any country-name crate.
const EU_COUNTRY_NAMES: [(&str, &[&str]); 27] = [
    ("AT", &["oostenrijk", "austria"]),
    ("BE", &["belgië", "belgie", "belgium"]),
    ("BG", &["bulgarije", "bulgaria"]),
    ("CY", &["cyprus"]),
    ("CZ", &["tsjechië", "tsjechie", "czechia", "czech"]),
    ("DE", &["duitsland", "germany"]),
    ("DK", &["denemarken", "denmark"]),
    ("EE", &["estland", "estonia"]),
    ("ES", &["spanje", "spain"]),
    ("FI", &["finland"]),
    ("FR", &["frankrijk", "france"]),
    ("GR", &["griekenland", "greece"]),
    ("HR", &["kroatië", "kroatie", "croatia"]),
    ("HU", &["hongarije", "hungary"]),
    ("IE", &["ierland", "ireland"]),
    ("IT", &["italië", "italie", "italy"]),
    ("LT", &["litouwen", "lithuania"]),
    ("LU", &["luxemburg", "luxembourg"]),
    ("LV", &["letland", "latvia"]),
    ("MT", &["malta"]),
    ("NL", &["nederland", "netherlands", "binnenland"]),
    ("PL", &["polen", "poland"]),
    ("PT", &["portugal"]),
    ("RO", &["roemenië", "roemenie", "romania"]),
    ("SE", &["zweden", "sweden"]),
    ("SI", &["slovenië", "slovenie", "slovenia"]),
    ("SK", &["slowakije", "slovakia"]),
];

/// The lower-case words of a name.
pub(super) fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn has_any(words: &[String], wanted: &[&str]) -> bool {
    words.iter().any(|w| wanted.contains(&w.as_str()))
}

/// Reverse charge: "verlegd", "ICP", "intracommunautaire levering", "reverse charge".
fn is_reverse_charge(words: &[String]) -> bool {
    has_any(words, &["verlegd", "icp", "reverse"])
        || words.iter().any(|w| w.starts_with("intracommunaut"))
}

/// One VAT code, classified.
#[derive(Debug, Clone)]
struct VatFacts {
    code: String,
    name: String,
    pct: Decimal,
    country: Option<CountryCode>,
    purchase: bool,
    reverse: bool,
    export: bool,
    sales: bool,
}

impl VatFacts {
    fn from_record(v: &VatCode) -> Option<Self> {
        let code = v.vat_code.clone()?.trim().to_owned();
        let name = v.vat_name.clone().unwrap_or_default();
        let w = words(&name);
        let country = v
            .extra
            .text_lossy("CNT_CODE")
            .and_then(|c| CountryCode::parse(&c).ok())
            .or_else(|| {
                EU_COUNTRY_NAMES
                    .iter()
                    .find(|(_, names)| has_any(&w, names))
                    .and_then(|(code, _)| CountryCode::parse(code).ok())
            });
        let lower = name.to_lowercase();
        Some(Self {
            code,
            pct: v.vat_pct.unwrap_or_default().normalize(),
            country,
            purchase: has_any(&w, &["inkoop", "purchase", "purchases", "voorbelasting"]),
            reverse: v.is_reverse == Some(true) || is_reverse_charge(&w),
            export: has_any(&w, &["export", "world", "wereld", "outside"])
                || lower.contains("buiten eu")
                || lower.contains("buiten de eu")
                || lower.contains("non-eu"),
            sales: has_any(&w, &["verkoop", "verkopen", "sales", "omzet", "oss"]),
            name,
        })
    }

    fn label(&self) -> String {
        format!("{} ({}, {} %)", self.code, self.name, self.pct)
    }
}

/// The VAT-code rules to propose, and the code chosen for NL at 21 % (revenue accounts use it).
pub(super) struct VatProposal {
    pub(super) rules: Vec<VatCodeRule>,
    pub(super) nl_high: Option<String>,
    pub(super) export: Option<String>,
}

/// Proposes VAT codes: NL at 21, 9 and 0 % matched on `VAT_PCT`; each EU country's codes where the
/// VAT table names the country (OSS); reverse charge for EU business customers; export outside the EU.
pub(super) fn propose_vat_codes(records: &[VatCode], notes: &mut Notes) -> VatProposal {
    let facts: Vec<VatFacts> = records.iter().filter_map(VatFacts::from_record).collect();
    let nl = CountryCode::NL;
    let mut rules = Vec::new();
    let mut nl_high = None;
    for rate in [21, 9, 0] {
        let rate = Decimal::from(rate);
        let best = facts
            .iter()
            .filter(|f| f.pct == rate && !f.purchase && !f.reverse && !f.export)
            .filter(|f| f.country.is_none_or(|c| c == nl))
            .max_by_key(|f| (f.country == Some(nl), f.sales, std::cmp::Reverse(rank(f))));
        match best {
            Some(f) => {
                notes.choice(
                    format!("VAT code NL {rate} %"),
                    &f.code,
                    format!("{} in VA1", f.label()),
                );
                if rate == Decimal::from(21) {
                    nl_high = Some(f.code.clone());
                }
                rules.push(rule(CountryMatch::Country(nl), Some(rate), None, &f.code));
            }
            None => notes.warn(format!(
                "no VAT code at {rate} % for the Netherlands in VA1: lines at {rate} % will fail until \
                 you add one to [orders] vat_codes"
            )),
        }
    }
    let mut oss_countries = Vec::new();
    let mut by_country: Vec<&VatFacts> = facts.iter().collect();
    by_country.sort_by(|a, b| {
        let country = |f: &VatFacts| f.country.map(|c| c.as_str().to_owned());
        country(a).cmp(&country(b)).then(b.pct.cmp(&a.pct))
    });
    for f in by_country {
        let Some(country) = f.country.filter(|c| *c != nl && c.is_eu()) else {
            continue;
        };
        if f.purchase || f.reverse || f.pct.is_zero() {
            continue;
        }
        let taken = rules.iter().any(|r: &VatCodeRule| {
            r.country == CountryMatch::Country(country) && r.rate == Some(f.pct)
        });
        if !taken {
            notes.choice(
                format!("VAT code {} {} %", country.as_str(), f.pct),
                &f.code,
                format!("{} names {}", f.label(), country.as_str()),
            );
            rules.push(rule(
                CountryMatch::Country(country),
                Some(f.pct),
                None,
                &f.code,
            ));
            if !oss_countries.contains(&country) {
                oss_countries.push(country);
            }
        }
    }
    if oss_countries.is_empty() {
        // Below the OSS threshold a Dutch shop charges Dutch VAT to EU consumers.
        for (rate, code) in rules
            .clone()
            .iter()
            .filter(|r| r.rate.is_some_and(|p| !p.is_zero()))
            .map(|r| (r.rate, r.code.clone()))
        {
            rules.push(rule(CountryMatch::Eu, rate, None, &code));
        }
        notes.note(
            "no OSS VAT codes per EU country found: EU consumers are booked with the Dutch codes",
        );
    }
    match facts
        .iter()
        .filter(|f| f.reverse && f.pct.is_zero() && !f.purchase && !f.export)
        .min_by_key(|f| rank(f))
    {
        Some(f) => {
            notes.choice("VAT code EU business (reverse charge)", &f.code, f.label());
            rules.push(rule(
                CountryMatch::Eu,
                Some(Decimal::ZERO),
                Some(true),
                &f.code,
            ));
        }
        None => notes.warn(
            "no reverse-charge (ICP) VAT code in VA1: zero-rated EU business orders need one in \
             [orders] vat_codes",
        ),
    }
    let export = facts
        .iter()
        .filter(|f| f.export && f.pct.is_zero() && !f.purchase && !f.reverse)
        .min_by_key(|f| rank(f));
    match export {
        Some(f) => {
            notes.choice("VAT code outside the EU", &f.code, f.label());
            rules.push(rule(
                CountryMatch::NonEu,
                Some(Decimal::ZERO),
                None,
                &f.code,
            ));
        }
        None => notes.warn(
            "no export VAT code in VA1: orders shipped outside the EU need one in [orders] vat_codes",
        ),
    }
    VatProposal {
        rules,
        nl_high,
        export: export.map(|f| f.code.clone()),
    }
}

/// Codes in their natural order (`2` before `10`), for a stable choice among equals.
fn rank(f: &VatFacts) -> (u64, String) {
    (f.code.parse().unwrap_or(u64::MAX), f.code.clone())
}

fn rule(
    country: CountryMatch,
    rate: Option<Decimal>,
    vat_number: Option<bool>,
    code: &str,
) -> VatCodeRule {
    VatCodeRule {
        country,
        rate,
        vat_number,
        code: code.to_owned(),
    }
}

/// Words that mark a revenue account for something other than goods.
const NOT_GOODS: [&str; 10] = [
    "verzendkosten",
    "verzend",
    "betaalkosten",
    "kortingen",
    "korting",
    "afrondingsverschillen",
    "afronding",
    "shipping",
    "discount",
    "rounding",
];

/// Proposes the revenue account for NL, the rest of the EU and outside the EU, from the ledger's
/// revenue accounts (`STAT_SELL`). Where no account names the EU or export, the NL account is used
/// (with a warning).
pub(super) fn propose_revenue_accounts(
    ledger: &[LedgerAccount],
    vat: &VatProposal,
    notes: &mut Notes,
) -> Vec<RevenueAccountRule> {
    let revenue: Vec<(&LedgerAccount, Vec<String>)> = ledger
        .iter()
        .filter(|a| a.stat_sell == Some(true) && a.rec_blk != Some(true) && a.acct_nr.is_some())
        .map(|a| (a, words(a.acct_name.as_deref().unwrap_or_default())))
        .filter(|(_, w)| !has_any(w, &NOT_GOODS))
        .collect();
    let label = |a: &LedgerAccount| {
        format!(
            "{} ({})",
            a.acct_nr.as_deref().unwrap_or_default(),
            a.acct_name.as_deref().unwrap_or_default()
        )
    };
    let is_export = |w: &[String], a: &LedgerAccount| {
        has_any(w, &["export", "buiten", "wereld", "world", "outside"])
            || (vat.export.is_some() && a.vat_code == vat.export)
    };
    let is_reverse = |w: &[String]| is_reverse_charge(w);
    let nl = revenue
        .iter()
        .filter(|(a, w)| !is_export(w, a) && !is_reverse(w))
        .filter(|(_, w)| !has_any(w, &["eu", "europa", "oss"]))
        .max_by_key(|(a, w)| {
            (
                has_any(w, &["nl", "nederland", "binnenland"]),
                vat.nl_high.is_some() && a.vat_code == vat.nl_high,
                has_any(w, &["hoog", "high"]),
            )
        })
        .map(|(a, _)| *a);
    let Some(nl) = nl else {
        notes.warn(
            "no revenue account (STAT_SELL) found in GL1: the defaults 8000/8010/8100 are kept; \
             check [orders] revenue_accounts",
        );
        return sync_core::config::OrdersConfig::default().revenue_accounts;
    };
    let nl_nr = nl.acct_nr.clone().unwrap_or_default();
    notes.choice("revenue account NL", &nl_nr, label(nl));
    let eu = revenue
        .iter()
        .filter(|(a, w)| !is_export(w, a) && !is_reverse(w))
        .filter(|(_, w)| has_any(w, &["eu", "europa", "oss", "eg"]))
        .max_by_key(|(_, w)| has_any(w, &["oss"]))
        .map(|(a, _)| *a);
    let non_eu = revenue
        .iter()
        .find(|(a, w)| is_export(w, a))
        .map(|(a, _)| *a);
    let mut pick = |group: &str, found: Option<&LedgerAccount>| match found {
        Some(a) => {
            notes.choice(
                format!("revenue account {group}"),
                a.acct_nr.as_deref().unwrap_or_default(),
                label(a),
            );
            a.acct_nr.clone().unwrap_or_default()
        }
        None => {
            notes.warn(format!(
                "no revenue account for {group} found in GL1: {nl_nr} is proposed; check [orders] revenue_accounts"
            ));
            nl_nr.clone()
        }
    };
    let eu = pick("EU", eu);
    let non_eu = pick("outside the EU", non_eu);
    vec![
        RevenueAccountRule::new(CountryMatch::Country(CountryCode::NL), &nl_nr),
        RevenueAccountRule::new(CountryMatch::Eu, &eu),
        RevenueAccountRule::new(CountryMatch::NonEu, &non_eu),
    ]
}
