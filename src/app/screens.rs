//! Every named screen, put into a presentable state with sample data, for
//! `kiosk screenshot --screen NAME` and for looking at the UI without devices.

use std::rc::Rc;

use slint::ComponentHandle;

use super::Kiosk;
use crate::ui::Nav;

/// The names `kiosk screenshot --list` prints.
pub const SCREENS: &[&str] = &["home", "unavailable", "idle-warning"];

#[derive(Debug, thiserror::Error)]
#[error("no screen named {0:?}; `kiosk screenshot --list` names them all")]
pub struct UnknownScreen(pub String);

/// Shows the named screen with sample data.
pub fn show(kiosk: &Rc<Kiosk>, name: &str) -> Result<(), UnknownScreen> {
    let nav = kiosk.window().global::<Nav>();
    match name {
        "home" => kiosk.go_home(),
        "unavailable" => kiosk.open("guide"),
        "idle-warning" => {
            kiosk.open("guide");
            nav.set_idle_seconds_left(8);
        }
        other => return Err(UnknownScreen(other.into())),
    }
    Ok(())
}
