//! The demo's control keys: they act on the simulators exactly as a citizen's card, phone or
//! a pulled network cable would, so the kiosk sees the same bytes as on a device.

use std::rc::Rc;

use slint::ComponentHandle;

use super::Kiosk;
use crate::runtime::DemoWorld;
use crate::ui::Demo;

/// The demo's staff PIN, 123456 (hold the hall name for 3 seconds), as an argon2 hash made
/// with `kiosk staff hash-pin`: the demo needs a way into staff mode, and a device's config
/// must never carry a known PIN, so it is only ever used when the demo's config has none.
pub const DEMO_PIN_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$rCshxzCiNcjGsVL2Imn9Bw$JcnXxhu5UUDF32/nUKOYE9O/vk9rq59LTkkpK1mcDtg";

/// What each key does, for the status line.
pub const KEYS: &[(&str, &str)] = &[
    (
        "F1-F6",
        "place sample ID card 1-6 (F1 elderly citizen, F3 rare character, F5 expired permit)",
    ),
    ("F7", "take the card away"),
    ("F8", "scan an appointment code of another hall"),
    ("F9", "scan appointment code AP0001"),
    ("F10", "scan used appointment code AP0002"),
    ("F11", "receipt paper: ok → near end → out → ok"),
    ("F12", "cut / restore the network to the hall backend"),
    ("staff", "hold the hall name 3 s, PIN 123456"),
];

pub fn enable(kiosk: &Rc<Kiosk>, world: &DemoWorld) {
    let demo = kiosk.window().global::<Demo>();
    demo.set_enabled(true);
    let scanner = world.scanner_handle();
    let reader = world.reader.clone();
    let hall = world.hall_handle();
    let printer = world.printer.clone();
    let weak = Rc::downgrade(kiosk);
    demo.on_key(move |key| {
        let status = match key.as_str() {
            f @ ("F1" | "F2" | "F3" | "F4" | "F5" | "F6") => {
                let i: usize = f[1..].parse().unwrap_or(1) - 1;
                reader.present(i);
                let who = reader.identities().get(i).map(|id| {
                    if id.name.is_empty() {
                        id.english_name.clone()
                    } else {
                        id.name.clone()
                    }
                });
                format!(
                    "card {} placed on the reader",
                    crate::flows::privacy::mask_name(&who.unwrap_or_default())
                )
            }
            "F7" => {
                reader.remove();
                "card taken away".into()
            }
            "F8" => scan(&scanner, b"hk:appt:v1:lanzhou:AP7788"),
            "F9" => scan(&scanner, b"hk:appt:v1:hezuo:AP0001"),
            "F10" => scan(&scanner, b"hk:appt:v1:hezuo:AP0002"),
            "F11" => {
                use kiosk_drivers::printer::Paper;
                let next = match printer.status().paper {
                    Paper::Ok => Paper::NearEnd,
                    Paper::NearEnd => Paper::Out,
                    Paper::Out => Paper::Ok,
                };
                printer.set_paper(next);
                format!("receipt paper: {next:?}")
            }
            "F12" => {
                if hall.toggle_down() {
                    "network to the hall: CUT (tickets come from the offline block)".into()
                } else {
                    "network to the hall: restored".into()
                }
            }
            other => format!("{other}: nothing on this key"),
        };
        if let Some(k) = weak.upgrade() {
            k.window().global::<Demo>().set_status(status.into());
        }
    });
}

fn scan(scanner: &crate::runtime::ScannerPort, payload: &[u8]) -> String {
    match scanner.scan(payload) {
        Ok(()) => format!("scanned {}", String::from_utf8_lossy(payload)),
        Err(e) => format!("scanner simulator: {e}"),
    }
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
