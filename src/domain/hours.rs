//! Opening hours: "always" (24-hour self-service) or ranges such as
//! "mon-fri 08:30-17:30; sat 09:00-12:00". Category hours from the catalog use the bare
//! "08:30-17:30" form, which means every day.

use time::{Time, Weekday};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpeningHours {
    Always,
    Ranges(Vec<Range>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    /// Days as 0 = Monday .. 6 = Sunday, inclusive.
    pub first_day: u8,
    pub last_day: u8,
    pub open: Time,
    pub close: Time,
}

/// Why an opening-hours text was refused; the texts name the offending part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("{0:?} is not a range like 08:30-17:30")]
    NotARange(String),
    #[error("{0:?} closes before it opens")]
    Backwards(String),
    #[error("is empty; use \"always\" for 24-hour service")]
    Empty,
    #[error("{0:?} is not a day (mon..sun)")]
    NotADay(String),
    #[error("{0:?}: days must run forward (mon-fri)")]
    DaysBackwards(String),
    #[error("{0:?} is not a time like 08:30")]
    NotATime(String),
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl OpeningHours {
    pub fn parse(s: &str) -> Result<OpeningHours, HoursError> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("always") || s == "24h" {
            return Ok(OpeningHours::Always);
        }
        let mut ranges = Vec::new();
        for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (days, hours) = match part.split_once(' ') {
                Some((d, h)) => (d.trim(), h.trim()),
                None => ("mon-sun", part),
            };
            let (first_day, last_day) = parse_days(days)?;
            let (open, close) = hours
                .split_once('-')
                .ok_or_else(|| HoursError::NotARange(hours.into()))?;
            let open = parse_time(open)?;
            let close = parse_time(close)?;
            if close <= open {
                return Err(HoursError::Backwards(hours.into()));
            }
            ranges.push(Range {
                first_day,
                last_day,
                open,
                close,
            });
        }
        if ranges.is_empty() {
            return Err(HoursError::Empty);
        }
        Ok(OpeningHours::Ranges(ranges))
    }

    pub fn is_open(&self, day: Weekday, at: Time) -> bool {
        match self {
            OpeningHours::Always => true,
            OpeningHours::Ranges(ranges) => {
                let d = day.number_days_from_monday();
                ranges
                    .iter()
                    .any(|r| r.first_day <= d && d <= r.last_day && r.open <= at && at < r.close)
            }
        }
    }

    /// The next opening after `at` on `day` within a week: (days ahead, time).
    pub fn next_opening(&self, day: Weekday, at: Time) -> Option<(u8, Time)> {
        let OpeningHours::Ranges(ranges) = self else {
            return None;
        };
        let today = day.number_days_from_monday();
        (0..8u8).find_map(|ahead| {
            let d = (today + ahead) % 7;
            ranges
                .iter()
                .filter(|r| r.first_day <= d && d <= r.last_day)
                .filter(|r| ahead > 0 || r.open > at)
                .map(|r| r.open)
                .min()
                .map(|t| (ahead, t))
        })
    }
}

fn parse_days(s: &str) -> Result<(u8, u8), HoursError> {
    let day = |d: &str| {
        DAYS.iter()
            .position(|x| x.eq_ignore_ascii_case(d))
            .map(|p| p as u8)
            .ok_or_else(|| HoursError::NotADay(d.into()))
    };
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (day(a)?, day(b)?);
            if b < a {
                return Err(HoursError::DaysBackwards(s.into()));
            }
            Ok((a, b))
        }
        None => day(s).map(|d| (d, d)),
    }
}

/// A daily range of the clock, possibly over midnight ("21:00-08:00").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyRange {
    from: Time,
    to: Time,
}

impl DailyRange {
    pub fn parse(s: &str) -> Result<DailyRange, HoursError> {
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| HoursError::NotARange(s.into()))?;
        Ok(DailyRange {
            from: parse_time(a)?,
            to: parse_time(b)?,
        })
    }

    pub fn contains(&self, t: Time) -> bool {
        if self.from <= self.to {
            self.from <= t && t < self.to
        } else {
            t >= self.from || t < self.to
        }
    }
}

pub(crate) fn parse_time(s: &str) -> Result<Time, HoursError> {
    let (h, m) = s
        .trim()
        .split_once(':')
        .ok_or_else(|| HoursError::NotATime(s.into()))?;
    let bad = || HoursError::NotATime(s.into());
    let h: u8 = h.parse().map_err(|_| bad())?;
    let m: u8 = m.parse().map_err(|_| bad())?;
    if h == 24 && m == 0 {
        return Ok(Time::from_hms(23, 59, 59).expect("valid"));
    }
    Time::from_hms(h, m, 0).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::time;

    #[test]
    fn weekday_ranges_open_and_close_on_time() {
        let h = OpeningHours::parse("mon-fri 08:30-17:30; sat 09:00-12:00").unwrap();
        assert!(h.is_open(Weekday::Monday, time!(08:30)));
        assert!(!h.is_open(Weekday::Monday, time!(17:30)));
        assert!(h.is_open(Weekday::Saturday, time!(11:59)));
        assert!(!h.is_open(Weekday::Sunday, time!(10:00)));
        assert_eq!(
            h.next_opening(Weekday::Saturday, time!(13:00)),
            Some((2, time!(08:30)))
        );
        assert_eq!(
            h.next_opening(Weekday::Monday, time!(07:00)),
            Some((0, time!(08:30)))
        );
    }

    #[test]
    fn bare_range_means_every_day_and_always_never_closes() {
        let h = OpeningHours::parse("08:30-17:30").unwrap();
        assert!(h.is_open(Weekday::Sunday, time!(09:00)));
        assert!(OpeningHours::parse("always")
            .unwrap()
            .is_open(Weekday::Sunday, time!(03:00)));
    }

    #[test]
    fn malformed_hours_are_rejected_with_a_reason() {
        for bad in [
            "",
            "mon-fri",
            "fri-mon 08:00-09:00",
            "08:00-07:00",
            "xyz 08:00-09:00",
            "8-17",
        ] {
            assert!(OpeningHours::parse(bad).is_err(), "{bad:?} should fail");
        }
    }
}
