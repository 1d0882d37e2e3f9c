//! The dashboard of `koppel serve`: the login and its session cookie, CSRF-protected forms, and —
//! in real headless Chromium — logging in, seeing the run, and replaying a dead letter.

#[allow(dead_code)]
mod support;

use koppel::app::config::KoppelConfig;
use koppel::app::serve::Server;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use sandbox::Sandbox;
use secrecy::SecretString;
use support::cdp::{self, Browser};
use support::http;
use sync_core::flows::RunRequest;
use sync_core::report::Outcome;
use sync_core::state::{DeadLetterFilter, DeadLetterStatus, RunFilter};

const PASSWORD: &str = "Kaasschaaf-1963";

fn with_dashboard(sb: &Sandbox) -> KoppelConfig {
    let mut config = support::config(sb);
    config.dashboard.password = Some(SecretString::from(PASSWORD));
    config
}

/// A server with a password, after one run of the order flow with a missing article: there is a
/// run and there are dead letters. Returns the removed article row and the orders that use it.
async fn server_with_a_dead_letter(sb: &Sandbox) -> (Server, serde_json::Value, Vec<u64>) {
    let (_code, article, users) = support::remove_an_article(sb);
    let server = support::start(with_dashboard(sb)).await;
    let report = server.runtime().connections[0]
        .orders
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.outcome, Outcome::Partial, "{report:#?}");
    assert_eq!(report.counts.dead_lettered as usize, users.len());
    (server, article, users)
}

