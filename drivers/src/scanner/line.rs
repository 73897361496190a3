//! Line assembly for serial scanners: bytes in, whole codes (or reasons to reject) out.
//!
//! A line scanner sends each code followed by a terminator. What arrives on a real wire
//! also includes noise from a flaky cable, a half code when the scanner is unplugged
//! mid-transmission, and the tail of a code whose start was sent before the kiosk opened
//! the port. A scanner sends a code in one burst, so a partial line followed by silence
//! (the quiet time) is dropped rather than joined to the next code; an over-long line is
//! dropped up to its terminator. Pure: the caller passes the time.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// What ends a code on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Terminator {
    #[default]
    Cr,
    Lf,
    #[value(name = "crlf")]
    CrLf,
    Tab,
}

impl Terminator {
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Terminator::Cr => b"\r",
            Terminator::Lf => b"\n",
            Terminator::CrLf => b"\r\n",
            Terminator::Tab => b"\t",
        }
    }
}

impl std::str::FromStr for Terminator {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "cr" => Ok(Terminator::Cr),
            "lf" => Ok(Terminator::Lf),
            "crlf" => Ok(Terminator::CrLf),
            "tab" => Ok(Terminator::Tab),
            other => Err(format!(
                "terminator {other:?} is not one of cr, lf, crlf, tab"
            )),
        }
    }
}

/// Why input from a scanner was not taken as a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// More than the maximum length arrived without a terminator.
    #[error("line longer than {max} bytes dropped")]
    TooLong { max: usize },
    /// Part of a line arrived, then silence (or the device went away).
    #[error("incomplete line of {bytes} bytes dropped")]
    Incomplete { bytes: usize },
    /// The bytes are neither UTF-8 nor GB18030.
    #[error("{bytes} bytes that are neither UTF-8 nor GB18030 dropped")]
    Undecodable { bytes: usize },
    /// The text holds control characters, which no kiosk code has: line noise.
    #[error("line with control characters dropped")]
    ControlCharacters,
    /// A HID scanner pressed a key that has no character in the configured layout.
    #[error("key code {code} has no character in the {layout} layout")]
    UnknownKey { code: u16, layout: &'static str },
}

/// The rules a line must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRules {
    pub terminator: Terminator,
    /// Longest payload in bytes, terminator excluded.
    pub max_len: usize,
    /// A partial line older than this (since its last byte) is dropped.
    pub quiet: Duration,
}

/// What [`LineAssembler`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineEvent {
    /// The bytes of one code, terminator removed; never empty.
    Line(Vec<u8>),
    Rejected(Rejection),
}

/// Splits a byte stream into lines under [`LineRules`].
#[derive(Debug)]
pub struct LineAssembler {
    rules: LineRules,
    buf: Vec<u8>,
    last_byte: Option<Instant>,
    /// Inside an over-long line: bytes are dropped up to the next terminator.
    skipping: bool,
}

impl LineAssembler {
    pub fn new(rules: LineRules) -> Self {
        LineAssembler {
            rules,
            buf: Vec::new(),
            last_byte: None,
            skipping: false,
        }
    }

    /// Bytes of a partial line held now.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// Takes bytes that arrived at `now`.
    pub fn feed(&mut self, bytes: &[u8], now: Instant) -> Vec<LineEvent> {
        let mut out = Vec::new();
        if bytes.is_empty() {
            return out;
        }
        out.extend(self.tick(now));
        let term = self.rules.terminator.bytes();
        for &b in bytes {
            self.buf.push(b);
            if self.buf.ends_with(term) {
                let len = self.buf.len() - term.len();
                if !self.skipping && len > 0 {
                    let mut line = std::mem::take(&mut self.buf);
                    line.truncate(len);
                    out.push(LineEvent::Line(line));
                }
                self.buf.clear();
                self.skipping = false;
                continue;
            }
            // A CRLF terminator's CR may sit one past the limit until its LF arrives.
            let allowance = usize::from(term.len() == 2 && b == term[0]);
            if !self.skipping && self.buf.len() > self.rules.max_len.saturating_add(allowance) {
                out.push(LineEvent::Rejected(Rejection::TooLong {
                    max: self.rules.max_len,
                }));
                self.skipping = true;
            }
            if self.skipping {
                // Keep only what could start a terminator, so memory stays bounded.
                let keep = usize::from(b == term[0]);
                let drop_to = self.buf.len() - keep;
                self.buf.drain(..drop_to);
            }
        }
        self.last_byte = Some(now);
        out
    }

