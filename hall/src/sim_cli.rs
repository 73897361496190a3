//! The command line of the reference backend, shared by the `hall-sim` program and
//! `kiosk hall-sim`, so both take the same options and behave alike.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::sim::{HallSim, SimOptions, SAMPLE_CATALOG};

/// Options of the reference hall backend.
#[derive(Debug, Clone, clap::Args)]
pub struct SimArgs {
    /// Address to serve interface v1 on, e.g. 127.0.0.1:8080.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The bearer token kiosks must send; default "demo-token", the demo's.
    #[arg(long, conflicts_with = "token_file")]
    pub token: Option<String>,
    /// A file holding the bearer token (a token on the command line shows in `ps`).
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Catalog JSON to serve (default: the sample catalog).
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// The hall served: its appointment codes carry this id (a kiosk's `kiosk.hall_id`).
    #[arg(long, default_value = "hezuo")]
    pub hall_id: String,
    /// The hall's public site, for the tracking links in answers (a kiosk's
    /// `kiosk.public_url`).
    #[arg(long, default_value = "https://hall.example.gov.cn")]
    pub public_url: String,
    /// Seats per bookable slot (GET /slots, POST /appointments).
    #[arg(long, default_value_t = 3)]
    pub slot_capacity: u32,
    /// A QR payment order is paid at this poll of GET /payments/{no}.
    #[arg(long, default_value_t = 2)]
    pub pay_qr_after_polls: u32,
    /// A paycode payment order stays pending for this many polls (0: paid at once).
    #[arg(long, default_value_t = 0)]
    pub paycode_pending_polls: u32,
}

/// Serves until Ctrl-C (or SIGINT from a supervisor).
pub fn run(args: SimArgs) -> ExitCode {
    let fail = |e: String| {
        eprintln!("hall-sim: {e}");
        ExitCode::FAILURE
    };
    let read =
        |p: &PathBuf| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let token = match args.token_file.as_ref().map(read).transpose() {
        Ok(t) => t
            .map(|t| t.trim().to_string())
            .or_else(|| args.token.clone())
            .unwrap_or_else(|| "demo-token".into()),
        Err(e) => return fail(e),
    };
    if token.is_empty() {
        return fail("the token is empty: every kiosk would be let in".into());
    }
    let catalog = match args.catalog.as_ref().map(read).transpose() {
        Ok(c) => c.unwrap_or_else(|| SAMPLE_CATALOG.into()),
        Err(e) => return fail(e),
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the runtime: {e}")),
    };
    rt.block_on(async {
        let sim = match HallSim::spawn(SimOptions {
            listen: args.listen,
            token,
            catalog,
            hall_id: args.hall_id.clone(),
            public_base: args.public_url.trim_end_matches('/').to_string(),
        })
        .await
        {
            Ok(s) => s,
            Err(e) => return fail(format!("cannot listen on {}: {e}", args.listen)),
        };
        sim.set_slot_capacity(args.slot_capacity);
        sim.pay_qr_after_polls(args.pay_qr_after_polls);
        sim.paycode_pending_polls(args.paycode_pending_polls);
        println!("hall-sim: serving interface v1 at {}", sim.url());
        let _ = tokio::signal::ctrl_c().await;
        ExitCode::SUCCESS
    })
}
