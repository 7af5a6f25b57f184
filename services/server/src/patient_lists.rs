//! `allmenn.v1.PatientListService`: each method converts the request (collecting every field
//! violation), calls the store in one transaction, and converts back.

use allmenn_domain::identifiers::{HprNumber, Kommunenummer, Organisasjonsnummer, PersonId, PersonIdKind};
use allmenn_proto::v1::{self as pb, patient_list_service_server::PatientListService};
use allmenn_store::{
    Store, entity,
    patient_lists::{
        self as repo, ContractView, DoctorRelationship, Enrolment, ListStatus, MembershipView,
        NewDoctorPeriod, NewGp, NewListContract, NewOffice, NewResident, OverCeilingReason, PatientGp,
    },
};
use tonic::{Request, Response, Status};

use crate::{
    clock,
    convert::{self, to_date, to_timestamp},
    error::{ApiError, Violations},
    idempotency,
};

/// Longest accepted name or free-text field.
const MAX_NAME_CHARS: usize = 200;
/// Default and largest page of list patients.
const DEFAULT_PAGE_SIZE: u64 = 100;
const MAX_PAGE_SIZE: u64 = 1000;
/// Highest ceiling accepted: a sanity bound, well above any real list (the national average is about
/// 1,000; research.md §1.2 found no legal maximum).
const MAX_CEILING: i32 = 10_000;

/// The patient-list service over a store.
#[derive(Clone, Debug)]
pub struct PatientLists {
    store: Store,
}

impl PatientLists {
    /// A service backed by `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

#[tonic::async_trait]
impl PatientListService for PatientLists {
    async fn create_gp(&self, request: Request<pb::CreateGpRequest>) -> Result<Response<pb::Gp>, Status> {
        let request = request.into_inner();
        let new = new_gp(&request)?;
        let gp = idempotency::run(&self.store, "CreateGp", &request.request_id, &request, |transaction| {
            Box::pin(async move { Ok(gp_message(repo::create_gp(transaction, new).await?)) })
        })
        .await?;
        Ok(Response::new(gp))
    }

    async fn get_gp(&self, request: Request<pb::GetGpRequest>) -> Result<Response<pb::Gp>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let hpr = violations.check("hpr_number", HprNumber::parse(&request.hpr_number));
        let hpr = violations.into_result(|| hpr)?;
        let gp = repo::get_gp(self.store.connection(), &hpr).await.map_err(ApiError::from)?;
        Ok(Response::new(gp_message(gp)))
    }

    async fn create_office(
        &self,
        request: Request<pb::CreateOfficeRequest>,
    ) -> Result<Response<pb::Office>, Status> {
        let request = request.into_inner();
        let new = new_office(&request)?;
        let office =
            idempotency::run(&self.store, "CreateOffice", &request.request_id, &request, |transaction| {
                Box::pin(async move { Ok(office_message(repo::create_office(transaction, new).await?)) })
            })
            .await?;
        Ok(Response::new(office))
    }

    async fn create_list_contract(
        &self,
        request: Request<pb::CreateListContractRequest>,
    ) -> Result<Response<pb::ListContract>, Status> {
        let request = request.into_inner();
        let new = new_list_contract(&request)?;
        let contract = idempotency::run(
            &self.store,
            "CreateListContract",
            &request.request_id,
            &request,
            |transaction| {
                Box::pin(
                    async move { Ok(contract_message(repo::create_list_contract(transaction, new).await?)) },
                )
            },
        )
        .await?;
        Ok(Response::new(contract))
    }

