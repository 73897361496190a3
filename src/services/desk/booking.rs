//! Booking a later slot: the day's slots and the booking itself, from the backend only
//! (an appointment the backend does not hold would send a citizen on a wasted trip), and
//! the appointment slip. The touch screen and `kiosk appointment` both come here.

use hall_link::{api, BookingError, HallLink};
use kiosk_drivers::printer::layout::AppointmentSlip;
use time::{Date, OffsetDateTime};

use crate::domain::booking::{
    checkin_payload, weekday_zh, BookSlot, Booked, BookingFailure, BookingOrder,
};
use crate::domain::privacy::{mask_id, mask_name};
use crate::domain::{CardHolder, PrintOutcome};
use crate::health::Metrics;
use crate::printing::PrintService;
use crate::services::convert::rfc3339;

fn failure(e: BookingError) -> BookingFailure {
    match e {
        BookingError::SlotFull => BookingFailure::SlotFull,
        BookingError::AlreadyBooked => BookingFailure::AlreadyBooked,
        BookingError::Offline(_) => BookingFailure::Offline,
        other => BookingFailure::Refused(other.kind().to_string()),
    }
}

fn time_of(s: &str) -> Result<OffsetDateTime, BookingFailure> {
    rfc3339(s).ok_or_else(|| BookingFailure::Refused("bad time in the backend's answer".into()))
}

/// The slots of `item` on `date`, as the backend lists them.
pub async fn slots(
    link: &HallLink,
    item: &str,
    date: Date,
) -> Result<Vec<BookSlot>, BookingFailure> {
    let answer = link.slots(item, &date.to_string()).await.map_err(failure)?;
    answer
        .slots
        .into_iter()
        .map(|s| {
            Ok(BookSlot {
                start: time_of(&s.start)?,
                end: time_of(&s.end)?,
                slot_id: s.slot_id,
                left: s.left,
            })
        })
        .collect()
}

/// Books the slot for the card holder.
pub async fn book(link: &HallLink, order: &BookingOrder) -> Result<Booked, BookingFailure> {
    let request = api::AppointmentRequest {
        item_code: order.item_code.clone(),
        slot_id: order.slot_id.clone(),
        applicant: api::BookingApplicant {
            name: order.applicant.name.clone(),
            id_number: order.applicant.id_number.clone(),
            phone: None,
        },
    };
    let b = link.book(request).await.map_err(failure)?;
    tracing::info!("appointment booked");
    Ok(Booked {
        start: time_of(&b.start)?,
        end: time_of(&b.end)?,
        appointment_no: b.appointment_no,
        code: b.code,
        item_code: b.item_code,
        windows: b.windows,
    })
}

/// Cancels an appointment (the card holder's, from a progress query by ID card).
pub async fn cancel(link: &HallLink, appointment_no: &str) -> Result<(), BookingFailure> {
    link.cancel_appointment(appointment_no)
        .await
        .map_err(failure)?;
    tracing::info!("appointment cancelled");
    Ok(())
}

/// Prints the appointment slip: the matter, the time, the window, the holder masked, and
/// the QR code the kiosk's check-in accepts.
pub fn print_slip(
    printer: Option<&PrintService>,
    metrics: &Metrics,
    hall_id: &str,
    booked: &Booked,
    holder: &CardHolder,
    item_name: &str,
) -> PrintOutcome {
    let start = booked.start;
    let day = format!("{} {}", start.date(), weekday_zh(start.weekday()));
    let hours = format!(
        "{:02}:{:02}-{:02}:{:02}",
        start.hour(),
        start.minute(),
        booked.end.hour(),
        booked.end.minute()
    );
    let applicant = format!("{} {}", mask_name(&holder.name), mask_id(&holder.id_number));
    let slip = AppointmentSlip {
        // The print service puts in the hall's name and the time of printing.
        hall: String::new(),
        item: item_name.to_string(),
        day,
        hours,
        windows: booked.windows.join(", "),
        applicant,
        appointment_no: booked.appointment_no.clone(),
        code: booked.code.clone(),
        checkin_qr: checkin_payload(hall_id, &booked.code),
        booked_at: String::new(),
    };
    let outcome = printer.map_or(PrintOutcome::PrinterOffline, |p| p.appointment(slip));
    metrics.count_print("appointment", outcome);
    outcome
}
