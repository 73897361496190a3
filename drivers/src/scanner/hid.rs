//! HID keyboard-wedge scanners: the scanner "types" each code and presses Enter.
//!
//! The device is grabbed exclusively (EVIOCGRAB) so its keystrokes never reach the UI.
//! Translation from Linux key codes to bytes is a pure function ([`HidLineDecoder`]) so it can
//! be tested without a device. PRC keyboards use the US key positions; what differs on a
//! Chinese scanner is how it types Chinese: Alt held while the GBK code is typed in decimal on
//! the numpad ("Alt+小键盘" mode). [`KeyLayout::Chinese`] turns those into GBK bytes, which
//! then decode as GB18030 like any serial payload.

use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::line::{LineAssembler, LineEvent, LineRules, Rejection, Terminator};
use super::serial::line_reads;
use super::{DeviceRead, ScanDevice, ScanError, ScanSource};

/// Key map of a keyboard-wedge scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum KeyLayout {
    /// US QWERTY; Alt+numpad codes only for ASCII.
    #[default]
    Us,
    /// PRC layout (US key positions) plus Alt+numpad decimal GBK codes for Chinese text.
    Chinese,
}

impl KeyLayout {
    fn name(self) -> &'static str {
        match self {
            KeyLayout::Us => "US",
            KeyLayout::Chinese => "Chinese",
        }
    }
}

impl std::str::FromStr for KeyLayout {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "us" => Ok(KeyLayout::Us),
            "chinese" | "zh" | "cn" => Ok(KeyLayout::Chinese),
            other => Err(format!("key layout {other:?} is not one of us, chinese")),
        }
    }
}

/// Linux input key codes (linux/input-event-codes.h) the decoder knows.
pub mod keys {
    pub const KEY_ENTER: u16 = 28;
    pub const KEY_LEFTSHIFT: u16 = 42;
    pub const KEY_RIGHTSHIFT: u16 = 54;
    pub const KEY_LEFTALT: u16 = 56;
    pub const KEY_RIGHTALT: u16 = 100;
    pub const KEY_CAPSLOCK: u16 = 58;
    pub const KEY_KPENTER: u16 = 96;
    /// KP0..KP9 in digit order.
    pub const KEYPAD_DIGITS: [u16; 10] = [82, 79, 80, 81, 75, 76, 77, 71, 72, 73];
    /// Keys whose presses carry no character and are ignored: ctrl, num lock, scroll lock.
    pub const IGNORED: [u16; 4] = [29, 97, 69, 70];
}
use keys::*;

/// (key code, unshifted, shifted) of the US main block.
const US_KEYS: &[(u16, u8, u8)] = &[
    (2, b'1', b'!'),
    (3, b'2', b'@'),
    (4, b'3', b'#'),
    (5, b'4', b'$'),
    (6, b'5', b'%'),
    (7, b'6', b'^'),
    (8, b'7', b'&'),
    (9, b'8', b'*'),
    (10, b'9', b'('),
    (11, b'0', b')'),
    (12, b'-', b'_'),
    (13, b'=', b'+'),
    (15, b'\t', b'\t'),
    (16, b'q', b'Q'),
    (17, b'w', b'W'),
    (18, b'e', b'E'),
    (19, b'r', b'R'),
    (20, b't', b'T'),
    (21, b'y', b'Y'),
    (22, b'u', b'U'),
    (23, b'i', b'I'),
    (24, b'o', b'O'),
    (25, b'p', b'P'),
    (26, b'[', b'{'),
    (27, b']', b'}'),
    (30, b'a', b'A'),
    (31, b's', b'S'),
    (32, b'd', b'D'),
    (33, b'f', b'F'),
    (34, b'g', b'G'),
    (35, b'h', b'H'),
    (36, b'j', b'J'),
    (37, b'k', b'K'),
    (38, b'l', b'L'),
    (39, b';', b':'),
    (40, b'\'', b'"'),
    (41, b'`', b'~'),
    (43, b'\\', b'|'),
    (44, b'z', b'Z'),
    (45, b'x', b'X'),
    (46, b'c', b'C'),
    (47, b'v', b'V'),
    (48, b'b', b'B'),
    (49, b'n', b'N'),
    (50, b'm', b'M'),
    (51, b',', b'<'),
    (52, b'.', b'>'),
    (53, b'/', b'?'),
    (57, b' ', b' '),
    // Keypad (num lock on, as scanners assume).
    (55, b'*', b'*'),
    (74, b'-', b'-'),
    (78, b'+', b'+'),
    (83, b'.', b'.'),
    (98, b'/', b'/'),
];

fn keypad_digit(code: u16) -> Option<u32> {
    KEYPAD_DIGITS
        .iter()
        .position(|&k| k == code)
        .map(|d| d as u32)
}

