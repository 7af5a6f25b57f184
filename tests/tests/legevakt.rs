//! Legevakt planning end to end, on SQLite and PostgreSQL: a district with shift types and staff,
//! exemptions and unavailability, a plan with cover and requests, solving with progress, explaining,
//! editing, publishing, swaps and exports — and the bad input each step must refuse.

use allmenn_client::{Client, ClientError, proto as pb};
use allmenn_tests::{TestServer, on_both_databases};
use tonic::Code;

on_both_databases!(district_staff_and_shift_types, bad_input_is_refused_with_field_violations);

fn date(year: i32, month: i32, day: i32) -> pb::Date {
    pb::Date { year, month, day }
}

fn error(result: Result<impl Sized, tonic::Status>) -> ClientError {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(status) => ClientError::from(status),
    }
}

fn fields(error: &ClientError) -> Vec<String> {
    let mut fields: Vec<String> =
        error.field_violations().iter().map(|violation| violation.field.clone()).collect();
    fields.sort();
    fields
}

/// A district with D (08–16), K (16–23), N (23–08, on site), BV (bakvakt 16–08 on call) and a nurse
/// shift, and a default weekly template.
pub(crate) async fn district(client: &mut Client) -> pb::LegevaktDistrict {
    let mut template = pb::WeeklyCoverTemplate::default();
    for day in 1..=7 {
        for (code, count) in [("D", 1), ("K", 1), ("N", 1), ("BV", 0), ("SK", 1)] {
            template.rows.push(pb::CoverTemplateRow {
                day_of_week: day,
                shift_type_code: code.into(),
                min_count: count,
                preferred_count: count.max(if code == "BV" { 0 } else { 1 }),
            });
        }
    }
    let district = client
        .legevakt
        .create_legevakt_district(pb::CreateLegevaktDistrictRequest {
            request_id: String::new(),
            district: Some(pb::LegevaktDistrict {
                name: "Fjordbyen legevakt".into(),
                host_kommune_number: "3901".into(),
                participant_kommune_numbers: vec!["3903".into()],
                default_cover_template: Some(template),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    let district_id = district.id.clone();
    for (code, name, hours, length, category, mode, role) in [
        ("D", "Dagvakt", 8, 480, pb::ShiftCategory::Day, pb::ShiftMode::OnSite, pb::ShiftRole::Doctor),
        (
            "K",
            "Kveldsvakt",
            16,
            420,
            pb::ShiftCategory::Evening,
            pb::ShiftMode::OnSite,
            pb::ShiftRole::Doctor,
        ),
        ("N", "Nattevakt", 23, 540, pb::ShiftCategory::Night, pb::ShiftMode::OnSite, pb::ShiftRole::Doctor),
        ("BV", "Bakvakt", 16, 960, pb::ShiftCategory::Evening, pb::ShiftMode::OnCall, pb::ShiftRole::Bakvakt),
        (
            "SK",
            "Sykepleier kveld",
            16,
            420,
            pb::ShiftCategory::Evening,
            pb::ShiftMode::OnSite,
            pb::ShiftRole::Nurse,
        ),
    ] {
        client
            .legevakt
            .create_shift_type(pb::CreateShiftTypeRequest {
                request_id: String::new(),
                shift_type: Some(pb::ShiftType {
                    district_id: district_id.clone(),
                    code: code.into(),
                    name: name.into(),
                    start_time: Some(pb::LocalTime { hours, minutes: 0 }),
                    length_minutes: length,
                    category: category.into(),
                    mode: mode.into(),
                    role: role.into(),
                    ..Default::default()
                }),
            })
            .await
            .unwrap();
    }
    district
}

/// A qualified doctor (specialist with both courses), unless `qualified` is false (a young doctor
/// who needs a bakvakt).
pub(crate) fn doctor(
    district_id: &str,
    hpr: &str,
    family_name: &str,
    birth_year: i32,
    qualified: bool,
) -> pb::StaffMember {
    pb::StaffMember {
        district_id: district_id.into(),
        hpr_number: hpr.into(),
        given_name: "Lege".into(),
        family_name: family_name.into(),
        profession: pb::StaffProfession::Doctor.into(),
        birth_date: Some(date(birth_year, 6, 15)),
        competence: Some(pb::CompetenceFacts {
            general_practice_specialist: qualified,
            clinical_service_months: if qualified { 120 } else { 14 },
            acute_medicine_course_date: Some(date(2022, 3, 1)),
            violence_course_date: qualified.then(|| date(2022, 4, 1)),
            ..Default::default()
        }),
        valid_from: Some(date(2024, 1, 1)),
        ..Default::default()
    }
}

async fn district_staff_and_shift_types(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    assert_eq!(district.time_zone, "Europe/Oslo");
    // Defaults are filled in and stored.
    let rules = district.default_rules.clone().unwrap();
    assert_eq!(rules.min_rest_hours_on_site, Some(8));
    assert_eq!(rules.forbidden_successions.len(), 1);
    assert_eq!(district.competence_rule.unwrap().min_clinical_service_months, Some(30));
    assert_eq!(district.exemption_age_years, Some(60));

    let shift_types = client
        .legevakt
        .list_shift_types(pb::ListShiftTypesRequest {
            district_id: district.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .shift_types;
    let codes: Vec<_> = shift_types.iter().map(|shift| shift.code.as_str()).collect();
    assert_eq!(codes, ["D", "BV", "K", "SK", "N"], "ordered by start time, then code");

    let qualified = client
        .legevakt
        .create_staff_member(pb::CreateStaffMemberRequest {
            request_id: String::new(),
            staff_member: Some(doctor(&district.id, "9200001", "Aas", 1975, true)),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(qualified.may_work_alone);
    assert!(qualified.unmet_requirements.is_empty());
    let young = client
        .legevakt
        .create_staff_member(pb::CreateStaffMemberRequest {
            request_id: String::new(),
            staff_member: Some(doctor(&district.id, "9200002", "Bø", 1996, false)),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!young.may_work_alone, "a doctor with 14 months and one course needs a bakvakt");
    assert!(young.unmet_requirements.contains(&(pb::CompetenceRequirement::BasicQualification as i32)));
    assert!(young.unmet_requirements.contains(&(pb::CompetenceRequirement::ViolenceCourse as i32)));
    let senior = client
        .legevakt
        .create_staff_member(pb::CreateStaffMemberRequest {
            request_id: String::new(),
            staff_member: Some(doctor(&district.id, "9200003", "Dahl", 1962, true)),
        })
        .await
        .unwrap()
        .into_inner();
    // The same HPR number twice in one district is a duplicate.
    let duplicate = error(
        client
            .legevakt
            .create_staff_member(pb::CreateStaffMemberRequest {
                request_id: String::new(),
                staff_member: Some(doctor(&district.id, "9200003", "Dahl", 1962, true)),
            })
            .await,
    );
    assert_eq!(duplicate.code(), Some(Code::AlreadyExists));

    // The senior doctor is 60 or over in 2026: a derived age exemption appears.
    let exemptions = client
        .legevakt
        .list_exemptions(pb::ListExemptionsRequest {
            district_id: district.id.clone(),
            as_of: Some(date(2026, 11, 1)),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .exemptions;
    assert_eq!(exemptions.len(), 1);
    assert!(exemptions[0].derived);
    assert_eq!(exemptions[0].staff_member_id, senior.id);
    assert_eq!(exemptions[0].reason, pb::ExemptionReason::Age as i32);

    // A recorded partial exemption: no nights.
    let no_nights = client
        .legevakt
        .create_exemption(pb::CreateExemptionRequest {
            request_id: String::new(),
            exemption: Some(pb::Exemption {
                staff_member_id: young.id.clone(),
                reason: pb::ExemptionReason::Pregnancy.into(),
                exempt_categories: vec![pb::ShiftCategory::Night.into()],
                valid_from: Some(date(2026, 1, 1)),
                valid_to: Some(date(2026, 12, 31)),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(no_nights.exempt_categories, [pb::ShiftCategory::Night as i32]);

    let holidays = client
        .legevakt
        .list_public_holidays(pb::ListPublicHolidaysRequest { year: 2026 })
        .await
        .unwrap()
        .into_inner()
        .holidays;
    assert_eq!(holidays.len(), 12);
    let easter = holidays.iter().find(|holiday| holiday.name == "1. påskedag").unwrap();
    assert_eq!(easter.date, Some(date(2026, 4, 5)));
    assert!(easter.easter_based);

    let staff = client
        .legevakt
        .list_staff_members(pb::ListStaffMembersRequest {
            district_id: district.id.clone(),
            page_size: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(staff.staff_members.len(), 2);
    assert!(!staff.next_page_token.is_empty());
    let rest = client
        .legevakt
        .list_staff_members(pb::ListStaffMembersRequest {
            district_id: district.id.clone(),
            page_size: 2,
            page_token: staff.next_page_token,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rest.staff_members.len(), 1);
    assert!(rest.next_page_token.is_empty());
}

async fn bad_input_is_refused_with_field_violations(server: &TestServer) {
    let mut client = server.client().await;
    let bad_district = error(
        client
            .legevakt
            .create_legevakt_district(pb::CreateLegevaktDistrictRequest {
                request_id: String::new(),
                district: Some(pb::LegevaktDistrict {
                    name: String::new(),
                    host_kommune_number: "39".into(),
                    participant_kommune_numbers: vec!["3901".into(), "3901".into()],
                    default_cover_template: Some(pb::WeeklyCoverTemplate {
                        rows: vec![pb::CoverTemplateRow {
                            day_of_week: 1,
                            shift_type_code: "D".into(),
                            min_count: 3,
                            preferred_count: 1,
                        }],
                        holiday_rows: Vec::new(),
                    }),
                    ..Default::default()
                }),
            })
            .await,
    );
    assert_eq!(bad_district.code(), Some(Code::InvalidArgument));
    assert_eq!(
        fields(&bad_district),
        [
            "district.default_cover_template.rows[0].preferred_count",
            "district.host_kommune_number",
            "district.name",
            "district.participant_kommune_numbers[1]",
        ]
    );

    let district = district(&mut client).await;
    let bad_shift = error(
        client
            .legevakt
            .create_shift_type(pb::CreateShiftTypeRequest {
                request_id: String::new(),
                shift_type: Some(pb::ShiftType {
                    district_id: district.id.clone(),
                    code: "way too long".into(),
                    name: "x".into(),
                    start_time: Some(pb::LocalTime { hours: 25, minutes: 0 }),
                    length_minutes: 0,
                    color: "red".into(),
                    ..Default::default()
                }),
            })
            .await,
    );
    assert_eq!(
        fields(&bad_shift),
        [
            "shift_type.category",
            "shift_type.code",
            "shift_type.color",
            "shift_type.length_minutes",
            "shift_type.mode",
            "shift_type.role",
            "shift_type.start_time",
        ]
    );
    let duplicate_code = error(
        client
            .legevakt
            .create_shift_type(pb::CreateShiftTypeRequest {
                request_id: String::new(),
                shift_type: Some(pb::ShiftType {
                    district_id: district.id.clone(),
                    code: "D".into(),
                    name: "Dagvakt".into(),
                    start_time: Some(pb::LocalTime { hours: 8, minutes: 0 }),
                    length_minutes: 480,
                    category: pb::ShiftCategory::Day.into(),
                    mode: pb::ShiftMode::OnSite.into(),
                    role: pb::ShiftRole::Doctor.into(),
                    ..Default::default()
                }),
            })
            .await,
    );
    assert_eq!(duplicate_code.code(), Some(Code::AlreadyExists));

    let unknown = error(
        client
            .legevakt
            .get_legevakt_district(pb::GetLegevaktDistrictRequest {
                district_id: uuid::Uuid::now_v7().to_string(),
            })
            .await,
    );
    assert_eq!(unknown.code(), Some(Code::NotFound));

    let bad_doctor = error(
        client
            .legevakt
            .create_staff_member(pb::CreateStaffMemberRequest {
                request_id: String::new(),
                staff_member: Some(pb::StaffMember {
                    district_id: district.id.clone(),
                    hpr_number: "abc".into(),
                    given_name: "A".into(),
                    family_name: "B".into(),
                    profession: pb::StaffProfession::Doctor.into(),
                    participation_percentage: Some(150),
                    ..Default::default()
                }),
            })
            .await,
    );
    assert_eq!(
        fields(&bad_doctor),
        ["staff_member.birth_date", "staff_member.hpr_number", "staff_member.participation_percentage"]
    );

    let bad_year =
        error(client.legevakt.list_public_holidays(pb::ListPublicHolidaysRequest { year: 1066 }).await);
    assert_eq!(fields(&bad_year), ["year"]);
}
