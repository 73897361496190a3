//! The desk: what the citizen flows ask of the hall and the printer ([`Desk`]). Each call
//! returns at once and runs on the kiosk's tasks; its answer reaches the UI as an
//! [`AppEvent`]. One file per kind of business; the CLI calls the same functions.

pub mod booking;
pub mod feedback;
pub mod help;
pub mod payment;
pub mod print;
pub mod submit;
pub mod ticket;

use std::sync::Arc;

use hall_link::HallLink;
use kiosk_drivers::gpio::Output;

use super::events::EventSender;
use super::gpio::{self, SharedGpio};
use crate::domain::booking::{Booked, BookingOrder};
use crate::domain::catalog::GuideItem;
use crate::domain::payment::{PaidReceipt, PayOrder};
use crate::domain::{
    AppEvent, CardHolder, CheckinKey, ComplaintOrder, Desk, IssuedTicket, ProgressKey,
    QueueFigures, RatingOrder, SubmissionOrder, TicketNames, TicketOrder,
};
use crate::health::{HealthBoard, Metrics};
use crate::printing::PrintService;
use crate::tasks::Tasks;

/// The desk the UI controllers call.
#[derive(Clone)]
pub struct LiveDesk {
    pub(super) tasks: Tasks,
    pub(super) link: HallLink,
    pub(super) tx: EventSender,
    pub(super) gpio: SharedGpio,
    /// None on a kiosk configured without a printer (`port = "none"`).
    pub(super) printer: Option<PrintService>,
    pub(super) health: HealthBoard,
    pub(super) public_url: String,
    /// In the check-in QR code of an appointment slip.
    pub(super) hall_id: String,
    pub(super) metrics: Arc<Metrics>,
}

impl Desk for LiveDesk {
    fn take_ticket(&self, request: u64, order: TicketOrder) {
        let (link, metrics, tx) = (self.link.clone(), self.metrics.clone(), self.tx.clone());
        self.tasks.spawn(async move {
            let result = ticket::issue(&link, &metrics, &order).await;
            tx.send(AppEvent::Ticket { request, result });
        });
    }

    fn check_in(&self, request: u64, key: CheckinKey) {
        let (link, tx) = (self.link.clone(), self.tx.clone());
        self.tasks.spawn(async move {
            let result = ticket::check_in(&link, key).await;
            tx.send(AppEvent::Checkin { request, result });
        });
    }

    fn print_ticket(&self, request: u64, t: &IssuedTicket, names: &TicketNames) {
        let (printer, metrics, tx) = (self.printer.clone(), self.metrics.clone(), self.tx.clone());
        let (t, names) = (t.clone(), names.clone());
        self.tasks.spawn_blocking(move || {
            let outcome = print::ticket(printer.as_ref(), &metrics, &t, &names);
            tx.send(AppEvent::Printed { request, outcome });
        });
    }

    fn reprint_held(&self, request: u64, ticket_no: &str, names: &TicketNames) {
        let (printer, metrics, tx) = (self.printer.clone(), self.metrics.clone(), self.tx.clone());
        let (no, names) = (ticket_no.to_string(), names.clone());
        self.tasks.spawn_blocking(move || {
            let outcome = print::reprint_held(printer.as_ref(), &metrics, &no, &names);
            tx.send(AppEvent::Printed { request, outcome });
        });
    }

    fn online(&self) -> bool {
        self.link.status().online
    }

    fn list_slots(&self, request: u64, item: &str, date: time::Date) {
        let (link, tx, item) = (self.link.clone(), self.tx.clone(), item.to_string());
        self.tasks.spawn(async move {
            let result = booking::slots(&link, &item, date).await;
            tx.send(AppEvent::Slots { request, result });
        });
    }

    fn cancel_appointment(&self, request: u64, appointment_no: &str) {
        let (link, tx, no) = (
            self.link.clone(),
            self.tx.clone(),
            appointment_no.to_string(),
        );
        self.tasks.spawn(async move {
            let result = booking::cancel(&link, &no).await;
            tx.send(AppEvent::AppointmentCancelled { request, result });
        });
    }

    fn book(&self, request: u64, order: BookingOrder) {
        let (link, tx) = (self.link.clone(), self.tx.clone());
        self.tasks.spawn(async move {
            let result = booking::book(&link, &order).await;
            tx.send(AppEvent::Booked { request, result });
        });
    }

    fn print_appointment(&self, request: u64, booked: &Booked, holder: &CardHolder, item: &str) {
        let (printer, metrics, tx) = (self.printer.clone(), self.metrics.clone(), self.tx.clone());
        let (booked, holder, item) = (booked.clone(), holder.clone(), item.to_string());
        let hall_id = self.hall_id.clone();
        self.tasks.spawn_blocking(move || {
            let outcome = booking::print_slip(
                printer.as_ref(),
                &metrics,
                &hall_id,
                &booked,
                &holder,
                &item,
            );
            tx.send(AppEvent::AppointmentPrinted { request, outcome });
        });
    }

