//! Staff mode controller: PIN entry or a signed staff QR code, the status screen, device
//! tests and staff actions. Every action is logged and sent to the backend with who, what
//! and when (a shared PIN signs in as "pin"; a staff QR code names the person).

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use slint::{ComponentHandle, ModelRc, VecModel};

use super::{Kiosk, KioskLink};
use crate::domain::{Level, NoServices, StaffActions};
use crate::flows::staff::{Denied, StaffGate};
use crate::ui::{
    ConfirmAction, DeadRow, DeviceTest, DeviceTestState, Nav, OutOfServiceReason, PinMessage,
    Screen, Shell, Staff, StaffAction, StatusLevel, StatusRow,
};

/// Longest PIN the pad accepts; longer input is ignored rather than silently truncated.
const MAX_PIN: usize = 12;

fn level_ui(level: Level) -> StatusLevel {
    match level {
        Level::Ok => StatusLevel::Ok,
        Level::Warn => StatusLevel::Warn,
        Level::Fault => StatusLevel::Fault,
        Level::Unknown => StatusLevel::Unknown,
    }
}

/// The codes [`StaffActions`] and the audit log know the status screen's buttons by.
fn action_code(action: StaffAction) -> &'static str {
    match action {
        StaffAction::ClearHelp => "clear-help",
        StaffAction::TestPrint => "test-print",
        StaffAction::PaperReplaced => "paper-replaced",
        StaffAction::TestCard => "test-card",
        StaffAction::TestScan => "test-scan",
        StaffAction::Reprint => "reprint",
        StaffAction::Flush => "flush",
        StaffAction::Restart => "restart",
        StaffAction::BrightnessDown => "brightness-down",
        StaffAction::BrightnessUp => "brightness-up",
    }
}

/// The reason codes [`StaffActions::set_out_of_service`] keeps across a restart.
fn reason_code(reason: OutOfServiceReason) -> &'static str {
    match reason {
        OutOfServiceReason::None => "",
        OutOfServiceReason::Maintenance => "maintenance",
        OutOfServiceReason::Printer => "printer",
        OutOfServiceReason::Network => "network",
        OutOfServiceReason::Closed => "closed",
    }
}

/// A kept reason this build does not know shows as maintenance, the screen's general words.
fn reason_from_code(code: &str) -> OutOfServiceReason {
    match code {
        "" => OutOfServiceReason::None,
        "printer" => OutOfServiceReason::Printer,
        "network" => OutOfServiceReason::Network,
        "closed" => OutOfServiceReason::Closed,
        _ => OutOfServiceReason::Maintenance,
    }
}
/// A device test staff started: the next read or scan is shown to them, not to a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Test {
    Card,
    Scan,
}

pub struct StaffController {
    kiosk: Weak<Kiosk>,
    gate: RefCell<StaffGate>,
    pin: RefCell<String>,
    actions: RefCell<Rc<dyn StaffActions>>,
    signed_in: std::cell::Cell<bool>,
    /// "pin", or the staff id of the signed code used to sign in.
    who: RefCell<String>,
    test: std::cell::Cell<Option<Test>>,
}

impl StaffController {
    pub fn new(kiosk: Weak<Kiosk>, pin_hashes: Vec<String>, lockout: Duration) -> Rc<Self> {
        Rc::new(StaffController {
            kiosk,
            gate: RefCell::new(StaffGate::new(pin_hashes, lockout)),
            pin: RefCell::default(),
            actions: RefCell::new(Rc::new(NoServices)),
            signed_in: std::cell::Cell::new(false),
            who: RefCell::new("pin".into()),
            test: std::cell::Cell::new(None),
        })
    }

