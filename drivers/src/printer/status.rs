//! Printer status: the bytes of DLE EOT 1..4 (real-time status), GS r 1 (paper sensor) and
//! the 4-byte blocks of automatic status back (GS a), decoded into what the kiosk acts on.
//!
//! Bit meanings follow the Epson ESC/POS reference, which the Chinese thermal printers in
//! halls (Xprinter, HPRT, SNBC, GP) implement. Every DLE EOT answer has bits 1 and 4 set and
//! bits 0 and 7 clear; a byte that does not is not a status byte (noise, or an ASCII reply
//! of a printer in another mode) and is rejected rather than misread.

/// DLE EOT n: real-time status request.
pub fn dle_eot(n: u8) -> [u8; 3] {
    [0x10, 0x04, n]
}

/// GS r 1: transmit paper sensor status (printers that do not answer DLE EOT).
pub const GS_R_PAPER: [u8; 3] = [0x1D, 0x72, 0x01];

/// GS a n: automatic status back (ASB). With n other than 0 the printer sends a 4-byte status
/// block when the command is executed and again, unasked, whenever one of the statuses `n`
/// selects changes.
pub fn gs_a(n: u8) -> [u8; 3] {
    [0x1D, 0x61, n]
}

/// The statuses the kiosk asks to hear of unasked: online/offline (which includes the cover),
/// errors, and the roll paper sensors (bits 1, 2 and 3 of GS a's n).
pub const ASB_EVENTS: u8 = 0x0E;

/// DLE DC4 8 1 3 20 1 6 2 8: clear the receive and print buffers. A real-time command: a
/// printer on a serial line executes it even while offline (paper out), then answers
/// [`CLEAR_RESPONSE`].
pub const CLEAR_BUFFERS: [u8; 10] = [0x10, 0x14, 0x08, 1, 3, 20, 1, 6, 2, 8];

/// The printer's answer once its buffers are cleared.
pub const CLEAR_RESPONSE: [u8; 3] = [0x37, 0x25, 0x00];

/// Paper on the roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    #[default]
    Ok,
    /// The near-end sensor sees the core: printing goes on, staff should change the roll soon.
    NearEnd,
    /// No paper: nothing may be sent.
    Out,
}

/// What the printer says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct PrinterStatus {
    pub online: bool,
    pub cover_open: bool,
    pub paper: Paper,
    /// Cutter jam, head overheated, or another error the printer reports.
    pub error: bool,
}

impl PrinterStatus {
    pub const READY: PrinterStatus = PrinterStatus {
        online: true,
        cover_open: false,
        paper: Paper::Ok,
        error: false,
    };

    /// Whether a job may be sent now.
    pub fn can_print(&self) -> bool {
        self.online && !self.cover_open && !self.error && self.paper != Paper::Out
    }

    /// The one condition that matters most, for screens, logs and the CLI.
    pub fn condition(&self) -> Condition {
        if self.paper == Paper::Out {
            Condition::PaperOut
        } else if self.cover_open {
            Condition::CoverOpen
        } else if self.error {
            Condition::Error
        } else if !self.online {
            Condition::Offline
        } else if self.paper == Paper::NearEnd {
            Condition::PaperNearEnd
        } else {
            Condition::Ready
        }
    }
}

/// A one-word summary of a status, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Ready,
    PaperNearEnd,
    PaperOut,
    CoverOpen,
    Error,
    Offline,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Ready => "ready",
            Condition::PaperNearEnd => "paper_near_end",
            Condition::PaperOut => "paper_out",
            Condition::CoverOpen => "cover_open",
            Condition::Error => "error",
            Condition::Offline => "offline",
        }
    }

    /// English words, for the CLI and logs read by technicians.
    pub fn en(self) -> &'static str {
        match self {
            Condition::Ready => "ready",
            Condition::PaperNearEnd => "paper near end",
            Condition::PaperOut => "paper out",
            Condition::CoverOpen => "cover open",
            Condition::Error => "printer error",
            Condition::Offline => "offline",
        }
    }

    /// The words hall staff know, on the status screen and the CLI.
    pub fn zh(self) -> &'static str {
        match self {
            Condition::Ready => "正常",
            Condition::PaperNearEnd => "纸将尽",
            Condition::PaperOut => "缺纸",
            Condition::CoverOpen => "纸仓盖打开",
            Condition::Error => "打印机故障",
            Condition::Offline => "脱机",
        }
    }
}

