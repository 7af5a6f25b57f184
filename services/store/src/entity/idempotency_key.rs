//! Responses of mutations, keyed by the client's `request_id`, so that a retried mutation returns
//! the first result and changes nothing. Written in the same transaction as the mutation.

use sea_orm::entity::prelude::*;

/// One row of `idempotency_key`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_key")]
pub struct Model {
    /// The client's request id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub request_id: String,
    /// The fully qualified RPC method the id was first used with.
    pub method: String,
    /// Fingerprint of the request message, to detect a reused id with different content.
    pub request_fingerprint: i64,
    /// The encoded response message.
    pub response: Vec<u8>,
    /// When the row was created; old rows can be pruned.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
