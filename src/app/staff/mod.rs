//! Staff mode controller: PIN entry or a signed staff QR code, the status screen, device
//! tests and staff actions. The rules are [`crate::flows::staff`]'s; this controller turns
//! the Staff global's callbacks and device events into its inputs and carries out its
//! effects (properties, screens, [`StaffActions`] calls).

mod effects;

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use slint::ComponentHandle;

use super::Kiosk;
use crate::domain::{AppEvent, NoServices, StaffActions};
use crate::flows::staff::{Action, DeadAction, Effect, Input, Reason, StaffFlow};
use crate::ui::{ConfirmAction, OutOfServiceReason, Staff, StaffAction};

pub struct StaffController {
    kiosk: Weak<Kiosk>,
    flow: RefCell<StaffFlow>,
    actions: RefCell<Rc<dyn StaffActions>>,
}

impl StaffController {
    pub fn new(kiosk: Weak<Kiosk>, pin_hashes: Vec<String>, lockout: Duration) -> Rc<Self> {
        Rc::new(StaffController {
            kiosk,
            flow: RefCell::new(StaffFlow::new(pin_hashes, lockout)),
            actions: RefCell::new(Rc::new(NoServices)),
        })
    }

    /// The services behind the staff screen; the PIN gate takes up its kept state.
    pub fn set_actions(&self, actions: Rc<dyn StaffActions>) {
        if let Some(state) = actions.load_gate() {
            self.flow
                .borrow_mut()
                .restore_gate(state, Instant::now(), hall_link::clock::now_ms());
        }
        *self.actions.borrow_mut() = actions;
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let staff = window.global::<Staff>();
        let me = Rc::downgrade(self);
        let feed = move |input: Input| {
            if let Some(me) = me.upgrade() {
                me.feed(input);
            }
        };
        let f = feed.clone();
        staff.on_digit(move |d| f(Input::Digit(d.into())));
        let f = feed.clone();
        staff.on_erase(move || f(Input::Erase));
        let f = feed.clone();
        staff.on_submit(move || {
            f(Input::Submit {
                now: Instant::now(),
            })
        });
        let f = feed.clone();
        staff.on_exit(move || f(Input::Leave));
        let f = feed.clone();
        staff.on_action(move |a| f(Input::Action(action(a))));
        let f = feed.clone();
        staff.on_set_out_of_service(move |on, reason| {
            f(Input::OutOfService {
                on,
                reason: out_of_service_reason(reason),
            })
        });
        let f = feed.clone();
        staff.on_show_outbox(move || f(Input::ShowOutbox));
        let f = feed.clone();
        staff.on_dead_action(move |key, confirm| {
            let action = match confirm {
                ConfirmAction::Retry => DeadAction::Retry,
                ConfirmAction::Discard => DeadAction::Discard,
                ConfirmAction::None | ConfirmAction::Restart => return,
            };
            f(Input::DeadLetter {
                key: key.into(),
                action,
            })
        });
        staff.on_back_to_status(move || feed(Input::BackToStatus));
    }

    /// A scanned staff code with a valid signature (the scanner checked it); `expires` and
    /// `now` are Unix seconds. An expired code, or one the services refused (`refused`), is
    /// refused, said so in the log and counted toward the lockout.
    pub fn sign_in_by_code(
        &self,
        staff_id: &str,
        expires: i64,
        now: i64,
        refused: Option<crate::domain::StaffRefusal>,
    ) {
        self.feed(Input::Code {
            staff_id: staff_id.into(),
            expires,
            now,
            at: Instant::now(),
            refused,
        });
    }

    /// While staff test the reader or the scanner, its next event is theirs: shown on the
    /// test screen (the ID number masked) and not given to any citizen flow.
    pub fn take_test_event(&self, event: &AppEvent) -> bool {
        // Only a waiting test needs the event, so only then is it copied.
        if !self.flow.borrow().testing() {
            return false;
        }
        self.feed(Input::Device(event.clone()))
    }

    /// The hidden long press: opens the PIN pad.
    pub fn start(&self) {
        self.feed(Input::Start);
    }

    pub fn submit(&self, now: Instant) {
        self.feed(Input::Submit { now });
    }

    /// Shows the kiosk out of service (or back) without a sign-in: at start-up, when staff
    /// had taken it out of service before a restart. `reason` is the kept code: "maintenance",
    /// "printer", "network" or "closed".
    pub fn show_out_of_service(&self, on: bool, reason: &str) {
        self.feed(Input::KeptOutOfService {
            on,
            reason: reason.into(),
        });
    }

    /// Leaves staff mode (button or idle).
    pub fn leave(&self) {
        self.feed(Input::Leave);
    }

    pub fn signed_in(&self) -> bool {
        self.flow.borrow().signed_in()
    }

    /// Feeds the flow and carries out its effects; true when a device event was taken.
    fn feed(&self, input: Input) -> bool {
        // The borrow ends before the effects run: going home leaves staff mode again, and
        // a brightness step answers with another input.
        let effects = self.flow.borrow_mut().handle(input);
        let mut taken = false;
        for effect in effects {
            taken |= effect == Effect::Taken;
            self.apply(effect);
        }
        taken
    }
}

fn action(a: StaffAction) -> Action {
    match a {
        StaffAction::ClearHelp => Action::ClearHelp,
        StaffAction::TestPrint => Action::TestPrint,
        StaffAction::PaperReplaced => Action::PaperReplaced,
        StaffAction::TestCard => Action::TestCard,
        StaffAction::TestScan => Action::TestScan,
        StaffAction::Reprint => Action::Reprint,
        StaffAction::Flush => Action::Flush,
        StaffAction::Restart => Action::Restart,
        StaffAction::BrightnessDown => Action::BrightnessDown,
        StaffAction::BrightnessUp => Action::BrightnessUp,
        StaffAction::VolumeDown => Action::VolumeDown,
        StaffAction::VolumeUp => Action::VolumeUp,
    }
}

fn out_of_service_reason(reason: OutOfServiceReason) -> Option<Reason> {
    match reason {
        OutOfServiceReason::None => None,
        OutOfServiceReason::Maintenance => Some(Reason::Maintenance),
        OutOfServiceReason::Printer => Some(Reason::Printer),
        OutOfServiceReason::Network => Some(Reason::Network),
        OutOfServiceReason::Closed => Some(Reason::Closed),
        // Never offered to staff: only a kiosk whose services could not start shows it.
        OutOfServiceReason::Fault => Some(Reason::Maintenance),
    }
}