fn is_dle_eot_byte(b: u8) -> bool {
    b & 0x93 == 0x12
}

/// The four answers of DLE EOT 1, 2, 3 and 4, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RealTimeBytes {
    pub printer: u8,
    pub offline_cause: u8,
    pub error_cause: u8,
    pub paper_sensor: u8,
}

/// Why a status byte was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a printer status byte: {0:02X}")]
pub struct BadStatusByte(pub u8);

/// Decodes DLE EOT 1..4 answers.
pub fn decode_real_time(b: RealTimeBytes) -> Result<PrinterStatus, BadStatusByte> {
    for byte in [b.printer, b.offline_cause, b.error_cause, b.paper_sensor] {
        if !is_dle_eot_byte(byte) {
            return Err(BadStatusByte(byte));
        }
    }
    let paper_out_stop = b.offline_cause & 0x20 != 0;
    let paper = if b.paper_sensor & 0x60 != 0 || paper_out_stop {
        Paper::Out
    } else if b.paper_sensor & 0x0C != 0 {
        Paper::NearEnd
    } else {
        Paper::Ok
    };
    Ok(PrinterStatus {
        online: b.printer & 0x08 == 0,
        cover_open: b.offline_cause & 0x04 != 0,
        paper,
        // An error bit in the offline cause, or any of: cutter error, unrecoverable error,
        // auto-recoverable error (head too hot).
        error: b.offline_cause & 0x40 != 0 || b.error_cause & 0x2C != 0,
    })
}

/// Decodes the answer to DLE EOT 4 alone (the roll paper sensors).
pub fn decode_paper_sensor(b: u8) -> Result<Paper, BadStatusByte> {
    if !is_dle_eot_byte(b) {
        return Err(BadStatusByte(b));
    }
    Ok(if b & 0x60 != 0 {
        Paper::Out
    } else if b & 0x0C != 0 {
        Paper::NearEnd
    } else {
        Paper::Ok
    })
}

/// Whether `b` can start an ASB block: bits 0, 1 and 7 clear, bit 4 set. Neither a DLE EOT
/// answer (bit 1 set) nor a GS r answer (bit 4 clear) can, so unasked blocks are told
/// apart from answers byte by byte.
pub fn is_asb_first(b: u8) -> bool {
    b & 0x93 == 0x10
}

/// Whether `b` can be the 2nd, 3rd or 4th byte of an ASB block (bits 4 and 7 clear).
pub fn is_asb_rest(b: u8) -> bool {
    b & 0x90 == 0
}

/// Decodes a 4-byte ASB block: printer information (offline bit 3, cover open bit 5), error
/// information (mechanical bit 2, autocutter bit 3, unrecoverable bit 5, auto-recoverable
/// bit 6), roll paper sensor (near end bits 0-1, end bits 2-3), and a fourth byte of
/// nothing the kiosk uses.
pub fn decode_asb(b: [u8; 4]) -> Result<PrinterStatus, BadStatusByte> {
    if !is_asb_first(b[0]) {
        return Err(BadStatusByte(b[0]));
    }
    if let Some(&bad) = b[1..].iter().find(|&&x| !is_asb_rest(x)) {
        return Err(BadStatusByte(bad));
    }
    let paper = if b[2] & 0x0C != 0 {
        Paper::Out
    } else if b[2] & 0x03 != 0 {
        Paper::NearEnd
    } else {
        Paper::Ok
    };
    Ok(PrinterStatus {
        online: b[0] & 0x08 == 0,
        cover_open: b[0] & 0x20 != 0,
        paper,
        error: b[1] & 0x6C != 0,
    })
}

