//! One version of a plan's roster (its assignments are rows of `legevakt_plan_assignment`).

use sea_orm::entity::prelude::*;

/// One row of `legevakt_plan_version`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_plan_version")]
pub struct Model {
    /// The plan.
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: Uuid,
    /// Version number from 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    /// `draft`, `published` or `superseded`.
    pub state: String,
    /// `created`, `solve`, `edit` or `swap`.
    pub source: String,
    /// The version it was made from; 0 for the first.
    pub base_version: i32,
    /// Hard violations of the roster.
    pub hard_violations: i32,
    /// Soft objective of the roster.
    pub objective: i64,
    /// The solve that made it.
    pub solve_id: Option<Uuid>,
    /// The swap that made it.
    pub swap_id: Option<Uuid>,
    /// A note.
    pub note: String,
    /// When created.
    pub created_at: DateTimeUtc,
    /// When published.
    pub published_at: Option<DateTimeUtc>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
