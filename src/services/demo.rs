//! The demo's world: hall-sim on loopback and the three device simulators on
//! pseudo-terminals. The demo runs the device code unchanged: it only rewrites the config
//! so the kiosk's backend URL, token, device ports and staff credentials point at this
//! world, and the same [`super::Services`] start from it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use kiosk_drivers::gpio::SimGpioHandle;
use kiosk_drivers::idcard::sim::{builtin_identities, ReaderSimulator};
use kiosk_drivers::printer::sim::PrinterSimulator;
use kiosk_drivers::printer::{Paper, PaperWidth};
use kiosk_drivers::scanner::payload::TEST_KEY;
use kiosk_drivers::scanner::sim::{ScannerSimulator, SimOptions as ScannerSimOptions};

use super::StartError;
use crate::domain::privacy::mask_name;
use crate::platform::config::Config;

/// The demo's staff PIN, 123456 (hold the hall name for 3 seconds), as an argon2 hash made
/// with `kiosk staff hash-pin`: the demo needs a way into staff mode, and a device's config
/// must never carry a known PIN, so it is only ever used when the demo's config has none.
pub const DEMO_PIN_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$rCshxzCiNcjGsVL2Imn9Bw$JcnXxhu5UUDF32/nUKOYE9O/vk9rq59LTkkpK1mcDtg";

/// The demo's simulated world. Dropping it stops the simulators and hall-sim.
pub struct DemoWorld {
    pub hall: Arc<hall_link::sim::HallSim>,
    pub reader: Arc<ReaderSimulator>,
    pub scanner: Arc<ScannerSimulator>,
    pub printer: Arc<PrinterSimulator>,
    pub gpio: SimGpioHandle,
    network_cut: Arc<AtomicBool>,
}

/// The simulators before the GPIO exists (it is opened with the rest of the devices).
pub(super) struct Simulators {
    hall: hall_link::sim::HallSim,
    reader: ReaderSimulator,
    scanner: ScannerSimulator,
    printer: PrinterSimulator,
}

impl Simulators {
    /// Starts hall-sim and the simulators, and returns the config rewritten to use them
    /// with its data (database, token, printed pages) in `dir`.
    pub(super) async fn spawn(
        config: &Config,
        dir: &Path,
    ) -> Result<(Simulators, Config), StartError> {
        let demo = |what: &str, e: &dyn std::fmt::Display| StartError::Demo(format!("{what}: {e}"));
        // The built-in backend serves the demo config's hall: its appointment codes and
        // printed links are the ones the kiosk accepts.
        let options = hall_link::sim::SimOptions {
            hall_id: config.kiosk.hall_id.clone(),
            public_base: config.kiosk.public_url.trim_end_matches('/').to_string(),
            ..hall_link::sim::SimOptions::default()
        };
        let hall = hall_link::sim::HallSim::spawn(options)
            .await
            .map_err(|e| demo("hall-sim", &e))?;
        let reader = ReaderSimulator::spawn(builtin_identities())
            .map_err(|e| demo("ID-card reader simulator", &e))?;
        let scanner = ScannerSimulator::spawn(ScannerSimOptions::default())
            .map_err(|e| demo("scanner simulator", &e))?;
        let width = PaperWidth::from_mm(config.devices.printer.width_mm).unwrap_or_default();
        // Every page the demo prints is saved where a person can look at it.
        let printed = dir.join("printed");
        let printer = PrinterSimulator::spawn(width, Some(printed.clone()))
            .map_err(|e| demo("printer simulator", &e))?;
        tracing::info!(pages = %printed.display(), "demo printer: pages are saved as PNG");

        let mut c = config.clone();
        c.kiosk.data_dir = dir.to_path_buf();
        c.backend.url = hall.url();
        c.backend.token_file =
            write_secret(dir, "token", "demo-token\n").map_err(|e| demo("demo token file", &e))?;
        c.backend.ca_file = None;
        c.backend.client_cert = None;
        c.backend.client_key = None;
        c.devices.idcard.port = reader.path();
        c.devices.scanner.port = scanner.path().display().to_string();
        c.devices.printer.port = printer.path();
        c.devices.gpio.enabled = false;
        if c.staff.pin_hashes.is_empty() {
            c.staff.pin_hashes = vec![DEMO_PIN_HASH.into()];
        }
        if c.staff.qr_key_file.is_none() {
            // The published test key, so the demo's sample staff codes sign in.
            let hex: String = TEST_KEY.iter().map(|b| format!("{b:02x}")).collect();
            c.staff.qr_key_file =
                Some(write_secret(dir, "staff-key", &hex).map_err(|e| demo("demo staff key", &e))?);
        }
        Ok((
            Simulators {
                hall,
                reader,
                scanner,
                printer,
            },
            c,
        ))
    }

