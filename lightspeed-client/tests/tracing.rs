//! Every request is traced with its method, path template, attempt, status and remaining quota,
//! and the log holds neither credentials nor query values.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::fake::{FakeTransport, client, rate_headers, reply};
use lightspeed_client::{RateLimitConfig, RetryPolicy};
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(start_paused = true)]
async fn requests_are_traced_without_secrets_or_query_values() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let transport = FakeTransport::new(|req, n| {
        let h = rate_headers("300/3000/12000", "287/2950/11800", "263/2063/23663");
        let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Ok(match (req.url.path(), n) {
            ("/nl/customers.json", 0) => reply(503, &h, ""),
            ("/nl/customers.json", _) => reply(200, &h, r#"{"customers": []}"#),
            _ => reply(200, &h, r#"{"order": {"id": 123}}"#),
        })
    });
    let client = client(transport, RateLimitConfig::new(), RetryPolicy::new());
    client
        .customers()
        .list()
        .email("jan@example.nl")
        .all()
        .await
        .unwrap();
    client.orders().get(123).await.unwrap();

    let log = captured.text();
    assert!(log.contains("lightspeed.request"), "{log}");
    assert!(log.contains("method=GET path=customers attempt=1"), "{log}");
    assert!(log.contains("status=503"), "{log}");
    assert!(log.contains("retrying"), "{log}");
    assert!(log.contains("attempt=2"), "{log}");
    assert!(log.contains("path=orders/{id}"), "{log}");
    assert!(log.contains("remaining=\"287/2950/11800\""), "{log}");
    for secret in [
        "fake-key",
        "fake-secret",
        "Basic ",
        "jan@example.nl",
        "123.json",
    ] {
        assert!(!log.contains(secret), "log contains {secret:?}:\n{log}");
    }
}
