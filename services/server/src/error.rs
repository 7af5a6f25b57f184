//! The one place where errors become gRPC statuses, with `google.rpc` rich details: field violations
//! for bad input, `ErrorInfo` with a stable reason for rule violations. Database error text never
//! reaches a client or a log line, because it can contain personal numbers.

use std::fmt::Display;

use allmenn_store::StoreError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

/// The `ErrorInfo.domain` of every error Allmenn raises.
pub const ERROR_DOMAIN: &str = "allmenn.v1";

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request has invalid fields.
    #[error("invalid request")]
    InvalidArgument(Vec<FieldViolation>),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The server is at a limit (e.g. concurrent solves); retry later.
    #[error("{message}")]
    ResourceExhausted {
        /// Human-readable message.
        message: String,
        /// Stable UPPER_SNAKE reason.
        reason: &'static str,
    },
    /// An unexpected failure inside the server (never with details that could carry values).
    #[error("{0}")]
    Internal(&'static str),
    /// A resource needed to answer does not exist, with a reason for machines.
    #[error("{message}")]
    NotFound {
        /// Human-readable message.
        message: String,
        /// Stable UPPER_SNAKE reason.
        reason: &'static str,
    },
}

fn with_reason(code: Code, message: impl Into<String>, reason: &str) -> Status {
    Status::with_error_details(code, message, ErrorDetails::with_error_info(reason, ERROR_DOMAIN, []))
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::InvalidArgument(violations) => {
                let summary = violations
                    .iter()
                    .map(|violation| format!("{}: {}", violation.field, violation.description))
                    .collect::<Vec<_>>()
                    .join("; ");
                Status::with_error_details(
                    Code::InvalidArgument,
                    format!("invalid request: {summary}"),
                    ErrorDetails::with_bad_request(violations),
                )
            }
            ApiError::NotFound { message, reason } => with_reason(Code::NotFound, message, reason),
            ApiError::ResourceExhausted { message, reason } => {
                with_reason(Code::ResourceExhausted, message, reason)
            }
            ApiError::Internal(message) => {
                tracing::error!(error.kind = "internal", "{message}");
                with_reason(Code::Internal, message, "INTERNAL")
            }
            ApiError::Store(error) => store_status(error),
        }
    }
}

fn store_status(error: StoreError) -> Status {
    let message = error.to_string();
    let error_kind = error.kind();
    match error {
        StoreError::NotFound(resource) => with_reason(
            Code::NotFound,
            message,
            &format!("{}_NOT_FOUND", resource.as_str().to_uppercase().replace(' ', "_")),
        ),
        StoreError::AlreadyExists(resource) => with_reason(
            Code::AlreadyExists,
            message,
            &format!("{}_ALREADY_EXISTS", resource.as_str().to_uppercase().replace(' ', "_")),
        ),
        StoreError::Rule(rule) => with_reason(Code::FailedPrecondition, message, rule.reason()),
        StoreError::EtagMismatch => with_reason(Code::Aborted, message, "ETAG_MISMATCH"),
        StoreError::RequestIdReused => with_reason(Code::InvalidArgument, message, "REQUEST_ID_REUSED"),
        StoreError::RequestIdRace => with_reason(Code::Aborted, message, "REQUEST_ID_RACE"),
        StoreError::Unavailable(_) => {
            tracing::warn!(error.kind = "database_unavailable", "database unavailable");
            with_reason(Code::Unavailable, message, "DATABASE_UNAVAILABLE")
        }
        StoreError::Database(_) => {
            // The kind says what failed; the text is withheld because it may carry values.
            tracing::error!(error.kind = error_kind, "database failure");
            with_reason(Code::Internal, message, "DATABASE_FAILURE")
        }
    }
}

/// Collects every field violation of a request, so that one INVALID_ARGUMENT names them all.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldViolation>);

impl Violations {
    /// No violations yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a violation of `field` (dotted path as in the proto, e.g. `gp.hpr_number`).
    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation::new(field, description));
    }

    /// Keeps the value of a successful parse, or records its error against `field`.
    pub fn check<T, E: Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    /// Requires a present value; records `field` as missing otherwise.
    pub fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.add(field, "is required");
        }
        value
    }

    /// Whether any violation was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Fails with every recorded violation, or succeeds when there were none.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() { Ok(()) } else { Err(ApiError::InvalidArgument(self.0)) }
    }

    /// Returns `value` when no violation was recorded (then every checked value is present).
    pub fn into_result<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, ApiError> {
        self.finish()?;
        value().ok_or_else(|| ApiError::InvalidArgument(vec![FieldViolation::new("", "incomplete request")]))
    }
}
