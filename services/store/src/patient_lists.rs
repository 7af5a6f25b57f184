//! Repository for patient lists: GPs, offices, list contracts, doctor periods, residents and list
//! memberships. Functions take the connection or transaction to run on; writes must be given the
//! transaction from [`crate::Store::begin_write`] so that they commit or fail as one.

use allmenn_domain::identifiers::{HprNumber, Kommunenummer, Organisasjonsnummer, PersonId};
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::Condition,
};
use uuid::Uuid;

use crate::{
    Resource, RuleViolation, StoreError,
    entity::{doctor_period, gp, list_contract, list_membership, office, resident},
    outbox::{self, ChangeKind},
};

/// A list's open/closed status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStatus {
    /// Takes new patients while it has free places.
    Open,
    /// Takes no new patients, except the over-ceiling cases.
    Closed,
}

impl ListStatus {
    fn as_str(self) -> &'static str {
        match self {
            ListStatus::Open => "open",
            ListStatus::Closed => "closed",
        }
    }

    /// Parses the stored form.
    pub fn from_stored(value: &str) -> Self {
        if value == "closed" { ListStatus::Closed } else { ListStatus::Open }
    }
}

/// How a doctor relates to a list contract (kodeverk 7750).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoctorRelationship {
    /// The permanent GP (LPFL).
    Fastlege,
    /// A substitute (LPVI).
    Vikar,
    /// A doctor sharing the list (LPDL).
    Delelege,
}

impl DoctorRelationship {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DoctorRelationship::Fastlege => "fastlege",
            DoctorRelationship::Vikar => "vikar",
            DoctorRelationship::Delelege => "delelege",
        }
    }

    /// Parses the stored form.
    pub fn from_stored(value: &str) -> Self {
        match value {
            "vikar" => DoctorRelationship::Vikar,
            "delelege" => DoctorRelationship::Delelege,
            _ => DoctorRelationship::Fastlege,
        }
    }
}

/// Why a resident may be put on a list beyond its ceiling (research.md §1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverCeilingReason {
    /// A child (under 16) of a patient on the list, living at the same address.
    ChildOfListPatient,
    /// A former patient who moved away less than three years ago.
    ReturnAfterMove,
    /// The kommune decided it.
    KommuneDecision,
}

impl OverCeilingReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OverCeilingReason::ChildOfListPatient => "child_of_list_patient",
            OverCeilingReason::ReturnAfterMove => "return_after_move",
            OverCeilingReason::KommuneDecision => "kommune_decision",
        }
    }

    /// Parses the stored form.
    pub fn from_stored(value: &str) -> Option<Self> {
        match value {
            "child_of_list_patient" => Some(OverCeilingReason::ChildOfListPatient),
            "return_after_move" => Some(OverCeilingReason::ReturnAfterMove),
            "kommune_decision" => Some(OverCeilingReason::KommuneDecision),
            _ => None,
        }
    }
}

/// Why a list period began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BeginReason {
    /// First enrolment of a resident without a list.
    Enrolment,
}

impl BeginReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            BeginReason::Enrolment => "enrolment",
        }
    }
}

/// A new GP.
#[derive(Clone, Debug)]
pub struct NewGp {
    /// HPR number.
    pub hpr_number: HprNumber,
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Specialist in general practice.
    pub general_practice_specialist: bool,
}

/// A new office.
#[derive(Clone, Debug)]
pub struct NewOffice {
    /// Organisasjonsnummer.
    pub organization_number: Organisasjonsnummer,
    /// Display name.
    pub name: String,
    /// Kommune of the office.
    pub kommune_number: Kommunenummer,
}

/// A new list contract.
#[derive(Clone, Debug)]
pub struct NewListContract {
    /// The office it belongs to.
    pub office_organization_number: Organisasjonsnummer,
    /// The kommune holding the contract.
    pub kommune_number: Kommunenummer,
    /// The list ceiling.
    pub ceiling: u32,
    /// Open or closed.
    pub status: ListStatus,
    /// Shared list (fellesliste).
    pub shared_list: bool,
    /// Fixed-salary GP.
    pub fixed_salary: bool,
    /// First valid day.
    pub valid_from: NaiveDate,
    /// First day no longer valid, if the contract ends.
    pub valid_to: Option<NaiveDate>,
}

