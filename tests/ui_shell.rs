//! The shell, driven headless with Slint's testing backend: taps on the language and
//! elderly switches change what the screen shows; a tile without a flow leads to a polite
//! screen with a way home; the idle timeout returns home and wipes the session.

use std::rc::Rc;
use std::time::Duration;

use hall_kiosk::app::{Kiosk, UiOptions};
use hall_kiosk::ui::{Feature, Language, Nav, PrintState, Screen, Shell, Theme};
use i_slint_backend_testing::{mock_elapsed_time, ElementHandle};
use slint::platform::PointerEventButton;
use slint::ComponentHandle;

fn kiosk() -> Rc<Kiosk> {
    i_slint_backend_testing::init_no_event_loop();
    let kiosk = Kiosk::new(UiOptions {
        idle_timeout_s: 30,
        ..UiOptions::default()
    })
    .expect("window");
    kiosk
        .window()
        .window()
        .set_size(slint::PhysicalSize::new(1080, 1920));
    kiosk.window().show().expect("show");
    kiosk
}

fn tap(kiosk: &Kiosk, label: &str) {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(kiosk.window(), label)
        .filter(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
        .collect();
    assert_eq!(found.len(), 1, "exactly one button labelled {label:?}");
    found[0].mock_single_click(PointerEventButton::Left);
}

/// Slint fires a repeating timer once per mock-time step, so time advances second by second.
fn wait_secs(n: u64) {
    for _ in 0..n {
        mock_elapsed_time(Duration::from_secs(1));
    }
}

fn button(kiosk: &Kiosk, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(kiosk.window(), label)
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
        .unwrap_or_else(|| panic!("a button labelled {label:?}"))
}

fn shows(kiosk: &Kiosk, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(kiosk.window(), label)
        .next()
        .is_some()
}

#[test]
fn language_switch_translates_the_home_screen() {
    let kiosk = kiosk();
    assert!(shows(&kiosk, "取号"), "simplified Chinese by default");
    assert!(!shows(&kiosk, "Take a ticket"));

    tap(&kiosk, "English");
    assert!(shows(&kiosk, "Take a ticket"));
    assert!(shows(&kiosk, "Call for help"));
    assert!(!shows(&kiosk, "取号"));
    assert_eq!(
        kiosk.window().global::<Shell>().get_language(),
        Language::En
    );

    tap(&kiosk, "繁體中文");
    assert!(shows(&kiosk, "取號"), "traditional characters");
    assert!(shows(&kiosk, "呼叫幫辦"));

    tap(&kiosk, "简体中文");
    assert!(shows(&kiosk, "取号"));
}

#[test]
fn elderly_switch_enlarges_type_and_targets() {
    let kiosk = kiosk();
    let theme = kiosk.window().global::<Theme>();
    let body = theme.get_text_body();
    let touch = theme.get_touch_min();
    let switch_height = button(&kiosk, "长辈模式").size().height;

    tap(&kiosk, "长辈模式");
    assert!(theme.get_elderly());
    assert!(theme.get_text_body() > body);
    assert!(theme.get_touch_min() > touch);
    let switch = button(&kiosk, "长辈模式");
    assert!(
        switch.size().height > switch_height,
        "the switch grew: {} -> {}",
        switch_height,
        switch.size().height
    );
    assert_eq!(switch.accessible_checked(), Some(true));

    tap(&kiosk, "长辈模式");
    assert!(!theme.get_elderly());
}

/// The tiles on the home screen: buttons that carry a line of explanation.
fn tiles(kiosk: &Kiosk) -> Vec<String> {
    i_slint_backend_testing::ElementQuery::from_root(kiosk.window())
        .find_all()
        .into_iter()
        .filter(|e| {
            e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button)
                && e.accessible_description().is_some_and(|d| !d.is_empty())
        })
        .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
        .collect()
}

