//! After hours the home screen rests dark when no one uses it; the touch that wakes it
//! does nothing else, and during opening hours it never rests.

use std::rc::Rc;
use std::time::Duration;

use hall_kiosk::app::{Kiosk, UiOptions};
use hall_kiosk::domain::hours::OpeningHours;
use hall_kiosk::ui::{Nav, Screen, Shell};
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use slint::platform::PointerEventButton;
use slint::ComponentHandle;

fn kiosk(at: time::OffsetDateTime, backlight: Option<&std::path::Path>) -> Rc<Kiosk> {
    kiosk_telling(at, backlight, None)
}

fn kiosk_telling(
    at: time::OffsetDateTime,
    backlight: Option<&std::path::Path>,
    presence_file: Option<std::path::PathBuf>,
) -> Rc<Kiosk> {
    i_slint_backend_testing::init_no_event_loop();
    let mut screen = hall_kiosk::app::screen::ScreenOptions {
        rest_after: Duration::from_secs(60),
        presence_file,
        ..Default::default()
    };
    screen.backlight =
        backlight.map(|d| hall_kiosk::platform::backlight::Backlight::open(d).unwrap());
    let kiosk = Kiosk::new(UiOptions {
        opening_hours: OpeningHours::parse("mon-fri 08:30-17:30").unwrap(),
        fixed_clock: Some(at),
        screen,
        ..UiOptions::default()
    })
    .unwrap();
    kiosk
        .window()
        .window()
        .set_size(slint::PhysicalSize::new(1080, 1920));
    kiosk.window().show().unwrap();
    kiosk
}

fn wait(seconds: u64) {
    for _ in 0..seconds {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
}

fn tile(kiosk: &Kiosk, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(kiosk.window(), label)
        .find(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .unwrap_or_else(|| panic!("a button labelled {label:?}"))
}

#[test]
fn after_hours_the_screen_rests_and_the_waking_touch_does_nothing_else() {
    let sys = tempfile::tempdir().unwrap();
    let panel = sys.path().join("class/backlight/10-0045");
    std::fs::create_dir_all(&panel).unwrap();
    std::fs::write(panel.join("max_brightness"), "255").unwrap();
    std::fs::write(panel.join("brightness"), "255").unwrap();
    std::fs::write(panel.join("bl_power"), "0").unwrap();
    let k = kiosk(
        time::macros::datetime!(2026-11-24 22:00 +08:00),
        Some(&panel),
    );
    let shell = k.window().global::<Shell>();
    let read = |f: &str| std::fs::read_to_string(panel.join(f)).unwrap();
    assert_eq!(read("brightness"), "204", "80 % at start-up");
    wait(55);
    assert!(!shell.get_resting(), "not before blank_idle_s");
    wait(10);
    assert!(shell.get_resting());
    assert_eq!(read("bl_power"), "4", "backlight off while resting");

    // A touch where the 取号 tile is: it wakes the screen, and does not open the tile.
    tile(&k, "取号").mock_single_click(PointerEventButton::Left);
    assert!(!shell.get_resting());
    assert_eq!(read("bl_power"), "0");
    assert_eq!(k.window().global::<Nav>().get_screen(), Screen::Home);
    tile(&k, "取号").mock_single_click(PointerEventButton::Left);
    assert_eq!(
        k.window().global::<Nav>().get_screen(),
        Screen::TicketCategories,
        "awake, touches act again"
    );
    // Away from home it never rests, however long the quiet lasts (the idle timeout
    // brings it home first, and the rest starts counting from there).
    wait(30);
    assert!(!shell.get_resting());
}

#[test]
fn during_opening_hours_the_screen_never_rests() {
    let k = kiosk(time::macros::datetime!(2026-11-24 10:00 +08:00), None);
    wait(600);
    assert!(!k.window().global::<Shell>().get_resting());
}

/// The updater restarts a kiosk only when the presence file says its home screen is left
/// alone: the file follows the screen, home or in use, within the rest check's 5 s.
#[test]
fn the_presence_file_follows_the_screen_for_the_updater() {
    use hall_kiosk::domain::update::Presence;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("presence");
    let at = time::macros::datetime!(2026-11-24 22:00 +08:00);
    let k = kiosk_telling(at, None, Some(file.clone()));
    let read = || hall_kiosk::platform::update::read_presence(&file);
    let until = |want: fn(Presence) -> bool| {
        for _ in 0..10 {
            if want(read()) {
                return;
            }
            wait(1);
        }
        panic!("presence file says {:?}", read());
    };
    assert_eq!(
        read(),
        Presence::NoKiosk,
        "nothing written before the first check"
    );
    until(|p| matches!(p, Presence::Home { .. }));
    assert_eq!(
        read(),
        Presence::Home {
            since_s: at.unix_timestamp()
        }
    );
    tile(&k, "取号").mock_single_click(PointerEventButton::Left);
    until(|p| matches!(p, Presence::InUse { .. }));
    // Back home (as the idle timeout or 返回首页 takes it): the file says so.
    k.go_home();
    until(|p| matches!(p, Presence::Home { .. }));
}
