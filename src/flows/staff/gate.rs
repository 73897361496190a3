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
}

pub struct StaffGate {
    hashes: Vec<String>,
    lockout: Duration,
    wrong: u32,
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
            locked_until: None,
        }
    }

    /// Checks a PIN. The returned flag of `Err(Locked)` is how long is left.
    pub fn try_pin(&mut self, pin: &str, now: Instant) -> Result<(), Denied> {
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
            self.wrong = 0;
            return Ok(());
        }
        match self.fail(now) {
            Some(remaining) => Err(Denied::Locked { remaining }),
            None => Err(Denied::Wrong {
                tries_left: MAX_TRIES - self.wrong,
            }),
        }
    }

    /// Counts a failed try (a wrong PIN, a refused staff code); the lockout's length when
    /// this one locks the gate.
    pub fn fail(&mut self, now: Instant) -> Option<Duration> {
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
        // A lockout too long for the clock is as good as forever, never a panic.
        self.locked_until = Some(now.checked_add(self.lockout).unwrap_or(now + FOREVER));
        Some(self.lockout)
    }

    pub fn is_locked(&self, now: Instant) -> bool {
        self.locked_until.is_some_and(|u| now < u)
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
}