/// A new doctor period.
#[derive(Clone, Debug)]
pub struct NewDoctorPeriod {
    /// The contract.
    pub contract_id: Uuid,
    /// The doctor.
    pub hpr_number: HprNumber,
    /// The relationship.
    pub relationship: DoctorRelationship,
    /// For a vikar, whom they substitute for.
    pub substitute_for: Option<HprNumber>,
    /// First day.
    pub valid_from: NaiveDate,
    /// First day after, if bounded.
    pub valid_to: Option<NaiveDate>,
    /// Working percentage, 1–100.
    pub working_percentage: u8,
    /// Weekdays worked (ISO numbers, Monday 1), ascending without repeats; empty for every weekday.
    pub working_days: Vec<u8>,
}

/// A new resident.
#[derive(Clone, Debug)]
pub struct NewResident {
    /// Fødselsnummer or D-nummer.
    pub person_id: PersonId,
    /// Household (address) identifier.
    pub household_id: String,
    /// Kommune of residence.
    pub kommune_number: Kommunenummer,
}

/// A request to put a resident without a list on a list.
#[derive(Clone, Debug)]
pub struct Enrolment {
    /// The resident.
    pub person_id: PersonId,
    /// The target list.
    pub contract_id: Uuid,
    /// The first day on the list.
    pub effective_date: NaiveDate,
    /// Why the ceiling may be exceeded, when the list is full or closed.
    pub over_ceiling_reason: Option<OverCeilingReason>,
}

/// A list contract with the figures derived from its memberships and doctor periods.
#[derive(Clone, Debug)]
pub struct ContractView {
    /// The stored contract.
    pub contract: list_contract::Model,
    /// Residents on the list on the reference date, or scheduled to join it.
    pub patient_count: u32,
    /// Whether a fastlege period is valid on the reference date.
    pub has_permanent_gp: bool,
}

impl ContractView {
    /// Free places: the ceiling minus the patients, never negative (an over-ceiling list has none).
    pub fn free_places(&self) -> u32 {
        u32::try_from(self.contract.ceiling).unwrap_or(0).saturating_sub(self.patient_count)
    }
}

/// A list membership with the resident's personal number.
#[derive(Clone, Debug)]
pub struct MembershipView {
    /// The stored membership.
    pub membership: list_membership::Model,
    /// The resident's personal number.
    pub person_id: PersonId,
}

/// The answer to "who is this patient's GP".
#[derive(Clone, Debug)]
pub struct PatientGp {
    /// The membership valid on the date.
    pub membership: MembershipView,
    /// The list contract with its figures.
    pub contract: ContractView,
    /// The office of the contract.
    pub office: office::Model,
    /// The responsible doctor: the fastlege, or the single active vikar on a list without one.
    pub responsible_doctor: Option<(gp::Model, DoctorRelationship)>,
}

fn valid_on<C: ColumnTrait>(from: C, to: C, date: NaiveDate) -> Condition {
    Condition::all().add(from.lte(date)).add(Condition::any().add(to.is_null()).add(to.gt(date)))
}

/// `SELECT … FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already excludes other writers.
fn lock_for_update<Q: QuerySelect>(query: Q, backend: DbBackend) -> Q {
    if backend == DbBackend::Postgres { query.lock_exclusive() } else { query }
}

/// The same calendar date `years` earlier; 28 February for a 29 February the earlier year lacks
/// (a plain `with_year` fails there, and falling back to `date` itself would shrink the window to
/// nothing).
fn years_before(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_sub_months(chrono::Months::new(years * 12)).unwrap_or(NaiveDate::MIN)
}

fn age_on(birth_date: NaiveDate, date: NaiveDate) -> i32 {
    let mut age = date.year() - birth_date.year();
    if (date.month(), date.day()) < (birth_date.month(), birth_date.day()) {
        age -= 1;
    }
    age
}

