//! Fault injection: which requests fail, how, how often and how many times.
//!
//! A [`FaultPlan`] is a list of [`FaultRule`]s evaluated in order for every request; the first
//! rule whose target matches, whose dice roll hits and that has uses left decides the request's
//! fate. The dice are a `fastrand::Rng` seeded from the plan's seed, so a plan plays out the same
//! way for the same sequence of requests.

use std::time::Duration;

use axum::http::Method;

/// A set of fault rules for one simulator (or both, via `Sandbox::set_faults`).
#[derive(Debug, Clone, Default)]
pub struct FaultPlan {
    /// Seed of the dice that decide probabilistic rules.
    pub seed: u64,
    /// Rules, evaluated in order; the first that fires wins.
    pub rules: Vec<FaultRule>,
}

impl FaultPlan {
    /// An empty plan with the given dice seed.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            rules: Vec::new(),
        }
    }

    /// A plan without faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds a rule.
    pub fn rule(mut self, rule: FaultRule) -> Self {
        self.rules.push(rule);
        self
    }
}

/// One fault rule.
#[derive(Debug, Clone)]
pub struct FaultRule {
    /// Which requests it applies to.
    pub target: FaultTarget,
    /// What happens to them.
    pub kind: FaultKind,
    /// Probability as a ratio per mille (1000 = every matching request).
    pub per_mille: u16,
    /// How many times it may fire; `None` = unlimited.
    pub times: Option<u32>,
}

impl FaultRule {
    /// A rule that fires on every matching request, without limit.
    pub fn new(target: FaultTarget, kind: FaultKind) -> Self {
        Self {
            target,
            kind,
            per_mille: 1000,
            times: None,
        }
    }

    /// Sets the probability (per mille, clamped to 0..=1000).
    pub fn per_mille(mut self, per_mille: u16) -> Self {
        self.per_mille = per_mille.min(1000);
        self
    }

    /// Limits how many times the rule fires.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }
}

/// Which requests a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultTarget {
    /// Every request to the simulator the plan is set on.
    All,
    /// Lightspeed requests; `path_prefix` is matched against the resource path without language
    /// and `.json` (e.g. `variants` matches `/nl/variants/5.json`); empty matches all.
    Lightspeed {
        /// Only this method, or any.
        method: Option<Method>,
        /// Resource path prefix (`orders`, `variants`, `products/12/images`).
        path_prefix: String,
    },
    /// AccountView requests; `path_prefix` is matched case-insensitively against the path after
    /// `/api/v3/` (e.g. `accountviewdata`, `token`), `business_object` against the request's
    /// business object (query or write body).
    AccountView {
        /// Only this method, or any.
        method: Option<Method>,
        /// Path prefix after `/api/v3/`; empty matches all.
        path_prefix: String,
        /// Only this business object (e.g. `SO1`), or any.
        business_object: Option<String>,
    },
}

impl FaultTarget {
    /// Lightspeed requests with this method and resource path prefix.
    pub fn lightspeed(method: Method, path_prefix: impl Into<String>) -> Self {
        Self::Lightspeed {
            method: Some(method),
            path_prefix: path_prefix.into(),
        }
    }

    /// Lightspeed requests of any method with this resource path prefix.
    pub fn lightspeed_any(path_prefix: impl Into<String>) -> Self {
        Self::Lightspeed {
            method: None,
            path_prefix: path_prefix.into(),
        }
    }

    /// AccountView data requests with this method on this business object (e.g. `POST`, `SO1`).
    pub fn accountview(method: Method, business_object: impl Into<String>) -> Self {
        Self::AccountView {
            method: Some(method),
            path_prefix: String::new(),
            business_object: Some(business_object.into()),
        }
    }

    /// AccountView requests of any method whose path after `/api/v3/` starts with `path_prefix`.
    pub fn accountview_path(path_prefix: impl Into<String>) -> Self {
        Self::AccountView {
            method: None,
            path_prefix: path_prefix.into(),
            business_object: None,
        }
    }
}

/// What a firing rule does to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer this status (5xx usually) with the system's error body; nothing is applied.
    ServerError(u16),
    /// Wait this long, then handle the request normally.
    Latency(Duration),
    /// Hold the request for the configured `fault_hold` (longer than any client timeout), then
    /// close the connection without answering; nothing is applied.
    Timeout,
    /// Close the connection at once without answering; nothing is applied.
    Disconnect,
    /// Apply the request (the write happens), then answer 500 or drop the connection.
    CommitThenFail {
        /// Drop the connection instead of answering 500.
        drop_connection: bool,
    },
    /// Answer 429 with exhausted rate-limit headers; nothing is applied or counted.
    RateLimitStorm,
    /// Answer 502 with an HTML body, as a gateway in front of the AccountView relay does.
    HtmlGateway,
    /// Answer 200 with an AccountView error body (Lightspeed: an `error` envelope); nothing is applied.
    ErrorInOk,
}

