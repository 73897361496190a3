//! The printer driver against the printer simulator over a pseudo-terminal: layouts go out
//! as ESC/POS bytes, come back as pages, and the status rules hold.

use std::time::{Duration, Instant};

use kiosk_drivers::printer::document::Page;
use kiosk_drivers::printer::layout::{self, ChecklistSlip, Material, ReceiptSlip, TicketSlip};
use kiosk_drivers::printer::sim::{Answers, PrinterSimulator, Seen};
use kiosk_drivers::printer::{
    render, EscPosPrinter, Paper, PaperWidth, PortSpec, PrintError, PrinterStatus, Profile,
    ReceiptPrinter,
};

const WAIT: Duration = Duration::from_secs(5);

fn ticket_slip() -> TicketSlip {
    TicketSlip {
        hall: "示例县政务服务中心".into(),
        category: "社保医保".into(),
        number: "A023".into(),
        waiting_ahead: Some(5),
        wait_minutes: Some(15),
        windows: "3、4 号窗口".into(),
        issued_at: "2026-11-24 09:41".into(),
        follow_url: Some("https://hall.example.gov.cn/q/A023?k=K-01".into()),
        offline: false,
        priority: String::new(),
        appointment: None,
        tibetan: None,
    }
}

fn checklist_slip() -> ChecklistSlip {
    ChecklistSlip {
        hall: "示例县政务服务中心".into(),
        item: "城乡居民基本养老保险参保登记".into(),
        materials: vec![
            Material {
                name: "居民身份证或户口簿".into(),
                originals: 1,
                copies: 1,
                note: String::new(),
            },
            Material {
                name: "本人近期一寸免冠白底彩色照片，用于制作社会保障卡".into(),
                originals: 2,
                copies: 0,
                note: "已有社保卡的无需提供".into(),
            },
        ],
        hand_in: "一楼 3 号综合受理窗口".into(),
        printed_at: "2026-11-24 09:41".into(),
        guide_url: Some("https://hall.example.gov.cn/g/370000-001".into()),
    }
}

fn receipt_slip() -> ReceiptSlip {
    ReceiptSlip {
        hall: "示例县政务服务中心".into(),
        title: "受理回执".into(),
        receipt_no: "SB20261124-0007".into(),
        item: "城乡居民基本养老保险参保登记".into(),
        applicant: "110***********1234".into(),
        submitted_at: "2026-11-24 09:41".into(),
        progress_url: Some("https://hall.example.gov.cn/p/SB20261124-0007".into()),
        note: String::new(),
    }
}

fn profile(width: PaperWidth) -> Profile {
    Profile {
        width,
        ..Profile::default()
    }
}

fn setup(width: PaperWidth) -> (PrinterSimulator, EscPosPrinter) {
    let sim = PrinterSimulator::spawn(width, None).unwrap();
    let printer = EscPosPrinter::open(PortSpec::parse(&sim.path(), 115_200)).unwrap();
    (sim, printer)
}

fn print_one(sim: &PrinterSimulator, printer: &mut EscPosPrinter, job: &layout::Job) -> Page {
    let before = sim.pages().len();
    printer.print(job).unwrap();
    let pages = sim.wait_pages(before + 1, WAIT);
    assert_eq!(pages.len(), before + 1, "one page per job");
    pages.last().unwrap().clone()
}

