//! The kiosk's hot paths, each run through one function, `measured`, so that
//! `scripts/bench-counts` can count their instructions exactly under callgrind
//! (`--toggle-collect` on `measured`, a dump after each call), and `--wall` can time them.
//!
//!     cargo run --release --example hot_paths -- --wall        # wall times, median of 20
//!     scripts/bench-counts                                      # instruction counts
//!
//! Paths: start-up to the first rendered frame (software renderer, no display), a full
//! repaint of every screen at 1080x1920 (normal and 长辈模式), a screen change (the partial
//! repaint that follows), ticket layout and ESC/POS encoding, the ID card's frame parse and
//! text decode, QR decode of camera frames (640x480, 1280x720, with and without a code),
//! and one outbox commit.
//!
//! In count mode each path runs once after one unmeasured warm-up (caches filled, as in a
//! kiosk that has shown the screen before) and its name is printed, one a line, in the
//! order of the measured calls.

use std::rc::Rc;
use std::time::{Duration, Instant};

use hall_kiosk::app::{screens, Kiosk, UiOptions};
use slint::platform::software_renderer::{
    MinimalSoftwareWindow, PremultipliedRgbaColor, RepaintBufferType,
};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize};

const W: u32 = 1080;
const H: u32 = 1920;

/// Every measured path runs inside this function and nowhere else.
#[inline(never)]
fn measured<R>(f: impl FnOnce() -> R) -> R {
    std::hint::black_box(f())
}

struct Headless(Rc<MinimalSoftwareWindow>);

impl Platform for Headless {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.0.clone())
    }
}

struct Bench {
    wall: bool,
    rows: Vec<(String, Vec<Duration>)>,
}

impl Bench {
    /// Runs `f` once unmeasured (warm-up) unless `cold`, then measured: once in count mode,
    /// 20 times in wall mode.
    fn run<R>(&mut self, name: &str, cold: bool, mut f: impl FnMut() -> R) {
        if !cold {
            std::hint::black_box(f());
        }
        let runs = if self.wall && !cold { 20 } else { 1 };
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            measured(&mut f);
            times.push(t.elapsed());
        }
        if !self.wall {
            println!("{name}");
        }
        self.rows.push((name.to_owned(), times));
    }
}

fn options(elderly: bool) -> UiOptions {
    UiOptions {
        elderly_default: elderly,
        fixed_clock: Some(time::macros::datetime!(2026-11-24 09:41 +08:00)),
        ..UiOptions::default()
    }
}

/// Renders the window: every pixel with a new buffer, or only what changed with a reused one.
fn render(window: &MinimalSoftwareWindow, pixels: &mut [PremultipliedRgbaColor], full: bool) {
    window.request_redraw();
    window.draw_if_needed(|renderer| {
        renderer.set_repaint_buffer_type(if full {
            RepaintBufferType::NewBuffer
        } else {
            RepaintBufferType::ReusedBuffer
        });
        renderer.render(pixels, W as usize);
    });
}

fn kiosk_on(window: &MinimalSoftwareWindow, screen: &str, elderly: bool) -> Rc<Kiosk> {
    let kiosk = Kiosk::new(options(elderly)).expect("kiosk");
    screens::show(&kiosk, screen).expect("screen");
    window.set_size(PhysicalSize::new(W, H));
    kiosk.window().show().expect("show");
    slint::platform::update_timers_and_animations();
    kiosk
}

fn main() {
    let wall = std::env::args().any(|a| a == "--wall");
    let only_screens = std::env::args().any(|a| a == "--screens");
    let mut bench = Bench {
        wall,
        rows: Vec::new(),
    };
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(Headless(window.clone()))).expect("platform");
    let mut pixels = vec![PremultipliedRgbaColor::default(); (W * H) as usize];

    // Start-up: the window made, the home screen shown and drawn, fonts loaded; once.
    bench.run("start-up to the first frame (home)", true, || {
        let k = kiosk_on(&window, "home", false);
        render(&window, &mut pixels, true);
        k.window().hide().ok();
    });

    // HOT_PATHS_SCREENS=N: only the first N screens (a quick check of the script).
    let limit = std::env::var("HOT_PATHS_SCREENS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    for elderly in [false, true] {
        for &screen in screens::SCREENS.iter().take(limit) {
            let k = kiosk_on(&window, screen, elderly);
            let mode = if elderly { "elderly" } else { "normal" };
            bench.run(&format!("repaint {screen} ({mode})"), false, || {
                render(&window, &mut pixels, true)
            });
            k.window().hide().ok();
        }
    }
    if !only_screens {
        other_paths(&mut bench, &window, &mut pixels);
    }

    if wall {
        println!("| path | median | max of 20 |");
        println!("|---|---|---|");
        for (name, mut t) in bench.rows {
            t.sort();
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            let median = ms(t[t.len() / 2]);
            let flag = if name.starts_with("repaint") && median > 8.0 {
                " **over 8 ms**"
            } else {
                ""
            };
            println!(
                "| {name} | {median:.2} ms{flag} | {:.2} ms |",
                ms(t[t.len() - 1])
            );
        }
    }
}

