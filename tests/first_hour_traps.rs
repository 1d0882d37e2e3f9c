//! Issue 11, traps 2 and 3, through the real binary.
//!
//! * Trap 2: `[products] enabled = true` (or customers) was silently ignored: this build has no such
//!   flow. `init` asks which flows to enable and warns about one it does not have; `check` and `run`
//!   warn when the configuration enables one.
//! * Trap 3: the payment-condition business object (`PC1`) is an assumption. Without it, `init`
//!   says so once and takes the condition codes from the debtors in use (`CONTACT.DISC_CODE`).

mod cli_common;

use cli_common::{Env, arg, koppel};
use sandbox::{AvLayout, RateLimits, Sandbox, SandboxConfig};
use secrecy::ExposeSecret;

async fn env_with(layout: AvLayout) -> Env {
    let sb = Sandbox::start(
        SandboxConfig::default()
            .seed(11)
            .orders(5)
            .articles(20)
            .av_layout(layout)
            .rate_limits(RateLimits {
                per_second: 10_000,
                ..RateLimits::default()
            }),
    )
    .await
    .expect("sandbox");
    Env {
        sb,
        dir: tempfile::tempdir().expect("tempdir"),
    }
}

fn init_args(env: &Env, config: &str, extra: &[&str]) -> Vec<String> {
    let ls = env.sb.lightspeed();
    let av = env.sb.accountview();
    let mut args: Vec<String> = [
        "init",
        "--non-interactive",
        "--config",
        config,
        "--lightspeed-base-url",
        ls.base_url().as_str(),
        "--lightspeed-language",
        ls.language(),
        "--lightspeed-api-key",
        &ls.api_key(),
        "--lightspeed-api-secret",
        ls.api_secret().expose_secret(),
        "--accountview-base-url",
        av.base_url().as_str(),
        "--accountview-client-id",
        &av.client_id(),
        "--accountview-client-secret",
        av.client_secret().expose_secret(),
        "--accountview-company",
        &av.company_code(),
        "--accountview-refresh-token",
        av.refresh_token().expose_secret(),
        "--state-url",
        &env.state_url(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enabled_flow_this_build_does_not_have_is_warned_about_in_init_check_and_run() {
    let env = env_with(AvLayout::standard()).await;
    let config = env.path("koppel.toml");
    let args = init_args(&env, &arg(&config), &["--flows", "orders,stock,products"]);
    let init = koppel(&strs(&args)).await;
    assert_eq!(init.code, 0, "{init:#?}");
    assert!(
        init.stdout
            .contains("warning: the products flow is not part of this build"),
        "{}",
        init.stdout
    );
    let loaded = koppel::app::config::KoppelConfig::load(&config).expect("loads");
    assert!(loaded.products.enabled, "written as asked");
    assert!(!loaded.customers.enabled);

    let check = koppel(&["check", "--config", &arg(&config)]).await;
    assert_eq!(check.code, 0, "{check:#?}");
    assert!(
        check
            .stdout
            .contains("warning: [products] enabled = true, but this build has no products flow"),
        "{}",
        check.stdout
    );

    let run = koppel(&["run", "--config", &arg(&config), "--json"]).await;
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stderr
            .contains("[products] enabled = true, but this build has no products flow"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.json().as_array().map(Vec::len),
        Some(2),
        "orders and stock ran"
    );

    // Flows left out are written as off.
    let only_orders = env.path("orders.toml");
    let args = init_args(&env, &arg(&only_orders), &["--flows", "orders"]);
    let init = koppel(&strs(&args)).await;
    assert_eq!(init.code, 0, "{init:#?}");
    let loaded = koppel::app::config::KoppelConfig::load(&only_orders).expect("loads");
    assert!(loaded.orders.enabled && !loaded.stock.enabled && !loaded.products.enabled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_pc1_init_says_so_once_and_takes_the_codes_the_debtors_use() {
    let env = env_with(AvLayout::standard().without_payment_conditions()).await;
    let config = env.path("koppel.toml");
    let args = init_args(&env, &arg(&config), &[]);
    let init = koppel(&strs(&args)).await;
    assert_eq!(init.code, 0, "{init:#?}");
    assert_eq!(
        init.stdout.matches("PC1").count(),
        1,
        "said once:\n{}",
        init.stdout
    );
    // The sandbox's debtors: persons on `00`, companies on `14`; persons are the most.
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for d in env.sb.accountview().debtors() {
        *counts
            .entry(d["DISC_CODE"].as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    let most_used = counts
        .iter()
        .max_by_key(|(code, n)| (**n, std::cmp::Reverse((*code).clone())))
        .map(|(code, _)| code.clone())
        .unwrap();
    let loaded = koppel::app::config::KoppelConfig::load(&config).expect("loads");
    assert_eq!(
        loaded.orders.default_payment_condition.as_deref(),
        Some(most_used.as_str()),
        "{counts:?}\n{}",
        init.stdout
    );
    assert_eq!(
        loaded.orders.payment("ideal").condition.as_deref(),
        Some(most_used.as_str())
    );

    let run = koppel(&[
        "run",
        "--config",
        &arg(&config),
        "--flow",
        "orders",
        "--json",
    ])
    .await;
    assert_eq!(
        run.code, 0,
        "the codes exist in the administration: {run:#?}"
    );
}
