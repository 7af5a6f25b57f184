//! The store's error type. Database error text is never forwarded: PostgreSQL's messages can
//! contain the offending value, which may be a personal number.

use std::fmt;

use sea_orm::{DbErr, SqlErr};

/// The kinds of resource the store knows, for NOT_FOUND and ALREADY_EXISTS answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// A general practitioner.
    Gp,
    /// A GP office.
    Office,
    /// A list contract.
    ListContract,
    /// A doctor period on a list contract.
    DoctorPeriod,
    /// A resident.
    Resident,
    /// A resident's period on a list.
    ListMembership,
    /// A legevakt district.
    LegevaktDistrict,
    /// A member of a district's legevakt staff.
    StaffMember,
    /// A shift type of a district.
    ShiftType,
    /// An exemption from legevakt duty.
    Exemption,
    /// A span of unavailability.
    Unavailability,
    /// A shift plan.
    ShiftPlan,
    /// A version of a shift plan.
    ShiftPlanVersion,
    /// A staff member's shift request.
    ShiftRequest,
    /// A run of the roster optimiser.
    ShiftPlanSolve,
    /// A shift swap.
    ShiftSwap,
}

impl Resource {
    /// The resource's name as clients see it in error details.
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Gp => "gp",
            Resource::Office => "office",
            Resource::ListContract => "list contract",
            Resource::DoctorPeriod => "doctor period",
            Resource::Resident => "resident",
            Resource::ListMembership => "list membership",
            Resource::LegevaktDistrict => "legevakt district",
            Resource::StaffMember => "staff member",
            Resource::ShiftType => "shift type",
            Resource::Exemption => "exemption",
            Resource::Unavailability => "unavailability",
            Resource::ShiftPlan => "shift plan",
            Resource::ShiftPlanVersion => "shift plan version",
            Resource::ShiftRequest => "shift request",
            Resource::ShiftPlanSolve => "shift plan solve",
            Resource::ShiftSwap => "shift swap",
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule of the fastlege scheme that a request would break; becomes FAILED_PRECONDITION with the
/// stable [`RuleViolation::reason`] in `google.rpc.ErrorInfo`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleViolation {
    /// The list has no free place and no over-ceiling reason applies.
    #[error("the list has reached its ceiling")]
    ListFull,
    /// The list is closed to new patients.
    #[error("the list is closed to new patients")]
    ListClosed,
    /// The contract is not valid on the date asked for.
    #[error("the list contract is not valid on the effective date")]
    ContractNotValid,
    /// The resident is already on a list (now or from a scheduled date); a change of GP is a separate request.
    #[error("the resident is already on a list; use ChangeGp to change GP")]
    AlreadyOnList,
    /// A fastlege period would overlap another fastlege period on a list that is not shared.
    #[error("the contract already has a fastlege in that period")]
    FastlegePeriodOverlaps,
    /// A doctor period must lie inside the contract's validity.
    #[error("the doctor period lies outside the contract's validity")]
    PeriodOutsideContract,
    /// A plan version that is not a draft cannot be changed or published again.
    #[error("the version is not a draft")]
    VersionNotDraft,
    /// The draft was not made from the plan's published version, which it would overwrite.
    #[error(
        "the draft was not made from the published version {published}; make a new draft from it (re-plan or edit)"
    )]
    DraftBehindPublished {
        /// The plan's published version.
        published: i32,
    },
    /// A shift can never be held twice at once, so a roster that gives someone overlapping shifts
    /// (in itself or with their shifts in other published plans) is not published even when its
    /// other violations are acknowledged.
    #[error("the version gives a person overlapping shifts; it cannot be published: {0}")]
    OverlapNotPublishable(String),
    /// A published roster holds shifts of this type, so its times, category, mode and role are fixed.
    #[error(
        "published rosters hold shifts of this type; its times, category, mode and role cannot change (create a new shift type)"
    )]
    ShiftTypeInPublishedRoster,
    /// Age exemptions are derived from the birth date, not recorded: they cannot be changed or deleted.
    #[error("an age exemption is derived from the birth date; it cannot be changed or deleted")]
    ExemptionDerived,
    /// A plan uses the shift type (in its cover or its rosters), so it cannot be deleted.
    #[error("a plan uses the shift type; it cannot be deleted")]
    ShiftTypeInUse,
    /// The plan has no published version to work from.
    #[error("the plan has no published version")]
    NoPublishedVersion,
    /// Another solve is running on the plan.
    #[error("a solve is already running on the plan")]
    SolveRunning,
    /// The solve has already finished.
    #[error("the solve has already finished")]
    SolveFinished,
    /// The plan's request window has closed.
    #[error("requests for this plan are closed")]
    RequestsClosed,
    /// The version has hard violations and publishing them was not acknowledged.
    #[error("the version has hard violations; set acknowledge_violations to publish it anyway")]
    HardViolationsNotAcknowledged,
    /// The swap is not in a state that allows the action.
    #[error("the swap does not allow this action in its current state")]
    SwapStateConflict,
    /// The swap names a shift the person does not hold in the published version.
    #[error("the shift is not held by that person in the published version")]
    ShiftNotHeld,
    /// The acting person is not the party this swap action belongs to.
    #[error("the acting staff member is not the party of this swap action")]
    NotSwapParty,
    /// The swap was not decided before it expired.
    #[error("the swap has expired")]
    SwapExpired,
    /// The shift has started; it can no longer be swapped.
    #[error("the shift has already started")]
    ShiftStarted,
    /// The plan was published and cannot be deleted.
    #[error("the plan has been published; it cannot be deleted")]
    PlanPublished,
    /// The staff member holds shifts in a plan and cannot be deleted (end the period instead).
    #[error("the staff member is on shifts of a plan; set an end date instead")]
    HasAssignments,
    /// The change would break a hard rule of the roster.
    #[error("the change breaks a hard rule: {0}")]
    BreaksHardRule(String),
    /// The over-ceiling reason given does not hold for this resident and list.
    #[error("the over-ceiling reason does not apply: {0}")]
    OverCeilingReasonDoesNotApply(&'static str),
}

