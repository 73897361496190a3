//! Handwriting on the on-screen keyboard, end to end: the real app on Slint's testing
//! backend in 长辈模式, a finger's strokes sent as pointer events to the pad (recorded
//! strokes of 政), zinnia's candidates, the next likely character after the choice, and the
//! complaint that carries the handwritten words to hall-sim.

mod common;

use common::{rig_with, screen, tap, wait_until};
use hall_kiosk::ui::{Complaint, ComplaintField, Keyboard, KeyboardMode};
use i_slint_backend_testing::ElementHandle;
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition};

/// Writes the strokes of a stroke file (300 x 300 box) on the pad with the pointer.
fn write(k: &hall_kiosk::app::Kiosk, file: &str) {
    let pad = ElementHandle::find_by_accessible_label(k.window(), "手写板：用手指写一个字")
        .next()
        .expect("the handwriting pad is shown");
    let (pos, size) = (pad.absolute_position(), pad.size());
    let at = |x: f32, y: f32| {
        LogicalPosition::new(
            pos.x + x / 300.0 * size.width,
            pos.y + y / 300.0 * size.height,
        )
    };
    let path = format!(
        "{}/handwriting/tests/strokes/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let strokes: Vec<Vec<[f32; 2]>> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let window = k.window().window();
    for stroke in strokes {
        let [x, y] = stroke[0];
        window.dispatch_event(WindowEvent::PointerMoved { position: at(x, y) });
        window.dispatch_event(WindowEvent::PointerPressed {
            position: at(x, y),
            button: PointerEventButton::Left,
        });
        for [x, y] in &stroke[1..] {
            window.dispatch_event(WindowEvent::PointerMoved {
                position: at(*x, *y),
            });
        }
        let [x, y] = *stroke.last().unwrap();
        window.dispatch_event(WindowEvent::PointerReleased {
            position: at(x, y),
            button: PointerEventButton::Left,
        });
    }
}

fn candidates(k: &hall_kiosk::app::Kiosk) -> Vec<String> {
    use slint::Model;
    let kb = k.window().global::<Keyboard>();
    kb.get_candidates().iter().map(|s| s.to_string()).collect()
}

#[test]
fn an_elderly_citizen_writes_a_complaint_by_hand() {
    let r = rig_with(|o| o.elderly_default = true);
    let k = &r.kiosk;
    tap(k, "更多服务");
    tap(k, "投诉建议");
    assert_eq!(screen(k), "complaint");
    let c = k.window().global::<Complaint>();
    c.invoke_focus(ComplaintField::Text);
    let kb = k.window().global::<Keyboard>();
    assert!(kb.get_visible());
    // From pinyin to handwriting with the mode key, as a citizen would.
    tap(k, "切换输入：拼音、手写、字母、数字");
    assert_eq!(kb.get_mode(), KeyboardMode::Handwriting);
    assert!(kb.get_ink().is_empty());

    write(k, "zheng.json");
    assert!(!kb.get_ink().is_empty(), "the strokes are drawn back");
    let first = candidates(k);
    // 长辈模式 shows four candidates a page, large.
    assert!(first.len() <= 4, "{first:?}");
    assert!(first[..3].contains(&"政".to_string()), "{first:?}");
    tap(k, "政");
    assert_eq!(c.get_text(), "政");
    assert!(
        kb.get_ink().is_empty(),
        "the pad is cleared for the next character"
    );
    // What likely follows 政 is offered at once: 务 of 政务, the hall's own word.
    let next = candidates(k);
    assert!(next.contains(&"务".to_string()), "{next:?}");
    tap(k, "务");
    assert_eq!(c.get_text(), "政务");

    // A stroke too many is taken back with delete; the text is untouched until the pad is
    // empty.
    write(k, "shi.json");
    assert!(candidates(k).contains(&"十".to_string()));
    kb.invoke_key("backspace".into());
    kb.invoke_key("backspace".into());
    assert!(kb.get_ink().is_empty());
    assert_eq!(c.get_text(), "政务");
    write(k, "ren.json");
    let person = candidates(k);
    let i = person.iter().position(|p| p == "人").expect("人 offered");
    kb.invoke_pick(i as i32);
    assert_eq!(c.get_text(), "政务人");

    kb.invoke_key("done".into());
    assert!(!kb.get_visible());
    c.invoke_submit();
    wait_until(k, "the complaint number", || screen(k) == "complaint-done");
    let complaints = r.services.demo.as_ref().unwrap().hall.complaints();
    assert_eq!(complaints.len(), 1);
    assert_eq!(complaints[0]["text"], "政务人");
}
