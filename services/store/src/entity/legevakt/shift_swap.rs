//! A proposed change of who works a published shift.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_shift_swap`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_shift_swap")]
pub struct Model {
    /// Server-assigned id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The plan.
    pub plan_id: Uuid,
    /// `direct`, `give_away` or `open_pool`.
    pub kind: String,
    /// The state (see `allmenn.v1.ShiftSwapState`), lower snake case.
    pub state: String,
    /// The person giving up a shift.
    pub requester_staff_member_id: Uuid,
    /// The shift given up (occurrence id).
    pub offered_shift_id: String,
    /// The named colleague.
    pub counterparty_staff_member_id: Option<Uuid>,
    /// For a direct swap: the colleague's shift taken in exchange.
    pub requested_shift_id: String,
    /// For the open pool: who claimed it.
    pub claimant_staff_member_id: Option<Uuid>,
    /// The requester's note.
    pub note: String,
    /// The published version that applied it; 0 until approved.
    pub applied_version: i32,
    /// The planner's note.
    pub decision_note: String,
    /// When an undecided swap expires.
    pub expire_time: Option<DateTimeUtc>,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// When created.
    pub created_at: DateTimeUtc,
    /// When last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
