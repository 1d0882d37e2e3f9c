//! Where notifications go: a webhook (JSON POST with a Slack-compatible `text`) and/or e-mail.
//!
//! The [`NotifyGate`](sync_core::traits::NotifyGate) decides *when* to notify (once per incident, and on
//! recovery); this module only delivers.

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;
use sync_core::error::{ErrorKind, SyncError};
use sync_core::traits::{Notification, NotificationKind, Notifier};

use super::config::{NotifySection, SmtpSection};

/// The text of a notification, as people read it.
pub fn text(n: &Notification) -> String {
    let mut text = format!(
        "[koppel] {:?} — {} / {}: {}",
        n.severity, n.connection, n.flow, n.message
    );
    if let Some(hint) = &n.hint {
        text.push_str("\nWhat to do: ");
        text.push_str(hint);
    }
    text
}

/// The outcome name a notification kind is configured under in `[notify] on`.
fn outcome_name(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::RunFailed => "run_failed",
        NotificationKind::RecordDeadLettered => "dead_letter",
        NotificationKind::ConnectionDown => "connection",
        NotificationKind::ConnectionRecovered | NotificationKind::RunRecovered => "recovered",
        _ => "other",
    }
}

/// A JSON POST to a URL.
#[derive(Debug, Clone)]
pub struct WebhookNotifier {
    url: String,
    http: reqwest::Client,
}

impl WebhookNotifier {
    /// Post to `url` (timeouts on).
    pub fn new(url: String) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(Self { url, http })
    }
}

#[async_trait]
impl Notifier for WebhookNotifier {
    async fn notify(&self, n: &Notification) -> Result<(), SyncError> {
        let body = serde_json::json!({
            "text": text(n),
            "severity": n.severity,
            "kind": n.kind,
            "connection": n.connection,
            "flow": n.flow,
            "message": n.message,
            "hint": n.hint,
        });
        let response = self
            .http
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                SyncError::retryable(ErrorKind::Transport, format!("notification webhook: {e}"))
            })?;
        if !response.status().is_success() {
            return Err(SyncError::retryable(
                ErrorKind::Api,
                format!("notification webhook answered {}", response.status()),
            ));
        }
        Ok(())
    }
}

/// E-mail through an SMTP server.
#[derive(Clone)]
pub struct SmtpNotifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
}

impl std::fmt::Debug for SmtpNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpNotifier")
            .field("to", &self.to.len())
            .finish_non_exhaustive()
    }
}

impl SmtpNotifier {
    /// From `[notify.smtp]`.
    pub fn new(c: &SmtpSection) -> anyhow::Result<Self> {
        let builder = match c.tls.as_str() {
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host)?,
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host)?,
            "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host),
            other => anyhow::bail!("notify.smtp.tls must be starttls, tls or none, not `{other}`"),
        };
        let mut builder = builder.port(c.port).timeout(Some(Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&c.username, &c.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        let from: Mailbox = c.from.parse()?;
        let to =
            c.to.iter()
                .map(|a| a.parse::<Mailbox>())
                .collect::<Result<Vec<_>, _>>()?;
        if to.is_empty() {
            anyhow::bail!("notify.smtp.to needs at least one address");
        }
        Ok(Self {
            transport: builder.build(),
            from,
            to,
        })
    }
}

#[async_trait]
impl Notifier for SmtpNotifier {
    async fn notify(&self, n: &Notification) -> Result<(), SyncError> {
        let mut message = Message::builder().from(self.from.clone()).subject(format!(
            "[koppel] {} / {}: {:?}",
            n.connection, n.flow, n.kind
        ));
        for to in &self.to {
            message = message.to(to.clone());
        }
        let email = message.body(text(n)).map_err(|e| {
            SyncError::skippable(ErrorKind::Validation, format!("notification e-mail: {e}"))
        })?;
        self.transport.send(email).await.map_err(|e| {
            SyncError::retryable(ErrorKind::Transport, format!("notification e-mail: {e}"))
        })?;
        Ok(())
    }
}

/// Every configured destination, filtered by `[notify] on`.
#[derive(Debug, Default)]
pub struct Notifiers {
    webhook: Option<WebhookNotifier>,
    smtp: Option<SmtpNotifier>,
    on: Vec<String>,
}

impl Notifiers {
    /// From `[notify]`.
    pub fn from_config(c: &NotifySection) -> anyhow::Result<Self> {
        Ok(Self {
            webhook: c
                .webhook_url
                .clone()
                .map(WebhookNotifier::new)
                .transpose()?,
            smtp: c.smtp.as_ref().map(SmtpNotifier::new).transpose()?,
            on: c.on.clone(),
        })
    }

    /// Deliver `n` everywhere it is wanted; delivery failures are logged, never raised.
    pub async fn deliver(&self, n: Option<Notification>) {
        let Some(n) = n else { return };
        if !self.on.iter().any(|o| o == outcome_name(n.kind)) {
            return;
        }
        tracing::info!(kind = ?n.kind, connection = %n.connection, flow = %n.flow, "notifying: {}", n.message);
        let targets: [Option<&dyn Notifier>; 2] = [
            self.webhook.as_ref().map(|w| w as &dyn Notifier),
            self.smtp.as_ref().map(|s| s as &dyn Notifier),
        ];
        for target in targets.into_iter().flatten() {
            if let Err(e) = target.notify(&n).await {
                tracing::warn!(error = %e, "a notification could not be delivered");
            }
        }
    }
}
