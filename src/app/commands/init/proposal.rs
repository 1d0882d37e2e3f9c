//! Proposed default mappings from a [`Discovery`]: VAT codes per country and rate, revenue
//! accounts, the debtors control account, the sales journal, a payment condition and code per shop
//! payment method, a code per shipping method, the service articles, and which AccountView columns
//! the connector writes.
//!
//! Pure functions over discovered data, so they are unit-tested on fixtures and reusable by a web
//! wizard. Every choice is recorded with the reason it was made ([`Choice`]); everything the merchant
//! must look at is a warning.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use accountview_client::FieldDictionaryEntry;
use accountview_client::sync::LedgerOptions;
use chrono::NaiveDate;
use serde::Serialize;
use sync_core::config::{BookingTarget, OrdersConfig, PaymentMapping};

use super::discovery::{Administration, Discovery, PaymentConditions, ShopMethods};
use super::vat_rules::{propose_revenue_accounts, propose_vat_codes, words};

/// What the merchant chose besides the discovered data.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalRequest {
    /// Sales orders or sales-journal invoices.
    pub target: BookingTarget,
    /// Historic import: book orders from this date (none: from now on).
    pub import_from: Option<NaiveDate>,
}

/// One proposed setting and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// What is being set, e.g. `VAT code NL 21 %`.
    pub setting: String,
    /// The value proposed.
    pub value: String,
    /// Where it came from.
    pub because: String,
}

/// The choices and warnings collected while proposing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Notes {
    /// Every setting proposed, with its reason.
    pub choices: Vec<Choice>,
    /// Plain remarks.
    pub remarks: Vec<String>,
    /// What the merchant must check or fix.
    pub warnings: Vec<String>,
}

impl Notes {
    pub(super) fn choice(
        &mut self,
        setting: impl Into<String>,
        value: &str,
        because: impl Into<String>,
    ) {
        self.choices.push(Choice {
            setting: setting.into(),
            value: value.to_owned(),
            because: because.into(),
        });
    }

    pub(super) fn note(&mut self, text: impl Into<String>) {
        self.remarks.push(text.into());
    }

    pub(super) fn warn(&mut self, text: impl Into<String>) {
        self.warnings.push(text.into());
    }
}

/// The proposed `[orders]` and `[accountview.ledger]` settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// `[orders]`.
    pub orders: OrdersConfig,
    /// `[accountview.ledger]`.
    pub ledger: LedgerOptions,
    /// Why each value was chosen, and what to check.
    pub notes: Notes,
}

impl Proposal {
    /// The proposal as text for the terminal: one line per choice, then remarks and warnings.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let width = self
            .notes
            .choices
            .iter()
            .map(|c| c.setting.chars().count())
            .max()
            .unwrap_or(0);
        let value_width = self
            .notes
            .choices
            .iter()
            .map(|c| c.value.chars().count())
            .max()
            .unwrap_or(0);
        for c in &self.notes.choices {
            let _ = writeln!(
                out,
                "  {:<width$}  {:<value_width$}  {}",
                c.setting, c.value, c.because
            );
        }
        for r in &self.notes.remarks {
            let _ = writeln!(out, "  note: {r}");
        }
        for w in &self.notes.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
        out
    }
}

/// Proposes the mappings for `discovery`.
pub fn propose(discovery: &Discovery, request: &ProposalRequest) -> Proposal {
    let admin = &discovery.administration;
    let mut notes = Notes::default();
    let mut orders = OrdersConfig {
        target: request.target,
        import_from: request.import_from,
        ..OrdersConfig::default()
    };
    let mut ledger = LedgerOptions::default();

    let vat = propose_vat_codes(&admin.vat_codes, &mut notes);
    orders.vat_codes = vat.rules.clone();
    orders.revenue_accounts = propose_revenue_accounts(&admin.ledger_accounts, &vat, &mut notes);
    if let Some(account) = debtors_control_account(admin, &mut notes) {
        orders.debtor_control_account = account;
    }
    if let Some(journal) = sales_journal(admin, request.target, &mut notes) {
        orders.sales_journal.clone_from(&journal);
        ledger.sales_journal = journal;
    }
    propose_columns(admin, &mut ledger, &mut notes);
    let (payments, default_condition) = payment_methods(
        &discovery.methods,
        &admin.payment_conditions,
        column_length(admin, "SO_HDR", "PAY_MTH"),
        &mut notes,
    );
    orders.payment_methods = payments;
    orders.default_payment_condition = default_condition;
    orders.shipping_methods = shipping_methods(
        &discovery.methods,
        column_length(admin, "SO_HDR", "SHIP_MTH"),
        &mut notes,
    );
    for (what, code) in [
        ("shipping", &orders.articles.shipping),
        ("payment_cost", &orders.articles.payment_cost),
        ("discount", &orders.articles.discount),
        ("rounding", &orders.articles.rounding),
    ] {
        if admin.has_article(code) {
            notes.choice(format!("article for {what}"), code, "exists in AK1");
        } else {
            notes.warn(format!(
                "article {code} ({what}) does not exist in AK1: create it in AccountView, or set \
                 [orders.articles] {what} to an article that does"
            ));
        }
    }
    Proposal {
        orders,
        ledger,
        notes,
    }
}

