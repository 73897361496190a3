//! What a scanned text means to the kiosk. Pure and total: any text gives a [`KioskCode`],
//! never a panic (fuzzed by `scanner_payload`).
//!
//! Schemes the hall backend issues:
//! - appointment on a phone: `hk:appt:v1:<hall_id>:<code>[:<sig>]`
//! - ticket: `https://<hall host>/track/t/<YYYYMMDD>/<ticket_no>`
//! - receipt: `https://<hall host>/track/r/<receipt_no>`; offline provisional receipt:
//!   `https://<hall host>/track/k/<idempotency key UUID>`
//! - staff: `hk:staff:v1:<staff_id>:<expires_unix_seconds>:<sig>` (signature required)
//!
//! `<sig>` is lowercase hex HMAC-SHA256 over the text before the last colon.
//! Appointment signatures are optional (the backend checks the code itself), but a present
//! signature that fails is [`KioskCode::BadSignature`]. Staff codes grant access, so they are
//! accepted only with a verifier configured and a valid signature; the expiry is returned for
//! the caller to compare with its clock.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Longest text taken as a code; anything longer is not one of ours.
pub const MAX_PAYLOAD: usize = 4096;
const MAX_FIELD: usize = 64;

/// A scanned code, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KioskCode {
    /// An appointment of this hall (网上预约), to check in.
    Appointment { code: String },
    /// An appointment for another hall: tell the citizen where to go.
    OtherHallAppointment { hall_id: String },
    /// A queue ticket printed by a kiosk of this hall.
    Ticket { date: time::Date, ticket_no: String },
    /// A submission receipt.
    Receipt { receipt_no: String },
    /// A receipt printed while the backend was unreachable, keyed by its idempotency key.
    ProvisionalReceipt { key: uuid::Uuid },
    /// A signed staff code; the caller checks `expires` against its clock, its lifetime
    /// against its cap and, for a single-use code (`hk:staff:v2`, Ed25519), that its
    /// `nonce` was not seen before.
    Staff {
        staff_id: String,
        expires: time::OffsetDateTime,
        nonce: Option<String>,
    },
    /// Another page of the hall's site.
    HallUrl(String),
    /// A payment app's pay code (付款码) shown on a phone: a bearer credential for the
    /// citizen's money, never logged. The kiosk takes no payments yet; this tells it apart
    /// from a code it does not know.
    PaymentCode(String),
    /// A kiosk code whose signature does not verify: forged or damaged.
    BadSignature,
    /// Not a code the kiosk understands.
    Unknown(UnknownReason),
}

/// Why a text is not a kiosk code; for the log, while the UI says "unknown code".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownReason {
    Empty,
    /// Longer than [`MAX_PAYLOAD`] bytes.
    TooLong {
        len: usize,
    },
    /// Neither an `hk:` code nor a URL of the hall.
    NotAKioskCode,
    /// An `hk:` code of a kind or version this kiosk does not know.
    UnsupportedKind(String),
    /// An `hk:` code or hall URL whose fields are wrong.
    Malformed {
        kind: &'static str,
        why: &'static str,
    },
    /// A web address on a host that is not the hall's.
    ForeignUrl {
        host: String,
    },
    /// A signed-only code and no key configured to verify it.
    Unverifiable,
}

impl fmt::Display for UnknownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnknownReason::Empty => f.write_str("empty code"),
            UnknownReason::TooLong { len } => {
                write!(f, "code of {len} bytes is longer than {MAX_PAYLOAD}")
            }
            UnknownReason::NotAKioskCode => f.write_str("not a kiosk code or hall address"),
            UnknownReason::UnsupportedKind(k) => write!(f, "unsupported kiosk code kind {k:?}"),
            UnknownReason::Malformed { kind, why } => write!(f, "malformed {kind} code: {why}"),
            UnknownReason::ForeignUrl { host } => write!(f, "address on foreign host {host:?}"),
            UnknownReason::Unverifiable => {
                f.write_str("signed code but no verification key configured")
            }
        }
    }
}

/// Checks a code's signature.
pub trait CodeVerifier {
    /// True when `sig_hex` (lowercase hex) signs `message`.
    fn verify(&self, message: &[u8], sig_hex: &str) -> bool;
}

