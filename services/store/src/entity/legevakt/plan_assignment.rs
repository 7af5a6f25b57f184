//! A person on a shift occurrence in one plan version.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_plan_assignment`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_plan_assignment")]
pub struct Model {
    /// The plan.
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: Uuid,
    /// The version.
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    /// The date the shift starts on.
    #[sea_orm(primary_key, auto_increment = false)]
    pub date: Date,
    /// The shift type code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub shift_type_code: String,
    /// The staff member.
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_member_id: Uuid,
    /// Kept by later solves.
    pub pinned: bool,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
