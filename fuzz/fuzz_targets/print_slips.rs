#![no_main]
//! The kiosk's own slips (src/printing.rs: ticket and material checklist) from what the
//! backend sends: ticket numbers, category and item names, windows, material names, shared
//! and commitment notes, track URLs and item codes, as arbitrary Unicode of any length. The
//! print service never panics, a slip that lays out reaches the printer as one page with
//! no line wider than the paper, and a slip that does not is reported, never half printed.

use std::sync::{Arc, Mutex};

use hall_kiosk::domain::catalog::GuideItem;
use hall_kiosk::domain::{IssuedTicket, PrintOutcome, Priority};
use hall_kiosk::printing::PrintService;
use kiosk_drivers::printer::document::{pages_of, Block};
use kiosk_drivers::printer::layout::Job;
use kiosk_drivers::printer::status::PrinterStatus;
use kiosk_drivers::printer::text::columns;
use kiosk_drivers::printer::{PaperWidth, PrintError, PrintReport, Profile, ReceiptPrinter};
use libfuzzer_sys::fuzz_target;

/// A printer that is always ready and keeps what it is sent.
struct Paper(Arc<Mutex<Vec<Job>>>);

impl ReceiptPrinter for Paper {
    fn status(&mut self) -> Result<PrinterStatus, PrintError> {
        Ok(PrinterStatus::READY)
    }
    fn print(&mut self, job: &Job) -> Result<PrintReport, PrintError> {
        self.0.lock().unwrap().push(job.clone());
        Ok(PrintReport {
            before: PrinterStatus::READY,
            after: Some(PrinterStatus::READY),
            bytes: job.bytes.len(),
        })
    }
    fn name(&self) -> String {
        "fuzz".into()
    }
}

fn check(job: &Job, paper_dots: usize) {
    let pages = pages_of(&job.bytes);
    assert_eq!(pages.len(), 1);
    for block in &pages[0].blocks {
        let Block::Line(line) = block else { continue };
        let dots: usize = line
            .spans
            .iter()
            .map(|s| match &s.image {
                Some(bm) => bm.width,
                None => columns(&s.text) * 12 * usize::from(s.size.0),
            })
            .sum();
        assert!(dots <= paper_dots, "{:?}: {dots} dots", line.text());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut fields = rest
        .split(|&b| b == 0xFF)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut next = || fields.next().unwrap_or_default();
    let width = if mode & 1 == 0 {
        PaperWidth::Mm58
    } else {
        PaperWidth::Mm80
    };
    let profile = Profile {
        width,
        ..Profile::default()
    };
    let sent = Arc::new(Mutex::new(Vec::new()));
    let service = PrintService::new(
        Box::new(Paper(sent.clone())),
        profile,
        next(),
        time::UtcOffset::from_hms(8, 0, 0).unwrap(),
        next(),
    );

    let ticket = IssuedTicket {
        ticket_no: next(),
        category: next(),
        waiting_ahead: u32::from(mode),
        est_wait_min: u32::from(mode >> 4),
        issued_at: time::OffsetDateTime::UNIX_EPOCH,
        track_url: next().chars().take(300).collect(),
        offline: mode & 2 != 0,
        priority: [None, Some(Priority::Elderly), Some(Priority::Other)][usize::from(mode % 3)],
        appointment: (mode & 4 != 0).then(|| (next(), next())),
    };
    let category_name = next();
    let windows = next();
    let outcome = service.ticket(&ticket, &category_name, &windows);
    let jobs = std::mem::take(&mut *sent.lock().unwrap());
    match outcome {
        PrintOutcome::Printed => {
            assert_eq!(jobs.len(), 1);
            check(&jobs[0], width.dots());
        }
        PrintOutcome::PrinterOffline => assert!(jobs.is_empty(), "a refused slip was sent"),
        other => panic!("{other:?} from a ready printer"),
    }

    // A guide item as the catalog's JSON carries it.
    let mut materials = Vec::new();
    while materials.len() < 30 {
        let name = next();
        if name.is_empty() {
            break;
        }
        let m = materials.len() as u8 ^ mode;
        let shared = next();
        let commitment = next();
        materials.push(serde_json::json!({
            "name": name,
            "original": m % 3,
            "copies": m % 5,
            "required": m & 1 == 0,
            "waivable": m & 2 == 0,
            "shared": (m & 4 == 0).then_some(shared),
            "commitment": (m & 8 == 0).then_some(commitment),
        }));
    }
    let item = serde_json::json!({
        "code": next().chars().take(100).collect::<String>(),
        "name": next(),
        "materials": materials,
    });
    let item: GuideItem = serde_json::from_value(item).expect("a well-formed item");
    let outcome = service.checklist(&item, &next());
    let jobs = std::mem::take(&mut *sent.lock().unwrap());
    match outcome {
        PrintOutcome::Printed => {
            assert_eq!(jobs.len(), 1);
            check(&jobs[0], width.dots());
        }
        PrintOutcome::PrinterOffline => assert!(jobs.is_empty(), "a refused slip was sent"),
        other => panic!("{other:?} from a ready printer"),
    }
});
