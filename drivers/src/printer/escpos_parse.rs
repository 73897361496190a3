//! The printer's side of ESC/POS: a byte stream in, commands out. Used by the simulator and
//! by `kiosk device printer render`; fuzzed (fuzz/fuzz_targets/escpos_stream.rs).
//!
//! The parser is incremental: it reports `Incomplete` when a command's parameters have not
//! all arrived, so it can run on a serial stream that comes in pieces. Bytes it does not
//! know are reported one at a time and skipped, as a printer skips them; declared lengths
//! are bounded so a corrupt header cannot make it wait for or allocate gigabytes.

/// The longest data block accepted (a GS v 0 raster or a GS ( k payload).
pub const MAX_BLOCK: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Justify {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A run of printable bytes (encoding decided by the current character mode).
    Text(Vec<u8>),
    /// LF: print the line buffer and advance one line.
    LineFeed,
    /// ESC @
    Init,
    /// FS & (true) / FS . (false)
    ChineseMode(bool),
    /// FS ( C fn 48: 2 selects UTF-8, 1 a one-byte code page.
    Utf8Mode(bool),
    /// ESC E n
    Bold(bool),
    /// ESC - n
    Underline(u8),
    /// ESC a n
    Justify(Justify),
    /// GS ! n: width and height multipliers 1..=8.
    Size(u8, u8),
    /// ESC ! n: print mode (double width bit 5, double height bit 4, emphasis bit 3).
    PrintMode(u8),
    /// ESC 3 n (Some) / ESC 2 (None, the default)
    LineSpacing(Option<u8>),
    /// ESC d n
    FeedLines(u8),
    /// ESC J n
    FeedDots(u8),
    /// GS V: cut (partial or full), after feeding `feed` dots.
    Cut {
        partial: bool,
        feed: u8,
    },
    /// GS ( k, cn 49 (QR code) functions.
    QrModel(u8),
    QrModule(u8),
    /// 48..=51 for L, M, Q, H
    QrEcc(u8),
    QrStore(Vec<u8>),
    QrPrint,
    /// ESC * m nL nH d…: a bit image inline in the line, `dots` columns of 8 or 24 dots.
    InlineImage {
        tall: bool,
        columns: usize,
        data: Vec<u8>,
    },
    /// GS v 0 m xL xH yL yH d…: a raster image, `width_bytes` × 8 dots wide.
    Raster {
        width_bytes: usize,
        height: usize,
        data: Vec<u8>,
    },
    /// DLE EOT n
    StatusRequest(u8),
    /// GS r n
    SensorRequest(u8),
    /// ESC B n t
    Beep,
    /// A command the simulator recognises but has no effect on the page model.
    Ignored(Vec<u8>),
    /// A byte that starts no known command.
    Unknown(u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Event(Event, usize),
    Incomplete,
}

fn need(buf: &[u8], n: usize) -> Option<&[u8]> {
    (buf.len() >= n).then(|| &buf[..n])
}

/// Parses one command at the start of `buf`.
pub fn parse(buf: &[u8]) -> Parsed {
    match parse_inner(buf) {
        Some((e, n)) => Parsed::Event(e, n),
        None => Parsed::Incomplete,
    }
}

fn parse_inner(buf: &[u8]) -> Option<(Event, usize)> {
    let first = *buf.first()?;
    match first {
        0x0A => Some((Event::LineFeed, 1)),
        // CR: most printers in LF mode ignore it.
        0x0D => Some((Event::Ignored(vec![0x0D]), 1)),
        0x10 => parse_dle(buf),
        0x1B => parse_esc(buf),
        0x1C => parse_fs(buf),
        0x1D => parse_gs(buf),
        b if b >= 0x20 => {
            let n = buf.iter().take_while(|&&b| b >= 0x20).count();
            Some((Event::Text(buf[..n].to_vec()), n))
        }
        b => Some((Event::Unknown(b), 1)),
    }
}

fn parse_dle(buf: &[u8]) -> Option<(Event, usize)> {
    let b = need(buf, 2)?;
    match b[1] {
        0x04 => {
            let n = need(buf, 3)?[2];
            Some((Event::StatusRequest(n), 3))
        }
        // DLE ENQ n, DLE DC4 fn m t: real-time requests the kiosk does not use.
        0x05 => Some((Event::Ignored(need(buf, 3)?.to_vec()), 3)),
        0x14 => Some((Event::Ignored(need(buf, 5)?.to_vec()), 5)),
        _ => Some((Event::Unknown(0x10), 1)),
    }
}

fn parse_esc(buf: &[u8]) -> Option<(Event, usize)> {
    let b = need(buf, 2)?;
    let one = |f: &dyn Fn(u8) -> Event| -> Option<(Event, usize)> {
        let n = need(buf, 3)?[2];
        Some((f(n), 3))
    };
    match b[1] {
        b'@' => Some((Event::Init, 2)),
        b'E' => one(&|n| Event::Bold(n & 1 == 1)),
        b'-' => one(&|n| Event::Underline(n % 48 % 3)),
        b'a' => one(&|n| {
            Event::Justify(match n % 48 {
                1 => Justify::Center,
                2 => Justify::Right,
                _ => Justify::Left,
            })
        }),
        b'!' => one(&Event::PrintMode),
        b'3' => one(&|n| Event::LineSpacing(Some(n))),
        b'2' => Some((Event::LineSpacing(None), 2)),
        b'd' => one(&Event::FeedLines),
        b'J' => one(&Event::FeedDots),
        b'B' => {
            need(buf, 4)?;
            Some((Event::Beep, 4))
        }
        // ESC t n (code page), ESC R n (country), ESC M n (font), ESC G n (double strike),
        // ESC { n (upside down), ESC V n (rotate), ESC SP n (right spacing), ESC c 5 n.
        b't' | b'R' | b'M' | b'G' | b'{' | b'V' | b' ' | b'U' => {
            Some((Event::Ignored(need(buf, 3)?.to_vec()), 3))
        }
        b'c' => Some((Event::Ignored(need(buf, 4)?.to_vec()), 4)),
        // ESC p m t1 t2: cash drawer pulse.
        b'p' => Some((Event::Ignored(need(buf, 5)?.to_vec()), 5)),
        b'*' => {
            let h = need(buf, 5)?;
            let m = h[2];
            let columns = h[3] as usize | (h[4] as usize) << 8;
            let tall = matches!(m, 32 | 33);
            let len = columns * if tall { 3 } else { 1 };
            if !matches!(m, 0 | 1 | 32 | 33) {
                return Some((Event::Unknown(0x1B), 1));
            }
            let all = need(buf, 5 + len)?;
            Some((
                Event::InlineImage {
                    tall,
                    columns,
                    data: all[5..].to_vec(),
                },
                5 + len,
            ))
        }
        _ => Some((Event::Unknown(0x1B), 1)),
    }
}

fn parse_fs(buf: &[u8]) -> Option<(Event, usize)> {
    let b = need(buf, 2)?;
    match b[1] {
        b'&' => Some((Event::ChineseMode(true), 2)),
        b'.' => Some((Event::ChineseMode(false), 2)),
        // FS ! n (Chinese print mode), FS - n (Chinese underline), FS C n (code system).
        b'!' | b'-' | b'C' | b'W' => Some((Event::Ignored(need(buf, 3)?.to_vec()), 3)),
        b'S' => Some((Event::Ignored(need(buf, 4)?.to_vec()), 4)),
        b'(' => {
            let h = need(buf, 5)?;
            let len = h[3] as usize | (h[4] as usize) << 8;
            let all = need(buf, 5 + len)?;
            if h[2] == b'C' && len == 2 && all[5] == 48 {
                Some((Event::Utf8Mode(all[6] == 2), 5 + len))
            } else {
                Some((Event::Ignored(all.to_vec()), 5 + len))
            }
        }
        _ => Some((Event::Unknown(0x1C), 1)),
    }
}

fn parse_gs(buf: &[u8]) -> Option<(Event, usize)> {
    let b = need(buf, 2)?;
    match b[1] {
        b'!' => {
            let n = need(buf, 3)?[2];
            Some((Event::Size((n >> 4 & 7) + 1, (n & 7) + 1), 3))
        }
        b'V' => {
            let m = need(buf, 3)?[2];
            match m {
                0 | 48 => Some((
                    Event::Cut {
                        partial: false,
                        feed: 0,
                    },
                    3,
                )),
                1 | 49 => Some((
                    Event::Cut {
                        partial: true,
                        feed: 0,
                    },
                    3,
                )),
                65 | 66 => {
                    let n = need(buf, 4)?[3];
                    Some((
                        Event::Cut {
                            partial: m == 66 || n == 1,
                            feed: if m == 65 && n <= 1 { 0 } else { n },
                        },
                        4,
                    ))
                }
                _ => Some((Event::Unknown(0x1D), 1)),
            }
        }
        b'r' => {
            let n = need(buf, 3)?[2];
            Some((Event::SensorRequest(n), 3))
        }
        // GS B n (reverse), GS L nL nH (margin), GS W nL nH (area), GS h/w/H/f (barcode).
        b'B' | b'h' | b'w' | b'H' | b'f' | b'b' | b'a' => {
            Some((Event::Ignored(need(buf, 3)?.to_vec()), 3))
        }
        b'L' | b'W' | b'P' => Some((Event::Ignored(need(buf, 4)?.to_vec()), 4)),
        b'(' => {
            let h = need(buf, 5)?;
            let len = h[3] as usize | (h[4] as usize) << 8;
            if len > MAX_BLOCK {
                return Some((Event::Unknown(0x1D), 1));
            }
            let all = need(buf, 5 + len)?;
            let body = &all[5..];
            let event = if h[2] == b'k' && body.len() >= 3 && body[0] == 49 {
                match (body[1], body.len()) {
                    (65, 4) => Event::QrModel(body[2]),
                    (67, 3) => Event::QrModule(body[2]),
                    (69, 3) => Event::QrEcc(body[2]),
                    (80, _) => Event::QrStore(body[3..].to_vec()),
                    (81, 3) => Event::QrPrint,
                    _ => Event::Ignored(all.to_vec()),
                }
            } else {
                Event::Ignored(all.to_vec())
            };
            Some((event, 5 + len))
        }
        b'v' => {
            let h = need(buf, 8)?;
            if h[2] != b'0' && h[2] != 0 {
                return Some((Event::Unknown(0x1D), 1));
            }
            let width_bytes = h[4] as usize | (h[5] as usize) << 8;
            let height = h[6] as usize | (h[7] as usize) << 8;
            let len = width_bytes * height;
            if len > MAX_BLOCK {
                return Some((Event::Unknown(0x1D), 1));
            }
            let all = need(buf, 8 + len)?;
            Some((
                Event::Raster {
                    width_bytes,
                    height,
                    data: all[8..].to_vec(),
                },
                8 + len,
            ))
        }
        _ => Some((Event::Unknown(0x1D), 1)),
    }
}

/// Parses everything in `buf` that is complete; returns the events and the bytes used.
pub fn parse_all(buf: &[u8]) -> (Vec<Event>, usize) {
    let mut events = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        match parse(&buf[at..]) {
            Parsed::Event(e, n) => {
                events.push(e);
                at += n;
            }
            Parsed::Incomplete => break,
        }
    }
    (events, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_text() {
        let bytes = [
            0x1B, b'@', 0x1C, b'&', 0x1B, b'a', 1, 0x1D, b'!', 0x33, 0xC9, 0xE7, b'A', 0x0A, 0x1D,
            b'V', b'A', 1,
        ];
        let (events, used) = parse_all(&bytes);
        assert_eq!(used, bytes.len());
        assert_eq!(
            events,
            vec![
                Event::Init,
                Event::ChineseMode(true),
                Event::Justify(Justify::Center),
                Event::Size(4, 4),
                Event::Text(vec![0xC9, 0xE7, b'A']),
                Event::LineFeed,
                Event::Cut {
                    partial: true,
                    feed: 0
                },
            ]
        );
    }

    #[test]
    fn a_command_split_across_reads_waits_for_the_rest() {
        let qr = [0x1D, b'(', b'k', 7, 0, 49, 80, 48, b'a', b'b', b'c', b'd'];
        for cut in 1..qr.len() {
            assert_eq!(parse(&qr[..cut]), Parsed::Incomplete, "cut at {cut}");
        }
        assert_eq!(
            parse(&qr),
            Parsed::Event(Event::QrStore(b"abcd".to_vec()), qr.len())
        );
    }

    #[test]
    fn garbage_is_skipped_byte_by_byte() {
        let (events, used) = parse_all(&[0x00, 0x1B, 0xFF, 0x07]);
        assert_eq!(used, 4);
        assert_eq!(
            events,
            vec![
                Event::Unknown(0x00),
                Event::Unknown(0x1B),
                Event::Text(vec![0xFF]),
                Event::Unknown(0x07)
            ]
        );
    }

    #[test]
    fn huge_declared_lengths_are_refused_not_awaited() {
        let (events, _) = parse_all(&[0x1D, b'v', b'0', 0, 0xFF, 0xFF, 0xFF, 0xFF]);
        assert_eq!(events[0], Event::Unknown(0x1D));
    }

    #[test]
    fn status_requests() {
        let (events, _) = parse_all(&[0x10, 0x04, 4, 0x1D, b'r', 1]);
        assert_eq!(
            events,
            vec![Event::StatusRequest(4), Event::SensorRequest(1)]
        );
    }
}