#[test]
fn a_ticket_comes_out_with_its_number_large_and_its_qr_code() {
    for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
        let (sim, mut printer) = setup(width);
        let job = layout::ticket(profile(width), &ticket_slip()).unwrap();
        let page = print_one(&sim, &mut printer, &job);
        let number = page.line_with("A023").expect("number printed");
        assert_eq!(number.size(), (4, 4), "ticket number in large type");
        assert!(number.is_bold());
        let text = page.text();
        for want in [
            "示例县政务服务中心",
            "社保医保",
            "5 人",
            "约 15 分钟",
            "3、4 号窗口",
            "2026-11-24 09:41",
            "本票据不含个人信息",
        ] {
            assert!(text.contains(want), "{want} missing on {width:?}:\n{text}");
        }
        assert_eq!(
            page.qr_payloads(),
            vec!["https://hall.example.gov.cn/q/A023?k=K-01"]
        );
        assert_eq!(page.cut, Some(true), "partial cut");
        assert!(page.beeped);
        // Every line fits the paper.
        for l in page.lines() {
            let cols = kiosk_drivers::printer::text::columns(&l.text()) * l.size().0 as usize;
            assert!(
                cols <= width.columns(),
                "{:?} overflows {width:?}",
                l.text()
            );
        }
        // Text mode keeps a ticket small (a raster ticket is 30 KB and more).
        assert!(job.bytes.len() < 2048, "{} bytes", job.bytes.len());
    }
}

#[test]
fn a_checklist_numbers_its_materials_and_wraps_long_names_under_the_number() {
    for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
        let (sim, mut printer) = setup(width);
        let job = layout::checklist(profile(width), &checklist_slip()).unwrap();
        let page = print_one(&sim, &mut printer, &job);
        let text = page.text();
        // The text with line breaks and continuation indents taken out.
        let flat: String = text.lines().map(str::trim).collect();
        assert!(text.contains("材料清单"));
        assert!(
            flat.contains("1. 居民身份证或户口簿（原件1份，复印件1份）"),
            "{text}"
        );
        assert!(text.contains("2. 本人近期"), "{text}");
        assert!(flat.contains("已有社保卡的无需提供"));
        assert!(flat.contains("一楼 3 号综合受理窗口"));
        // The wrapped continuation of item 2 is indented under its text, not under "2.".
        let lines: Vec<String> = page.lines().map(|l| l.text()).collect();
        let i = lines.iter().position(|l| l.starts_with("2. ")).unwrap();
        assert!(lines[i + 1].starts_with("   "), "{:?}", &lines[i..i + 2]);
        assert_eq!(
            page.qr_payloads(),
            vec!["https://hall.example.gov.cn/g/370000-001"]
        );
    }
}

#[test]
fn a_receipt_shows_only_the_masked_applicant() {
    let (sim, mut printer) = setup(PaperWidth::Mm80);
    let job = layout::receipt(profile(PaperWidth::Mm80), &receipt_slip()).unwrap();
    let page = print_one(&sim, &mut printer, &job);
    let text = page.text();
    assert!(text.contains("受理回执"));
    assert!(text.contains("SB20261124-0007"));
    assert!(text.contains("110***********1234"));
    assert_eq!(
        page.qr_payloads(),
        vec!["https://hall.example.gov.cn/p/SB20261124-0007"]
    );
}

#[test]
fn the_test_page_prints_chinese_in_text_mode_and_the_rare_character_as_a_glyph() {
    let (sim, mut printer) = setup(PaperWidth::Mm80);
    let job = layout::test_page(profile(PaperWidth::Mm80), "K-01", "2026-11-24 09:41:00").unwrap();
    let page = print_one(&sim, &mut printer, &job);
    let text = page.text();
    assert!(text.contains("打印测试"));
    assert!(text.contains("K-01"));
    assert!(text.contains("中文 ASCII 混排：社保卡 A023 号"));
    let rare = page.line_with("生僻字").unwrap();
    // The font installed by scripts/setup has 𠈌, so it arrives as a 24-dot inline image.
    let glyph = rare
        .spans
        .iter()
        .find_map(|s| s.image.as_ref())
        .expect("raster glyph");
    assert_eq!((glyph.width, glyph.height), (24, 24));
    assert!(glyph.black_dots() > 20, "the glyph has ink");
    assert_eq!(
        page.qr_payloads(),
        vec!["https://hall.example.gov.cn/kiosk/printer-test"]
    );
}