    pub fn set_actions(&self, actions: Rc<dyn StaffActions>) {
        *self.actions.borrow_mut() = actions;
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let staff = window.global::<Staff>();
        let me = Rc::downgrade(self);
        staff.on_digit(move |d| {
            if let Some(me) = me.upgrade() {
                let mut pin = me.pin.borrow_mut();
                if pin.len() < MAX_PIN {
                    pin.push_str(&d);
                }
                drop(pin);
                me.show_pin();
            }
        });
        let me = Rc::downgrade(self);
        staff.on_erase(move || {
            if let Some(me) = me.upgrade() {
                me.pin.borrow_mut().pop();
                me.show_pin();
            }
        });
        let me = Rc::downgrade(self);
        staff.on_submit(move || {
            if let Some(me) = me.upgrade() {
                me.submit(Instant::now());
            }
        });
        let me = Rc::downgrade(self);
        staff.on_exit(move || {
            if let Some(me) = me.upgrade() {
                me.leave();
            }
        });
        let me = Rc::downgrade(self);
        staff.on_action(move |a| {
            if let Some(me) = me.upgrade() {
                me.act(a);
            }
        });
        let me = Rc::downgrade(self);
        staff.on_set_out_of_service(move |on, reason| {
            if let Some(me) = me.upgrade() {
                me.set_out_of_service(on, reason);
            }
        });
        let me = Rc::downgrade(self);
        staff.on_show_outbox(move || {
            if let Some(me) = me.upgrade() {
                me.show_outbox();
            }
        });
        let me = Rc::downgrade(self);
        staff.on_dead_action(move |key, action| {
            if let Some(me) = me.upgrade() {
                me.dead_action(&key, action);
            }
        });
        let me = Rc::downgrade(self);
        staff.on_back_to_status(move || {
            if let Some(me) = me.upgrade() {
                me.test.set(None);
                me.show_status();
            }
        });
    }

    fn audit(&self, what: &str) {
        let who = self.who.borrow().clone();
        self.actions.borrow().audit(&who, what);
    }

    /// A scanned staff code with a valid signature (the scanner checked it); `expires` and
    /// `now` are Unix seconds. An expired code is refused, and said so in the log.
    pub fn sign_in_by_code(&self, staff_id: &str, expires: i64, now: i64) {
        if expires <= now {
            tracing::warn!(target: "alert", staff = staff_id, "expired staff code refused");
            self.actions
                .borrow()
                .audit(staff_id, "expired staff code refused");
            return;
        }
        if self.gate.borrow().is_locked(Instant::now()) {
            tracing::warn!(target: "alert", staff = staff_id, "staff code while staff mode is locked");
        }
        *self.who.borrow_mut() = staff_id.to_string();
        self.signed_in.set(true);
        self.test.set(None);
        self.pin.borrow_mut().clear();
        self.actions.borrow().set_staff_locked(false);
        self.audit("signed in with staff code");
        if let Some(k) = self.kiosk.upgrade() {
            k.activity();
        }
        self.show_status();
    }

