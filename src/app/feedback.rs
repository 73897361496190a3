//! 好差评 and 投诉建议 controllers: rating a service by its ticket or receipt QR, with
//! reasons for a bad rating, and complaints typed on the on-screen keyboard.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, VecModel};

use super::keyboard::{KeyboardTarget, Mode};
use super::{Kiosk, KioskLink};
use crate::domain::{
    self, AppEvent, ComplaintOrder, Desk, PrintOutcome, RatingOrder, RatingResult, ScannedCode,
    ServiceRef,
};
use crate::flows::validate;
use crate::ui::{
    Complaint, ComplaintError, ComplaintField, ComplaintKind, Rating, RatingOutcome, RatingReason,
    RatingStartState, Reason, RecentRow, Screen,
};

pub const REASONS: &[RatingReason] = &[
    RatingReason::WaitedTooLong,
    RatingReason::AskedToComeAgain,
    RatingReason::Attitude,
    RatingReason::MaterialsTwice,
    RatingReason::ProcessUnclear,
    RatingReason::Other,
];

/// How the hall's API names a reason.
fn reason_code(reason: RatingReason) -> &'static str {
    match reason {
        RatingReason::WaitedTooLong => "waited_too_long",
        RatingReason::AskedToComeAgain => "asked_to_come_again",
        RatingReason::Attitude => "attitude",
        RatingReason::MaterialsTwice => "materials_twice",
        RatingReason::ProcessUnclear => "process_unclear",
        RatingReason::Other => "other",
    }
}

fn complaint_kind(kind: ComplaintKind) -> domain::ComplaintKind {
    match kind {
        ComplaintKind::Complaint => domain::ComplaintKind::Complaint,
        ComplaintKind::Suggestion => domain::ComplaintKind::Suggestion,
        ComplaintKind::NotDone => domain::ComplaintKind::NotDone,
    }
}

/// Longest comment or complaint text, in characters.
const MAX_TEXT: usize = 500;

pub struct FeedbackController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    request: Cell<u64>,
    reference: RefCell<Option<ServiceRef>>,
    reasons: RefCell<Vec<RatingReason>>,
    level: Cell<u8>,
    /// True while the citizen is on a rating screen (so scans are for us).
    rating: Cell<bool>,
    complaining: Cell<bool>,
    /// The card holder's recent services shown on the rating start screen.
    recent: RefCell<Vec<ServiceRef>>,
}

/// Writes keyboard input into a global's text property.
struct FieldTarget {
    kiosk: Weak<Kiosk>,
    get: fn(&crate::ui::AppWindow) -> String,
    set: fn(&crate::ui::AppWindow, String),
}

impl KeyboardTarget for FieldTarget {
    fn text(&self) -> String {
        self.kiosk
            .upgrade()
            .map(|k| (self.get)(k.window()))
            .unwrap_or_default()
    }
    fn set_text(&self, text: String) {
        if let Some(k) = self.kiosk.upgrade() {
            (self.set)(k.window(), text);
        }
    }
    fn done(&self) {
        if let Some(k) = self.kiosk.upgrade() {
            k.keyboard().detach();
            let w = k.window();
            w.global::<Rating>().set_comment_focused(false);
            w.global::<Complaint>().set_focused(ComplaintField::None);
        }
    }
}

impl FeedbackController {
    pub fn new(kiosk: Weak<Kiosk>) -> Rc<Self> {
        Rc::new(FeedbackController {
            kiosk,
            desk: RefCell::default(),
            request: Cell::new(0),
            reference: RefCell::default(),
            reasons: RefCell::default(),
            level: Cell::new(0),
            rating: Cell::new(false),
            complaining: Cell::new(false),
            recent: RefCell::default(),
        })
    }

