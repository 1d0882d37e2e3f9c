//! Stateful simulators of **Lightspeed eCom (C-Series)** and **AccountView.Net**, for tests,
//! benchmarks and demos of Koppel without either vendor.
//!
//! Both simulators speak the wire formats themselves (this crate depends on no client crate), so
//! they catch client bugs: Basic auth, `/{lang}/{resource}.json`, envelopes, resource links and
//! `false`-for-absent on the Lightspeed side; OAuth2 with rotating refresh tokens, `X-Company`,
//! numbered filters, positional writes and Dutch validation errors on the AccountView side. The
//! shop and the administration are seeded from one deterministic generator (same seed, same
//! data), rate limits and token lifetimes are enforced, faults can be injected per endpoint, and
//! every request is logged and counted.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sandbox::SandboxError> {
//! use sandbox::{RateLimits, Sandbox, SandboxConfig};
//!
//! let sb = Sandbox::start(
//!     SandboxConfig::default()
//!         .seed(42)
//!         .customers(60)
//!         .orders(200)
//!         .articles(120)
//!         .time_scale(1)
//!         .rate_limits(RateLimits { five_min: 300, hour: 3000, day: 12000, per_second: 20 }),
//! )
//! .await?;
//! let ls = sb.lightspeed();
//! let url = format!("{}{}/orders.json?limit=5", ls.base_url(), ls.language());
//! let av = sb.accountview();
//! println!("shop {} at {url}; AccountView at {} for {}", ls.shop_id(), av.base_url(), av.company_code());
//! assert_eq!(ls.orders().len(), 200);
//! sb.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Sandbox assumptions that the vendor material does not confirm (AccountView column names such
//! as `BAR_CODE` and `QTY_RES_SO`, the `PC1`/`PAY_COND` payment conditions, error numbers and
//! statuses, window alignment of the rate limits) are documented on the modules that implement
//! them and listed in the crate README.

#![deny(missing_docs)]
#![recursion_limit = "256"]

mod accountview;
mod clock;
mod config;
mod error;
mod faults;
mod geo;
mod lightspeed;
mod money;
mod observe;
mod seed;
mod server;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use accountview::{AccountViewSim, AvLayout, BookedDocument};
pub use axum::http::Method;
pub use config::{RateLimits, SandboxConfig, SingleRowObject};
pub use error::SandboxError;
pub use faults::{FaultKind, FaultPlan, FaultRule, FaultTarget};
pub use lightspeed::{Coupon, LightspeedSim, OrderLineSpec, OrderSpec, Party, WebhookDelivery};
pub use observe::RequestRecord;
pub use seed::{SeedArticle, SeedCustomer, SeedData, SeedOrder};

use accountview::{AvInner, Company, Db, Tokens};
use chrono::{SubsecRound, Utc};
use lightspeed::{LsInner, LsState};
use secrecy::SecretString;
use server::Shutdown;

/// Both simulators, running. Dropping it stops them (use [`Sandbox::shutdown`] to wait).
pub struct Sandbox {
    ls: LightspeedSim,
    av: AccountViewSim,
    seed: Arc<SeedData>,
    shutdown: Shutdown,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("lightspeed", &self.ls)
            .field("accountview", &self.av)
            .field("seed", &self.seed.seed)
            .finish_non_exhaustive()
    }
}

fn hex(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(rng.u32(0..16), 16).unwrap_or('0'))
        .collect()
}

fn guid(rng: &mut fastrand::Rng) -> String {
    format!(
        "{}-{}-4{}-{}-{}",
        hex(rng, 8),
        hex(rng, 4),
        hex(rng, 3),
        hex(rng, 4),
        hex(rng, 12)
    )
}

impl Sandbox {
    /// Starts both simulators on ephemeral `127.0.0.1` ports.
    pub async fn start(cfg: SandboxConfig) -> Result<Self, SandboxError> {
        let any = SocketAddr::from(([127, 0, 0, 1], 0));
        Self::start_on(any, any, cfg).await
    }

