//! A doctor or nurse on a district's legevakt staff.

use sea_orm::entity::prelude::*;

/// One row of `legevakt_staff_member`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legevakt_staff_member")]
pub struct Model {
    /// Server-assigned id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The district.
    pub district_id: Uuid,
    /// HPR number, unique within the district.
    pub hpr_number: String,
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// `doctor` or `nurse`.
    pub profession: String,
    /// Date of birth (doctors: the age exemption derives from it).
    pub birth_date: Option<Date>,
    /// Share of the duty, 0–100.
    pub participation_percentage: i32,
    /// Competence facts, as an encoded `allmenn.v1.CompetenceFacts`.
    pub competence: Vec<u8>,
    /// Personal limits, as an encoded `allmenn.v1.StaffLimits`.
    pub limits: Vec<u8>,
    /// First day on the staff.
    pub valid_from: Date,
    /// Last day on the staff (inclusive); `None` while open-ended.
    pub valid_to: Option<Date>,
    /// A doctor past the exemption age who still takes shifts (the age exemption does not apply).
    pub waives_age_exemption: bool,
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