/// The byte a key gives in the US main block and keypad.
fn us_byte(code: u16, shift: bool) -> Option<u8> {
    if let Some(d) = keypad_digit(code) {
        return Some(b'0' + d as u8);
    }
    US_KEYS
        .iter()
        .find(|(k, _, _)| *k == code)
        .map(|&(_, lo, hi)| if shift { hi } else { lo })
}

/// Key events (code, value: 1 press, 0 release, 2 autorepeat) to lines of bytes.
#[derive(Debug)]
pub struct HidLineDecoder {
    layout: KeyLayout,
    lines: LineAssembler,
    shift_left: bool,
    shift_right: bool,
    caps: bool,
    alt_held: bool,
    /// Decimal digits typed on the keypad while Alt is held.
    alt_code: Option<u32>,
    /// A key without a character in this line: the whole line is rejected at Enter.
    bad_key: Option<u16>,
}

impl HidLineDecoder {
    /// `rules.terminator` is ignored: HID scanners end codes with Enter.
    pub fn new(layout: KeyLayout, rules: LineRules) -> Self {
        HidLineDecoder {
            layout,
            lines: LineAssembler::new(LineRules {
                terminator: Terminator::Lf,
                ..rules
            }),
            shift_left: false,
            shift_right: false,
            caps: false,
            alt_held: false,
            alt_code: None,
            bad_key: None,
        }
    }

    /// One key event at `now`.
    pub fn key(&mut self, code: u16, value: i32, now: Instant) -> Vec<LineEvent> {
        let pressed = value == 1;
        match code {
            KEY_LEFTSHIFT => self.shift_left = value != 0,
            KEY_RIGHTSHIFT => self.shift_right = value != 0,
            KEY_CAPSLOCK if pressed => self.caps = !self.caps,
            KEY_LEFTALT | KEY_RIGHTALT => {
                if value == 0 {
                    self.alt_held = false;
                    if let Some(alt) = self.alt_code.take() {
                        return self.alt_code_done(alt, now);
                    }
                } else {
                    self.alt_held = true;
                }
            }
            KEY_ENTER | KEY_KPENTER if pressed => {
                let ev = self.lines.feed(b"\n", now);
                let bad = self.bad_key.take();
                return ev
                    .into_iter()
                    .map(|e| match (e, bad) {
                        (LineEvent::Line(_), Some(code)) => {
                            LineEvent::Rejected(Rejection::UnknownKey {
                                code,
                                layout: self.layout.name(),
                            })
                        }
                        (e, _) => e,
                    })
                    .collect();
            }
            _ if !pressed || IGNORED.contains(&code) => {}
            _ if self.alt_held => match keypad_digit(code) {
                Some(d) => {
                    let acc = self.alt_code.unwrap_or(0);
                    // Saturate so a stuck key cannot overflow; over-large codes are rejected.
                    self.alt_code = Some(acc.saturating_mul(10).saturating_add(d).min(1_000_000));
                }
                None => return self.bad(code, now),
            },
            _ => {
                let shift = self.shift_left || self.shift_right;
                match us_byte(code, shift) {
                    Some(mut b) => {
                        if self.caps && b.is_ascii_alphabetic() {
                            b ^= 0x20;
                        }
                        return self.lines.feed(&[b], now);
                    }
                    None => return self.bad(code, now),
                }
            }
        }
        Vec::new()
    }

    /// Drops a partial code after the quiet time.
    pub fn tick(&mut self, now: Instant) -> Option<LineEvent> {
        let ev = self.lines.tick(now);
        if ev.is_some() {
            self.bad_key = None;
        }
        ev
    }

    /// The device went away mid-code.
    pub fn flush(&mut self) -> Option<LineEvent> {
        self.bad_key = None;
        self.alt_code = None;
        self.lines.flush()
    }

    fn bad(&mut self, code: u16, now: Instant) -> Vec<LineEvent> {
        self.bad_key.get_or_insert(code);
        // A placeholder byte keeps the quiet-time and length rules working for the line.
        self.lines.feed(b"?", now)
    }

    fn alt_code_done(&mut self, code: u32, now: Instant) -> Vec<LineEvent> {
        match (self.layout, code) {
            (_, 1..=0x7F) => self.lines.feed(&[code as u8], now),
            (KeyLayout::Chinese, 0x80..=0xFF) => self.lines.feed(&[code as u8], now),
            (KeyLayout::Chinese, 0x100..=0xFFFF) => {
                self.lines.feed(&[(code >> 8) as u8, code as u8], now)
            }
            _ => self.bad(KEY_LEFTALT, now),
        }
    }
}

