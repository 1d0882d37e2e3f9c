//! The wizard's questions and connection steps, one function per step.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use accountview_client::sync::StateTokenStore;
use accountview_client::{AccountViewClient, Company, TokenSet, TokenStore};
use anyhow::{Context, bail};
use lightspeed_client::LightspeedClient;
use secrecy::{ExposeSecret, SecretString};
use sync_core::state::StateStore;

use super::discovery::{Discovery, PaymentConditions, ShopFacts, shop_facts};
use super::explain;
use super::prompt::{Prompter, Question};
use super::proposal::FlowSelection;
use super::proposal::ProposalRequest;
use crate::app::cli::InitArgs;
use crate::app::config::{AccountViewSection, LightspeedSection};
use crate::app::runtime::{accountview_client, lightspeed_client};

/// How often the Lightspeed credentials may be typed again after a failed connection test.
const LIGHTSPEED_ATTEMPTS: usize = 3;

/// A tested shop connection.
pub(super) struct Shop {
    pub(super) section: LightspeedSection,
    pub(super) facts: ShopFacts,
    pub(super) client: LightspeedClient,
}

/// Step 1: the shop's credentials, tested with `shop.json` and the key's permissions. Interactively a
/// failed test may be answered again.
pub(super) async fn lightspeed(args: &InitArgs, p: &mut Prompter<'_>) -> anyhow::Result<Shop> {
    let mut location_flag = args
        .lightspeed_base_url
        .clone()
        .or_else(|| args.lightspeed_cluster.clone());
    let mut language_flag = args.lightspeed_language.clone();
    let mut key_flag = args.lightspeed_api_key.clone();
    let mut secret_flag = args.lightspeed_api_secret.clone();
    let mut defaults = ("eu1".to_owned(), "nl".to_owned(), None::<String>);
    for attempt in 1..=LIGHTSPEED_ATTEMPTS {
        let location = p.text(
            Question::new(
                "Lightspeed cluster (eu1, us1) or API base URL",
                "--lightspeed-cluster / --lightspeed-base-url",
            ),
            location_flag.take(),
            Some(&defaults.0),
        )?;
        let language = p.text(
            Question::new("Shop language (2 letters)", "--lightspeed-language"),
            language_flag.take(),
            Some(&defaults.1),
        )?;
        let key_question = Question::new("Lightspeed API key", "--lightspeed-api-key");
        let api_key = match &defaults.2 {
            Some(previous) => p.text(key_question, key_flag.take(), Some(previous))?,
            None => p.required(key_question, key_flag.take())?,
        };
        let api_secret = p.secret(
            Question::new("Lightspeed API secret", "--lightspeed-api-secret"),
            secret_flag.take(),
        )?;
        let is_url = location.starts_with("http://") || location.starts_with("https://");
        let section = LightspeedSection {
            base_url: is_url.then(|| location.clone()),
            cluster: (!is_url).then(|| location.to_ascii_lowercase()),
            language: language.to_ascii_lowercase(),
            api_key: api_key.clone(),
            api_secret,
            webhook_secret: None,
            register_webhooks: false,
            public_url: None,
            shop: Default::default(),
        };
        let client = lightspeed_client(&section)?;
        match shop_facts(&client).await {
            Ok(facts) => {
                p.say(format!(
                    "  connected to shop {}{}",
                    facts.shop_id,
                    facts
                        .name
                        .as_deref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default()
                ))?;
                for missing in facts.missing_permissions() {
                    p.say(format!(
                        "  warning: the API key may not {} {} (needed for {}){}",
                        missing.access,
                        missing.scope,
                        missing.used_for,
                        if missing.required_by_orders {
                            ": the order flow cannot run without it"
                        } else {
                            ""
                        }
                    ))?;
                }
                return Ok(Shop {
                    section,
                    facts,
                    client,
                });
            }
            Err(e) => {
                let problem = explain::lightspeed(&e);
                if !p.is_interactive() || attempt == LIGHTSPEED_ATTEMPTS {
                    return Err(problem.into_error("the Lightspeed connection test failed"));
                }
                p.say(format!("  the connection test failed: {problem}"))?;
                if !p.confirm("Answer the Lightspeed questions again?", true)? {
                    return Err(problem.into_error("the Lightspeed connection test failed"));
                }
                defaults = (location, language, Some(api_key));
            }
        }
    }
    bail!("the Lightspeed connection test failed")
}