#[test]
fn paper_out_refuses_the_job_before_a_byte_is_sent_and_nothing_prints_when_paper_returns() {
    let (sim, mut printer) = setup(PaperWidth::Mm80);
    sim.set_paper(Paper::Out);
    let job = layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap();
    let received = sim.received();
    let err = printer.print(&job).unwrap_err();
    assert!(err.is_paper_out(), "{err}");
    assert_eq!(err.kind(), "paper_out");
    assert!(err.to_string().contains("缺纸"));
    // Only the four 3-byte status requests went over the wire.
    assert_eq!(sim.received() - received, 12);
    sim.set_paper(Paper::Ok);
    // The next job is the first page out: a refused ticket left in the printer would have
    // come out before it.
    assert_only_page_is_the_next_job(&sim, &mut printer);
}

/// Prints a checklist and waits for it: it must be the one page out, with nothing of an
/// earlier, refused job before it.
fn assert_only_page_is_the_next_job(sim: &PrinterSimulator, printer: &mut EscPosPrinter) {
    let job = layout::checklist(profile(PaperWidth::Mm80), &checklist_slip()).unwrap();
    printer.print(&job).unwrap();
    let pages = sim.wait_pages(1, WAIT);
    assert_eq!(pages.len(), 1, "no page came out");
    let expected = checklist_slip().materials[0].name.clone();
    assert!(pages[0].text().contains(&expected), "{}", pages[0].text());
    // The printer has cut the checklist's page, so anything before it came out already.
    assert_eq!(sim.pages().len(), 1, "a ghost page came out first");
}

#[test]
fn paper_near_end_prints_and_says_so() {
    let (sim, mut printer) = setup(PaperWidth::Mm80);
    sim.set_paper(Paper::NearEnd);
    let job = layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap();
    let report = printer.print(&job).unwrap();
    assert!(report.paper_low());
    assert!(!report.maybe_incomplete());
    assert_eq!(sim.wait_pages(1, WAIT).len(), 1);
}

#[test]
fn cover_open_is_refused_with_its_own_reason() {
    let (sim, mut printer) = setup(PaperWidth::Mm80);
    sim.set_status(PrinterStatus {
        cover_open: true,
        ..PrinterStatus::READY
    });
    let job = layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap();
    let err = printer.print(&job).unwrap_err();
    assert_eq!(err.kind(), "cover_open");
}

#[test]
fn a_printer_that_only_answers_gs_r_still_reports_paper() {
    let (sim, mut printer) = setup(PaperWidth::Mm80);
    sim.set_answers(Answers::GsROnly);
    sim.set_paper(Paper::NearEnd);
    assert_eq!(printer.status().unwrap().paper, Paper::NearEnd);
    sim.set_paper(Paper::Out);
    assert!(printer
        .print(&layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap())
        .unwrap_err()
        .is_paper_out());
}

#[test]
fn a_silent_printer_is_status_unknown_quickly_and_gets_nothing() {
    let (sim, mut printer) = setup(PaperWidth::Mm80);
    sim.set_answers(Answers::None);
    let t = Instant::now();
    let err = printer
        .print(&layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap())
        .unwrap_err();
    assert!(matches!(err, PrintError::StatusUnknown { .. }), "{err}");
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    sim.set_answers(Answers::All);
    assert_only_page_is_the_next_job(&sim, &mut printer);
}

