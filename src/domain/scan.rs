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
    /// A staff code with a valid signature; `expires` is Unix seconds.
    Staff {
        staff_id: String,
        expires: i64,
    },
    BadSignature,
    Unknown,
}
