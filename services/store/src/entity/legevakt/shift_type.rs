//! A kind of shift in a district, keyed by district and code.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_shift_type`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_shift_type")]
pub struct Model {
    /// The district.
    #[sea_orm(primary_key, auto_increment = false)]
    pub district_id: Uuid,
    /// Short code, unique in the district.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// Display name.
    pub name: String,
    /// Local start time, minutes after midnight.
    pub start_minute: i32,
    /// Wall-clock length in minutes.
    pub length_minutes: i32,
    /// `day`, `evening`, `night`, `weekend` or `holiday`.
    pub category: String,
    /// `on_site` or `on_call`.
    pub mode: String,
    /// `doctor`, `bakvakt` or `nurse`.
    pub role: String,
    /// Fixed fairness points per occurrence, replacing rate × hours.
    pub fairness_points: Option<f64>,
    /// Grid colour `#RRGGBB`, empty for the category's default.
    pub color: String,
    /// Minimum rest after the shift, replacing the rule by mode.
    pub min_rest_hours_after: Option<i32>,
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
