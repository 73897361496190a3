//! Events from the devices and the desk, on the UI thread: each goes to the flow that owns
//! it (an answer to the flow that asked, a card or a code to the flow whose screen is up).

use std::rc::Rc;

use slint::ComponentHandle;

use super::Kiosk;
use crate::domain::{AppEvent, ScannedCode};
use crate::ui::{Demo, Feature, Nav, Screen};

impl Kiosk {
    /// Drains events sent from device and backend tasks; runs on the UI thread. Returns
    /// how many were handled.
    pub fn pump(self: &Rc<Self>) -> usize {
        let mut handled = 0;
        loop {
            let event = match self.events.borrow().as_ref().and_then(|rx| rx.try_recv()) {
                Some(e) => e,
                None => break,
            };
            handled += 1;
            self.dispatch(event);
        }
        handled
    }

    fn dispatch(self: &Rc<Self>, event: AppEvent) {
        match &event {
            AppEvent::Catalog(c) => {
                self.set_catalog(c);
                return;
            }
            AppEvent::HelpButton => {
                self.screen.activity();
                if !self.help.active() {
                    self.open(Feature::Help);
                }
                return;
            }
            AppEvent::Presence => {
                self.screen.activity();
                return;
            }
            AppEvent::Scanned(ScannedCode::Staff {
                staff_id,
                expires,
                refused,
            }) => {
                self.screen.activity();
                let now = self.now().unix_timestamp();
                self.staff()
                    .sign_in_by_code(staff_id, *expires, now, *refused);
                return;
            }
            AppEvent::DemoStatus(s) => {
                self.window.global::<Demo>().set_status(s.clone().into());
                return;
            }
            AppEvent::CardRemoved => self.session.borrow_mut().card_present = false,
            AppEvent::CardPresented(_) => self.session.borrow_mut().card_present = true,
            _ => {}
        }
        if matches!(event, AppEvent::CardPresented(_) | AppEvent::Scanned(_)) {
            self.screen.activity();
        }
        // Staff testing a device see what it read; citizens' flows never get it.
        if self.staff().take_test_event(&event) {
            return;
        }
        // An answer goes to the flow that asked; a card or a code to the flow on screen.
        let owner = Flow::of_answer(&event)
            .or_else(|| Flow::of_screen(self.window.global::<Nav>().get_screen()));
        let handled = match owner {
            Some(Flow::Ticket) => self.ticket.handle(&event),
            Some(Flow::Booking) => self.booking.handle(&event),
            Some(Flow::Payment) => self.payment.handle(&event),
            Some(Flow::Help) => self.help.handle(&event),
            Some(Flow::Feedback) => self.feedback.handle(&event),
            Some(Flow::Guide) => self.guide.handle(&event),
            Some(Flow::Submit) => self.submit.handle(&event),
            Some(Flow::Progress) => self.progress.handle(&event),
            None => false,
        };
        // The ticket flow's answers arrive while the citizen only watches (queue figures,
        // a print): they are not the citizen's activity.
        let citizen_acted = owner != Some(Flow::Ticket)
            || matches!(event, AppEvent::CardPresented(_) | AppEvent::Scanned(_));
        if handled && citizen_acted {
            self.activity();
        }
    }
}

/// The citizen flows, as owners of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Ticket,
    Booking,
    Payment,
    Help,
    Feedback,
    Guide,
    Submit,
    Progress,
}

impl Flow {
    /// The flow an answer from the desk belongs to; None for the devices' events.
    fn of_answer(event: &AppEvent) -> Option<Flow> {
        match event {
            AppEvent::Ticket { .. }
            | AppEvent::Checkin { .. }
            | AppEvent::Printed { .. }
            | AppEvent::Queue(_) => Some(Flow::Ticket),
            AppEvent::Slots { .. }
            | AppEvent::Booked { .. }
            | AppEvent::AppointmentPrinted { .. } => Some(Flow::Booking),
            AppEvent::PayCreated { .. }
            | AppEvent::PayPolled { .. }
            | AppEvent::PayCancelled { .. }
            | AppEvent::PaymentPrinted { .. } => Some(Flow::Payment),
            AppEvent::Help { .. } => Some(Flow::Help),
            AppEvent::Rated { .. }
            | AppEvent::Complained { .. }
            | AppEvent::ComplaintNotSaved { .. }
            | AppEvent::RecentServices { .. } => Some(Flow::Feedback),
            AppEvent::ChecklistPrinted { .. } => Some(Flow::Guide),
            AppEvent::Submitted { .. } => Some(Flow::Submit),
            AppEvent::Progress { .. } | AppEvent::AppointmentCancelled { .. } => {
                Some(Flow::Progress)
            }
            _ => None,
        }
    }

    /// The flow a screen belongs to: it takes the cards and codes shown while it is up.
    /// Exhaustive, so a new screen must say whose it is.
    fn of_screen(screen: Screen) -> Option<Flow> {
        match screen {
            Screen::TicketCategories
            | Screen::TicketMethod
            | Screen::TicketCardWait
            | Screen::TicketPrinting
            | Screen::TicketIssued
            | Screen::TicketFailed
            | Screen::Checkin
            | Screen::CheckinNotFound => Some(Flow::Ticket),
            Screen::BookPick
            | Screen::BookCard
            | Screen::BookDate
            | Screen::BookSlot
            | Screen::BookConfirm
            | Screen::BookBooking
            | Screen::BookDone
            | Screen::BookFailed => Some(Flow::Booking),
            Screen::PayMethod
            | Screen::PayQr
            | Screen::PayScan
            | Screen::PayDone
            | Screen::PayFailed => Some(Flow::Payment),
            Screen::HelpCalled => Some(Flow::Help),
            Screen::RatingStart
            | Screen::Rating
            | Screen::RatingReasons
            | Screen::RatingDone
            | Screen::Complaint
            | Screen::ComplaintDone => Some(Flow::Feedback),
            Screen::GuideList | Screen::GuideDetail => Some(Flow::Guide),
            Screen::SubmitPick
            | Screen::SubmitCard
            | Screen::SubmitForm
            | Screen::SubmitMaterials
            | Screen::SubmitReview
            | Screen::SubmitSending
            | Screen::SubmitDone
            | Screen::SubmitFailed => Some(Flow::Submit),
            Screen::Progress | Screen::ProgressResult => Some(Flow::Progress),
            Screen::Home
            | Screen::Unavailable
            | Screen::StaffPin
            | Screen::StaffStatus
            | Screen::StaffOutbox
            | Screen::StaffTest
            | Screen::OutOfService => None,
        }
    }
}
