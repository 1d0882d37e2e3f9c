//! Request counters and the request log both simulators keep.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

/// One request as the simulator saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// HTTP method (`GET`, `PUT`, ...).
    pub method: String,
    /// The raw request path (`/nl/orders/12.json`, `/api/v3/accountviewdata`).
    pub path: String,
    /// The resource path: Lightspeed without language and `.json` (`orders/12`); AccountView the
    /// lowercase path after `/api/v3/` (`accountviewdata`).
    pub resource: String,
    /// The raw query string (may be empty).
    pub query: String,
    /// AccountView business object of the request, when it has one.
    pub business_object: Option<String>,
    /// The status answered, or `None` when the connection was dropped without an answer.
    pub status: Option<u16>,
    /// Whether the request was a write (POST/PUT/DELETE; the token call does not count).
    pub write: bool,
    /// The injected fault, if one fired (its `Debug` name).
    pub fault: Option<String>,
    /// Real time since the simulator started.
    pub elapsed: Duration,
    /// The simulated wall-clock time.
    pub time: DateTime<Utc>,
}

impl RequestRecord {
    /// The endpoint this request counts under: method plus the resource path with numeric
    /// segments replaced by `{id}` (and the business object for AccountView data calls), e.g.
    /// `GET orders/{id}` or `POST accountviewdata SO1`.
    pub fn endpoint(&self) -> String {
        let path = self
            .resource
            .split('/')
            .map(|s| {
                if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
                    "{id}"
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        match &self.business_object {
            Some(bo) => format!("{} {} {}", self.method, path, bo),
            None => format!("{} {}", self.method, path),
        }
    }

    /// Whether this record matches a method (`""` or `"*"` for any, case-insensitive) and a path
    /// prefix (matched against the resource path, the raw path, or equal to the business object).
    pub fn matches(&self, method: &str, path_prefix: &str) -> bool {
        let method_ok =
            method.is_empty() || method == "*" || self.method.eq_ignore_ascii_case(method);
        let p = path_prefix.trim_start_matches('/').to_ascii_lowercase();
        let path_ok = p.is_empty()
            || self.resource.to_ascii_lowercase().starts_with(&p)
            || self
                .path
                .trim_start_matches('/')
                .to_ascii_lowercase()
                .starts_with(&p)
            || self
                .business_object
                .as_ref()
                .is_some_and(|bo| bo.eq_ignore_ascii_case(path_prefix));
        method_ok && path_ok
    }
}

/// The request log of one simulator.
#[derive(Debug)]
pub(crate) struct RequestLog {
    started: Instant,
    records: Mutex<Vec<RequestRecord>>,
}

impl RequestLog {
    pub(crate) fn new() -> Self {
        Self {
            started: Instant::now(),
            records: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    pub(crate) fn push(&self, record: RequestRecord) {
        tracing::debug!(
            method = %record.method,
            path = %record.path,
            status = ?record.status,
            fault = ?record.fault,
            "sandbox request"
        );
        lock(&self.records).push(record);
    }

    pub(crate) fn all(&self) -> Vec<RequestRecord> {
        lock(&self.records).clone()
    }

    pub(crate) fn count(&self) -> usize {
        lock(&self.records).len()
    }

    pub(crate) fn count_matching(&self, method: &str, path_prefix: &str) -> usize {
        lock(&self.records)
            .iter()
            .filter(|r| r.matches(method, path_prefix))
            .count()
    }

    pub(crate) fn matching(&self, method: &str, path_prefix: &str) -> Vec<RequestRecord> {
        lock(&self.records)
            .iter()
            .filter(|r| r.matches(method, path_prefix))
            .cloned()
            .collect()
    }

    pub(crate) fn writes(&self) -> usize {
        lock(&self.records).iter().filter(|r| r.write).count()
    }

    pub(crate) fn endpoint_counts(&self) -> BTreeMap<String, u64> {
        let mut map = BTreeMap::new();
        for r in lock(&self.records).iter() {
            *map.entry(r.endpoint()).or_insert(0) += 1;
        }
        map
    }

    pub(crate) fn reset(&self) {
        lock(&self.records).clear();
    }
}

/// Locks a mutex, recovering the data if a previous holder panicked (state stays usable).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(method: &str, resource: &str, bo: Option<&str>) -> RequestRecord {
        RequestRecord {
            method: method.into(),
            path: format!("/nl/{resource}.json"),
            resource: resource.into(),
            query: String::new(),
            business_object: bo.map(Into::into),
            status: Some(200),
            write: method != "GET",
            fault: None,
            elapsed: Duration::ZERO,
            time: Utc::now(),
        }
    }

    #[test]
    fn endpoints_group_ids_and_match_prefixes() {
        let log = RequestLog::new();
        log.push(rec("GET", "orders/12", None));
        log.push(rec("GET", "orders/13", None));
        log.push(rec("PUT", "variants/5", None));
        log.push(rec("POST", "accountviewdata", Some("SO1")));
        let counts = log.endpoint_counts();
        assert_eq!(counts["GET orders/{id}"], 2);
        assert_eq!(counts["POST accountviewdata SO1"], 1);
        assert_eq!(log.count_matching("get", "orders"), 2);
        assert_eq!(log.count_matching("*", "/nl/variants"), 1);
        assert_eq!(log.count_matching("POST", "so1"), 1);
        assert_eq!(log.writes(), 2);
        log.reset();
        assert_eq!(log.count(), 0);
    }
}