/// Why a hex key did not decode.
pub use hex::FromHexError;

/// HMAC-SHA256 with a key from the configuration.
#[derive(Clone)]
pub struct HmacVerifier {
    key: Vec<u8>,
}

impl fmt::Debug for HmacVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacVerifier { key: <hidden> }")
    }
}

/// The key of the tests, the simulators and the demo; never a hall's real key.
pub const TEST_KEY: &[u8] = b"hall-kiosk test key - not for production";

impl HmacVerifier {
    pub fn new(key: impl AsRef<[u8]>) -> Self {
        HmacVerifier {
            key: key.as_ref().to_vec(),
        }
    }

    /// Reads a key written as hex (as in a key file), surrounding whitespace ignored.
    pub fn from_hex(text: &str) -> Result<Self, FromHexError> {
        hex::decode(text.trim()).map(Self::new)
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length, so this cannot fail.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC accepts any key length")
    }

    /// The signature of `message`, lowercase hex (as the backend and the simulators write it).
    pub fn sign(&self, message: &[u8]) -> String {
        let mut m = self.mac();
        m.update(message);
        hex::encode(m.finalize().into_bytes())
    }

    /// `message` with `:<sig>` appended.
    pub fn signed(&self, message: &str) -> String {
        format!("{message}:{}", self.sign(message.as_bytes()))
    }
}

impl CodeVerifier for HmacVerifier {
    fn verify(&self, message: &[u8], sig_hex: &str) -> bool {
        // Uppercase hex is not what the backend writes; refusing it keeps one spelling per code.
        if sig_hex.len() != 64
            || !sig_hex
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return false;
        }
        let Ok(sig) = hex::decode(sig_hex) else {
            return false;
        };
        let mut m = self.mac();
        m.update(message);
        // verify_slice compares in constant time.
        m.verify_slice(&sig).is_ok()
    }
}

/// What the parser needs to know about this kiosk.
#[derive(Default)]
pub struct SchemeContext {
    /// This hall's id in appointment codes.
    pub hall_id: String,
    /// Hosts of the hall's site, as `host` or `host:port` (case-insensitive).
    pub hall_hosts: Vec<String>,
    /// Checks HMAC signatures (appointment codes, `hk:staff:v1`); `None` accepts unsigned
    /// appointment codes and refuses v1 staff codes.
    pub verifier: Option<Box<dyn CodeVerifier + Send + Sync>>,
    /// Checks the Ed25519 signatures of `hk:staff:v2` codes against the staff office's
    /// public key; `None` refuses them.
    pub staff_key: Option<Box<dyn CodeVerifier + Send + Sync>>,
}

impl fmt::Debug for SchemeContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemeContext")
            .field("hall_id", &self.hall_id)
            .field("hall_hosts", &self.hall_hosts)
            .field("verifier", &self.verifier.is_some())
            .field("staff_key", &self.staff_key.is_some())
            .finish()
    }
}

fn malformed(kind: &'static str, why: &'static str) -> KioskCode {
    KioskCode::Unknown(UnknownReason::Malformed { kind, why })
}

/// Ids, codes and ticket numbers: ASCII letters, digits, `-` and `_`, 1 to 64 long.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_FIELD
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_sig(s: &str) -> bool {
    is_lower_hex(s, 64..=64)
}

/// Classifies a scanned text. Never panics.
pub fn parse(payload: &str, ctx: &SchemeContext) -> KioskCode {
    // Scanners and phones add stray whitespace; no code of ours has any.
    let text = payload.trim();
    if text.is_empty() {
        return KioskCode::Unknown(UnknownReason::Empty);
    }
    if text.len() > MAX_PAYLOAD {
        return KioskCode::Unknown(UnknownReason::TooLong { len: text.len() });
    }
    if let Some(rest) = strip_prefix_ci(text, "hk:") {
        return parse_hk(text, rest, ctx);
    }
    if strip_prefix_ci(text, "https://").is_some() || strip_prefix_ci(text, "http://").is_some() {
        return parse_url(text, ctx);
    }
    if is_payment_code(text) {
        return KioskCode::PaymentCode(text.to_owned());
    }
    KioskCode::Unknown(UnknownReason::NotAKioskCode)
}

