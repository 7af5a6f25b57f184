//! The change outbox: one row per change to a list, in commit order, for the change feed.

use sea_orm::entity::prelude::*;

/// One row of `list_change`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "list_change")]
pub struct Model {
    /// Monotonic sequence number; the feed's cursor.
    #[sea_orm(primary_key)]
    pub sequence: i64,
    /// The kind of change (`contract_created`, `patient_on_contract_created`, ...).
    pub kind: String,
    /// The list contract the change belongs to.
    pub contract_id: Uuid,
    /// The id of the changed resource (contract, doctor period or membership).
    pub resource_id: Uuid,
    /// When the change was committed.
    pub occurred_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
