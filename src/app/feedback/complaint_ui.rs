//! The complaint flow's effects as `Complaint` property writes, and its kinds as the
//! screen's.

use std::rc::Rc;

use slint::ComponentHandle;

use super::{FeedbackController, Field};
use crate::app::keyboard::Mode;
use crate::app::KioskLink;
use crate::domain;
use crate::flows::feedback::complaint;
use crate::ui::{Complaint, ComplaintError, ComplaintField, ComplaintKind, Screen};

impl FeedbackController {
    pub(super) fn apply_complaint(self: &Rc<Self>, effect: complaint::Effect) {
        use complaint::Effect as E;
        match effect {
            E::Show(view) => self.kiosk.show(match view {
                complaint::View::Form => Screen::Complaint,
                complaint::View::Done => Screen::ComplaintDone,
            }),
            E::Kind(kind) => self
                .kiosk
                .ui(|w| w.global::<Complaint>().set_kind(ui_kind(kind))),
            E::Focus(field) => self.kiosk.ui(|w| {
                w.global::<Complaint>().set_focused(match field {
                    None => ComplaintField::None,
                    Some(complaint::Field::Text) => ComplaintField::Text,
                    Some(complaint::Field::Phone) => ComplaintField::Phone,
                })
            }),
            E::Keyboard(Some(field)) => {
                let mode = match field {
                    complaint::Field::Text => Mode::Pinyin,
                    complaint::Field::Phone => Mode::Digits,
                };
                self.attach_keyboard(Field::Complaint(field), mode);
            }
            E::Keyboard(None) => self.detach_keyboard(),
            E::Text(text) => self
                .kiosk
                .ui(|w| w.global::<Complaint>().set_text(text.into())),
            E::Phone(digits) => self
                .kiosk
                .ui(|w| w.global::<Complaint>().set_phone(digits.into())),
            E::PhoneInvalid(invalid) => self
                .kiosk
                .ui(|w| w.global::<Complaint>().set_phone_invalid(invalid)),
            E::Consent(on) => self.kiosk.ui(|w| w.global::<Complaint>().set_consent(on)),
            E::RefText(text) => self
                .kiosk
                .ui(|w| w.global::<Complaint>().set_ref_text(text.into())),
            E::Refused(refusal) => self.kiosk.ui(|w| {
                w.global::<Complaint>().set_error(match refusal {
                    None => ComplaintError::None,
                    Some(complaint::Refusal::Empty) => ComplaintError::Empty,
                    Some(complaint::Refusal::Consent) => ComplaintError::Consent,
                })
            }),
            E::Complain { request, order } => {
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.complain(request, order);
                }
            }
            E::NotSaved => self
                .kiosk
                .ui(|w| w.global::<Complaint>().set_not_saved(true)),
            E::Filed {
                complaint_no,
                provisional,
                slip_printed,
            } => self.kiosk.ui(|w| {
                let c = w.global::<Complaint>();
                c.set_not_saved(false);
                c.set_complaint_no(complaint_no.into());
                c.set_provisional(provisional);
                c.set_slip_printed(slip_printed);
            }),
            E::Cleared => self.kiosk.ui(|w| {
                let c = w.global::<Complaint>();
                c.set_not_saved(false);
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
            }),
        }
    }
}

pub(super) fn kind_of(kind: ComplaintKind) -> domain::ComplaintKind {
    match kind {
        ComplaintKind::Complaint => domain::ComplaintKind::Complaint,
        ComplaintKind::Suggestion => domain::ComplaintKind::Suggestion,
        ComplaintKind::NotDone => domain::ComplaintKind::NotDone,
    }
}

fn ui_kind(kind: domain::ComplaintKind) -> ComplaintKind {
    match kind {
        domain::ComplaintKind::Complaint => ComplaintKind::Complaint,
        domain::ComplaintKind::Suggestion => ComplaintKind::Suggestion,
        domain::ComplaintKind::NotDone => ComplaintKind::NotDone,
    }
}
