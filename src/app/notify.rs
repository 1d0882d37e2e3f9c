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
        "[koppel] {:?} - {} / {}: {}",
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
        self.deliver_one(&n).await;
    }

    async fn deliver_one(&self, n: &Notification) {
        if !self.on.iter().any(|o| o == outcome_name(n.kind)) {
            return;
        }
        tracing::info!(kind = ?n.kind, connection = %n.connection, flow = %n.flow, "notifying: {}", n.message);
        let targets: [Option<&dyn Notifier>; 2] = [
            self.webhook.as_ref().map(|w| w as &dyn Notifier),
            self.smtp.as_ref().map(|s| s as &dyn Notifier),
        ];
        for target in targets.into_iter().flatten() {
            if let Err(e) = target.notify(n).await {
                tracing::warn!(error = %e, "a notification could not be delivered");
            }
        }
    }
}

/// The destinations as one [`Notifier`] (sync-core's run monitor delivers through it); failures
/// of a destination are logged, so it never fails.
#[async_trait::async_trait]
impl Notifier for Notifiers {
    async fn notify(&self, notification: &Notification) -> Result<(), SyncError> {
        self.deliver_one(notification).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_core::traits::Severity;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    fn notification() -> Notification {
        Notification {
            severity: Severity::Error,
            kind: NotificationKind::RecordDeadLettered,
            connection: "default".into(),
            flow: "orders".into(),
            message: "ORD1: missing_article: no article FB-1001".into(),
            hint: Some("Create the article, then replay the record.".into()),
        }
    }

    /// A minimal SMTP server: enough of RFC 5321 for one message, which it returns.
    async fn fake_smtp(listener: tokio::net::TcpListener) -> String {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 localhost ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Some(line) = lines.next_line().await.unwrap() {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
            let answer: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250-localhost\r\n250 8BITMIME\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(answer).await.unwrap();
        }
        data
    }

    #[tokio::test]
    async fn e_mail_reaches_an_smtp_server_with_the_problem_and_what_to_do() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(fake_smtp(listener));
        let notifier = SmtpNotifier::new(&SmtpSection {
            host: "127.0.0.1".into(),
            port,
            tls: "none".into(),
            username: None,
            password: None,
            from: "koppel@example.nl".into(),
            to: vec!["boekhouding@example.nl".into()],
        })
        .unwrap();
        notifier.notify(&notification()).await.unwrap();
        let mail = server.await.unwrap();
        assert!(
            mail.contains("Subject: [koppel] default / orders"),
            "{mail}"
        );
        assert!(mail.contains("To: boekhouding@example.nl"), "{mail}");
        assert!(mail.contains("no article FB-1001"), "{mail}");
        assert!(mail.contains("What to do: Create the article"), "{mail}");
    }

    #[tokio::test]
    async fn only_the_configured_outcomes_are_delivered() {
        let notifiers = Notifiers::from_config(&NotifySection {
            webhook_url: Some("http://127.0.0.1:9/never".into()),
            smtp: None,
            on: vec!["run_failed".into()],
        })
        .unwrap();
        // A dead letter is not among `on`: nothing is sent (a send would fail on port 9 and log).
        notifiers.deliver(Some(notification())).await;
        assert_eq!(
            outcome_name(NotificationKind::RecordDeadLettered),
            "dead_letter"
        );
        assert_eq!(outcome_name(NotificationKind::RunRecovered), "recovered");
        assert!(text(&notification()).contains("What to do:"));
    }
}
