//! The patient-list slice end to end, on SQLite and PostgreSQL: create a GP, an office and a list
//! contract, enrol residents, ask who their GP is, page through the list — and every kind of bad
//! input and rule violation, checking that a refused request leaves nothing behind.

use allmenn_client::{Client, ClientError, proto as pb};
use allmenn_domain::identifiers::{Organisasjonsnummer, PersonId, PersonIdKind};
use allmenn_tests::{TestServer, on_both_databases};
use tonic::Code;

fn date(year: i32, month: i32, day: i32) -> pb::Date {
    pb::Date { year, month, day }
}

on_both_databases!(
    enrol_and_look_up_the_gp,
    list_patients_in_pages,
    bad_input_names_every_field,
    unknown_ids_are_not_found,
    duplicates_already_exist,
    a_full_list_refuses_and_leaves_nothing_behind,
    a_closed_list_refuses_unless_a_reason_applies,
    a_resident_cannot_be_on_two_lists,
    a_retried_request_returns_the_first_result,
    a_list_without_a_permanent_gp_answers_with_its_single_vikar,
    concurrent_enrolments_never_exceed_the_ceiling,
    capabilities_not_yet_built_answer_unimplemented,
    a_contracts_last_day_is_inclusive,
);

fn status(result: Result<impl Sized, tonic::Status>) -> ClientError {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(status) => ClientError::from(status),
    }
}

fn person(index: u16, year: i32) -> String {
    // Synthetic numbers from the domain's generator: valid, and not anyone's real number.
    let birth =
        chrono::NaiveDate::from_ymd_opt(year, 1 + u32::from(index % 12), 1 + u32::from(index % 28)).unwrap();
    let range = if year >= 2000 { 500..1000 } else { 0..500 };
    range
        .into_iter()
        .skip(usize::from(index))
        .find_map(|individual| PersonId::synthetic(birth, individual, PersonIdKind::Fodselsnummer))
        .expect("a valid synthetic number")
        .expose_digits()
        .to_owned()
}

fn organisation(seed: u32) -> String {
    (0..20)
        .find_map(|step| Organisasjonsnummer::synthetic(98_000_000 + seed * 100 + step))
        .unwrap()
        .as_str()
        .to_owned()
}

struct Fixture {
    client: Client,
    contract_id: String,
}

