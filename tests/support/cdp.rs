//! A small Chrome DevTools Protocol driver for tests: launch headless Chromium, open a page,
//! navigate, evaluate JavaScript and wait for conditions. Every step has a timeout, and the browser
//! is killed when the driver is dropped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

/// Where Debian installs Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// How long one protocol call, the launch, or a wait may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// The Chromium binary, when it is installed.
pub fn chromium() -> Option<PathBuf> {
    let path = Path::new(CHROMIUM);
    path.exists().then(|| path.to_path_buf())
}

/// A headless Chromium driven over the DevTools protocol, with one page attached.
pub struct Browser {
    child: Child,
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    session: Option<String>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Launch Chromium with a fresh profile and connect to its DevTools endpoint.
    pub async fn launch(binary: &Path) -> anyhow::Result<Self> {
        let profile = tempfile::tempdir()?;
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(["--remote-debugging-port=0", "about:blank"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let stderr = child.stderr.take().context("no stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let ws_url = tokio::time::timeout(STEP_TIMEOUT, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.trim().strip_prefix("DevTools listening on ") {
                    return Ok(url.to_owned());
                }
            }
            bail!("Chromium exited before it listened for DevTools")
        })
        .await
        .context("Chromium did not announce its DevTools endpoint in time")??;
        // Keep draining stderr so Chromium never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let (ws, _) = tokio::time::timeout(STEP_TIMEOUT, connect_async(ws_url.as_str()))
            .await
            .context("connecting to DevTools timed out")??;
        Ok(Self {
            child,
            ws,
            next_id: 0,
            session: None,
            _profile: profile,
        })
    }

    /// Call a protocol method (on the attached page, once there is one) and return its result.
    pub async fn call(&mut self, method: &str, params: Value) -> anyhow::Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        let ws = &mut self.ws;
        tokio::time::timeout(STEP_TIMEOUT, async move {
            ws.send(Message::text(message.to_string())).await?;
            while let Some(frame) = ws.next().await {
                let Message::Text(text) = frame? else {
                    continue;
                };
                let reply: Value = serde_json::from_str(text.as_str())?;
                if reply["id"] != json!(id) {
                    continue; // an event, or another call's answer
                }
                if let Some(error) = reply.get("error") {
                    bail!("{method} failed: {error}");
                }
                return Ok(reply["result"].clone());
            }
            bail!("the DevTools connection closed")
        })
        .await
        .with_context(|| format!("{method} timed out"))?
    }

    /// Open a new page and attach to it; later calls go to that page.
    pub async fn open_page(&mut self) -> anyhow::Result<()> {
        let target = self
            .call("Target.createTarget", json!({ "url": "about:blank" }))
            .await?;
        let target_id = target["targetId"]
            .as_str()
            .context("no targetId")?
            .to_owned();
        let attached = self
            .call(
                "Target.attachToTarget",
                json!({ "targetId": target_id, "flatten": true }),
            )
            .await?;
        self.session = Some(
            attached["sessionId"]
                .as_str()
                .context("no sessionId")?
                .to_owned(),
        );
        self.call("Page.enable", json!({})).await?;
        Ok(())
    }

    /// Navigate and wait until the document is loaded.
    pub async fn navigate(&mut self, url: &str) -> anyhow::Result<()> {
        let result = self.call("Page.navigate", json!({ "url": url })).await?;
        if let Some(error) = result.get("errorText").and_then(Value::as_str) {
            bail!("navigating to {url}: {error}");
        }
        self.wait_until("document.readyState === 'complete'", "the page to load")
            .await
    }

    /// Evaluate an expression in the page and return its value.
    pub async fn eval(&mut self, expression: &str) -> anyhow::Result<Value> {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            )
            .await?;
        if let Some(exception) = result.get("exceptionDetails") {
            bail!("`{expression}` threw: {exception}");
        }
        Ok(result["result"]["value"].clone())
    }

    /// Wait until a JavaScript condition holds (errors while a new page loads count as "not yet").
    pub async fn wait_until(&mut self, condition: &str, what: &str) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + STEP_TIMEOUT;
        loop {
            if let Ok(Value::Bool(true)) = self.eval(condition).await {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                let page = self.eval("location.href").await.unwrap_or(Value::Null);
                return Err(anyhow!("timed out waiting for {what} (at {page})"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The page's visible text.
    pub async fn text(&mut self) -> anyhow::Result<String> {
        Ok(self
            .eval("document.body.innerText")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// Save a PNG of the page (to look at what a person sees).
    pub async fn screenshot(&mut self, path: &Path) -> anyhow::Result<()> {
        use base64::Engine as _;
        let shot = self
            .call("Page.captureScreenshot", json!({ "format": "png" }))
            .await?;
        let data = shot["data"].as_str().context("no screenshot data")?;
        std::fs::write(
            path,
            base64::engine::general_purpose::STANDARD.decode(data)?,
        )?;
        Ok(())
    }

    /// Close the browser politely, then make sure it is gone.
    pub async fn close(mut self) {
        self.session = None;
        let _ = self.call("Browser.close", json!({})).await;
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}
