//! Schema migrations. They run at start-up and as `allmenn-server migrate`; on PostgreSQL they run
//! under an advisory lock so that replicas starting together do not race.

use sea_orm_migration::prelude::*;

mod m20261123_000001_patient_lists;
mod m20261123_000002_legevakt;
mod m20261207_000003_solve_proven_optimal;
mod m20261207_000004_staff_age_exemption_waiver;
mod m20261207_000005_doctor_period_working_days;
mod m20261208_000006_solve_heartbeat;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_patient_lists::Migration),
            Box::new(m20261123_000002_legevakt::Migration),
            Box::new(m20261207_000003_solve_proven_optimal::Migration),
            Box::new(m20261207_000004_staff_age_exemption_waiver::Migration),
            Box::new(m20261207_000005_doctor_period_working_days::Migration),
            Box::new(m20261208_000006_solve_heartbeat::Migration),
        ]
    }
}
