//! Async Rust client for the Allmenn gRPC API: one connection, the three service stubs, and errors
//! that expose gRPC rich details (field violations, the `ErrorInfo` reason).
//!
//! ```no_run
//! # async fn example() -> Result<(), allmenn_client::ClientError> {
//! let mut client = allmenn_client::Client::connect("http://127.0.0.1:50051").await?;
//! let gp = client
//!     .patient_lists
//!     .get_patient_gp(allmenn_proto::v1::GetPatientGpRequest { person_id: "…".into(), as_of: None })
//!     .await
//!     .map_err(allmenn_client::ClientError::from)?;
//! # let _ = gp;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

use allmenn_proto::v1::{
    legevakt_service_client::LegevaktServiceClient, patient_list_service_client::PatientListServiceClient,
    team_roster_service_client::TeamRosterServiceClient,
};
use tonic::{Code, transport::Channel};
use tonic_types::StatusExt;

pub use allmenn_proto::v1 as proto;

/// Stubs for the three Allmenn services over one HTTP/2 connection.
#[derive(Clone, Debug)]
pub struct Client {
    /// `allmenn.v1.PatientListService`.
    pub patient_lists: PatientListServiceClient<Channel>,
    /// `allmenn.v1.TeamRosterService`.
    pub team_rosters: TeamRosterServiceClient<Channel>,
    /// `allmenn.v1.LegevaktService`.
    pub legevakt: LegevaktServiceClient<Channel>,
}

impl Client {
    /// Connects to `endpoint` (e.g. `http://127.0.0.1:50051`).
    pub async fn connect(endpoint: impl Into<String>) -> Result<Self, ClientError> {
        let channel = Channel::from_shared(endpoint.into())
            .map_err(|error| ClientError::Connect(error.to_string()))?
            .connect()
            .await
            .map_err(|error| ClientError::Connect(error.to_string()))?;
        Ok(Self::from_channel(channel))
    }

    /// Wraps an existing channel.
    pub fn from_channel(channel: Channel) -> Self {
        Self {
            patient_lists: PatientListServiceClient::new(channel.clone()),
            team_rosters: TeamRosterServiceClient::new(channel.clone()),
            legevakt: LegevaktServiceClient::new(channel),
        }
    }
}

/// One invalid field of a rejected request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldViolation {
    /// Dotted path of the field, as in the proto (e.g. `gp.hpr_number`).
    pub field: String,
    /// Why it was rejected.
    pub description: String,
}

/// A failed call, with the server's rich error details decoded.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The connection could not be made.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The server answered with an error status.
    #[error("{code:?}: {message}")]
    Status {
        /// The gRPC code.
        code: Code,
        /// The server's message.
        message: String,
        /// The `google.rpc.ErrorInfo` reason, when given (e.g. `LIST_FULL`).
        reason: Option<String>,
        /// The `google.rpc.BadRequest` field violations, when given.
        field_violations: Vec<FieldViolation>,
    },
}

impl ClientError {
    /// The gRPC code, when the server answered.
    pub fn code(&self) -> Option<Code> {
        match self {
            ClientError::Status { code, .. } => Some(*code),
            ClientError::Connect(_) => None,
        }
    }

    /// The machine-readable reason, when the server gave one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            ClientError::Status { reason, .. } => reason.as_deref(),
            ClientError::Connect(_) => None,
        }
    }

    /// The invalid fields, when the request was rejected as INVALID_ARGUMENT.
    pub fn field_violations(&self) -> &[FieldViolation] {
        match self {
            ClientError::Status { field_violations, .. } => field_violations,
            ClientError::Connect(_) => &[],
        }
    }
}

impl From<tonic::Status> for ClientError {
    fn from(status: tonic::Status) -> Self {
        let details = status.get_error_details();
        let reason = details.error_info().map(|info| info.reason.clone());
        let field_violations = details
            .bad_request()
            .map(|bad_request| {
                bad_request
                    .field_violations
                    .iter()
                    .map(|violation| FieldViolation {
                        field: violation.field.clone(),
                        description: violation.description.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        ClientError::Status {
            code: status.code(),
            message: status.message().to_owned(),
            reason,
            field_violations,
        }
    }
}
