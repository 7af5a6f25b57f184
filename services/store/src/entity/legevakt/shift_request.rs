//! A staff member's wish for a plan.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_shift_request`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_shift_request")]
pub struct Model {
    /// Server-assigned id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The plan.
    pub plan_id: Uuid,
    /// The staff member.
    pub staff_member_id: Uuid,
    /// The date.
    pub date: Date,
    /// The shift type code; empty for any shift that day.
    pub shift_type_code: String,
    /// `want` or `avoid`.
    pub kind: String,
    /// Weight 1–10.
    pub weight: i32,
    /// A note to the planner.
    pub note: String,
    /// When created.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
