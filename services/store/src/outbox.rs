//! The change outbox: every change to a list appends a row in the same transaction.
//!
//! Sequence numbers must become visible in order, or a watcher that has read up to sequence `n` could
//! miss a row `n - 1` that commits later. On PostgreSQL each writer therefore takes a transaction-level
//! advisory lock just before appending, which orders the tails of the writing transactions; SQLite
//! has one writer at a time already.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, Set, Statement};
use uuid::Uuid;

use crate::{StoreError, entity::list_change};

/// Advisory-lock key that serialises outbox appends on PostgreSQL.
const OUTBOX_LOCK_KEY: i64 = 0x6f75_7462_6f78;

/// What changed, mirroring the national registry's list events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// A list contract was created.
    ContractCreated,
    /// A list contract was updated.
    ContractUpdated,
    /// A doctor period was created on a contract.
    DoctorPeriodCreated,
    /// A resident was put on a list.
    PatientOnContractCreated,
}

impl ChangeKind {
    /// The stored name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::ContractCreated => "contract_created",
            ChangeKind::ContractUpdated => "contract_updated",
            ChangeKind::DoctorPeriodCreated => "doctor_period_created",
            ChangeKind::PatientOnContractCreated => "patient_on_contract_created",
        }
    }
}

/// Takes the outbox's transaction lock on PostgreSQL, so that changes commit in the order of their
/// sequence numbers and a watcher that has read up to one never misses an earlier one still
/// committing. Every writer of changes takes it before drawing a sequence number.
pub async fn hold_order<C: ConnectionTrait>(transaction: &C) -> Result<(), StoreError> {
    if transaction.get_database_backend() == DbBackend::Postgres {
        transaction
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock($1)",
                [OUTBOX_LOCK_KEY.into()],
            ))
            .await
            .map_err(StoreError::from_db)?;
    }
    Ok(())
}

/// Appends one change; call it inside the transaction that makes the change.
pub async fn append<C: ConnectionTrait>(
    transaction: &C,
    kind: ChangeKind,
    contract_id: Uuid,
    resource_id: Uuid,
) -> Result<i64, StoreError> {
    hold_order(transaction).await?;
    let row = list_change::ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        contract_id: Set(contract_id),
        resource_id: Set(resource_id),
        occurred_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(transaction)
    .await
    .map_err(StoreError::from_db)?;
    Ok(row.sequence)
}
