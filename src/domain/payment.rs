//! Paying a fee at the kiosk (缴费): what is paid for, how, and where an order stands.
//! The order's truth is the backend's: the kiosk says "paid" only when the backend does.

use std::fmt;

use time::OffsetDateTime;

/// One fee of a matter, as the catalog lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Fee {
    pub name: String,
    pub amount_fen: u64,
}

/// What a payment is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayRef {
    /// A submission just filed (its receipt number).
    Receipt(String),
    Appointment(String),
    /// A matter's fee paid before going to the window.
    Item(String),
}

/// A wallet's payment code (付款码) read by the scanner: a bearer credential for the
/// citizen's money. Never shown, logged or stored; `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct PayCode(pub String);

impl fmt::Debug for PayCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PayCode({} digits)", self.0.len())
    }
}

/// How the citizen pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayWay {
    /// The kiosk shows the order's QR code; the citizen scans it with WeChat, Alipay or
    /// 云闪付 (主扫).
    Qr,
    /// The citizen shows the wallet's payment code to the kiosk's scanner (被扫).
    Code(PayCode),
}

/// A payment to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayOrder {
    pub reference: PayRef,
    /// What the citizen pays for, as the screen and the receipt name it.
    pub label: String,
    pub fees: Vec<Fee>,
    pub way: PayWay,
}

impl PayRef {
    /// As the receipt names it.
    pub fn words(&self) -> String {
        match self {
            PayRef::Receipt(no) => format!("受理编号 {no}"),
            PayRef::Appointment(no) => format!("预约编号 {no}"),
            PayRef::Item(code) => format!("事项编码 {code}"),
        }
    }
}

impl PayOrder {
    pub fn total_fen(&self) -> u64 {
        self.fees.iter().map(|f| f.amount_fen).sum()
    }
}

/// Where an order stands, as the kiosk's store last heard from the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayState {
    /// Committed; the backend's answer is not in yet (lost, or still coming).
    Creating,
    /// Waiting for the citizen's wallet.
    Pending {
        qr_url: Option<String>,
        expires_at: Option<OffsetDateTime>,
    },
    Paid {
        payment_no: String,
        paid_at: Option<OffsetDateTime>,
        einvoice_url: Option<String>,
    },
    /// The wallet refused (no funds, a wrong code).
    Failed,
    Expired,
    Cancelled,
    /// The backend never made the order (its request was lost before a restart): the
    /// citizen was not charged.
    NotCreated,
}

/// An order, by the key it was committed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The Idempotency-Key: one order per action.
    pub key: String,
    pub state: PayState,
}

/// A paid order's receipt (缴费凭证).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidReceipt {
    pub key: String,
    /// What was paid for: "受理编号 SL… 不动产登记".
    pub reference: String,
    pub fees: Vec<Fee>,
    pub total_fen: u64,
    pub payment_no: String,
    pub paid_at: Option<OffsetDateTime>,
    pub einvoice_url: Option<String>,
    /// The citizen had left before the backend confirmed it: printed for staff.
    pub for_staff: bool,
}

/// Why no order could be made or followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayFailure {
    /// The backend cannot be reached: payment is not offered.
    #[error("backend unreachable")]
    Offline,
    /// The backend refused the order; the text is for the log.
    #[error("refused: {0}")]
    Refused(String),
    /// The kiosk's store failed: nothing can be promised.
    #[error("store: {0}")]
    Store(String),
}

/// "80.00 元"
pub fn yuan(fen: u64) -> String {
    format!("{}.{:02} 元", fen / 100, fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_shown_in_yuan_and_a_paycode_never_in_debug() {
        assert_eq!(yuan(8000), "80.00 元");
        assert_eq!(yuan(5), "0.05 元");
        let code = PayCode("134567890123456789".into());
        assert_eq!(format!("{code:?}"), "PayCode(18 digits)");
        let order = PayOrder {
            reference: PayRef::Item("X".into()),
            label: "不动产登记".into(),
            fees: vec![
                Fee {
                    name: "登记费".into(),
                    amount_fen: 8000,
                },
                Fee {
                    name: "工本费".into(),
                    amount_fen: 1000,
                },
            ],
            way: PayWay::Code(code),
        };
        assert_eq!(order.total_fen(), 9000);
        assert!(!format!("{order:?}").contains("1345678901"));
    }
}
