//! The demo's control keys (F1-F12) on the window's `Demo` global: each acts on the
//! simulated world (see `crate::services::demo`), and the status line says what happened.

use std::rc::Rc;
use std::sync::Arc;

use slint::ComponentHandle;

use super::Kiosk;
use crate::services::demo::DemoWorld;
use crate::ui::Demo;

pub fn enable(kiosk: &Rc<Kiosk>, world: Arc<DemoWorld>) {
    let demo = kiosk.window().global::<Demo>();
    demo.set_enabled(true);
    let weak = Rc::downgrade(kiosk);
    demo.on_key(move |key| {
        let status = world.key(key.as_str());
        if let Some(k) = weak.upgrade() {
            k.window().global::<Demo>().set_status(status.into());
        }
    });
}
