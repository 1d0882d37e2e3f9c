//! Token refresh across processes: two clients (two "processes", each with its own store instance)
//! share one token store against a token endpoint that rotates the refresh token and rejects a used
//! one with `invalid_grant`. When both need a refresh at once, neither fails and the endpoint sees
//! one refresh; a process holding a refresh token another process already rotated recovers from
//! `invalid_grant` by re-reading the store.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use accountview_client::{
    AccountViewClient, Error, FileTokenStore, HttpRequest, HttpResponse, MemoryTokenStore, Query,
    TokenStore, TransportError,
};
use common::{CLIENT_SECRET, COMPANY, FnTransport, builder_for, expired_tokens, json_response};
use secrecy::ExposeSecret;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A token endpoint that rotates: `refresh-N` is valid until it is used, which issues `access-N+1`
/// and `refresh-N+1`; any other refresh token is answered with `invalid_grant`.
#[derive(Default)]
struct Rotation {
    generation: Mutex<u32>,
    refreshes: AtomicUsize,
    rejected: AtomicUsize,
}

impl Rotation {
    /// The status and body for a `/token` form.
    fn answer(&self, form: &[u8]) -> (u16, String) {
        let form: HashMap<String, String> =
            url::form_urlencoded::parse(form).into_owned().collect();
        let sent = form.get("refresh_token").cloned().unwrap_or_default();
        let mut generation = self.generation.lock().unwrap();
        if sent == format!("refresh-{generation}") {
            *generation += 1;
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            let body = serde_json::json!({
                "access_token": format!("access-{generation}"),
                "refresh_token": format!("refresh-{generation}"),
                "token_type": "bearer",
                "expires_in": 3600
            });
            (200, body.to_string())
        } else {
            self.rejected.fetch_add(1, Ordering::SeqCst);
            (
                400,
                r#"{"error":"invalid_grant","error_description":"refresh token already used"}"#
                    .to_owned(),
            )
        }
    }

    /// Simulates another process refreshing right now: the current refresh token is used up and
    /// the new set lands in `store`.
    async fn rotate_elsewhere(&self, store: &dyn TokenStore) {
        let generation = {
            let mut generation = self.generation.lock().unwrap();
            *generation += 1;
            *generation
        };
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        store
            .save(&common::valid_tokens(
                &format!("access-{generation}"),
                &format!("refresh-{generation}"),
            ))
            .await
            .unwrap();
    }
}

/// Data calls succeed with any access token the endpoint issued (`access-1` or later).
fn data_answer(request_bearer: Option<&str>) -> (u16, &'static str) {
    match request_bearer {
        Some(b) if b.starts_with("Bearer access-") && b != "Bearer access-0" => {
            (200, r#"{"CONTACT":[]}"#)
        }
        _ => (
            401,
            r#"{"Message":"Authorization has been denied for this request."}"#,
        ),
    }
}

struct TokenEndpoint(Arc<Rotation>);

impl Respond for TokenEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let (status, body) = self.0.answer(&request.body);
        ResponseTemplate::new(status)
            .insert_header("content-type", "application/json")
            .set_body_string(body)
            // Long enough for both processes to be waiting for a refresh at once.
            .set_delay(Duration::from_millis(300))
    }
}

struct DataEndpoint;

impl Respond for DataEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let bearer = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        let (status, body) = data_answer(bearer);
        ResponseTemplate::new(status)
            .insert_header("content-type", "application/json")
            .set_body_string(body)
    }
}

