//! A list contract (fastlegeavtale): the list with its ceiling, in one kommune, at one office.

use sea_orm::entity::prelude::*;

/// One row of `list_contract`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "list_contract")]
pub struct Model {
    /// Server-assigned identifier.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The office (organisasjonsnummer) the list belongs to.
    pub office_organization_number: String,
    /// The kommune that holds the contract.
    pub kommune_number: String,
    /// The list ceiling (listetak).
    pub ceiling: i32,
    /// `open` or `closed`.
    pub status: String,
    /// A shared list (fellesliste) with joint responsibility.
    pub shared_list: bool,
    /// The GP is employed on a fixed salary.
    pub fixed_salary: bool,
    /// First day the contract is valid.
    pub valid_from: Date,
    /// First day the contract is no longer valid; `None` while open-ended.
    pub valid_to: Option<Date>,
    /// Optimistic-concurrency version, exposed as the etag.
    pub version: i32,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
