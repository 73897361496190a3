//! The request bodies of interface v1 as docs/hall-api.yaml specifies them, so that hall-sim
//! refuses (422 `invalid_body`) exactly what the document says a backend refuses.
//!
//! These are hall-sim's own strict readers, not the kiosk's types in [`crate::api`]: the
//! kiosk writes those and reads answers leniently. Rules follow the document:
//! - a property in `required` is a field without `#[serde(default)]`; an optional nullable
//!   one is an `Option` (absent and null alike are None);
//! - unknown properties are ignored (no schema of a request says `additionalProperties:
//!   false`), except in the branches of a `oneOf`, which are exact so that one body never
//!   matches two of them;
//! - `minLength: 1` is [`NonEmpty`], `format: date-time` [`DateTime`], `format: uuid`
//!   [`Key`], integers with bounds their own newtypes.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::api::{DeliveryMethod, MaterialStatus, Priority, Source};

/// A string of at least one character (`minLength: 1`).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct NonEmpty(pub String);

impl TryFrom<String> for NonEmpty {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if s.is_empty() {
            Err("an empty string where at least one character is required")
        } else {
            Ok(NonEmpty(s))
        }
    }
}

/// An RFC 3339 date-time with an offset (`format: date-time`), e.g.
/// `2026-11-24T09:41:00+08:00`. The separator must be `T` (RFC 3339's grammar; the `time`
/// crate would also take a space or any other character there).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct DateTime(pub String);

impl TryFrom<String> for DateTime {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let format = &time::format_description::well_known::Rfc3339;
        match time::OffsetDateTime::parse(&s, format) {
            Ok(_) if matches!(s.as_bytes().get(10), Some(b'T' | b't')) => Ok(DateTime(s)),
            Ok(_) => Err(format!(
                "{s:?} is not an RFC 3339 date-time: the separator must be T"
            )),
            Err(e) => Err(format!("{s:?} is not an RFC 3339 date-time: {e}")),
        }
    }
}

/// A UUID in its hyphenated form (`format: uuid`): idempotency keys, in the
/// `Idempotency-Key` header and in bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(pub uuid::Uuid);

impl Key {
    pub fn parse(s: &str) -> Result<Key, String> {
        match uuid::Uuid::try_parse(s) {
            Ok(u) if s.len() == 36 => Ok(Key(u)),
            _ => Err(format!(
                "{s:?} is not a UUID (8-4-4-4-12 hexadecimal digits)"
            )),
        }
    }
}

impl std::fmt::Display for Key {
    /// Lower-case hyphenated, whatever case it came in.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Key::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A non-negative count that fits a signed 64-bit integer (`minimum: 0, format: int64`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "i64")]
pub struct Count(pub u64);

impl TryFrom<i64> for Count {
    type Error = &'static str;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        u64::try_from(n).map(Count).map_err(|_| "a negative count")
    }
}

/// How many numbers a kiosk asks for (`minimum: 1, maximum: 1000`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "u32")]
pub struct BlockSize(pub u32);

impl TryFrom<u32> for BlockSize {
    type Error = &'static str;
    fn try_from(n: u32) -> Result<Self, Self::Error> {
        if (1..=1000).contains(&n) {
            Ok(BlockSize(n))
        } else {
            Err("size must be 1 to 1000")
        }
    }
}

/// A rating level (`minimum: 1, maximum: 5`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "u8")]
pub struct Level(pub u8);

impl TryFrom<u8> for Level {
    type Error = &'static str;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        if (1..=5).contains(&n) {
            Ok(Level(n))
        } else {
            Err("level must be 1 to 5")
        }
    }
}

/// A rating's comment (`maxLength: 500`, in characters).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct Comment(pub String);

impl TryFrom<String> for Comment {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if s.chars().count() <= 500 {
            Ok(Comment(s))
        } else {
            Err("a comment of more than 500 characters")
        }
    }
}

/// An optional property that may be absent but not null (an `Option` field would take
/// null as None): `Delivery.address`, "absent, not null".
fn not_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

// ---- the schemas ------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct Applicant {
    pub name: NonEmpty,
    pub id_number: NonEmpty,
}

