//! 呼叫帮办: the help button on every screen and the tile. Staff are called (lamp, buzzer,
//! backend request), the citizen is told they are coming, and the session is kept from
//! idling out while they come.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use slint::ComponentHandle;

use super::Kiosk;
use crate::domain::{AppEvent, Desk};
use crate::ui::{Help, HelpState, Nav, Screen};

/// How long a help call holds the session open (seconds).
pub const HOLD_S: u32 = 300;

pub struct HelpController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    request: Cell<u64>,
    active: Cell<bool>,
    /// The screen the citizen called from, to return to when they cancel.
    from: Cell<Screen>,
}

impl HelpController {
    pub fn new(kiosk: Weak<Kiosk>) -> Rc<Self> {
        Rc::new(HelpController {
            kiosk,
            desk: RefCell::default(),
            request: Cell::new(0),
            active: Cell::new(false),
            from: Cell::new(Screen::Home),
        })
    }

    pub fn set_desk(&self, desk: Rc<dyn Desk>) {
        *self.desk.borrow_mut() = Some(desk);
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let me = Rc::downgrade(self);
        window.global::<Help>().on_cancel(move || {
            if let Some(me) = me.upgrade() {
                me.end(true);
            }
        });
    }

    pub fn active(&self) -> bool {
        self.active.get()
    }

    /// The help button or tile.
    pub fn call(&self) {
        let Some(kiosk) = self.kiosk.upgrade() else {
            return;
        };
        let w = kiosk.window();
        let screen = w.global::<Nav>().get_screen();
        if screen != Screen::HelpCalled {
            self.from.set(screen);
        }
        w.global::<Help>().set_state(HelpState::Calling);
        w.global::<Help>().set_request_no("".into());
        w.global::<Nav>().set_screen(Screen::HelpCalled);
        kiosk.activity();
        kiosk.hold_idle(HOLD_S);
        if self.active.replace(true) {
            return;
        }
        self.request.set(self.request.get() + 1);
        let screen = super::screens::screen_name(screen);
        tracing::info!(target: "alert", screen = %screen, "citizen called for help");
        if let Some(desk) = self.desk.borrow().as_ref() {
            desk.call_help(self.request.get(), screen, true);
        }
    }

    /// Ends the call: the citizen cancelled (`by_citizen`), staff cleared it, or the session
    /// ended.
    pub fn end(&self, by_citizen: bool) {
        if !self.active.replace(false) {
            return;
        }
        if let Some(desk) = self.desk.borrow().as_ref() {
            desk.call_help(self.request.get(), "", false);
        }
        if by_citizen {
            if let Some(kiosk) = self.kiosk.upgrade() {
                let back = self.from.get();
                let nav = kiosk.window().global::<Nav>();
                if back == Screen::Home {
                    kiosk.go_home();
                } else {
                    nav.set_screen(back);
                    kiosk.activity();
                }
            }
        }
    }

    pub fn handle(&self, event: &AppEvent) -> bool {
        let AppEvent::Help {
            request,
            request_no,
            cleared,
        } = event
        else {
            return false;
        };
        if *request != self.request.get() || !self.active.get() {
            return true;
        }
        let Some(kiosk) = self.kiosk.upgrade() else {
            return true;
        };
        if *cleared {
            // Staff came and closed the call at their desk: the citizen goes on where they
            // were (the backend's request is already closed, the lamp already off).
            self.active.set(false);
            let back = self.from.get();
            if back == Screen::Home {
                kiosk.go_home();
            } else {
                kiosk.window().global::<Nav>().set_screen(back);
                kiosk.activity();
            }
            return true;
        }
        let help = kiosk.window().global::<Help>();
        match request_no {
            Some(no) => {
                help.set_state(HelpState::Called);
                help.set_request_no(no.clone().into());
            }
            None => help.set_state(HelpState::Offline),
        }
        true
    }
}
