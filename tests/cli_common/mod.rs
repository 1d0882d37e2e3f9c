//! Shared by the CLI tests: a running sandbox with a state file in a temporary directory, and the
//! real `koppel` binary run against it (on a blocking thread, so the sandbox keeps serving).
#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use koppel::app::sandbox_config::sandbox_toml;
use sandbox::{RateLimits, Sandbox, SandboxConfig};
use serde_json::Value;

/// A sandbox and a directory for the configuration and the state file.
pub struct Env {
    pub sb: Sandbox,
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A sandbox with `orders` orders and `articles` articles.
    ///
    /// The sandbox's per-second cap is lifted (the client paces itself at 20/s anyway): its fixed
    /// one-second window can refuse a request the client's sliding window allowed, which costs the
    /// client a one-second wait. These tests are about the command line, not rate limits.
    pub async fn start(orders: usize, articles: usize) -> Self {
        let sb = Sandbox::start(
            SandboxConfig::default()
                .seed(11)
                .orders(orders)
                .articles(articles)
                .rate_limits(RateLimits {
                    per_second: 10_000,
                    ..RateLimits::default()
                }),
        )
        .await
        .expect("sandbox");
        Self {
            sb,
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A path in the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The SQLite state store in the directory.
    pub fn state_url(&self) -> String {
        format!("sqlite://{}", self.path("koppel.db").display())
    }

    /// Writes the sandbox's ready configuration (plus `extra` appended) and returns its path.
    pub fn write_config(&self, name: &str, extra: &str) -> PathBuf {
        let path = self.path(name);
        let text = format!("{}{extra}", sandbox_toml(&self.sb, &self.state_url()));
        std::fs::write(&path, text).expect("write config");
        path
    }

    /// The paid orders of the shop.
    pub fn paid_orders(&self) -> usize {
        self.sb
            .lightspeed()
            .orders()
            .iter()
            .filter(|o| o["paymentStatus"] == "paid")
            .count()
    }

    /// Removes from the administration the first article of a paid order that orders none of
    /// `avoid`; returns its code and its row (to put it back with `upsert_article`).
    pub fn remove_an_ordered_article(&self, avoid: &[String]) -> (String, Value) {
        let ls = self.sb.lightspeed();
        let av = self.sb.accountview();
        for order in ls.orders().iter().filter(|o| o["paymentStatus"] == "paid") {
            let id = order["id"].as_u64().expect("order id");
            let lines = ls.order_lines(id);
            let code_of = |l: &Value| l["articleCode"].as_str().unwrap_or_default().to_owned();
            if lines.iter().any(|l| avoid.contains(&code_of(l))) {
                continue;
            }
            for line in &lines {
                let code = code_of(line);
                if let Some(article) = av.article(&code) {
                    av.remove_article(&code).expect("remove article");
                    return (code, article);
                }
            }
        }
        panic!("no paid order with an article left to remove")
    }
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The standard output as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Runs `koppel args…` with nothing on stdin.
pub async fn koppel(args: &[&str]) -> Output {
    koppel_with_input(args, None).await
}

/// Runs `koppel args…`, writing `input` to its stdin.
pub async fn koppel_with_input(args: &[&str], input: Option<&str>) -> Output {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let input = input.map(str::to_owned);
    tokio::task::spawn_blocking(move || run(&args, input.as_deref()))
        .await
        .expect("the binary's thread")
}

fn run(args: &[String], input: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_koppel"));
    command
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars() {
        if name.starts_with("KOPPEL_") || name == "RUST_LOG" {
            command.env_remove(name);
        }
    }
    let mut child = command.spawn().expect("spawn koppel");
    if let Some(text) = input {
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(text.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("koppel output");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A path as a string argument.
pub fn arg(path: &Path) -> String {
    path.display().to_string()
}