/// POST /tickets
#[derive(Debug, Deserialize)]
pub struct TicketRequest {
    pub category: NonEmpty,
    pub source: Source,
    pub priority: Option<Priority>,
    pub applicant: Option<Applicant>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByCode {
    pub code: NonEmpty,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByIdNumber {
    pub id_number: NonEmpty,
}

/// POST /appointments/check-in: `oneOf` code | id_number.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "either {\"code\": ...} or {\"id_number\": ...}")]
pub enum CheckInRequest {
    Code(ByCode),
    IdNumber(ByIdNumber),
}

/// POST /tickets/void
#[derive(Debug, Deserialize)]
pub struct VoidRequest {
    pub idempotency_key: Key,
}

/// POST /ticket-blocks
#[derive(Debug, Deserialize)]
pub struct TicketBlockRequest {
    pub category: NonEmpty,
    pub size: BlockSize,
}

/// POST /tickets/offline
#[derive(Debug, Deserialize)]
pub struct OfflineTicketReport {
    pub block_id: NonEmpty,
    pub ticket_no: NonEmpty,
    pub category: NonEmpty,
    pub source: Source,
    pub priority: Option<Priority>,
    pub applicant: Option<Applicant>,
    pub issued_at: DateTime,
}

#[derive(Debug, Deserialize)]
pub struct OutboxFigures {
    pub pending: Count,
    pub dead: Count,
}

/// POST /heartbeat
#[derive(Debug, Deserialize)]
pub struct Heartbeat {
    pub kiosk_id: String,
    pub version: String,
    pub uptime_s: Count,
    pub devices: Map<String, Value>,
    pub outbox: OutboxFigures,
}

/// POST /staff-actions
#[derive(Debug, Deserialize)]
pub struct StaffAction {
    pub at: DateTime,
    pub staff: NonEmpty,
    pub action: NonEmpty,
}

/// POST /help-requests
#[derive(Debug, Deserialize)]
pub struct HelpRequest {
    pub screen: String,
    pub reason: String,
}

/// POST /help-requests/{request_no}/close: an object; what it holds is not read.
pub type CloseRequest = Map<String, Value>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketRef {
    pub ticket_no: NonEmpty,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRef {
    pub receipt_no: NonEmpty,
}

/// `ServiceRef`: `oneOf` ticket_no | receipt_no.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "either {\"ticket_no\": ...} or {\"receipt_no\": ...}"
)]
pub enum ServiceRef {
    Ticket(TicketRef),
    Receipt(ReceiptRef),
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    WaitedTooLong,
    AskedToComeAgain,
    Attitude,
    MaterialsTwice,
    ProcessUnclear,
    Other,
}

/// POST /ratings
#[derive(Debug, Deserialize)]
pub struct RatingRequest {
    #[serde(rename = "ref")]
    pub reference: ServiceRef,
    pub level: Level,
    pub reasons: Vec<Reason>,
    pub comment: Comment,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintKind {
    Complaint,
    Suggestion,
    NotDone,
}

/// POST /complaints
#[derive(Debug, Deserialize)]
pub struct ComplaintRequest {
    pub kind: ComplaintKind,
    pub text: NonEmpty,
    pub phone: Option<NonEmpty>,
    #[serde(rename = "ref")]
    pub reference: Option<ServiceRef>,
}

#[derive(Debug, Deserialize)]
pub struct SubmissionApplicant {
    pub name: NonEmpty,
    pub id_number: NonEmpty,
    /// Empty when the item's form has no phone field.
    pub phone: String,
}

#[derive(Debug, Deserialize)]
pub struct SubmittedMaterial {
    pub name: String,
    pub status: MaterialStatus,
}

/// `Delivery`: an address with mail, none with pickup (the schema's `oneOf`).
#[derive(Debug, Deserialize)]
#[serde(try_from = "DeliveryFields")]
pub struct Delivery {
    pub method: DeliveryMethod,
    pub address: Option<NonEmpty>,
}

#[derive(Debug, Deserialize)]
struct DeliveryFields {
    method: DeliveryMethod,
    #[serde(default, deserialize_with = "not_null")]
    address: Option<NonEmpty>,
}

impl TryFrom<DeliveryFields> for Delivery {
    type Error = &'static str;
    fn try_from(d: DeliveryFields) -> Result<Self, Self::Error> {
        match (&d.method, &d.address) {
            (DeliveryMethod::Mail, None) => Err("mail delivery without an address"),
            (DeliveryMethod::Pickup, Some(_)) => Err("an address with pickup (only mail has one)"),
            _ => Ok(Delivery {
                method: d.method,
                address: d.address,
            }),
        }
    }
}

/// POST /submissions
#[derive(Debug, Deserialize)]
pub struct SubmissionRequest {
    pub item_code: NonEmpty,
    pub applicant: SubmissionApplicant,
    pub form: BTreeMap<String, String>,
    pub materials: Vec<SubmittedMaterial>,
    pub commitment_accepted: bool,
    pub delivery: Delivery,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByReceipt {
    pub receipt_no: NonEmpty,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByKey {
    pub key: Key,
}

/// POST /progress: `oneOf` receipt_no | key | id_number.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "one of {\"receipt_no\": ...}, {\"key\": UUID} or {\"id_number\": ...}"
)]
pub enum ProgressQuery {
    Receipt(ByReceipt),
    Key(ByKey),
    IdNumber(ByIdNumber),
}

/// POST /services/recent
#[derive(Debug, Deserialize)]
pub struct RecentServicesQuery {
    pub id_number: NonEmpty,
}

/// `BookingApplicant`: the phone is always sent, null when none.
#[derive(Debug, Deserialize)]
pub struct BookingApplicant {
    pub name: NonEmpty,
    pub id_number: NonEmpty,
    pub phone: Option<NonEmpty>,
}

/// POST /appointments
#[derive(Debug, Deserialize)]
pub struct AppointmentRequest {
    pub item_code: NonEmpty,
    pub slot_id: NonEmpty,
    pub applicant: BookingApplicant,
}

/// POST /appointments/{appointment_no}/cancel and /payments/{payment_no}/cancel: an
/// object; what it holds is not read.
pub type CancelRequest = Map<String, Value>;

/// An amount in fen (`minimum: 1, maximum: 100000000`: a million yuan).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "u64")]
pub struct Fen(pub u64);

impl TryFrom<u64> for Fen {
    type Error = &'static str;
    fn try_from(n: u64) -> Result<Self, Self::Error> {
        if (1..=100_000_000).contains(&n) {
            Ok(Fen(n))
        } else {
            Err("an amount must be 1 to 100000000 fen")
        }
    }
}

/// The amount of an order in fen (`minimum: 1, maximum: 5000000000`: 50 items at most).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "u64")]
pub struct Total(pub u64);

impl TryFrom<u64> for Total {
    type Error = &'static str;
    fn try_from(n: u64) -> Result<Self, Self::Error> {
        if (1..=5_000_000_000).contains(&n) {
            Ok(Total(n))
        } else {
            Err("an order's amount must be 1 to 5000000000 fen")
        }
    }
}

/// A wallet's payment code (`pattern`): WeChat Pay 18 digits from 10-15, Alipay 16-24
/// digits from 25-30, UnionPay 19 digits from 62 (as the kiosk's scanner reads them).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct PayCode(pub String);

impl TryFrom<String> for PayCode {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let digits = s.bytes().all(|b| b.is_ascii_digit());
        let ok = digits
            && match s.get(..2).and_then(|h| h.parse::<u8>().ok()) {
                Some(10..=15) => s.len() == 18,
                Some(25..=30) => (16..=24).contains(&s.len()),
                Some(62) => s.len() == 19,
                _ => false,
            };
        if ok {
            Ok(PayCode(s))
        } else {
            Err("not a payment code of a wallet in use")
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByAppointmentNo {
    pub appointment_no: NonEmpty,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByItemCode {
    pub item_code: NonEmpty,
}

/// `PaymentRef`: `oneOf` receipt_no | appointment_no | item_code.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "one of {\"receipt_no\": ...}, {\"appointment_no\": ...} or {\"item_code\": ...}"
)]
pub enum PaymentRef {
    Receipt(ByReceipt),
    Appointment(ByAppointmentNo),
    Item(ByItemCode),
}

#[derive(Debug, Deserialize)]
pub struct PaymentItem {
    pub name: NonEmpty,
    pub amount_fen: Fen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    Qr,
    Paycode,
}

/// POST /payments (`items`: 1 to 50).
#[derive(Debug, Deserialize)]
pub struct PaymentRequest {
    #[serde(rename = "ref")]
    pub reference: PaymentRef,
    pub amount_fen: Total,
    #[serde(deserialize_with = "payment_items")]
    pub items: Vec<PaymentItem>,
    pub method: PayMethod,
    #[serde(default, deserialize_with = "not_null")]
    pub paycode: Option<PayCode>,
}

fn payment_items<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<PaymentItem>, D::Error> {
    let items = Vec::<PaymentItem>::deserialize(d)?;
    if (1..=50).contains(&items.len()) {
        Ok(items)
    } else {
        Err(serde::de::Error::custom("1 to 50 items"))
    }
}
