//! Staff mode on the touch screen: the PIN pad, five wrong PINs lock it, the right PIN
//! opens the status screen, and out of service shows citizens a kind notice.

use std::rc::Rc;
use std::time::Duration;

use hall_kiosk::app::{Kiosk, UiOptions};
use hall_kiosk::flows::staff::hash_pin;
use hall_kiosk::ui::{Feature, Nav, PinMessage, Screen, Staff};
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use slint::platform::PointerEventButton;
use slint::ComponentHandle;

fn kiosk() -> Rc<Kiosk> {
    i_slint_backend_testing::init_no_event_loop();
    let kiosk = Kiosk::new(UiOptions {
        staff_pin_hashes: vec![hash_pin("246813")],
        staff_lockout: Duration::from_secs(300),
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

fn tap(kiosk: &Kiosk, label: &str) {
    let b = ElementHandle::find_by_accessible_label(kiosk.window(), label)
        .find(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .unwrap_or_else(|| panic!("a button labelled {label:?}"));
    b.mock_single_click(PointerEventButton::Left);
}

fn enter(kiosk: &Kiosk, pin: &str) {
    for d in pin.chars() {
        tap(kiosk, &d.to_string());
    }
    tap(kiosk, "登录");
}

fn shows(kiosk: &Kiosk, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(kiosk.window(), label)
        .next()
        .is_some()
}

#[test]
fn hidden_long_press_opens_the_pin_pad() {
    let kiosk = kiosk();
    let name = ElementHandle::find_by_accessible_label(kiosk.window(), "合作市政务服务中心")
        .next()
        .unwrap();
    let nav = kiosk.window().global::<Nav>();
    // A short tap does nothing; a 3-second press opens staff sign-in.
    name.mock_single_click(PointerEventButton::Left);
    assert_eq!(nav.get_screen(), Screen::Home);
    let pos = name.absolute_position();
    let size = name.size();
    let at = slint::LogicalPosition::new(pos.x + size.width / 2.0, pos.y + size.height / 2.0);
    let window = kiosk.window().window();
    window.dispatch_event(slint::platform::WindowEvent::PointerPressed {
        position: at,
        button: PointerEventButton::Left,
    });
    for _ in 0..31 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(100));
    }
    window.dispatch_event(slint::platform::WindowEvent::PointerReleased {
        position: at,
        button: PointerEventButton::Left,
    });
    assert_eq!(nav.get_screen(), Screen::StaffPin);
}

#[test]
fn right_pin_opens_status_and_out_of_service_shows_a_notice() {
    let kiosk = kiosk();
    kiosk.open(Feature::Staff);
    enter(&kiosk, "246813");
    let nav = kiosk.window().global::<Nav>();
    assert_eq!(nav.get_screen(), Screen::StaffStatus);
    let info = kiosk
        .window()
        .global::<hall_kiosk::ui::Staff>()
        .get_kiosk_info();
    assert_eq!(info.id, "HZ-ZW-01", "the kiosk id for staff");
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    tap(&kiosk, "设备维护");
    tap(&kiosk, "退出工作人员模式");
    assert_eq!(nav.get_screen(), Screen::OutOfService);
    assert!(shows(&kiosk, "本机正在维护"));
    assert!(!shows(&kiosk, "取号"), "no tiles while out of service");

    kiosk.open(Feature::Staff);
    enter(&kiosk, "246813");
    tap(&kiosk, "恢复服务");
    tap(&kiosk, "退出工作人员模式");
    assert_eq!(nav.get_screen(), Screen::Home);
}

#[test]
fn five_wrong_pins_lock_staff_mode() {
    let kiosk = kiosk();
    kiosk.open(Feature::Staff);
    let staff = kiosk.window().global::<Staff>();
    for left in (1..5).rev() {
        enter(&kiosk, "1111");
        assert_eq!(staff.get_message(), PinMessage::Wrong);
        assert_eq!(staff.get_tries_left(), left);
        assert!(shows(&kiosk, &format!("密码错误，还可尝试 {left} 次。")));
    }
    enter(&kiosk, "1111");
    assert_eq!(staff.get_message(), PinMessage::Locked);
    assert_eq!(staff.get_locked_minutes(), 5);
    // Locked: even the right PIN does not open it.
    enter(&kiosk, "246813");
    assert_eq!(
        kiosk.window().global::<Nav>().get_screen(),
        Screen::StaffPin
    );
    assert_eq!(
        staff.get_pin_length(),
        0,
        "the typed PIN is cleared after each try"
    );
}

#[test]
fn staff_mode_leaves_itself_after_its_own_shorter_idle_time() {
    let kiosk = kiosk();
    kiosk.open(Feature::Staff);
    enter(&kiosk, "246813");
    let nav = kiosk.window().global::<Nav>();
    assert_eq!(nav.get_screen(), Screen::StaffStatus);
    for _ in 0..59 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(nav.get_screen(), Screen::StaffStatus);
    for _ in 0..2 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(
        nav.get_screen(),
        Screen::Home,
        "staff.idle_timeout_s (60 s), not the citizens' 90 s"
    );
    assert!(!kiosk.staff().signed_in());
}
