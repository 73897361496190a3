#![no_main]
//! Retry-After, Date and ETag as a backend (or a proxy in between) may send them, through
//! the real HTTP client (hall/src/client.rs keeps its header parsing private, so this
//! target talks to it over loopback): no panic; Retry-After is the delta-seconds the
//! interface promises or nothing, and the outbox's next try is never in the past; the clock
//! skew follows a Date that parses and ignores one that does not; an ETag comes back as sent.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use hall_link::client::{Client, ClientError};
use hall_link::link::retry_due;
use hall_link::LinkSettings;
use libfuzzer_sys::fuzz_target;

struct World {
    rt: tokio::runtime::Runtime,
    client: Client,
    /// The next answer the server writes, whole.
    answer: Arc<Mutex<Vec<u8>>>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
        let addr = listener.local_addr().expect("address");
        let answer: Arc<Mutex<Vec<u8>>> = Arc::default();
        let a = answer.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let mut req = Vec::new();
                let mut buf = [0u8; 4096];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                let bytes = a.lock().unwrap().clone();
                let _ = conn.write_all(&bytes);
            }
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let mut s = LinkSettings::new(
            "FUZZ-01",
            &format!("http://{addr}/kiosk/v1"),
            "token",
            std::env::temp_dir(),
        );
        s.timeout = Duration::from_secs(5);
        let client = rt.block_on(async { Client::new(&s) }).expect("client");
        World { rt, client, answer }
    })
}

/// A header value: the fuzzed bytes without CR and LF (which would end the header), and
/// as hyper keeps it: without leading and trailing spaces and tabs.
fn value(raw: &[u8]) -> Vec<u8> {
    raw.iter()
        .copied()
        .filter(|b| *b != b'\r' && *b != b'\n')
        .collect()
}

fn kept(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |e| e + 1);
    &v[start..end]
}

/// Visible ASCII, space and tab: what `HeaderValue::to_str` accepts.
fn ascii(v: &[u8]) -> Option<&str> {
    v.iter()
        .all(|b| *b == b'\t' || (0x20..0x7F).contains(b))
        .then(|| std::str::from_utf8(v).expect("ascii"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(3, |&b| b == 0xFF);
    let mut retry_after = value(parts.next().unwrap_or_default());
    if mode & 4 != 0 {
        // Delta-seconds over the whole u64 range: the fuzzer rarely types 16 digits itself.
        let mut n = [0u8; 8];
        let k = retry_after.len().min(8);
        n[..k].copy_from_slice(&retry_after[..k]);
        retry_after = u64::from_le_bytes(n).to_string().into_bytes();
    }
    let date = value(parts.next().unwrap_or_default());
    let etag = value(parts.next().unwrap_or_default());
    let status = [503u16, 429, 304, 200][usize::from(mode & 3)];

    let mut answer = format!("HTTP/1.1 {status} X\r\nconnection: close\r\n").into_bytes();
    for (name, v) in [
        ("retry-after", &retry_after),
        ("date", &date),
        ("etag", &etag),
    ] {
        answer.extend_from_slice(name.as_bytes());
        answer.extend_from_slice(b": ");
        answer.extend_from_slice(v);
        answer.extend_from_slice(b"\r\n");
    }
    let body = if status == 200 { "{}" } else { "" };
    answer.extend_from_slice(format!("content-length: {}\r\n\r\n{body}", body.len()).as_bytes());

    let w = world();
    *w.answer.lock().unwrap() = answer;
    let skew_before = w.client.skew_s();
    let before = SystemTime::now();
    let got = w.rt.block_on(w.client.get("/catalog", None));
    let after = SystemTime::now();

    let bad_bytes = [&retry_after, &date, &etag]
        .iter()
        .any(|v| v.iter().any(|b| (*b < 0x20 && *b != b'\t') || *b == 0x7F));
    if let Err(ClientError::Network(e)) = &got {
        assert!(bad_bytes, "a well-formed answer was a network error: {e}");
        return;
    }

    // Retry-After: delta-seconds, or nothing.
    let expected = ascii(kept(&retry_after))
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    match (&got, status) {
        (Err(ClientError::Unavailable { retry_after, .. }), 503 | 429) => {
            assert_eq!(*retry_after, expected);
            // The outbox's next try: never before now, whatever the backend asked for.
            let now_ms = 1_780_000_000_000;
            if let Some(wait) = retry_after {
                let due = retry_due(now_ms, *wait);
                assert!(
                    due >= now_ms,
                    "Retry-After {wait:?} made the next try {due}"
                );
            }
        }
        (Ok((code, tag, _)), 200 | 304) => {
            assert_eq!(*code, status);
            // The ETag as sent (when it is text).
            assert_eq!(tag.as_deref(), ascii(kept(&etag)));
        }
        (other, _) => panic!("status {status} gave {other:?}"),
    }

    // Date: the skew follows a date that parses, and stays as it was otherwise.
    let parsed = ascii(kept(&date)).and_then(|s| httpdate::parse_http_date(s).ok());
    match parsed {
        Some(server) => {
            let skew = w.client.skew_s().expect("a skew from a good Date");
            let secs = |t: SystemTime| match t.duration_since(server) {
                Ok(d) => d.as_secs() as i64,
                Err(e) => -(e.duration().as_secs() as i64),
            };
            assert!(
                secs(before) - 1 <= skew && skew <= secs(after) + 1,
                "skew {skew} for {server:?}"
            );
        }
        None => assert_eq!(w.client.skew_s(), skew_before),
    }
});
