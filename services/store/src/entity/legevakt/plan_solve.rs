//! A run of the roster optimiser on a plan.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_plan_solve`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_plan_solve")]
pub struct Model {
    /// Server-assigned id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The plan.
    pub plan_id: Uuid,
    /// `from_scratch`, `improve` or `replan`.
    pub mode: String,
    /// `running`, `succeeded`, `cancelled` or `failed`.
    pub state: String,
    /// The version the solve started from.
    pub base_version: i32,
    /// The seed.
    pub seed: i64,
    /// The time limit in milliseconds.
    pub time_limit_ms: i64,
    /// Elapsed milliseconds at the last update.
    pub elapsed_ms: i64,
    /// Hard violations of the best roster, if one was found.
    pub best_hard_violations: Option<i32>,
    /// Objective of the best roster, if one was found.
    pub best_objective: Option<i64>,
    /// Milliseconds from the start to the best roster.
    pub time_to_best_ms: i64,
    /// Iterations so far.
    pub iterations: i64,
    /// The draft version holding the result; 0 if none.
    pub result_version: i32,
    /// Set by CancelShiftPlanSolve; the solver polls it.
    pub cancel_requested: bool,
    /// When it started.
    pub started_at: DateTimeUtc,
    /// When it ended.
    pub ended_at: Option<DateTimeUtc>,
    /// Why it failed.
    pub message: String,
    /// Whether the optimiser proved the result optimal (set when the solve ends).
    pub proven_optimal: bool,
    /// When the replica running it last recorded progress, by the database's clock
    /// ([`crate::legevakt::database_now`]); none on rows from before it was recorded.
    pub heartbeat_at: Option<DateTimeUtc>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