async fn rotating_server() -> (MockServer, Arc<Rotation>) {
    let server = MockServer::start().await;
    let rotation = Arc::new(Rotation::default());
    Mock::given(method("POST"))
        .and(path("/api/v3/token"))
        .respond_with(TokenEndpoint(Arc::clone(&rotation)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/accountviewdata"))
        .respond_with(DataEndpoint)
        .mount(&server)
        .await;
    (server, rotation)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_sharing_a_file_store_refresh_once_and_neither_fails() {
    let (server, rotation) = rotating_server().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    FileTokenStore::new(&file)
        .save(&expired_tokens("access-0", "refresh-0"))
        .await
        .unwrap();
    // Two processes: each its own store instance on the same file (and its own lock handle).
    let a = builder_for(&server)
        .token_store(Arc::new(FileTokenStore::new(&file)))
        .build()
        .unwrap();
    let b = builder_for(&server)
        .token_store(Arc::new(FileTokenStore::new(&file)))
        .build()
        .unwrap();
    let query = Query::new("AR1");
    let (ra, rb) = tokio::join!(
        tokio::spawn({
            let a = a.clone();
            let query = query.clone();
            async move { a.read(&query).await }
        }),
        tokio::spawn({
            let b = b.clone();
            let query = query.clone();
            async move { b.read(&query).await }
        }),
    );
    ra.unwrap().expect("process A");
    rb.unwrap().expect("process B");
    assert_eq!(
        rotation.refreshes.load(Ordering::SeqCst),
        1,
        "one refresh for both processes"
    );
    assert_eq!(
        rotation.rejected.load(Ordering::SeqCst),
        0,
        "no used token was sent"
    );
    let stored = FileTokenStore::new(&file).load().await.unwrap().unwrap();
    assert_eq!(stored.refresh_token.expose_secret(), "refresh-1");
    assert!(
        dir.path().join("tokens.json.lock").exists(),
        "the lock file sits beside the store"
    );
}

type Handler = Arc<Rotation>;

/// A client ("process") on an in-memory transport that serves the rotating token endpoint (after
/// `latency`) and the data endpoint, with `store`.
fn process_on(
    rotation: &Handler,
    store: Arc<dyn TokenStore>,
    latency: Duration,
) -> AccountViewClient {
    let rotation = Arc::clone(rotation);
    let transport = FnTransport::new(move |request: HttpRequest| {
        let rotation = Arc::clone(&rotation);
        async move { Ok::<HttpResponse, TransportError>(serve(&rotation, &request, latency).await) }
    });
    client_with(transport, store)
}

fn client_with(transport: Arc<FnTransport>, store: Arc<dyn TokenStore>) -> AccountViewClient {
    AccountViewClient::builder()
        .base_url("https://av.test/api/v3/")
        .client_id("client-id-1")
        .client_secret(CLIENT_SECRET)
        .company_id(COMPANY)
        .token_store(store)
        .transport(transport)
        .retry(common::fast_retry())
        .build()
        .unwrap()
}

async fn serve(rotation: &Rotation, request: &HttpRequest, latency: Duration) -> HttpResponse {
    if request.url.path().ends_with("/token") {
        tokio::time::sleep(latency).await;
        let (status, body) = rotation.answer(&request.body);
        return json_response(status, &body);
    }
    let bearer = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    let (status, body) = data_answer(bearer);
    json_response(status, body)
}

/// Both processes need a refresh at the same moment.
async fn both_refresh_at_once(store_a: Arc<dyn TokenStore>, store_b: Arc<dyn TokenStore>) {
    store_a
        .save(&expired_tokens("access-0", "refresh-0"))
        .await
        .unwrap();
    let rotation: Handler = Arc::new(Rotation::default());
    let latency = Duration::from_millis(300);
    let a = process_on(&rotation, store_a, latency);
    let b = process_on(&rotation, store_b, latency);
    let query = Query::new("AR1");
    let (ra, rb) = tokio::join!(a.read(&query), b.read(&query));
    ra.expect("process A");
    rb.expect("process B");
    assert_eq!(
        rotation.refreshes.load(Ordering::SeqCst),
        1,
        "one refresh for both"
    );
    assert_eq!(rotation.rejected.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn two_clients_sharing_a_memory_store_refresh_once() {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::new());
    both_refresh_at_once(Arc::clone(&store), store).await;
}

/// Process B read the store (refresh-0) just before process A rotated it; B's refresh then meets
/// `invalid_grant`. B must re-read the store and carry on with A's tokens, not ask for consent.
async fn a_stale_refresh_token_is_recovered_from_the_store(store: Arc<dyn TokenStore>) {
    store
        .save(&expired_tokens("access-0", "refresh-0"))
        .await
        .unwrap();
    let rotation: Handler = Arc::new(Rotation::default());
    let for_server = Arc::clone(&rotation);
    let shared = Arc::clone(&store);
    let token_calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&token_calls);
    let transport = FnTransport::new(move |request: HttpRequest| {
        let rotation = Arc::clone(&for_server);
        let shared = Arc::clone(&shared);
        let counted = Arc::clone(&counted);
        async move {
            if request.url.path().ends_with("/token") && counted.fetch_add(1, Ordering::SeqCst) == 0
            {
                // Process A gets there first: refresh-0 is used up and A's set is stored.
                rotation.rotate_elsewhere(shared.as_ref()).await;
            }
            Ok::<HttpResponse, TransportError>(serve(&rotation, &request, Duration::ZERO).await)
        }
    });
    let b = client_with(transport, Arc::clone(&store));
    b.read(&Query::new("AR1"))
        .await
        .expect("B recovers from invalid_grant with the stored tokens");
    assert_eq!(
        rotation.rejected.load(Ordering::SeqCst),
        1,
        "B's stale token was refused once"
    );
    assert_eq!(
        token_calls.load(Ordering::SeqCst),
        1,
        "A's access token is still valid: B does not refresh again"
    );
    assert_eq!(
        b.access_token().await.unwrap().expose_secret(),
        "access-1",
        "B uses A's tokens"
    );
}

#[tokio::test(start_paused = true)]
async fn a_stale_refresh_token_in_a_memory_store_is_recovered() {
    a_stale_refresh_token_is_recovered_from_the_store(Arc::new(MemoryTokenStore::new())).await;
}

#[tokio::test(start_paused = true)]
async fn the_very_token_rejected_still_requires_reauthorisation() {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::with_tokens(expired_tokens(
        "access-0", "revoked",
    )));
    let rotation: Handler = Arc::new(Rotation::default());
    let client = process_on(&rotation, store, Duration::ZERO);
    let err = client.read(&Query::new("AR1")).await.unwrap_err();
    assert!(matches!(err, Error::ReauthorizationRequired), "{err:?}");
}

#[cfg(feature = "sync")]
mod state_store {
    use std::sync::Arc;
    use std::time::Duration;

    use accountview_client::TokenStore;
    use accountview_client::sync::StateTokenStore;
    use sync_core::state::{MemoryStateStore, StateStore};

    use super::{a_stale_refresh_token_is_recovered_from_the_store, both_refresh_at_once};

    fn store_on(state: &Arc<dyn StateStore>) -> Arc<dyn TokenStore> {
        Arc::new(StateTokenStore::new(state.clone(), "client-id-1"))
    }

    #[tokio::test(start_paused = true)]
    async fn two_processes_sharing_a_state_store_refresh_once_and_neither_fails() {
        let state: Arc<dyn StateStore> = Arc::new(MemoryStateStore::new());
        both_refresh_at_once(store_on(&state), store_on(&state)).await;
        let summary = state
            .summary("accountview/client-id-1/token")
            .await
            .unwrap();
        assert!(
            summary.leases.is_empty(),
            "the refresh lease was released: {summary:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_stale_refresh_token_in_a_state_store_is_recovered() {
        let state: Arc<dyn StateStore> = Arc::new(MemoryStateStore::new());
        a_stale_refresh_token_is_recovered_from_the_store(store_on(&state)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn the_refresh_lease_is_waited_for_and_the_wait_is_bounded() {
        let state: Arc<dyn StateStore> = Arc::new(MemoryStateStore::new());
        let store = store_on(&state);
        let other = store_on(&state);
        // Another process holds the lease and releases it after 5 s.
        let held = other.lock_refresh().await.unwrap();
        let started = tokio::time::Instant::now();
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            held.release().await;
        });
        let lock = store.lock_refresh().await.unwrap();
        let waited = started.elapsed();
        assert!(waited >= Duration::from_secs(5), "{waited:?}");
        assert!(
            waited < Duration::from_secs(7),
            "capped backoff: {waited:?}"
        );
        release.await.unwrap();

        // Now this one holds it and never lets go (within the wall-clock TTL): the other gives up
        // after the bound, with a token-store error.
        let started = tokio::time::Instant::now();
        let err = other.lock_refresh().await.unwrap_err();
        assert!(err.to_string().contains("refresh lock"), "{err}");
        assert!(
            started.elapsed() >= Duration::from_secs(60),
            "{:?}",
            started.elapsed()
        );
        lock.release().await;
    }
}