/// A GP, an office and an open list with `ceiling` places and a fastlege period.
async fn fixture(server: &TestServer, ceiling: i32, status: pb::ListStatus) -> Fixture {
    let mut client = server.client().await;
    let office = organisation(1);
    let gp = client
        .patient_lists
        .create_gp(pb::CreateGpRequest {
            request_id: String::new(),
            gp: Some(pb::Gp {
                hpr_number: "9100001".into(),
                given_name: "Ingrid".into(),
                family_name: "Berg".into(),
                birth_date: Some(date(1975, 4, 12)),
                general_practice_specialist: true,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(gp.hpr_number, "9100001");
    assert!(!gp.etag.is_empty());
    client
        .patient_lists
        .create_office(pb::CreateOfficeRequest {
            request_id: String::new(),
            office: Some(pb::Office {
                organization_number: office.clone(),
                name: "Torget legesenter".into(),
                kommune_number: "3901".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let contract = client
        .patient_lists
        .create_list_contract(pb::CreateListContractRequest {
            request_id: String::new(),
            contract: Some(pb::ListContract {
                office_organization_number: office,
                kommune_number: "3901".into(),
                ceiling,
                status: status.into(),
                valid_from: Some(date(2020, 1, 1)),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(contract.ceiling, ceiling);
    assert_eq!(contract.free_places, ceiling);
    assert!(!contract.has_permanent_gp);
    client
        .patient_lists
        .create_doctor_period(pb::CreateDoctorPeriodRequest {
            request_id: String::new(),
            period: Some(pb::DoctorPeriod {
                contract_id: contract.id.clone(),
                hpr_number: "9100001".into(),
                relationship: pb::DoctorRelationship::Fastlege.into(),
                valid_from: Some(date(2020, 1, 1)),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    Fixture { client, contract_id: contract.id }
}

async fn resident(client: &mut Client, person_id: &str, household: &str) {
    client
        .patient_lists
        .create_resident(pb::CreateResidentRequest {
            request_id: String::new(),
            resident: Some(pb::Resident {
                person_id: person_id.into(),
                household_id: household.into(),
                kommune_number: "3901".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
}

fn enrolment(person_id: &str, contract_id: &str) -> pb::EnrolPatientRequest {
    pb::EnrolPatientRequest {
        person_id: person_id.into(),
        contract_id: contract_id.into(),
        effective_date: Some(date(2026, 1, 1)),
        ..Default::default()
    }
}

async fn contract(client: &mut Client, contract_id: &str) -> pb::ListContract {
    client
        .patient_lists
        .get_list_contract(pb::GetListContractRequest { contract_id: contract_id.into() })
        .await
        .unwrap()
        .into_inner()
}

async fn enrol_and_look_up_the_gp(server: &TestServer) {
    let Fixture { mut client, contract_id } = fixture(server, 1000, pb::ListStatus::Open).await;
    let patient = person(1, 1980);
    resident(&mut client, &patient, "h1").await;
    let membership =
        client.patient_lists.enrol_patient(enrolment(&patient, &contract_id)).await.unwrap().into_inner();
    assert_eq!(membership.contract_id, contract_id);
    assert_eq!(membership.person_id, patient);
    assert_eq!(membership.valid_from, Some(date(2026, 1, 1)));

    let answer = client
        .patient_lists
        .get_patient_gp(pb::GetPatientGpRequest { person_id: patient.clone(), as_of: None })
        .await
        .unwrap()
        .into_inner();
    let doctor = answer.responsible_doctor.expect("a responsible doctor");
    assert_eq!(doctor.hpr_number, "9100001");
    assert_eq!(doctor.relationship, pb::DoctorRelationship::Fastlege as i32);
    let listed = answer.contract.expect("the contract");
    assert_eq!(listed.id, contract_id);
    assert!(listed.has_permanent_gp);
    assert_eq!(listed.patient_count, 1);
    assert_eq!(listed.free_places, 999);
    assert_eq!(answer.office.expect("the office").name, "Torget legesenter");

    // Before the effective date the resident had no GP.
    let before = status(
        client
            .patient_lists
            .get_patient_gp(pb::GetPatientGpRequest {
                person_id: patient,
                as_of: Some(prost_types::Timestamp { seconds: 1_735_689_600, nanos: 0 }), // 2025-01-01
            })
            .await,
    );
    assert_eq!(before.code(), Some(Code::NotFound));
    assert_eq!(before.reason(), Some("NO_LIST_ON_DATE"));
}

async fn list_patients_in_pages(server: &TestServer) {
    let Fixture { mut client, contract_id } = fixture(server, 1000, pb::ListStatus::Open).await;
    let mut expected = Vec::new();
    for index in 0..5 {
        let patient = person(index, 1970 + i32::from(index));
        resident(&mut client, &patient, &format!("h{index}")).await;
        client.patient_lists.enrol_patient(enrolment(&patient, &contract_id)).await.unwrap();
        expected.push(patient);
    }
    let mut seen = Vec::new();
    let mut page_token = String::new();
    let mut pages = 0;
    loop {
        let page = client
            .patient_lists
            .list_contract_patients(pb::ListContractPatientsRequest {
                contract_id: contract_id.clone(),
                as_of: Some(date(2026, 2, 1)),
                page_size: 2,
                page_token: page_token.clone(),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(page.total_size, 5);
        assert!(page.memberships.len() <= 2);
        seen.extend(page.memberships.into_iter().map(|membership| membership.person_id));
        pages += 1;
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected);

    // A page holding the last patients exactly is the last page: no token to an empty one.
    let request = |page_size: i32, as_of: pb::Date, page_token: String| pb::ListContractPatientsRequest {
        contract_id: contract_id.clone(),
        as_of: Some(as_of),
        page_size,
        page_token,
    };
    let whole = client
        .patient_lists
        .list_contract_patients(request(5, date(2026, 2, 1), String::new()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((whole.memberships.len(), whole.next_page_token.as_str()), (5, ""));
    // A token belongs to the request it was issued for: the same list on another date refuses it.
    let first = client
        .patient_lists
        .list_contract_patients(request(2, date(2026, 2, 1), String::new()))
        .await
        .unwrap()
        .into_inner();
    let foreign = status(
        client
            .patient_lists
            .list_contract_patients(request(2, date(2026, 3, 1), first.next_page_token))
            .await,
    );
    assert_eq!(foreign.code(), Some(Code::InvalidArgument));

    let bad_token = status(
        client
            .patient_lists
            .list_contract_patients(pb::ListContractPatientsRequest {
                contract_id,
                page_size: -1,
                page_token: "not-a-token".into(),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(bad_token.code(), Some(Code::InvalidArgument));
    let fields: Vec<_> =
        bad_token.field_violations().iter().map(|violation| violation.field.as_str()).collect();
    assert!(fields.contains(&"page_size") && fields.contains(&"page_token"), "{fields:?}");
}

async fn bad_input_names_every_field(server: &TestServer) {
    let mut client = server.client().await;
    let error = status(
        client
            .patient_lists
            .create_gp(pb::CreateGpRequest {
                request_id: String::new(),
                gp: Some(pb::Gp {
                    hpr_number: "0123".into(),
                    given_name: "  ".into(),
                    family_name: "Berg".into(),
                    birth_date: Some(date(1975, 2, 30)),
                    ..Default::default()
                }),
            })
            .await,
    );
    assert_eq!(error.code(), Some(Code::InvalidArgument));
    let mut fields: Vec<_> =
        error.field_violations().iter().map(|violation| violation.field.clone()).collect();
    fields.sort();
    assert_eq!(fields, ["gp.birth_date", "gp.given_name", "gp.hpr_number"]);

    // The classic example of a malformed personal number.
    let error = status(
        client
            .patient_lists
            .get_patient_gp(pb::GetPatientGpRequest { person_id: "12345678901".into(), as_of: None })
            .await,
    );
    assert_eq!(error.code(), Some(Code::InvalidArgument));
    assert_eq!(error.field_violations()[0].field, "person_id");
    // The message never echoes the number back.
    assert!(!error.to_string().contains("12345678901"));

    let error = status(client.patient_lists.create_office(pb::CreateOfficeRequest::default()).await);
    assert_eq!(error.code(), Some(Code::InvalidArgument));
    assert_eq!(error.field_violations()[0].field, "office");

    let error = status(
        client
            .patient_lists
            .create_list_contract(pb::CreateListContractRequest {
                request_id: "ok-id".into(),
                contract: Some(pb::ListContract {
                    office_organization_number: "123456789".into(),
                    kommune_number: "39a1".into(),
                    ceiling: -5,
                    valid_from: Some(date(2026, 1, 1)),
                    valid_to: Some(date(2025, 1, 1)),
                    ..Default::default()
                }),
            })
            .await,
    );
    let mut fields: Vec<_> =
        error.field_violations().iter().map(|violation| violation.field.clone()).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "contract.ceiling",
            "contract.kommune_number",
            "contract.office_organization_number",
            "contract.valid_to"
        ]
    );
}

async fn unknown_ids_are_not_found(server: &TestServer) {
    let Fixture { mut client, contract_id } = fixture(server, 10, pb::ListStatus::Open).await;
    let error = status(
        client
            .patient_lists
            .get_list_contract(pb::GetListContractRequest { contract_id: uuid::Uuid::now_v7().to_string() })
            .await,
    );
    assert_eq!(error.code(), Some(Code::NotFound));
    assert_eq!(error.reason(), Some("LIST_CONTRACT_NOT_FOUND"));

    let error = status(client.patient_lists.enrol_patient(enrolment(&person(3, 1990), &contract_id)).await);
    assert_eq!(error.code(), Some(Code::NotFound));
    assert_eq!(error.reason(), Some("RESIDENT_NOT_FOUND"));
    // The look-up answers an unregistered number as it answers a resident on no list: it does not
    // tell whether a personal number is registered.
    let error = status(
        client
            .patient_lists
            .get_patient_gp(pb::GetPatientGpRequest { person_id: person(3, 1990), as_of: None })
            .await,
    );
    assert_eq!((error.code(), error.reason()), (Some(Code::NotFound), Some("NO_LIST_ON_DATE")));
    // An instant beyond the years a timestamp may have is refused, not a panic.
    let error = status(
        client
            .patient_lists
            .get_patient_gp(pb::GetPatientGpRequest {
                person_id: person(3, 1990),
                as_of: Some(prost_types::Timestamp { seconds: 8_210_266_876_799, nanos: 0 }),
            })
            .await,
    );
    assert_eq!(error.code(), Some(Code::InvalidArgument));

    let error = status(client.patient_lists.get_gp(pb::GetGpRequest { hpr_number: "9999999".into() }).await);
    assert_eq!(error.code(), Some(Code::NotFound));
}

async fn duplicates_already_exist(server: &TestServer) {
    let Fixture { mut client, .. } = fixture(server, 10, pb::ListStatus::Open).await;
    let error = status(
        client
            .patient_lists
            .create_gp(pb::CreateGpRequest {
                request_id: String::new(),
                gp: Some(pb::Gp {
                    hpr_number: "9100001".into(),
                    given_name: "Other".into(),
                    family_name: "Doctor".into(),
                    birth_date: Some(date(1980, 1, 1)),
                    ..Default::default()
                }),
            })
            .await,
    );
    assert_eq!(error.code(), Some(Code::AlreadyExists));
    assert_eq!(error.reason(), Some("GP_ALREADY_EXISTS"));
    let patient = person(4, 1985);
    resident(&mut client, &patient, "h").await;
    let error = status(
        client
            .patient_lists
            .create_resident(pb::CreateResidentRequest {
                request_id: String::new(),
                resident: Some(pb::Resident {
                    person_id: patient,
                    household_id: "h2".into(),
                    kommune_number: "3901".into(),
                    ..Default::default()
                }),
            })
            .await,
    );
    assert_eq!(error.code(), Some(Code::AlreadyExists));
    // The unique-violation text of the database (which holds the number) is not forwarded.
    assert!(!error.to_string().contains("duplicate key"));
}

async fn a_full_list_refuses_and_leaves_nothing_behind(server: &TestServer) {
    let Fixture { mut client, contract_id } = fixture(server, 1, pb::ListStatus::Open).await;
    let first = person(5, 1960);
    let second = person(6, 1961);
    resident(&mut client, &first, "h5").await;
    resident(&mut client, &second, "h6").await;
    client.patient_lists.enrol_patient(enrolment(&first, &contract_id)).await.unwrap();
    let error = status(client.patient_lists.enrol_patient(enrolment(&second, &contract_id)).await);
    assert_eq!(error.code(), Some(Code::FailedPrecondition));
    assert_eq!(error.reason(), Some("LIST_FULL"));
    let after = contract(&mut client, &contract_id).await;
    assert_eq!(after.patient_count, 1);
    assert_eq!(after.free_places, 0);
    let error = status(
        client
            .patient_lists
            .get_patient_gp(pb::GetPatientGpRequest {
                person_id: second,
                as_of: Some(prost_types::Timestamp { seconds: 1_800_000_000, nanos: 0 }),
            })
            .await,
    );
    assert_eq!(error.code(), Some(Code::NotFound), "the refused enrolment left no membership");

    // A child under 16 in the household of a patient on the list may join it beyond the ceiling.
    let child = person(7, 2015);
    resident(&mut client, &child, "h5").await;
    let mut request = enrolment(&child, &contract_id);
    request.over_ceiling_reason = pb::OverCeilingReason::ChildOfListPatient.into();
    let membership = client.patient_lists.enrol_patient(request).await.unwrap().into_inner();
    assert_eq!(membership.over_ceiling_reason, pb::OverCeilingReason::ChildOfListPatient as i32);
    // The same reason for a child of another household is refused.
    let stranger = person(8, 2016);
    resident(&mut client, &stranger, "h-other").await;
    let mut request = enrolment(&stranger, &contract_id);
    request.over_ceiling_reason = pb::OverCeilingReason::ChildOfListPatient.into();
    let error = status(client.patient_lists.enrol_patient(request).await);
    assert_eq!(error.reason(), Some("OVER_CEILING_REASON_DOES_NOT_APPLY"));
}

async fn a_closed_list_refuses_unless_a_reason_applies(server: &TestServer) {
    let Fixture { mut client, contract_id } = fixture(server, 100, pb::ListStatus::Closed).await;
    let patient = person(9, 1990);
    resident(&mut client, &patient, "h9").await;
    let error = status(client.patient_lists.enrol_patient(enrolment(&patient, &contract_id)).await);
    assert_eq!(error.code(), Some(Code::FailedPrecondition));
    assert_eq!(error.reason(), Some("LIST_CLOSED"));
    let mut request = enrolment(&patient, &contract_id);
    request.over_ceiling_reason = pb::OverCeilingReason::KommuneDecision.into();
    client.patient_lists.enrol_patient(request).await.unwrap();
    assert_eq!(contract(&mut client, &contract_id).await.patient_count, 1);
}

async fn a_resident_cannot_be_on_two_lists(server: &TestServer) {
    let Fixture { mut client, contract_id } = fixture(server, 100, pb::ListStatus::Open).await;
    let patient = person(10, 1991);
    resident(&mut client, &patient, "h10").await;
    client.patient_lists.enrol_patient(enrolment(&patient, &contract_id)).await.unwrap();
    let error = status(client.patient_lists.enrol_patient(enrolment(&patient, &contract_id)).await);
    assert_eq!(error.code(), Some(Code::FailedPrecondition));
    assert_eq!(error.reason(), Some("ALREADY_ON_LIST"));
    assert_eq!(contract(&mut client, &contract_id).await.patient_count, 1);
}

async fn a_retried_request_returns_the_first_result(server: &TestServer) {
    let Fixture { mut client, contract_id } = fixture(server, 100, pb::ListStatus::Open).await;
    let patient = person(11, 1992);
    resident(&mut client, &patient, "h11").await;
    let mut request = enrolment(&patient, &contract_id);
    request.request_id = "3f0c1a52-5b7e-4b0e-9a55-0d7f3c1e2a10".into();
    let first = client.patient_lists.enrol_patient(request.clone()).await.unwrap().into_inner();
    let retry = client.patient_lists.enrol_patient(request.clone()).await.unwrap().into_inner();
    assert_eq!(first, retry);
    assert_eq!(contract(&mut client, &contract_id).await.patient_count, 1);

    // A request sent twice at once (a hedged call): the copy that waited on the first's locks
    // answers as the first did, not ALREADY_ON_LIST for its own enrolment.
    for round in 0..6u16 {
        let patient = person(40 + round, 1993);
        resident(&mut client, &patient, &format!("h{}", 40 + round)).await;
        let mut request = enrolment(&patient, &contract_id);
        request.request_id = uuid::Uuid::now_v7().to_string();
        let (mut one, mut other) = (client.clone(), client.clone());
        let (a, b) = tokio::join!(
            one.patient_lists.enrol_patient(request.clone()),
            other.patient_lists.enrol_patient(request.clone()),
        );
        assert_eq!(a.unwrap().into_inner(), b.unwrap().into_inner(), "round {round}");
    }
    assert_eq!(contract(&mut client, &contract_id).await.patient_count, 7);

    // The same id with a different request is refused rather than silently answered.
    request.effective_date = Some(date(2026, 2, 1));
    let error = status(client.patient_lists.enrol_patient(request).await);
    assert_eq!(error.code(), Some(Code::InvalidArgument));
    assert_eq!(error.reason(), Some("REQUEST_ID_REUSED"));
}

async fn a_list_without_a_permanent_gp_answers_with_its_single_vikar(server: &TestServer) {
    let Fixture { mut client, contract_id } = fixture(server, 100, pb::ListStatus::Open).await;
    client
        .patient_lists
        .create_gp(pb::CreateGpRequest {
            request_id: String::new(),
            gp: Some(pb::Gp {
                hpr_number: "9100002".into(),
                given_name: "Knut".into(),
                family_name: "Haugen".into(),
                birth_date: Some(date(1988, 9, 1)),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let vacant = client
        .patient_lists
        .create_list_contract(pb::CreateListContractRequest {
            request_id: String::new(),
            contract: Some(pb::ListContract {
                office_organization_number: organisation(1),
                kommune_number: "3901".into(),
                ceiling: 900,
                status: pb::ListStatus::Open.into(),
                valid_from: Some(date(2020, 1, 1)),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    client
        .patient_lists
        .create_doctor_period(pb::CreateDoctorPeriodRequest {
            request_id: String::new(),
            period: Some(pb::DoctorPeriod {
                contract_id: vacant.id.clone(),
                hpr_number: "9100002".into(),
                relationship: pb::DoctorRelationship::Vikar.into(),
                valid_from: Some(date(2024, 1, 1)),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    // A second fastlege period overlapping the first on the fixture's (unshared) list is refused.
    let error = status(
        client
            .patient_lists
            .create_doctor_period(pb::CreateDoctorPeriodRequest {
                request_id: String::new(),
                period: Some(pb::DoctorPeriod {
                    contract_id,
                    hpr_number: "9100002".into(),
                    relationship: pb::DoctorRelationship::Fastlege.into(),
                    valid_from: Some(date(2025, 1, 1)),
                    ..Default::default()
                }),
            })
            .await,
    );
    assert_eq!(error.reason(), Some("FASTLEGE_PERIOD_OVERLAPS"));
    let patient = person(12, 1993);
    resident(&mut client, &patient, "h12").await;
    client.patient_lists.enrol_patient(enrolment(&patient, &vacant.id)).await.unwrap();
    let answer = client
        .patient_lists
        .get_patient_gp(pb::GetPatientGpRequest { person_id: patient, as_of: None })
        .await
        .unwrap()
        .into_inner();
    assert!(!answer.contract.unwrap().has_permanent_gp);
    let doctor = answer.responsible_doctor.expect("the single vikar is responsible");
    assert_eq!(doctor.hpr_number, "9100002");
    assert_eq!(doctor.relationship, pb::DoctorRelationship::Vikar as i32);
}

async fn concurrent_enrolments_never_exceed_the_ceiling(server: &TestServer) {
    const CEILING: i32 = 10;
    const ATTEMPTS: u16 = 40;
    let Fixture { mut client, contract_id } = fixture(server, CEILING, pb::ListStatus::Open).await;
    let people: Vec<String> =
        (0..ATTEMPTS).map(|index| person(100 + index, 1950 + i32::from(index))).collect();
    for (index, patient) in people.iter().enumerate() {
        resident(&mut client, patient, &format!("c{index}")).await;
    }
    let attempts = people.iter().map(|patient| {
        let mut client = client.clone();
        let request = enrolment(patient, &contract_id);
        tokio::spawn(async move { client.patient_lists.enrol_patient(request).await })
    });
    let results = futures::future::join_all(attempts).await;
    let mut succeeded = 0;
    for result in results {
        match result.expect("task") {
            Ok(_) => succeeded += 1,
            Err(status) => {
                let error = ClientError::from(status);
                assert_eq!(error.reason(), Some("LIST_FULL"), "{error}");
            }
        }
    }
    assert_eq!(succeeded, CEILING);
    assert_eq!(contract(&mut client, &contract_id).await.patient_count, CEILING);
}

/// Two replicas on one PostgreSQL database: 200 concurrent enrolments into a list with 50 free
/// places, spread over both servers. Exactly 50 succeed and nobody lands on two lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_one_ceiling_on_postgres() {
    const CEILING: i32 = 50;
    const ATTEMPTS: u16 = 200;
    let Some(first) = TestServer::postgres().await else { return };
    let second = first.replica().await;
    let Fixture { mut client, contract_id } = fixture(&first, CEILING, pb::ListStatus::Open).await;
    let other = second.client().await;
    let people: Vec<String> =
        (0..ATTEMPTS).map(|index| person(200 + index % 300, 1930 + i32::from(index % 69))).collect();
    let mut unique = people.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), people.len(), "synthetic people are distinct");
    for (index, patient) in people.iter().enumerate() {
        resident(&mut client, patient, &format!("r{index}")).await;
    }
    let attempts = people.iter().enumerate().map(|(index, patient)| {
        let mut client = if index % 2 == 0 { client.clone() } else { other.clone() };
        let request = enrolment(patient, &contract_id);
        tokio::spawn(async move { client.patient_lists.enrol_patient(request).await })
    });
    let results = futures::future::join_all(attempts).await;
    let succeeded = results.into_iter().filter(|result| result.as_ref().expect("task").is_ok()).count();
    assert_eq!(succeeded, usize::try_from(CEILING).unwrap());
    assert_eq!(contract(&mut client, &contract_id).await.patient_count, CEILING);
    second.stop().await;
    first.stop().await;
}

/// Methods of capabilities that have not landed answer UNIMPLEMENTED, never made-up data.
async fn capabilities_not_yet_built_answer_unimplemented(server: &TestServer) {
    let mut client = server.client().await;
    let teams = client.team_rosters.list_teams(pb::ListTeamsRequest::default()).await;
    assert_eq!(teams.expect_err("not built yet").code(), Code::Unimplemented);
    let change = client.patient_lists.change_gp(pb::ChangeGpRequest::default()).await;
    assert_eq!(change.expect_err("not built yet").code(), Code::Unimplemented);
}

/// `valid_to` is the last day, inclusive, as the API says: a patient may join on a contract's last
/// day but not the day after, a fastlege's period may be a single day, and the last day reads back
/// as given. A contract created without a status is open.
async fn a_contracts_last_day_is_inclusive(server: &TestServer) {
    let Fixture { mut client, .. } = fixture(server, 10, pb::ListStatus::Open).await;
    let ending = client
        .patient_lists
        .create_list_contract(pb::CreateListContractRequest {
            request_id: String::new(),
            contract: Some(pb::ListContract {
                office_organization_number: organisation(1),
                kommune_number: "3901".into(),
                ceiling: 10,
                valid_from: Some(date(2027, 1, 1)),
                valid_to: Some(date(2027, 12, 31)),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ending.valid_to, Some(date(2027, 12, 31)));
    assert_eq!(ending.status, pb::ListStatus::Open as i32);
    let one_day = client
        .patient_lists
        .create_doctor_period(pb::CreateDoctorPeriodRequest {
            request_id: String::new(),
            period: Some(pb::DoctorPeriod {
                contract_id: ending.id.clone(),
                hpr_number: "9100001".into(),
                relationship: pb::DoctorRelationship::Fastlege.into(),
                valid_from: Some(date(2027, 12, 31)),
                valid_to: Some(date(2027, 12, 31)),
                working_days: vec![pb::DayOfWeek::Friday.into(), pb::DayOfWeek::Monday.into()],
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(one_day.valid_to, Some(date(2027, 12, 31)));
    assert_eq!(
        one_day.working_days,
        vec![i32::from(pb::DayOfWeek::Monday), i32::from(pb::DayOfWeek::Friday)],
        "the weekdays are kept, in order"
    );
    let bad_days = status(
        client
            .patient_lists
            .create_doctor_period(pb::CreateDoctorPeriodRequest {
                request_id: String::new(),
                period: Some(pb::DoctorPeriod {
                    contract_id: ending.id.clone(),
                    hpr_number: "9100001".into(),
                    relationship: pb::DoctorRelationship::Vikar.into(),
                    valid_from: Some(date(2027, 6, 1)),
                    working_days: vec![99, 1, 1],
                    ..Default::default()
                }),
            })
            .await,
    );
    let fields: Vec<_> =
        bad_days.field_violations().iter().map(|violation| violation.field.clone()).collect();
    assert_eq!(fields, ["period.working_days[0]", "period.working_days[2]"]);
    // Parents are not recorded: given ones are refused, not dropped.
    let with_parents = status(
        client
            .patient_lists
            .create_resident(pb::CreateResidentRequest {
                request_id: String::new(),
                resident: Some(pb::Resident {
                    person_id: person(62, 2015),
                    household_id: "h62".into(),
                    kommune_number: "3901".into(),
                    parent_person_ids: vec![person(63, 1985)],
                    ..Default::default()
                }),
            })
            .await,
    );
    assert_eq!(with_parents.code(), Some(Code::InvalidArgument));

    let (last_day, day_after) = (person(60, 1985), person(61, 1985));
    resident(&mut client, &last_day, "h60").await;
    resident(&mut client, &day_after, "h61").await;
    let mut request = enrolment(&last_day, &ending.id);
    request.effective_date = Some(date(2027, 12, 31));
    client.patient_lists.enrol_patient(request).await.expect("the last day is inside the contract");
    let mut request = enrolment(&day_after, &ending.id);
    request.effective_date = Some(date(2028, 1, 1));
    let refused = status(client.patient_lists.enrol_patient(request).await);
    assert_eq!(refused.reason(), Some("CONTRACT_NOT_VALID"));
}