impl RuleViolation {
    /// The stable machine-readable reason (UPPER_SNAKE) for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            RuleViolation::ListFull => "LIST_FULL",
            RuleViolation::ListClosed => "LIST_CLOSED",
            RuleViolation::ContractNotValid => "CONTRACT_NOT_VALID",
            RuleViolation::AlreadyOnList => "ALREADY_ON_LIST",
            RuleViolation::FastlegePeriodOverlaps => "FASTLEGE_PERIOD_OVERLAPS",
            RuleViolation::PeriodOutsideContract => "PERIOD_OUTSIDE_CONTRACT",
            RuleViolation::OverCeilingReasonDoesNotApply(_) => "OVER_CEILING_REASON_DOES_NOT_APPLY",
            RuleViolation::VersionNotDraft => "VERSION_PUBLISHED",
            RuleViolation::NoPublishedVersion => "NO_PUBLISHED_VERSION",
            RuleViolation::DraftBehindPublished { .. } => "DRAFT_BEHIND_PUBLISHED",
            RuleViolation::ExemptionDerived => "EXEMPTION_DERIVED",
            RuleViolation::ShiftTypeInUse => "SHIFT_TYPE_IN_USE",
            RuleViolation::ShiftTypeInPublishedRoster => "SHIFT_TYPE_IN_PUBLISHED_ROSTER",
            RuleViolation::OverlapNotPublishable(_) => "OVERLAP_NOT_PUBLISHABLE",
            RuleViolation::SolveRunning => "SOLVE_ALREADY_RUNNING",
            RuleViolation::SolveFinished => "SOLVE_NOT_RUNNING",
            RuleViolation::RequestsClosed => "REQUEST_WINDOW_CLOSED",
            RuleViolation::HardViolationsNotAcknowledged => "VIOLATIONS_NOT_ACKNOWLEDGED",
            RuleViolation::SwapStateConflict => "SWAP_STATE_INVALID",
            RuleViolation::ShiftNotHeld => "SHIFT_NOT_HELD",
            RuleViolation::PlanPublished => "PLAN_PUBLISHED",
            RuleViolation::HasAssignments => "HAS_ASSIGNMENTS",
            RuleViolation::NotSwapParty => "NOT_SWAP_PARTY",
            RuleViolation::ShiftStarted => "SHIFT_STARTED",
            RuleViolation::SwapExpired => "SWAP_EXPIRED",
            RuleViolation::BreaksHardRule(_) => "HARD_RULE_VIOLATED",
        }
    }
}

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The resource does not exist.
    #[error("{0} not found")]
    NotFound(Resource),
    /// A resource with the same key exists.
    #[error("{0} already exists")]
    AlreadyExists(Resource),
    /// A rule of the scheme forbids the change.
    #[error(transparent)]
    Rule(#[from] RuleViolation),
    /// The caller's etag no longer matches the stored version.
    #[error("the resource was changed by someone else; read it again")]
    EtagMismatch,
    /// The request id was used before with a different request.
    #[error("request_id was already used for a different request")]
    RequestIdReused,
    /// A concurrent request with the same request id committed first; answer with its response.
    #[error("a concurrent request with the same request_id committed first")]
    RequestIdRace,
    /// The database cannot be reached now; retrying later may work.
    #[error("the database is unavailable")]
    Unavailable(#[source] DbErr),
    /// Any other database failure.
    #[error("database failure")]
    Database(#[source] DbErr),
}

impl StoreError {
    /// Classifies a database error: lost connections are retryable, everything else is not.
    pub fn from_db(error: DbErr) -> Self {
        match &error {
            DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => StoreError::Unavailable(error),
            _ => StoreError::Database(error),
        }
    }

    /// A short, value-free name of what failed, for logs (the database's own text may hold values).
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::NotFound(_) => "not_found",
            StoreError::AlreadyExists(_) => "already_exists",
            StoreError::Rule(_) => "rule",
            StoreError::EtagMismatch => "etag_mismatch",
            StoreError::RequestIdReused => "request_id_reused",
            StoreError::RequestIdRace => "request_id_race",
            StoreError::Unavailable(_) => "unavailable",
            StoreError::Database(DbErr::Exec(_)) => "database_exec",
            StoreError::Database(DbErr::Query(_)) => "database_query",
            StoreError::Database(DbErr::RecordNotFound(_)) => "database_record_not_found",
            StoreError::Database(_) => "database_other",
        }
    }

    /// Maps a failed insert: a unique-key violation means the resource exists already.
    pub(crate) fn from_insert(error: DbErr, resource: Resource) -> Self {
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::AlreadyExists(resource),
            _ => StoreError::from_db(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RuleViolation;

    /// Every reason the store gives is a value of the API's `ErrorReason` enum, where clients look
    /// reasons up. Adding a variant fails to compile until it is listed here.
    #[test]
    fn every_rule_reason_is_in_the_proto_enum() {
        let listed = |violation: &RuleViolation| match violation {
            RuleViolation::ListFull
            | RuleViolation::ListClosed
            | RuleViolation::ContractNotValid
            | RuleViolation::AlreadyOnList
            | RuleViolation::FastlegePeriodOverlaps
            | RuleViolation::PeriodOutsideContract
            | RuleViolation::OverCeilingReasonDoesNotApply(_)
            | RuleViolation::VersionNotDraft
            | RuleViolation::NoPublishedVersion
            | RuleViolation::DraftBehindPublished { .. }
            | RuleViolation::ExemptionDerived
            | RuleViolation::ShiftTypeInUse
            | RuleViolation::ShiftTypeInPublishedRoster
            | RuleViolation::OverlapNotPublishable(_)
            | RuleViolation::SolveRunning
            | RuleViolation::SolveFinished
            | RuleViolation::RequestsClosed
            | RuleViolation::HardViolationsNotAcknowledged
            | RuleViolation::SwapStateConflict
            | RuleViolation::ShiftNotHeld
            | RuleViolation::PlanPublished
            | RuleViolation::HasAssignments
            | RuleViolation::NotSwapParty
            | RuleViolation::ShiftStarted
            | RuleViolation::SwapExpired
            | RuleViolation::BreaksHardRule(_) => violation.reason(),
        };
        let all = [
            RuleViolation::ListFull,
            RuleViolation::ListClosed,
            RuleViolation::ContractNotValid,
            RuleViolation::AlreadyOnList,
            RuleViolation::FastlegePeriodOverlaps,
            RuleViolation::PeriodOutsideContract,
            RuleViolation::OverCeilingReasonDoesNotApply("residence"),
            RuleViolation::VersionNotDraft,
            RuleViolation::NoPublishedVersion,
            RuleViolation::DraftBehindPublished { published: 2 },
            RuleViolation::ExemptionDerived,
            RuleViolation::ShiftTypeInUse,
            RuleViolation::ShiftTypeInPublishedRoster,
            RuleViolation::OverlapNotPublishable("D on 2026-03-02".to_owned()),
            RuleViolation::SolveRunning,
            RuleViolation::SolveFinished,
            RuleViolation::RequestsClosed,
            RuleViolation::HardViolationsNotAcknowledged,
            RuleViolation::SwapStateConflict,
            RuleViolation::ShiftNotHeld,
            RuleViolation::PlanPublished,
            RuleViolation::HasAssignments,
            RuleViolation::NotSwapParty,
            RuleViolation::ShiftStarted,
            RuleViolation::SwapExpired,
            RuleViolation::BreaksHardRule("rest".to_owned()),
        ];
        let proto = include_str!("../../../proto/allmenn/v1/common.proto");
        for violation in &all {
            let reason = listed(violation);
            assert!(proto.contains(&format!("ERROR_REASON_{reason} = ")), "{reason} is not in ErrorReason");
        }
    }
}
