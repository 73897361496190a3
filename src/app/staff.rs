//! Staff mode controller: PIN entry, the status screen, and staff actions. Every action is
//! logged with what and when (staff sign in with a shared PIN, so "who" is the kiosk's
//! staff role; a staff QR code names the person).

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use slint::{ComponentHandle, ModelRc, VecModel};

use super::{Kiosk, KioskLink};
use crate::flows::staff::{Denied, StaffGate};
use crate::ui::{DeadRow, Nav, Shell, Staff, StatusRow};

/// Longest PIN the pad accepts; longer input is ignored rather than silently truncated.
const MAX_PIN: usize = 12;

/// One line of the staff status screen, built by whoever knows the state (devices, link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub name: String,
    pub level: Level,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warn,
    Fault,
    Unknown,
}

impl Level {
    fn code(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fault => "fault",
            Level::Unknown => "unknown",
        }
    }
}

/// What staff actions do; the app's services implement it.
pub trait StaffActions {
    /// The current status lines.
    fn status(&self) -> Vec<StatusLine>;
    /// Runs an action ("test-print", "paper-replaced", "reprint", "flush"); returns a short
    /// notice for the screen.
    fn act(&self, action: &str) -> String;
    /// Records a staff action for the audit log and the backend.
    fn audit(&self, what: &str);
    /// The kiosk was taken out of service or back (the status lamp and heartbeat follow).
    fn set_out_of_service(&self, _on: bool) {}
    /// Dead letters: (key, kind, error).
    fn dead_letters(&self) -> Vec<(String, String, String)> {
        Vec::new()
    }
    /// Retries ("retry") or discards ("discard") a dead letter; a notice for the screen.
    fn dead_letter(&self, _key: &str, action: &str) -> String {
        format!("{action}: not available on this build")
    }
}

/// A kiosk without services (screenshots, early start): status unknown, actions refused.
pub struct NoServices;

impl StaffActions for NoServices {
    fn status(&self) -> Vec<StatusLine> {
        Vec::new()
    }
    fn act(&self, action: &str) -> String {
        format!("{action}: not available on this build")
    }
    fn audit(&self, what: &str) {
        tracing::info!(target: "audit", "staff: {what}");
    }
}

pub struct StaffController {
    kiosk: Weak<Kiosk>,
    gate: RefCell<StaffGate>,
    pin: RefCell<String>,
    actions: RefCell<Rc<dyn StaffActions>>,
    signed_in: std::cell::Cell<bool>,
}

impl StaffController {
    pub fn new(kiosk: Weak<Kiosk>, pin_hashes: Vec<String>, lockout: Duration) -> Rc<Self> {
        Rc::new(StaffController {
            kiosk,
            gate: RefCell::new(StaffGate::new(pin_hashes, lockout)),
            pin: RefCell::default(),
            actions: RefCell::new(Rc::new(NoServices)),
            signed_in: std::cell::Cell::new(false),
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
                me.act(&a);
            }
        });
        let me = Rc::downgrade(self);
        staff.on_set_out_of_service(move |on, reason| {
            if let Some(me) = me.upgrade() {
                me.set_out_of_service(on, &reason);
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
                me.dead_action(&key, &action);
            }
        });
        let me = Rc::downgrade(self);
        staff.on_back_to_status(move || {
            if let Some(me) = me.upgrade() {
                me.show_status();
            }
        });
    }

    /// The hidden long press: opens the PIN pad.
    pub fn start(&self) {
        self.pin.borrow_mut().clear();
        self.signed_in.set(false);
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            staff.set_message("".into());
            w.global::<Nav>().set_screen("staff-pin".into());
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
                self.signed_in.set(true);
                self.actions.borrow().audit("signed in with PIN");
                self.show_status();
            }
            Err(Denied::Wrong { tries_left }) => {
                tracing::warn!("staff PIN wrong; {tries_left} tries left");
                self.kiosk.ui(|w| {
                    let staff = w.global::<Staff>();
                    staff.set_message("wrong".into());
                    staff.set_tries_left(tries_left as i32);
                });
            }
            Err(Denied::Locked { remaining }) => {
                tracing::warn!(target: "alert", "staff mode locked after repeated wrong PINs");
                self.actions
                    .borrow()
                    .audit("staff mode locked: too many wrong PINs");
                self.kiosk.ui(|w| {
                    let staff = w.global::<Staff>();
                    staff.set_message("locked".into());
                    staff.set_locked_minutes(remaining.as_secs().div_ceil(60) as i32);
                });
            }
        }
    }

    pub fn show_status(&self) {
        if !self.signed_in.get() {
            return;
        }
        let lines = self.actions.borrow().status();
        let info = self.kiosk.upgrade().map(|k| {
            format!(
                "{} · hall-kiosk {} · {}",
                k.options().kiosk_id,
                env!("CARGO_PKG_VERSION"),
                local_ip().unwrap_or_else(|| "no network".into())
            )
        });
        let rows: Vec<StatusRow> = lines
            .into_iter()
            .map(|l| StatusRow {
                name: l.name.into(),
                level: l.level.code().into(),
                detail: l.detail.into(),
            })
            .collect();
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            staff.set_status(ModelRc::new(VecModel::from(rows)));
            if let Some(info) = info {
                staff.set_kiosk_info(info.into());
            }
            w.global::<Nav>().set_screen("staff-status".into());
        });
    }

    fn act(&self, action: &str) {
        if !self.signed_in.get() {
            return;
        }
        self.actions.borrow().audit(action);
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
            staff.set_confirm_action("".into());
            w.global::<Nav>().set_screen("staff-outbox".into());
        });
    }

    /// First tap asks for confirmation; the second, on the same entry and action, acts.
    fn dead_action(&self, key: &str, action: &str) {
        if !self.signed_in.get() {
            return;
        }
        let mut confirmed = false;
        self.kiosk.ui(|w| {
            let staff = w.global::<Staff>();
            confirmed = staff.get_confirm_key() == key && staff.get_confirm_action() == action;
            if !confirmed {
                staff.set_confirm_key(key.into());
                staff.set_confirm_action(action.into());
            }
        });
        if !confirmed {
            return;
        }
        self.actions
            .borrow()
            .audit(&format!("dead letter {key}: {action}"));
        let notice = self.actions.borrow().dead_letter(key, action);
        self.show_outbox();
        self.kiosk
            .ui(|w| w.global::<Staff>().set_notice(notice.into()));
    }

    fn set_out_of_service(&self, on: bool, reason: &str) {
        if !self.signed_in.get() {
            return;
        }
        self.actions
            .borrow()
            .audit(&format!("out of service: {on} ({reason})"));
        self.actions.borrow().set_out_of_service(on);
        self.kiosk.ui(|w| {
            w.global::<Staff>().set_out_of_service(on);
            w.global::<Shell>().set_out_of_service(on);
        });
    }

    /// Leaves staff mode (button or idle).
    pub fn leave(&self) {
        if self.signed_in.replace(false) {
            self.actions.borrow().audit("left staff mode");
        }
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
