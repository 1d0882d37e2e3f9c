//! The wizard in-process with scripted answers: a failed Lightspeed test is answered again, and a
//! pasted redirect whose `state` is not this session's is refused (CSRF).

mod cli_common;

use clap::Parser;
use cli_common::{Env, arg};
use koppel::app::cli::{Cli, Command, InitArgs};
use koppel::app::commands::init::prompt::Prompter;
use koppel::app::commands::init::wizard;
use koppel::app::config::KoppelConfig;
use secrecy::ExposeSecret;

fn init_args(args: &[&str]) -> InitArgs {
    let mut argv = vec!["koppel", "init"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(argv).expect("arguments").command {
        Command::Init(args) => *args,
        other => panic!("not init: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_lightspeed_test_can_be_answered_again() {
    let env = Env::start(3, 10).await;
    let (ls, av) = (env.sb.lightspeed(), env.sb.accountview());
    let config = env.path("koppel.toml");
    let answers = [
        ls.base_url().to_string(),
        String::new(),
        ls.api_key(),
        "a-wrong-secret".to_owned(),
        "y".to_owned(),                             // answer again
        String::new(),                              // base URL: the previous answer
        String::new(),                              // language
        String::new(),                              // key: the previous answer
        ls.api_secret().expose_secret().to_owned(), // the right secret
        String::new(), // no historic import; the rest take their defaults at the end of input
    ]
    .join("\n")
        + "\n";
    let args = init_args(&[
        "--config",
        &arg(&config),
        "--state-url",
        &env.state_url(),
        "--accountview-base-url",
        av.base_url().as_str(),
        "--accountview-client-id",
        &av.client_id(),
        "--accountview-client-secret",
        av.client_secret().expose_secret(),
        "--accountview-refresh-token",
        av.refresh_token().expose_secret(),
        "--accountview-company",
        "SPAAK",
        "--target",
        "sales_invoice",
        "--dashboard-password",
        "dashboard-pw",
        "--accountview-authorize-url",
        "http://127.0.0.1/ams/authorize.aspx",
    ]);
    let mut out = Vec::new();
    let written = {
        let mut p = Prompter::new(answers.as_bytes(), &mut out, true);
        wizard(args, &mut p).await
    };
    let text = String::from_utf8(out).unwrap();
    let written = written.unwrap_or_else(|e| panic!("{e:#}\n{text}"));
    assert_eq!(written.as_deref(), Some(config.as_path()));
    assert!(text.contains("the connection test failed"), "{text}");
    assert!(text.contains("unauthorized (401)"), "{text}");
    assert!(
        text.contains(&format!("Lightspeed API key [{}]: ", ls.api_key())),
        "the earlier answer is the default: {text}"
    );
    assert!(!text.contains(ls.api_secret().expose_secret()), "{text}");
    let loaded = KoppelConfig::load(&config).unwrap();
    assert_eq!(
        loaded.orders.target,
        sync_core::config::BookingTarget::SalesInvoice
    );
    let ls_section = loaded.lightspeed.unwrap();
    assert!(ls_section.shop.fetch_invoices, "invoices carry the number");
    assert_eq!(
        loaded.dashboard.password.unwrap().expose_secret(),
        "dashboard-pw"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_with_another_state_is_refused_and_nothing_is_written() {
    let env = Env::start(3, 10).await;
    let (ls, av) = (env.sb.lightspeed(), env.sb.accountview());
    let config = env.path("koppel.toml");
    let forged = format!(
        "{}?code={}&state=not-ours",
        av.redirect_uri(),
        av.issue_authorization_code()
    );
    let args = init_args(&[
        "--config",
        &arg(&config),
        "--state-url",
        &env.state_url(),
        "--lightspeed-base-url",
        ls.base_url().as_str(),
        "--lightspeed-language",
        "nl",
        "--lightspeed-api-key",
        &ls.api_key(),
        "--lightspeed-api-secret",
        ls.api_secret().expose_secret(),
        "--accountview-base-url",
        av.base_url().as_str(),
        "--accountview-authorize-url",
        "http://127.0.0.1/ams/authorize.aspx",
        "--accountview-client-id",
        &av.client_id(),
        "--accountview-client-secret",
        av.client_secret().expose_secret(),
        "--accountview-redirect-uri",
        &av.redirect_uri(),
    ]);
    let mut out = Vec::new();
    let result = {
        let input = format!("{forged}\n");
        let mut p = Prompter::new(input.as_bytes(), &mut out, true);
        wizard(args, &mut p).await
    };
    let text = String::from_utf8(out).unwrap();
    let err = result.expect_err("a foreign state must be refused");
    assert!(err.to_string().contains("state"), "{err:#}");
    assert!(text.contains("response_type=code"), "{text}");
    assert!(!config.exists());
}
