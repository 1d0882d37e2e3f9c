//! Runs both simulators until Ctrl-C, printing where they listen and how to log in.
//!
//! `cargo run -p sandbox --example serve -- [LS_PORT] [AV_PORT] [SEED]` (ports default to
//! 7410/7411, seed to 42).

use std::net::SocketAddr;

use sandbox::{Sandbox, SandboxConfig};
use secrecy::ExposeSecret;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let ls_port: u16 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(7410);
    let av_port: u16 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(7411);
    let seed: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(42);
    let sb = Sandbox::start_on(
        SocketAddr::from(([127, 0, 0, 1], ls_port)),
        SocketAddr::from(([127, 0, 0, 1], av_port)),
        SandboxConfig::default().seed(seed),
    )
    .await?;
    let ls = sb.lightspeed();
    let av = sb.accountview();
    println!(
        "Lightspeed eCom  {}{}/  key {}  secret {}",
        ls.base_url(),
        ls.language(),
        ls.api_key(),
        ls.api_secret().expose_secret()
    );
    println!(
        "AccountView.Net  {}  client {}  secret {}",
        av.base_url(),
        av.client_id(),
        av.client_secret().expose_secret()
    );
    println!(
        "                 refresh token {}  X-Company {} ({})",
        av.refresh_token().expose_secret(),
        av.company_id(),
        av.company_code()
    );
    println!("Ctrl-C stops.");
    tokio::signal::ctrl_c().await?;
    sb.shutdown().await;
    Ok(())
}
