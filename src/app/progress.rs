//! Progress queries (进度查询): by ID card or by the QR code on a receipt, answered as a
//! simple timeline with what to do next.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, ModelRc, VecModel};

use super::{Kiosk, KioskLink};
use crate::domain::{AppEvent, Desk, ProgressFailure, ProgressKey, ScannedCode};
use crate::ui::{CaseRow, CaseStatus, Progress, ProgressState, Screen};

pub struct ProgressController {
    kiosk: Weak<Kiosk>,
    desk: RefCell<Option<Rc<dyn Desk>>>,
    request: Cell<u64>,
    active: Cell<bool>,
    offset: time::UtcOffset,
}

/// A status as the hall's API spells it. One this build does not know is shown as the end
/// of the timeline, as a finished case.
fn case_status(status: &str) -> CaseStatus {
    match status {
        "waiting_to_send" => CaseStatus::WaitingToSend,
        "received" => CaseStatus::Received,
        "accepted" => CaseStatus::Accepted,
        "in_review" => CaseStatus::InReview,
        "approved" => CaseStatus::Approved,
        "rejected" => CaseStatus::Rejected,
        "ready_for_pickup" => CaseStatus::ReadyForPickup,
        "mailed" => CaseStatus::Mailed,
        _ => CaseStatus::Completed,
    }
}

/// Where a status sits on the five-step timeline; -1: not at the backend yet.
fn step(status: CaseStatus) -> i32 {
    match status {
        CaseStatus::WaitingToSend => -1,
        CaseStatus::Received => 0,
        CaseStatus::Accepted => 1,
        CaseStatus::InReview => 2,
        CaseStatus::Approved => 3,
        CaseStatus::Rejected
        | CaseStatus::ReadyForPickup
        | CaseStatus::Mailed
        | CaseStatus::Completed => 4,
    }
}

impl ProgressController {
    pub fn new(kiosk: Weak<Kiosk>, offset: time::UtcOffset) -> Rc<Self> {
        Rc::new(ProgressController {
            kiosk,
            desk: RefCell::default(),
            request: Cell::new(0),
            active: Cell::new(false),
            offset,
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
    }

    pub fn start(&self) {
        self.reset();
        self.active.set(true);
        self.kiosk.show(Screen::Progress);
    }

    fn ask(&self, key: ProgressKey) {
        let Some(desk) = self.desk.borrow().clone() else {
            self.kiosk
                .ui(|w| w.global::<Progress>().set_state(ProgressState::Failed));
            return;
        };
        self.request.set(self.request.get() + 1);
        self.kiosk
            .ui(|w| w.global::<Progress>().set_state(ProgressState::Looking));
        desk.progress(self.request.get(), key);
    }

    fn updated(&self, rfc3339: &str) -> String {
        time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
            .ok()
            .and_then(|t| {
                t.to_offset(self.offset)
                    .format(time::macros::format_description!(
                        "[year]-[month]-[day] [hour]:[minute]"
                    ))
                    .ok()
            })
            .unwrap_or_default()
    }

    /// True when this flow took the event.
    pub fn handle(&self, event: &AppEvent) -> bool {
        if !self.active.get() {
            return false;
        }
        match event {
            AppEvent::CardPresented(holder) => {
                self.ask(ProgressKey::IdNumber(holder.id_number.clone()));
                true
            }
            AppEvent::Scanned(ScannedCode::Receipt(no)) => {
                self.ask(ProgressKey::Receipt(no.clone()));
                true
            }
            AppEvent::Progress { request, result } if *request == self.request.get() => {
                match result {
                    Ok(found) => {
                        let rows: Vec<CaseRow> = found
                            .cases
                            .iter()
                            .map(|c| CaseRow {
                                receipt_no: c.receipt_no.clone().into(),
                                item_name: c.item_name.clone().into(),
                                status: case_status(&c.status),
                                step: step(case_status(&c.status)),
                                updated: self.updated(&c.updated_at).into(),
                                next_step: c.next_step.clone().unwrap_or_default().into(),
                                r#where: c
                                    .pickup_window
                                    .clone()
                                    .or_else(|| {
                                        c.tracking_no.as_ref().map(|t| format!("快递单号 {t}"))
                                    })
                                    .unwrap_or_default()
                                    .into(),
                            })
                            .collect();
                        let none = rows.is_empty();
                        let offline = found.offline;
                        self.kiosk.ui(|w| {
                            let p = w.global::<Progress>();
                            p.set_cases(ModelRc::new(VecModel::from(rows)));
                            p.set_offline(offline);
                            p.set_state(if none {
                                ProgressState::None
                            } else {
                                ProgressState::Found
                            });
                        });
                        self.kiosk.show(Screen::ProgressResult);
                    }
                    Err(why) => {
                        let state = match why {
                            ProgressFailure::Offline => ProgressState::Offline,
                            ProgressFailure::Failed => ProgressState::Failed,
                        };
                        self.kiosk.ui(|w| w.global::<Progress>().set_state(state));
                    }
                }
                true
            }
            AppEvent::CardRemoved => true,
            _ => false,
        }
    }

    /// Forgets the cases shown (they name the citizen's matters).
    pub fn reset(&self) {
        self.active.set(false);
        self.request.set(self.request.get() + 1);
        self.kiosk.ui(|w| {
            let p = w.global::<Progress>();
            p.set_cases(ModelRc::default());
            p.set_offline(false);
            p.set_state(ProgressState::Ask);
        });
    }
}
