//! Every control can be used without sight: on every screen `kiosk screenshot --list` knows,
//! in every language, each button a screen reader finds has a name; and in the `.slint`
//! sources every element that calls itself a button also says what pressing it does
//! (`accessible-action-default`), so a screen reader can press it, not only see it, and
//! every touch area sits in an element with an accessible role.

use std::rc::Rc;

use hall_kiosk::app::{screens, Kiosk, UiOptions};
use hall_kiosk::platform::config::Locale;
use i_slint_backend_testing::{AccessibleRole, ElementQuery};
use slint::ComponentHandle;

fn kiosk() -> Rc<Kiosk> {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(i_slint_backend_testing::init_no_event_loop);
    let kiosk = Kiosk::new(UiOptions::default()).unwrap();
    kiosk
        .window()
        .window()
        .set_size(slint::PhysicalSize::new(1080, 1920));
    kiosk.window().show().unwrap();
    kiosk
}

/// The interactive roles a person presses or fills in.
fn interactive(role: AccessibleRole) -> bool {
    matches!(
        role,
        AccessibleRole::Button
            | AccessibleRole::Checkbox
            | AccessibleRole::Switch
            | AccessibleRole::Tab
            | AccessibleRole::TextInput
            | AccessibleRole::ListItem
    )
}

#[test]
fn every_control_on_every_screen_has_a_name_in_every_language() {
    let mut missing = Vec::new();
    let mut controls = 0;
    for locale in Locale::ALL {
        for name in screens::SCREENS {
            let k = kiosk();
            k.set_locale(locale);
            screens::show(&k, name).unwrap();
            for e in ElementQuery::from_root(k.window()).find_all() {
                let Some(role) = e.accessible_role() else {
                    continue;
                };
                if !interactive(role) {
                    continue;
                }
                controls += 1;
                let label = e.accessible_label().unwrap_or_default();
                if label.trim().is_empty() {
                    missing.push(format!(
                        "{locale} {name}: a {role:?} without a name at {:?}",
                        e.absolute_position()
                    ));
                }
            }
        }
    }
    assert!(controls > 500, "the walk found the controls ({controls})");
    assert!(missing.is_empty(), "{missing:#?}");
    in_elderly_mode_every_button_is_a_large_target();
}

/// Each element block that declares `accessible-role: button` (or another pressable role)
/// declares `accessible-action-default` in the same block.
#[test]
fn every_pressable_element_has_a_default_action() {
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut files = Vec::new();
    let mut dirs = vec![ui];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "slint") {
                files.push(p);
            }
        }
    }
    let mut missing = Vec::new();
    let mut pressable = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for role in ["button", "checkbox", "switch", "tab"] {
            let decl = format!("accessible-role: {role};");
            for (at, _) in text.match_indices(&decl) {
                pressable += 1;
                if !block_around(&text, at).contains("accessible-action-default") {
                    let line = text[..at].matches('\n').count() + 1;
                    missing.push(format!(
                        "{}:{line}: {role} without a default action",
                        f.display()
                    ));
                }
            }
        }
    }
    // And whatever takes a touch belongs to an element a screen reader knows.
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (at, _) in text.match_indices("TouchArea") {
            if !block_around(&text, at).contains("accessible-role") {
                let line = text[..at].matches('\n').count() + 1;
                missing.push(format!(
                    "{}:{line}: a touch area in an element without a role",
                    f.display()
                ));
            }
        }
    }
    assert!(pressable > 10, "found the pressable elements ({pressable})");
    assert!(missing.is_empty(), "{missing:#?}");
}

/// The text of the `{ ... }` block that encloses byte `at`, without its nested blocks'
/// own declarations leaking in from siblings (nested blocks are kept: an action may sit
/// in a state or a callback block of the same element).
fn block_around(text: &str, at: usize) -> &str {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut start = 0;
    for i in (0..at).rev() {
        match bytes[i] {
            b'}' => depth += 1,
            b'{' if depth == 0 => {
                start = i;
                break;
            }
            b'{' => depth -= 1,
            _ => {}
        }
    }
    let mut depth = 0i32;
    let mut end = text.len();
    for (i, b) in bytes.iter().enumerate().skip(start + 1) {
        match b {
            b'{' => depth += 1,
            b'}' if depth == 0 => {
                end = i;
                break;
            }
            b'}' => depth -= 1,
            _ => {}
        }
    }
    &text[start..end]
}

/// 长辈模式's targets: on every citizen screen every button is at least the elderly touch
/// minimum (150 px) tall, and the on-screen keyboard's keys as wide as they are tall. Run by
/// the walk above, on its thread: Slint's testing platform belongs to the thread that
/// started it.
fn in_elderly_mode_every_button_is_a_large_target() {
    let mut small = Vec::new();
    let mut keys = 0;
    for name in screens::SCREENS.iter().filter(|n| !n.starts_with("staff")) {
        let k = kiosk();
        k.set_elderly(true);
        screens::show(&k, name).unwrap();
        let min = k.window().global::<hall_kiosk::ui::Theme>().get_touch_min();
        for e in ElementQuery::from_root(k.window()).find_all() {
            if e.accessible_role() != Some(AccessibleRole::Button) {
                continue;
            }
            let size = e.size();
            if size.width <= 0.0 || size.height <= 0.0 {
                continue;
            }
            let label = e.accessible_label().unwrap_or_default();
            let key = label.chars().count() == 1 && label.chars().all(|c| c.is_ascii_alphabetic());
            keys += usize::from(key);
            if size.height < min - 0.5 || (key && size.width < min - 0.5) {
                small.push(format!(
                    "{name}: {label:?} is {}x{}",
                    size.width, size.height
                ));
            }
        }
    }
    assert!(keys >= 26, "the keyboard's letters were found ({keys})");
    assert!(small.is_empty(), "{small:#?}");
}
