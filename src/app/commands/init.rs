//! `koppel init`: the setup wizard.
//!
//! 1. Lightspeed: cluster or base URL, language, key and secret, then a connection test.
//! 2. AccountView: base URL, client id and secret, redirect URI; the OAuth sign-in (the authorize URL
//!    with a random `state`, the returned code exchanged for tokens that go into the state store),
//!    then the administration to use.
//! 3. Discovery of the administration and the shop ([`discovery`]).
//! 4. Proposed mappings ([`proposal`]), shown, then written as the configuration file (mode 0600,
//!    never over an existing file without `--force`).
//!
//! Every question has a flag ([`InitArgs`]); `--non-interactive` asks nothing.

pub mod config_file;
pub mod discovery;
pub mod explain;
pub mod prompt;
pub mod proposal;
mod steps;
mod vat_rules;

#[cfg(test)]
mod proposal_tests;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accountview_client::TokenStore;
use accountview_client::sync::StateTokenStore;
use anyhow::{Context, bail};
use secrecy::SecretString;
use sync_core::config::{BookingTarget, SpecialArticles};

use self::discovery::{
    DICTIONARY_TABLES, Discovery, discover_administration, read_dictionaries, shop_methods,
};
use self::prompt::{Prompter, Question};
use crate::app::cli::InitArgs;
use crate::app::config::{KoppelConfig, StateSection};
use crate::app::runtime::open_state;

/// `koppel init`.
pub async fn init(args: InitArgs) -> anyhow::Result<ExitCode> {
    let mut prompter = Prompter::stdio(!args.non_interactive);
    wizard(args, &mut prompter).await?;
    Ok(ExitCode::SUCCESS)
}

/// The flags `--non-interactive` cannot do without (or their environment variables).
fn missing_flags(args: &InitArgs) -> Vec<&'static str> {
    let mut missing = Vec::new();
    let mut need = |present: bool, flag: &'static str| {
        if !present {
            missing.push(flag);
        }
    };
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    need(given(&args.lightspeed_api_key), "--lightspeed-api-key");
    need(
        given(&args.lightspeed_api_secret),
        "--lightspeed-api-secret",
    );
    need(
        given(&args.accountview_client_id),
        "--accountview-client-id",
    );
    need(
        given(&args.accountview_client_secret),
        "--accountview-client-secret",
    );
    if !given(&args.accountview_refresh_token) {
        need(
            given(&args.accountview_code),
            "--accountview-code (or --accountview-refresh-token)",
        );
        need(
            given(&args.accountview_redirect_uri),
            "--accountview-redirect-uri",
        );
    }
    missing
}

/// The default state store: a SQLite file beside the configuration file.
fn default_state_url(config: &Path) -> String {
    format!("sqlite://{}", config.with_file_name("koppel.db").display())
}

