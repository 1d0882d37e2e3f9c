//! `koppel check`: per connection, test the shop (`shop.json`, the key's permissions, the rate-limit
//! windows) and the administration (a token, the configured company, counts of VAT codes, ledger
//! accounts, journals, payment conditions, article access), and check that what the configuration
//! names exists there: columns in the field dictionary, VAT codes, accounts, conditions, articles.
//! The AccountView columns are checked exactly as a run checks them: the ledger connector of the
//! connection (the one `run` and `serve` use) holds its column plan — every column the enabled flows
//! read or write — against the administration's field dictionary, and the check lists the columns a
//! run uses with their types and lengths. An optional column the administration lacks is a warning
//! (a run leaves it out), a required one a failure naming the option to set.
//! It also looks a booking up by its reference for each kind the orders flow books (the sales order
//! or sales invoice of the target, and credit notes when they are booked), exactly as a run does.
//! Missing codes are warnings; a connection that does not work, a required column the administration
//! lacks, or a booking lookup that cannot be performed (a run would check for duplicates blind), is a
//! failure (exit 1). Flows that are enabled but not part of this build are warnings.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

use accountview_client::sync::{AccountViewLedger, CheckedColumn, ColumnStatus};
use serde::Serialize;
use sync_core::domain::SalesDocumentKind;
use sync_core::state::StateStore;
use sync_core::traits::WriteBack;

use super::init::discovery::{
    Administration, NeededPermission, PaymentConditions, ShopFacts, discover_administration,
    shop_facts,
};
use super::init::explain::{self, Problem};
use crate::app::cli::CheckArgs;
use crate::app::config::{Connection, KoppelConfig};
use crate::app::runtime::{accountview_client, lightspeed_client, open_state};

/// The result of `koppel check`.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Whether every connection works.
    pub ok: bool,
    /// One entry per connection.
    pub connections: Vec<ConnectionCheck>,
}

/// One connection's result.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionCheck {
    /// The connection's name.
    pub name: String,
    /// Whether both sides work.
    pub ok: bool,
    /// The shop.
    pub lightspeed: LightspeedCheck,
    /// The administration.
    pub accountview: AccountViewCheck,
    /// What works but should be looked at.
    pub warnings: Vec<String>,
}

/// The shop side.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LightspeedCheck {
    /// Whether the connection works.
    pub ok: bool,
    /// `shop.json`.
    pub shop: Option<ShopFacts>,
    /// Needed permissions the key lacks.
    pub missing_permissions: Vec<NeededPermission>,
    /// The rate-limit windows after the check's requests.
    pub rate_limit: Vec<RateWindow>,
    /// Why it does not work.
    pub problem: Option<Problem>,
}

/// One rate-limit window.
#[derive(Debug, Clone, Serialize)]
pub struct RateWindow {
    /// Which window.
    pub window: String,
    /// Requests left.
    pub remaining: i64,
    /// Requests allowed.
    pub limit: u64,
    /// Seconds until it resets.
    pub resets_in_secs: u64,
}

/// The administration side.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccountViewCheck {
    /// Whether the connection works.
    pub ok: bool,
    /// `code (description)` of the configured company.
    pub company: Option<String>,
    /// Number of VAT codes.
    pub vat_codes: usize,
    /// Number of ledger accounts.
    pub ledger_accounts: usize,
    /// Number of revenue accounts among them.
    pub revenue_accounts: usize,
    /// Number of journals.
    pub journals: usize,
    /// Number of payment conditions (`None`: unknown to the administration).
    pub payment_conditions: Option<usize>,
    /// Whether articles can be read.
    pub articles_readable: bool,
    /// The booking lookups performed (`BUSINESS_OBJECT.COLUMN`), each answered with rows or
    /// AccountView's "no records".
    pub booking_lookups: Vec<String>,
    /// Every column the enabled flows read or write, with what the field dictionary says about it
    /// (present with its type and length, missing, or not verified): exactly what a run checks.
    pub columns: Vec<CheckedColumn>,
    /// Why it does not work.
    pub problem: Option<Problem>,
}