    pub(super) fn into_world(self, gpio: SimGpioHandle) -> DemoWorld {
        DemoWorld {
            hall: Arc::new(self.hall),
            reader: Arc::new(self.reader),
            scanner: Arc::new(self.scanner),
            printer: Arc::new(self.printer),
            gpio,
            network_cut: Arc::default(),
        }
    }
}

impl DemoWorld {
    /// Acts on the world for a demo key (F1-F12); returns what happened, for the status
    /// line. The kiosk then sees the same bytes a card, a phone or a pulled cable would give.
    pub fn key(&self, key: &str) -> String {
        match key {
            f @ ("F1" | "F2" | "F3" | "F4" | "F5" | "F6") => {
                let i: usize = f[1..].parse().unwrap_or(1) - 1;
                self.reader.present(i);
                let who = self.reader.identities().get(i).map(|id| {
                    if id.name.is_empty() {
                        id.english_name.clone()
                    } else {
                        id.name.clone()
                    }
                });
                format!(
                    "card {} placed on the reader",
                    mask_name(&who.unwrap_or_default())
                )
            }
            "F7" => {
                self.reader.remove();
                "card taken away".into()
            }
            "F8" => self.scan(b"hk:appt:v1:lanzhou:AP7788"),
            "F9" => self.scan(b"hk:appt:v1:hezuo:AP0001"),
            "F10" => self.scan(b"hk:appt:v1:hezuo:AP0002"),
            "F11" => {
                let next = match self.printer.status().paper {
                    Paper::Ok => Paper::NearEnd,
                    Paper::NearEnd => Paper::Out,
                    Paper::Out => Paper::Ok,
                };
                self.printer.set_paper(next);
                format!("receipt paper: {next:?}")
            }
            "F12" => {
                let cut = !self.network_cut.fetch_xor(true, Ordering::SeqCst);
                self.hall.set_fault(if cut {
                    hall_link::sim::Fault::Down
                } else {
                    hall_link::sim::Fault::None
                });
                if cut {
                    "network to the hall: CUT (tickets come from the offline block)".into()
                } else {
                    "network to the hall: restored".into()
                }
            }
            other => format!("{other}: nothing on this key"),
        }
    }

    fn scan(&self, payload: &[u8]) -> String {
        match self.scanner.scan(payload) {
            // The demo's own sample codes, not a citizen's: safe to show.
            Ok(()) => format!("scanned {}", String::from_utf8_lossy(payload)),
            Err(e) => format!("scanner simulator: {e}"),
        }
    }
}

/// Writes a demo secret (mode 0600, as the kiosk requires of its token) if it is missing.
fn write_secret(dir: &Path, name: &str, text: &str) -> std::io::Result<PathBuf> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join(name);
    if !path.exists() {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        f.write_all(text.as_bytes())?;
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_pin_hash_is_the_hash_of_the_pin_the_demo_shows() {
        let mut gate = crate::flows::staff::StaffGate::new(
            vec![super::DEMO_PIN_HASH.into()],
            std::time::Duration::from_secs(60),
        );
        assert!(gate.try_pin("123456", std::time::Instant::now()).is_ok());
    }
}
