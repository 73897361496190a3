//! HTTP client of interface v1: bearer token, kiosk id and idempotency key on every
//! request, TLS by rustls, bounded timeouts. It says what happened; what to do about it
//! (retry, fall back, dead letter) is the caller's policy.

use std::time::Duration;

use reqwest::StatusCode;
use uuid::Uuid;

use crate::headers;
use crate::LinkSettings;

/// What an HTTP exchange came to.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Connect failure, reset, or timeout: the request may or may not have been applied.
    #[error("backend unreachable: {0}")]
    Network(String),
    /// 401/403: the token is wrong or revoked; online features stop until staff fix it.
    #[error("backend refused the kiosk's credentials ({0})")]
    Unauthorized(u16),
    /// 5xx or 429: try again later (after `retry_after` if the server said).
    #[error("backend busy or failing ({status}): {message}")]
    Unavailable {
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    /// 409 with the first request still in progress at the server.
    #[error("request still in progress at the backend")]
    InProgress,
    /// Another 4xx: the request itself is wrong and will never succeed as it is.
    #[error("backend rejected the request ({status} {code}): {message}")]
    Rejected {
        status: u16,
        code: String,
        message: String,
        /// The whole error answer (Null when it was not JSON): some carry more than the
        /// code, e.g. `open_ticket` with 409 `ticket_limit`.
        detail: serde_json::Value,
    },
    /// The answer was not the JSON interface v1 promises.
    #[error("backend answered something unreadable: {0}")]
    BadAnswer(String),
    /// The TLS settings (CA file, client certificate) could not be used.
    #[error("TLS setup: {0}")]
    Tls(String),
}

impl ClientError {
    /// Whether sending again (with the same key) may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ClientError::Network(_) | ClientError::Unavailable { .. } | ClientError::InProgress
        )
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    kiosk_id: String,
    observer: std::sync::Arc<std::sync::RwLock<Option<Observer>>>,
    /// Seconds the kiosk's clock is ahead of the backend's (negative: behind), from the
    /// Date header of the last answer.
    skew_s: std::sync::Arc<std::sync::Mutex<Option<i64>>>,
}

/// Told the duration of each request and whether an answer came (see `HallLink::observe_latency`).
pub type Observer = std::sync::Arc<dyn Fn(Duration, bool) + Send + Sync>;

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("kiosk_id", &self.kiosk_id)
            .field("token", &"***")
            .finish()
    }
}

impl Client {
    pub fn new(s: &LinkSettings) -> Result<Client, ClientError> {
        let mut b = reqwest::Client::builder()
            .connect_timeout(s.connect_timeout)
            .timeout(s.timeout)
            .user_agent(concat!("hall-kiosk/", env!("CARGO_PKG_VERSION")));
        if let Some(pin) = s.pin_sha256 {
            // A pinned backend: the client's own TLS, which also checks the key (see tls).
            let config = crate::tls::pinned_config(&crate::tls::PinnedTls {
                pin,
                ca_file: s.ca_file.as_ref(),
                ca_only: s.ca_only,
                client_cert: s.client_cert.as_ref(),
            })
            .map_err(ClientError::Tls)?;
            b = b.use_preconfigured_tls(config);
        } else if let Some(ca) = &s.ca_file {
            let pem = std::fs::read(ca)
                .map_err(|e| ClientError::Tls(format!("{}: {e}", ca.display())))?;
            let cert = reqwest::Certificate::from_pem(&pem)
                .map_err(|e| ClientError::Tls(e.to_string()))?;
            b = b.add_root_certificate(cert);
            if s.ca_only {
                // The hall's own PKI only: a certificate from any public CA is refused.
                b = b.tls_built_in_root_certs(false);
            }
        }
        // With a pinned backend the certificate is in the TLS configuration already.
        if let Some((cert, key)) = s.client_cert.as_ref().filter(|_| s.pin_sha256.is_none()) {
            let mut pem = std::fs::read(cert)
                .map_err(|e| ClientError::Tls(format!("{}: {e}", cert.display())))?;
            pem.extend(
                std::fs::read(key)
                    .map_err(|e| ClientError::Tls(format!("{}: {e}", key.display())))?,
            );
            let id =
                reqwest::Identity::from_pem(&pem).map_err(|e| ClientError::Tls(e.to_string()))?;
            b = b.identity(id);
        }
        Ok(Client {
            http: b.build().map_err(|e| ClientError::Tls(e.to_string()))?,
            base: s.base_url.trim_end_matches('/').to_string(),
            token: s.token.clone(),
            kiosk_id: s.kiosk_id.clone(),
            observer: Default::default(),
            skew_s: Default::default(),
        })
    }