/// `koppel check`.
pub async fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let config = KoppelConfig::load(&args.config.config)?;
    let state = open_state(&config.state).await?;
    let connections: Vec<Connection> = config
        .connections()?
        .into_iter()
        .filter(|c| args.connection.as_deref().is_none_or(|n| n == c.name))
        .collect();
    if connections.is_empty() {
        anyhow::bail!(
            "no connection named `{}`",
            args.connection.unwrap_or_default()
        );
    }
    let mut checks = Vec::new();
    for connection in &connections {
        checks.push(check_connection(connection, state.clone()).await);
    }
    let report = CheckReport {
        ok: checks.iter().all(|c| c.ok),
        connections: checks,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Checks one connection.
pub async fn check_connection(c: &Connection, state: Arc<dyn StateStore>) -> ConnectionCheck {
    let mut warnings = c.unbuilt_flow_warnings();
    let lightspeed = check_lightspeed(c, &mut warnings).await;
    let accountview = check_accountview(c, state, &mut warnings).await;
    ConnectionCheck {
        name: c.name.clone(),
        ok: lightspeed.ok && accountview.ok,
        lightspeed,
        accountview,
        warnings,
    }
}

async fn check_lightspeed(c: &Connection, warnings: &mut Vec<String>) -> LightspeedCheck {
    let mut out = LightspeedCheck::default();
    let client = match lightspeed_client(&c.lightspeed) {
        Ok(client) => client,
        Err(e) => {
            out.problem = Some(Problem::new(
                format!("Lightspeed: {e:#}"),
                "correct the [lightspeed] settings",
            ));
            return out;
        }
    };
    match shop_facts(&client).await {
        Ok(facts) => {
            out.ok = true;
            let writes_back = c.orders.write_back != WriteBack::None;
            for missing in facts.missing_permissions() {
                let text = format!(
                    "the API key may not {} {} (needed for {})",
                    missing.access, missing.scope, missing.used_for
                );
                let fatal = c.orders.enabled
                    && (missing.required_by_orders || (writes_back && missing.scope == "orders"));
                if fatal {
                    out.ok = false;
                    out.problem = Some(Problem::new(
                        format!("Lightspeed: {text}"),
                        "give the key that permission in the Lightspeed back office",
                    ));
                } else {
                    warnings.push(text);
                }
                out.missing_permissions.push(missing);
            }
            if let Some(configured) = &c.lightspeed.shop.currency
                && facts
                    .currency
                    .as_deref()
                    .is_some_and(|cur| !cur.eq_ignore_ascii_case(configured))
            {
                warnings.push(format!(
                    "[lightspeed.shop] currency is {configured}, the shop's is {}",
                    facts.currency.as_deref().unwrap_or_default()
                ));
            }
            out.shop = Some(facts);
        }
        Err(e) => out.problem = Some(explain::lightspeed(&e)),
    }
    out.rate_limit = client
        .rate_limit_snapshot()
        .windows()
        .iter()
        .map(|w| RateWindow {
            window: w.window.to_string(),
            remaining: w.remaining,
            limit: w.limit,
            resets_in_secs: w.resets_in.as_secs(),
        })
        .collect();
    out
}

async fn check_accountview(
    c: &Connection,
    state: Arc<dyn StateStore>,
    warnings: &mut Vec<String>,
) -> AccountViewCheck {
    let mut out = AccountViewCheck::default();
    let client = match accountview_client(&c.accountview, state) {
        Ok(client) => client,
        Err(e) => {
            out.problem = Some(Problem::new(
                format!("AccountView: {e:#}"),
                "correct the [accountview] settings",
            ));
            return out;
        }
    };
    if let Err(e) = client.access_token().await {
        out.problem = Some(explain::accountview(&e));
        return out;
    }
    let companies = match client.companies().await {
        Ok(list) => list,
        Err(e) => {
            out.problem = Some(explain::accountview(&e));
            return out;
        }
    };
    let wanted = c.accountview.company_id.trim();
    let Some(company) = companies
        .iter()
        .find(|co| co.id.trim().eq_ignore_ascii_case(wanted))
    else {
        let available: Vec<String> = companies
            .iter()
            .map(|co| format!("{} (Id {})", co.code.as_deref().unwrap_or("-"), co.id))
            .collect();
        out.problem = Some(Problem::new(
            format!(
                "AccountView: company_id `{wanted}` is not an administration this user may access \
                 (available: {})",
                if available.is_empty() {
                    "none".to_owned()
                } else {
                    available.join(", ")
                }
            ),
            "set [accountview] company_id to the Id of one of them (`koppel init` lists them)",
        ));
        return out;
    };
    out.company = Some(company.label());
    let a = &c.orders.articles;
    let mut codes = vec![
        a.shipping.as_str(),
        a.payment_cost.as_str(),
        a.discount.as_str(),
        a.rounding.as_str(),
    ];
    codes.extend(c.orders.fallback_article.as_deref());
    let admin = match discover_administration(&client, &codes).await {
        Ok(admin) => admin,
        Err(e) => {
            out.problem = Some(explain::accountview(&e));
            return out;
        }
    };
    out.ok = true;
    out.vat_codes = admin.vat_codes.len();
    out.ledger_accounts = admin.ledger_accounts.len();
    out.revenue_accounts = admin
        .ledger_accounts
        .iter()
        .filter(|l| l.stat_sell == Some(true))
        .count();
    out.journals = admin.journals.len();
    out.articles_readable = admin.articles_readable;
    match &admin.payment_conditions {
        PaymentConditions::Found(list) => out.payment_conditions = Some(list.len()),
        PaymentConditions::Unavailable(why) => {
            warnings.push(format!("payment conditions cannot be checked: {why}"));
        }
    }
    warnings.extend(reference_warnings(c, &admin, &codes));
    let ledger = match crate::app::runtime::ledger_for(c, client) {
        Ok(ledger) => ledger,
        Err(e) => {
            out.ok = false;
            out.problem = Some(Problem::new(
                format!("AccountView: {e:#}"),
                "correct [accountview.ledger]",
            ));
            return out;
        }
    };
    // The columns, exactly as a run checks them.
    let columns = ledger.check_columns().await;
    warnings.extend(columns.warnings(None));
    let problems = columns.problems(None);
    out.columns = columns.columns;
    if !problems.is_empty() {
        out.ok = false;
        out.problem = Some(Problem::new(
            format!("AccountView: a run would stop: {}", problems.join("; ")),
            "set the options named to columns this administration has (`koppel init` proposes \
             them), or switch the flow that needs them off",
        ));
        return out;
    }
    match booking_lookups(c, &ledger).await {
        Ok(lookups) => out.booking_lookups = lookups,
        Err(problem) => {
            out.ok = false;
            out.problem = Some(problem);
        }
    }
    out
}

/// Looks a booking up by its reference for every kind the orders flow books, through the ledger
/// connector a run uses. Any answer but rows or "no records" is a problem.
async fn booking_lookups(
    c: &Connection,
    ledger: &AccountViewLedger,
) -> Result<Vec<String>, Problem> {
    if !c.orders.enabled {
        return Ok(Vec::new());
    }
    let fix = "set [accountview.ledger] to a business object and reference column this \
               administration reads bookings from (`koppel init` proposes them); until then every \
               duplicate check of a run would be blind";
    let mut kinds = vec![c.orders.target.document_kind()];
    if c.orders.credit_notes {
        kinds.push(SalesDocumentKind::CreditNote);
    }
    let mut lookups: Vec<String> = Vec::new();
    for kind in kinds {
        let place = ledger
            .verify_booking_lookup(kind)
            .await
            .map_err(|e| Problem::new(format!("AccountView: {}", e.message()), fix))?;
        if !lookups.contains(&place) {
            lookups.push(place);
        }
    }
    Ok(lookups)
}

/// Codes the mappings name that the administration does not have.
fn reference_warnings(c: &Connection, admin: &Administration, articles: &[&str]) -> Vec<String> {
    let o = &c.orders;
    let mut out = Vec::new();
    let vat: Vec<&str> = admin
        .vat_codes
        .iter()
        .filter_map(|v| v.vat_code.as_deref())
        .collect();
    for rule in &o.vat_codes {
        if !vat.iter().any(|v| v.trim() == rule.code.trim()) {
            out.push(format!(
                "[orders] vat_codes: VAT code {} ({}) does not exist in VA1",
                rule.code, rule.country
            ));
        }
    }
    let accounts: Vec<&str> = admin
        .ledger_accounts
        .iter()
        .filter_map(|l| l.acct_nr.as_deref())
        .collect();
    let mut account = |nr: &str, option: &str| {
        if !accounts.iter().any(|a| a.trim() == nr.trim()) {
            out.push(format!("{option}: account {nr} does not exist in GL1"));
        }
    };
    for rule in &o.revenue_accounts {
        account(&rule.account, "[orders] revenue_accounts");
    }
    account(&o.debtor_control_account, "[orders] debtor_control_account");
    let conditions = o
        .payment_methods
        .values()
        .filter_map(|m| m.condition.as_deref())
        .chain(o.default_payment_condition.as_deref());
    for code in conditions {
        if admin.payment_conditions.contains(code) == Some(false) {
            out.push(format!(
                "[orders] payment condition {code} does not exist in PC1"
            ));
        }
    }
    for code in articles {
        if !admin.has_article(code) {
            out.push(format!(
                "[orders.articles]: article {code} does not exist in AK1"
            ));
        }
    }
    let journal = &c.accountview.ledger.sales_journal;
    if o.target == sync_core::config::BookingTarget::SalesInvoice
        && !admin.journals.iter().any(|j| {
            j.dj_code
                .as_deref()
                .is_some_and(|d| d.trim() == journal.trim())
        })
    {
        out.push(format!(
            "[accountview.ledger] sales_journal {journal} does not exist in DJ1"
        ));
    }
    out
}

/// The columns a run uses, one line per table (`ARTICLE   ART_CODE C15, BAR_CODE C20, …`), and the
/// ones it leaves out or lacks.
fn render_columns(out: &mut String, columns: &[CheckedColumn]) {
    if columns.is_empty() {
        return;
    }
    let in_use = columns.iter().filter(|c| c.in_use()).count();
    let verified = columns
        .iter()
        .filter(|c| matches!(c.status, ColumnStatus::Present { .. }))
        .count();
    let _ = writeln!(
        out,
        "    columns             {in_use} used by a run ({verified} verified in the field dictionary)"
    );
    let mut tables: Vec<&str> = Vec::new();
    for c in columns {
        if !tables.contains(&c.planned.table.as_str()) {
            tables.push(&c.planned.table);
        }
    }
    for table in tables {
        let listed: Vec<String> = columns
            .iter()
            .filter(|c| c.planned.table == table && c.in_use())
            .map(|c| {
                let label = c.describe();
                label
                    .strip_prefix(&format!("{table}."))
                    .unwrap_or(&label)
                    .to_owned()
            })
            .collect();
        if !listed.is_empty() {
            let _ = writeln!(out, "      {table:<9} {}", listed.join(", "));
        }
    }
    let absent: Vec<String> = columns
        .iter()
        .filter(|c| !c.in_use())
        .map(|c| c.planned.label())
        .collect();
    if !absent.is_empty() {
        let _ = writeln!(out, "    not in the administration  {}", absent.join(", "));
    }
}

fn status(ok: bool) -> &'static str {
    if ok { "ok" } else { "FAILED" }
}

