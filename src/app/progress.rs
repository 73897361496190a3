//! Progress queries (进度查询): by ID card or by the QR code on a receipt, answered as a
//! simple timeline with what to do next. The rules are [`crate::flows::progress`]'s; this
//! controller feeds it and carries out its effects.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, VecModel};

use super::{Kiosk, KioskLink};
use crate::domain::catalog::Text;
use crate::domain::{AppEvent, Desk, ProgressFailure};
use crate::flows::progress::{
    CancelNote, CaseStatus as Status, Context, Effect, Input, ProgressFlow, ProgressState as State,
    Row, View,
};
use crate::ui::{
    AppointmentCancel, AppointmentLine, CaseRow, CaseStatus, Progress, ProgressState, Screen,
};

pub struct ProgressController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    flow: RefCell<ProgressFlow>,
    ctx: Context,
}

impl ProgressController {
    pub fn new(kiosk: Weak<Kiosk>, offset: time::UtcOffset) -> Rc<Self> {
        Rc::new(ProgressController {
            kiosk,
            desk: RefCell::default(),
            flow: RefCell::default(),
            ctx: Context { offset },
        })
    }

    pub fn set_desk(&self, desk: Rc<dyn Desk>) {
        *self.desk.borrow_mut() = Some(desk);
    }

    pub fn wire(self: &Rc<Self>, window: &crate::ui::AppWindow) {
        let me = Rc::downgrade(self);
        window.global::<Progress>().on_again(move || {
            if let Some(me) = me.upgrade() {
                me.start();
            }
        });
        let me = Rc::downgrade(self);
        window
            .global::<Progress>()
            .on_cancel_appointment(move |no| {
                if let Some(me) = me.upgrade() {
                    me.feed(Input::CancelAppointment(no.to_string()));
                }
            });
    }

    pub fn start(&self) {
        self.feed(Input::Start);
    }

    /// True when this flow took the event.
    pub fn handle(&self, event: &AppEvent) -> bool {
        let input = match event {
            AppEvent::CardPresented(holder) => Input::Card(holder.id_number.clone()),
            AppEvent::CardRemoved => Input::CardRemoved,
            AppEvent::Scanned(code) => Input::Scanned(code.clone()),
            AppEvent::Progress { request, result } => Input::Answer {
                request: *request,
                result: result.clone(),
            },
            AppEvent::AppointmentCancelled { request, result } => Input::Cancelled {
                request: *request,
                result: result.clone(),
            },
            _ => return false,
        };
        if !self.flow.borrow().takes(&input) {
            return false;
        }
        self.feed(input);
        true
    }

    /// Forgets the cases shown (they name the citizen's matters).
    pub fn reset(&self) {
        self.feed(Input::Reset);
    }

    fn feed(&self, input: Input) {
        // The borrow ends before the effects run: a kiosk without a desk answers at once.
        let effects = self.flow.borrow_mut().handle(input, &self.ctx);
        for effect in effects {
            self.apply(effect);
        }
    }

    fn apply(&self, effect: Effect) {
        match effect {
            Effect::Show(View::Ask) => self.kiosk.show(Screen::Progress),
            Effect::Show(View::Result) => self.kiosk.show(Screen::ProgressResult),
            Effect::State(state) => {
                let state = progress_state(state);
                self.kiosk.ui(|w| w.global::<Progress>().set_state(state));
            }
            Effect::Cases { rows, offline } => {
                // The hall names a case's matter in Chinese; the catalog has it in the
                // reader's other languages.
                let guides = self.kiosk.upgrade().map(|k| k.guide().guides());
                let rows: Vec<CaseRow> = rows
                    .into_iter()
                    .map(|r| {
                        let item = guides
                            .as_ref()
                            .and_then(|g| g.item_named(&r.item_name))
                            .map_or_else(|| Text::zh(r.item_name.clone()), |i| i.name_text());
                        case_row(r, item)
                    })
                    .collect();
                self.kiosk.ui(|w| {
                    let p = w.global::<Progress>();
                    p.set_cases(ModelRc::new(VecModel::from(rows)));
                    p.set_offline(offline);
                });
            }
            Effect::Ask { request, key } => {
                let desk = self.desk.borrow().clone();
                match desk {
                    Some(desk) => desk.progress(request, key),
                    None => self.feed(Input::Answer {
                        request,
                        result: Err(ProgressFailure::Failed),
                    }),
                }
            }
            Effect::Appointments(rows) => {
                let rows: Vec<AppointmentLine> = rows
                    .into_iter()
                    .map(|a| AppointmentLine {
                        appointment_no: a.appointment_no.into(),
                        item: a.item_name.into(),
                        when: a.when.into(),
                    })
                    .collect();
                self.kiosk.ui(|w| {
                    w.global::<Progress>()
                        .set_appointments(ModelRc::new(VecModel::from(rows)))
                });
            }
            Effect::CancelNote(note) => self.kiosk.ui(|w| {
                w.global::<Progress>().set_cancel(match note {
                    CancelNote::None => AppointmentCancel::None,
                    CancelNote::Cancelling => AppointmentCancel::Cancelling,
                    CancelNote::Cancelled => AppointmentCancel::Cancelled,
                    CancelNote::Failed => AppointmentCancel::Failed,
                })
            }),
            Effect::ConfirmCancel(no) => self.kiosk.ui(|w| {
                w.global::<Progress>()
                    .set_confirm_cancel(no.unwrap_or_default().into())
            }),
            Effect::CancelAppointment {
                request,
                appointment_no,
            } => {
                if let Some(desk) = self.desk.borrow().as_ref() {
                    desk.cancel_appointment(request, &appointment_no);
                }
            }
            Effect::Cleared => self.kiosk.ui(|w| {
                let p = w.global::<Progress>();
                p.set_cases(ModelRc::default());
                p.set_appointments(ModelRc::default());
                p.set_cancel(AppointmentCancel::None);
                p.set_confirm_cancel("".into());
                p.set_offline(false);
                p.set_state(ProgressState::Ask);
            }),
        }
    }
}

fn progress_state(state: State) -> ProgressState {
    match state {
        State::Ask => ProgressState::Ask,
        State::Looking => ProgressState::Looking,
        State::Found => ProgressState::Found,
        State::None => ProgressState::None,
        State::Offline => ProgressState::Offline,
        State::Failed => ProgressState::Failed,
    }
}

fn case_row(row: Row, item: Text) -> CaseRow {
    CaseRow {
        receipt_no: row.receipt_no.into(),
        item: item.into(),
        status: match row.status {
            Status::WaitingToSend => CaseStatus::WaitingToSend,
            Status::Received => CaseStatus::Received,
            Status::Accepted => CaseStatus::Accepted,
            Status::InReview => CaseStatus::InReview,
            Status::Approved => CaseStatus::Approved,
            Status::Rejected => CaseStatus::Rejected,
            Status::ReadyForPickup => CaseStatus::ReadyForPickup,
            Status::Mailed => CaseStatus::Mailed,
            Status::Completed => CaseStatus::Completed,
        },
        // -1 puts the case before the timeline's first step.
        step: row.status.step().map_or(-1, i32::from),
        updated: row.updated.into(),
        next_step: row.next_step.into(),
        r#where: row.whereabouts.into(),
    }
}
