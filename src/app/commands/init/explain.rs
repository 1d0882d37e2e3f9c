//! Connection errors as a merchant reads them: the exact problem and what to do about it.

use serde::Serialize;

/// A problem and the way out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What went wrong, exactly.
    pub problem: String,
    /// What to do about it.
    pub what_to_do: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n  what to do: {}", self.problem, self.what_to_do)
    }
}

impl Problem {
    /// A problem with a hint.
    pub fn new(problem: impl Into<String>, what_to_do: impl Into<String>) -> Self {
        Self {
            problem: problem.into(),
            what_to_do: what_to_do.into(),
        }
    }

    /// The problem as an `anyhow` error with `context` in front.
    pub fn into_error(self, context: &str) -> anyhow::Error {
        anyhow::anyhow!("{context}: {self}")
    }
}

/// Explains a Lightspeed error.
pub fn lightspeed(error: &lightspeed_client::Error) -> Problem {
    use lightspeed_client::Error as E;
    let what = match error {
        E::Unauthorized => {
            "check the API key and secret ([lightspeed] api_key, api_secret) and the cluster or \
             base_url: the key belongs to one cluster (eu1 for NL/BE shops)"
        }
        E::Forbidden => {
            "give the API key the missing permission in the Lightspeed back office (Apps → your \
             private app → permissions)"
        }
        E::NotFound { .. } => {
            "check [lightspeed] language (it must be a language active in the shop) and the \
             cluster or base_url"
        }
        E::RateLimited { .. } => "wait for the rate-limit window to reset and try again",
        E::Transport { .. } | E::Timeout => {
            "check the network connection and [lightspeed] base_url / cluster, then try again"
        }
        E::Config(_) => "correct the [lightspeed] settings",
        _ => "try again later; if it persists, report the message above",
    };
    Problem::new(format!("Lightspeed: {error}"), what)
}

/// Explains an AccountView error.
pub fn accountview(error: &accountview_client::Error) -> Problem {
    use accountview_client::Error as E;
    let what = match error {
        E::OAuth { error: code, .. } if code == "invalid_client" => {
            "the client id or secret is wrong: use the API-sleutel and API-secret of your app in \
             AccountView.Net ([accountview] client_id, client_secret)"
        }
        E::OAuth { .. } => {
            "check [accountview] client_id, client_secret and redirect_uri against the app \
             registered in AccountView.Net"
        }
        E::ReauthorizationRequired => {
            "authorise Koppel again: run `koppel init --force` (it walks through the sign-in), or \
             give a new refresh token with --accountview-refresh-token"
        }
        E::Unauthorized => {
            "the user's authorisation was rejected: link the app to the user in AccountView and \
             authorise again with `koppel init --force`"
        }
        E::Gateway { .. } | E::Transport { .. } | E::Timeout => {
            "the relay or the administration's own AccountView server is offline: make sure the \
             AccountView server is running and connected, then try again"
        }
        E::NotFound { .. } | E::Http { .. } => {
            "check [accountview] base_url (default https://www.accountview.net/api/v3)"
        }
        E::TokenStore { .. } => {
            "check that the state store ([state] url) is reachable and writable"
        }
        E::Config(_) => "correct the [accountview] settings",
        _ => {
            "check the administration's settings in AccountView; the message above is AccountView's"
        }
    };
    Problem::new(format!("AccountView: {error}"), what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_says_what_to_do() {
        let p = lightspeed(&lightspeed_client::Error::Unauthorized);
        assert!(p.problem.contains("401"), "{p}");
        assert!(p.what_to_do.contains("api_secret"), "{p}");
        let p = accountview(&accountview_client::Error::OAuth {
            status: http_status(401),
            error: "invalid_client".into(),
            description: None,
        });
        assert!(p.what_to_do.contains("client_secret"), "{p}");
        let p = accountview(&accountview_client::Error::ReauthorizationRequired);
        assert!(p.what_to_do.contains("koppel init"), "{p}");
        assert!(p.to_string().contains("what to do:"));
    }

    fn http_status(code: u16) -> reqwest::StatusCode {
        reqwest::StatusCode::from_u16(code).unwrap()
    }
}