    pub fn set_desk(&self, desk: Rc<dyn Desk>) {
        *self.desk.borrow_mut() = Some(desk);
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let r = window.global::<Rating>();
        let me = Rc::downgrade(self);
        r.on_pick_recent(move |i| {
            if let Some(me) = me.upgrade() {
                let chosen = me.recent.borrow().get(i as usize).cloned();
                if let Some(reference) = chosen {
                    me.rate(reference);
                }
            }
        });
        let me = Rc::downgrade(self);
        r.on_choose_level(move |l| {
            if let Some(me) = me.upgrade() {
                me.choose_level(l as u8);
            }
        });
        let me = Rc::downgrade(self);
        r.on_toggle_reason(move |reason| {
            if let Some(me) = me.upgrade() {
                {
                    let mut reasons = me.reasons.borrow_mut();
                    match reasons.iter().position(|r| *r == reason) {
                        Some(i) => {
                            reasons.remove(i);
                        }
                        None => reasons.push(reason),
                    }
                }
                me.show_reasons();
            }
        });
        let me = Rc::downgrade(self);
        r.on_focus_comment(move || {
            if let Some(me) = me.upgrade() {
                me.kiosk
                    .ui(|w| w.global::<Rating>().set_comment_focused(true));
                me.attach_keyboard(
                    |w| w.global::<Rating>().get_comment().to_string(),
                    |w, t| w.global::<Rating>().set_comment(t.into()),
                    Mode::Pinyin,
                );
            }
        });
        let me = Rc::downgrade(self);
        r.on_submit(move || {
            if let Some(me) = me.upgrade() {
                me.send_rating();
            }
        });

        let c = window.global::<Complaint>();
        let me = Rc::downgrade(self);
        c.on_choose_kind(move |k| {
            if let Some(me) = me.upgrade() {
                me.kiosk.ui(|w| w.global::<Complaint>().set_kind(k));
            }
        });
        let me = Rc::downgrade(self);
        c.on_focus(move |field| {
            if let Some(me) = me.upgrade() {
                me.kiosk.ui(|w| w.global::<Complaint>().set_focused(field));
                if field == ComplaintField::Phone {
                    me.attach_keyboard(
                        |w| w.global::<Complaint>().get_phone().to_string(),
                        |w, t| {
                            let c = w.global::<Complaint>();
                            let digits: String =
                                t.chars().filter(char::is_ascii_digit).take(11).collect();
                            c.set_phone_invalid(
                                !digits.is_empty()
                                    && digits.len() == 11
                                    && !validate::mobile(&digits),
                            );
                            c.set_phone(digits.into());
                        },
                        Mode::Digits,
                    );
                } else {
                    me.attach_keyboard(
                        |w| w.global::<Complaint>().get_text().to_string(),
                        |w, t| w.global::<Complaint>().set_text(t.into()),
                        Mode::Pinyin,
                    );
                }
            }
        });
        let me = Rc::downgrade(self);
        c.on_toggle_consent(move || {
            if let Some(me) = me.upgrade() {
                me.kiosk.ui(|w| {
                    let c = w.global::<Complaint>();
                    c.set_consent(!c.get_consent());
                });
            }
        });
        let me = Rc::downgrade(self);
        c.on_submit(move || {
            if let Some(me) = me.upgrade() {
                me.send_complaint();
            }
        });
    }

    fn attach_keyboard(
        &self,
        get: fn(&crate::ui::AppWindow) -> String,
        set: fn(&crate::ui::AppWindow, String),
        mode: Mode,
    ) {
        if let Some(k) = self.kiosk.upgrade() {
            let target = Rc::new(FieldTarget {
                kiosk: self.kiosk.clone(),
                get,
                set,
            });
            k.keyboard().attach(target, mode, MAX_TEXT);
        }
    }

    // ---- rating ------------------------------------------------------------------------

    /// The 好差评 tile.
    pub fn start_rating(&self) {
        self.reset();
        self.rating.set(true);
        self.kiosk
            .ui(|w| w.global::<Rating>().set_start_state(RatingStartState::Scan));
        self.kiosk.show(Screen::RatingStart);
    }

    /// A ticket or receipt is known (scanned here, or the flow came from a ticket).
    pub fn rate(&self, reference: ServiceRef) {
        let text = match &reference {
            ServiceRef::Ticket { ticket_no, date } => format!("{ticket_no} · {date}"),
            ServiceRef::Receipt(no) => no.clone(),
        };
        *self.reference.borrow_mut() = Some(reference);
        self.kiosk
            .ui(|w| w.global::<Rating>().set_ref_text(text.into()));
        self.kiosk.show(Screen::Rating);
    }

