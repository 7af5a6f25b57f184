//! Legevakt solves record whether the optimiser proved its roster optimal.

// `MigrationTrait` is declared with an elided `SchemaManager` lifetime; naming it here would not match.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum LegevaktPlanSolve {
    Table,
    ProvenOptimal,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LegevaktPlanSolve::Table)
                    .add_column(
                        ColumnDef::new(LegevaktPlanSolve::ProvenOptimal).boolean().not_null().default(false),
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
                    .drop_column(LegevaktPlanSolve::ProvenOptimal)
                    .to_owned(),
            )
            .await
    }
}
