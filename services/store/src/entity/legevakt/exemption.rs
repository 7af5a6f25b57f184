//! A dated exemption from legevakt duty, full or for some shift categories.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_exemption`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_exemption")]
pub struct Model {
    /// Server-assigned id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The staff member.
    pub staff_member_id: Uuid,
    /// `health`, `pregnancy`, `social` or `other` (age exemptions are derived, not stored).
    pub reason: String,
    /// Exempted categories, comma-separated; empty for a full exemption.
    pub exempt_categories: String,
    /// First day.
    pub valid_from: Date,
    /// Last day (inclusive); `None` while open-ended.
    pub valid_to: Option<Date>,
    /// Who decided and on what basis (never health details).
    pub note: String,
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