/// The debtors control account: `ACCT_LINK` 1 named "Debiteuren", else any named so, else any
/// `ACCT_LINK` 1.
fn debtors_control_account(admin: &Administration, notes: &mut Notes) -> Option<String> {
    let named = |a: &&accountview_client::LedgerAccount| {
        a.acct_name
            .as_deref()
            .is_some_and(|n| n.to_lowercase().contains("debiteur"))
    };
    let linked = |a: &&accountview_client::LedgerAccount| a.acct_link == Some(1);
    let accounts = &admin.ledger_accounts;
    let found = accounts
        .iter()
        .find(|a| linked(a) && named(a))
        .or_else(|| accounts.iter().find(named))
        .or_else(|| accounts.iter().find(linked));
    match found.and_then(|a| a.acct_nr.clone().map(|nr| (a, nr))) {
        Some((a, nr)) => {
            notes.choice(
                "debtors control account",
                &nr,
                format!("{nr} ({})", a.acct_name.as_deref().unwrap_or_default()),
            );
            Some(nr)
        }
        None => {
            notes.warn(
                "no debtors control account (\"Debiteuren\") found in GL1: 1300 is kept; check \
                 [orders] debtor_control_account",
            );
            None
        }
    }
}

/// The sales journal: a `DJ1` journal whose name or kind says "verkoop"/"sales".
fn sales_journal(
    admin: &Administration,
    target: BookingTarget,
    notes: &mut Notes,
) -> Option<String> {
    let found = admin.journals.iter().find(|j| {
        let mut w = words(j.dj_name.as_deref().unwrap_or_default());
        w.extend(words(&j.extra.text_lossy("DJ_TYPEV").unwrap_or_default()));
        w.iter().any(|w| w.starts_with("verkoop") || w == "sales")
    });
    match found.and_then(|j| j.dj_code.clone().map(|c| (j, c))) {
        Some((j, code)) => {
            notes.choice(
                "sales journal",
                &code,
                format!("{code} ({})", j.dj_name.as_deref().unwrap_or_default()),
            );
            Some(code)
        }
        None if target == BookingTarget::SalesInvoice => {
            notes.warn(
                "no sales journal (\"Verkoopboek\") found in DJ1: 700 is kept; invoices are posted \
                 there, so check [orders] sales_journal and [accountview.ledger] sales_journal",
            );
            None
        }
        None => None,
    }
}

/// The length of a column when its table's dictionary is known.
fn column_length(admin: &Administration, table: &str, column: &str) -> Option<usize> {
    admin
        .dictionary(table)?
        .iter()
        .find(|f| f.is_field(column))
        .and_then(|f| f.length)
        .filter(|l| *l > 0)
}

/// Which optional columns the connector writes, from the column dictionaries: a default column the
/// tenant lacks is switched off, `PAY_MTH` is switched on when the sales-order header has it, and
/// the EAN column is looked for by its description when `BAR_CODE` is missing.
fn propose_columns(admin: &Administration, ledger: &mut LedgerOptions, notes: &mut Notes) {
    let keep = |table: &str, option: &str, slot: &mut Option<String>, notes: &mut Notes| {
        let Some(column) = slot.clone() else { return };
        if admin.has_column(table, &column) == Some(false) {
            notes.warn(format!(
                "{table} has no column {column}: [accountview.ledger] {option} is switched off"
            ));
            *slot = None;
        }
    };
    keep(
        "SO_HDR",
        "payment_condition_column",
        &mut ledger.payment_condition_column,
        notes,
    );
    keep(
        "SO_HDR",
        "shipping_method_column",
        &mut ledger.shipping_method_column,
        notes,
    );
    keep(
        "SO_LINE",
        "order_line_discount_column",
        &mut ledger.order_line_discount_column,
        notes,
    );
    if admin.has_column("SO_HDR", "PAY_MTH") == Some(true) {
        ledger.payment_method_column = Some("PAY_MTH".into());
        notes.choice(
            "payment method column",
            "PAY_MTH",
            "SO_HDR has it (Betaalwijze)",
        );
    }
    if admin.has_column("SO_HDR", &ledger.sales_order_reference_column) == Some(false) {
        notes.warn(format!(
            "SO_HDR has no column {}: set [accountview.ledger] sales_order_reference_column to the \
             column that holds the shop order reference",
            ledger.sales_order_reference_column
        ));
    }
    if let Some(dictionary) = admin.dictionary("ARTICLE") {
        let current = ledger.ean_column.clone().unwrap_or_default();
        if !dictionary.iter().any(|f| f.is_field(&current)) {
            ledger.ean_column = find_ean_column(dictionary);
            match &ledger.ean_column {
                Some(c) => {
                    notes.choice("EAN column of articles", c, "its description names the EAN")
                }
                None => notes.warn(
                    "no EAN/barcode column found in ARTICLE: order lines are matched on article \
                     code and SKU only ([accountview.ledger] ean_column)",
                ),
            }
        }
    }
}

