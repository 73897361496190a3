//! The reference hall backend as its own program, for integration work:
//! `hall-sim --listen 127.0.0.1:8080 [--token-file F] [--catalog F]`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use hall_link::sim::{HallSim, SimOptions, SAMPLE_CATALOG};

#[derive(Parser)]
#[command(version, about = "Reference hall backend (interface v1)")]
struct Args {
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// File holding the bearer token kiosks must send (default: "demo-token").
    #[arg(long)]
    token_file: Option<PathBuf>,
    /// Catalog JSON to serve (default: the sample catalog).
    #[arg(long)]
    catalog: Option<PathBuf>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let read =
        |p: &PathBuf| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let token = match args.token_file.as_ref().map(read).transpose() {
        Ok(t) => t
            .map(|t| t.trim().to_string())
            .unwrap_or_else(|| "demo-token".into()),
        Err(e) => {
            eprintln!("hall-sim: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let catalog = match args.catalog.as_ref().map(read).transpose() {
        Ok(c) => c.unwrap_or_else(|| SAMPLE_CATALOG.into()),
        Err(e) => {
            eprintln!("hall-sim: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let sim = match HallSim::spawn(SimOptions {
        listen: args.listen,
        token,
        catalog,
        ..SimOptions::default()
    })
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hall-sim: cannot listen on {}: {e}", args.listen);
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("hall-sim: serving interface v1 at {}", sim.url());
    let _ = tokio::signal::ctrl_c().await;
    std::process::ExitCode::SUCCESS
}
