//! The dashboard's password check, sessions (in memory, with an expiry) and per-session CSRF tokens.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::time::Instant;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "koppel_session";

/// How long a session lasts after logging in.
pub const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);

/// The dashboard password, compared in constant time.
pub struct Password(SecretString);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    /// Wrap the configured password.
    pub fn new(secret: SecretString) -> Self {
        Self(secret)
    }

    /// Whether `given` is the password. Both sides are hashed first so the comparison takes the
    /// same time whatever the lengths, then compared with `subtle`.
    pub fn matches(&self, given: &str) -> bool {
        let expected = Sha256::digest(self.0.expose_secret().as_bytes());
        let given = Sha256::digest(given.as_bytes());
        bool::from(expected.as_slice().ct_eq(given.as_slice()))
    }
}

/// A random token: 244 bits from the operating system's CSPRNG (`uuid`'s v4 ids draw from
/// `getrandom`; `fastrand` is not meant for secrets), as 64 hex digits.
pub fn random_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// A valid session: what pages need of it.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// The token forms must carry back.
    pub csrf: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session(<redacted>)")
    }
}

#[derive(Clone)]
struct Entry {
    csrf: String,
    expires_at: Instant,
}

/// Logged-in sessions by cookie token.
pub struct Sessions {
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("ttl", &self.ttl)
            .field("active", &self.entries().len())
            .finish()
    }
}

impl Sessions {
    /// No sessions; new ones last `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        // Poisoning follows a panic mid-insert; the map is still a valid map.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Start a session; returns its cookie token.
    pub fn create(&self, now: Instant) -> String {
        let token = random_token();
        let mut entries = self.entries();
        entries.retain(|_, e| e.expires_at > now);
        entries.insert(
            token.clone(),
            Entry {
                csrf: random_token(),
                expires_at: now + self.ttl,
            },
        );
        token
    }

    /// The session behind a cookie token, if it exists and has not expired.
    pub fn get(&self, token: &str, now: Instant) -> Option<Session> {
        let mut entries = self.entries();
        match entries.get(token) {
            Some(e) if e.expires_at > now => Some(Session {
                csrf: e.csrf.clone(),
            }),
            Some(_) => {
                entries.remove(token);
                None
            }
            None => None,
        }
    }

    /// End a session.
    pub fn remove(&self, token: &str) {
        self.entries().remove(token);
    }

    /// How many sessions are stored (expired ones included until they are swept).
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether no session is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether a form's CSRF token is the session's (constant time).
pub fn csrf_matches(session: &Session, given: &str) -> bool {
    session.csrf.len() == given.len() && bool::from(session.csrf.as_bytes().ct_eq(given.as_bytes()))
}

/// The session token in the request's `Cookie` headers.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str) -> String {
    format!(
        "{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
        SESSION_TTL.as_secs()
    )
}

/// The `Set-Cookie` value that ends one.
pub fn cleared_cookie() -> String {
    format!("{COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_password_matches_only_itself() {
        let p = Password::new(SecretString::from("correct horse"));
        assert!(p.matches("correct horse"));
        assert!(!p.matches("correct hors"));
        assert!(!p.matches(""));
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn sessions_expire_and_can_be_ended() {
        let s = Sessions::new(Duration::from_secs(60));
        let t0 = Instant::now();
        let token = s.create(t0);
        assert_eq!(token.len(), 64);
        let session = s.get(&token, t0 + Duration::from_secs(59)).unwrap();
        assert_eq!(session.csrf.len(), 64);
        assert_ne!(session.csrf, token, "the CSRF token is not the cookie");
        assert!(s.get(&token, t0 + Duration::from_secs(60)).is_none());
        assert!(s.is_empty(), "an expired session is forgotten");
        let token = s.create(t0);
        s.remove(&token);
        assert!(s.get(&token, t0).is_none());
        assert!(s.get("not-a-token", t0).is_none());
        let session = s.get(&s.create(t0), t0).unwrap();
        assert!(!format!("{session:?}").contains(&session.csrf));
    }

    #[test]
    fn tokens_are_unique_and_csrf_is_per_session() {
        let s = Sessions::new(SESSION_TTL);
        let t0 = Instant::now();
        let a = s.get(&s.create(t0), t0).unwrap();
        let b = s.get(&s.create(t0), t0).unwrap();
        assert_ne!(a.csrf, b.csrf);
        assert!(csrf_matches(&a, &a.csrf));
        assert!(!csrf_matches(&a, &b.csrf));
        assert!(!csrf_matches(&a, ""));
        assert!(!csrf_matches(&a, &a.csrf[..10]));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            HeaderValue::from_static("a=1; koppel_session=abc ; b=2"),
        );
        assert_eq!(session_token(&headers).as_deref(), Some("abc"));
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("koppel_session="));
        assert_eq!(session_token(&headers), None);
        assert_eq!(session_token(&HeaderMap::new()), None);
        let cookie = session_cookie("abc");
        for part in [
            "HttpOnly",
            "SameSite=Strict",
            "Path=/",
            "koppel_session=abc",
        ] {
            assert!(cookie.contains(part), "{cookie}");
        }
        assert!(cleared_cookie().contains("Max-Age=0"));
    }
}
