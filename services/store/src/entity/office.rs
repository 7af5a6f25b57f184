//! A GP office (legekontor), keyed by organisasjonsnummer.

use sea_orm::entity::prelude::*;

/// One row of `office`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "office")]
pub struct Model {
    /// Organisasjonsnummer (9 digits).
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_number: String,
    /// Display name.
    pub name: String,
    /// Kommune where the office is located (4 digits).
    pub kommune_number: String,
    /// Optimistic-concurrency version, exposed as the etag.
    pub version: i32,
    /// When the row was created.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