fn find_ean_column(dictionary: &[FieldDictionaryEntry]) -> Option<String> {
    dictionary
        .iter()
        .filter(|f| f.field.is_some())
        .find(|f| {
            let w = words(f.description.as_deref().unwrap_or_default());
            w.iter()
                .any(|w| ["ean", "gtin", "barcode", "streepjescode"].contains(&w.as_str()))
        })
        .and_then(|f| f.field.clone())
}

/// Whether a shop payment method is paid on account (the merchant's own invoice) rather than at
/// once (iDEAL, cards, PayPal, cash, …).
fn is_on_account(key: &str, title: &str) -> bool {
    let text = format!("{key} {title}").to_lowercase();
    ["invoice", "rekening", "factuur", "on account"]
        .iter()
        .any(|w| text.contains(w))
}

/// A ledger code from a shop name: upper case, letters and digits, at most `max` characters.
fn code_from(name: &str, max: usize) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .take(max)
        .collect()
}

/// A payment condition and code per shop payment method; the "paid at once" condition is also the
/// default.
fn payment_methods(
    methods: &ShopMethods,
    conditions: &PaymentConditions,
    code_length: Option<usize>,
    notes: &mut Notes,
) -> (BTreeMap<String, PaymentMapping>, Option<String>) {
    let list = conditions.list();
    let immediate = list.iter().find(|c| c.is_immediate());
    let on_account = list
        .iter()
        .filter(|c| {
            c.credit_days
                .is_some_and(|d| d > rust_decimal::Decimal::ZERO)
        })
        .filter(|c| c.discount_pct.unwrap_or_default().is_zero())
        .min_by_key(|c| c.credit_days);
    match conditions {
        PaymentConditions::Unavailable(reason) => notes.warn(format!(
            "payment conditions unknown ({reason}): no condition is proposed, so the debtor's own \
             applies; set [orders] default_payment_condition and the conditions per payment method \
             by hand"
        )),
        PaymentConditions::Found(_) if immediate.is_none() => notes.warn(
            "no payment condition without credit days in PC1: set [orders] \
             default_payment_condition by hand",
        ),
        PaymentConditions::Found(_) => {}
    }
    let describe = |c: &super::discovery::PaymentCondition| {
        format!(
            "{} ({})",
            c.code,
            c.description.as_deref().unwrap_or_default()
        )
    };
    if let Some(c) = immediate {
        notes.choice("default payment condition", &c.code, describe(c));
    }
    let mut out = BTreeMap::new();
    for m in &methods.payment {
        let Some(key) = m.key.clone().or_else(|| m.title.clone()) else {
            continue;
        };
        let title = m.title.clone().unwrap_or_default();
        let condition = if is_on_account(&key, &title) {
            on_account.or(immediate)
        } else {
            immediate
        };
        let code = code_from(&key, code_length.unwrap_or(10));
        notes.choice(
            format!("payment method {key}"),
            &format!(
                "{}{code}",
                condition
                    .map(|c| format!("{} / ", c.code))
                    .unwrap_or_default()
            ),
            format!(
                "{title}: {}",
                condition.map_or("no condition".to_owned(), describe)
            ),
        );
        out.insert(
            key,
            PaymentMapping {
                condition: condition.map(|c| c.code.clone()),
                code: (!code.is_empty()).then_some(code),
            },
        );
    }
    (out, immediate.map(|c| c.code.clone()))
}

/// A ledger shipping-method code per shop shipping method (keyed by title, as orders carry it):
/// the first word of the title, or first word plus initials where two titles share it.
fn shipping_methods(
    methods: &ShopMethods,
    code_length: Option<usize>,
    notes: &mut Notes,
) -> BTreeMap<String, String> {
    let max = code_length.unwrap_or(10);
    let titles: Vec<String> = methods
        .shipping
        .iter()
        .filter_map(|m| m.title.clone())
        .filter(|t| !t.trim().is_empty())
        .collect();
    let first = |t: &str| code_from(t.split_whitespace().next().unwrap_or_default(), max);
    let mut out = BTreeMap::new();
    for title in &titles {
        let base = first(title);
        let shared = titles.iter().filter(|t| first(t) == base).count() > 1;
        let mut code = if shared {
            let initials: String = title
                .split_whitespace()
                .skip(1)
                .filter_map(|w| w.chars().find(char::is_ascii_alphanumeric))
                .map(|c| c.to_ascii_uppercase())
                .collect();
            let head: String = base
                .chars()
                .take(max.saturating_sub(initials.len() + 1).max(1))
                .collect();
            format!("{head}-{initials}").chars().take(max).collect()
        } else {
            base
        };
        let mut n = 2;
        while out.values().any(|c| c == &code) {
            let suffix = n.to_string();
            code = format!(
                "{}{suffix}",
                code.chars()
                    .take(max.saturating_sub(suffix.len()))
                    .collect::<String>()
            );
            n += 1;
        }
        if code.is_empty() {
            continue;
        }
        notes.choice(format!("shipping method {title}"), &code, "from its title");
        out.insert(title.clone(), code);
    }
    out
}