#[test]
fn unplugged_mid_job_is_lost_and_the_driver_reopens_when_it_is_back() {
    let (sim, mut printer) = setup(PaperWidth::Mm80);
    // A long job (well over the pty's buffer) to a printer that stops taking data after
    // 4 KB: the driver is mid-write when the cable is pulled.
    let mut big = checklist_slip();
    big.materials = (0..3000)
        .map(|i| Material {
            name: format!("第{i}项材料的名称比较长，需要换行显示"),
            originals: 1,
            copies: 1,
            note: String::new(),
        })
        .collect();
    let job = layout::checklist(profile(PaperWidth::Mm80), &big).unwrap();
    assert!(job.bytes.len() > 100_000);
    let stall_at = sim.received() + 4096;
    sim.stall_after(Some(stall_at));
    let t = std::thread::spawn(move || {
        let r = printer.print(&job);
        (printer, r)
    });
    // Mid-write: the printer has taken its 4 KB and the driver is blocked on the rest.
    let until = Instant::now() + WAIT;
    while sim.received() < stall_at && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(sim.received() >= stall_at, "the job never started");
    let started = Instant::now();
    sim.unplug();
    let (mut printer, result) = t.join().unwrap();
    assert!(matches!(result, Err(PrintError::Lost { .. })), "{result:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the driver noticed at once"
    );
    assert!(sim.pages().is_empty(), "half a job is not a page");
    sim.stall_after(None);
    sim.plug().unwrap();
    // Back-off, then reopen: within a few seconds the printer prints again.
    let deadline = Instant::now() + Duration::from_secs(8);
    let small = layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap();
    loop {
        match printer.print(&small) {
            Ok(_) => break,
            Err(e) if Instant::now() < deadline => {
                assert_eq!(e.kind(), "offline", "{e}");
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => panic!("printer did not come back: {e}"),
        }
    }
    let pages = sim.wait_pages(1, WAIT);
    assert!(pages.last().unwrap().text().contains("A023"));
}

#[test]
fn a_rendered_page_is_576_dots_wide_and_its_qr_code_scans() {
    let job = layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap();
    let pages = kiosk_drivers::printer::document::pages_of(&job.bytes);
    assert_eq!(pages.len(), 1);
    let bm = render::render(&pages[0], PaperWidth::Mm80.dots());
    assert_eq!(bm.width, 576);
    assert!(bm.height > 600, "a ticket is long: {}", bm.height);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(bm.width, bm.height, |x, y| {
        if bm.get(x, y) {
            0
        } else {
            255
        }
    });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, "https://hall.example.gov.cn/q/A023?k=K-01");
    // The ticket number is drawn 4× size: the band of its line is full of ink.
    assert!(bm.black_dots() > 10_000, "{}", bm.black_dots());
}

/// A printer whose status the driver keeps known (ASB on), as the kiosk opens it.
fn setup_trusting(width: PaperWidth, trust: Duration) -> (PrinterSimulator, EscPosPrinter) {
    let sim = PrinterSimulator::spawn(width, None).unwrap();
    let mut printer =
        EscPosPrinter::new(PortSpec::parse(&sim.path(), 115_200)).with_status_trust(trust);
    // The kiosk's first status poll: opens the port, turns ASB on, asks everything.
    assert!(printer.status().unwrap().can_print());
    (sim, printer)
}

/// What the printer received for one job: the status requests before its data, the data,
/// and the status requests after it.
fn round_trips_around(seen: &[Seen]) -> (usize, usize) {
    let data = seen
        .iter()
        .position(|s| *s == Seen::Data)
        .unwrap_or_else(|| panic!("no job data in {seen:?}"));
    let count = |part: &[Seen]| part.iter().filter(|s| s.is_status_request()).count();
    (count(&seen[..data]), count(&seen[data + 1..]))
}

#[test]
fn with_the_status_known_a_ticket_goes_out_without_asking_and_is_confirmed_with_one_request() {
    let (sim, mut printer) = setup_trusting(PaperWidth::Mm80, Duration::from_secs(30));
    let job = layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap();
    for n in 1..=3 {
        let mark = sim.seen().len();
        let report = printer.print(&job).unwrap();
        assert_eq!(report.after.map(|s| s.condition().as_str()), Some("ready"));
        let seen = sim.seen()[mark..].to_vec();
        assert_eq!(round_trips_around(&seen), (0, 1), "ticket {n}: {seen:?}");
        // The one confirmation is the paper sensor; ASB is turned on again after the job.
        assert_eq!(
            seen,
            [
                Seen::Data,
                Seen::AutomaticStatus(0x0E),
                Seen::StatusRequest(4)
            ]
        );
        let pages = sim.wait_pages(n, WAIT);
        assert_eq!(pages.len(), n);
        assert!(pages[n - 1].text().contains("A023"));
    }
}