/// Runs the wizard on `p`; returns the file written, or `None` when the merchant declined to write.
pub async fn wizard(args: InitArgs, p: &mut Prompter<'_>) -> anyhow::Result<Option<PathBuf>> {
    if args.config.exists() && !args.force {
        bail!(
            "{} already exists: pass --force to overwrite it",
            args.config.display()
        );
    }
    if !p.is_interactive() {
        let missing = missing_flags(&args);
        if !missing.is_empty() {
            bail!(
                "--non-interactive needs these answers: {} (or their KOPPEL_* environment variables)",
                missing.join(", ")
            );
        }
    }
    p.say(format!(
        "Koppel setup: writes {} for your Lightspeed shop and AccountView administration.\n",
        args.config.display()
    ))?;

    p.say("1. Lightspeed")?;
    let shop = steps::lightspeed(&args, p).await?;
    let methods = shop_methods(&shop.client)
        .await
        .map_err(|e| explain::lightspeed(&e).into_error("cannot read the shop's methods"))?;

    p.say("\n2. AccountView")?;
    let state_url = p.text(
        Question::new(
            "Where Koppel keeps its state (sqlite://FILE or postgres://…)",
            "--state-url",
        ),
        args.state_url.clone(),
        Some(&default_state_url(&args.config)),
    )?;
    if state_url.trim().starts_with("memory") {
        p.say("  note: a memory:// state store forgets cursors, the id map and tokens on exit")?;
    }
    let state = open_state(&StateSection {
        url: state_url.clone(),
        ..StateSection::default()
    })
    .await?;
    make_private(&state_url);
    let av = steps::accountview(&args, p, state.clone()).await?;
    let company = steps::choose_company(&args, p, &av.client).await?;
    let client = av.client.with_company(company.id.clone())?;

    p.say("\n3. Discovery")?;
    let articles = SpecialArticles::default();
    let codes = [
        articles.shipping.as_str(),
        articles.payment_cost.as_str(),
        articles.discount.as_str(),
        articles.rounding.as_str(),
    ];
    let mut administration = discover_administration(&client, &codes)
        .await
        .map_err(|e| explain::accountview(&e).into_error("cannot read the administration"))?;
    administration.dictionaries = read_dictionaries(&client, &DICTIONARY_TABLES)
        .await
        .map_err(|e| explain::accountview(&e).into_error("cannot read the field dictionary"))?;
    let discovery = Discovery {
        shop: shop.facts.clone(),
        methods,
        company: company.clone(),
        administration,
    };
    p.say(steps::describe(&discovery))?;

    p.say("\n4. Mappings")?;
    let request = steps::proposal_request(&args, p)?;
    let proposal = proposal::propose(&discovery, &request);
    p.say(format!("Proposed mappings:\n{}", proposal.render()))?;
    let (dashboard_listen, dashboard_password, generated) = steps::dashboard(&args, p)?;

    let tokens = StateTokenStore::new(state.clone(), &av.section.client_id);
    let refresh_token = match tokens.load().await {
        Ok(Some(t)) => Some(t.refresh_token),
        _ => av.section.refresh_token.clone(),
    };
    let answers = config_file::Answers {
        lightspeed_base_url: shop.section.base_url.clone(),
        lightspeed_cluster: shop.section.cluster.clone(),
        lightspeed_language: shop.section.language.clone(),
        lightspeed_api_key: shop.section.api_key.clone(),
        lightspeed_api_secret: shop.section.api_secret.clone(),
        shop: lightspeed_client::sync::ShopOptions {
            shop_id: Some(discovery.shop.shop_id.clone()),
            currency: discovery.shop.currency.clone(),
            // Invoices carry the shop's invoice number and date: worth a request per order only
            // when bookings are sales-journal invoices.
            fetch_invoices: request.target == BookingTarget::SalesInvoice,
            ..Default::default()
        },
        accountview_base_url: av.section.base_url.clone(),
        accountview_authorize_url: av.section.authorize_url.clone(),
        accountview_client_id: av.section.client_id.clone(),
        accountview_client_secret: av.section.client_secret.clone(),
        accountview_redirect_uri: av.section.redirect_uri.clone(),
        accountview_refresh_token: refresh_token,
        accountview_company_id: company.id.clone(),
        accountview_company_label: company.label(),
        state_url,
        dashboard_listen,
        dashboard_password,
    };
    let text = config_file::render(&answers, &proposal)?;
    KoppelConfig::parse(&text).context("the proposed configuration does not load (a bug)")?;
    if !p.confirm(
        &format!("\nWrite this configuration to {}?", args.config.display()),
        true,
    )? {
        p.say("Nothing written.")?;
        return Ok(None);
    }
    config_file::write(&args.config, &text, args.force)?;
    let path = args.config.display();
    p.say(format!("\nWritten {path} (readable by you only)."))?;
    if generated {
        p.say(format!(
            "The dashboard password was generated: see [dashboard] password in {path}."
        ))?;
    }
    if !proposal.notes.warnings.is_empty() {
        p.say(format!(
            "Look at the {} warning(s) above before the first run.",
            proposal.notes.warnings.len()
        ))?;
    }
    p.say(format!(
        "Next: koppel check --config {path}\n      koppel run --config {path} --dry-run"
    ))?;
    Ok(Some(args.config.clone()))
}

/// Restricts a SQLite state file to its owner: it holds the AccountView tokens.
fn make_private(state_url: &str) {
    #[cfg(unix)]
    if let Some(path) = state_url.trim().strip_prefix("sqlite://")
        && !path.starts_with(':')
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            tracing::warn!(path, error = %e, "cannot restrict the state file's permissions");
        }
    }
    #[cfg(not(unix))]
    let _ = state_url;
}

/// Parses `--target`.
fn parse_target(text: &str) -> anyhow::Result<BookingTarget> {
    match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
        "sales_order" | "order" | "so1" => Ok(BookingTarget::SalesOrder),
        "sales_invoice" | "invoice" | "dj2" => Ok(BookingTarget::SalesInvoice),
        other => bail!("`{other}` is not a target: use sales_order or sales_invoice"),
    }
}

/// A random dashboard password (letters and digits).
fn generate_password() -> SecretString {
    let mut rng = fastrand::Rng::new();
    SecretString::from((0..24).map(|_| rng.alphanumeric()).collect::<String>())
}
