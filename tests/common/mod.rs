//! What the end-to-end UI tests share: the real app on Slint's testing backend with the
//! demo's services (hall-sim on loopback, device simulators on ptys).
#![allow(dead_code)]

use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use hall_kiosk::app::{Kiosk, UiOptions};
use hall_kiosk::platform::config::{Config, DEMO};
use hall_kiosk::services::{Services, World};
use hall_kiosk::ui::Nav;
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use slint::platform::PointerEventButton;
use slint::ComponentHandle;

pub struct Rig {
    pub kiosk: Rc<Kiosk>,
    pub services: Services,
    pub dir: tempfile::TempDir,
}

pub fn rig() -> Rig {
    rig_with(|_| {})
}

/// The rig with some of the kiosk's options changed.
pub fn rig_with(change: impl FnOnce(&mut UiOptions)) -> Rig {
    rig_configured(|_| {}, change)
}

/// The rig with the demo config and the kiosk's options changed.
pub fn rig_configured(
    configure: impl FnOnce(&mut Config),
    change: impl FnOnce(&mut UiOptions),
) -> Rig {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::parse(DEMO, Path::new("kiosk.toml")).unwrap();
    // No sound card on a test machine: what the kiosk says goes to a file (tests/ui_voice.rs
    // reads it).
    config.audio.output = format!("file:{}", dir.path().join("said.wav").display());
    configure(&mut config);
    let mut services = Services::start(&config, World::Demo(dir.path().to_path_buf())).unwrap();
    let mut options = UiOptions {
        opening_hours: hall_kiosk::domain::hours::OpeningHours::Always,
        // Within the categories' opening hours (08:30-17:30), whenever the test runs.
        fixed_clock: Some(time::macros::datetime!(2026-11-24 10:00 +08:00)),
        staff_pin_hashes: services.config.staff.pin_hashes.clone(),
        ..UiOptions::default()
    };
    change(&mut options);
    // The same wiring as `kiosk demo`; the test pumps events instead of running the loop.
    let kiosk = hall_kiosk::app::start(options, &mut services).unwrap();
    kiosk
        .window()
        .window()
        .set_size(slint::PhysicalSize::new(1080, 1920));
    kiosk.window().show().unwrap();
    // Offline blocks come with the first sync, one category after another; wait for every
    // category's block so every test starts alike (a test that takes an offline ticket in
    // the last category must not race the sync).
    let categories = services.initial_catalog().unwrap()["categories"]
        .as_array()
        .map_or(1, Vec::len);
    let start = Instant::now();
    while services.link.status().offline_left.len() < categories
        && start.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    Rig {
        kiosk,
        services,
        dir,
    }
}

pub fn tap(kiosk: &Kiosk, label: &str) {
    ElementHandle::find_by_accessible_label(kiosk.window(), label)
        .find(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .unwrap_or_else(|| panic!("a button labelled {label:?}"))
        .mock_single_click(PointerEventButton::Left);
}

/// Pumps events from the device and backend tasks until `done` or 10 s.
pub fn wait_until(kiosk: &Rc<Kiosk>, what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        kiosk.pump();
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The screen shown, by its `kiosk screenshot` name.
pub fn screen(kiosk: &Kiosk) -> &'static str {
    hall_kiosk::app::screens::screen_name(kiosk.window().global::<Nav>().get_screen())
}

/// Pumps events for `d` (lets the card watch see a card leave before the next one comes).
pub fn pump_for(kiosk: &Rc<Kiosk>, d: Duration) {
    let start = Instant::now();
    while start.elapsed() < d {
        kiosk.pump();
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// True when something on screen carries this accessible label.
pub fn shows(kiosk: &Kiosk, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(kiosk.window(), label)
        .next()
        .is_some()
}