    async fn get_list_contract(
        &self,
        request: Request<pb::GetListContractRequest>,
    ) -> Result<Response<pb::ListContract>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let id = convert::resource_id(&mut violations, "contract_id", &request.contract_id);
        let id = violations.into_result(|| id)?;
        let contract = repo::get_list_contract(self.store.connection(), id, clock::today())
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(contract_message(contract)))
    }

    async fn create_doctor_period(
        &self,
        request: Request<pb::CreateDoctorPeriodRequest>,
    ) -> Result<Response<pb::DoctorPeriod>, Status> {
        let request = request.into_inner();
        let new = new_doctor_period(&request)?;
        let period = idempotency::run(
            &self.store,
            "CreateDoctorPeriod",
            &request.request_id,
            &request,
            |transaction| {
                Box::pin(async move {
                    Ok(doctor_period_message(repo::create_doctor_period(transaction, new).await?))
                })
            },
        )
        .await?;
        Ok(Response::new(period))
    }

    async fn create_resident(
        &self,
        request: Request<pb::CreateResidentRequest>,
    ) -> Result<Response<pb::Resident>, Status> {
        let request = request.into_inner();
        let new = new_resident(&request)?;
        let resident =
            idempotency::run(&self.store, "CreateResident", &request.request_id, &request, |transaction| {
                Box::pin(async move { Ok(resident_message(repo::create_resident(transaction, new).await?)) })
            })
            .await?;
        Ok(Response::new(resident))
    }

    async fn enrol_patient(
        &self,
        request: Request<pb::EnrolPatientRequest>,
    ) -> Result<Response<pb::ListMembership>, Status> {
        let request = request.into_inner();
        let enrolment = enrolment(&request)?;
        let membership =
            idempotency::run(&self.store, "EnrolPatient", &request.request_id, &request, |transaction| {
                Box::pin(async move { Ok(membership_message(repo::enrol(transaction, enrolment).await?)) })
            })
            .await?;
        Ok(Response::new(membership))
    }

    async fn get_patient_gp(
        &self,
        request: Request<pb::GetPatientGpRequest>,
    ) -> Result<Response<pb::GetPatientGpResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let person_id = violations.check("person_id", PersonId::parse(&request.person_id));
        let date = match &request.as_of {
            Some(as_of) => convert::timestamp(&mut violations, "as_of", as_of).map(clock::date_in_norway),
            None => Some(clock::today()),
        };
        let (person_id, date) = violations.into_result(|| person_id.zip(date))?;
        let answer = repo::patient_gp(self.store.connection(), &person_id, date)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(|| ApiError::NotFound {
                message: "the resident is on no list on that date".to_owned(),
                reason: "NO_LIST_ON_DATE",
            })?;
        Ok(Response::new(patient_gp_message(answer)))
    }

    async fn list_contract_patients(
        &self,
        request: Request<pb::ListContractPatientsRequest>,
    ) -> Result<Response<pb::ListContractPatientsResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let contract_id = convert::resource_id(&mut violations, "contract_id", &request.contract_id);
        let date = match &request.as_of {
            Some(_) => convert::date(&mut violations, "as_of", request.as_of.as_ref()),
            None => Some(clock::today()),
        };
        let page_size =
            convert::page_size(&mut violations, request.page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
        // A token belongs to its list and date.
        let scope = format!("{}/{:?}", request.contract_id, date);
        let cursor = convert::page_cursor(&mut violations, &request.page_token, &scope);
        let (contract_id, date) = violations.into_result(|| contract_id.zip(date))?;
        // One row more than the page tells whether another page follows (a full last page then
        // ends the listing rather than promising an empty one).
        let (mut memberships, total) =
            repo::list_contract_patients(self.store.connection(), contract_id, date, page_size + 1, cursor)
                .await
                .map_err(ApiError::from)?;
        let more = memberships.len() as u64 > page_size;
        memberships.truncate(usize::try_from(page_size).unwrap_or(usize::MAX));
        let next_page_token = match memberships.last() {
            Some(last) if more => convert::page_token(last.membership.id, &scope),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListContractPatientsResponse {
            memberships: memberships.into_iter().map(membership_message).collect(),
            next_page_token,
            total_size: i32::try_from(total).unwrap_or(i32::MAX),
        }))
    }
}

fn new_gp(request: &pb::CreateGpRequest) -> Result<NewGp, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let Some(gp) = violations.required("gp", request.gp.as_ref()) else {
        return Err(violations.finish().unwrap_err());
    };
    let hpr_number = violations.check("gp.hpr_number", HprNumber::parse(&gp.hpr_number));
    let given_name = convert::text(&mut violations, "gp.given_name", &gp.given_name, MAX_NAME_CHARS);
    let family_name = convert::text(&mut violations, "gp.family_name", &gp.family_name, MAX_NAME_CHARS);
    let birth_date = violations.required("gp.birth_date", gp.birth_date.as_ref());
    let birth_date = convert::date(&mut violations, "gp.birth_date", birth_date);
    violations.into_result(|| {
        Some(NewGp {
            hpr_number: hpr_number?,
            given_name: given_name?,
            family_name: family_name?,
            birth_date: birth_date?,
            general_practice_specialist: gp.general_practice_specialist,
        })
    })
}

