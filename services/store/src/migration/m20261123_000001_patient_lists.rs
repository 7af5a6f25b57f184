//! Patient lists: GPs, offices, list contracts, doctor periods, residents, list memberships, the
//! change outbox and idempotency keys.

// `MigrationTrait` is declared with an elided `SchemaManager` lifetime; naming it here would not match.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(super) struct Migration;

#[derive(DeriveIden)]
enum Gp {
    Table,
    HprNumber,
    GivenName,
    FamilyName,
    BirthDate,
    GeneralPracticeSpecialist,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Office {
    Table,
    OrganizationNumber,
    Name,
    KommuneNumber,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ListContract {
    Table,
    Id,
    OfficeOrganizationNumber,
    KommuneNumber,
    Ceiling,
    Status,
    SharedList,
    FixedSalary,
    ValidFrom,
    ValidTo,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DoctorPeriod {
    Table,
    Id,
    ContractId,
    HprNumber,
    Relationship,
    SubstituteForHprNumber,
    ValidFrom,
    ValidTo,
    WorkingPercentage,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Resident {
    Table,
    Id,
    PersonId,
    BirthDate,
    HouseholdId,
    KommuneNumber,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ListMembership {
    Table,
    Id,
    ResidentId,
    ContractId,
    ValidFrom,
    ValidTo,
    BeginReason,
    OverCeilingReason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ListChange {
    Table,
    Sequence,
    Kind,
    ContractId,
    ResourceId,
    OccurredAt,
}

#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    RequestId,
    Method,
    RequestFingerprint,
    Response,
    CreatedAt,
}

fn timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).timestamp_with_time_zone().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Gp::Table)
                    .col(ColumnDef::new(Gp::HprNumber).string_len(9).not_null().primary_key())
                    .col(ColumnDef::new(Gp::GivenName).string().not_null())
                    .col(ColumnDef::new(Gp::FamilyName).string().not_null())
                    .col(ColumnDef::new(Gp::BirthDate).date().not_null())
                    .col(ColumnDef::new(Gp::GeneralPracticeSpecialist).boolean().not_null())
                    .col(ColumnDef::new(Gp::Version).integer().not_null())
                    .col(timestamp(Gp::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Office::Table)
                    .col(ColumnDef::new(Office::OrganizationNumber).string_len(9).not_null().primary_key())
                    .col(ColumnDef::new(Office::Name).string().not_null())
                    .col(ColumnDef::new(Office::KommuneNumber).string_len(4).not_null())
                    .col(ColumnDef::new(Office::Version).integer().not_null())
                    .col(timestamp(Office::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ListContract::Table)
                    .col(ColumnDef::new(ListContract::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ListContract::OfficeOrganizationNumber).string_len(9).not_null())
                    .col(ColumnDef::new(ListContract::KommuneNumber).string_len(4).not_null())
                    .col(ColumnDef::new(ListContract::Ceiling).integer().not_null())
                    .col(ColumnDef::new(ListContract::Status).string_len(16).not_null())
                    .col(ColumnDef::new(ListContract::SharedList).boolean().not_null())
                    .col(ColumnDef::new(ListContract::FixedSalary).boolean().not_null())
                    .col(ColumnDef::new(ListContract::ValidFrom).date().not_null())
                    .col(ColumnDef::new(ListContract::ValidTo).date().null())
                    .col(ColumnDef::new(ListContract::Version).integer().not_null())
                    .col(timestamp(ListContract::CreatedAt))
                    .col(timestamp(ListContract::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ListContract::Table, ListContract::OfficeOrganizationNumber)
                            .to(Office::Table, Office::OrganizationNumber),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("list_contract_by_kommune")
                    .table(ListContract::Table)
                    .col(ListContract::KommuneNumber)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("list_contract_by_office")
                    .table(ListContract::Table)
                    .col(ListContract::OfficeOrganizationNumber)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DoctorPeriod::Table)
                    .col(ColumnDef::new(DoctorPeriod::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(DoctorPeriod::ContractId).uuid().not_null())
                    .col(ColumnDef::new(DoctorPeriod::HprNumber).string_len(9).not_null())
                    .col(ColumnDef::new(DoctorPeriod::Relationship).string_len(16).not_null())
                    .col(ColumnDef::new(DoctorPeriod::SubstituteForHprNumber).string_len(9).null())
                    .col(ColumnDef::new(DoctorPeriod::ValidFrom).date().not_null())
                    .col(ColumnDef::new(DoctorPeriod::ValidTo).date().null())
                    .col(ColumnDef::new(DoctorPeriod::WorkingPercentage).integer().not_null())
                    .col(timestamp(DoctorPeriod::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DoctorPeriod::Table, DoctorPeriod::ContractId)
                            .to(ListContract::Table, ListContract::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DoctorPeriod::Table, DoctorPeriod::HprNumber)
                            .to(Gp::Table, Gp::HprNumber),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("doctor_period_by_contract")
                    .table(DoctorPeriod::Table)
                    .col(DoctorPeriod::ContractId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("doctor_period_by_doctor")
                    .table(DoctorPeriod::Table)
                    .col(DoctorPeriod::HprNumber)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Resident::Table)
                    .col(ColumnDef::new(Resident::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Resident::PersonId).string_len(11).not_null().unique_key())
                    .col(ColumnDef::new(Resident::BirthDate).date().not_null())
                    .col(ColumnDef::new(Resident::HouseholdId).string().not_null())
                    .col(ColumnDef::new(Resident::KommuneNumber).string_len(4).not_null())
                    .col(timestamp(Resident::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("resident_by_household")
                    .table(Resident::Table)
                    .col(Resident::HouseholdId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ListMembership::Table)
                    .col(ColumnDef::new(ListMembership::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ListMembership::ResidentId).uuid().not_null())
                    .col(ColumnDef::new(ListMembership::ContractId).uuid().not_null())
                    .col(ColumnDef::new(ListMembership::ValidFrom).date().not_null())
                    .col(ColumnDef::new(ListMembership::ValidTo).date().null())
                    .col(ColumnDef::new(ListMembership::BeginReason).string_len(32).not_null())
                    .col(ColumnDef::new(ListMembership::OverCeilingReason).string_len(32).null())
                    .col(timestamp(ListMembership::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ListMembership::Table, ListMembership::ResidentId)
                            .to(Resident::Table, Resident::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ListMembership::Table, ListMembership::ContractId)
                            .to(ListContract::Table, ListContract::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The two hot look-ups: "who is this patient's GP" (by resident) and "who is on this list"
        // (by contract, in enrolment order for stable paging).
        manager
            .create_index(
                Index::create()
                    .name("list_membership_by_resident")
                    .table(ListMembership::Table)
                    .col(ListMembership::ResidentId)
                    .col(ListMembership::ValidFrom)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("list_membership_by_contract")
                    .table(ListMembership::Table)
                    .col(ListMembership::ContractId)
                    .col(ListMembership::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ListChange::Table)
                    .col(
                        ColumnDef::new(ListChange::Sequence)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ListChange::Kind).string_len(48).not_null())
                    .col(ColumnDef::new(ListChange::ContractId).uuid().not_null())
                    .col(ColumnDef::new(ListChange::ResourceId).uuid().not_null())
                    .col(timestamp(ListChange::OccurredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("list_change_by_contract")
                    .table(ListChange::Table)
                    .col(ListChange::ContractId)
                    .col(ListChange::Sequence)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKey::Table)
                    .col(ColumnDef::new(IdempotencyKey::RequestId).string_len(128).not_null().primary_key())
                    .col(ColumnDef::new(IdempotencyKey::Method).string().not_null())
                    .col(ColumnDef::new(IdempotencyKey::RequestFingerprint).big_integer().not_null())
                    .col(ColumnDef::new(IdempotencyKey::Response).blob().not_null())
                    .col(timestamp(IdempotencyKey::CreatedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdempotencyKey::Table.into_iden(),
            ListChange::Table.into_iden(),
            ListMembership::Table.into_iden(),
            Resident::Table.into_iden(),
            DoctorPeriod::Table.into_iden(),
            ListContract::Table.into_iden(),
            Office::Table.into_iden(),
            Gp::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
