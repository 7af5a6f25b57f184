//! A doctor period (legeperiode): which doctor serves a list contract, in which relationship, when.

use sea_orm::entity::prelude::*;

/// One row of `doctor_period`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "doctor_period")]
pub struct Model {
    /// Server-assigned identifier.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The list contract.
    pub contract_id: Uuid,
    /// The doctor (HPR number).
    pub hpr_number: String,
    /// `fastlege`, `vikar` or `delelege`.
    pub relationship: String,
    /// For a vikar: the HPR number of the doctor substituted for.
    pub substitute_for_hpr_number: Option<String>,
    /// First day of the period.
    pub valid_from: Date,
    /// First day after the period; `None` while open-ended.
    pub valid_to: Option<Date>,
    /// Working percentage on the list, 1–100.
    pub working_percentage: i32,
    /// The weekdays worked on the list, as ISO numbers (Monday 1) joined by commas, in order;
    /// empty for every weekday.
    pub working_days: String,
    /// When the row was created.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
