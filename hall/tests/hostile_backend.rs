//! A backend that answers with hostile headers and bodies (issue 17, item 4): the client
//! caps what it believes and what it reads, and says so with a clear error.

use std::time::Duration;

use hall_link::client::{Client, ClientError};
use hall_link::headers::{ANSWER_MAX_BYTES, CATALOG_MAX_BYTES, RETRY_AFTER_CAP};
use hall_link::LinkSettings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A loopback server answering every request with `response` (raw HTTP/1.1 bytes), until
/// the test's runtime ends.
async fn canned(response: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                // Read the request head (and any small body) before answering.
                let mut buf = vec![0u8; 64 * 1024];
                let _ = tokio::time::timeout(Duration::from_millis(200), sock.read(&mut buf)).await;
                let _ = sock.write_all(&response).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

fn client(url: &str) -> Client {
    let dir = std::env::temp_dir();
    let mut s = LinkSettings::new("T-01", url, "demo-token", dir);
    s.timeout = Duration::from_secs(5);
    Client::new(&s).unwrap()
}

fn head(status: &str, headers: &[(&str, String)]) -> String {
    let mut h = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    h
}

/// A JSON document of about `n` bytes.
fn json_of(n: usize) -> String {
    format!("{{\"pad\":\"{}\"}}", "x".repeat(n.saturating_sub(10)))
}

fn with_length(status: &str, body: &str) -> Vec<u8> {
    let h = head(
        status,
        &[
            ("Content-Type", "application/json".into()),
            ("Content-Length", body.len().to_string()),
        ],
    );
    format!("{h}{body}").into_bytes()
}

/// The body sent chunked, so no Content-Length warns the client of its size.
fn chunked(status: &str, body: &str) -> Vec<u8> {
    let mut out = head(
        status,
        &[
            ("Content-Type", "application/json".into()),
            ("Transfer-Encoding", "chunked".into()),
        ],
    )
    .into_bytes();
    for piece in body.as_bytes().chunks(16 * 1024) {
        out.extend(format!("{:x}\r\n", piece.len()).into_bytes());
        out.extend_from_slice(piece);
        out.extend(b"\r\n");
    }
    out.extend(b"0\r\n\r\n");
    out
}

fn is_too_large(e: &ClientError) -> bool {
    matches!(e, ClientError::BadAnswer(m) if m.contains("larger than"))
}

#[tokio::test]
async fn a_retry_after_of_a_year_or_past_u64_is_capped_at_an_hour() {
    for value in [
        "31536000".to_string(),
        "99999999999999999999999".to_string(),
        "Fri, 31 Dec 9999 23:59:59 GMT".to_string(),
    ] {
        let body = r#"{"error":"busy","message":"later"}"#;
        let h = head(
            "503 Service Unavailable",
            &[
                ("Content-Type", "application/json".into()),
                ("Content-Length", body.len().to_string()),
                ("Retry-After", value.clone()),
            ],
        );
        let url = canned(format!("{h}{body}").into_bytes()).await;
        let err = client(&url)
            .post(
                "/ratings",
                Some(uuid::Uuid::new_v4()),
                &serde_json::json!({}),
                None,
            )
            .await
            .unwrap_err();
        match err {
            ClientError::Unavailable { retry_after, .. } => {
                assert_eq!(retry_after, Some(RETRY_AFTER_CAP), "Retry-After: {value}")
            }
            other => panic!("Retry-After: {value}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn answer_bodies_past_their_limit_are_refused_with_or_without_a_length() {
    for make in [with_length, chunked] {
        // The catalog may be large, up to its own limit.
        let url = canned(make("200 OK", &json_of(CATALOG_MAX_BYTES - 1024))).await;
        let (status, _, body) = client(&url).get("/catalog", None).await.unwrap();
        assert_eq!((status, body.len() > ANSWER_MAX_BYTES), (200, true));

        let url = canned(make("200 OK", &json_of(CATALOG_MAX_BYTES + 1024))).await;
        let err = client(&url).get("/catalog", None).await.unwrap_err();
        assert!(is_too_large(&err), "{err:?}");

        // Any other answer is held to the smaller limit, GET and POST alike.
        let url = canned(make("200 OK", &json_of(ANSWER_MAX_BYTES + 1024))).await;
        let err = client(&url).get("/queue", None).await.unwrap_err();
        assert!(is_too_large(&err), "{err:?}");
        let err = client(&url)
            .post(
                "/tickets",
                Some(uuid::Uuid::new_v4()),
                &serde_json::json!({}),
                None,
            )
            .await
            .unwrap_err();
        assert!(is_too_large(&err), "{err:?}");
    }
}

#[tokio::test]
async fn a_huge_error_body_still_gives_the_status_class() {
    let url = canned(with_length(
        "500 Internal Server Error",
        &json_of(ANSWER_MAX_BYTES * 4),
    ))
    .await;
    let err = client(&url)
        .post(
            "/ratings",
            Some(uuid::Uuid::new_v4()),
            &serde_json::json!({}),
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Unavailable { status: 500, .. }),
        "{err:?}"
    );
}