fn new_office(request: &pb::CreateOfficeRequest) -> Result<NewOffice, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let Some(office) = violations.required("office", request.office.as_ref()) else {
        return Err(violations.finish().unwrap_err());
    };
    let organization_number = violations
        .check("office.organization_number", Organisasjonsnummer::parse(&office.organization_number));
    let name = convert::text(&mut violations, "office.name", &office.name, MAX_NAME_CHARS);
    let kommune_number =
        violations.check("office.kommune_number", Kommunenummer::parse(&office.kommune_number));
    violations.into_result(|| {
        Some(NewOffice {
            organization_number: organization_number?,
            name: name?,
            kommune_number: kommune_number?,
        })
    })
}

fn new_list_contract(request: &pb::CreateListContractRequest) -> Result<NewListContract, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let Some(contract) = violations.required("contract", request.contract.as_ref()) else {
        return Err(violations.finish().unwrap_err());
    };
    let office = violations.check(
        "contract.office_organization_number",
        Organisasjonsnummer::parse(&contract.office_organization_number),
    );
    let kommune = violations.check("contract.kommune_number", Kommunenummer::parse(&contract.kommune_number));
    let ceiling = match u32::try_from(contract.ceiling) {
        Ok(ceiling) if contract.ceiling <= MAX_CEILING => Some(ceiling),
        _ => {
            violations.add("contract.ceiling", format!("must be between 0 and {MAX_CEILING}"));
            None
        }
    };
    let status = match pb::ListStatus::try_from(contract.status) {
        // Not set: OPEN, as the API says.
        Ok(pb::ListStatus::Open | pb::ListStatus::Unspecified) => Some(ListStatus::Open),
        Ok(pb::ListStatus::Closed) => Some(ListStatus::Closed),
        _ => {
            violations.add("contract.status", "is not a list status");
            None
        }
    };
    let valid_from = violations.required("contract.valid_from", contract.valid_from.as_ref());
    let valid_from = convert::date(&mut violations, "contract.valid_from", valid_from);
    // The API's last day is inclusive; the store keeps the first day after it.
    let valid_to = convert::date(&mut violations, "contract.valid_to", contract.valid_to.as_ref())
        .map(|last| last + chrono::Days::new(1));
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to <= from
    {
        violations.add("contract.valid_to", "must not be before valid_from");
    }
    violations.into_result(|| {
        Some(NewListContract {
            office_organization_number: office?,
            kommune_number: kommune?,
            ceiling: ceiling?,
            status: status?,
            shared_list: contract.shared_list,
            fixed_salary: contract.fixed_salary,
            valid_from: valid_from?,
            valid_to,
        })
    })
}

fn new_doctor_period(request: &pb::CreateDoctorPeriodRequest) -> Result<NewDoctorPeriod, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let Some(period) = violations.required("period", request.period.as_ref()) else {
        return Err(violations.finish().unwrap_err());
    };
    let contract_id = convert::resource_id(&mut violations, "period.contract_id", &period.contract_id);
    let hpr_number = violations.check("period.hpr_number", HprNumber::parse(&period.hpr_number));
    let relationship = match pb::DoctorRelationship::try_from(period.relationship) {
        Ok(pb::DoctorRelationship::Fastlege) => Some(DoctorRelationship::Fastlege),
        Ok(pb::DoctorRelationship::Vikar) => Some(DoctorRelationship::Vikar),
        Ok(pb::DoctorRelationship::Delelege) => Some(DoctorRelationship::Delelege),
        _ => {
            violations.add("period.relationship", "must be FASTLEGE, VIKAR or DELELEGE");
            None
        }
    };
    let substitute_for = if period.substitute_for_hpr_number.is_empty() {
        None
    } else {
        if relationship != Some(DoctorRelationship::Vikar) {
            violations.add("period.substitute_for_hpr_number", "only a vikar substitutes for someone");
        }
        violations
            .check("period.substitute_for_hpr_number", HprNumber::parse(&period.substitute_for_hpr_number))
    };
    let valid_from = violations.required("period.valid_from", period.valid_from.as_ref());
    let valid_from = convert::date(&mut violations, "period.valid_from", valid_from);
    // The API's last day is inclusive; the store keeps the first day after it.
    let valid_to = convert::date(&mut violations, "period.valid_to", period.valid_to.as_ref())
        .map(|last| last + chrono::Days::new(1));
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to <= from
    {
        violations.add("period.valid_to", "must not be before valid_from");
    }
    // Zero is proto3's "not set": a full-time period.
    let working_percentage = match period.working_percentage {
        0 => Some(100),
        1..=100 => u8::try_from(period.working_percentage).ok(),
        _ => {
            violations.add("period.working_percentage", "must be between 1 and 100");
            None
        }
    };
    let mut working_days = Vec::new();
    for (index, &day) in period.working_days.iter().enumerate() {
        match pb::DayOfWeek::try_from(day) {
            Ok(pb::DayOfWeek::Unspecified) | Err(_) => {
                violations.add(format!("period.working_days[{index}]"), "is not a day of the week (1 to 7)")
            }
            Ok(_) if working_days.contains(&day) => {
                violations.add(format!("period.working_days[{index}]"), "repeats a day given before")
            }
            Ok(_) => working_days.push(day),
        }
    }
    working_days.sort_unstable();
    violations.into_result(|| {
        Some(NewDoctorPeriod {
            working_days: working_days.iter().filter_map(|&day| u8::try_from(day).ok()).collect(),
            contract_id: contract_id?,
            hpr_number: hpr_number?,
            relationship: relationship?,
            substitute_for,
            valid_from: valid_from?,
            valid_to,
            working_percentage: working_percentage?,
        })
    })
}

