//! Legevakt solves record their heartbeat by the database's clock, so that replicas whose clocks
//! disagree still agree on which solves have gone silent.

// `MigrationTrait` is declared with an elided `SchemaManager` lifetime; naming it here would not match.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum LegevaktPlanSolve {
    Table,
    HeartbeatAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LegevaktPlanSolve::Table)
                    .add_column(
                        ColumnDef::new(LegevaktPlanSolve::HeartbeatAt).timestamp_with_time_zone().null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LegevaktPlanSolve::Table)
                    .drop_column(LegevaktPlanSolve::HeartbeatAt)
                    .to_owned(),
            )
            .await
    }
}