    pub fn set_observer(&self, f: Observer) {
        *self.observer.write().unwrap_or_else(|p| p.into_inner()) = Some(f);
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<reqwest::Response, ClientError> {
        let start = std::time::Instant::now();
        let resp = req.send().await;
        if let Some(f) = self
            .observer
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            f(start.elapsed(), resp.is_ok());
        }
        if let Some(server) = resp
            .as_ref()
            .ok()
            .and_then(|r| r.headers().get("date"))
            .and_then(|v| v.to_str().ok())
            .and_then(headers::date)
        {
            let local = std::time::SystemTime::now();
            crate::clock::observe(server, local);
            let skew = headers::skew_s(local, server);
            *self.skew_s.lock().unwrap_or_else(|p| p.into_inner()) = Some(skew);
        }
        resp.map_err(|e| ClientError::Network(e.to_string()))
    }

    /// The clock skew measured on the last answer (None before any answer).
    pub fn skew_s(&self) -> Option<i64> {
        *self.skew_s.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
            .header("X-Kiosk-Id", &self.kiosk_id)
    }

    /// POSTs a JSON body with an idempotency key (None only for /heartbeat). The timeout
    /// overrides the client's own for this request (a short budget for tickets).
    pub async fn post(
        &self,
        path: &str,
        key: Option<Uuid>,
        body: &serde_json::Value,
        timeout: Option<Duration>,
    ) -> Result<(u16, serde_json::Value), ClientError> {
        let mut req = self.request(reqwest::Method::POST, path).json(body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k.to_string());
        }
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        let resp = self.send(req).await?;
        Self::answer(resp, headers::answer_limit(path)).await
    }

    /// GETs a path, with `If-None-Match` when an ETag is known. Returns (status, ETag, body);
    /// 304 gives an empty body.
    pub async fn get(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<(u16, Option<String>, String), ClientError> {
        let mut req = self.request(reqwest::Method::GET, path);
        if let Some(e) = etag {
            req = req.header("If-None-Match", e);
        }
        let resp = self.send(req).await?;
        let status = resp.status();
        let etag = resp
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .and_then(headers::etag);
        if status == StatusCode::NOT_MODIFIED {
            return Ok((304, etag, String::new()));
        }
        if !status.is_success() {
            return Err(Self::error(status, resp).await);
        }
        let text = Self::text(resp, headers::answer_limit(path)).await?;
        Ok((status.as_u16(), etag, text))
    }

    /// The body as text, refused once it passes `limit` bytes (by its Content-Length, or
    /// while it streams in), so a runaway answer costs neither memory nor the store.
    async fn text(mut resp: reqwest::Response, limit: usize) -> Result<String, ClientError> {
        let too_large = || ClientError::BadAnswer(format!("answer larger than {limit} bytes"));
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| ClientError::Network(e.to_string()))?
        {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|_| ClientError::BadAnswer("answer is not UTF-8".into()))
    }

    async fn answer(
        resp: reqwest::Response,
        limit: usize,
    ) -> Result<(u16, serde_json::Value), ClientError> {
        let status = resp.status();
        if status.is_success() {
            let code = status.as_u16();
            if code == 204 {
                return Ok((204, serde_json::Value::Null));
            }
            let text = Self::text(resp, limit).await?;
            if text.trim().is_empty() {
                return Ok((code, serde_json::Value::Null));
            }
            let v =
                serde_json::from_str(&text).map_err(|e| ClientError::BadAnswer(e.to_string()))?;
            return Ok((code, v));
        }
        Err(Self::error(status, resp).await)
    }

    async fn error(status: StatusCode, resp: reqwest::Response) -> ClientError {
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| headers::retry_after(v, std::time::SystemTime::now()));
        let detail: serde_json::Value = match Self::text(resp, headers::ANSWER_MAX_BYTES).await {
            Ok(text) => serde_json::from_str(&text).ok(),
            Err(_) => None,
        }
        .unwrap_or_default();
        let body: crate::api::ApiError =
            serde_json::from_value(detail.clone()).unwrap_or(crate::api::ApiError {
                error: String::new(),
                message: String::new(),
            });
        let code = status.as_u16();
        match code {
            401 | 403 => ClientError::Unauthorized(code),
            409 if body.error == "in_progress" => ClientError::InProgress,
            429 | 500..=599 => ClientError::Unavailable {
                status: code,
                message: body.message,
                retry_after,
            },
            _ => ClientError::Rejected {
                status: code,
                code: body.error,
                message: body.message,
                detail,
            },
        }
    }
}