fn new_resident(request: &pb::CreateResidentRequest) -> Result<NewResident, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let Some(resident) = violations.required("resident", request.resident.as_ref()) else {
        return Err(violations.finish().unwrap_err());
    };
    let person_id = violations.check("resident.person_id", PersonId::parse(&resident.person_id));
    let household_id = convert::text(&mut violations, "resident.household_id", &resident.household_id, 64);
    let kommune = violations.check("resident.kommune_number", Kommunenummer::parse(&resident.kommune_number));
    // Parents are not recorded yet (the household decides who may choose a child's GP): given
    // ones are refused rather than dropped.
    for index in 0..resident.parent_person_ids.len() {
        violations.add(
            format!("resident.parent_person_ids[{index}]"),
            "parents are not recorded yet; the household_id links a child to its parents",
        );
    }
    violations.into_result(|| {
        Some(NewResident { person_id: person_id?, household_id: household_id?, kommune_number: kommune? })
    })
}

fn enrolment(request: &pb::EnrolPatientRequest) -> Result<Enrolment, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let person_id = violations.check("person_id", PersonId::parse(&request.person_id));
    let contract_id = convert::resource_id(&mut violations, "contract_id", &request.contract_id);
    let effective_date = match &request.effective_date {
        Some(_) => convert::date(&mut violations, "effective_date", request.effective_date.as_ref()),
        None => Some(clock::today()),
    };
    let over_ceiling_reason = match pb::OverCeilingReason::try_from(request.over_ceiling_reason) {
        Ok(pb::OverCeilingReason::Unspecified | pb::OverCeilingReason::None) => None,
        Ok(pb::OverCeilingReason::ChildOfListPatient) => Some(OverCeilingReason::ChildOfListPatient),
        Ok(pb::OverCeilingReason::ReturnAfterMove) => Some(OverCeilingReason::ReturnAfterMove),
        Ok(pb::OverCeilingReason::KommuneDecision) => Some(OverCeilingReason::KommuneDecision),
        Err(_) => {
            violations.add("over_ceiling_reason", "is not a known reason");
            None
        }
    };
    violations.into_result(|| {
        Some(Enrolment {
            person_id: person_id?,
            contract_id: contract_id?,
            effective_date: effective_date?,
            over_ceiling_reason,
        })
    })
}

fn gp_message(gp: entity::gp::Model) -> pb::Gp {
    pb::Gp {
        hpr_number: gp.hpr_number,
        given_name: gp.given_name,
        family_name: gp.family_name,
        birth_date: Some(to_date(gp.birth_date)),
        general_practice_specialist: gp.general_practice_specialist,
        etag: convert::etag(gp.version),
        create_time: Some(to_timestamp(gp.created_at)),
        ..Default::default()
    }
}

fn office_message(office: entity::office::Model) -> pb::Office {
    pb::Office {
        organization_number: office.organization_number,
        name: office.name,
        kommune_number: office.kommune_number,
        etag: convert::etag(office.version),
        create_time: Some(to_timestamp(office.created_at)),
        ..Default::default()
    }
}