/// The report as text.
pub fn render(report: &CheckReport) -> String {
    let mut out = String::new();
    for c in &report.connections {
        let _ = writeln!(out, "connection {}: {}", c.name, status(c.ok));
        let ls = &c.lightspeed;
        let _ = writeln!(out, "  Lightspeed   {}", status(ls.ok));
        if let Some(shop) = &ls.shop {
            let _ = writeln!(
                out,
                "    shop                {} ({}), currency {}",
                shop.shop_id,
                shop.name.as_deref().unwrap_or("-"),
                shop.currency.as_deref().unwrap_or("unknown")
            );
            let _ = writeln!(
                out,
                "    permissions         {}",
                if ls.missing_permissions.is_empty() {
                    "all needed (orders, customers, products)".to_owned()
                } else {
                    let missing: Vec<String> = ls
                        .missing_permissions
                        .iter()
                        .map(|m| format!("{} {}", m.scope, m.access))
                        .collect();
                    format!("missing: {}", missing.join(", "))
                }
            );
        }
        let windows: Vec<String> = ls
            .rate_limit
            .iter()
            .map(|w| format!("{} {}/{}", w.window, w.remaining, w.limit))
            .collect();
        if !windows.is_empty() {
            let _ = writeln!(out, "    rate limit left     {}", windows.join(", "));
        }
        if let Some(p) = &ls.problem {
            let _ = writeln!(out, "    problem:     {}", p.problem);
            let _ = writeln!(out, "    what to do:  {}", p.what_to_do);
        }
        let av = &c.accountview;
        let _ = writeln!(out, "  AccountView  {}", status(av.ok));
        if let Some(company) = &av.company {
            let _ = writeln!(out, "    administration      {company}");
        }
        if av.ok {
            let conditions = av
                .payment_conditions
                .map_or("unknown to the administration".to_owned(), |n| {
                    n.to_string()
                });
            let _ = writeln!(out, "    VAT codes           {}", av.vat_codes);
            let _ = writeln!(
                out,
                "    ledger accounts     {} ({} revenue)",
                av.ledger_accounts, av.revenue_accounts
            );
            let _ = writeln!(out, "    journals            {}", av.journals);
            let _ = writeln!(out, "    payment conditions  {conditions}");
            let _ = writeln!(
                out,
                "    articles            {}",
                if av.articles_readable {
                    "readable"
                } else {
                    "not readable"
                }
            );
            if !av.booking_lookups.is_empty() {
                let _ = writeln!(
                    out,
                    "    booking lookup      {} (by reference)",
                    av.booking_lookups.join(", ")
                );
            }
        }
        render_columns(&mut out, &av.columns);
        if let Some(p) = &av.problem {
            let _ = writeln!(out, "    problem:     {}", p.problem);
            let _ = writeln!(out, "    what to do:  {}", p.what_to_do);
        }
        for w in &c.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        if report.ok {
            "Both connections work."
        } else {
            "A connection does not work: see the problem above."
        }
    );
    out
}