    /// While staff test the reader or the scanner, its next event is theirs: shown on the
    /// test screen (the ID number masked) and not given to any citizen flow.
    pub fn take_test_event(&self, event: &crate::domain::AppEvent) -> bool {
        use crate::domain::{AppEvent, ScannedCode};
        let Some(test) = self.test.get().filter(|_| self.signed_in.get()) else {
            return false;
        };
        let (ok, result) = match (test, event) {
            (Test::Card, AppEvent::CardPresented(h)) => (
                true,
                format!(
                    "{} · {}",
                    crate::domain::privacy::mask_name(&h.name),
                    kiosk_drivers::idcard::text::mask_id(&h.id_number)
                ),
            ),
            (Test::Card, AppEvent::CardUnreadable(kind)) => (false, kind.clone()),
            (Test::Card, AppEvent::ReaderOffline) => (false, "offline".into()),
            (Test::Scan, AppEvent::Scanned(code)) => (
                !matches!(code, ScannedCode::BadSignature),
                match code {
                    ScannedCode::Appointment(_) | ScannedCode::OtherHallAppointment => {
                        "appointment"
                    }
                    ScannedCode::Ticket { .. } => "ticket",
                    ScannedCode::Receipt(_) => "receipt",
                    ScannedCode::Staff { .. } => "staff",
                    ScannedCode::BadSignature => "bad-signature",
                    ScannedCode::Unknown => "other",
                }
                .into(),
            ),
            // Card removal and other events during a test are not the test's.
            (_, AppEvent::CardRemoved) => return true,
            _ => return false,
        };
        self.test.set(None);
        let what = match test {
            Test::Card => "card read",
            Test::Scan => "scan",
        };
        self.audit(&format!(
            "test {what}: {}",
            if ok { "ok" } else { "failed" }
        ));
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            staff.set_test_state(if ok {
                DeviceTestState::Ok
            } else {
                DeviceTestState::Failed
            });
            staff.set_test_result(result.into());
        });
        true
    }

    fn start_test(&self, test: Test) {
        self.test.set(Some(test));
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            staff.set_test_kind(match test {
                Test::Card => DeviceTest::Card,
                Test::Scan => DeviceTest::Scan,
            });
            staff.set_test_state(DeviceTestState::Waiting);
            staff.set_test_result("".into());
            w.global::<Nav>().set_screen(Screen::StaffTest);
        });
    }

    /// The hidden long press: opens the PIN pad.
    pub fn start(&self) {
        self.pin.borrow_mut().clear();
        self.signed_in.set(false);
        self.test.set(None);
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            staff.set_message(PinMessage::None);
            w.global::<Nav>().set_screen(Screen::StaffPin);
        });
        self.show_pin();
    }

    fn show_pin(&self) {
        let n = self.pin.borrow().chars().count();
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            staff.set_pin_length(n as i32);
            staff.set_pin_dots("● ".repeat(n).trim_end().into());
        });
    }

    pub fn submit(&self, now: Instant) {
        let pin = std::mem::take(&mut *self.pin.borrow_mut());
        let result = self.gate.borrow_mut().try_pin(&pin, now);
        self.show_pin();
        match result {
            Ok(()) => {
                *self.who.borrow_mut() = "pin".into();
                self.signed_in.set(true);
                self.actions.borrow().set_staff_locked(false);
                self.audit("signed in with PIN");
                // Restarts the idle countdown with staff mode's own, shorter length.
                if let Some(k) = self.kiosk.upgrade() {
                    k.activity();
                }
                self.show_status();
            }
            Err(Denied::Wrong { tries_left }) => {
                tracing::warn!("staff PIN wrong; {tries_left} tries left");
                self.kiosk.ui(|w| {
                    let staff = w.global::<Staff>();
                    staff.set_message(PinMessage::Wrong);
                    staff.set_tries_left(tries_left as i32);
                });
            }
            Err(Denied::Locked { remaining }) => {
                tracing::warn!(target: "alert", "staff mode locked after repeated wrong PINs");
                self.actions
                    .borrow()
                    .audit("pin", "staff mode locked: too many wrong PINs");
                self.actions.borrow().set_staff_locked(true);
                self.kiosk.ui(|w| {
                    let staff = w.global::<Staff>();
                    staff.set_message(PinMessage::Locked);
                    staff.set_locked_minutes(remaining.as_secs().div_ceil(60) as i32);
                });
            }
        }
    }

    pub fn show_status(&self) {
        if !self.signed_in.get() {
            return;
        }
        // A first tap that asked "tap again" lapses when staff do anything else.
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            staff.set_confirm_key("".into());
            staff.set_confirm_action(ConfirmAction::None);
        });
        let lines = self.actions.borrow().status();
        let info = self.kiosk.upgrade().map(|k| {
            format!(
                "{} · hall-kiosk {} · {}",
                k.options().kiosk_id,
                env!("CARGO_PKG_VERSION"),
                local_ip().unwrap_or_else(|| "no network".into())
            )
        });
        let help_open = self.actions.borrow().help_open()
            || self.kiosk.upgrade().is_some_and(|k| k.help().active());
        let (brightness, backlight) = self.kiosk.upgrade().map_or((0, false), |k| {
            (k.screen().brightness(), k.screen().has_backlight())
        });
        let rows: Vec<StatusRow> = lines
            .into_iter()
            .map(|l| StatusRow {
                name: l.name.into(),
                level: level_ui(l.level),
                detail: l.detail.into(),
            })
            .collect();
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            staff.set_status(ModelRc::new(VecModel::from(rows)));
            staff.set_help_open(help_open);
            staff.set_brightness(i32::from(brightness));
            staff.set_has_backlight(backlight);
            if let Some(info) = info {
                staff.set_kiosk_info(info.into());
            }
            w.global::<Nav>().set_screen(Screen::StaffStatus);
        });
    }

    fn act(&self, action: StaffAction) {
        if !self.signed_in.get() {
            return;
        }
        match action {
            StaffAction::TestCard => return self.start_test(Test::Card),
            StaffAction::TestScan => return self.start_test(Test::Scan),
            StaffAction::BrightnessUp | StaffAction::BrightnessDown => {
                let step = if action == StaffAction::BrightnessUp {
                    10
                } else {
                    -10
                };
                let p = self
                    .kiosk
                    .upgrade()
                    .map_or(0, |k| k.screen().step_brightness(step));
                self.audit(&format!("brightness {p} %"));
                return self.show_status();
            }
            StaffAction::ClearHelp => {
                self.audit("cleared the help call");
                if let Some(k) = self.kiosk.upgrade() {
                    k.help().end(false);
                }
                self.kiosk.ui(|w| {
                    w.global::<Staff>()
                        .set_notice("已结束帮办呼叫 (help call cleared)".into())
                });
                return self.show_status();
            }
            StaffAction::Restart => {
                let confirmed = self.confirm("restart", ConfirmAction::Restart);
                if confirmed {
                    self.audit("restarted the kiosk");
                    if let Some(k) = self.kiosk.upgrade() {
                        k.request_restart();
                    }
                }
                return;
            }
            StaffAction::TestPrint
            | StaffAction::PaperReplaced
            | StaffAction::Reprint
            | StaffAction::Flush => {}
        }
        let action = action_code(action);
        self.audit(action);
        let notice = self.actions.borrow().act(action);
        self.kiosk
            .ui(|w| w.global::<Staff>().set_notice(notice.into()));
        self.show_status();
    }

    /// The dead-letter screen.
    pub fn show_outbox(&self) {
        if !self.signed_in.get() {
            return;
        }
        let rows: Vec<DeadRow> = self
            .actions
            .borrow()
            .dead_letters()
            .into_iter()
            .map(|(key, kind, error)| DeadRow {
                key: key.into(),
                kind: kind.into(),
                error: error.into(),
            })
            .collect();
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            staff.set_dead(ModelRc::new(VecModel::from(rows)));
            staff.set_confirm_key("".into());
            staff.set_confirm_action(ConfirmAction::None);
            w.global::<Nav>().set_screen(Screen::StaffOutbox);
        });
    }

    /// First tap asks for confirmation; the second, on the same entry and action, acts.
    fn dead_action(&self, key: &str, action: ConfirmAction) {
        if !self.signed_in.get() {
            return;
        }
        let code = match action {
            ConfirmAction::Retry => "retry",
            ConfirmAction::Discard => "discard",
            ConfirmAction::None | ConfirmAction::Restart => return,
        };
        if !self.confirm(key, action) {
            return;
        }
        self.audit(&format!("dead letter {key}: {code}"));
        let notice = self.actions.borrow().dead_letter(key, code);
        self.show_outbox();
        self.kiosk
            .ui(|w| w.global::<Staff>().set_notice(notice.into()));
    }

    /// True on the second tap of the same action on the same thing; the first tap only
    /// asks (the screen shows "tap again").
    fn confirm(&self, key: &str, action: ConfirmAction) -> bool {
        let mut confirmed = false;
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            confirmed = staff.get_confirm_key() == key && staff.get_confirm_action() == action;
            if confirmed {
                staff.set_confirm_key("".into());
                staff.set_confirm_action(ConfirmAction::None);
            } else {
                staff.set_confirm_key(key.into());
                staff.set_confirm_action(action);
            }
        });
        confirmed
    }

    fn set_out_of_service(&self, on: bool, reason: OutOfServiceReason) {
        if !self.signed_in.get() {
            return;
        }
        let reason = reason_code(reason);
        self.audit(&format!(
            "out of service: {} ({reason})",
            if on { "on" } else { "off" }
        ));
        self.actions.borrow().set_out_of_service(on, reason);
        self.show_out_of_service(on, reason);
    }

    /// Shows the kiosk out of service (or back) without a sign-in: at start-up, when staff
    /// had taken it out of service before a restart. `reason` is the kept code: "maintenance",
    /// "printer", "network" or "closed".
    pub fn show_out_of_service(&self, on: bool, reason: &str) {
        self.kiosk.ui(|w| {
            w.global::<Staff>().set_out_of_service(on);
            let shell = w.global::<Shell>();
            shell.set_out_of_service(on);
            shell.set_out_of_service_reason(if on {
                reason_from_code(reason)
            } else {
                OutOfServiceReason::None
            });
        });
    }

    /// Leaves staff mode (button or idle).
    pub fn leave(&self) {
        if self.signed_in.get() {
            self.audit("left staff mode");
            self.signed_in.set(false);
        }
        self.test.set(None);
        self.pin.borrow_mut().clear();
        if let Some(k) = self.kiosk.upgrade() {
            k.go_home();
        }
    }

    pub fn signed_in(&self) -> bool {
        self.signed_in.get()
    }
}

/// The address this kiosk reaches the network from, for staff and hall IT. Connecting a UDP
/// socket sends nothing; it only asks the kernel which source address a route would use.
fn local_ip() -> Option<String> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    Some(s.local_addr().ok()?.ip().to_string())
}