fn contract_message(view: ContractView) -> pb::ListContract {
    let free_places = view.free_places();
    let contract = view.contract;
    pb::ListContract {
        id: contract.id.to_string(),
        office_organization_number: contract.office_organization_number,
        kommune_number: contract.kommune_number,
        ceiling: contract.ceiling,
        status: match ListStatus::from_stored(&contract.status) {
            ListStatus::Open => pb::ListStatus::Open,
            ListStatus::Closed => pb::ListStatus::Closed,
        }
        .into(),
        shared_list: contract.shared_list,
        fixed_salary: contract.fixed_salary,
        valid_from: Some(to_date(contract.valid_from)),
        valid_to: contract.valid_to.map(last_day_message),
        patient_count: i32::try_from(view.patient_count).unwrap_or(i32::MAX),
        free_places: i32::try_from(free_places).unwrap_or(i32::MAX),
        has_permanent_gp: view.has_permanent_gp,
        etag: convert::etag(contract.version),
        create_time: Some(to_timestamp(contract.created_at)),
        update_time: Some(to_timestamp(contract.updated_at)),
        ..Default::default()
    }
}

fn relationship_message(relationship: DoctorRelationship) -> pb::DoctorRelationship {
    match relationship {
        DoctorRelationship::Fastlege => pb::DoctorRelationship::Fastlege,
        DoctorRelationship::Vikar => pb::DoctorRelationship::Vikar,
        DoctorRelationship::Delelege => pb::DoctorRelationship::Delelege,
    }
}

fn doctor_period_message(period: entity::doctor_period::Model) -> pb::DoctorPeriod {
    pb::DoctorPeriod {
        id: period.id.to_string(),
        contract_id: period.contract_id.to_string(),
        hpr_number: period.hpr_number,
        relationship: relationship_message(DoctorRelationship::from_stored(&period.relationship)).into(),
        substitute_for_hpr_number: period.substitute_for_hpr_number.unwrap_or_default(),
        valid_from: Some(to_date(period.valid_from)),
        valid_to: period.valid_to.map(last_day_message),
        working_percentage: period.working_percentage,
        working_days: period.working_days.split(',').filter_map(|day| day.parse().ok()).collect(),
        ..Default::default()
    }
}

fn resident_message(resident: entity::resident::Model) -> pb::Resident {
    let kind = match PersonId::parse(&resident.person_id).map(|id| id.kind()) {
        Ok(PersonIdKind::DNummer) => pb::PersonIdKind::DNummer,
        _ => pb::PersonIdKind::Fodselsnummer,
    };
    pb::Resident {
        person_id: resident.person_id,
        birth_date: Some(to_date(resident.birth_date)),
        household_id: resident.household_id,
        kommune_number: resident.kommune_number,
        create_time: Some(to_timestamp(resident.created_at)),
        person_id_kind: kind.into(),
        ..Default::default()
    }
}

fn membership_message(view: MembershipView) -> pb::ListMembership {
    let membership = view.membership;
    pb::ListMembership {
        id: membership.id.to_string(),
        contract_id: membership.contract_id.to_string(),
        person_id: view.person_id.expose_digits().to_owned(),
        valid_from: Some(to_date(membership.valid_from)),
        valid_to: membership.valid_to.map(last_day_message),
        begin_reason: pb::MembershipBeginReason::Enrolment.into(),
        over_ceiling_reason: match membership
            .over_ceiling_reason
            .as_deref()
            .and_then(OverCeilingReason::from_stored)
        {
            None => pb::OverCeilingReason::None,
            Some(OverCeilingReason::ChildOfListPatient) => pb::OverCeilingReason::ChildOfListPatient,
            Some(OverCeilingReason::ReturnAfterMove) => pb::OverCeilingReason::ReturnAfterMove,
            Some(OverCeilingReason::KommuneDecision) => pb::OverCeilingReason::KommuneDecision,
        }
        .into(),
        create_time: Some(to_timestamp(membership.created_at)),
        ..Default::default()
    }
}

fn patient_gp_message(answer: PatientGp) -> pb::GetPatientGpResponse {
    pb::GetPatientGpResponse {
        responsible_doctor: answer.responsible_doctor.map(|(doctor, relationship)| pb::ResponsibleDoctor {
            hpr_number: doctor.hpr_number,
            given_name: doctor.given_name,
            family_name: doctor.family_name,
            relationship: relationship_message(relationship).into(),
        }),
        contract: Some(contract_message(answer.contract)),
        membership: Some(membership_message(answer.membership)),
        office: Some(office_message(answer.office)),
    }
}

/// A stored end (the first day no longer valid) as the API's inclusive last day.
fn last_day_message(first_day_after: chrono::NaiveDate) -> pb::Date {
    to_date(first_day_after.pred_opt().unwrap_or(first_day_after))
}
