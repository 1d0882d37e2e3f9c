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
use accountview_client::sync::{ColumnPlan, ColumnStatus, LedgerOptions, PlanScope};
use chrono::NaiveDate;
use serde::Serialize;
use sync_core::config::{BookingTarget, OrdersConfig, PaymentMapping, StockConfig, StockFormula};

use super::discovery::{Administration, Discovery, PaymentConditions, ShopMethods};
use super::vat_rules::{propose_revenue_accounts, propose_vat_codes, words};

/// What the merchant chose besides the discovered data.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalRequest {
    /// Sales orders or sales-journal invoices.
    pub target: BookingTarget,
    /// Historic import: book orders from this date (none: from now on).
    pub import_from: Option<NaiveDate>,
    /// The flows to enable.
    pub flows: FlowSelection,
}

/// Which flows the configuration enables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowSelection {
    /// Shop orders into AccountView.
    pub orders: bool,
    /// AccountView stock into the shop.
    pub stock: bool,
    /// AccountView articles into shop products (not part of this build).
    pub products: bool,
    /// Customers both ways (not part of this build).
    pub customers: bool,
}

impl Default for FlowSelection {
    /// The flows of this build: orders and stock.
    fn default() -> Self {
        Self {
            orders: true,
            stock: true,
            products: false,
            customers: false,
        }
    }
}

impl FlowSelection {
    /// Reads a list such as `orders,stock` (commas or blanks; `all` is every flow; `none` none).
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut out = Self {
            orders: false,
            stock: false,
            products: false,
            customers: false,
        };
        for name in text
            .split(|c: char| c == ',' || c.is_whitespace())
            .map(|n| n.trim().to_ascii_lowercase())
            .filter(|n| !n.is_empty())
        {
            match name.as_str() {
                "orders" => out.orders = true,
                "stock" => out.stock = true,
                "products" => out.products = true,
                "customers" => out.customers = true,
                "all" => {
                    out = Self {
                        orders: true,
                        stock: true,
                        products: true,
                        customers: true,
                    }
                }
                "none" => {}
                other => anyhow::bail!(
                    "`{other}` is not a flow: choose from orders, stock, products, customers"
                ),
            }
        }
        Ok(out)
    }

    /// The names of the chosen flows, comma-separated.
    pub fn names(&self) -> String {
        let names: Vec<&str> = [
            ("orders", self.orders),
            ("stock", self.stock),
            ("products", self.products),
            ("customers", self.customers),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(n, _)| n)
        .collect();
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(",")
        }
    }

    /// The chosen flows this build does not have.
    pub fn unbuilt(&self) -> Vec<&'static str> {
        [("products", self.products), ("customers", self.customers)]
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(n, _)| n)
            .collect()
    }
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

