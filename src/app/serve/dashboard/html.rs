//! Every page of the dashboard as server-rendered HTML: no build step, no external assets, and
//! every value escaped (only the helpers here write markup; everything else goes through [`escape`]).
//! All markup lives in this one module on purpose, so escaping can be audited in one place.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sync_core::report::RunReport;
use sync_core::state::{ActivityRecord, DeadLetter, Direction, RunRecord};

use crate::app::serve::metrics::WebhookResult;

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}\
header{background:#1f3b57;color:#fff;padding:.6em 1em;display:flex;gap:1.2em;align-items:center}\
header a{color:#fff;text-decoration:none}header form{margin-left:auto}\
main{padding:1em}table{border-collapse:collapse;margin:.5em 0}\
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\
th{background:#f2f2f2}pre{background:#f7f7f7;padding:.5em;overflow:auto;max-height:30em}\
.success{color:#176b2c}.partial{color:#9a6700}.failed{color:#b00020}\
.notice{background:#eef6ee;padding:.5em}.error{background:#fdecea;padding:.5em}\
form.inline{display:inline}";

/// Escape text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A query-string value (percent-encoded; still escape it when it goes into an attribute).
fn query_value(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn link(href: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape(href), escape(text))
}

fn time(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn pre_json(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    format!("<pre>{}</pre>", escape(&text))
}

fn outcome(text: &str) -> String {
    let class = match text {
        "success" | "partial" | "failed" => text,
        _ => "",
    };
    format!("<span class=\"{class}\">{}</span>", escape(text))
}

/// A table; `rows` hold cells that are markup already (built with the helpers here).
fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    out
}

/// A POST form with the session's CSRF token and one button.
fn post_button(action: &str, csrf: &str, label: &str) -> String {
    format!(
        "<form class=\"inline\" method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"csrf\" \
         value=\"{}\"><button type=\"submit\">{}</button></form>",
        escape(action),
        escape(csrf),
        escape(label)
    )
}

/// The page frame; `csrf` is set on pages for a logged-in session (navigation and log-out).
pub fn page(title: &str, csrf: Option<&str>, body: &str) -> String {
    let nav = match csrf {
        Some(csrf) => format!(
            "<a href=\"/\">Runs</a><a href=\"/activity\">Activity</a>\
             <a href=\"/dead-letters\">Dead letters</a><a href=\"/connections\">Connections</a>{}",
            post_button("/logout", csrf, "Log out")
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{} · Koppel</title><style>{STYLE}</style></head><body>\
         <header><strong>Koppel</strong>{nav}</header><main><h1>{}</h1>{body}</main></body></html>",
        escape(title),
        escape(title)
    )
}

/// A short message (errors, refusals).
pub fn message(class: &str, text: &str) -> String {
    format!("<p class=\"{}\">{}</p>", escape(class), escape(text))
}

/// The login form.
pub fn login(error: Option<&str>) -> String {
    let error = error.map(|e| message("error", e)).unwrap_or_default();
    format!(
        "{error}<form method=\"post\" action=\"/login\"><label>Password \
         <input type=\"password\" name=\"password\" id=\"password\" autofocus required></label> \
         <button type=\"submit\" id=\"login\">Log in</button></form>"
    )
}

fn report_of(run: &RunRecord) -> Option<RunReport> {
    serde_json::from_value(run.report.clone()?).ok()
}

fn run_row(run: &RunRecord) -> Vec<String> {
    let report = report_of(run);
    let count = |f: fn(&RunReport) -> u64| {
        report
            .as_ref()
            .map_or_else(String::new, |r| f(r).to_string())
    };
    vec![
        link(&format!("/runs/{}", run.id), &format!("#{}", run.id)),
        escape(&run.connection),
        escape(&run.flow),
        escape(&time(&run.started_at)),
        outcome(run.outcome.as_deref().unwrap_or("running")),
        count(|r| r.counts.read),
        count(|r| r.counts.created),
        count(|r| r.counts.updated),
        count(|r| r.counts.unchanged),
        count(|r| r.counts.skipped),
        count(|r| r.counts.dead_lettered),
        count(|r| r.counts.failed),
        count(|r| r.api.requests),
    ]
}

const RUN_HEADERS: [&str; 13] = [
    "run",
    "connection",
    "flow",
    "started",
    "outcome",
    "read",
    "created",
    "updated",
    "unchanged",
    "skipped",
    "dead",
    "failed",
    "requests",
];

/// `/`: the runs, newest first.
pub fn runs(runs: &[RunRecord]) -> String {
    if runs.is_empty() {
        return message("notice", "No runs yet.");
    }
    let rows: Vec<Vec<String>> = runs.iter().map(run_row).collect();
    format!("<div id=\"runs\">{}</div>", table(&RUN_HEADERS, &rows))
}

fn activity_link(record: &str) -> String {
    link(&format!("/activity?record={}", query_value(record)), record)
}

/// `/runs/{id}`: the report and the activity entries of the run.
pub fn run(run: &RunRecord, activity: &[ActivityRecord]) -> String {
    let mut out = format!("<div id=\"run\">{}", table(&RUN_HEADERS, &[run_row(run)]));
    if let Some(report) = report_of(run) {
        if let Some(fatal) = &report.fatal_error {
            out.push_str(&message("error", &format!("Run failed: {fatal}")));
        }
        if !report.warnings.is_empty() {
            // About the run as a whole: a column the administration lacks and the run left out…
            out.push_str("<h2>Warnings</h2><ul id=\"warnings\">");
            for w in &report.warnings {
                out.push_str(&format!("<li>{}</li>", escape(w)));
            }
            out.push_str("</ul>");
        }
        let mut rows = Vec::new();
        for (kind, group) in &report.first_errors {
            for s in &group.samples {
                rows.push(vec![
                    escape(kind.as_str()),
                    escape(s.record_key.as_deref().unwrap_or("-")),
                    escape(&s.message),
                ]);
            }
        }
        if !rows.is_empty() {
            out.push_str("<h2>Errors</h2>");
            out.push_str(&table(&["kind", "record", "message"], &rows));
        }
        let rounding: Vec<Vec<String>> = report
            .rounding_differences
            .iter()
            .map(|d| vec![escape(&d.record_key), escape(&d.amount.to_string())])
            .collect();
        if !rounding.is_empty() {
            out.push_str("<h2>Rounding differences</h2>");
            out.push_str(&table(&["record", "amount"], &rounding));
        }
    }
    out.push_str("<h2>Activity</h2>");
    let rows: Vec<Vec<String>> = activity
        .iter()
        .map(|a| {
            vec![
                escape(&time(&a.entry.at)),
                a.entry
                    .record_key
                    .as_deref()
                    .map(activity_link)
                    .unwrap_or_default(),
                escape(a.entry.stage.as_str()),
                outcome(a.entry.outcome.as_str()),
                escape(a.entry.message.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    if rows.is_empty() {
        out.push_str(&message("notice", "No activity was logged in this run."));
    } else {
        out.push_str(&table(
            &["time", "record", "stage", "outcome", "message"],
            &rows,
        ));
    }
    if let Some(report) = &run.report {
        out.push_str("<details><summary>The report as JSON</summary>");
        out.push_str(&pre_json(report));
        out.push_str("</details>");
    }
    out.push_str("</div>");
    out
}

/// `/activity?record=KEY`: what came in, what was sent, and the answer, per entry.
pub fn activity(entries: &[ActivityRecord]) -> String {
    if entries.is_empty() {
        return message("notice", "No activity logged for this record.");
    }
    let mut out = String::new();
    for a in entries {
        let e = &a.entry;
        let from_shop = e.direction == Direction::ShopToLedger;
        let (received, sent, answer) = if from_shop {
            (
                "What came from Lightspeed",
                "What was sent to AccountView",
                "AccountView's answer",
            )
        } else {
            ("What was received", "What was sent", "The answer")
        };
        let run = e
            .run_id
            .map(|id| link(&format!("/runs/{id}"), &format!("run #{id}")))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<section class=\"activity\"><h2>{} · {} · {}</h2><p>{} {} {} {}</p>",
            escape(e.record_key.as_deref().unwrap_or("-")),
            escape(e.stage.as_str()),
            outcome(e.outcome.as_str()),
            escape(&time(&e.at)),
            escape(&e.connection),
            escape(e.direction.as_str()),
            run
        );
        if let Some(m) = &e.message {
            out.push_str(&message("notice", m));
        }
        if a.redacted {
            out.push_str(&message(
                "notice",
                "Personal data in these payloads was redacted.",
            ));
        }
        for (title, value) in [
            (received, &e.received),
            (sent, &e.sent),
            (answer, &e.answer),
        ] {
            if let Some(value) = value {
                let _ = write!(out, "<h3>{}</h3>{}", escape(title), pre_json(value));
            }
        }
        out.push_str("</section>");
    }
    out
}

/// The shop order number in a dead letter's original payload, when it has one.
fn order_number(letter: &DeadLetter) -> Option<&str> {
    letter.original.get("number").and_then(Value::as_str)
}

/// `/dead-letters`: pending letters with Replay and Drop buttons.
pub fn dead_letters(letters: &[DeadLetter], csrf: &str, notice: Option<&str>) -> String {
    let mut out = notice.map(|n| message("notice", n)).unwrap_or_default();
    if letters.is_empty() {
        out.push_str(&message("notice", "No dead letters are pending."));
        return out;
    }
    let rows: Vec<Vec<String>> = letters
        .iter()
        .map(|l| {
            let record = match order_number(l) {
                Some(number) => format!(
                    "{} ({})",
                    escape(&l.record_key.to_string()),
                    activity_link(number)
                ),
                None => escape(&l.record_key.to_string()),
            };
            vec![
                escape(&l.id.to_string()),
                escape(&l.connection),
                escape(&l.flow),
                record,
                escape(&l.error_kind),
                escape(&l.error_message),
                escape(&l.attempts.to_string()),
                escape(&time(&l.last_seen)),
                link(&format!("/dead-letters/{}", l.id), "payload"),
                format!(
                    "{} {}",
                    post_button(&format!("/dead-letters/{}/replay", l.id), csrf, "Replay"),
                    post_button(&format!("/dead-letters/{}/drop", l.id), csrf, "Drop")
                ),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "id",
            "connection",
            "flow",
            "record",
            "error",
            "message",
            "attempts",
            "last seen",
            "original",
            "",
        ],
        &rows,
    ));
    out
}

/// `/dead-letters/{id}`: one letter with its original payload and what would have been sent.
pub fn dead_letter(letter: &DeadLetter) -> String {
    let mut out = table(
        &[
            "id",
            "record",
            "status",
            "error",
            "attempts",
            "first seen",
            "next attempt",
        ],
        &[vec![
            escape(&letter.id.to_string()),
            escape(&letter.record_key.to_string()),
            escape(letter.status.as_str()),
            escape(&letter.error_message),
            escape(&letter.attempts.to_string()),
            escape(&time(&letter.first_seen)),
            escape(&time(&letter.next_attempt_at)),
        ]],
    );
    out.push_str("<h2>Original payload</h2>");
    out.push_str(&pre_json(&letter.original));
    if let Some(mapped) = &letter.mapped {
        out.push_str("<h2>What would have been sent</h2>");
        out.push_str(&pre_json(mapped));
    }
    out
}

/// What `/connections` shows of one connection.
#[derive(Debug, Clone, Default)]
pub struct ConnectionView {
    /// The connection's name.
    pub name: String,
    /// Whether the last run could not reach or authenticate with a system.
    pub down: bool,
    /// The latest error and when it was seen.
    pub last_error: Option<(DateTime<Utc>, String)>,
    /// The latest run of each flow.
    pub last_runs: Vec<RunRecord>,
    /// Pending dead letters by flow.
    pub dead_letters_pending: BTreeMap<String, u64>,
    /// Webhook deliveries by result since the server started.
    pub webhooks: Vec<(WebhookResult, u64)>,
}

/// `/connections`.
pub fn connections(views: &[ConnectionView]) -> String {
    let mut out = String::new();
    for v in views {
        let (class, status) = if v.down {
            ("failed", "failing")
        } else {
            ("success", "ok")
        };
        let _ = write!(
            out,
            "<section><h2>{}</h2><p>Status: <span class=\"{class}\">{status}</span></p>",
            escape(&v.name)
        );
        if let Some((at, error)) = &v.last_error {
            let _ = write!(
                out,
                "<p>Last error ({}): {}</p>",
                escape(&time(at)),
                escape(error)
            );
        }
        let rows: Vec<Vec<String>> = v.last_runs.iter().map(run_row).collect();
        if rows.is_empty() {
            out.push_str(&message("notice", "No runs yet."));
        } else {
            out.push_str(&table(&RUN_HEADERS, &rows));
        }
        let pending: Vec<String> = v
            .dead_letters_pending
            .iter()
            .map(|(flow, n)| format!("{}: {n}", escape(flow)))
            .collect();
        let webhooks: Vec<String> = v
            .webhooks
            .iter()
            .map(|(r, n)| format!("{} {n}", r.as_str()))
            .collect();
        let _ = write!(
            out,
            "<p>Pending dead letters: {}</p><p>Webhooks since start: {}</p></section>",
            if pending.is_empty() {
                "none".to_owned()
            } else {
                pending.join(", ")
            },
            escape(&webhooks.join(", "))
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_attribute_quotes() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("plain ORD0001"), "plain ORD0001");
    }

    #[test]
    fn values_never_reach_the_page_unescaped() {
        let evil = "<img src=x onerror=alert(1)>";
        let body = message("error", evil);
        assert!(!body.contains("<img"), "{body}");
        let page = page(evil, Some("\"><b>"), &body);
        assert!(!page.contains("<img"));
        assert!(!page.contains("\"><b>"), "{page}");
        let href = activity_link("ORD 1&2\"");
        assert!(href.contains("/activity?record=ORD+1%262%22"), "{href}");
        let json = pre_json(&serde_json::json!({ "name": evil }));
        assert!(json.contains("&lt;img"), "{json}");
    }

    #[test]
    fn a_run_page_shows_the_runs_warnings_once_each() {
        let mut recorder = sync_core::report::RunRecorder::new(
            "default",
            "orders",
            std::sync::Arc::new(sync_core::traits::SystemClock),
        );
        let warning = "ARTICLE has no column REC_BLK: [accountview.ledger] \
                       article_blocked_column is left out of this run (<blocked flag>)";
        recorder.record_warning(warning);
        recorder.record_warning(warning);
        let report = recorder.finish();
        let record = RunRecord {
            id: sync_core::state::RunId(7),
            connection: "default".into(),
            flow: "orders".into(),
            started_at: report.started_at,
            dry_run: false,
            finished_at: Some(report.finished_at),
            outcome: Some("success".into()),
            report: Some(serde_json::to_value(&report).unwrap()),
        };
        let page = run(&record, &[]);
        assert!(page.contains("<h2>Warnings</h2>"), "{page}");
        assert_eq!(
            page.matches("ARTICLE has no column REC_BLK").count(),
            2,
            "the list and the JSON"
        );
        assert!(page.contains("(&lt;blocked flag&gt;)"), "escaped: {page}");
    }

    #[test]
    fn forms_carry_the_csrf_token() {
        let form = post_button("/dead-letters/3/replay", "tok123", "Replay");
        assert!(form.contains("method=\"post\""));
        assert!(form.contains("name=\"csrf\" value=\"tok123\""));
        assert!(form.contains(">Replay</button>"));
    }
}
