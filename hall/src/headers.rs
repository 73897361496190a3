//! The backend's answer headers the kiosk acts on, read as hostile input: a `Retry-After`
//! of a year or a date far ahead must not park an entry for good nor overflow the delay
//! arithmetic, and an `ETag` is stored and sent back, so it is bounded too.

use std::time::{Duration, SystemTime};

/// The longest wait a `Retry-After` can ask for: past it, the kiosk tries again anyway
/// (an entry parked for a year is an entry lost).
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(3600);

/// The longest ETag kept (RFC 9110 sets no limit; real ones are hashes of 30-70 bytes).
pub const ETAG_MAX_LEN: usize = 256;

/// Largest answer bodies read: the catalog, and everything else. A body past its limit is
/// refused unread rather than stored and parsed on every status call.
pub const CATALOG_MAX_BYTES: usize = 4 * 1024 * 1024;
pub const ANSWER_MAX_BYTES: usize = 256 * 1024;

/// The body limit for a request path.
pub fn answer_limit(path: &str) -> usize {
    if path.starts_with("/catalog") {
        CATALOG_MAX_BYTES
    } else {
        ANSWER_MAX_BYTES
    }
}

/// A `Retry-After` value (delay-seconds or an HTTP date, RFC 9110 §10.2.3) as a wait from
/// `now`, at most [`RETRY_AFTER_CAP`]; None when it is neither form. A date in the past is
/// no wait.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let wait = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still "a very long time".
        Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX))
    } else {
        let at = httpdate::parse_http_date(value).ok()?;
        at.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait.min(RETRY_AFTER_CAP))
}

/// The server's clock from a `Date` header.
pub fn date(value: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(value.trim()).ok()
}

/// Seconds `local` is ahead of `server` (negative: behind), saturating.
pub fn skew_s(local: SystemTime, server: SystemTime) -> i64 {
    match local.duration_since(server) {
        Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
        Err(behind) => i64::try_from(behind.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// An `ETag` worth keeping: an opaque tag of visible ASCII (optionally weak, `W/"…"`), at
/// most [`ETAG_MAX_LEN`] bytes. Anything else is dropped, so the next fetch is a full one.
pub fn etag(value: &str) -> Option<String> {
    let tag = value.trim();
    let opaque = tag.strip_prefix("W/").unwrap_or(tag);
    let ok = tag.len() <= ETAG_MAX_LEN
        && opaque.len() >= 2
        && opaque.starts_with('"')
        && opaque.ends_with('"')
        && opaque[1..opaque.len() - 1]
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x7e).contains(&b));
    ok.then(|| tag.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn retry_after_is_capped_whatever_the_backend_says() {
        let now = t(1_700_000_000);
        assert_eq!(retry_after("30", now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        for hostile in [
            "31536000",
            "18446744073709551615",
            "99999999999999999999999999",
        ] {
            assert_eq!(
                retry_after(hostile, now),
                Some(RETRY_AFTER_CAP),
                "{hostile}"
            );
        }
        // An HTTP date: 90 s ahead, far ahead, and in the past.
        let ahead = httpdate::fmt_http_date(t(1_700_000_090));
        assert_eq!(retry_after(&ahead, now), Some(Duration::from_secs(90)));
        assert_eq!(
            retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now),
            Some(RETRY_AFTER_CAP)
        );
        let past = httpdate::fmt_http_date(t(1_600_000_000));
        assert_eq!(retry_after(&past, now), Some(Duration::ZERO));
        for junk in ["", "-5", "1.5", "soon", "30s"] {
            assert_eq!(retry_after(junk, now), None, "{junk:?}");
        }
    }

    #[test]
    fn skew_saturates_and_keeps_its_sign() {
        assert_eq!(skew_s(t(100), t(40)), 60);
        assert_eq!(skew_s(t(40), t(100)), -60);
        assert_eq!(
            skew_s(
                SystemTime::UNIX_EPOCH,
                date("Fri, 31 Dec 9999 23:59:59 GMT").unwrap()
            ),
            -253_402_300_799
        );
    }

    #[test]
    fn only_well_formed_bounded_etags_are_kept() {
        assert_eq!(etag("\"v42\""), Some("\"v42\"".into()));
        assert_eq!(etag("W/\"abc\""), Some("W/\"abc\"".into()));
        let long = format!("\"{}\"", "a".repeat(ETAG_MAX_LEN));
        for bad in ["v42", "\"", "\"a\"b\"", "\"caf\u{e9}\"", "\"a\nb\"", &long] {
            assert_eq!(etag(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_catalog_may_be_larger_than_other_answers() {
        assert_eq!(answer_limit("/catalog"), CATALOG_MAX_BYTES);
        assert_eq!(answer_limit("/queue"), ANSWER_MAX_BYTES);
    }
}