/// The key events a scanner in `layout` sends for `text`, Enter included: the inverse of
/// [`HidLineDecoder`], used by tests and to check a scanner's configuration.
/// `None` when a character cannot be typed in that layout.
pub fn keystrokes_for(text: &str, layout: KeyLayout) -> Option<Vec<(u16, i32)>> {
    let mut out = Vec::new();
    let press = |out: &mut Vec<(u16, i32)>, k: u16| {
        out.push((k, 1));
        out.push((k, 0));
    };
    for c in text.chars() {
        let ascii = u8::try_from(c).ok().filter(u8::is_ascii);
        let direct = ascii.and_then(|b| {
            US_KEYS
                .iter()
                .find(|(_, lo, hi)| *lo == b || *hi == b)
                .map(|&(k, lo, _)| (k, lo != b))
        });
        if let Some((k, shift)) = direct {
            if shift {
                out.push((KEY_LEFTSHIFT, 1));
            }
            press(&mut out, k);
            if shift {
                out.push((KEY_LEFTSHIFT, 0));
            }
            continue;
        }
        if layout != KeyLayout::Chinese {
            return None;
        }
        let mut buf = [0u8; 4];
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
        if unmappable || gbk.len() != 2 {
            return None;
        }
        let code = u32::from(gbk[0]) << 8 | u32::from(gbk[1]);
        out.push((KEY_LEFTALT, 1));
        for d in code.to_string().bytes() {
            press(&mut out, KEYPAD_DIGITS[usize::from(d - b'0')]);
        }
        out.push((KEY_LEFTALT, 0));
    }
    press(&mut out, KEY_ENTER);
    Some(out)
}

/// A keyboard-wedge scanner at an evdev node, grabbed exclusively while open.
pub struct HidDevice {
    path: String,
    decoder: HidLineDecoder,
    dev: Option<evdev::Device>,
}

impl HidDevice {
    /// `rules.terminator` is ignored: codes end with Enter.
    pub fn new(path: &str, layout: KeyLayout, rules: LineRules) -> Self {
        HidDevice {
            path: path.to_owned(),
            decoder: HidLineDecoder::new(layout, rules),
            dev: None,
        }
    }
}

impl ScanDevice for HidDevice {
    fn source(&self) -> ScanSource {
        ScanSource::Hid
    }

    fn name(&self) -> String {
        self.path.clone()
    }

    fn open(&mut self) -> Result<(), ScanError> {
        let err = |reason: String| ScanError::Open {
            device: self.path.clone(),
            reason,
        };
        let mut dev = evdev::Device::open(&self.path).map_err(|e| err(e.to_string()))?;
        dev.grab()
            .map_err(|e| err(format!("cannot grab it exclusively: {e}")))?;
        self.dev = Some(dev);
        Ok(())
    }

