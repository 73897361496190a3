//! How hall-sim reads a request and refuses one, in the order interface v1 gives: the gate
//! (faults, bearer token, X-Kiosk-Id) before anything else, then the Idempotency-Key, then
//! the body. Every refusal, axum's own included, is the document's error object
//! `{"error": "code", "message": "text"}`.

use std::marker::PhantomData;

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use super::schema::Key;

/// Request bodies larger than this are refused (413 `body_too_large`); the largest the kiosk
/// sends, a submission, is a few KiB.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A refusal: the status and interface v1's error object.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"error": self.code, "message": self.message})),
        )
            .into_response()
    }
}

/// axum's `Json` extractor refused the body: its status, with a code of interface v1.
impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> ApiError {
        let status = r.status();
        let code = match &r {
            JsonRejection::JsonDataError(_) => "invalid_body",
            JsonRejection::JsonSyntaxError(_) => "malformed_json",
            JsonRejection::MissingJsonContentType(_) => "unsupported_media_type",
            _ if status == StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
            _ => "bad_request",
        };
        ApiError::new(status, code, r.body_text())
    }
}

/// axum's `Path` extractor refused a path parameter (e.g. not UTF-8 once percent-decoded).
impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> ApiError {
        let code = if r.status().is_server_error() {
            "internal_error"
        } else {
            "bad_request"
        };
        ApiError::new(r.status(), code, r.body_text())
    }
}

/// What the gate decides before the handler runs (see `gate` in sim.rs, which also applies
/// the faults): the token, then the kiosk id.
pub fn authorize(headers: &HeaderMap, token: &str) -> Result<(), ApiError> {
    // The scheme is case-insensitive (RFC 9110 11.1); the token is not.
    let presented = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    if presented != Some(token) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "bad token",
        ));
    }
    if kiosk_id(headers).is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "missing_kiosk_id",
            "X-Kiosk-Id is required",
        ));
    }
    Ok(())
}

/// The X-Kiosk-Id header ("" when absent or empty). Bytes outside ASCII are kept (as
/// Latin-1, how HTTP/1.1 header bytes read).
pub fn kiosk_id(headers: &HeaderMap) -> String {
    headers
        .get("x-kiosk-id")
        .map(|v| v.as_bytes().iter().map(|&b| b as char).collect::<String>())
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The `Idempotency-Key` header of every POST but /heartbeat: 400 `missing_idempotency_key`
/// without it, 400 `invalid_idempotency_key` when it is not a UUID.
pub struct IdempotencyKey(pub Key);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "missing_idempotency_key",
                "Idempotency-Key is required",
            ));
        };
        value
            .to_str()
            .map_err(|e| e.to_string())
            .and_then(|v| Key::parse(v.trim()))
            .map(IdempotencyKey)
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_idempotency_key",
                    format!("Idempotency-Key: {e}"),
                )
            })
    }
}

/// A request body of schema `T` (see schema.rs): axum's `Json` extractor reads it (415
/// without `Content-Type: application/json`, 400 when it is not JSON, 413 over
/// [`BODY_LIMIT`], 422 when it is not an object), then `T` must read it (422
/// `invalid_body`). Holds the JSON as sent, for the idempotency hash and hall-sim's records.
pub struct Body<T> {
    pub json: Value,
    schema: PhantomData<fn() -> T>,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let Json(object) = Json::<Map<String, Value>>::from_request(req, state).await?;
        let json = Value::Object(object);
        T::deserialize(&json).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                e.to_string(),
            )
        })?;
        Ok(Body {
            json,
            schema: PhantomData,
        })
    }
}

/// A path that is not in the document.
pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such path in interface v1",
    )
}

/// A method the document does not give for the path (axum adds the `Allow` header).
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this path does not take this method",
    )
}