/// The proposed `[orders]`, `[stock]` and `[accountview.ledger]` settings and the flows enabled.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// `[orders]`.
    pub orders: OrdersConfig,
    /// `[stock]`.
    pub stock: StockConfig,
    /// `[accountview.ledger]`.
    pub ledger: LedgerOptions,
    /// The flows enabled (`[products]` and `[customers]` are written with their `enabled` only).
    pub flows: FlowSelection,
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
    let flows = request.flows;
    let mut orders = OrdersConfig {
        enabled: flows.orders,
        target: request.target,
        import_from: request.import_from,
        ..OrdersConfig::default()
    };
    let mut stock = StockConfig {
        enabled: flows.stock,
        ..StockConfig::default()
    };
    let mut ledger = LedgerOptions::default();
    for flow in flows.unbuilt() {
        notes.warn(format!(
            "the {flow} flow is not part of this build: [{flow}] enabled = true is written, but \
             nothing runs it until a Koppel that has it (this build runs orders and stock)"
        ));
    }

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
    propose_columns(admin, &mut ledger, &mut stock, &orders, &mut notes);
    let (payments, default_condition) = payment_methods(
        &discovery.methods,
        admin,
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
        stock,
        ledger,
        flows,
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

/// The columns the configuration uses, proposed from the column dictionaries so that only columns
/// the administration has are proposed: `PAY_MTH` is switched on when the sales-order header has
/// it, the EAN column and the stock formula's quantity columns are looked for by their
/// descriptions when the defaults are missing, and then the connector's [`ColumnPlan`] for the
/// enabled flows is held against the dictionaries — exactly as `koppel check` and every run do: an
/// optional column the administration lacks is switched off (or, built in, left out), a required
/// one is a warning naming the option to set.
fn propose_columns(
    admin: &Administration,
    ledger: &mut LedgerOptions,
    stock: &mut StockConfig,
    orders: &OrdersConfig,
    notes: &mut Notes,
) {
    if admin.dictionaries.values().all(Vec::is_empty) {
        notes.warn(
            "the field dictionary could not be read: the documented default columns are kept \
             unverified; `koppel check` checks them once it can be read",
        );
        return;
    }
    if admin.has_column("SO_HDR", "PAY_MTH") == Some(true) {
        ledger.payment_method_column = Some("PAY_MTH".into());
        notes.choice(
            "payment method column",
            "PAY_MTH",
            "SO_HDR has it (Betaalwijze)",
        );
    }
    if let Some(dictionary) = admin.dictionary("ARTICLE") {
        let current = ledger.ean_column.clone().unwrap_or_default();
        if !dictionary.iter().any(|f| f.is_field(&current))
            && let Some(found) = find_ean_column(dictionary)
        {
            notes.choice(
                "EAN column of articles",
                &found,
                "its description names the EAN",
            );
            ledger.ean_column = Some(found);
        }
    }
    if stock.enabled {
        propose_stock(admin, stock, notes);
    }

    let scope = PlanScope::from_config(
        orders.enabled.then_some(orders),
        stock.enabled.then_some(&*stock),
    );
    let check = ColumnPlan::new(ledger, &scope).check(&admin.dictionary_entries());
    for c in check.dropped(None) {
        let p = &c.planned;
        match p.options().first() {
            Some(option) => notes.warn(format!(
                "{} has no column {}: {option} is switched off ({})",
                p.table,
                p.column,
                p.purpose()
            )),
            None => notes.note(format!(
                "{} has no column {}: Koppel leaves it out ({})",
                p.table,
                p.column,
                p.purpose()
            )),
        }
    }
    *ledger = check.run_options(ledger);
    // The payment condition goes to every header that has the column; off when none has it.
    if let Some(column) = ledger.payment_condition_column.clone() {
        let planned: Vec<_> = check
            .columns
            .iter()
            .filter(|c| c.planned.column.eq_ignore_ascii_case(&column))
            .filter(|c| {
                c.planned
                    .options()
                    .iter()
                    .any(|o| o.ends_with("payment_condition_column"))
            })
            .collect();
        if !planned.is_empty() && planned.iter().all(|c| c.status == ColumnStatus::Missing) {
            ledger.payment_condition_column = None;
        }
    }
    let mut unverified: Vec<&str> = Vec::new();
    for c in &check.columns {
        if c.status == ColumnStatus::Unverified && !unverified.contains(&c.planned.table.as_str()) {
            unverified.push(&c.planned.table);
        }
    }
    for table in unverified {
        notes.warn(format!(
            "the field dictionary of {table} could not be read: its columns are proposed \
             unverified"
        ));
    }
    for problem in check.problems(None) {
        notes.warn(problem);
    }
}

/// A quantity column of `ARTICLE` whose description has one of `wanted` and none of `not`.
fn quantity_column<'a>(
    dictionary: &'a [FieldDictionaryEntry],
    wanted: &[&str],
    not: &[&str],
) -> Option<&'a FieldDictionaryEntry> {
    dictionary.iter().find(|f| {
        let numeric = f.field_type.is_none_or(|t| {
            matches!(
                t,
                accountview_client::FieldType::N
                    | accountview_client::FieldType::Y
                    | accountview_client::FieldType::B
                    | accountview_client::FieldType::I
            )
        });
        let w = words(f.description.as_deref().unwrap_or_default());
        numeric
            && w.iter().any(|w| wanted.contains(&w.as_str()))
            && !w.iter().any(|w| not.contains(&w.as_str()))
    })
}

