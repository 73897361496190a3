//! The PIN gate: PIN check against argon2 hashes with a lockout after repeated wrong
//! tries. Time is passed in, so the rules are tested without waiting.

use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;

/// Wrong PINs in a row that lock staff mode.
pub const MAX_TRIES: u32 = 5;

/// The longest lockout the gate keeps (the config allows at most a day).
const FOREVER: Duration = Duration::from_secs(366 * 24 * 3600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// Wrong PIN; this many tries are left before the lockout.
    Wrong { tries_left: u32 },
    /// Too many wrong PINs; try again after this long. Staff are alerted when it starts.
    Locked { remaining: Duration },
    /// Locked out more than [`LOCKOUTS_BEFORE_CODE_ONLY`] times in a row: PINs are off
    /// until someone signs in with a signed staff code.
    CodeOnly,
}

/// Each lockout in a row lasts longer (the configured one, three times it, twelve times
/// it); after this many timed lockouts, PIN entry stays off until a staff code is used.
pub const LOCKOUTS_BEFORE_CODE_ONLY: u32 = 3;
const ESCALATION: [u32; 3] = [1, 3, 12];

/// What the gate must remember across a restart (a restart must not be a free reset for
/// someone guessing PINs): kept in the kiosk's store, times on the trusted wall clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GateState {
    pub wrong: u32,
    pub lockouts: u32,
    /// Unix ms the current lockout ends at, if one is running.
    pub locked_until_ms: Option<i64>,
}

pub struct StaffGate {
    hashes: Vec<String>,
    lockout: Duration,
    wrong: u32,
    /// Lockouts in a row since the last successful sign-in.
    lockouts: u32,
    locked_until: Option<Instant>,
}

impl StaffGate {
    /// `hashes` are argon2 PHC strings (`kiosk staff hash-pin` makes them); malformed ones
    /// never match.
    pub fn new(hashes: Vec<String>, lockout: Duration) -> StaffGate {
        let lockout = lockout.min(FOREVER);
        StaffGate {
            hashes,
            lockout,
            wrong: 0,
            lockouts: 0,
            locked_until: None,
        }
    }

    /// Checks a PIN. The returned flag of `Err(Locked)` is how long is left.
    pub fn try_pin(&mut self, pin: &str, now: Instant) -> Result<(), Denied> {
        if self.code_only() {
            return Err(Denied::CodeOnly);
        }
        if let Some(until) = self.locked_until {
            if now < until {
                return Err(Denied::Locked {
                    remaining: until - now,
                });
            }
            self.locked_until = None;
            self.wrong = 0;
        }
        if self.hashes.iter().any(|h| pin_matches(pin, h)) {
            self.reset();
            return Ok(());
        }
        match self.fail(now) {
            Some(denied) => Err(denied),
            None => Err(Denied::Wrong {
                tries_left: MAX_TRIES - self.wrong,
            }),
        }
    }

    /// Counts a failed try (a wrong PIN, a refused staff code); what the gate now says when
    /// this one locks it.
    pub fn fail(&mut self, now: Instant) -> Option<Denied> {
        if self.code_only() {
            return None;
        }
        match self.locked_until {
            Some(until) if now < until => return None,
            Some(_) => {
                // The lockout ran out: a fresh count.
                self.locked_until = None;
                self.wrong = 0;
            }
            None => {}
        }
        self.wrong += 1;
        if self.wrong < MAX_TRIES {
            return None;
        }
        self.lockouts = self.lockouts.saturating_add(1);
        if self.code_only() {
            return Some(Denied::CodeOnly);
        }
        let times = ESCALATION[(self.lockouts as usize - 1).min(ESCALATION.len() - 1)];
        let lockout = self.lockout.saturating_mul(times).min(FOREVER);
        // A lockout too long for the clock is as good as forever, never a panic.
        self.locked_until = Some(now.checked_add(lockout).unwrap_or(now + FOREVER));
        Some(Denied::Locked { remaining: lockout })
    }

    /// A signed staff code signed someone in: the count and the escalation start over.
    pub fn reset(&mut self) {
        self.wrong = 0;
        self.lockouts = 0;
        self.locked_until = None;
    }

    /// PIN entry is off until a staff code is used.
    pub fn code_only(&self) -> bool {
        self.lockouts > LOCKOUTS_BEFORE_CODE_ONLY
    }

    pub fn is_locked(&self, now: Instant) -> bool {
        self.code_only() || self.locked_until.is_some_and(|u| now < u)
    }

    /// The state to keep, with the lockout's end on the wall clock (`now_ms` is `now`).
    pub fn state(&self, now: Instant, now_ms: i64) -> GateState {
        GateState {
            wrong: self.wrong,
            lockouts: self.lockouts,
            locked_until_ms: self.locked_until.filter(|u| *u > now).map(|u| {
                let left = i64::try_from((u - now).as_millis()).unwrap_or(i64::MAX);
                now_ms.saturating_add(left)
            }),
        }
    }

