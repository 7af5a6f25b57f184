//! Doctor periods record the weekdays the doctor works on the list.

// `MigrationTrait` is declared with an elided `SchemaManager` lifetime; naming it here would not match.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum DoctorPeriod {
    Table,
    WorkingDays,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DoctorPeriod::Table)
                    .add_column(ColumnDef::new(DoctorPeriod::WorkingDays).string().not_null().default(""))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(DoctorPeriod::Table).drop_column(DoctorPeriod::WorkingDays).to_owned(),
            )
            .await
    }
}
