//! A general practitioner, keyed by HPR number.

use sea_orm::entity::prelude::*;

/// One row of `gp`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gp")]
pub struct Model {
    /// HPR number (Helsepersonellregisteret), digits only.
    #[sea_orm(primary_key, auto_increment = false)]
    pub hpr_number: String,
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth; legevakt age exemptions derive from it.
    pub birth_date: Date,
    /// Specialist in general practice (spesialist i allmennmedisin).
    pub general_practice_specialist: bool,
    /// Optimistic-concurrency version, exposed as the etag.
    pub version: i32,
    /// When the row was created.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; joins are written where they are needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
