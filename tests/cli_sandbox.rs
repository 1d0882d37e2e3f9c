//! `koppel sandbox` through the real binary: both simulators on the given address and the next port,
//! their URLs printed, and a koppel.toml written that the configuration loader accepts and that
//! reaches the running shop.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn serves_both_simulators_and_writes_a_working_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("koppel.toml");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_koppel"))
        .args([
            "sandbox",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--orders",
            "5",
        ])
        .arg("--articles")
        .arg("10")
        .arg("--config")
        .arg(&config)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("Serving until Ctrl-C");
        printed.push(line);
        if done {
            break;
        }
    }
    let text = printed.join("\n");
    assert!(
        text.contains(&format!("http://127.0.0.1:{port}/")),
        "{text}"
    );
    assert!(
        text.contains(&format!("http://127.0.0.1:{}/api/v3", port + 1)),
        "{text}"
    );

    let loaded = koppel::app::config::KoppelConfig::load(&config).unwrap();
    let ls = loaded.lightspeed.as_ref().unwrap();
    let response = shop_probe::status(ls);
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(
        response, 200,
        "the configured credentials open the running shop"
    );
}

/// `GET {base}/{lang}/shop.json` with the configured Basic credentials; the status code.
mod shop_probe {
    use secrecy::ExposeSecret;

    pub fn status(ls: &koppel::app::config::LightspeedSection) -> u16 {
        let url = format!(
            "{}{}/shop.json",
            ls.base_url.as_deref().unwrap(),
            ls.language
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let client = reqwest::Client::builder()
                .timeout(super::Duration::from_secs(10))
                .build()
                .unwrap();
            client
                .get(url)
                .basic_auth(&ls.api_key, Some(ls.api_secret.expose_secret()))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    }
}
