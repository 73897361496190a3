//! 呼叫帮办: the help button on every screen and the tile. Staff are called (lamp, buzzer,
//! backend request), the citizen is told they are coming, and the session is kept from
//! idling out while they come. The rules are [`crate::flows::help`]'s; this controller
//! feeds it and carries out its effects.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::ComponentHandle;

use super::{Kiosk, KioskLink};
use crate::domain::{AppEvent, Desk};
use crate::flows::help::{Effect, HelpFlow, HelpState as State, Input};
use crate::ui::{Help, HelpState, Nav, Screen};

pub use crate::flows::help::HOLD_S;

pub struct HelpController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    flow: RefCell<HelpFlow<Screen>>,
}

impl HelpController {
    pub fn new(kiosk: Weak<Kiosk>) -> Rc<Self> {
        Rc::new(HelpController {
            kiosk,
            desk: RefCell::default(),
            flow: RefCell::new(HelpFlow::new(Screen::Home, Screen::HelpCalled)),
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
        self.flow.borrow().active()
    }

    /// The help button or tile.
    pub fn call(&self) {
        let Some(kiosk) = self.kiosk.upgrade() else {
            return;
        };
        let screen = kiosk.window().global::<Nav>().get_screen();
        self.feed(Input::Call { screen });
    }

    /// Ends the call: the citizen cancelled (`by_citizen`), staff cleared it, or the session
    /// ended.
    pub fn end(&self, by_citizen: bool) {
        self.feed(if by_citizen {
            Input::Cancel
        } else {
            Input::Reset
        });
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
        let request = *request;
        self.feed(if *cleared {
            Input::Cleared { request }
        } else {
            Input::Answer {
                request,
                request_no: request_no.clone(),
            }
        });
        true
    }

    fn feed(&self, input: Input<Screen>) {
        // The borrow ends before the effects run: going home ends the call again.
        let effects = self.flow.borrow_mut().handle(input);
        for effect in effects {
            self.apply(effect);
        }
    }

    fn apply(&self, effect: Effect<Screen>) {
        match effect {
            Effect::State(state) => {
                let state = match state {
                    State::Calling => HelpState::Calling,
                    State::Called => HelpState::Called,
                    State::Offline => HelpState::Offline,
                };
                self.kiosk.ui(|w| w.global::<Help>().set_state(state));
            }
            Effect::RequestNo(no) => self
                .kiosk
                .ui(|w| w.global::<Help>().set_request_no(no.into())),
            Effect::Show(screen) => self.kiosk.show(screen),
            Effect::GoHome => {
                if let Some(kiosk) = self.kiosk.upgrade() {
                    kiosk.go_home();
                }
            }
            Effect::HoldIdle(seconds) => {
                if let Some(kiosk) = self.kiosk.upgrade() {
                    kiosk.hold_idle(seconds);
                }
            }
            Effect::CallStaff { request, screen } => {
                let screen = super::screens::screen_name(screen);
                tracing::info!(target: "alert", message_id = hall_link::journal::ALERT, screen = %screen, "citizen called for help");
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.call_help(request, screen, true);
                }
            }
            Effect::EndCall { request } => {
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.call_help(request, "", false);
                }
            }
        }
    }
}