    /// Drops a partial line that has been quiet for longer than the quiet time.
    pub fn tick(&mut self, now: Instant) -> Option<LineEvent> {
        let last = self.last_byte?;
        if now.saturating_duration_since(last) <= self.rules.quiet {
            return None;
        }
        self.last_byte = None;
        self.take_partial()
    }

    /// The device went away: a partial line is dropped.
    pub fn flush(&mut self) -> Option<LineEvent> {
        self.last_byte = None;
        self.take_partial()
    }

    fn take_partial(&mut self) -> Option<LineEvent> {
        let was_skipping = std::mem::replace(&mut self.skipping, false);
        let bytes = self.buf.len();
        self.buf.clear();
        // The over-long line was already reported once.
        (bytes > 0 && !was_skipping).then_some(LineEvent::Rejected(Rejection::Incomplete { bytes }))
    }
}

/// Decodes a code's bytes: UTF-8 when valid (a BOM is dropped), else GB18030, which many
/// Chinese systems use for QR payloads; text with control characters is noise.
///
/// Short GBK text can also be valid UTF-8 by accident (GBK "预约" is the bytes of UTF-8
/// "ԤԼ"), so when the UTF-8 reading has non-ASCII characters that are not Chinese and the
/// GB18030 reading is all Chinese, the GB18030 reading wins. The price: UTF-8 text whose
/// only non-ASCII letters are accented Latin, Cyrillic and the like may read as GBK Chinese
/// ("café" as "caf茅"); a kiosk in a Chinese hall meets GBK payloads far more often, and its
/// own codes are ASCII.
pub fn decode_text(bytes: &[u8]) -> Result<String, Rejection> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let gb18030 =
        || encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes);
    let text: Cow<'_, str> = match std::str::from_utf8(bytes) {
        Ok(s) if all_chinese(s) => Cow::Borrowed(s),
        Ok(s) => match gb18030() {
            Some(g) if all_chinese(&g) => g,
            _ => Cow::Borrowed(s),
        },
        Err(_) => gb18030().ok_or(Rejection::Undecodable { bytes: bytes.len() })?,
    };
    if text
        .chars()
        .any(|c| c.is_control() && c != '\t' && c != '\r' && c != '\n')
    {
        return Err(Rejection::ControlCharacters);
    }
    Ok(text.into_owned())
}

