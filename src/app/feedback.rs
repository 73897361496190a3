//! 好差评 and 投诉建议 controller: turns the `Rating` and `Complaint` globals' callbacks,
//! the keyboard and the devices' events into inputs of the flows
//! (`crate::flows::feedback`), and carries out what they ask: property writes, screens,
//! the keyboard and desk orders. The rules live in the flows; this file only knows Slint.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, VecModel};

mod complaint_ui;

use super::keyboard::{KeyboardTarget, Mode};
use super::{Kiosk, KioskLink};
use crate::domain::{AppEvent, Desk, ProgressFailure, ServiceRef};
use crate::flows::feedback::complaint::{self, ComplaintFlow};
use crate::flows::feedback::rating::{self, RatingFlow};
use crate::ui::{
    Complaint, ComplaintField, Rating, RatingOutcome, RatingReason, RatingStartState, Reason,
    RecentRow, Screen,
};

/// Longest comment or complaint text, in characters.
const MAX_TEXT: usize = 500;

pub struct FeedbackController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    rating: RefCell<RatingFlow>,
    complaint: RefCell<ComplaintFlow>,
}

/// The field the on-screen keyboard types into.
#[derive(Clone, Copy)]
enum Field {
    Comment,
    Complaint(complaint::Field),
}

/// An event, as the input of the flow it is for.
enum Routed {
    Rating(rating::Input),
    Complaint(complaint::Input),
}

/// Hands keyboard input to the flow that owns the field. The flows keep what was typed,
/// so the order carries it whatever the screen shows; the screen only echoes it.
struct FieldTarget {
    feedback: Weak<FeedbackController>,
    field: Field,
}

impl KeyboardTarget for FieldTarget {
    fn text(&self) -> String {
        let Some(me) = self.feedback.upgrade() else {
            return String::new();
        };
        match self.field {
            Field::Comment => me.rating.borrow().comment().to_string(),
            Field::Complaint(f) => me.complaint.borrow().field(f).to_string(),
        }
    }
    fn set_text(&self, text: String) {
        if let Some(me) = self.feedback.upgrade() {
            match self.field {
                Field::Comment => me.rate_input(rating::Input::TypeComment(text)),
                Field::Complaint(field) => {
                    me.complaint_input(complaint::Input::Type { field, text })
                }
            }
        }
    }
    fn done(&self) {
        if let Some(me) = self.feedback.upgrade() {
            match self.field {
                Field::Comment => me.rate_input(rating::Input::KeyboardDone),
                Field::Complaint(_) => me.complaint_input(complaint::Input::KeyboardDone),
            }
        }
    }
}

impl FeedbackController {
    pub fn new(kiosk: Weak<Kiosk>) -> Rc<Self> {
        Rc::new(FeedbackController {
            kiosk,
            desk: RefCell::default(),
            rating: RefCell::default(),
            complaint: RefCell::default(),
        })
    }

    pub fn set_desk(&self, desk: Rc<dyn Desk>) {
        *self.desk.borrow_mut() = Some(desk);
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let r = window.global::<Rating>();
        let me = Rc::downgrade(self);
        r.on_pick_recent(move |i| {
            if let (Some(me), Ok(i)) = (me.upgrade(), usize::try_from(i)) {
                me.rate_input(rating::Input::PickRecent(i));
            }
        });
        let me = Rc::downgrade(self);
        r.on_choose_level(move |l| {
            if let Some(me) = me.upgrade() {
                me.rate_input(rating::Input::ChooseLevel(l as u8));
            }
        });
        let me = Rc::downgrade(self);
        r.on_toggle_reason(move |reason| {
            if let Some(me) = me.upgrade() {
                me.rate_input(rating::Input::ToggleReason(reason_of(reason)));
            }
        });
        let me = Rc::downgrade(self);
        r.on_focus_comment(move || {
            if let Some(me) = me.upgrade() {
                me.rate_input(rating::Input::FocusComment);
            }
        });
        let me = Rc::downgrade(self);
        r.on_submit(move || {
            if let Some(me) = me.upgrade() {
                me.rate_input(rating::Input::Submit);
            }
        });

        let c = window.global::<Complaint>();
        let me = Rc::downgrade(self);
        c.on_choose_kind(move |k| {
            if let Some(me) = me.upgrade() {
                me.complaint_input(complaint::Input::ChooseKind(complaint_ui::kind_of(k)));
            }
        });
        let me = Rc::downgrade(self);
        c.on_focus(move |field| {
            if let Some(me) = me.upgrade() {
                let field = match field {
                    ComplaintField::Phone => complaint::Field::Phone,
                    ComplaintField::Text | ComplaintField::None => complaint::Field::Text,
                };
                me.complaint_input(complaint::Input::Focus(field));
            }
        });
        let me = Rc::downgrade(self);
        c.on_toggle_consent(move || {
            if let Some(me) = me.upgrade() {
                me.complaint_input(complaint::Input::ToggleConsent);
            }
        });
        let me = Rc::downgrade(self);
        c.on_submit(move || {
            if let Some(me) = me.upgrade() {
                me.complaint_input(complaint::Input::Submit);
            }
        });
    }