/// Creates a GP.
pub async fn create_gp<C: ConnectionTrait>(transaction: &C, new: NewGp) -> Result<gp::Model, StoreError> {
    gp::ActiveModel {
        hpr_number: Set(new.hpr_number.as_str().to_owned()),
        given_name: Set(new.given_name),
        family_name: Set(new.family_name),
        birth_date: Set(new.birth_date),
        general_practice_specialist: Set(new.general_practice_specialist),
        version: Set(1),
        created_at: Set(Utc::now()),
    }
    .insert(transaction)
    .await
    .map_err(|error| StoreError::from_insert(error, Resource::Gp))
}

/// Reads a GP.
pub async fn get_gp<C: ConnectionTrait>(
    connection: &C,
    hpr_number: &HprNumber,
) -> Result<gp::Model, StoreError> {
    gp::Entity::find_by_id(hpr_number.as_str().to_owned())
        .one(connection)
        .await
        .map_err(StoreError::from_db)?
        .ok_or(StoreError::NotFound(Resource::Gp))
}

/// Creates an office.
pub async fn create_office<C: ConnectionTrait>(
    transaction: &C,
    new: NewOffice,
) -> Result<office::Model, StoreError> {
    office::ActiveModel {
        organization_number: Set(new.organization_number.as_str().to_owned()),
        name: Set(new.name),
        kommune_number: Set(new.kommune_number.as_str().to_owned()),
        version: Set(1),
        created_at: Set(Utc::now()),
    }
    .insert(transaction)
    .await
    .map_err(|error| StoreError::from_insert(error, Resource::Office))
}

/// Reads an office.
pub async fn get_office<C: ConnectionTrait>(
    connection: &C,
    organization_number: &str,
) -> Result<office::Model, StoreError> {
    office::Entity::find_by_id(organization_number.to_owned())
        .one(connection)
        .await
        .map_err(StoreError::from_db)?
        .ok_or(StoreError::NotFound(Resource::Office))
}