/// Every non-ASCII character is Chinese: ideographs, CJK and full-width punctuation.
fn all_chinese(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_ascii()
            || matches!(c,
                '\u{00B7}' | '\u{2010}'..='\u{206F}' | '\u{3000}'..='\u{303F}'
                | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
                | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{3134F}')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(t: Terminator) -> LineRules {
        LineRules {
            terminator: t,
            max_len: 16,
            quiet: Duration::from_millis(300),
        }
    }

    fn lines(ev: &[LineEvent]) -> Vec<&[u8]> {
        ev.iter()
            .filter_map(|e| match e {
                LineEvent::Line(l) => Some(l.as_slice()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn each_terminator_splits_lines_and_empty_lines_are_ignored() {
        let t0 = Instant::now();
        for (t, input) in [
            (Terminator::Cr, &b"AB\r\rCD\r"[..]),
            (Terminator::Lf, b"AB\n\nCD\n"),
            (Terminator::CrLf, b"AB\r\n\r\nCD\r\n"),
            (Terminator::Tab, b"AB\t\tCD\t"),
        ] {
            let mut a = LineAssembler::new(rules(t));
            let ev = a.feed(input, t0);
            assert_eq!(lines(&ev), vec![&b"AB"[..], b"CD"], "{t:?}");
            assert_eq!(ev.len(), 2, "{t:?}: {ev:?}");
        }
    }

    #[test]
    fn crlf_keeps_a_lone_cr_inside_the_payload() {
        let mut a = LineAssembler::new(rules(Terminator::CrLf));
        let ev = a.feed(b"A\rB\r\n", Instant::now());
        assert_eq!(lines(&ev), vec![&b"A\rB"[..]]);
    }

    #[test]
    fn a_line_split_across_reads_is_joined() {
        let t0 = Instant::now();
        let mut a = LineAssembler::new(rules(Terminator::Cr));
        assert!(a.feed(b"hk:ap", t0).is_empty());
        let ev = a.feed(b"pt\r", t0 + Duration::from_millis(5));
        assert_eq!(lines(&ev), vec![&b"hk:appt"[..]]);
    }

    #[test]
    fn exactly_max_len_is_accepted_and_one_more_is_rejected_once() {
        let t0 = Instant::now();
        for t in [Terminator::Cr, Terminator::CrLf] {
            let mut a = LineAssembler::new(rules(t));
            let mut input = vec![b'x'; 16];
            input.extend_from_slice(t.bytes());
            assert_eq!(lines(&a.feed(&input, t0)).len(), 1, "{t:?}");

            let mut long = vec![b'y'; 40];
            long.extend_from_slice(t.bytes());
            long.extend_from_slice(b"OK");
            long.extend_from_slice(t.bytes());
            let ev = a.feed(&long, t0);
            assert_eq!(
                ev,
                vec![
                    LineEvent::Rejected(Rejection::TooLong { max: 16 }),
                    LineEvent::Line(b"OK".to_vec())
                ],
                "{t:?}"
            );
        }
    }

    #[test]
    fn over_long_input_without_terminator_keeps_memory_bounded() {
        let mut a = LineAssembler::new(rules(Terminator::CrLf));
        let t0 = Instant::now();
        let ev = a.feed(&[b'z'; 100_000], t0);
        assert_eq!(ev.len(), 1);
        assert!(a.pending() <= 1, "{}", a.pending());
        // The over-long line was reported; silence must not report it again.
        assert_eq!(a.tick(t0 + Duration::from_secs(1)), None);
    }

    #[test]
    fn half_line_then_quiet_time_is_dropped_not_joined_to_the_next_code() {
        let t0 = Instant::now();
        let mut a = LineAssembler::new(rules(Terminator::Cr));
        a.feed(b"hk:ap", t0);
        assert_eq!(a.tick(t0 + Duration::from_millis(200)), None);
        let ev = a.feed(b"NEXT\r", t0 + Duration::from_millis(400));
        assert_eq!(
            ev,
            vec![
                LineEvent::Rejected(Rejection::Incomplete { bytes: 5 }),
                LineEvent::Line(b"NEXT".to_vec())
            ]
        );
    }

    #[test]
    fn tick_drops_a_stale_partial_once() {
        let t0 = Instant::now();
        let mut a = LineAssembler::new(rules(Terminator::Cr));
        a.feed(b"abc", t0);
        let later = t0 + Duration::from_millis(301);
        assert_eq!(
            a.tick(later),
            Some(LineEvent::Rejected(Rejection::Incomplete { bytes: 3 }))
        );
        assert_eq!(a.tick(later), None);
        assert_eq!(a.pending(), 0);
    }

    #[test]
    fn flush_reports_a_partial_line() {
        let mut a = LineAssembler::new(rules(Terminator::Cr));
        a.feed(b"half", Instant::now());
        assert_eq!(
            a.flush(),
            Some(LineEvent::Rejected(Rejection::Incomplete { bytes: 4 }))
        );
        assert_eq!(a.flush(), None);
    }

    #[test]
    fn decode_prefers_utf8_then_gb18030() {
        assert_eq!(decode_text("预约".as_bytes()).unwrap(), "预约");
        let (gbk, _, _) = encoding_rs::GBK.encode("合作市政务服务中心");
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(decode_text(&gbk).unwrap(), "合作市政务服务中心");
        assert_eq!(decode_text(b"\xEF\xBB\xBFabc").unwrap(), "abc");
    }

    #[test]
    fn gbk_that_happens_to_be_valid_utf8_is_read_as_chinese() {
        let (gbk, _, _) = encoding_rs::GBK.encode("预约:A7");
        assert_eq!(std::str::from_utf8(&gbk).unwrap(), "ԤԼ:A7");
        assert_eq!(decode_text(&gbk).unwrap(), "预约:A7");
        // UTF-8 with Chinese in it stays UTF-8, even with a symbol outside the Chinese set.
        assert_eq!(decode_text("预约 ①".as_bytes()).unwrap(), "预约 ①");
        assert_eq!(decode_text("合作市".as_bytes()).unwrap(), "合作市");
    }

    #[test]
    fn decode_rejects_noise() {
        assert_eq!(decode_text(b"ab\x00cd"), Err(Rejection::ControlCharacters));
        // 0x80 alone and 0xFF are invalid in both encodings.
        assert_eq!(
            decode_text(b"\xFF\xFF"),
            Err(Rejection::Undecodable { bytes: 2 })
        );
    }
}