/// The ASB block a printer in `status` sends (the simulator's side).
pub fn encode_asb(status: &PrinterStatus) -> [u8; 4] {
    let mut first = 0x10;
    if !status.online || !status.can_print() {
        first |= 0x08;
    }
    if status.cover_open {
        first |= 0x20;
    }
    let error = if status.error { 0x08 } else { 0x00 };
    let paper = match status.paper {
        Paper::Ok => 0x00,
        Paper::NearEnd => 0x03,
        Paper::Out => 0x0F,
    };
    [first, error, paper, 0x00]
}

/// Decodes the answer to GS r 1 (paper sensor only; bits 4 and 7 are always clear).
pub fn decode_gs_r(b: u8) -> Result<PrinterStatus, BadStatusByte> {
    if b & 0x90 != 0 {
        return Err(BadStatusByte(b));
    }
    let paper = if b & 0x0C != 0 {
        Paper::Out
    } else if b & 0x03 != 0 {
        Paper::NearEnd
    } else {
        Paper::Ok
    };
    Ok(PrinterStatus {
        paper,
        ..PrinterStatus::READY
    })
}

/// The bytes a printer in `status` answers to DLE EOT n (the simulator's side).
pub fn encode_real_time(status: &PrinterStatus, n: u8) -> u8 {
    let mut b = 0x12;
    match n {
        1 => {
            if !status.online || !status.can_print() {
                b |= 0x08;
            }
        }
        2 => {
            if status.cover_open {
                b |= 0x04;
            }
            if status.paper == Paper::Out {
                b |= 0x20;
            }
            if status.error {
                b |= 0x40;
            }
        }
        3 => {
            if status.error {
                b |= 0x08;
            }
        }
        _ => match status.paper {
            Paper::Ok => {}
            Paper::NearEnd => b |= 0x0C,
            Paper::Out => b |= 0x6C,
        },
    }
    b
}