/// Creates a list contract at an existing office and records the change.
pub async fn create_list_contract<C: ConnectionTrait>(
    transaction: &C,
    new: NewListContract,
) -> Result<ContractView, StoreError> {
    get_office(transaction, new.office_organization_number.as_str()).await?;
    let now = Utc::now();
    let contract = list_contract::ActiveModel {
        id: Set(Uuid::now_v7()),
        office_organization_number: Set(new.office_organization_number.as_str().to_owned()),
        kommune_number: Set(new.kommune_number.as_str().to_owned()),
        ceiling: Set(i32::try_from(new.ceiling).unwrap_or(i32::MAX)),
        status: Set(new.status.as_str().to_owned()),
        shared_list: Set(new.shared_list),
        fixed_salary: Set(new.fixed_salary),
        valid_from: Set(new.valid_from),
        valid_to: Set(new.valid_to),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(transaction)
    .await
    .map_err(|error| StoreError::from_insert(error, Resource::ListContract))?;
    outbox::append(transaction, ChangeKind::ContractCreated, contract.id, contract.id).await?;
    Ok(ContractView { contract, patient_count: 0, has_permanent_gp: false })
}

/// Reads a list contract with its figures as of `date`.
pub async fn get_list_contract<C: ConnectionTrait>(
    connection: &C,
    contract_id: Uuid,
    date: NaiveDate,
) -> Result<ContractView, StoreError> {
    let contract = list_contract::Entity::find_by_id(contract_id)
        .one(connection)
        .await
        .map_err(StoreError::from_db)?
        .ok_or(StoreError::NotFound(Resource::ListContract))?;
    contract_view(connection, contract, date).await
}

async fn contract_view<C: ConnectionTrait>(
    connection: &C,
    contract: list_contract::Model,
    date: NaiveDate,
) -> Result<ContractView, StoreError> {
    let patient_count = count_current_and_scheduled(connection, contract.id, date).await?;
    let has_permanent_gp = doctor_period::Entity::find()
        .filter(doctor_period::Column::ContractId.eq(contract.id))
        .filter(doctor_period::Column::Relationship.eq(DoctorRelationship::Fastlege.as_str()))
        .filter(valid_on(doctor_period::Column::ValidFrom, doctor_period::Column::ValidTo, date))
        .count(connection)
        .await
        .map_err(StoreError::from_db)?
        > 0;
    Ok(ContractView { contract, patient_count, has_permanent_gp })
}

/// Residents on the list on `date` or scheduled to join it later: the count the ceiling limits.
async fn count_current_and_scheduled<C: ConnectionTrait>(
    connection: &C,
    contract_id: Uuid,
    date: NaiveDate,
) -> Result<u32, StoreError> {
    let count = list_membership::Entity::find()
        .filter(list_membership::Column::ContractId.eq(contract_id))
        .filter(
            Condition::any()
                .add(list_membership::Column::ValidTo.is_null())
                .add(list_membership::Column::ValidTo.gt(date)),
        )
        .count(connection)
        .await
        .map_err(StoreError::from_db)?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// Creates a doctor period on a contract.
pub async fn create_doctor_period<C: ConnectionTrait>(
    transaction: &C,
    new: NewDoctorPeriod,
) -> Result<doctor_period::Model, StoreError> {
    let backend = transaction.get_database_backend();
    let contract = lock_for_update(list_contract::Entity::find_by_id(new.contract_id), backend)
        .one(transaction)
        .await
        .map_err(StoreError::from_db)?
        .ok_or(StoreError::NotFound(Resource::ListContract))?;
    get_gp(transaction, &new.hpr_number).await?;
    if let Some(substituted) = &new.substitute_for {
        get_gp(transaction, substituted).await?;
    }
    let starts_before_contract = new.valid_from < contract.valid_from;
    let ends_after_contract = match (contract.valid_to, new.valid_to) {
        (Some(contract_end), Some(period_end)) => period_end > contract_end,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if starts_before_contract || ends_after_contract {
        return Err(RuleViolation::PeriodOutsideContract.into());
    }
    if new.relationship == DoctorRelationship::Fastlege && !contract.shared_list {
        // Two periods [a, b) and [c, d) overlap iff a < d and c < b (open ends are infinite).
        let mut overlapping = doctor_period::Entity::find()
            .filter(doctor_period::Column::ContractId.eq(contract.id))
            .filter(doctor_period::Column::Relationship.eq(DoctorRelationship::Fastlege.as_str()))
            .filter(
                Condition::any()
                    .add(doctor_period::Column::ValidTo.is_null())
                    .add(doctor_period::Column::ValidTo.gt(new.valid_from)),
            );
        if let Some(end) = new.valid_to {
            overlapping = overlapping.filter(doctor_period::Column::ValidFrom.lt(end));
        }
        if overlapping.count(transaction).await.map_err(StoreError::from_db)? > 0 {
            return Err(RuleViolation::FastlegePeriodOverlaps.into());
        }
    }
    let period = doctor_period::ActiveModel {
        id: Set(Uuid::now_v7()),
        contract_id: Set(contract.id),
        hpr_number: Set(new.hpr_number.as_str().to_owned()),
        relationship: Set(new.relationship.as_str().to_owned()),
        substitute_for_hpr_number: Set(new.substitute_for.map(|hpr| hpr.as_str().to_owned())),
        valid_from: Set(new.valid_from),
        valid_to: Set(new.valid_to),
        working_percentage: Set(i32::from(new.working_percentage)),
        working_days: Set(new.working_days.iter().map(u8::to_string).collect::<Vec<_>>().join(",")),
        created_at: Set(Utc::now()),
    }
    .insert(transaction)
    .await
    .map_err(|error| StoreError::from_insert(error, Resource::DoctorPeriod))?;
    outbox::append(transaction, ChangeKind::DoctorPeriodCreated, contract.id, period.id).await?;
    Ok(period)
}

/// Creates a resident.
pub async fn create_resident<C: ConnectionTrait>(
    transaction: &C,
    new: NewResident,
) -> Result<resident::Model, StoreError> {
    resident::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(new.person_id.expose_digits().to_owned()),
        birth_date: Set(new.person_id.birth_date()),
        household_id: Set(new.household_id),
        kommune_number: Set(new.kommune_number.as_str().to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(transaction)
    .await
    .map_err(|error| StoreError::from_insert(error, Resource::Resident))
}

/// Reads a resident by personal number.
pub async fn find_resident<C: ConnectionTrait>(
    connection: &C,
    person_id: &PersonId,
) -> Result<resident::Model, StoreError> {
    resident::Entity::find()
        .filter(resident::Column::PersonId.eq(person_id.expose_digits()))
        .one(connection)
        .await
        .map_err(StoreError::from_db)?
        .ok_or(StoreError::NotFound(Resource::Resident))
}

/// Puts a resident who has no list on a list, enforcing the ceiling, the open/closed status and the
/// over-ceiling exceptions. The contract row is locked first and the resident row second, so
/// concurrent enrolments into one list serialise, and one resident can never land on two lists.
pub async fn enrol<C: ConnectionTrait>(
    transaction: &C,
    enrolment: Enrolment,
) -> Result<MembershipView, StoreError> {
    let backend = transaction.get_database_backend();
    let date = enrolment.effective_date;
    let contract = lock_for_update(list_contract::Entity::find_by_id(enrolment.contract_id), backend)
        .one(transaction)
        .await
        .map_err(StoreError::from_db)?
        .ok_or(StoreError::NotFound(Resource::ListContract))?;
    let resident = lock_for_update(
        resident::Entity::find().filter(resident::Column::PersonId.eq(enrolment.person_id.expose_digits())),
        backend,
    )
    .one(transaction)
    .await
    .map_err(StoreError::from_db)?
    .ok_or(StoreError::NotFound(Resource::Resident))?;

    if date < contract.valid_from || contract.valid_to.is_some_and(|end| date >= end) {
        return Err(RuleViolation::ContractNotValid.into());
    }
    let already_listed = list_membership::Entity::find()
        .filter(list_membership::Column::ResidentId.eq(resident.id))
        .filter(
            Condition::any()
                .add(list_membership::Column::ValidTo.is_null())
                .add(list_membership::Column::ValidTo.gt(date)),
        )
        .count(transaction)
        .await
        .map_err(StoreError::from_db)?;
    if already_listed > 0 {
        return Err(RuleViolation::AlreadyOnList.into());
    }

    let patients = count_current_and_scheduled(transaction, contract.id, date).await?;
    let full = i64::from(patients) >= i64::from(contract.ceiling);
    let closed = ListStatus::from_stored(&contract.status) == ListStatus::Closed;
    let over_ceiling_reason = if full || closed {
        let Some(reason) = enrolment.over_ceiling_reason else {
            return Err(if closed { RuleViolation::ListClosed } else { RuleViolation::ListFull }.into());
        };
        verify_over_ceiling_reason(transaction, reason, &resident, contract.id, date).await?;
        Some(reason)
    } else {
        None
    };

    let membership = list_membership::ActiveModel {
        id: Set(Uuid::now_v7()),
        resident_id: Set(resident.id),
        contract_id: Set(contract.id),
        valid_from: Set(date),
        valid_to: Set(None),
        begin_reason: Set(BeginReason::Enrolment.as_str().to_owned()),
        over_ceiling_reason: Set(over_ceiling_reason.map(|reason| reason.as_str().to_owned())),
        created_at: Set(Utc::now()),
    }
    .insert(transaction)
    .await
    .map_err(|error| StoreError::from_insert(error, Resource::ListMembership))?;
    outbox::append(transaction, ChangeKind::PatientOnContractCreated, contract.id, membership.id).await?;
    Ok(MembershipView { membership, person_id: enrolment.person_id })
}

/// Checks that an over-ceiling reason really applies (research.md §1.2): a child under 16 needs a
/// patient on the list in the same household; a returning resident needs a period on this list that
/// ended less than three years ago.
async fn verify_over_ceiling_reason<C: ConnectionTrait>(
    transaction: &C,
    reason: OverCeilingReason,
    resident: &resident::Model,
    contract_id: Uuid,
    date: NaiveDate,
) -> Result<(), StoreError> {
    match reason {
        OverCeilingReason::KommuneDecision => Ok(()),
        OverCeilingReason::ChildOfListPatient => {
            if age_on(resident.birth_date, date) >= 16 {
                return Err(
                    RuleViolation::OverCeilingReasonDoesNotApply("the resident is 16 or older").into()
                );
            }
            let household: Vec<Uuid> = resident::Entity::find()
                .filter(resident::Column::HouseholdId.eq(resident.household_id.as_str()))
                .filter(resident::Column::Id.ne(resident.id))
                .filter(resident::Column::BirthDate.lte(years_before(date, 16)))
                .all(transaction)
                .await
                .map_err(StoreError::from_db)?
                .into_iter()
                .map(|member| member.id)
                .collect();
            let parent_on_list = !household.is_empty()
                && list_membership::Entity::find()
                    .filter(list_membership::Column::ContractId.eq(contract_id))
                    .filter(list_membership::Column::ResidentId.is_in(household))
                    .filter(valid_on(
                        list_membership::Column::ValidFrom,
                        list_membership::Column::ValidTo,
                        date,
                    ))
                    .count(transaction)
                    .await
                    .map_err(StoreError::from_db)?
                    > 0;
            if parent_on_list {
                Ok(())
            } else {
                Err(RuleViolation::OverCeilingReasonDoesNotApply("no adult of the household is on the list")
                    .into())
            }
        }
        OverCeilingReason::ReturnAfterMove => {
            let three_years_earlier = years_before(date, 3);
            let recent = list_membership::Entity::find()
                .filter(list_membership::Column::ContractId.eq(contract_id))
                .filter(list_membership::Column::ResidentId.eq(resident.id))
                .filter(list_membership::Column::ValidTo.gte(three_years_earlier))
                .count(transaction)
                .await
                .map_err(StoreError::from_db)?;
            if recent > 0 {
                Ok(())
            } else {
                Err(RuleViolation::OverCeilingReasonDoesNotApply(
                    "no period on this list ended within three years",
                )
                .into())
            }
        }
    }
}

/// Answers "who is this patient's GP" on `date`; `None` when the resident is on no list then.
pub async fn patient_gp<C: ConnectionTrait>(
    connection: &C,
    person_id: &PersonId,
    date: NaiveDate,
) -> Result<Option<PatientGp>, StoreError> {
    // An unknown person and one on no list answer alike: the look-up must not tell whether a
    // personal number is registered.
    let resident = match find_resident(connection, person_id).await {
        Ok(resident) => resident,
        Err(StoreError::NotFound(Resource::Resident)) => return Ok(None),
        Err(other) => return Err(other),
    };
    let Some(membership) = list_membership::Entity::find()
        .filter(list_membership::Column::ResidentId.eq(resident.id))
        .filter(valid_on(list_membership::Column::ValidFrom, list_membership::Column::ValidTo, date))
        .one(connection)
        .await
        .map_err(StoreError::from_db)?
    else {
        return Ok(None);
    };
    let contract = get_list_contract(connection, membership.contract_id, date).await?;
    let office = get_office(connection, &contract.contract.office_organization_number).await?;
    let responsible_doctor = responsible_doctor(connection, contract.contract.id, date).await?;
    Ok(Some(PatientGp {
        membership: MembershipView { membership, person_id: *person_id },
        contract,
        office,
        responsible_doctor,
    }))
}

/// The doctor responsible for a list on `date`: the fastlege (the earliest-starting one on a shared
/// list), else the single active vikar; none when there are several vikarer and no fastlege, as the
/// national registry answers.
async fn responsible_doctor<C: ConnectionTrait>(
    connection: &C,
    contract_id: Uuid,
    date: NaiveDate,
) -> Result<Option<(gp::Model, DoctorRelationship)>, StoreError> {
    let periods = doctor_period::Entity::find()
        .filter(doctor_period::Column::ContractId.eq(contract_id))
        .filter(valid_on(doctor_period::Column::ValidFrom, doctor_period::Column::ValidTo, date))
        .order_by_asc(doctor_period::Column::ValidFrom)
        .order_by_asc(doctor_period::Column::Id)
        .all(connection)
        .await
        .map_err(StoreError::from_db)?;
    let fastlege = periods
        .iter()
        .find(|period| DoctorRelationship::from_stored(&period.relationship) == DoctorRelationship::Fastlege);
    let vikarer: Vec<_> = periods
        .iter()
        .filter(|period| DoctorRelationship::from_stored(&period.relationship) == DoctorRelationship::Vikar)
        .collect();
    let chosen = match (fastlege, vikarer.as_slice()) {
        (Some(period), _) => period,
        (None, [only_vikar]) => *only_vikar,
        (None, _) => return Ok(None),
    };
    let doctor = gp::Entity::find_by_id(chosen.hpr_number.clone())
        .one(connection)
        .await
        .map_err(StoreError::from_db)?
        .ok_or(StoreError::NotFound(Resource::Gp))?;
    Ok(Some((doctor, DoctorRelationship::from_stored(&chosen.relationship))))
}

/// One page of a list's patients on `date`, ordered by membership id (time-ordered UUIDs, so
/// roughly enrolment order), starting after `after_membership`.
pub async fn list_contract_patients<C: ConnectionTrait>(
    connection: &C,
    contract_id: Uuid,
    date: NaiveDate,
    page_size: u64,
    after_membership: Option<Uuid>,
) -> Result<(Vec<MembershipView>, u64), StoreError> {
    list_contract::Entity::find_by_id(contract_id)
        .one(connection)
        .await
        .map_err(StoreError::from_db)?
        .ok_or(StoreError::NotFound(Resource::ListContract))?;
    let on_list = list_membership::Entity::find()
        .filter(list_membership::Column::ContractId.eq(contract_id))
        .filter(valid_on(list_membership::Column::ValidFrom, list_membership::Column::ValidTo, date));
    let total = on_list.clone().count(connection).await.map_err(StoreError::from_db)?;
    let mut page = on_list.order_by_asc(list_membership::Column::Id).limit(page_size);
    if let Some(after) = after_membership {
        page = page.filter(list_membership::Column::Id.gt(after));
    }
    let memberships = page.all(connection).await.map_err(StoreError::from_db)?;
    Ok((with_person_ids(connection, memberships).await?, total))
}

/// Attaches the residents' personal numbers to a page of memberships, in one query.
async fn with_person_ids<C: ConnectionTrait>(
    connection: &C,
    memberships: Vec<list_membership::Model>,
) -> Result<Vec<MembershipView>, StoreError> {
    let resident_ids: Vec<Uuid> = memberships.iter().map(|membership| membership.resident_id).collect();
    let residents: std::collections::HashMap<Uuid, String> = resident::Entity::find()
        .filter(resident::Column::Id.is_in(resident_ids))
        .all(connection)
        .await
        .map_err(StoreError::from_db)?
        .into_iter()
        .map(|resident| (resident.id, resident.person_id))
        .collect();
    memberships
        .into_iter()
        .map(|membership| {
            let digits =
                residents.get(&membership.resident_id).ok_or(StoreError::NotFound(Resource::Resident))?;
            // Stored numbers were validated on the way in; a failure here means a corrupt row.
            let person_id = PersonId::parse(digits).map_err(|_| StoreError::NotFound(Resource::Resident))?;
            Ok(MembershipView { membership, person_id })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn years_before_a_leap_day_is_the_last_day_of_february() {
        let leap_day = chrono::NaiveDate::from_ymd_opt(2028, 2, 29).unwrap();
        assert_eq!(super::years_before(leap_day, 3), chrono::NaiveDate::from_ymd_opt(2025, 2, 28).unwrap());
        assert_eq!(super::years_before(leap_day, 16), chrono::NaiveDate::from_ymd_opt(2012, 2, 29).unwrap());
    }
}