/// An authorised AccountView client (no company chosen yet) and its settings.
pub(super) struct AccountView {
    pub(super) section: AccountViewSection,
    pub(super) client: AccountViewClient,
}

/// The authorize page that belongs to a base URL: production's for the production API, else the
/// same host's `/ams/authorize.aspx`.
fn default_authorize_url(base_url: &str) -> String {
    if base_url.trim_end_matches('/') == accountview_client::DEFAULT_BASE_URL {
        return accountview_client::DEFAULT_AUTHORIZE_URL.to_owned();
    }
    match url::Url::parse(base_url) {
        Ok(url) => format!("{}/ams/authorize.aspx", url.origin().ascii_serialization()),
        Err(_) => accountview_client::DEFAULT_AUTHORIZE_URL.to_owned(),
    }
}

/// The code from what the user pasted: the redirect address (its `state` must be ours) or the bare
/// code.
pub(super) fn code_from_answer(answer: &str, state: Option<&str>) -> anyhow::Result<String> {
    let answer = answer.trim();
    let Ok(url) = url::Url::parse(answer) else {
        return Ok(answer.to_owned());
    };
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if let Some(error) = get("error") {
        bail!(
            "AccountView.Net refused the authorisation: {error}{}",
            get("error_description")
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        );
    }
    if let (Some(expected), Some(got)) = (state, get("state"))
        && got != expected
    {
        bail!(
            "the state in the redirect does not match this session's: start `koppel init` again \
             and use the address it prints"
        );
    }
    get("code")
        .context("the address has no `code` parameter: paste the whole address you were sent to")
}

/// Step 2: the app's credentials and the sign-in. The token set goes into the state store, where
/// `koppel run` finds it.
pub(super) async fn accountview(
    args: &InitArgs,
    p: &mut Prompter<'_>,
    state: Arc<dyn StateStore>,
) -> anyhow::Result<AccountView> {
    let base_url = p.text(
        Question::new("AccountView.Net API base URL", "--accountview-base-url"),
        args.accountview_base_url.clone(),
        Some(accountview_client::DEFAULT_BASE_URL),
    )?;
    let derived = default_authorize_url(&base_url);
    let authorize_url = p.text(
        Question::new(
            "AccountView.Net sign-in page",
            "--accountview-authorize-url",
        ),
        args.accountview_authorize_url.clone(),
        Some(&derived),
    )?;
    let client_id = p.required(
        Question::new(
            "AccountView client id (API-sleutel)",
            "--accountview-client-id",
        ),
        args.accountview_client_id.clone(),
    )?;
    let client_secret = p.secret(
        Question::new(
            "AccountView client secret (API-secret)",
            "--accountview-client-secret",
        ),
        args.accountview_client_secret.clone(),
    )?;
    let refresh_token = args
        .accountview_refresh_token
        .clone()
        .filter(|t| !t.trim().is_empty())
        .map(SecretString::from);
    let redirect_uri = if refresh_token.is_some() {
        args.accountview_redirect_uri.clone()
    } else {
        Some(p.required(
            Question::new(
                "Redirect URI registered for the app",
                "--accountview-redirect-uri",
            ),
            args.accountview_redirect_uri.clone(),
        )?)
    };
    let mut section = AccountViewSection {
        base_url: (base_url.trim_end_matches('/') != accountview_client::DEFAULT_BASE_URL)
            .then(|| base_url.clone()),
        authorize_url: (authorize_url != accountview_client::DEFAULT_AUTHORIZE_URL)
            .then(|| authorize_url.clone()),
        client_id: client_id.clone(),
        client_secret,
        redirect_uri,
        refresh_token: None,
        company_id: String::new(),
        ledger: Default::default(),
    };
    let client = accountview_client(&section, state.clone())?;
    let tokens = StateTokenStore::new(state, &client_id);
    if let Some(refresh) = refresh_token {
        // The given refresh token wins over a token set an earlier installation left in the store:
        // store it with an expired access token, so the first call refreshes with it.
        let seeded = TokenSet::new(
            SecretString::from(String::new()),
            refresh.clone(),
            chrono::Utc::now() - chrono::Duration::hours(1),
            None,
        );
        tokens
            .save(&seeded)
            .await
            .map_err(|e| explain::accountview(&e).into_error("cannot store the token"))?;
        client
            .access_token()
            .await
            .map_err(|e| explain::accountview(&e).into_error("the refresh token does not work"))?;
        p.say("  the refresh token works; the new tokens are in the state store")?;
        section.refresh_token = Some(refresh);
    } else {
        let (code, state_param) = match args
            .accountview_code
            .clone()
            .filter(|c| !c.trim().is_empty())
        {
            Some(code) => (code, None),
            None => {
                let state_param = random_state();
                let url = client.authorize_url(&state_param)?;
                p.say(format!(
                    "  Open this address, sign in with AccountView.Net and allow Koppel access:\n\n  \
                     {url}\n\n  You are then sent to the redirect URI; paste that whole address (or \
                     just its `code`)."
                ))?;
                let answer =
                    p.required(Question::new("Address or code", "--accountview-code"), None)?;
                (answer, Some(state_param))
            }
        };
        let code = code_from_answer(&code, state_param.as_deref())?;
        let set = client.exchange_code(&code).await.map_err(|e| {
            explain::accountview(&e).into_error("the sign-in code was not accepted")
        })?;
        p.say("  authorised; the tokens are in the state store")?;
        section.refresh_token = Some(set.refresh_token.clone());
    }
    Ok(AccountView { section, client })
}

