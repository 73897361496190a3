//! The receipt printer from the config, and its status poll.

use std::time::Duration;

use kiosk_drivers::alive::Beat;
use kiosk_drivers::printer::{EscPosPrinter, PaperWidth, PortSpec, Profile};

use crate::platform::config::{fitted, Config};
use crate::platform::liveness::Liveness;
use crate::printing::PrintService;
use crate::tasks::Tasks;

/// How often the printer is asked how it is, so staff hear of paper running low before a
/// citizen meets it.
const POLL: Duration = Duration::from_secs(30);

/// How long the printer's status stays known without news: the driver turns automatic status
/// back on at every poll, and the printer answers with a status block, so blocks come at
/// least every [`POLL`] while it speaks ASB; a poll late by half its interval still counts.
/// Within this, a ticket goes out with no status round trip before it.
const STATUS_TRUST: Duration = Duration::from_secs(POLL.as_secs() * 3 / 2);

/// The kiosk's printer driver on `port`: jobs go out on the status the printer keeps
/// reporting (ASB), and are confirmed with one status request after them.
pub fn driver(port: &str, baud: u32) -> EscPosPrinter {
    EscPosPrinter::new(PortSpec::parse(port, baud)).with_status_trust(STATUS_TRUST)
}

/// The configured printer; None when the config has none (`port = "none"`).
pub fn open(config: &Config) -> Option<PrintService> {
    let pc = &config.devices.printer;
    if !fitted(&pc.port) {
        return None;
    }
    let profile = Profile {
        width: PaperWidth::from_mm(pc.width_mm).unwrap_or_default(),
        encoding: pc.encoding.parse().unwrap_or_default(),
        ..Profile::default()
    };
    Some(PrintService::new(
        Box::new(driver(&pc.port, pc.baud)),
        profile,
        config.kiosk.hall_name.clone(),
        config.utc_offset(),
        config.kiosk.public_url.trim_end_matches('/').to_string(),
    ))
}

/// Polls the printer's status every [`POLL`]. A poll that never returns (a USB printer
/// wedged in a write) stops the beat, and the watchdog restarts the kiosk.
pub fn poll(printer: PrintService, tasks: &Tasks, liveness: &mut Liveness) {
    let beat = Beat::new();
    let b = beat.clone();
    liveness.watch("printer status", Duration::from_secs(120), move || {
        Some(b.age())
    });
    tasks.every(POLL, move || {
        let p = printer.clone();
        let beat = beat.clone();
        async move {
            let _ = tokio::task::spawn_blocking(move || p.poll()).await;
            beat.beat();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{IssuedTicket, PrintOutcome, TicketNames};
    use crate::printing::Known;
    use kiosk_drivers::printer::sim::{PrinterSimulator, Seen};
    use kiosk_drivers::printer::{Condition, Paper, PrinterStatus};

    fn service(sim: &PrinterSimulator) -> PrintService {
        PrintService::new(
            Box::new(driver(&sim.path(), 115_200)),
            Profile::default(),
            "示例县政务服务中心".into(),
            time::UtcOffset::from_hms(8, 0, 0).unwrap(),
            "https://hall.example.gov.cn".into(),
        )
    }

    fn ticket(no: &str) -> IssuedTicket {
        IssuedTicket {
            ticket_no: no.into(),
            category: "B".into(),
            waiting_ahead: 3,
            est_wait_min: 10,
            issued_at: time::OffsetDateTime::UNIX_EPOCH,
            track_url: format!("https://hall.example.gov.cn/q/{no}"),
            offline: false,
            priority: None,
            appointment: None,
        }
    }

    fn names() -> TicketNames {
        TicketNames {
            category: "企业服务".into(),
            windows: "5 号窗口".into(),
            tibetan: None,
        }
    }

    /// Status requests before the first print data in `seen`, and after it.
    fn round_trips_around(seen: &[Seen]) -> (usize, usize) {
        let data = seen.iter().position(|s| *s == Seen::Data).expect("a job");
        let count = |part: &[Seen]| part.iter().filter(|s| s.is_status_request()).count();
        (count(&seen[..data]), count(&seen[data + 1..]))
    }

    #[test]
    fn after_a_poll_a_ticket_goes_out_with_no_round_trip_before_it_and_one_after() {
        let sim = PrinterSimulator::spawn(PaperWidth::Mm80, None).unwrap();
        let p = service(&sim);
        assert_eq!(p.poll(), Known::Condition(Condition::Ready));
        let mark = sim.seen().len();
        assert_eq!(p.ticket(&ticket("B001"), &names()), PrintOutcome::Printed);
        assert_eq!(round_trips_around(&sim.seen()[mark..]), (0, 1));
        let pages = sim.wait_pages(1, Duration::from_secs(5));
        assert!(pages[0].text().contains("B001"));
        // Paper near end, reported by the printer unasked: the ticket says so, still without
        // asking first, and staff hear of it.
        sim.set_paper(Paper::NearEnd);
        let mark = sim.seen().len();
        assert_eq!(
            p.ticket(&ticket("B002"), &names()),
            PrintOutcome::PrintedPaperLow
        );
        assert_eq!(round_trips_around(&sim.seen()[mark..]), (0, 1));
        assert_eq!(p.known(), Known::Condition(Condition::PaperNearEnd));
    }

    #[test]
    fn paper_out_found_after_the_ticket_was_sent_puts_it_on_screen_and_it_never_prints_later() {
        let sim = PrinterSimulator::spawn(PaperWidth::Mm80, None).unwrap();
        let p = service(&sim);
        assert_eq!(p.poll(), Known::Condition(Condition::Ready));
        // Paper runs out while its status block is still on the wire.
        sim.set_status_unannounced(PrinterStatus {
            paper: Paper::Out,
            ..PrinterStatus::READY
        });
        let mark = sim.seen().len();
        // PaperOut: the citizen's ticket is shown on screen.
        assert_eq!(p.ticket(&ticket("B001"), &names()), PrintOutcome::PaperOut);
        let seen = sim.seen()[mark..].to_vec();
        assert_eq!(round_trips_around(&seen), (0, 1), "{seen:?}");
        assert!(seen.contains(&Seen::ClearBuffers), "{seen:?}");
        // The status board has it.
        assert_eq!(p.known(), Known::Condition(Condition::PaperOut));
        // Paper back: the next citizen's ticket is the first page out, no ghost before it.
        sim.set_paper(Paper::Ok);
        assert_eq!(p.ticket(&ticket("B002"), &names()), PrintOutcome::Printed);
        // A held ghost would have come out when paper was back, before this one.
        let pages = sim.wait_pages(1, Duration::from_secs(5));
        assert_eq!(pages.len(), 1, "a ghost ticket came out");
        assert!(pages[0].text().contains("B002"), "{}", pages[0].text());
        assert!(!pages[0].text().contains("B001"));
    }
}
