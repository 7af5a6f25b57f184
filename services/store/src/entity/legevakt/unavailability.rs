//! A span in which a staff member cannot work.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_unavailability`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_unavailability")]
pub struct Model {
    /// Server-assigned id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The staff member.
    pub staff_member_id: Uuid,
    /// Start (inclusive).
    pub start_time: DateTimeUtc,
    /// End (exclusive).
    pub end_time: DateTimeUtc,
    /// `vacation`, `course`, `sick_leave`, `parental_leave` or `other`.
    pub reason: String,
    /// A short note.
    pub note: String,
    /// When created.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
