//! The `koppel` command-line tool.

fn main() -> anyhow::Result<()> {
    println!("koppel {}", env!("CARGO_PKG_VERSION"));
    Ok(())
}