/// The pay codes of the payment apps in use in China, by their published number ranges:
/// WeChat Pay 18 digits from 10-15, Alipay 16-24 digits from 25-30, UnionPay 19 from 62.
fn is_payment_code(text: &str) -> bool {
    if !text.bytes().all(|b| b.is_ascii_digit()) || !(16..=24).contains(&text.len()) {
        return false;
    }
    let head: u8 = text[..2].parse().unwrap_or(0);
    match head {
        10..=15 => text.len() == 18,
        25..=30 => true,
        62 => text.len() == 19,
        _ => false,
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn parse_hk(text: &str, rest: &str, ctx: &SchemeContext) -> KioskCode {
    let fields: Vec<&str> = rest.split(':').collect();
    match fields.as_slice() {
        ["appt", "v1", tail @ ..] => parse_appointment(text, tail, ctx),
        ["staff", "v1", tail @ ..] => parse_staff(text, tail, ctx),
        ["staff", "v2", tail @ ..] => parse_staff_v2(text, tail, ctx),
        [kind, version, ..] => KioskCode::Unknown(UnknownReason::UnsupportedKind(format!(
            "{}:{}",
            truncate(kind),
            truncate(version)
        ))),
        [kind] => KioskCode::Unknown(UnknownReason::UnsupportedKind(truncate(kind).to_owned())),
        [] => KioskCode::Unknown(UnknownReason::NotAKioskCode),
    }
}

/// Keeps log lines short when a long field is echoed.
fn truncate(s: &str) -> &str {
    let mut end = s.len().min(MAX_FIELD);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The text a signature covers: everything before the last colon.
fn signed_part(text: &str) -> &str {
    text.rfind(':').map_or(text, |i| &text[..i])
}

fn parse_appointment(text: &str, fields: &[&str], ctx: &SchemeContext) -> KioskCode {
    const KIND: &str = "appointment";
    let (hall_id, code, sig) = match fields {
        [h, c] => (*h, *c, None),
        [h, c, s] => (*h, *c, Some(*s)),
        _ => return malformed(KIND, "expected hk:appt:v1:<hall_id>:<code>[:<sig>]"),
    };
    if !is_token(hall_id) {
        return malformed(KIND, "bad hall id");
    }
    if !is_token(code) {
        return malformed(KIND, "bad appointment code");
    }
    if let Some(s) = sig {
        if !is_sig(s) {
            return malformed(KIND, "signature is not 64 lowercase hex digits");
        }
    }
    if hall_id != ctx.hall_id {
        // Signed with the other hall's key: nothing to verify here.
        return KioskCode::OtherHallAppointment {
            hall_id: hall_id.to_owned(),
        };
    }
    if let (Some(sig), Some(v)) = (sig, &ctx.verifier) {
        if !v.verify(signed_part(text).as_bytes(), sig) {
            return KioskCode::BadSignature;
        }
    }
    KioskCode::Appointment {
        code: code.to_owned(),
    }
}

fn parse_staff(text: &str, fields: &[&str], ctx: &SchemeContext) -> KioskCode {
    let [staff_id, expires, sig] = fields else {
        return malformed("staff", "expected hk:staff:v1:<staff_id>:<expires>:<sig>");
    };
    signed_staff(
        text,
        [staff_id, expires, sig],
        None,
        ctx.verifier.as_deref(),
    )
}

/// `hk:staff:v2:<staff_id>:<expires>:<nonce>:<sig>`: signed with the staff office's
/// Ed25519 key (128 hex digits) over everything before the last colon; the nonce (16 to 64
/// hex digits) makes each code single-use.
fn parse_staff_v2(text: &str, fields: &[&str], ctx: &SchemeContext) -> KioskCode {
    let [staff_id, expires, nonce, sig] = fields else {
        return malformed(
            "staff",
            "expected hk:staff:v2:<staff_id>:<expires>:<nonce>:<sig>",
        );
    };
    if !is_lower_hex(nonce, 16..=64) {
        return malformed("staff", "nonce is not 16 to 64 lowercase hex digits");
    }
    signed_staff(
        text,
        [staff_id, expires, sig],
        Some(nonce),
        ctx.staff_key.as_deref(),
    )
}

/// The fields every staff code has, checked, and its signature verified with `verifier`
/// (the scheme's key; none: the code cannot be verified here). A v1 code's signature is an
/// HMAC (64 hex digits), a v2 code's (with a nonce) an Ed25519 signature (128).
fn signed_staff(
    text: &str,
    [staff_id, expires, sig]: [&str; 3],
    nonce: Option<&str>,
    verifier: Option<&(dyn CodeVerifier + Send + Sync)>,
) -> KioskCode {
    const KIND: &str = "staff";
    if !is_token(staff_id) {
        return malformed(KIND, "bad staff id");
    }
    let Some(expires) = unix_seconds(expires) else {
        return malformed(KIND, "expiry is not unix seconds");
    };
    match nonce {
        None if !is_sig(sig) => return malformed(KIND, "signature is not 64 lowercase hex digits"),
        Some(_) if !is_lower_hex(sig, 128..=128) => {
            return malformed(KIND, "signature is not 128 lowercase hex digits")
        }
        _ => {}
    }
    let Some(v) = verifier else {
        return KioskCode::Unknown(UnknownReason::Unverifiable);
    };
    if !v.verify(signed_part(text).as_bytes(), sig) {
        return KioskCode::BadSignature;
    }
    KioskCode::Staff {
        staff_id: staff_id.to_owned(),
        expires,
        nonce: nonce.map(str::to_owned),
    }
}

fn unix_seconds(s: &str) -> Option<time::OffsetDateTime> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    time::OffsetDateTime::from_unix_timestamp(s.parse().ok()?).ok()
}

fn is_lower_hex(s: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&s.len()) && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn host_matches(url: &url::Url, hall_hosts: &[String]) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let port = url.port();
    hall_hosts.iter().any(|h| {
        let h = h.trim();
        match h.rsplit_once(':') {
            // "host:port" (an IPv6 literal in brackets also ends "]:port").
            Some((hh, p)) if !hh.is_empty() && !hh.ends_with(':') && p.parse::<u16>().is_ok() => {
                hh.eq_ignore_ascii_case(host) && url.port_or_known_default() == p.parse().ok()
            }
            _ => h.eq_ignore_ascii_case(host) && port.is_none(),
        }
    })
}

fn parse_url(text: &str, ctx: &SchemeContext) -> KioskCode {
    const KIND: &str = "hall address";
    let Ok(url) = url::Url::parse(text) else {
        return malformed(KIND, "not a valid URL");
    };
    // user:password@ in a QR code is a classic way to dress a foreign host as the hall's.
    if !url.username().is_empty() || url.password().is_some() {
        return KioskCode::Unknown(UnknownReason::ForeignUrl {
            host: url.host_str().unwrap_or_default().to_owned(),
        });
    }
    if !host_matches(&url, &ctx.hall_hosts) {
        return KioskCode::Unknown(UnknownReason::ForeignUrl {
            host: truncate(url.host_str().unwrap_or_default()).to_owned(),
        });
    }
    let segments: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
    match segments.as_slice() {
        ["track", "t", date, no] => {
            const KIND: &str = "ticket";
            let Some(date) = parse_yyyymmdd(date) else {
                return malformed(KIND, "date is not a YYYYMMDD calendar date");
            };
            if !is_token(no) {
                return malformed(KIND, "bad ticket number");
            }
            KioskCode::Ticket {
                date,
                ticket_no: (*no).to_owned(),
            }
        }
        ["track", "r", no] => {
            if !is_token(no) {
                return malformed("receipt", "bad receipt number");
            }
            KioskCode::Receipt {
                receipt_no: (*no).to_owned(),
            }
        }
        // Only the hyphenated spelling (36 characters) is what the backend prints.
        ["track", "k", key] => match uuid::Uuid::try_parse(key) {
            Ok(uuid) if key.len() == 36 => KioskCode::ProvisionalReceipt { key: uuid },
            _ => malformed("provisional receipt", "key is not a hyphenated UUID"),
        },
        _ => KioskCode::HallUrl(url.to_string()),
    }
}

fn parse_yyyymmdd(s: &str) -> Option<time::Date> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = s[..4].parse().ok()?;
    let month: u8 = s[4..6].parse().ok()?;
    let day: u8 = s[6..].parse().ok()?;
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}
