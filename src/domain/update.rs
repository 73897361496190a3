//! Software updates into the other root slot: what an offered bundle means for this kiosk,
//! and when it may be installed and the kiosk restarted into it. No I/O: `kiosk update`
//! applies these rules to what RAUC and the running kiosk report, and the staff screen
//! shows the outcome.

use time::OffsetDateTime;

use super::hours::{DailyRange, OpeningHours};

/// How long the home screen must have stood untouched before a restart: a citizen who just
/// finished may still be reading the ticket's screen or coming back for a second one.
pub const HOME_SETTLE_S: i64 = 120;

/// Who is at the screen, as the running kiosk last wrote it (`update.presence_file`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// No kiosk is running: nobody can be using it.
    NoKiosk,
    /// The home (or out-of-service) screen, untouched since this Unix time.
    Home { since_s: i64 },
    /// A citizen or staff member is using the screen, since this Unix time.
    InUse { since_s: i64 },
}

impl Presence {
    /// The file's one line: "home 1764720000" or "in-use 1764720000".
    pub fn line(&self) -> Option<String> {
        match self {
            Presence::NoKiosk => None,
            Presence::Home { since_s } => Some(format!("home {since_s}\n")),
            Presence::InUse { since_s } => Some(format!("in-use {since_s}\n")),
        }
    }

    /// Reads the file's line; anything else (a half-written file cannot happen, it is
    /// renamed into place) is taken as in use, so a doubt never restarts a kiosk.
    pub fn parse(line: &str) -> Presence {
        let mut parts = line.split_whitespace();
        let since = parts.nth(1).and_then(|s| s.parse().ok());
        match (line.split_whitespace().next(), since) {
            (Some("home"), Some(since_s)) => Presence::Home { since_s },
            (_, since) => Presence::InUse {
                since_s: since.unwrap_or(i64::MAX),
            },
        }
    }
}

/// Why an update waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// The hall is open (`ui.opening_hours`).
    OpeningHours,
    /// Outside the hall's update window (`update.window`).
    Window,
    /// Someone is using the screen, or left it less than [`HOME_SETTLE_S`] ago.
    InUse,
}

impl Wait {
    pub fn code(self) -> &'static str {
        match self {
            Wait::OpeningHours => "opening-hours",
            Wait::Window => "window",
            Wait::InUse => "in-use",
        }
    }
}

/// An installation writes only the slot that is not running, so citizens could go on; it
/// still waits for the hall to close and the window to open, because writing a root file
/// system slows the card and a failed write would show staff a warning during service.
pub fn may_install(
    now: OffsetDateTime,
    hours: &OpeningHours,
    window: &DailyRange,
) -> Result<(), Wait> {
    // A 24-hour self-service zone ("always") is never closed: the window alone decides.
    if !matches!(hours, OpeningHours::Always) && hours.is_open(now.weekday(), now.time()) {
        return Err(Wait::OpeningHours);
    }
    if !window.contains(now.time()) {
        return Err(Wait::Window);
    }
    Ok(())
}

/// A restart takes the screen away for a minute: on top of the install's rules, nobody may
/// be at it.
pub fn may_restart(
    now: OffsetDateTime,
    hours: &OpeningHours,
    window: &DailyRange,
    presence: Presence,
) -> Result<(), Wait> {
    may_install(now, hours, window)?;
    match presence {
        Presence::NoKiosk => Ok(()),
        Presence::Home { since_s } if now.unix_timestamp() - since_s >= HOME_SETTLE_S => Ok(()),
        _ => Err(Wait::InUse),
    }
}

/// The other root slot as RAUC reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherSlot {
    /// The bundle version written into it, if RAUC ever wrote one.
    pub version: Option<String>,
    /// RAUC's boot status: false once it was marked bad (a failed trial boot, or a write
    /// that was interrupted).
    pub good: bool,
    /// The bootloader will start it next (an installed update waiting for its restart).
    pub primary: bool,
}

/// What an offered bundle means for this kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    /// The running slot has this version.
    UpToDate,
    /// The other slot holds it and boots next: only the restart is left.
    RestartPending,
    /// The other slot had it and it failed (rolled back, or the write broke off): not
    /// installed again on its own, or each night would end in the same rollback. A
    /// technician's `kiosk update install --now` still may.
    FailedBefore,
    /// A version this kiosk does not run: install it.
    Install,
}

/// Any version other than the running one is installed: RAUC does not order versions, and
/// hall IT decide what the fleet runs (a bundle put back on the server is a downgrade they
/// chose).
pub fn judge(offered: &str, running: &str, other: Option<&OtherSlot>) -> Offer {
    if offered == running {
        return Offer::UpToDate;
    }
    match other {
        Some(o) if o.version.as_deref() == Some(offered) && restart_pending(Some(o)) => {
            Offer::RestartPending
        }
        Some(o) if o.version.as_deref() == Some(offered) && !o.good => Offer::FailedBefore,
        _ => Offer::Install,
    }
}