/// A random `state` for the authorize URL (CSRF protection; checked when the redirect is pasted).
fn random_state() -> String {
    let mut rng = fastrand::Rng::new();
    (0..24).map(|_| rng.alphanumeric()).collect()
}

/// Lists the administrations and asks which one (by code).
pub(super) async fn choose_company(
    args: &InitArgs,
    p: &mut Prompter<'_>,
    client: &AccountViewClient,
) -> anyhow::Result<Company> {
    let companies = client
        .companies()
        .await
        .map_err(|e| explain::accountview(&e).into_error("cannot list the administrations"))?;
    if companies.is_empty() {
        bail!("this AccountView.Net user has no administrations: link one to the user first");
    }
    let code_of = |c: &Company| c.code.clone().unwrap_or_else(|| "-".to_owned());
    let width = companies
        .iter()
        .map(|c| code_of(c).len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut table = format!("  {:<width$}  description\n", "code");
    for c in &companies {
        let description = c.description.as_deref().unwrap_or("");
        let _ = writeln!(table, "  {:<width$}  {description}", code_of(c));
    }
    p.say(format!("  Administrations:\n{}", table.trim_end()))?;
    // Only an administration with a code can be chosen by its code.
    let codes: Vec<&str> = companies.iter().filter_map(|c| c.code.as_deref()).collect();
    let Some(first) = codes.first().copied() else {
        bail!("none of this user's administrations has a code to choose it by");
    };
    let default = (companies.len() == 1 || p.is_interactive()).then_some(first);
    let mut flag = args.accountview_company.clone();
    for _ in 0..3 {
        let answer = p.optional(
            Question::new("Which administration (code)", "--accountview-company"),
            flag.take(),
            default,
        )?;
        let Some(answer) = answer else {
            bail!(
                "choose the administration with --accountview-company (one of: {})",
                codes.join(", ")
            );
        };
        if let Some(c) = companies.iter().find(|c| c.has_code(&answer)) {
            return Ok(c.clone());
        }
        if !p.is_interactive() {
            bail!(
                "no administration with code `{answer}` (one of: {})",
                codes.join(", ")
            );
        }
        p.say(format!("  no administration with code `{answer}`"))?;
    }
    bail!("no administration chosen")
}

/// What discovery found, in a few lines.
pub(super) fn describe(d: &Discovery) -> String {
    let a = &d.administration;
    let names = |list: Vec<String>| {
        if list.is_empty() {
            "none".to_owned()
        } else {
            list.join(", ")
        }
    };
    let revenue = a
        .ledger_accounts
        .iter()
        .filter(|l| l.stat_sell == Some(true))
        .count();
    // Why conditions cannot be read is said once, with the proposal.
    let conditions = match &a.payment_conditions {
        PaymentConditions::Found(list) => format!("{} payment conditions", list.len()),
        PaymentConditions::Unavailable(_) => "payment conditions unknown (see below)".to_owned(),
    };
    format!(
        "  shop {} ({}), currency {}\n  payment methods: {}\n  shipping methods: {}\n  \
         administration {}: {} VAT codes, {} ledger accounts ({revenue} revenue), {} \
         journals, {conditions}",
        d.shop.shop_id,
        d.shop.name.as_deref().unwrap_or("-"),
        d.shop.currency.as_deref().unwrap_or("unknown"),
        names(
            d.methods
                .payment
                .iter()
                .filter_map(|m| m.key.clone().or_else(|| m.title.clone()))
                .collect()
        ),
        names(
            d.methods
                .shipping
                .iter()
                .filter_map(|m| m.title.clone())
                .collect()
        ),
        d.company.label(),
        a.vat_codes.len(),
        a.ledger_accounts.len(),
        a.journals.len(),
    )
}

/// The booking target and the historic import date.
pub(super) fn proposal_request(
    args: &InitArgs,
    p: &mut Prompter<'_>,
) -> anyhow::Result<ProposalRequest> {
    let target = p.text(
        Question::new(
            "Book orders as sales_order (verkooporder) or sales_invoice (sales journal)",
            "--target",
        ),
        args.target.clone(),
        Some("sales_order"),
    )?;
    let target = super::parse_target(&target)?;
    let import_from = match args.import_from {
        Some(date) => Some(date),
        None => p
            .optional(
                Question::new(
                    "Also book orders placed since (YYYY-MM-DD; empty: only new orders)",
                    "--import-from",
                ),
                None,
                None,
            )?
            .map(|d| {
                chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .with_context(|| format!("`{d}` is not a date like 2024-01-31"))
            })
            .transpose()?,
    };
    let flows = p.text(
        Question::new(
            "Flows to enable: orders, stock (this build), products, customers (not built yet)",
            "--flows",
        ),
        args.flows.clone(),
        Some(&FlowSelection::default().names()),
    )?;
    // A flow this build does not have is warned about with the proposal.
    let flows = FlowSelection::parse(&flows)?;
    Ok(ProposalRequest {
        target,
        import_from,
        flows,
    })
}

/// The dashboard's address and password (generated when none is given); the flag says whether it
/// was generated.
pub(super) fn dashboard(
    args: &InitArgs,
    p: &mut Prompter<'_>,
) -> anyhow::Result<(SocketAddr, SecretString, bool)> {
    let listen = p.text(
        Question::new("Dashboard address (koppel serve)", "--dashboard-listen"),
        args.dashboard_listen.map(|a| a.to_string()),
        Some("127.0.0.1:8080"),
    )?;
    let listen: SocketAddr = listen
        .parse()
        .with_context(|| format!("`{listen}` is not an address like 127.0.0.1:8080"))?;
    let password = match args
        .dashboard_password
        .clone()
        .filter(|s| !s.trim().is_empty())
    {
        Some(pw) => Some(SecretString::from(pw)),
        None if p.is_interactive() => {
            let typed = p.optional(
                Question::new(
                    "Dashboard password (empty: generate one)",
                    "--dashboard-password",
                ),
                None,
                None,
            )?;
            typed.map(SecretString::from)
        }
        None => None,
    };
    Ok(match password {
        Some(pw) if !pw.expose_secret().is_empty() => (listen, pw, false),
        _ => (listen, super::generate_password(), true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_comes_from_the_pasted_address_and_its_state_is_checked() {
        let url = "http://127.0.0.1/koppel/oauth/callback?code=abc123&state=xyz";
        assert_eq!(code_from_answer(url, Some("xyz")).unwrap(), "abc123");
        assert_eq!(code_from_answer(" abc123 ", Some("xyz")).unwrap(), "abc123");
        let err = code_from_answer(url, Some("other"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("state"), "{err}");
        let err = code_from_answer("https://x/cb?error=access_denied", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("access_denied"), "{err}");
        assert!(code_from_answer("https://x/cb?state=xyz", Some("xyz")).is_err());
    }

    #[test]
    fn the_sign_in_page_follows_the_base_url() {
        assert_eq!(
            default_authorize_url(accountview_client::DEFAULT_BASE_URL),
            accountview_client::DEFAULT_AUTHORIZE_URL
        );
        assert_eq!(
            default_authorize_url("http://127.0.0.1:9000/api/v3"),
            "http://127.0.0.1:9000/ams/authorize.aspx"
        );
    }
}
