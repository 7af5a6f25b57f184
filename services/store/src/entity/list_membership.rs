//! A resident's period on a list contract (PatientToGPContractAssociation in the national registry).

use sea_orm::entity::prelude::*;

/// One row of `list_membership`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "list_membership")]
pub struct Model {
    /// Server-assigned identifier.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The resident (internal id).
    pub resident_id: Uuid,
    /// The list contract.
    pub contract_id: Uuid,
    /// First day on the list.
    pub valid_from: Date,
    /// First day no longer on the list; `None` while open-ended.
    pub valid_to: Option<Date>,
    /// Why the period began (`enrolment`, `ordinary_change`, ...).
    pub begin_reason: String,
    /// Why the ceiling could be exceeded, when it was (`child_of_list_patient`, ...).
    pub over_ceiling_reason: Option<String>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