    /// Starts both simulators on fixed addresses (port 0 picks a free port).
    pub async fn start_on(
        ls_addr: SocketAddr,
        av_addr: SocketAddr,
        cfg: SandboxConfig,
    ) -> Result<Self, SandboxError> {
        cfg.validate()?;
        let (ls_listener, ls_local) =
            server::bind(ls_addr)
                .await
                .map_err(|source| SandboxError::Bind {
                    system: "lightspeed",
                    addr: ls_addr,
                    source,
                })?;
        let (av_listener, av_local) =
            server::bind(av_addr)
                .await
                .map_err(|source| SandboxError::Bind {
                    system: "accountview",
                    addr: av_addr,
                    source,
                })?;
        let shutdown = Shutdown::new();
        let now = cfg.now.unwrap_or_else(Utc::now).trunc_subsecs(0);
        let clock = clock::SimClock::new(now);

        // Credentials and identities from their own generator, so data sizes do not move them.
        let mut ids = fastrand::Rng::with_seed(cfg.seed ^ 0x5EED_C0DE);
        let api_key = hex(&mut ids, 32);
        let api_secret = hex(&mut ids, 32);
        let shop_id = 300_000 + ids.u64(0..100_000);
        let client_id = guid(&mut ids);
        let client_secret = hex(&mut ids, 32);
        let companies = vec![
            Company {
                id: guid(&mut ids),
                code: "SPAAK".into(),
                description: "Fietsenwinkel De Spaak B.V.".into(),
            },
            Company {
                id: guid(&mut ids),
                code: "SPAAKTST".into(),
                description: "Fietsenwinkel De Spaak B.V. (test)".into(),
            },
        ];
        let request_id_seed = ids.u64(..);

        // The shared data.
        let mut rng = fastrand::Rng::with_seed(cfg.seed);
        let articles = seed::catalog::generate(&mut rng, cfg.articles, cfg.shop_share_per_mille);
        let people = seed::people::generate(&mut rng, cfg.customers, cfg.debtor_share_per_mille);
        let language = geo::language(&cfg.language).ok_or_else(|| {
            SandboxError::Config(format!(
                "language {} is not one of nl, en, de",
                cfg.language
            ))
        })?;
        let ls_base = url::Url::parse(&format!("http://{ls_local}/"))
            .map_err(|e| SandboxError::Config(format!("bad Lightspeed address: {e}")))?;
        let links = lightspeed::seed_links(&ls_base, &cfg.language);
        let mut ls_state = LsState::new(links, clock.clone(), language, shop_id);
        let (article_ids, mut customers, orders) =
            ls_state.seed(&mut rng, now, &api_key, &articles, &people, cfg.orders);
        let mut db = Db::new(1000);
        let other_debtors =
            accountview::seed::seed(&mut db, &mut rng, now, &articles, &people, &mut customers);
        let seed_articles = articles
            .iter()
            .zip(&article_ids)
            .map(|(a, ids)| SeedArticle {
                art_code: a.code.clone(),
                ean: a.ean.clone(),
                description: a.desc1.clone(),
                group: a.group.to_owned(),
                model: a.model.as_ref().map(|(m, _)| m.clone()),
                size: (!a.size.is_empty()).then(|| a.size.clone()),
                color: (!a.color.is_empty()).then(|| a.color.clone()),
                price_incl: a.price_incl,
                vat_rate: a.rate(),
                webshop: a.webshop,
                blocked: a.blocked,
                product_id: ids.map(|(p, _)| p),
                variant_id: ids.map(|(_, v)| v),
                qty_tech: a.qty_tech,
                qty_res_so: a.qty_res_so,
                shop_stock: ids.map(|_| a.shop_stock),
            })
            .collect();
        let seed_data = Arc::new(SeedData {
            seed: cfg.seed,
            now,
            articles: seed_articles,
            customers,
            orders,
            other_debtors,
            collective_debtor: accountview::seed::COLLECTIVE_DEBTOR.to_owned(),
        });

        let api_secret = SecretString::from(api_secret);
        let ls_inner = Arc::new(LsInner {
            state: Mutex::new(ls_state),
            base_url: ls_base,
            language: cfg.language.clone(),
            api_key,
            webhook_secret: cfg
                .webhook_secret
                .clone()
                .map(SecretString::from)
                .unwrap_or_else(|| api_secret.clone()),
            api_secret,
            shop_id,
            rate: Mutex::new(lightspeed::new_rate_limiter(
                cfg.rate_limits,
                cfg.time_scale,
            )),
            faults: Mutex::new(faults::FaultState::default()),
            log: observe::RequestLog::new(),
            hooks: Arc::new(lightspeed::new_webhook_hub(cfg.webhook_timeout)),
            runtime: tokio::runtime::Handle::current(),
            shutdown: shutdown.clone(),
            fault_hold: cfg.fault_hold,
            request_ids: Mutex::new(fastrand::Rng::with_seed(request_id_seed)),
        });
        let av_base = url::Url::parse(&format!("http://{av_local}/api/v3"))
            .map_err(|e| SandboxError::Config(format!("bad AccountView address: {e}")))?;
        let tokens = Tokens::new(
            cfg.seed,
            client_id,
            SecretString::from(client_secret),
            "http://127.0.0.1/koppel/oauth/callback".into(),
            cfg.av_token_ttl,
        );
        let av_inner = Arc::new(AvInner {
            base_url: av_base,
            companies,
            dbs: Mutex::new(vec![db, Db::new(1)]),
            tokens: Mutex::new(tokens),
            clock,
            faults: Mutex::new(faults::FaultState::default()),
            log: observe::RequestLog::new(),
            offline_until: Mutex::new(None),
            shutdown: shutdown.clone(),
            fault_hold: cfg.fault_hold,
            not_found_on_empty: cfg.av_not_found_on_empty,
            single_row_object: cfg.av_single_row_object.clone(),
            validation_status: cfg.av_validation_status,
            layout: cfg.av_layout.clone(),
            exact_text_filters: cfg.av_exact_text_filters,
            named_columns: Mutex::default(),
        });
        let tasks = vec![
            server::spawn(
                ls_listener,
                lightspeed::router(ls_inner.clone()),
                shutdown.clone(),
            ),
            server::spawn(
                av_listener,
                accountview::router(av_inner.clone()),
                shutdown.clone(),
            ),
        ];
        tracing::info!(lightspeed = %ls_local, accountview = %av_local, seed = cfg.seed, "sandbox started");
        Ok(Self {
            ls: LightspeedSim { inner: ls_inner },
            av: AccountViewSim { inner: av_inner },
            seed: seed_data,
            shutdown,
            tasks,
        })
    }

    /// The Lightspeed simulator.
    pub fn lightspeed(&self) -> LightspeedSim {
        self.ls.clone()
    }

    /// The AccountView simulator.
    pub fn accountview(&self) -> AccountViewSim {
        self.av.clone()
    }

    /// What both simulators were seeded with.
    pub fn seed_data(&self) -> &SeedData {
        &self.seed
    }

    /// Sets the same fault plan on both simulators (targets pick the system).
    pub fn set_faults(&self, plan: FaultPlan) {
        self.ls.set_faults(plan.clone());
        self.av.set_faults(plan);
    }

    /// Stops both simulators and waits until their servers have finished.
    pub async fn shutdown(mut self) {
        self.shutdown.trigger();
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
        tracing::info!("sandbox stopped");
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown.trigger();
    }
}
