//! `POST /token`: the authorization-code and refresh-token grants, expiring access tokens and
//! rotating refresh tokens (a used refresh token is dead; reusing it is `invalid_grant`).

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

/// The scopes granted.
pub(crate) const SCOPE: &str = "readaccountviewdata updateaccountviewdata deleteaccountviewdata";

/// An OAuth error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OAuthError {
    pub(crate) status: u16,
    pub(crate) error: &'static str,
    pub(crate) description: &'static str,
}

impl OAuthError {
    fn new(status: u16, error: &'static str, description: &'static str) -> Self {
        Self {
            status,
            error,
            description,
        }
    }

    pub(crate) fn body(&self) -> Value {
        json!({ "error": self.error, "error_description": self.description })
    }
}

/// Token state of the simulated AccountView.Net.
pub(crate) struct Tokens {
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) redirect_uri: String,
    pub(crate) ttl: Duration,
    rng: fastrand::Rng,
    access: HashMap<String, Instant>,
    refresh: HashSet<String>,
    codes: HashMap<String, Instant>,
    initial_refresh: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("client_id", &self.client_id)
            .field("live_access_tokens", &self.access.len())
            .finish_non_exhaustive()
    }
}

fn hex(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(rng.u32(0..16), 16).unwrap_or('0'))
        .collect()
}

impl Tokens {
    pub(crate) fn new(
        seed: u64,
        client_id: String,
        client_secret: SecretString,
        redirect_uri: String,
        ttl: Duration,
    ) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x0A11_CE55);
        let initial_refresh = format!("{}-{}", hex(&mut rng, 8), hex(&mut rng, 24));
        let mut refresh = HashSet::new();
        refresh.insert(initial_refresh.clone());
        Self {
            client_id,
            client_secret,
            redirect_uri,
            ttl,
            rng,
            access: HashMap::new(),
            refresh,
            codes: HashMap::new(),
            initial_refresh,
        }
    }

    /// A valid refresh token: the initial one while unused, else a freshly minted one.
    pub(crate) fn valid_refresh_token(&mut self) -> String {
        if self.refresh.contains(&self.initial_refresh) {
            return self.initial_refresh.clone();
        }
        let t = self.mint_refresh();
        self.refresh.insert(t.clone());
        t
    }

    fn mint_refresh(&mut self) -> String {
        format!("{}-{}", hex(&mut self.rng, 8), hex(&mut self.rng, 24))
    }

    /// A one-time authorization code valid for ten minutes.
    pub(crate) fn issue_code(&mut self) -> String {
        let code = hex(&mut self.rng, 40);
        self.codes
            .insert(code.clone(), Instant::now() + Duration::from_secs(600));
        code
    }

    /// Whether a bearer token is a live access token.
    pub(crate) fn check(&self, token: &str) -> bool {
        self.access
            .get(token)
            .is_some_and(|exp| Instant::now() < *exp)
    }

    /// Makes every access token expired.
    pub(crate) fn expire_all(&mut self) {
        let past = Instant::now();
        for exp in self.access.values_mut() {
            *exp = past;
        }
    }

    fn issue(&mut self) -> Value {
        let access = format!("AAEAA{}", hex(&mut self.rng, 48));
        let refresh = self.mint_refresh();
        self.access
            .insert(access.clone(), Instant::now() + self.ttl);
        self.refresh.insert(refresh.clone());
        json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": self.ttl.as_secs(),
            "refresh_token": refresh,
            "scope": SCOPE,
        })
    }

    /// Handles a token request (form fields).
    pub(crate) fn grant(&mut self, form: &HashMap<String, String>) -> Result<Value, OAuthError> {
        let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
        if field("client_id") != self.client_id
            || field("client_secret") != self.client_secret.expose_secret()
        {
            return Err(OAuthError::new(
                401,
                "invalid_client",
                "The client credentials are invalid.",
            ));
        }
        match field("grant_type") {
            "authorization_code" => {
                if field("redirect_uri") != self.redirect_uri {
                    return Err(OAuthError::new(
                        400,
                        "invalid_grant",
                        "The redirect_uri does not match.",
                    ));
                }
                match self.codes.remove(field("code")) {
                    Some(exp) if Instant::now() < exp => Ok(self.issue()),
                    _ => Err(OAuthError::new(
                        400,
                        "invalid_grant",
                        "The authorization code is invalid or was already used.",
                    )),
                }
            }
            "refresh_token" => {
                if self.refresh.remove(field("refresh_token")) {
                    Ok(self.issue())
                } else {
                    Err(OAuthError::new(
                        400,
                        "invalid_grant",
                        "The refresh token is invalid, expired or was already used.",
                    ))
                }
            }
            "" => Err(OAuthError::new(
                400,
                "invalid_request",
                "grant_type is missing.",
            )),
            _ => Err(OAuthError::new(
                400,
                "unsupported_grant_type",
                "Only authorization_code and refresh_token are supported.",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn refresh_tokens_rotate_and_codes_are_one_time() {
        let mut t = Tokens::new(
            1,
            "cid".into(),
            SecretString::from("sec"),
            "http://cb".into(),
            Duration::from_secs(60),
        );
        let rt = t.valid_refresh_token();
        let base = [("client_id", "cid"), ("client_secret", "sec")];
        let mut f = form(&base);
        f.insert("grant_type".into(), "refresh_token".into());
        f.insert("refresh_token".into(), rt.clone());
        let answer = t.grant(&f).unwrap();
        assert!(t.check(answer["access_token"].as_str().unwrap()));
        assert_eq!(t.grant(&f).unwrap_err().error, "invalid_grant");
        let code = t.issue_code();
        let mut c = form(&base);
        c.insert("grant_type".into(), "authorization_code".into());
        c.insert("code".into(), code);
        c.insert("redirect_uri".into(), "http://cb".into());
        assert!(t.grant(&c).is_ok());
        assert_eq!(t.grant(&c).unwrap_err().error, "invalid_grant");
        t.expire_all();
        assert!(!t.check(answer["access_token"].as_str().unwrap()));
        let mut bad = form(&[("client_id", "cid"), ("client_secret", "nope")]);
        bad.insert("grant_type".into(), "refresh_token".into());
        assert_eq!(t.grant(&bad).unwrap_err().status, 401);
    }
}
