//! Legevakt staff record whether a doctor past the exemption age still takes shifts.

// `MigrationTrait` is declared with an elided `SchemaManager` lifetime; naming it here would not match.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum LegevaktStaffMember {
    Table,
    WaivesAgeExemption,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LegevaktStaffMember::Table)
                    .add_column(
                        ColumnDef::new(LegevaktStaffMember::WaivesAgeExemption)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LegevaktStaffMember::Table)
                    .drop_column(LegevaktStaffMember::WaivesAgeExemption)
                    .to_owned(),
            )
            .await
    }
}
