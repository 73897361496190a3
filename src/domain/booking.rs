//! Booking a later slot at the kiosk (预约): the hall's calendar of working days, the slots
//! the backend offers, and what a booking gave.

use std::collections::BTreeSet;

use time::{Date, OffsetDateTime, Weekday};

use super::CardHolder;

/// The hall's working days: a weekly pattern with the year's public holidays taken out and
/// its make-up working days (调休) put in, as the State Council publishes them each year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HallCalendar {
    /// Monday first.
    pub weekly: [bool; 7],
    pub holidays: BTreeSet<Date>,
    pub make_up_days: BTreeSet<Date>,
}

impl Default for HallCalendar {
    /// Monday to Friday, no holidays known.
    fn default() -> Self {
        HallCalendar {
            weekly: [true, true, true, true, true, false, false],
            holidays: BTreeSet::new(),
            make_up_days: BTreeSet::new(),
        }
    }
}

impl HallCalendar {
    pub fn is_working_day(&self, d: Date) -> bool {
        if self.make_up_days.contains(&d) {
            return true;
        }
        !self.holidays.contains(&d) && self.weekly[d.weekday().number_days_from_monday() as usize]
    }

    /// The first `n` working days after `today` (booking is for a later day: today's
    /// citizens take a ticket). Looks at most a year ahead, so a calendar with no working
    /// day at all gives an empty list rather than a hang.
    pub fn working_days_after(&self, today: Date, n: usize) -> Vec<Date> {
        let mut out = Vec::with_capacity(n);
        let mut d = today;
        for _ in 0..366 {
            if out.len() == n {
                break;
            }
            let Some(next) = d.next_day() else { break };
            d = next;
            if self.is_working_day(d) {
                out.push(d);
            }
        }
        out
    }
}

/// A slot the backend offers for an item on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookSlot {
    pub slot_id: String,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    /// Seats left.
    pub left: u32,
}

impl BookSlot {
    /// "09:00-09:30" in the hall's time.
    pub fn label(&self) -> String {
        format!(
            "{:02}:{:02}-{:02}:{:02}",
            self.start.hour(),
            self.start.minute(),
            self.end.hour(),
            self.end.minute()
        )
    }

    /// Whether a citizen can book it now: a seat left and not begun.
    pub fn bookable(&self, now: OffsetDateTime) -> bool {
        self.left > 0 && self.start > now
    }
}

/// What the citizen asked to book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingOrder {
    pub item_code: String,
    pub slot_id: String,
    pub applicant: CardHolder,
}

/// An appointment the backend booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub appointment_no: String,
    /// The check-in code (in the QR code, and in words on the slip).
    pub code: String,
    pub item_code: String,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub windows: Vec<String>,
}

/// An appointment a card holder holds (booked, not checked in, not cancelled), as a
/// progress query by ID card lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAppointment {
    pub appointment_no: String,
    pub item_name: String,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
}

/// Why no slots were listed or no appointment was booked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingFailure {
    /// The slot filled up between the list and the booking.
    #[error("the slot is full")]
    SlotFull,
    /// One open appointment per person and item.
    #[error("already booked for this item")]
    AlreadyBooked,
    /// The backend cannot be reached: booking is never faked offline.
    #[error("backend unreachable")]
    Offline,
    /// The backend refused; the text is for the log.
    #[error("refused: {0}")]
    Refused(String),
}

/// The payload of the check-in QR code on an appointment slip, as the kiosk's scanner
/// reads it (`hk:appt:v1:<hall_id>:<code>`).
pub fn checkin_payload(hall_id: &str, code: &str) -> String {
    format!("hk:appt:v1:{hall_id}:{code}")
}

/// "12月7日 周一" and the like: a day as the date buttons show it, in Chinese.
pub fn day_label_zh(d: Date) -> String {
    format!(
        "{}月{}日 {}",
        u8::from(d.month()),
        d.day(),
        weekday_zh(d.weekday())
    )
}

pub fn weekday_zh(w: Weekday) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][w.number_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn working_days_skip_weekends_and_holidays_and_take_make_up_days() {
        let mut cal = HallCalendar::default();
        // Thursday 2026-12-31; New Year's Day a holiday, Sunday 2027-01-03 a make-up day.
        cal.holidays.insert(date!(2027 - 01 - 01));
        cal.make_up_days.insert(date!(2027 - 01 - 03));
        assert_eq!(
            cal.working_days_after(date!(2026 - 12 - 30), 4),
            [
                date!(2026 - 12 - 31),
                date!(2027 - 01 - 03),
                date!(2027 - 01 - 04),
                date!(2027 - 01 - 05)
            ]
        );
        assert!(!cal
            .working_days_after(date!(2026 - 12 - 30), 7)
            .contains(&date!(2027 - 01 - 02)));
        let closed = HallCalendar {
            weekly: [false; 7],
            ..HallCalendar::default()
        };
        assert!(closed
            .working_days_after(date!(2026 - 12 - 30), 7)
            .is_empty());
    }

    #[test]
    fn a_slot_is_bookable_with_a_seat_left_before_it_begins() {
        let slot = BookSlot {
            slot_id: "s1".into(),
            start: datetime!(2026-12-07 09:00 +08:00),
            end: datetime!(2026-12-07 09:30 +08:00),
            left: 1,
        };
        assert_eq!(slot.label(), "09:00-09:30");
        assert!(slot.bookable(datetime!(2026-12-07 08:59 +08:00)));
        assert!(!slot.bookable(datetime!(2026-12-07 09:00 +08:00)));
        assert!(!BookSlot { left: 0, ..slot }.bookable(datetime!(2026-12-03 10:00 +08:00)));
        assert_eq!(day_label_zh(date!(2026 - 12 - 07)), "12月7日 周一");
        assert_eq!(
            checkin_payload("hall-01", "AP0042"),
            "hk:appt:v1:hall-01:AP0042"
        );
    }
}