/// Log in over plain HTTP; returns the `Cookie` header value.
async fn login(server: &Server) -> String {
    let response = http()
        .post(format!("{}/login", server.url()))
        .form(&[("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()[LOCATION], "/");
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    cookie.split(';').next().unwrap().to_owned()
}

async fn get(server: &Server, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = http().get(format!("{}{path}", server.url()));
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.unwrap()
}

/// The CSRF token in a page's forms.
fn csrf_of(page: &str) -> String {
    let at = page
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF token")
        + 19;
    page[at..at + 64].to_owned()
}

#[tokio::test]
async fn pages_need_a_session_and_forms_need_its_csrf_token() {
    let sb = support::sandbox(10).await;
    let (server, _article, users) = server_with_a_dead_letter(&sb).await;

    for path in ["/", "/runs/1", "/activity", "/dead-letters", "/connections"] {
        let response = get(&server, path, None).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(response.headers()[LOCATION], "/login", "{path}");
    }
    let forged = get(&server, "/", Some("koppel_session=0123456789abcdef")).await;
    assert_eq!(forged.status(), 303, "an unknown session is no session");

    let wrong = http()
        .post(format!("{}/login", server.url()))
        .form(&[("password", "kaasschaaf-1963")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get(SET_COOKIE).is_none());
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("That is not the password.")
    );

    let cookie = login(&server).await;
    let runs = get(&server, "/", Some(&cookie)).await;
    assert_eq!(runs.status(), 200);
    let csp = runs.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let page = runs.text().await.unwrap();
    let run = server
        .runtime()
        .state
        .list_runs(&RunFilter::default(), 1)
        .await
        .unwrap()[0]
        .id;
    assert!(page.contains(&format!("href=\"/runs/{run}\"")), "{page}");
    assert!(page.contains(">partial<"), "{page}");
    let csrf = csrf_of(&page);

    let letters = get(&server, "/dead-letters", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        letters.contains(&format!("order/{}", users[0])),
        "{letters}"
    );
    let state = server.runtime().state.clone();
    let pending = state
        .list_dead_letters(&DeadLetterFilter {
            status: Some(DeadLetterStatus::Pending),
            ..Default::default()
        })
        .await
        .unwrap();
    let id = pending[0].id;
    let drop_url = format!("{}/dead-letters/{id}/drop", server.url());

    // A forged form (no session's token) changes nothing.
    let forged = http()
        .post(&drop_url)
        .header(COOKIE, &cookie)
        .form(&[("csrf", "f".repeat(64))])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let letter = state.get_dead_letter(id).await.unwrap().unwrap();
    assert_eq!(letter.status, DeadLetterStatus::Pending);

    // With the token it drops the letter.
    let dropped = http()
        .post(&drop_url)
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(dropped.status(), 303);
    let letter = state.get_dead_letter(id).await.unwrap().unwrap();
    assert_eq!(letter.status, DeadLetterStatus::Dropped);

    // The original payload and the per-record activity are pages of their own.
    let payload = get(&server, &format!("/dead-letters/{id}"), Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(payload.contains("Original payload"), "{payload}");
    let number = sb.lightspeed().order(users[0]).unwrap()["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let activity = get(
        &server,
        &format!("/activity?record={number}"),
        Some(&cookie),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(activity.contains("What came from Lightspeed"), "{activity}");
    let connections = get(&server, "/connections", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(connections.contains("<h2>default</h2>"), "{connections}");

    // Logging out ends the session.
    let out = http()
        .post(format!("{}/logout", server.url()))
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert!(
        out.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(get(&server, "/", Some(&cookie)).await.status(), 303);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn in_chromium_log_in_see_the_run_and_replay_a_dead_letter() {
    let Some(chromium) = cdp::chromium() else {
        println!(
            "SKIPPED: {} is not installed (CI installs it)",
            cdp::CHROMIUM
        );
        return;
    };
    let sb = support::sandbox(10).await;
    let (server, article, _users) = server_with_a_dead_letter(&sb).await;
    let state = server.runtime().state.clone();
    let first_run = state.list_runs(&RunFilter::default(), 1).await.unwrap()[0].id;

    let mut browser = Browser::launch(&chromium).await.expect("Chromium starts");
    browser.open_page().await.unwrap();
    let base = server.url();

    // Any page sends a stranger to the login form.
    browser.navigate(&format!("{base}/")).await.unwrap();
    browser
        .wait_until("location.pathname === '/login'", "the login page")
        .await
        .unwrap();
    browser
        .eval(&format!(
            "document.querySelector('#password').value = {PASSWORD:?}; \
             document.querySelector('#login').click(); true"
        ))
        .await
        .unwrap();
    browser
        .wait_until(
            "location.pathname === '/' && document.readyState === 'complete' \
             && document.querySelector('#runs') !== null",
            "the runs page after logging in",
        )
        .await
        .unwrap();
    let text = browser.text().await.unwrap();
    assert!(text.contains(&format!("#{first_run}")), "{text}");
    assert!(text.contains("partial"), "{text}");
    assert!(
        browser
            .eval("document.cookie")
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .is_empty(),
        "the session cookie is HttpOnly"
    );
    if let Some(dir) = std::env::var_os("KOPPEL_SCREENSHOTS") {
        browser
            .screenshot(&std::path::Path::new(&dir).join("runs.png"))
            .await
            .unwrap();
    }

    // The article is back in the administration: replay the first dead letter from its page.
    sb.accountview().upsert_article(article).unwrap();
    browser
        .navigate(&format!("{base}/dead-letters"))
        .await
        .unwrap();
    let letter_id = browser
        .eval("document.querySelector('table tr:nth-child(2) td').textContent")
        .await
        .unwrap();
    let letter_id: i64 = letter_id.as_str().unwrap().parse().unwrap();
    let letter = state
        .get_dead_letter(sync_core::state::DeadLetterId(letter_id))
        .await
        .unwrap()
        .unwrap();
    let order: u64 = letter.record_key.id.parse().unwrap();
    assert_eq!(support::times_booked(&sb, order), 0);
    if let Some(dir) = std::env::var_os("KOPPEL_SCREENSHOTS") {
        browser
            .screenshot(&std::path::Path::new(&dir).join("dead-letters.png"))
            .await
            .unwrap();
    }
    browser
        .eval(
            "[...document.querySelectorAll('table tr:nth-child(2) button')] \
             .find(b => b.textContent === 'Replay').click(); true",
        )
        .await
        .unwrap();
    browser
        .wait_until(
            "location.pathname.startsWith('/runs/') && document.readyState === 'complete' \
             && document.querySelector('#run') !== null",
            "the replay's run page",
        )
        .await
        .unwrap();
    let replay_run = state.list_runs(&RunFilter::default(), 1).await.unwrap()[0].id;
    assert_ne!(replay_run, first_run);
    let path = browser.eval("location.pathname").await.unwrap();
    assert_eq!(path.as_str(), Some(format!("/runs/{replay_run}").as_str()));
    let text = browser.text().await.unwrap();
    assert!(text.contains(&format!("Run #{replay_run}")), "{text}");
    assert!(text.contains("success"), "{text}");
    if let Some(dir) = std::env::var_os("KOPPEL_SCREENSHOTS") {
        browser
            .screenshot(&std::path::Path::new(&dir).join("replay.png"))
            .await
            .unwrap();
    }
    browser.close().await;

    assert_eq!(support::times_booked(&sb, order), 1, "the replay booked it");
    let letter = state.get_dead_letter(letter.id).await.unwrap().unwrap();
    assert_eq!(letter.status, DeadLetterStatus::Replayed);
    server.shutdown().await.unwrap();
}
