//! A legevakt district: a host kommune and participating kommuner, with default planning rules.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_district`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_district")]
pub struct Model {
    /// Server-assigned id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Host kommune (4 digits).
    pub host_kommune_number: String,
    /// Participating kommuner, comma-separated.
    pub participant_kommune_numbers: String,
    /// Default planning rules, as an encoded `allmenn.v1.PlanningRules` (read whole, never queried).
    pub default_rules: Vec<u8>,
    /// The competence rule, as an encoded `allmenn.v1.CompetenceRule`.
    pub competence_rule: Vec<u8>,
    /// The default cover template, as an encoded `allmenn.v1.WeeklyCoverTemplate`.
    pub default_cover_template: Vec<u8>,
    /// Age from which doctors are exempt.
    pub exemption_age_years: i32,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// When created.
    pub created_at: DateTimeUtc,
    /// When last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