    fn poll(&mut self, wait: Duration) -> Result<Vec<DeviceRead>, ScanError> {
        let lost = |reason: String| ScanError::Lost {
            device: self.path.clone(),
            reason,
        };
        let dev = self.dev.as_mut().ok_or_else(|| lost("not open".into()))?;
        let mut pfd = libc::pollfd {
            fd: dev.as_fd().as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = i32::try_from(wait.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: one valid pollfd that lives across the call.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                return Ok(Vec::new());
            }
            return Err(lost(e.to_string()));
        }
        if n == 0 {
            return Ok(line_reads(self.decoder.tick(Instant::now())));
        }
        if pfd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            return Err(lost("device removed".into()));
        }
        let now = Instant::now();
        let mut out = Vec::new();
        let events = dev.fetch_events().map_err(|e| lost(e.to_string()))?;
        for ev in events {
            if ev.event_type() == evdev::EventType::KEY {
                out.extend(self.decoder.key(ev.code(), ev.value(), now));
            }
        }
        Ok(line_reads(out))
    }

    fn close(&mut self) -> Vec<DeviceRead> {
        // Dropping the device closes it, which releases the grab.
        self.dev = None;
        line_reads(self.decoder.flush())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoder(layout: KeyLayout) -> HidLineDecoder {
        HidLineDecoder::new(
            layout,
            LineRules {
                terminator: Terminator::Lf,
                max_len: 256,
                quiet: Duration::from_millis(300),
            },
        )
    }

    fn type_keys(d: &mut HidLineDecoder, keys: &[(u16, i32)]) -> Vec<LineEvent> {
        let t = Instant::now();
        keys.iter().flat_map(|&(k, v)| d.key(k, v, t)).collect()
    }

    #[test]
    fn every_printable_ascii_character_round_trips_through_the_us_map() {
        let text: String = (0x20u8..0x7F).map(char::from).collect();
        let keys = keystrokes_for(&text, KeyLayout::Us).unwrap();
        let ev = type_keys(&mut decoder(KeyLayout::Us), &keys);
        assert_eq!(ev, vec![LineEvent::Line(text.into_bytes())]);
    }

    #[test]
    fn shift_applies_only_while_held() {
        // Shift+h, release shift, k, Enter.
        let keys = [
            (KEY_LEFTSHIFT, 1),
            (35, 1),
            (35, 0),
            (KEY_LEFTSHIFT, 0),
            (37, 1),
            (37, 0),
            (KEY_RIGHTSHIFT, 1),
            (2, 1),
            (2, 0),
            (KEY_RIGHTSHIFT, 0),
            (KEY_ENTER, 1),
        ];
        let ev = type_keys(&mut decoder(KeyLayout::Us), &keys);
        assert_eq!(ev, vec![LineEvent::Line(b"Hk!".to_vec())]);
    }

    #[test]
    fn caps_lock_inverts_letters_only() {
        let keys = [
            (KEY_CAPSLOCK, 1),
            (KEY_CAPSLOCK, 0),
            (30, 1),
            (30, 0),
            (2, 1),
            (2, 0),
            (KEY_LEFTSHIFT, 1),
            (30, 1),
            (KEY_LEFTSHIFT, 0),
            (KEY_KPENTER, 1),
        ];
        let ev = type_keys(&mut decoder(KeyLayout::Us), &keys);
        assert_eq!(ev, vec![LineEvent::Line(b"A1a".to_vec())]);
    }

    #[test]
    fn autorepeat_and_ignored_keys_add_nothing() {
        let keys = [
            (30, 1),
            (30, 2),
            (30, 2),
            (30, 0),
            (29, 1),
            (29, 0),
            (KEY_ENTER, 1),
        ];
        let ev = type_keys(&mut decoder(KeyLayout::Us), &keys);
        assert_eq!(ev, vec![LineEvent::Line(b"a".to_vec())]);
    }

    #[test]
    fn chinese_layout_decodes_alt_numpad_gbk_codes() {
        let text = "hk:预约:合作市";
        let keys = keystrokes_for(text, KeyLayout::Chinese).unwrap();
        let ev = type_keys(&mut decoder(KeyLayout::Chinese), &keys);
        let [LineEvent::Line(bytes)] = ev.as_slice() else {
            panic!("{ev:?}")
        };
        assert_eq!(super::super::line::decode_text(bytes).unwrap(), text);
        // 中 is GBK D6D0 = 54992: Alt + 5 4 9 9 2 on the keypad.
        let mut keys = vec![(KEY_LEFTALT, 1)];
        for d in [5, 4, 9, 9, 2] {
            keys.push((KEYPAD_DIGITS[d], 1));
            keys.push((KEYPAD_DIGITS[d], 0));
        }
        keys.extend([(KEY_LEFTALT, 0), (KEY_ENTER, 1)]);
        let ev = type_keys(&mut decoder(KeyLayout::Chinese), &keys);
        assert_eq!(ev, vec![LineEvent::Line(vec![0xD6, 0xD0])]);
    }

    #[test]
    fn us_layout_rejects_a_line_with_a_gbk_alt_code() {
        assert!(keystrokes_for("中", KeyLayout::Us).is_none());
        let keys = keystrokes_for("a中", KeyLayout::Chinese).unwrap();
        let ev = type_keys(&mut decoder(KeyLayout::Us), &keys);
        assert_eq!(
            ev,
            vec![LineEvent::Rejected(Rejection::UnknownKey {
                code: KEY_LEFTALT,
                layout: "US"
            })]
        );
    }

    #[test]
    fn an_unknown_key_rejects_its_line_but_not_the_next() {
        let mut d = decoder(KeyLayout::Us);
        // F1 (59) has no character.
        let ev = type_keys(&mut d, &[(30, 1), (59, 1), (59, 0), (KEY_ENTER, 1)]);
        assert_eq!(
            ev,
            vec![LineEvent::Rejected(Rejection::UnknownKey {
                code: 59,
                layout: "US"
            })]
        );
        let ev = type_keys(&mut d, &keystrokes_for("ok", KeyLayout::Us).unwrap());
        assert_eq!(ev, vec![LineEvent::Line(b"ok".to_vec())]);
    }

    #[test]
    fn a_half_typed_code_is_dropped_after_the_quiet_time() {
        let mut d = decoder(KeyLayout::Us);
        let t0 = Instant::now();
        d.key(30, 1, t0);
        assert_eq!(
            d.tick(t0 + Duration::from_secs(1)),
            Some(LineEvent::Rejected(Rejection::Incomplete { bytes: 1 }))
        );
        let ev = d.key(KEY_ENTER, 1, t0 + Duration::from_secs(1));
        assert!(ev.is_empty(), "{ev:?}");
    }
}