    fn choose_level(&self, level: u8) {
        self.level.set(level);
        self.kiosk
            .ui(|w| w.global::<Rating>().set_level(i32::from(level)));
        if level <= 2 {
            self.show_reasons();
            self.kiosk.show(Screen::RatingReasons);
        } else {
            self.send_rating();
        }
    }

    fn show_reasons(&self) {
        let chosen = self.reasons.borrow().clone();
        let model: Vec<Reason> = REASONS
            .iter()
            .map(|&code| Reason {
                code,
                selected: chosen.contains(&code),
            })
            .collect();
        self.kiosk.ui(|w| {
            w.global::<Rating>()
                .set_reasons(ModelRc::new(VecModel::from(model)))
        });
    }

    fn send_rating(&self) {
        let Some(reference) = self.reference.borrow().clone() else {
            return;
        };
        let mut comment = String::new();
        self.kiosk
            .ui(|w| comment = w.global::<Rating>().get_comment().to_string());
        if let Some(k) = self.kiosk.upgrade() {
            k.keyboard().detach();
        }
        let order = RatingOrder {
            reference,
            level: self.level.get(),
            reasons: self
                .reasons
                .borrow()
                .iter()
                .map(|&r| reason_code(r).to_string())
                .collect(),
            comment,
        };
        self.request.set(self.request.get() + 1);
        self.kiosk
            .ui(|w| w.global::<Rating>().set_result(RatingOutcome::Sending));
        if let Some(desk) = self.desk.borrow().as_ref() {
            desk.rate(self.request.get(), order);
        }
    }

    // ---- complaints --------------------------------------------------------------------

    /// The 投诉建议 tile.
    pub fn start_complaint(&self) {
        self.reset();
        self.complaining.set(true);
        self.kiosk.show(Screen::Complaint);
    }

    fn send_complaint(&self) {
        let (mut kind, mut text, mut phone, mut consent) = Default::default();
        self.kiosk.ui(|w| {
            let c = w.global::<Complaint>();
            kind = c.get_kind();
            text = c.get_text().trim().to_string();
            phone = c.get_phone().to_string();
            consent = c.get_consent();
        });
        let error = if text.is_empty() {
            ComplaintError::Empty
        } else if !phone.is_empty() && !validate::mobile(&phone) {
            self.kiosk
                .ui(|w| w.global::<Complaint>().set_phone_invalid(true));
            return;
        } else if !phone.is_empty() && !consent {
            ComplaintError::Consent
        } else {
            ComplaintError::None
        };
        self.kiosk.ui(|w| w.global::<Complaint>().set_error(error));
        if error != ComplaintError::None {
            return;
        }
        if let Some(k) = self.kiosk.upgrade() {
            k.keyboard().detach();
        }
        let order = ComplaintOrder {
            kind: complaint_kind(kind),
            text,
            phone: (!phone.is_empty()).then_some(phone),
            reference: self.reference.borrow().clone(),
        };
        self.request.set(self.request.get() + 1);
        if let Some(desk) = self.desk.borrow().as_ref() {
            desk.complain(self.request.get(), order);
        }
    }

    // ---- events ------------------------------------------------------------------------

