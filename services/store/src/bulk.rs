//! Bulk loading of whole populations (the demo municipality now, national-scale synthetic data
//! later): batched multi-row inserts inside the caller's transaction, plus the outbox rows that the
//! change feed needs to see the same history as if each row had been written one by one.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait};

use crate::{
    StoreError,
    entity::{doctor_period, gp, list_change, list_contract, list_membership, office, resident},
    outbox::ChangeKind,
};

/// Rows per INSERT statement: comfortably below SQLite's bound-parameter limit for our widest table.
const ROWS_PER_STATEMENT: usize = 500;

/// A population to load in one go.
#[derive(Clone, Debug, Default)]
pub struct Population {
    /// GPs.
    pub gps: Vec<gp::Model>,
    /// Offices.
    pub offices: Vec<office::Model>,
    /// List contracts.
    pub contracts: Vec<list_contract::Model>,
    /// Doctor periods.
    pub doctor_periods: Vec<doctor_period::Model>,
    /// Residents.
    pub residents: Vec<resident::Model>,
    /// List memberships.
    pub memberships: Vec<list_membership::Model>,
}

/// Whether the database holds no GPs, offices or residents (so demo data may be seeded).
pub async fn is_empty<C: ConnectionTrait>(connection: &C) -> Result<bool, StoreError> {
    let gps = gp::Entity::find().count(connection).await.map_err(StoreError::from_db)?;
    let offices = office::Entity::find().count(connection).await.map_err(StoreError::from_db)?;
    let residents = resident::Entity::find().count(connection).await.map_err(StoreError::from_db)?;
    Ok(gps == 0 && offices == 0 && residents == 0)
}

async fn insert_batched<C, M, A>(transaction: &C, rows: &[M]) -> Result<(), StoreError>
where
    C: ConnectionTrait,
    M: IntoActiveModel<A> + Clone,
    A: ActiveModelTrait + Send,
{
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let models: Vec<A> = chunk.iter().cloned().map(IntoActiveModel::into_active_model).collect();
        <A::Entity as EntityTrait>::insert_many(models)
            .exec_without_returning(transaction)
            .await
            .map_err(StoreError::from_db)?;
    }
    Ok(())
}

/// Loads `population` and appends the matching outbox rows, all in `transaction`.
pub async fn load<C: ConnectionTrait>(transaction: &C, population: &Population) -> Result<(), StoreError> {
    insert_batched::<_, _, gp::ActiveModel>(transaction, &population.gps).await?;
    insert_batched::<_, _, office::ActiveModel>(transaction, &population.offices).await?;
    insert_batched::<_, _, list_contract::ActiveModel>(transaction, &population.contracts).await?;
    insert_batched::<_, _, doctor_period::ActiveModel>(transaction, &population.doctor_periods).await?;
    insert_batched::<_, _, resident::ActiveModel>(transaction, &population.residents).await?;
    insert_batched::<_, _, list_membership::ActiveModel>(transaction, &population.memberships).await?;

    let now = Utc::now();
    let change = |kind: ChangeKind, contract_id, resource_id| list_change::ActiveModel {
        kind: sea_orm::Set(kind.as_str().to_owned()),
        contract_id: sea_orm::Set(contract_id),
        resource_id: sea_orm::Set(resource_id),
        occurred_at: sea_orm::Set(now),
        ..Default::default()
    };
    let changes: Vec<list_change::ActiveModel> = population
        .contracts
        .iter()
        .map(|contract| change(ChangeKind::ContractCreated, contract.id, contract.id))
        .chain(
            population
                .doctor_periods
                .iter()
                .map(|period| change(ChangeKind::DoctorPeriodCreated, period.contract_id, period.id)),
        )
        .chain(population.memberships.iter().map(|membership| {
            change(ChangeKind::PatientOnContractCreated, membership.contract_id, membership.id)
        }))
        .collect();
    crate::outbox::hold_order(transaction).await?;
    for chunk in changes.chunks(ROWS_PER_STATEMENT) {
        list_change::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(transaction)
            .await
            .map_err(StoreError::from_db)?;
    }
    Ok(())
}