/// The byte a printer in `status` answers to GS r 1.
pub fn encode_gs_r(status: &PrinterStatus) -> u8 {
    match status.paper {
        Paper::Ok => 0x00,
        Paper::NearEnd => 0x03,
        Paper::Out => 0x0F,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(printer: u8, offline_cause: u8, error_cause: u8, paper_sensor: u8) -> RealTimeBytes {
        RealTimeBytes {
            printer,
            offline_cause,
            error_cause,
            paper_sensor,
        }
    }

    #[test]
    fn a_ready_printer_answers_0x12_to_everything() {
        let s = decode_real_time(rt(0x12, 0x12, 0x12, 0x12)).unwrap();
        assert_eq!(s, PrinterStatus::READY);
        assert_eq!(s.condition(), Condition::Ready);
    }

    #[test]
    fn paper_near_end_still_prints() {
        let s = decode_real_time(rt(0x12, 0x12, 0x12, 0x1E)).unwrap();
        assert_eq!(s.paper, Paper::NearEnd);
        assert!(s.can_print());
        assert_eq!(s.condition(), Condition::PaperNearEnd);
    }

    #[test]
    fn paper_out_from_the_sensor_or_from_the_offline_cause() {
        let sensor = decode_real_time(rt(0x1A, 0x12, 0x12, 0x72)).unwrap();
        assert_eq!(sensor.paper, Paper::Out);
        assert!(!sensor.can_print());
        let stopped = decode_real_time(rt(0x1A, 0x32, 0x12, 0x12)).unwrap();
        assert_eq!(stopped.paper, Paper::Out);
        assert_eq!(stopped.condition(), Condition::PaperOut);
    }

    #[test]
    fn cover_open_and_cutter_error() {
        let cover = decode_real_time(rt(0x1A, 0x16, 0x12, 0x12)).unwrap();
        assert!(cover.cover_open);
        assert!(!cover.online);
        assert_eq!(cover.condition(), Condition::CoverOpen);
        let cutter = decode_real_time(rt(0x1A, 0x52, 0x16, 0x12)).unwrap();
        assert!(cutter.error);
        assert_eq!(cutter.condition(), Condition::Error);
    }

    #[test]
    fn bytes_that_are_not_status_are_rejected() {
        // ASCII 'A' (0x41) has bit 1 clear: a printer echoing text, not answering.
        assert_eq!(
            decode_real_time(rt(0x41, 0x12, 0x12, 0x12)),
            Err(BadStatusByte(0x41))
        );
        assert_eq!(
            decode_real_time(rt(0x12, 0x12, 0x12, 0x92)),
            Err(BadStatusByte(0x92))
        );
        assert_eq!(decode_gs_r(0x10), Err(BadStatusByte(0x10)));
    }

    #[test]
    fn gs_r_paper_sensor() {
        assert_eq!(decode_gs_r(0x00).unwrap().paper, Paper::Ok);
        assert_eq!(decode_gs_r(0x03).unwrap().paper, Paper::NearEnd);
        assert_eq!(decode_gs_r(0x0C).unwrap().paper, Paper::Out);
    }

    #[test]
    fn the_simulators_bytes_decode_to_the_same_status() {
        let all = [
            PrinterStatus::READY,
            PrinterStatus {
                paper: Paper::NearEnd,
                ..PrinterStatus::READY
            },
            PrinterStatus {
                paper: Paper::Out,
                ..PrinterStatus::READY
            },
            PrinterStatus {
                cover_open: true,
                ..PrinterStatus::READY
            },
            PrinterStatus {
                error: true,
                ..PrinterStatus::READY
            },
        ];
        for s in all {
            let bytes = rt(
                encode_real_time(&s, 1),
                encode_real_time(&s, 2),
                encode_real_time(&s, 3),
                encode_real_time(&s, 4),
            );
            let back = decode_real_time(bytes).unwrap();
            assert_eq!(back.condition(), s.condition(), "{s:?}");
            assert_eq!(decode_gs_r(encode_gs_r(&s)).unwrap().paper, s.paper);
            assert_eq!(
                decode_paper_sensor(encode_real_time(&s, 4)).unwrap(),
                s.paper
            );
            let asb = decode_asb(encode_asb(&s)).unwrap();
            assert_eq!(asb.condition(), s.condition(), "{s:?}");
            assert_eq!(asb.can_print(), s.can_print());
        }
    }

    #[test]
    fn asb_blocks_are_told_apart_from_answers_and_the_clear_response() {
        for b in 0..=255u8 {
            if is_asb_first(b) {
                assert!(!is_dle_eot_byte(b) && decode_gs_r(b).is_err(), "{b:02X}");
            }
        }
        assert!(!is_asb_first(CLEAR_RESPONSE[0]));
        assert!(!is_dle_eot_byte(CLEAR_RESPONSE[0]));
        assert!(decode_gs_r(CLEAR_RESPONSE[0]).is_err());
        // A ready Epson-style block, and one with paper out and the cover open.
        assert_eq!(
            decode_asb([0x10, 0x00, 0x00, 0x00]).unwrap(),
            PrinterStatus::READY
        );
        let s = decode_asb([0x38, 0x00, 0x0C, 0x00]).unwrap();
        assert_eq!((s.paper, s.cover_open, s.online), (Paper::Out, true, false));
        assert_eq!(decode_asb([0x10, 0x80, 0, 0]), Err(BadStatusByte(0x80)));
        assert_eq!(decode_asb([0x12, 0, 0, 0]), Err(BadStatusByte(0x12)));
    }
}
