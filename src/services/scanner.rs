//! The QR scanner's loop: each code is parsed (this hall's appointment, a ticket, a
//! receipt, a signed staff code...) and goes to the UI; the board and metrics follow the
//! scanner's state. Logs name the code's kind, never its payload.

use kiosk_drivers::scanner::payload::{self, SchemeContext};
use kiosk_drivers::scanner::{self, ScannerConfig, ScannerEvent, ScannerHandle};
use std::time::Duration;

use super::convert::code_kind;
use super::staff_key::{staff_code_key, staff_verifier};
use super::Wiring;
use crate::domain::{AppEvent, ScannedCode, StaffRefusal};
use crate::health::board::DeviceState;
use crate::platform::config::{fitted, Config};
use crate::platform::liveness::Liveness;
use hall_link::HallLink;
use kiosk_drivers::scanner::payload::KioskCode;

/// What a scanned code is read against: this hall's id (its appointment codes), its
/// public site's host (its addresses) and the staff code key. `kiosk scan parse` uses the
/// same, so a technician sees what the kiosk makes of a code.
pub fn scheme_context(config: &Config) -> SchemeContext {
    SchemeContext {
        hall_id: config.kiosk.hall_id.clone(),
        hall_hosts: vec![config.public_host()],
        verifier: staff_verifier(config),
        staff_key: staff_code_key(config),
    }
}

/// Whether a signed staff code is refused before the staff flow sees it: valid for longer
/// than the cap from `now_s`, or (a single-use code) shown before. Only here is a nonce
/// used up: `kiosk scan parse` reads codes without it.
pub async fn staff_refusal(
    link: &HallLink,
    expires_s: i64,
    nonce: Option<String>,
    now_s: i64,
    max_hours: u32,
) -> Option<StaffRefusal> {
    if expires_s.saturating_sub(now_s) > i64::from(max_hours) * 3600 {
        return Some(StaffRefusal::TooLong);
    }
    let nonce = nonce?;
    match link.use_nonce(nonce, expires_s.saturating_mul(1000)).await {
        Ok(true) => None,
        Ok(false) => Some(StaffRefusal::Replayed),
        // A kiosk that cannot record the nonce cannot tell a replay: refused.
        Err(e) => {
            tracing::warn!("staff code nonce not recorded: {e}");
            Some(StaffRefusal::Replayed)
        }
    }
}

/// Starts the scanner worker and its loop; None when the config has no scanner.
pub fn start(
    config: &Config,
    wiring: &Wiring,
    link: &HallLink,
    liveness: &mut Liveness,
) -> Option<ScannerHandle> {
    let (tasks, tx, health, metrics) = (
        wiring.tasks,
        wiring.tx.clone(),
        wiring.health.clone(),
        wiring.metrics.clone(),
    );
    let port = config.devices.scanner.port.clone();
    if !fitted(&port) {
        return None;
    }
    let mut cfg = ScannerConfig::new(port);
    cfg.baud = config.devices.scanner.baud;
    let (mut rx, handle) = {
        let _guard = tasks.handle().enter();
        scanner::spawn_scanner(cfg)
    };
    let ctx = scheme_context(config);
    let max_hours = config.staff.code_max_hours;
    let link = link.clone();
    let stop = tasks.stop_signal();
    tasks.spawn(async move {
        loop {
            let ev = tokio::select! {
                _ = stop.cancelled() => return,
                ev = rx.recv() => match ev { Some(ev) => ev, None => return },
            };
            match ev {
                ScannerEvent::Scanned(s) => {
                    health.set_scanner(DeviceState::Ready);
                    health.code_scanned(hall_link::store::now_ms());
                    metrics.scans.inc();
                    let code = payload::parse(&s.payload, &ctx);
                    tracing::info!("scanned a code: {}", code_kind(&code));
                    let mut scanned = ScannedCode::from(code.clone());
                    if let (
                        KioskCode::Staff { expires, nonce, .. },
                        ScannedCode::Staff { refused, .. },
                    ) = (code, &mut scanned)
                    {
                        let now = hall_link::clock::now_utc().unix_timestamp();
                        *refused = staff_refusal(
                            &link,
                            expires.unix_timestamp(),
                            nonce,
                            now,
                            max_hours,
                        )
                        .await;
                    }
                    tx.send(AppEvent::Scanned(scanned));
                }
                ScannerEvent::Offline(why) => {
                    tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, "scanner offline: {why}");
                    health.set_scanner(DeviceState::Offline(why.to_string()));
                }
                ScannerEvent::Back => {
                    tracing::info!("scanner ready");
                    health.set_scanner(DeviceState::Ready);
                }
                ScannerEvent::Rejected(r) => tracing::debug!("scanner input rejected: {r:?}"),
            }
        }
    });
    let beat = handle.beat();
    let running = handle.running_flag();
    liveness.watch("scanner", Duration::from_secs(30), move || {
        running().then(|| beat.age())
    });
    Some(handle)
}
