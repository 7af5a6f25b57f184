//! A resident (innbygger) who may be on a list. The person identifier is personal data: it is stored
//! because look-ups need it, and it never leaves this crate except inside values the caller asked for.

use sea_orm::entity::prelude::*;

/// One row of `resident`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resident")]
pub struct Model {
    /// Internal identifier; list memberships and events refer to this, not to the personal number.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Fødselsnummer or D-nummer, 11 digits.
    #[sea_orm(unique)]
    pub person_id: String,
    /// Date of birth, derived from the personal number.
    pub birth_date: Date,
    /// Household (address) identifier; members of one household share it.
    pub household_id: String,
    /// Kommune of residence.
    pub kommune_number: String,
    /// When the row was created.
    pub created_at: DateTimeUtc,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The personal number is masked so that a debug print can never leak it.
        f.debug_struct("resident::Model")
            .field("id", &self.id)
            .field("person_id", &"***********")
            .field("household_id", &self.household_id)
            .field("kommune_number", &self.kommune_number)
            .finish_non_exhaustive()
    }
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