    /// Takes up a kept state; a lockout that ended while the kiosk was off has ended, one
    /// that has not keeps its time left (at most the longest lockout).
    pub fn restore(&mut self, state: GateState, now: Instant, now_ms: i64) {
        self.lockouts = state.lockouts.min(LOCKOUTS_BEFORE_CODE_ONLY + 1);
        self.locked_until = state
            .locked_until_ms
            .filter(|until| *until > now_ms)
            .map(|until| {
                let left = u64::try_from(until - now_ms).unwrap_or(0);
                let longest = self
                    .lockout
                    .saturating_mul(ESCALATION[ESCALATION.len() - 1]);
                now + Duration::from_millis(left).min(longest).min(FOREVER)
            });
        // A lockout that ended while the kiosk was off leaves a fresh count, as it would
        // have had the kiosk run through it.
        self.wrong = if self.locked_until.is_none() && state.wrong >= MAX_TRIES {
            0
        } else {
            state.wrong.min(MAX_TRIES)
        };
    }
}

fn pin_matches(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes a PIN for the config file (argon2id, random salt).
pub fn hash_pin(pin: &str) -> String {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any input")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate() -> StaffGate {
        StaffGate::new(
            vec![hash_pin("246810"), "not a hash".into()],
            Duration::from_secs(300),
        )
    }

    #[test]
    fn right_pin_opens_and_resets_the_count() {
        let mut g = gate();
        let t = Instant::now();
        assert_eq!(g.try_pin("000000", t), Err(Denied::Wrong { tries_left: 4 }));
        assert_eq!(g.try_pin("246810", t), Ok(()));
        assert_eq!(g.try_pin("111111", t), Err(Denied::Wrong { tries_left: 4 }));
    }

    #[test]
    fn five_wrong_pins_lock_even_the_right_one_until_the_lockout_ends() {
        let mut g = gate();
        let t = Instant::now();
        for left in (1..5).rev() {
            assert_eq!(
                g.try_pin("999999", t),
                Err(Denied::Wrong { tries_left: left })
            );
        }
        assert!(matches!(g.try_pin("999999", t), Err(Denied::Locked { .. })));
        assert!(g.is_locked(t));
        let later = t + Duration::from_secs(120);
        assert_eq!(
            g.try_pin("246810", later),
            Err(Denied::Locked {
                remaining: Duration::from_secs(180)
            })
        );
        let after = t + Duration::from_secs(301);
        assert_eq!(g.try_pin("246810", after), Ok(()));
    }

    #[test]
    fn malformed_hashes_never_match() {
        let mut g = StaffGate::new(vec!["$argon2id$broken".into()], Duration::from_secs(1));
        assert!(g.try_pin("", Instant::now()).is_err());
    }

    fn lock_out(g: &mut StaffGate, at: Instant) -> Result<(), Denied> {
        for _ in 1..MAX_TRIES {
            let _ = g.try_pin("999999", at);
        }
        g.try_pin("999999", at)
    }

    #[test]
    fn lockouts_in_a_row_grow_and_then_only_a_staff_code_opens() {
        let mut g = gate();
        let mut t = Instant::now();
        for minutes in [5, 15, 60] {
            assert_eq!(
                lock_out(&mut g, t),
                Err(Denied::Locked {
                    remaining: Duration::from_secs(minutes * 60)
                })
            );
            t += Duration::from_secs(minutes * 60 + 1);
        }
        // The fourth lockout: PINs are off, the right one included, however long it waits.
        assert_eq!(lock_out(&mut g, t), Err(Denied::CodeOnly));
        let much_later = t + Duration::from_secs(7 * 24 * 3600);
        assert_eq!(g.try_pin("246810", much_later), Err(Denied::CodeOnly));
        assert!(g.is_locked(much_later));
        g.reset();
        assert_eq!(g.try_pin("246810", much_later), Ok(()));
    }

    #[test]
    fn a_restart_keeps_the_count_the_escalation_and_the_time_left() {
        let mut g = gate();
        let t = Instant::now();
        let now_ms = 1_795_485_600_000;
        let _ = lock_out(&mut g, t);
        let kept = g.state(t + Duration::from_secs(60), now_ms + 60_000);
        assert_eq!(kept.lockouts, 1);
        assert_eq!(kept.locked_until_ms, Some(now_ms + 300_000));

        // Restarted two minutes into the lockout: three minutes are left, not a fresh gate.
        let mut again = gate();
        let t2 = Instant::now();
        again.restore(kept, t2, now_ms + 120_000);
        assert_eq!(
            again.try_pin("246810", t2),
            Err(Denied::Locked {
                remaining: Duration::from_secs(180)
            })
        );
        // Restarted after it ended: open, and the next lockout is the longer one.
        let mut later = gate();
        later.restore(kept, t2, now_ms + 400_000);
        assert_eq!(
            later.try_pin("111111", t2),
            Err(Denied::Wrong { tries_left: 4 })
        );
        assert_eq!(
            lock_out(&mut later, t2),
            Err(Denied::Locked {
                remaining: Duration::from_secs(900)
            })
        );
        // A kept state from a tampered or older file cannot mean more than the longest lockout.
        let mut odd = gate();
        odd.restore(
            GateState {
                wrong: 99,
                lockouts: 99,
                locked_until_ms: Some(i64::MAX),
            },
            t2,
            now_ms,
        );
        assert!(odd.code_only());
    }
}
