//! Printer status: the bytes of DLE EOT 1..4 (real-time status) and GS r 1 (paper sensor),
//! decoded into what the kiosk acts on.
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
        }
    }
}