    /// The 好差评 tile.
    pub fn start_rating(self: &Rc<Self>) {
        self.complaint_input(complaint::Input::Reset);
        self.rate_input(rating::Input::Start);
    }

    /// A ticket or receipt is known (scanned here, or the flow came from a ticket).
    pub fn rate(self: &Rc<Self>, reference: ServiceRef) {
        self.rate_input(rating::Input::Rate(reference));
    }

    /// The 投诉建议 tile.
    pub fn start_complaint(self: &Rc<Self>) {
        self.rate_input(rating::Input::Reset);
        self.complaint_input(complaint::Input::Start);
    }

    /// Wipes everything typed (home, idle timeout).
    pub fn reset(self: &Rc<Self>) {
        self.rate_input(rating::Input::Reset);
        self.complaint_input(complaint::Input::Reset);
    }

    /// Handles an event; returns false when the event is not for these flows.
    pub fn handle(self: &Rc<Self>, event: &AppEvent) -> bool {
        match self.route(event) {
            Some(Routed::Rating(input)) => self.rate_input(input),
            Some(Routed::Complaint(input)) => self.complaint_input(input),
            None => return false,
        }
        true
    }

    /// The flow an event is for, as its input; the flows say what they wait for.
    fn route(&self, event: &AppEvent) -> Option<Routed> {
        let (rating, complaint) = (self.rating.borrow(), self.complaint.borrow());
        Some(match event {
            AppEvent::CardPresented(holder) if rating.wants_card() => {
                Routed::Rating(rating::Input::Card {
                    id_number: holder.id_number.clone(),
                })
            }
            AppEvent::RecentServices { request, result } if rating.awaits(*request) => {
                Routed::Rating(rating::Input::Recent {
                    request: *request,
                    result: result.clone(),
                })
            }
            AppEvent::Scanned(code) if rating.wants_scan() => {
                Routed::Rating(rating::Input::Scanned(code.clone()))
            }
            AppEvent::Scanned(code) if complaint.wants_scan() => {
                Routed::Complaint(complaint::Input::Scanned(code.clone()))
            }
            AppEvent::Rated { request, result } if rating.awaits(*request) => {
                Routed::Rating(rating::Input::Rated {
                    request: *request,
                    result: *result,
                })
            }
            AppEvent::Complained {
                request,
                complaint_no,
                provisional,
                slip,
            } if complaint.awaits(*request) => Routed::Complaint(complaint::Input::Filed {
                request: *request,
                complaint_no: complaint_no.clone(),
                provisional: *provisional,
                slip: *slip,
            }),
            AppEvent::ComplaintNotSaved { request } if complaint.awaits(*request) => {
                Routed::Complaint(complaint::Input::NotSaved { request: *request })
            }
            _ => return None,
        })
    }

    /// Feeds one input to the rating flow and carries out its effects, in order.
    fn rate_input(self: &Rc<Self>, input: rating::Input) {
        let effects = self.rating.borrow_mut().handle(input);
        for effect in effects {
            self.apply_rating(effect);
        }
    }

    /// Feeds one input to the complaint flow and carries out its effects, in order.
    fn complaint_input(self: &Rc<Self>, input: complaint::Input) {
        let effects = self.complaint.borrow_mut().handle(input);
        for effect in effects {
            self.apply_complaint(effect);
        }
    }