    pub fn handle(&self, event: &AppEvent) -> bool {
        match event {
            AppEvent::CardPresented(holder)
                if self.rating.get() && self.reference.borrow().is_none() =>
            {
                if let Some(desk) = self.desk.borrow().clone() {
                    self.request.set(self.request.get() + 1);
                    self.kiosk.ui(|w| {
                        w.global::<Rating>()
                            .set_start_state(RatingStartState::LookingUp)
                    });
                    desk.recent_services(self.request.get(), holder.id_number.clone());
                }
                true
            }
            AppEvent::RecentServices { request, result } if *request == self.request.get() => {
                match result {
                    Ok(list) => {
                        *self.recent.borrow_mut() =
                            list.iter().map(|s| s.reference.clone()).collect();
                        let rows: Vec<RecentRow> = list
                            .iter()
                            .map(|s| RecentRow {
                                name: s.name.clone().into(),
                                ref_text: match &s.reference {
                                    ServiceRef::Ticket { ticket_no, .. } => ticket_no.clone(),
                                    ServiceRef::Receipt(no) => no.clone(),
                                }
                                .into(),
                                date: s.date.clone().into(),
                            })
                            .collect();
                        let state = if rows.is_empty() {
                            RatingStartState::None
                        } else {
                            RatingStartState::List
                        };
                        self.kiosk.ui(|w| {
                            let r = w.global::<Rating>();
                            r.set_recent(ModelRc::new(VecModel::from(rows)));
                            r.set_start_state(state);
                        });
                    }
                    Err(_) => self.kiosk.ui(|w| {
                        w.global::<Rating>()
                            .set_start_state(RatingStartState::Offline)
                    }),
                }
                true
            }
            AppEvent::Scanned(code) if self.rating.get() => {
                match code {
                    ScannedCode::Ticket { date, ticket_no } => self.rate(ServiceRef::Ticket {
                        date: date.clone(),
                        ticket_no: ticket_no.clone(),
                    }),
                    ScannedCode::Receipt(no) => self.rate(ServiceRef::Receipt(no.clone())),
                    _ => self.kiosk.ui(|w| {
                        w.global::<Rating>()
                            .set_start_state(RatingStartState::BadCode)
                    }),
                }
                true
            }
            AppEvent::Scanned(code) if self.complaining.get() => {
                let reference = match code {
                    ScannedCode::Ticket { date, ticket_no } => Some(ServiceRef::Ticket {
                        date: date.clone(),
                        ticket_no: ticket_no.clone(),
                    }),
                    ScannedCode::Receipt(no) => Some(ServiceRef::Receipt(no.clone())),
                    _ => None,
                };
                if let Some(r) = reference {
                    let text = match &r {
                        ServiceRef::Ticket { ticket_no, .. } => ticket_no.clone(),
                        ServiceRef::Receipt(no) => no.clone(),
                    };
                    *self.reference.borrow_mut() = Some(r);
                    self.kiosk
                        .ui(|w| w.global::<Complaint>().set_ref_text(text.into()));
                }
                true
            }
            AppEvent::Rated { request, result } if *request == self.request.get() => {
                let r = match result {
                    RatingResult::Accepted => RatingOutcome::Thanks,
                    RatingResult::Queued => RatingOutcome::Queued,
                    RatingResult::AlreadyRated => RatingOutcome::Already,
                };
                self.kiosk.ui(|w| w.global::<Rating>().set_result(r));
                self.rating.set(false);
                self.kiosk.show(Screen::RatingDone);
                true
            }
            AppEvent::Complained {
                request,
                complaint_no,
                provisional,
                slip,
            } if *request == self.request.get() => {
                self.kiosk.ui(|w| {
                    let c = w.global::<Complaint>();
                    c.set_complaint_no(complaint_no.clone().into());
                    c.set_provisional(*provisional);
                    c.set_slip_printed(matches!(
                        slip,
                        Some(PrintOutcome::Printed | PrintOutcome::PrintedPaperLow)
                    ));
                });
                self.complaining.set(false);
                self.kiosk.show(Screen::ComplaintDone);
                true
            }
            _ => false,
        }
    }

    /// Wipes everything typed (home, idle timeout).
    pub fn reset(&self) {
        self.request.set(self.request.get() + 1);
        self.rating.set(false);
        self.complaining.set(false);
        *self.reference.borrow_mut() = None;
        self.recent.borrow_mut().clear();
        self.reasons.borrow_mut().clear();
        self.level.set(0);
        self.kiosk.ui(|w| {
            let r = w.global::<Rating>();
            r.set_level(0);
            r.set_comment("".into());
            r.set_comment_focused(false);
            r.set_result(RatingOutcome::None);
            r.set_ref_text("".into());
            r.set_reasons(ModelRc::default());
            r.set_recent(ModelRc::default());
            let c = w.global::<Complaint>();
            c.set_kind(ComplaintKind::Complaint);
            c.set_text("".into());
            c.set_phone("".into());
            c.set_focused(ComplaintField::None);
            c.set_phone_invalid(false);
            c.set_consent(false);
            c.set_ref_text("".into());
            c.set_complaint_no("".into());
            c.set_provisional(false);
            c.set_error(ComplaintError::None);
        });
    }
}
