//! A QR code seen by the scanner, as the flows need it.

/// A QR code seen by the scanner, already parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannedCode {
    Appointment(String),
    OtherHallAppointment,
    Ticket {
        /// YYYYMMDD
        date: String,
        ticket_no: String,
    },
    Receipt(String),
    /// A staff code with a valid signature; `expires` is Unix seconds. `refused` says why
    /// the services refuse it although it is signed (the flow refuses expired ones itself).
    Staff {
        staff_id: String,
        expires: i64,
        refused: Option<StaffRefusal>,
    },
    /// A wallet's payment code (付款码), for paying a fee.
    PaymentCode(super::payment::PayCode),
    BadSignature,
    Unknown,
}

/// Why a signed staff code does not open staff mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffRefusal {
    /// Its single-use nonce was seen before: a copy of a code already used.
    Replayed,
    /// Valid for longer than `staff.code_max_hours` from now.
    TooLong,
}

impl StaffRefusal {
    /// The alert's and audit entry's words, and `kiosk scan parse`'s reason.
    pub fn what(self) -> &'static str {
        match self {
            StaffRefusal::Replayed => "replayed staff code refused",
            StaffRefusal::TooLong => "staff code valid too long refused",
        }
    }

    pub fn reason(self) -> &'static str {
        match self {
            StaffRefusal::Replayed => "replayed",
            StaffRefusal::TooLong => "lifetime",
        }
    }
}