#[test]
fn a_stale_status_is_asked_for_again_before_the_job() {
    let (sim, mut printer) = setup_trusting(PaperWidth::Mm80, Duration::from_millis(150));
    // Let the 150 ms the status is trusted run out: a printer whose status does not change
    // sends no block unasked, so only time makes it stale (nothing is asserted about this
    // wait itself).
    std::thread::sleep(Duration::from_millis(300));
    let job = layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap();
    let mark = sim.seen().len();
    printer.print(&job).unwrap();
    let seen = sim.seen()[mark..].to_vec();
    // The full check before (DLE EOT 1 to 4), the one confirmation after.
    assert_eq!(round_trips_around(&seen), (4, 1), "{seen:?}");
    assert_eq!(sim.wait_pages(1, WAIT).len(), 1);
}

#[test]
fn a_printer_without_automatic_status_is_asked_before_every_job() {
    let sim = PrinterSimulator::spawn(PaperWidth::Mm80, None).unwrap();
    // Behind a bridge that drops real-time commands: GS r only, and no ASB blocks.
    sim.set_answers(Answers::GsROnly);
    let mut printer = EscPosPrinter::new(PortSpec::parse(&sim.path(), 115_200))
        .with_status_trust(Duration::from_secs(30));
    assert!(printer.status().unwrap().can_print());
    let job = layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap();
    for n in 1..=2 {
        let mark = sim.seen().len();
        printer.print(&job).unwrap();
        let seen = sim.seen()[mark..].to_vec();
        assert_eq!(round_trips_around(&seen), (1, 1), "{seen:?}");
        assert_eq!(seen[0], Seen::SensorRequest(1));
        assert_eq!(sim.wait_pages(n, WAIT).len(), n);
    }
}

#[test]
fn paper_out_known_from_automatic_status_refuses_the_job_before_a_byte_is_sent() {
    let (sim, mut printer) = setup_trusting(PaperWidth::Mm80, Duration::from_secs(30));
    // The printer's ASB block says so; the driver asks again (paper may be back), then
    // refuses.
    sim.set_paper(Paper::Out);
    let mark = sim.seen().len();
    let err = printer
        .print(&layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap())
        .unwrap_err();
    assert!(err.is_paper_out(), "{err}");
    let seen = sim.seen()[mark..].to_vec();
    assert!(!seen.contains(&Seen::Data), "{seen:?}");
    sim.set_paper(Paper::Ok);
    assert_only_page_is_the_next_job(&sim, &mut printer);
}

#[test]
fn paper_out_found_by_the_confirmation_withdraws_the_job_and_it_never_prints_later() {
    let (sim, mut printer) = setup_trusting(PaperWidth::Mm80, Duration::from_secs(30));
    // Paper runs out with its ASB block still on the wire: the driver sends on what it knew.
    sim.set_status_unannounced(PrinterStatus {
        paper: Paper::Out,
        ..PrinterStatus::READY
    });
    let mark = sim.seen().len();
    let err = printer
        .print(&layout::ticket(profile(PaperWidth::Mm80), &ticket_slip()).unwrap())
        .unwrap_err();
    // The citizen is told paper out (the ticket then goes on screen)...
    assert!(err.is_paper_out(), "{err}");
    assert_eq!(err.kind(), "paper_out");
    let seen = sim.seen()[mark..].to_vec();
    assert_eq!(round_trips_around(&seen), (0, 1), "{seen:?}");
    // ...and the job the printer holds is withdrawn from its buffer.
    assert_eq!(seen.last(), Some(&Seen::ClearBuffers), "{seen:?}");
    sim.set_paper(Paper::Ok);
    assert!(
        sim.wait_pages(1, Duration::from_millis(300)).is_empty(),
        "the withdrawn ticket came out when paper was back"
    );
    assert_only_page_is_the_next_job(&sim, &mut printer);
}
