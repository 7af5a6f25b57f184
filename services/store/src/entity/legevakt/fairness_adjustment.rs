//! The fairness ledger: one entry per person per published plan (points earned against the fair
//! target; republishing a plan replaces its entries) and one per manual correction, kept for audit.
//! A person's running balance is the sum of their entries' `delta`.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_fairness_adjustment`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_fairness_adjustment")]
pub struct Model {
    /// Server-assigned id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The district.
    pub district_id: Uuid,
    /// The staff member.
    pub staff_member_id: Uuid,
    /// The published plan the entry accounts for; `None` for a manual correction.
    pub plan_id: Option<Uuid>,
    /// Points earned in the plan (0 for a correction).
    pub points: f64,
    /// The fair target in the plan (0 for a correction).
    pub target: f64,
    /// Change of the balance: points − target, or the correction.
    pub delta: f64,
    /// Why.
    pub reason: String,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
