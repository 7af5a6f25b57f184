//! A shift plan for a district and period; its rosters live in versions.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_shift_plan`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_shift_plan")]
pub struct Model {
    /// Server-assigned id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The district.
    pub district_id: Uuid,
    /// Display name.
    pub name: String,
    /// First day of the period.
    pub start_date: Date,
    /// Last day of the period (inclusive).
    pub end_date: Date,
    /// Until when requests may change.
    pub requests_close_time: Option<DateTimeUtc>,
    /// The plan's rules, as an encoded `allmenn.v1.PlanningRules`.
    pub rules: Vec<u8>,
    /// The newest version number.
    pub latest_version: i32,
    /// The newest published version number; 0 if none.
    pub published_version: i32,
    /// Optimistic-concurrency version of the plan as a whole (the etag).
    pub revision: i32,
    /// When created.
    pub created_at: DateTimeUtc,
    /// When last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