/// 长辈模式 really simplifies: the four most used services and "more services", each with
/// its line of explanation; one 呼叫帮办 on the home screen; the header switches as large as
/// every other control.
#[test]
fn elderly_home_shows_the_four_most_used_services_and_more() {
    let kiosk = kiosk();
    assert_eq!(tiles(&kiosk).len(), 8);
    let theme = kiosk.window().global::<Theme>();
    tap(&kiosk, "长辈模式");
    let shown = tiles(&kiosk);
    assert_eq!(
        shown,
        ["取号", "预约签到", "进度查询", "呼叫帮办", "更多服务"],
        "at most five tiles"
    );
    let help_buttons = ElementHandle::find_by_accessible_label(kiosk.window(), "呼叫帮办")
        .filter(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
        .count();
    assert_eq!(help_buttons, 1, "one 呼叫帮办 on the home screen");
    for switch in ["简体中文", "English", "བོད་ཡིག (Tibetan)", "长辈模式"] {
        let h = button(&kiosk, switch).size().height;
        assert!(h >= theme.get_touch_min() - 0.5, "{switch}: {h} px");
    }
    tap(&kiosk, "更多服务");
    assert_eq!(tiles(&kiosk).len(), 8, "more services shows them all");
    // The session ends (home, as after the idle timeout): the next elderly citizen starts
    // from the simple home.
    kiosk.go_home();
    tap(&kiosk, "长辈模式");
    assert_eq!(tiles(&kiosk).len(), 5, "home starts simple again");
}

#[test]
fn tile_without_a_flow_is_polite_and_leads_home() {
    let kiosk = kiosk();
    // Every home tile has its flow now; a new one is routed here until its flow exists.
    kiosk.unavailable(Feature::Ticket);
    let nav = kiosk.window().global::<Nav>();
    assert_eq!(nav.get_screen(), Screen::Unavailable);
    assert!(shows(&kiosk, "本机暂未开通此项服务"));
    tap(&kiosk, "返回首页");
    assert_eq!(nav.get_screen(), Screen::Home);
}

#[test]
fn idle_timeout_returns_home_wipes_session_and_resets_language() {
    let kiosk = kiosk();
    let nav = kiosk.window().global::<Nav>();
    tap(&kiosk, "English");
    tap(&kiosk, "Check progress");
    assert_eq!(nav.get_screen(), Screen::Progress);
    assert!(kiosk.session_started());

    // A touch at 25 s restarts the countdown: still here at 50 s.
    wait_secs(25);
    assert_eq!(nav.get_screen(), Screen::Progress);
    assert_eq!(nav.get_idle_seconds_left(), 5);
    assert!(shows(
        &kiosk,
        "Still there? Returning to home in 5 seconds. Touch here to stay."
    ));
    tap(
        &kiosk,
        "Still there? Returning to home in 5 seconds. Touch here to stay.",
    );
    // The warning comes 15 s before the end, not later.
    wait_secs(14);
    assert!(!shows(
        &kiosk,
        "Still there? Returning to home in 16 seconds. Touch here to stay."
    ));
    wait_secs(1);
    assert!(shows(
        &kiosk,
        "Still there? Returning to home in 15 seconds. Touch here to stay."
    ));
    wait_secs(10);
    assert_eq!(nav.get_screen(), Screen::Progress);

    // Untouched for the full 30 s: home, session wiped, hall's default language again.
    wait_secs(6);
    assert_eq!(nav.get_screen(), Screen::Home);
    assert!(!kiosk.session_started());
    assert_eq!(
        kiosk.window().global::<Shell>().get_language(),
        Language::ZhCn
    );
    assert!(shows(&kiosk, "取号"));
}

#[test]
fn every_listed_screen_shows_its_sample_state() {
    let kiosk = kiosk();
    for name in hall_kiosk::app::screens::SCREENS {
        hall_kiosk::app::screens::show(&kiosk, name).unwrap();
    }
    hall_kiosk::app::screens::show(&kiosk, "ticket-paper-out").unwrap();
    let flow = kiosk.window().global::<hall_kiosk::ui::TicketFlow>();
    assert_eq!(
        kiosk.window().global::<Nav>().get_screen(),
        Screen::TicketIssued
    );
    assert_eq!(
        flow.get_ticket_no(),
        "A023",
        "opening the flow must not wipe the sample"
    );
    assert_eq!(flow.get_print_state(), PrintState::PaperOut);
    assert!(
        flow.get_qr().size().width > 0,
        "the on-screen QR code is drawn"
    );
}

/// A kiosk whose store cannot be opened (issue 17: open never destroys, it fails) does not
/// go dark: citizens see it is out of service, the technician sees why and the kiosk id,
/// and the idle timeout keeps it there rather than showing a home screen that cannot serve.
#[test]
fn a_store_that_cannot_open_leaves_the_kiosk_out_of_service_saying_why() {
    use hall_kiosk::platform::config::{Config, DEMO};
    use hall_kiosk::services::{Services, World};
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    // SQLite cannot make its shared-memory file: an I/O failure, not damage.
    std::fs::create_dir(dir.path().join("kiosk.db-shm")).unwrap();
    let config = Config::parse(DEMO, std::path::Path::new("kiosk.toml")).unwrap();
    let err = match Services::start(&config, World::Demo(dir.path().to_path_buf())) {
        Ok(_) => panic!("the services started on a store that cannot open"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("local store"), "{err}");

    let mut options = hall_kiosk::app::options_from_config(&config);
    options.idle_timeout_s = 30;
    let kiosk = hall_kiosk::app::start_fault(options, &err).unwrap();
    kiosk.window().show().unwrap();
    let shell = kiosk.window().global::<Shell>();
    let nav = kiosk.window().global::<Nav>();
    assert_eq!(nav.get_screen(), Screen::OutOfService);
    assert_eq!(
        shell.get_out_of_service_reason(),
        hall_kiosk::ui::OutOfServiceReason::Fault
    );
    assert!(
        ElementHandle::find_by_accessible_label(kiosk.window(), &err)
            .next()
            .is_some(),
        "the reason is on the screen, readable by a screen reader"
    );
    assert!(
        ElementHandle::find_by_accessible_label(kiosk.window(), "呼叫帮办")
            .next()
            .is_none(),
        "no help button that could call nobody"
    );
    wait_secs(40);
    assert_eq!(
        nav.get_screen(),
        Screen::OutOfService,
        "idle keeps the page"
    );
    assert!(
        !std::fs::read_dir(dir.path()).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("corrupt")),
        "nothing was set aside"
    );
}

/// A hall chooses the elderly tiles and the languages it offers; without 呼叫帮办 among the
/// tiles, the footer offers it on the home screen.
#[test]
fn a_hall_chooses_the_elderly_tiles_and_its_languages() {
    use hall_kiosk::platform::config::{HomeTile, Locale};
    i_slint_backend_testing::init_no_event_loop();
    let kiosk = Kiosk::new(UiOptions {
        elderly_tiles: vec![HomeTile::Guide, HomeTile::Submit],
        languages: vec![Locale::ZhCn, Locale::Bo],
        elderly_default: true,
        ..UiOptions::default()
    })
    .expect("window");
    kiosk
        .window()
        .window()
        .set_size(slint::PhysicalSize::new(1080, 1920));
    kiosk.window().show().expect("show");
    assert_eq!(tiles(&kiosk), ["办事指南", "自助申报", "更多服务"]);
    assert!(
        shows(&kiosk, "呼叫帮办"),
        "help in the footer, since no tile offers it"
    );
    assert!(shows(&kiosk, "བོད་ཡིག (Tibetan)"));
    assert!(!shows(&kiosk, "English"), "not offered by this hall");
    tap(&kiosk, "བོད་ཡིག (Tibetan)");
    assert_eq!(
        kiosk.window().global::<Shell>().get_language(),
        Language::Bo
    );
    assert!(
        !shows(&kiosk, "办事指南"),
        "the tiles are in Tibetan now, not Chinese"
    );
}
