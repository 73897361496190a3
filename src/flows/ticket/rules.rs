//! Taking a queue ticket: which categories are open, the priority a card holder gets, and
//! whether a card may be used.

use time::{Date, Time, Weekday};

use crate::domain::hours::OpeningHours;
use crate::domain::Priority;

/// Age from which a card holder gets the elderly priority by law of most provinces'
/// 适老化 rules for halls.
pub const ELDERLY_AGE: u32 = 65;

/// Full years between `birth` and `today` (a birthday today counts).
pub fn age_on(birth: Date, today: Date) -> u32 {
    let mut age = today.year() - birth.year();
    if (today.month() as u8, today.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

/// The priority a ticket carries: a choice the citizen made wins (it may be more specific),
/// otherwise a card holder of 65 or more gets the elderly priority. The flag says the
/// priority came from the card, so the screen can say why.
pub fn priority_for(
    chosen: Option<Priority>,
    birth: Option<Date>,
    today: Date,
) -> (Option<Priority>, bool) {
    if chosen.is_some() {
        return (chosen, false);
    }
    match birth {
        Some(b) if age_on(b, today) >= ELDERLY_AGE => (Some(Priority::Elderly), true),
        _ => (None, false),
    }
}

/// Whether a card's validity has run out: `valid_until` None means 长期 (long-term).
pub fn card_expired(valid_until: Option<Date>, today: Date) -> bool {
    valid_until.is_some_and(|until| until < today)
}

/// Whether tickets for a category may be taken now: the kiosk's own hours and the
/// category's hours from the catalog must both be open. Returns the next opening when closed.
pub fn ticketing_open(
    kiosk: &OpeningHours,
    category_hours: Option<&str>,
    day: Weekday,
    at: Time,
) -> Result<(), Option<(u8, Time)>> {
    let category = category_hours.and_then(|h| OpeningHours::parse(h).ok());
    let open = kiosk.is_open(day, at) && category.as_ref().is_none_or(|c| c.is_open(day, at));
    if open {
        return Ok(());
    }
    // The next minute at which both are open, within a week: cheap, and right for any
    // mix of the two schedules.
    let start = u32::from(at.hour()) * 60 + u32::from(at.minute()) + 1;
    let next = (start..start + 8 * 24 * 60).find_map(|m| {
        let ahead = (m / (24 * 60)) as u8;
        let minute = m % (24 * 60);
        let t = Time::from_hms((minute / 60) as u8, (minute % 60) as u8, 0).ok()?;
        let d = weekday_plus(day, ahead);
        let open = kiosk.is_open(d, t) && category.as_ref().is_none_or(|c| c.is_open(d, t));
        open.then_some((ahead, t))
    });
    Err(next)
}

fn weekday_plus(day: Weekday, n: u8) -> Weekday {
    (0..n).fold(day, |d, _| d.next())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, time};

    #[test]
    fn age_counts_birthdays_on_the_day() {
        assert_eq!(age_on(date!(1950 - 03 - 07), date!(2015 - 03 - 06)), 64);
        assert_eq!(age_on(date!(1950 - 03 - 07), date!(2015 - 03 - 07)), 65);
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2001 - 02 - 28)), 0);
    }

    #[test]
    fn card_holders_of_65_get_elderly_priority_unless_they_chose_one() {
        let today = date!(2026 - 11 - 24);
        assert_eq!(
            priority_for(None, Some(date!(1950 - 03 - 07)), today),
            (Some(Priority::Elderly), true)
        );
        assert_eq!(
            priority_for(None, Some(date!(1961 - 11 - 25)), today),
            (None, false),
            "65 tomorrow"
        );
        assert_eq!(
            priority_for(Some(Priority::Disabled), Some(date!(1950 - 03 - 07)), today),
            (Some(Priority::Disabled), false)
        );
        assert_eq!(priority_for(None, None, today), (None, false));
    }

    #[test]
    fn expiry_compares_with_the_hall_date() {
        let today = date!(2026 - 11 - 24);
        assert!(card_expired(Some(date!(2026 - 01 - 08)), today));
        assert!(!card_expired(Some(today), today));
        assert!(!card_expired(None, today), "长期 never expires");
    }

    #[test]
    fn category_closed_outside_either_hours_with_next_opening() {
        let kiosk = OpeningHours::parse("mon-fri 08:30-17:30").unwrap();
        assert_eq!(
            ticketing_open(&kiosk, Some("09:00-17:00"), Weekday::Tuesday, time!(10:00)),
            Ok(())
        );
        assert_eq!(
            ticketing_open(&kiosk, Some("09:00-17:00"), Weekday::Tuesday, time!(08:45)),
            Err(Some((0, time!(09:00))))
        );
        assert_eq!(
            ticketing_open(&kiosk, Some("09:00-17:00"), Weekday::Friday, time!(17:10)),
            Err(Some((3, time!(09:00)))),
            "Monday"
        );
        assert!(ticketing_open(&OpeningHours::Always, None, Weekday::Sunday, time!(03:00)).is_ok());
    }
}