fn other_paths(
    bench: &mut Bench,
    window: &MinimalSoftwareWindow,
    pixels: &mut [PremultipliedRgbaColor],
) {
    // A screen change: home drawn, then the categories screen; the renderer draws what the
    // change made dirty.
    let k = kiosk_on(window, "home", false);
    render(window, pixels, true);
    let nav = k.window().global::<hall_kiosk::ui::Nav>();
    bench.run(
        "screen change home -> ticket-categories and back (two partial repaints)",
        false,
        || {
            nav.set_screen(hall_kiosk::ui::Screen::TicketCategories);
            render(window, pixels, false);
            nav.set_screen(hall_kiosk::ui::Screen::Home);
            render(window, pixels, false);
        },
    );
    k.window().hide().ok();

    use kiosk_drivers::printer::layout::{self, TicketSlip};
    use kiosk_drivers::printer::Profile;
    let slip = TicketSlip {
        hall: "示例县政务服务中心".into(),
        category: "社保医保".into(),
        number: "A023".into(),
        waiting_ahead: Some(5),
        wait_minutes: Some(15),
        windows: "3、4 号窗口".into(),
        issued_at: "2026-11-24 09:41".into(),
        follow_url: Some("https://hall.example.gov.cn/track/t/20261124/A023".into()),
        offline: false,
        priority: String::new(),
        appointment: None,
        tibetan: None,
    };
    bench.run("ticket layout and ESC/POS encoding (80 mm)", false, || {
        layout::ticket(Profile::default(), &slip).expect("layout")
    });

    use kiosk_drivers::idcard::protocol::{self, Parsed, Status};
    use kiosk_drivers::idcard::text::{self, PHOTO_LEN, TEXT_LEN};
    let id = &kiosk_drivers::idcard::sim::builtin_identities()[0];
    let mut data = Vec::new();
    data.extend_from_slice(&(TEXT_LEN as u16).to_be_bytes());
    data.extend_from_slice(&(PHOTO_LEN as u16).to_be_bytes());
    data.extend_from_slice(&text::encode(id));
    data.extend((0..PHOTO_LEN).map(|i| (i * 7 % 251) as u8));
    let frame = protocol::frame(&protocol::reply_body(Status::Ok, &data));
    bench.run(
        "ID card: parse the 30 01 reply and decode its text",
        false,
        || {
            let Parsed::Frame { body, .. } = protocol::parse(&frame) else {
                unreachable!("the frame is whole")
            };
            text::decode(&body[7..7 + TEXT_LEN], &body[7 + TEXT_LEN..]).expect("valid")
        },
    );

    use kiosk_drivers::scanner::image_decode::decode_luma;
    use kiosk_drivers::scanner::synth;
    const PAYLOAD: &[u8] = b"https://hall.example.gov.cn/track/t/20261105/A017";
    for (w, h, module) in [(640usize, 480usize, 4usize), (1280, 720, 6)] {
        let with_code = synth::noise(
            &synth::rotate(
                &synth::scene(w, h, PAYLOAD, module).expect("fits"),
                0.0,
                150,
            ),
            6,
            7,
        );
        let empty = synth::noise(&synth::blank(w, h, 150), 6, 7);
        bench.run(&format!("QR decode {w}x{h}, a code"), false, || {
            decode_luma(with_code.width, with_code.height, &with_code.luma)
        });
        bench.run(&format!("QR decode {w}x{h}, no code"), false, || {
            decode_luma(empty.width, empty.height, &empty.luma)
        });
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, _) =
        hall_link::store::Store::open(&dir.path().join("kiosk.db")).expect("store");
    let rating = serde_json::json!({"ref": {"kind": "ticket", "ticket_no": "A023"}, "level": 5, "reasons": []});
    bench.run(
        "outbox: one commit (WAL, synchronous=FULL; fsync not counted)",
        false,
        || {
            store
                .enqueue("rating", "/ratings", uuid::Uuid::new_v4(), &rating)
                .expect("commit")
        },
    );
}
