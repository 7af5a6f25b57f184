//! The cover of one shift type on one date of a plan.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_cover_requirement`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_cover_requirement")]
pub struct Model {
    /// The plan.
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: Uuid,
    /// The date the shift starts on.
    #[sea_orm(primary_key, auto_increment = false)]
    pub date: Date,
    /// The shift type code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub shift_type_code: String,
    /// Minimum people (hard).
    pub min_count: i32,
    /// Preferred people (soft).
    pub preferred_count: i32,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
