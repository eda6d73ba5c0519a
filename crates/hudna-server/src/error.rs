//! The API's errors: a status and a JSON body `{"error": "…", "field": "…" | null}`.
//!
//! Every refusal says what was wrong and, when one field of the request is to blame, names
//! it (`since`, `bbox`, `geometry.coordinates[1]`, `Authorization`), so a script can point at
//! the mistake. Server faults answer 500 with a generic message; the detail goes to standard
//! error, not to the client.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, in words.
    pub error: String,
    /// The request field it is about.
    pub field: Option<String>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    field: Option<&'a str>,
}

impl ApiError {
    /// An error with a status, a message and a field.
    pub fn new(status: StatusCode, error: impl Into<String>, field: Option<&str>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            field: field.map(str::to_string),
        }
    }

    /// 400 about one field.
    pub fn bad_field(field: &str, error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, error, Some(field))
    }

    /// 422: well-formed, but a field's value cannot be accepted.
    pub fn invalid(field: &str, error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, error, Some(field))
    }

    /// 404.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, format!("no such {what}"), None)
    }

    /// 500, with the detail logged rather than shown.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        eprintln!("hudna serve: internal error: {detail}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error; it has been logged",
            None,
        )
    }

    /// The refusal of the access policy, with its status.
    pub fn denied(d: hudna_access::Denied) -> ApiError {
        let status =
            StatusCode::from_u16(d.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError::new(status, d.to_string(), d.field())
    }
}

impl From<hudna_store::StoreError> for ApiError {
    fn from(e: hudna_store::StoreError) -> ApiError {
        use hudna_store::StoreError as E;
        match e {
            E::Invalid { field, reason } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{field}: {reason}"),
                Some(&field),
            ),
            E::Conflict(what) | E::OutOfBand(what) => {
                ApiError::new(StatusCode::CONFLICT, what, None)
            }
            other => ApiError::internal(other),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: &self.error,
            field: self.field.as_deref(),
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"hudna\""),
            );
        }
        res
    }
}