    fn pay_create(&self, request: u64, order: PayOrder) {
        let (link, tx) = (self.link.clone(), self.tx.clone());
        self.tasks.spawn(async move {
            let result = payment::create(&link, &order).await;
            tx.send(AppEvent::PayCreated { request, result });
        });
    }

    fn pay_poll(&self, request: u64, key: &str) {
        let (link, tx, key) = (self.link.clone(), self.tx.clone(), key.to_string());
        self.tasks.spawn(async move {
            let result = payment::poll(&link, &key).await;
            tx.send(AppEvent::PayPolled { request, result });
        });
    }

    fn pay_cancel(&self, request: u64, key: &str) {
        let (link, tx, key) = (self.link.clone(), self.tx.clone(), key.to_string());
        self.tasks.spawn(async move {
            let result = payment::cancel(&link, &key).await;
            tx.send(AppEvent::PayCancelled { request, result });
        });
    }

    fn print_payment(&self, request: u64, receipt: PaidReceipt) {
        let (link, printer, metrics) = (
            self.link.clone(),
            self.printer.clone(),
            self.metrics.clone(),
        );
        let tx = self.tx.clone();
        self.tasks.spawn_blocking(move || {
            let outcome = payment::print_receipt(&link, printer.as_ref(), &metrics, &receipt);
            tx.send(AppEvent::PaymentPrinted { request, outcome });
        });
    }

    fn submit(&self, request: u64, order: SubmissionOrder) {
        let (link, metrics, tx) = (self.link.clone(), self.metrics.clone(), self.tx.clone());
        let (printer, public_url) = (self.printer.clone(), self.public_url.clone());
        self.tasks.spawn(async move {
            let result = submit::submit(&link, &metrics, printer, &public_url, &order).await;
            tx.send(AppEvent::Submitted { request, result });
        });
    }

    fn progress(&self, request: u64, key: ProgressKey) {
        let (link, tx) = (self.link.clone(), self.tx.clone());
        self.tasks.spawn(async move {
            let result = submit::progress(&link, key).await;
            tx.send(AppEvent::Progress { request, result });
        });
    }

    fn print_checklist(&self, request: u64, item: &GuideItem, windows: &str) {
        let (printer, metrics, tx) = (self.printer.clone(), self.metrics.clone(), self.tx.clone());
        let (item, windows) = (item.clone(), windows.to_string());
        self.tasks.spawn_blocking(move || {
            let outcome = print::checklist(printer.as_ref(), &metrics, &item, &windows);
            tx.send(AppEvent::ChecklistPrinted { request, outcome });
        });
    }

    fn refresh_queue(&self) {
        let (link, tx) = (self.link.clone(), self.tx.clone());
        self.tasks.spawn(async move {
            if let Ok(q) = link.queue().await {
                let figures = q
                    .categories
                    .into_iter()
                    .map(|c| QueueFigures {
                        category: c.code,
                        waiting: c.waiting,
                        est_wait_min: c.est_wait_min,
                    })
                    .collect();
                tx.send(AppEvent::Queue(figures));
            }
        });
    }

    fn call_help(&self, request: u64, screen: &str, on: bool) {
        gpio::set(&self.gpio, Output::HelpLamp, on);
        let ended = if on {
            self.metrics.help_calls.inc();
            self.health.help_called(hall_link::store::now_ms());
            None
        } else {
            Some(self.health.help_ended())
        };
        let me = self.clone();
        let screen = screen.to_string();
        let stop = self.tasks.stop_signal();
        self.tasks.spawn(async move {
            let desk = help::HelpDesk {
                link: &me.link,
                gpio: &me.gpio,
                health: &me.health,
                tx: &me.tx,
                stop: &stop,
            };
            match ended {
                None => desk.call(request, &screen).await,
                Some(no) => desk.close(no).await,
            }
        });
    }

    fn recent_services(&self, request: u64, id_number: String) {
        let (link, tx) = (self.link.clone(), self.tx.clone());
        self.tasks.spawn(async move {
            let result = submit::recent_services(&link, &id_number).await;
            tx.send(AppEvent::RecentServices { request, result });
        });
    }

    fn rate(&self, request: u64, order: RatingOrder) {
        let (link, tx) = (self.link.clone(), self.tx.clone());
        self.metrics.ratings.inc();
        self.tasks.spawn(async move {
            let result = feedback::rate(&link, &order).await;
            tx.send(AppEvent::Rated { request, result });
        });
    }

    fn complain(&self, request: u64, order: ComplaintOrder) {
        let (link, metrics, tx) = (self.link.clone(), self.metrics.clone(), self.tx.clone());
        let printer = self.printer.clone();
        self.tasks.spawn(async move {
            tx.send(
                match feedback::complain(&link, &metrics, printer, &order).await {
                    Some(filed) => AppEvent::Complained {
                        request,
                        complaint_no: filed.complaint_no,
                        provisional: filed.provisional,
                        slip: filed.slip,
                    },
                    None => AppEvent::ComplaintNotSaved { request },
                },
            );
        });
    }
}