/// The stock formula over the quantity columns `ARTICLE` has: a default column the administration
/// lacks is looked for by its description, and the formula falls back from "available minus sales
/// reservations" to available stock or technical stock when columns are missing; the choice is
/// said either way.
fn propose_stock(admin: &Administration, stock: &mut StockConfig, notes: &mut Notes) {
    let Some(dictionary) = admin.dictionary("ARTICLE") else {
        return;
    };
    let has = |column: &str| dictionary.iter().any(|f| f.is_field(column));
    let c = &mut stock.columns;
    for (option, slot, wanted, not) in [
        (
            "technical",
            &mut c.technical,
            &["technisch", "technische", "technical"][..],
            &["beschikbaar", "min", "vrij", "vrije"][..],
        ),
        (
            "available",
            &mut c.available,
            &["beschikbaar", "available"][..],
            &[][..],
        ),
        (
            "reserved_sales",
            &mut c.reserved_sales,
            &[
                "gereserveerd",
                "gereserveerde",
                "reservering",
                "reserveringen",
                "verkoopreserveringen",
                "reserved",
            ][..],
            &["beschikbaar", "min", "vrij", "vrije"][..],
        ),
        (
            "economic",
            &mut c.economic,
            &["economisch", "economische", "economic"][..],
            &[][..],
        ),
    ] {
        if has(slot) {
            continue;
        }
        if let Some(found) = quantity_column(dictionary, wanted, not)
            && let Some(field) = found.field.as_deref()
        {
            notes.choice(
                format!("stock column {option}"),
                field,
                format!(
                    "{} ({slot} is not in ARTICLE)",
                    found.description.as_deref().unwrap_or_default().trim()
                ),
            );
            field.clone_into(slot);
        }
    }
    let c = &stock.columns;
    let (formula, shown, because) = if has(&c.available) && has(&c.reserved_sales) {
        (
            StockFormula::AvailableMinusReservations,
            "available minus sales reservations",
            format!("{} - {}", c.available, c.reserved_sales),
        )
    } else if has(&c.available) {
        (
            StockFormula::Available,
            "available stock",
            format!("{} (ARTICLE has no sales reservation column)", c.available),
        )
    } else if has(&c.technical) {
        (
            StockFormula::Technical,
            "technical stock",
            format!("{} (ARTICLE has no available-stock column)", c.technical),
        )
    } else {
        notes.warn(
            "ARTICLE has no quantity column Koppel recognises (technical, available, sales \
             reservations): set [stock] formula and [stock.columns] by hand, or switch the stock \
             flow off ([stock] enabled = false)",
        );
        return;
    };
    notes.choice("stock formula", shown, because);
    stock.formula = formula;
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
    admin: &Administration,
    code_length: Option<usize>,
    notes: &mut Notes,
) -> (BTreeMap<String, PaymentMapping>, Option<String>) {
    let conditions = &admin.payment_conditions;
    if let (PaymentConditions::Unavailable(reason), Some((most_used, _))) =
        (conditions, admin.debtor_payment_codes.first())
    {
        return payment_methods_from_debtors(methods, admin, reason, most_used, code_length, notes);
    }
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

/// When the payment conditions cannot be read: the condition code most debtors use (`most_used`)
/// for every payment method and as the default, said once.
fn payment_methods_from_debtors(
    methods: &ShopMethods,
    admin: &Administration,
    reason: &str,
    most_used: &str,
    code_length: Option<usize>,
    notes: &mut Notes,
) -> (BTreeMap<String, PaymentMapping>, Option<String>) {
    let used: Vec<String> = admin
        .debtor_payment_codes
        .iter()
        .map(|(code, n)| format!("{code} ({n} debtors)"))
        .collect();
    notes.warn(format!(
        "payment conditions cannot be read ({reason}): the condition codes the debtors use are \
         proposed instead ({}); check [orders] default_payment_condition and the conditions per \
         payment method",
        used.join(", ")
    ));
    notes.choice(
        "default payment condition",
        most_used,
        "the code most debtors use (CONTACT.DISC_CODE)",
    );
    let mut out = BTreeMap::new();
    for m in &methods.payment {
        let Some(key) = m.key.clone().or_else(|| m.title.clone()) else {
            continue;
        };
        let code = code_from(&key, code_length.unwrap_or(10));
        notes.choice(
            format!("payment method {key}"),
            &format!("{most_used} / {code}"),
            format!(
                "{}: the debtors' most used condition",
                m.title.clone().unwrap_or_default()
            ),
        );
        out.insert(
            key,
            PaymentMapping {
                condition: Some(most_used.to_owned()),
                code: (!code.is_empty()).then_some(code),
            },
        );
    }
    (out, Some(most_used.to_owned()))
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