/// Which simulator a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum System {
    Lightspeed,
    AccountView,
}

/// The facts about a request that targets are matched against.
pub(crate) struct FaultProbe<'a> {
    pub(crate) system: System,
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) business_object: Option<&'a str>,
}

impl FaultTarget {
    fn matches(&self, p: &FaultProbe<'_>) -> bool {
        let strip = |s: &str| s.trim_start_matches('/').to_ascii_lowercase();
        match self {
            Self::All => true,
            Self::Lightspeed {
                method,
                path_prefix,
            } => {
                p.system == System::Lightspeed
                    && method.as_ref().is_none_or(|m| m == p.method)
                    && strip(p.path).starts_with(&strip(path_prefix))
            }
            Self::AccountView {
                method,
                path_prefix,
                business_object,
            } => {
                p.system == System::AccountView
                    && method.as_ref().is_none_or(|m| m == p.method)
                    && strip(p.path).starts_with(&strip(path_prefix))
                    && business_object.as_ref().is_none_or(|bo| {
                        p.business_object
                            .is_some_and(|x| x.eq_ignore_ascii_case(bo))
                    })
            }
        }
    }
}

/// A plan being played: the dice and how often each rule fired.
#[derive(Debug)]
pub(crate) struct FaultState {
    plan: FaultPlan,
    rng: fastrand::Rng,
    fired: Vec<u32>,
}

impl Default for FaultState {
    fn default() -> Self {
        Self::new(FaultPlan::none())
    }
}

impl FaultState {
    pub(crate) fn new(plan: FaultPlan) -> Self {
        let fired = vec![0; plan.rules.len()];
        Self {
            rng: fastrand::Rng::with_seed(plan.seed),
            plan,
            fired,
        }
    }

    /// Decides the fault (if any) for a request.
    pub(crate) fn pick(&mut self, probe: &FaultProbe<'_>) -> Option<FaultKind> {
        for (i, rule) in self.plan.rules.iter().enumerate() {
            if !rule.target.matches(probe) {
                continue;
            }
            if rule.times.is_some_and(|t| self.fired[i] >= t) {
                continue;
            }
            let hit = match rule.per_mille {
                0 => false,
                1000.. => true,
                p => self.rng.u16(0..1000) < p,
            };
            if hit {
                self.fired[i] += 1;
                return Some(rule.kind.clone());
            }
        }
        None
    }

    /// How many times each rule fired, in plan order.
    pub(crate) fn fired(&self) -> Vec<u32> {
        self.fired.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe<'a>(m: &'a Method, path: &'a str) -> FaultProbe<'a> {
        FaultProbe {
            system: System::Lightspeed,
            method: m,
            path,
            business_object: None,
        }
    }

    #[test]
    fn times_limits_and_first_rule_wins() {
        let plan = FaultPlan::new(3)
            .rule(
                FaultRule::new(
                    FaultTarget::lightspeed(Method::PUT, "variants"),
                    FaultKind::ServerError(503),
                )
                .times(2),
            )
            .rule(FaultRule::new(FaultTarget::All, FaultKind::RateLimitStorm).per_mille(0));
        let mut s = FaultState::new(plan);
        let put = Method::PUT;
        assert_eq!(
            s.pick(&probe(&put, "variants/1")),
            Some(FaultKind::ServerError(503))
        );
        assert_eq!(
            s.pick(&probe(&put, "/variants/2")),
            Some(FaultKind::ServerError(503))
        );
        assert_eq!(s.pick(&probe(&put, "variants/3")), None);
        assert_eq!(s.pick(&probe(&Method::GET, "variants/3")), None);
        assert_eq!(s.fired(), vec![2, 0]);
    }

    #[test]
    fn probabilistic_rules_are_deterministic_per_seed() {
        let plan = FaultPlan::new(9)
            .rule(FaultRule::new(FaultTarget::All, FaultKind::Disconnect).per_mille(300));
        let run = || {
            let mut s = FaultState::new(plan.clone());
            (0..200)
                .map(|_| s.pick(&probe(&Method::GET, "orders")).is_some())
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let hits = a.iter().filter(|h| **h).count();
        assert!((30..=100).contains(&hits), "{hits} hits of 200 at 30%");
    }
}