/// An update is installed and waits for its restart: the other slot boots next and is good.
/// Known from the slots alone, so it holds when no source offers anything (an update from a
/// USB stick, since taken out) or the source cannot be read tonight: the restart still comes.
pub fn restart_pending(other: Option<&OtherSlot>) -> bool {
    other.is_some_and(|o| o.primary && o.good && o.version.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn hours() -> OpeningHours {
        OpeningHours::parse("mon-fri 08:30-17:30").unwrap()
    }
    fn window() -> DailyRange {
        DailyRange::parse("02:00-05:00").unwrap()
    }

    #[test]
    fn an_install_waits_for_closing_time_and_the_window() {
        // Wednesday 2026-12-02.
        let open = datetime!(2026-12-02 10:00 +8);
        let evening = datetime!(2026-12-02 19:00 +8);
        let night = datetime!(2026-12-03 03:00 +8);
        assert_eq!(
            may_install(open, &hours(), &window()),
            Err(Wait::OpeningHours)
        );
        assert_eq!(may_install(evening, &hours(), &window()), Err(Wait::Window));
        assert_eq!(may_install(night, &hours(), &window()), Ok(()));
        // A 24-hour hall: the window alone.
        let always = OpeningHours::Always;
        assert_eq!(may_install(open, &always, &window()), Err(Wait::Window));
        assert_eq!(may_install(night, &always, &window()), Ok(()));
        // A window over midnight.
        let late = DailyRange::parse("23:00-01:00").unwrap();
        assert_eq!(
            may_install(datetime!(2026-12-03 00:30 +8), &hours(), &late),
            Ok(())
        );
    }

    #[test]
    fn a_restart_needs_the_screen_at_home_and_left_alone() {
        let night = datetime!(2026-12-03 03:00 +8);
        let t = night.unix_timestamp();
        let restart = |p| may_restart(night, &hours(), &window(), p);
        assert_eq!(restart(Presence::NoKiosk), Ok(()));
        assert_eq!(restart(Presence::Home { since_s: t - 600 }), Ok(()));
        assert_eq!(
            restart(Presence::Home { since_s: t - 30 }),
            Err(Wait::InUse)
        );
        assert_eq!(
            restart(Presence::InUse { since_s: t - 600 }),
            Err(Wait::InUse)
        );
        // Opening hours come first, whoever is at the screen.
        assert_eq!(
            may_restart(
                datetime!(2026-12-02 10:00 +8),
                &hours(),
                &window(),
                Presence::NoKiosk
            ),
            Err(Wait::OpeningHours)
        );
    }

    #[test]
    fn the_presence_line_reads_back_and_doubt_means_in_use() {
        for p in [
            Presence::Home { since_s: 17 },
            Presence::InUse { since_s: 9 },
        ] {
            assert_eq!(Presence::parse(&p.line().unwrap()), p);
        }
        assert!(matches!(Presence::parse(""), Presence::InUse { .. }));
        assert!(matches!(Presence::parse("home"), Presence::InUse { .. }));
        assert!(matches!(
            Presence::parse("home soon"),
            Presence::InUse { .. }
        ));
    }

    #[test]
    fn an_offer_is_judged_against_both_slots() {
        let other = |v: &str, good, primary| OtherSlot {
            version: Some(v.into()),
            good,
            primary,
        };
        assert_eq!(judge("0.2.0", "0.2.0", None), Offer::UpToDate);
        assert_eq!(judge("0.2.0", "0.1.0", None), Offer::Install);
        assert_eq!(
            judge("0.2.0", "0.1.0", Some(&other("0.2.0", true, true))),
            Offer::RestartPending
        );
        assert_eq!(
            judge("0.2.0", "0.1.0", Some(&other("0.2.0", false, false))),
            Offer::FailedBefore
        );
        // The other slot holds an older bundle, or the offered one but not set to boot
        // (a technician switched back): write it again.
        assert_eq!(
            judge("0.2.0", "0.1.0", Some(&other("0.1.5", true, false))),
            Offer::Install
        );
        assert_eq!(
            judge("0.2.0", "0.1.0", Some(&other("0.2.0", true, false))),
            Offer::Install
        );
        // A downgrade hall IT put on the server is installed too.
        assert_eq!(judge("0.1.0", "0.2.0", None), Offer::Install);
    }

    #[test]
    fn a_restart_is_pending_from_the_slots_alone() {
        let installed = OtherSlot {
            version: Some("0.2.0".into()),
            good: true,
            primary: true,
        };
        assert!(restart_pending(Some(&installed)));
        // Rolled back (marked bad), or the previous slot after a good boot (not primary),
        // or never written: nothing to restart into.
        let bad = OtherSlot {
            good: false,
            ..installed.clone()
        };
        let previous = OtherSlot {
            primary: false,
            ..installed.clone()
        };
        let empty = OtherSlot {
            version: None,
            ..installed.clone()
        };
        for o in [bad, previous, empty] {
            assert!(!restart_pending(Some(&o)));
        }
        assert!(!restart_pending(None));
    }
}