    fn apply_rating(self: &Rc<Self>, effect: rating::Effect) {
        use rating::Effect as E;
        match effect {
            E::Show(view) => self.kiosk.show(match view {
                rating::View::Start => Screen::RatingStart,
                rating::View::Rate => Screen::Rating,
                rating::View::Reasons => Screen::RatingReasons,
                rating::View::Done => Screen::RatingDone,
            }),
            E::StartState(state) => self
                .kiosk
                .ui(|w| w.global::<Rating>().set_start_state(ui_start_state(state))),
            E::Recent(lines) => {
                let rows: Vec<RecentRow> = lines
                    .into_iter()
                    .map(|l| RecentRow {
                        name: l.name.into(),
                        ref_text: l.ref_text.into(),
                        date: l.date.into(),
                    })
                    .collect();
                self.kiosk.ui(|w| {
                    w.global::<Rating>()
                        .set_recent(ModelRc::new(VecModel::from(rows)))
                });
            }
            E::RefText(text) => self
                .kiosk
                .ui(|w| w.global::<Rating>().set_ref_text(text.into())),
            E::Level(level) => self
                .kiosk
                .ui(|w| w.global::<Rating>().set_level(i32::from(level))),
            E::Reasons(reasons) => {
                let model: Vec<Reason> = reasons
                    .into_iter()
                    .map(|(r, selected)| Reason {
                        code: ui_reason(r),
                        selected,
                    })
                    .collect();
                self.kiosk.ui(|w| {
                    w.global::<Rating>()
                        .set_reasons(ModelRc::new(VecModel::from(model)))
                });
            }
            E::CommentFocused(on) => self
                .kiosk
                .ui(|w| w.global::<Rating>().set_comment_focused(on)),
            E::Comment(text) => self
                .kiosk
                .ui(|w| w.global::<Rating>().set_comment(text.into())),
            E::Keyboard(true) => self.attach_keyboard(Field::Comment, Mode::Pinyin),
            E::Keyboard(false) => self.detach_keyboard(),
            E::Outcome(outcome) => self.kiosk.ui(|w| {
                w.global::<Rating>().set_result(match outcome {
                    rating::Outcome::Sending => RatingOutcome::Sending,
                    rating::Outcome::Thanks => RatingOutcome::Thanks,
                    rating::Outcome::Queued => RatingOutcome::Queued,
                    rating::Outcome::Already => RatingOutcome::Already,
                    rating::Outcome::NotSaved => RatingOutcome::NotSaved,
                })
            }),
            E::LookUpRecent { request, id_number } => {
                let desk = self.desk.borrow().clone();
                match desk {
                    Some(desk) => desk.recent_services(request, id_number),
                    None => self.rate_input(rating::Input::Recent {
                        request,
                        result: Err(ProgressFailure::Offline),
                    }),
                }
            }
            E::Rate { request, order } => {
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.rate(request, order);
                }
            }
            E::Cleared => self.kiosk.ui(|w| {
                let r = w.global::<Rating>();
                r.set_level(0);
                r.set_comment("".into());
                r.set_comment_focused(false);
                r.set_result(RatingOutcome::None);
                r.set_ref_text("".into());
                r.set_reasons(ModelRc::default());
                r.set_recent(ModelRc::default());
            }),
        }
    }

    fn attach_keyboard(self: &Rc<Self>, field: Field, mode: Mode) {
        if let Some(k) = self.kiosk.upgrade() {
            let target = Rc::new(FieldTarget {
                feedback: Rc::downgrade(self),
                field,
            });
            k.keyboard().attach(target, mode, MAX_TEXT);
        }
    }

    fn detach_keyboard(&self) {
        if let Some(k) = self.kiosk.upgrade() {
            k.keyboard().detach();
        }
    }
}

fn ui_start_state(state: rating::StartState) -> RatingStartState {
    match state {
        rating::StartState::Scan => RatingStartState::Scan,
        rating::StartState::LookingUp => RatingStartState::LookingUp,
        rating::StartState::BadCode => RatingStartState::BadCode,
        rating::StartState::List => RatingStartState::List,
        rating::StartState::NoneFound => RatingStartState::None,
        rating::StartState::Offline => RatingStartState::Offline,
    }
}

fn reason_of(reason: RatingReason) -> rating::Reason {
    match reason {
        RatingReason::WaitedTooLong => rating::Reason::WaitedTooLong,
        RatingReason::AskedToComeAgain => rating::Reason::AskedToComeAgain,
        RatingReason::Attitude => rating::Reason::Attitude,
        RatingReason::MaterialsTwice => rating::Reason::MaterialsTwice,
        RatingReason::ProcessUnclear => rating::Reason::ProcessUnclear,
        RatingReason::Other => rating::Reason::Other,
    }
}

fn ui_reason(reason: rating::Reason) -> RatingReason {
    match reason {
        rating::Reason::WaitedTooLong => RatingReason::WaitedTooLong,
        rating::Reason::AskedToComeAgain => RatingReason::AskedToComeAgain,
        rating::Reason::Attitude => RatingReason::Attitude,
        rating::Reason::MaterialsTwice => RatingReason::MaterialsTwice,
        rating::Reason::ProcessUnclear => RatingReason::ProcessUnclear,
        rating::Reason::Other => RatingReason::Other,
    }
}
