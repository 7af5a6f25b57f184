//! Legevakt planning end to end, on SQLite and PostgreSQL: a district with shift types and staff,
//! exemptions and unavailability, a plan with cover and requests, solving with progress, explaining,
//! editing, publishing, swaps and exports — and the bad input each step must refuse.

use allmenn_client::{Client, ClientError, proto as pb};
use allmenn_tests::{TestServer, on_both_databases};
use tonic::Code;

#[path = "legevakt/swaps.rs"]
mod swaps;

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
        let shift = pb::ShiftType {
            district_id: district_id.clone(),
            code: code.into(),
            name: name.into(),
            start_time: Some(pb::LocalTime { hours, minutes: 0 }),
            length_minutes: length,
            category: category.into(),
            mode: mode.into(),
            role: role.into(),
            ..Default::default()
        };
        create_shift_type(client, shift).await;
    }
    district
}

/// Creates a shift type.
async fn create_shift_type(client: &mut Client, shift: pb::ShiftType) {
    client
        .legevakt
        .create_shift_type(pb::CreateShiftTypeRequest { request_id: String::new(), shift_type: Some(shift) })
        .await
        .unwrap();
}

/// Adds a staff member and returns it as stored.
async fn add_staff(client: &mut Client, member: pb::StaffMember) -> pb::StaffMember {
    client
        .legevakt
        .create_staff_member(pb::CreateStaffMemberRequest {
            request_id: String::new(),
            staff_member: Some(member),
        })
        .await
        .unwrap()
        .into_inner()
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

    let qualified = add_staff(&mut client, doctor(&district.id, "9200001", "Aas", 1975, true)).await;
    assert!(qualified.may_work_alone);
    assert!(qualified.unmet_requirements.is_empty());
    let young = add_staff(&mut client, doctor(&district.id, "9200002", "Bø", 1996, false)).await;
    assert!(!young.may_work_alone, "a doctor with 14 months and one course needs a bakvakt");
    assert!(young.unmet_requirements.contains(&(pb::CompetenceRequirement::BasicQualification as i32)));
    assert!(young.unmet_requirements.contains(&(pb::CompetenceRequirement::ViolenceCourse as i32)));
    let senior = add_staff(&mut client, doctor(&district.id, "9200003", "Dahl", 1962, true)).await;
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
    // It follows the birth date alone: it can be neither deleted nor changed.
    let derived = error(
        client
            .legevakt
            .delete_exemption(pb::DeleteExemptionRequest {
                exemption_id: exemptions[0].id.clone(),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(
        (derived.code(), derived.reason()),
        (Some(Code::FailedPrecondition), Some("EXEMPTION_DERIVED"))
    );
    let derived = error(
        client
            .legevakt
            .update_exemption(pb::UpdateExemptionRequest {
                exemption: Some(pb::Exemption { note: "no".into(), ..exemptions[0].clone() }),
                update_mask: Some(prost_types::FieldMask { paths: vec!["note".into()] }),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(
        (derived.code(), derived.reason()),
        (Some(Code::FailedPrecondition), Some("EXEMPTION_DERIVED"))
    );
    // The exemption is the doctor's right, not a ban: one who keeps taking shifts waives it, and it
    // is gone; taking the waiver back restores it.
    let age_exemptions = |client: &mut Client| {
        let request = pb::ListExemptionsRequest {
            district_id: district.id.clone(),
            as_of: Some(date(2026, 11, 1)),
            ..Default::default()
        };
        let mut client = client.clone();
        async move { client.legevakt.list_exemptions(request).await.unwrap().into_inner().exemptions.len() }
    };
    let mut etag = senior.etag.clone();
    for waives in [true, false] {
        let updated = client
            .legevakt
            .update_staff_member(pb::UpdateStaffMemberRequest {
                staff_member: Some(pb::StaffMember {
                    id: senior.id.clone(),
                    etag: etag.clone(),
                    waives_age_exemption: waives,
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask { paths: vec!["waives_age_exemption".into()] }),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(updated.waives_age_exemption, waives);
        assert_eq!(updated.birth_date, senior.birth_date, "only the masked field changes");
        assert_eq!(age_exemptions(&mut client).await, usize::from(!waives));
        etag = updated.etag;
    }

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
    // Updates name the fields they change and carry the etag read.
    let renamed = client
        .legevakt
        .update_legevakt_district(pb::UpdateLegevaktDistrictRequest {
            district: Some(pb::LegevaktDistrict {
                id: district.id.clone(),
                name: "Fjordbyen og omegn legevakt".into(),
                etag: district.etag.clone(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask { paths: vec!["name".into()] }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(renamed.name, "Fjordbyen og omegn legevakt");
    assert_eq!(renamed.host_kommune_number, "3901", "fields outside the mask are kept");
    assert_ne!(renamed.etag, district.etag);
    let no_mask = error(
        client
            .legevakt
            .update_legevakt_district(pb::UpdateLegevaktDistrictRequest {
                district: Some(pb::LegevaktDistrict { id: district.id.clone(), ..Default::default() }),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(fields(&no_mask), ["update_mask"]);
    let longer = client
        .legevakt
        .update_shift_type(pb::UpdateShiftTypeRequest {
            shift_type: Some(pb::ShiftType {
                district_id: district.id.clone(),
                code: "K".into(),
                length_minutes: 480,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask { paths: vec!["length_minutes".into()] }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(longer.length_minutes, 480);
    assert_eq!(longer.name, "Kveldsvakt");
    let shortened = client
        .legevakt
        .update_exemption(pb::UpdateExemptionRequest {
            exemption: Some(pb::Exemption {
                id: no_nights.id.clone(),
                valid_to: Some(date(2026, 6, 30)),
                etag: no_nights.etag.clone(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask { paths: vec!["valid_to".into()] }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shortened.valid_to, Some(date(2026, 6, 30)));
    assert_eq!(shortened.exempt_categories, no_nights.exempt_categories);
    let deleted = client
        .legevakt
        .delete_shift_type(pb::DeleteShiftTypeRequest {
            district_id: district.id.clone(),
            code: "SK".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(deleted.shift_type.unwrap().code, "SK");

    // A token belongs to the request it was issued for: the same list filtered otherwise refuses it.
    let other_filter = error(
        client
            .legevakt
            .list_staff_members(pb::ListStaffMembersRequest {
                district_id: district.id.clone(),
                profession: pb::StaffProfession::Nurse.into(),
                page_size: 2,
                page_token: staff.next_page_token.clone(),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(fields(&other_filter), ["page_token"]);
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
                        rows: vec![
                            pb::CoverTemplateRow {
                                day_of_week: 1,
                                shift_type_code: "D".into(),
                                min_count: 3,
                                preferred_count: 1,
                            },
                            pb::CoverTemplateRow {
                                day_of_week: 99,
                                shift_type_code: "D".into(),
                                min_count: 1,
                                preferred_count: 1,
                            },
                            pb::CoverTemplateRow {
                                day_of_week: 1,
                                shift_type_code: "D".into(),
                                min_count: 1,
                                preferred_count: 1,
                            },
                        ],
                        holiday_rows: Vec::new(),
                    }),
                    competence_rule: Some(pb::CompetenceRule {
                        min_clinical_service_months: Some(-1),
                        ..Default::default()
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
            "district.competence_rule.min_clinical_service_months",
            "district.default_cover_template.rows[0].preferred_count",
            "district.default_cover_template.rows[1].day_of_week",
            "district.default_cover_template.rows[2]",
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

on_both_databases!(
    district_staff_and_shift_types,
    bad_input_is_refused_with_field_violations,
    plan_solve_explain_publish_swap_export,
    over_constrained_plans_solve_to_explained_violations,
    replanning_after_an_absence_moves_only_what_it_must,
    a_retried_solve_attaches_to_the_first,
    a_solve_abandoned_by_its_replica_stops_blocking_its_plan,
    a_live_solve_ended_elsewhere_as_abandoned_stops_and_stores_nothing,
    overlapping_shifts_are_never_published,
    closing_the_stream_cancels_a_solve_started_without_a_request_id,
    concurrent_publications_on_two_replicas_never_double_book_a_doctor,
    rest_after_a_shift_of_another_published_plan_is_kept,
    a_doctor_on_the_staff_of_two_districts_is_never_double_booked,
    a_swap_is_judged_by_the_people_it_moves,
    a_solve_that_reaches_its_bound_ends_early_and_says_so,
    a_draft_is_published_by_the_rules_as_they_stand_and_a_leaver_is_replanned_away,
    a_staff_member_deleted_during_a_solve_is_left_out_of_its_roster,
    concurrent_updates_of_different_fields_both_land,
);

/// Staff for a realistic small district: 8 qualified doctors, 2 who need a bakvakt, 3 nurses.
async fn staff(client: &mut Client, district_id: &str) -> (Vec<pb::StaffMember>, Vec<pb::StaffMember>) {
    let mut doctors = Vec::new();
    for index in 0..10 {
        let qualified = index < 8;
        let member = add_staff(
            client,
            doctor(
                district_id,
                &format!("93000{index:02}"),
                &format!("Lege{index:02}"),
                1970 + index,
                qualified,
            ),
        )
        .await;
        doctors.push(member);
    }
    let mut nurses = Vec::new();
    for index in 0..3 {
        let member = add_staff(
            client,
            pb::StaffMember {
                district_id: district_id.into(),
                hpr_number: format!("94000{index:02}"),
                given_name: "Sykepleier".into(),
                family_name: format!("Pleier{index:02}"),
                profession: pb::StaffProfession::Nurse.into(),
                valid_from: Some(date(2024, 1, 1)),
                ..Default::default()
            },
        )
        .await;
        nurses.push(member);
    }
    (doctors, nurses)
}

/// Two weeks next spring around the daylight-saving change: Monday before the last Sunday of March
/// to the Sunday a week after it (always in the future, so that swaps of its shifts are possible).
struct Period {
    monday: chrono::NaiveDate,
}

impl Period {
    fn next_spring() -> Period {
        use chrono::Datelike;
        let year = chrono::Utc::now().year() + 1;
        let mut dst_sunday = chrono::NaiveDate::from_ymd_opt(year, 3, 31).unwrap();
        while dst_sunday.weekday() != chrono::Weekday::Sun {
            dst_sunday = dst_sunday.pred_opt().unwrap();
        }
        Period { monday: dst_sunday - chrono::Duration::days(6) }
    }

    /// The date `days` after the first Monday.
    fn day(&self, days: i64) -> chrono::NaiveDate {
        self.monday + chrono::Duration::days(days)
    }

    fn proto(&self, days: i64) -> pb::Date {
        use chrono::Datelike;
        let day = self.day(days);
        date(day.year(), i32::try_from(day.month()).unwrap(), i32::try_from(day.day()).unwrap())
    }

    fn shift(&self, days: i64, code: &str) -> String {
        format!("{}.{code}", self.day(days))
    }

    /// Local midnight at the start of the day, as a timestamp.
    fn midnight(&self, days: i64) -> prost_types::Timestamp {
        let instant =
            allmenn_domain::shift_time::oslo_instant(self.day(days).and_hms_opt(0, 0, 0).unwrap()).unwrap();
        prost_types::Timestamp { seconds: instant.timestamp(), nanos: 0 }
    }
}

async fn create_plan(client: &mut Client, district_id: &str, name: &str) -> pb::ShiftPlan {
    let period = Period::next_spring();
    client
        .legevakt
        .create_shift_plan(pb::CreateShiftPlanRequest {
            request_id: String::new(),
            plan: Some(pb::ShiftPlan {
                district_id: district_id.into(),
                name: name.into(),
                start_date: Some(period.proto(0)),
                end_date: Some(period.proto(13)),
                ..Default::default()
            }),
            template: None,
        })
        .await
        .unwrap()
        .into_inner()
}

/// Runs a solve to the end and returns every progress message.
async fn solve(client: &mut Client, plan_id: &str, seconds: i64) -> Vec<pb::ShiftPlanSolve> {
    solve_with(
        client,
        pb::SolveShiftPlanRequest {
            plan_id: plan_id.into(),
            time_limit: Some(prost_types::Duration { seconds, nanos: 0 }),
            seed: Some(7),
            progress_interval: Some(prost_types::Duration { seconds: 0, nanos: 200_000_000 }),
            ..Default::default()
        },
    )
    .await
}

/// Runs the solve `request` asks for to the end and returns every progress message.
async fn solve_with(client: &mut Client, request: pb::SolveShiftPlanRequest) -> Vec<pb::ShiftPlanSolve> {
    let mut stream = client.legevakt.solve_shift_plan(request).await.unwrap().into_inner();
    let mut messages = Vec::new();
    while let Some(message) = stream.message().await.unwrap() {
        messages.push(message.solve.unwrap());
    }
    messages
}

async fn plan_solve_explain_publish_swap_export(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    let (doctors, _nurses) = staff(&mut client, &district.id).await;
    let period = Period::next_spring();
    // Doctor 0 is away Wednesday to Friday of the first week (a course).
    let (away_from, away_to) = (period.midnight(2), period.midnight(5));
    client
        .legevakt
        .create_unavailability(pb::CreateUnavailabilityRequest {
            request_id: String::new(),
            unavailability: Some(pb::Unavailability {
                staff_member_id: doctors[0].id.clone(),
                start_time: Some(away_from),
                end_time: Some(away_to),
                reason: pb::UnavailabilityReason::Course.into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let plan = create_plan(&mut client, &district.id, "Vår").await;
    assert_eq!(plan.version, 1);
    assert_eq!(plan.state, pb::ShiftPlanState::Draft as i32);
    let empty_score = plan.score.unwrap();
    assert!(empty_score.hard_violations > 0, "an empty roster misses every minimum");

    // Requests: doctor 1 wants the night of the second Monday; doctor 2 wants the Tuesday off.
    for (member, day, code, kind) in
        [(&doctors[1], 7, "N", pb::ShiftRequestKind::Want), (&doctors[2], 8, "", pb::ShiftRequestKind::Avoid)]
    {
        client
            .legevakt
            .create_shift_request(pb::CreateShiftRequestRequest {
                request_id: String::new(),
                shift_request: Some(pb::ShiftRequest {
                    plan_id: plan.id.clone(),
                    staff_member_id: member.id.clone(),
                    date: Some(period.proto(day)),
                    shift_type_code: code.into(),
                    kind: kind.into(),
                    weight: 5,
                    ..Default::default()
                }),
            })
            .await
            .unwrap();
    }
    let outside = error(
        client
            .legevakt
            .create_shift_request(pb::CreateShiftRequestRequest {
                request_id: String::new(),
                shift_request: Some(pb::ShiftRequest {
                    plan_id: plan.id.clone(),
                    staff_member_id: doctors[1].id.clone(),
                    date: Some(period.proto(40)),
                    kind: pb::ShiftRequestKind::Want.into(),
                    ..Default::default()
                }),
            })
            .await,
    );
    assert_eq!(fields(&outside), ["shift_request.date"]);

    let messages = solve(&mut client, &plan.id, 3).await;
    let first = messages.first().unwrap();
    let last = messages.last().unwrap();
    assert_eq!(first.state, pb::SolveState::Running as i32);
    assert!(!first.id.is_empty());
    assert_eq!(last.state, pb::SolveState::Succeeded as i32);
    assert_eq!(last.result_version, 2);
    let best = last.best_score.unwrap();
    assert_eq!(best.hard_violations, 0, "a feasible roster exists and is found");

    let full = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest {
            plan_id: plan.id.clone(),
            version: 0,
            view: pb::ShiftPlanView::Full.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(full.version, 2);
    assert_eq!(full.score.unwrap(), best);
    // D, K, N and the nurse shift on each of 14 days (BV has no cover unless needed).
    let staffed: Vec<_> = full.shifts.iter().filter(|shift| shift.shift_type_code != "BV").collect();
    assert_eq!(staffed.len(), 56);
    for shift in &staffed {
        assert!(
            shift.assignments.len() >= usize::try_from(shift.min_count).unwrap(),
            "{} is covered",
            shift.id
        );
    }
    // Real lengths across the daylight-saving change: the night starting Saturday is an hour short.
    let night = |id: String| full.shifts.iter().find(|shift| shift.id == id).unwrap().length_minutes;
    assert_eq!(night(period.shift(5, "N")), 480);
    assert_eq!(night(period.shift(4, "N")), 540);
    // Public holidays (Easter falls in or near this fortnight some years) are flagged exactly.
    for shift in &full.shifts {
        let day = period
            .day((0..14).find(|offset| period.shift(*offset, &shift.shift_type_code) == shift.id).unwrap());
        assert_eq!(
            shift.public_holiday,
            allmenn_domain::holidays::is_public_holiday(day).is_some(),
            "{}",
            shift.id
        );
    }
    // Doctor 0 has no shift overlapping the course.
    for shift in &full.shifts {
        if shift.assignments.iter().any(|assignment| assignment.staff_member_id == doctors[0].id) {
            let start = shift.start_time.unwrap().seconds;
            let end = shift.end_time.unwrap().seconds;
            assert!(
                end <= away_from.seconds || start >= away_to.seconds,
                "{} overlaps the absence",
                shift.id
            );
        }
    }
    assert_eq!(full.staff_totals.len(), 13);
    let total_shifts: i32 = full.staff_totals.iter().map(|totals| totals.shifts).sum();
    let total_assignments: usize = full.shifts.iter().map(|shift| shift.assignments.len()).sum();
    assert_eq!(usize::try_from(total_shifts).unwrap(), total_assignments);

    let explanation = client
        .legevakt
        .explain_shift_plan(pb::ExplainShiftPlanRequest { plan_id: plan.id.clone(), version: 2 })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(explanation.score.unwrap(), best);
    let soft_total: i64 = explanation.violations.iter().map(|violation| violation.cost).sum();
    assert_eq!(soft_total, best.objective, "the violations add up to the objective");
    // Per person and per day, the costs are those of the violations naming that person or day.
    assert!(!explanation.staff_costs.is_empty() && !explanation.day_costs.is_empty());
    for staff_cost in &explanation.staff_costs {
        let own: i64 = explanation
            .violations
            .iter()
            .filter(|violation| violation.staff_member_id == staff_cost.staff_member_id)
            .map(|violation| violation.cost)
            .sum();
        assert_eq!(staff_cost.cost, own, "{}", staff_cost.staff_member_id);
    }
    for day_cost in &explanation.day_costs {
        let own: i64 = explanation
            .violations
            .iter()
            .filter(|violation| violation.date == day_cost.date)
            .map(|violation| violation.cost)
            .sum();
        assert_eq!(day_cost.cost, own, "{:?}", day_cost.date);
    }
    assert!(explanation.violations.iter().all(|violation| !violation.hard));

    // A manual edit that breaks a hard rule is refused: doctor 0 onto a shift during the course.
    let refused = error(
        client
            .legevakt
            .edit_shift_plan(pb::EditShiftPlanRequest {
                plan_id: plan.id.clone(),
                edits: vec![pb::ShiftPlanEdit {
                    edit: Some(pb::shift_plan_edit::Edit::Assign(pb::ShiftAssignmentChange {
                        shift_id: period.shift(3, "D"),
                        staff_member_id: doctors[0].id.clone(),
                    })),
                }],
                ..Default::default()
            })
            .await,
    );
    assert_eq!(refused.code(), Some(Code::FailedPrecondition));
    assert_eq!(refused.reason(), Some("HARD_RULE_VIOLATED"));

    let published = client
        .legevakt
        .publish_shift_plan(pb::PublishShiftPlanRequest {
            plan_id: plan.id.clone(),
            note: "første utkast".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(published.version, 2);
    assert_eq!(published.state, pb::ShiftPlanVersionState::Published as i32);
    let again = error(
        client
            .legevakt
            .publish_shift_plan(pb::PublishShiftPlanRequest {
                plan_id: plan.id.clone(),
                version: 2,
                ..Default::default()
            })
            .await,
    );
    assert_eq!(again.reason(), Some("VERSION_PUBLISHED"));
    // The published roster holds day shifts: what a day shift is can no longer change, though its
    // name can.
    let day_shift = |length_minutes: i32, name: &str, paths: &[&str]| pb::UpdateShiftTypeRequest {
        shift_type: Some(pb::ShiftType {
            district_id: district.id.clone(),
            code: "D".into(),
            name: name.into(),
            length_minutes,
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: paths.iter().map(|path| (*path).into()).collect(),
        }),
        ..Default::default()
    };
    let redefined = error(client.legevakt.update_shift_type(day_shift(600, "", &["length_minutes"])).await);
    assert_eq!(redefined.code(), Some(Code::FailedPrecondition));
    assert_eq!(redefined.reason(), Some("SHIFT_TYPE_IN_PUBLISHED_ROSTER"));
    let renamed = client
        .legevakt
        .update_shift_type(day_shift(0, "Dagvakt legevakt", &["name"]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((renamed.name.as_str(), renamed.length_minutes), ("Dagvakt legevakt", 480));
    let in_use = error(
        client
            .legevakt
            .delete_shift_type(pb::DeleteShiftTypeRequest {
                district_id: district.id.clone(),
                code: "D".into(),
                ..Default::default()
            })
            .await,
    );
    assert_eq!((in_use.code(), in_use.reason()), (Some(Code::FailedPrecondition), Some("SHIFT_TYPE_IN_USE")));

    // Give-away: the holder of the second Wednesday's day shift offers it to colleagues until one can take it
    // without breaking a hard rule; the others are refused with the rule named.
    let shift = full.shifts.iter().find(|shift| shift.id == period.shift(9, "D")).unwrap();
    let holder = shift.assignments[0].staff_member_id.clone();
    let mut swap = None;
    let mut refusals = 0;
    for candidate in doctors.iter().filter(|doctor| doctor.id != holder && doctor.may_work_alone) {
        match client
            .legevakt
            .create_shift_swap(pb::CreateShiftSwapRequest {
                request_id: String::new(),
                swap: Some(pb::ShiftSwap {
                    plan_id: plan.id.clone(),
                    kind: pb::ShiftSwapKind::GiveAway.into(),
                    requester_staff_member_id: holder.clone(),
                    offered_shift_id: shift.id.clone(),
                    counterparty_staff_member_id: candidate.id.clone(),
                    ..Default::default()
                }),
            })
            .await
        {
            Ok(created) => {
                swap = Some(created.into_inner());
                break;
            }
            Err(status) => {
                assert_eq!(ClientError::from(status).reason(), Some("HARD_RULE_VIOLATED"));
                refusals += 1;
            }
        }
    }
    let swap = swap.unwrap_or_else(|| panic!("no colleague could take the shift ({refusals} refused)"));
    assert_eq!(swap.state, pb::ShiftSwapState::AwaitingCounterparty as i32);
    // Only the named colleague may accept.
    let wrong_party = error(
        client
            .legevakt
            .accept_shift_swap(pb::AcceptShiftSwapRequest {
                swap_id: swap.id.clone(),
                acting_staff_member_id: holder.clone(),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(wrong_party.reason(), Some("NOT_SWAP_PARTY"));
    let accepted = client
        .legevakt
        .accept_shift_swap(pb::AcceptShiftSwapRequest {
            swap_id: swap.id.clone(),
            acting_staff_member_id: swap.counterparty_staff_member_id.clone(),
            etag: swap.etag.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(accepted.state, pb::ShiftSwapState::AwaitingApproval as i32);
    let approved = client
        .legevakt
        .approve_shift_swap(pb::ApproveShiftSwapRequest {
            swap_id: swap.id.clone(),
            etag: accepted.etag.clone(),
            note: "ok".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(approved.state, pb::ShiftSwapState::Approved as i32);
    assert_eq!(approved.applied_version, 3);
    let diff = client
        .legevakt
        .diff_shift_plan_versions(pb::DiffShiftPlanVersionsRequest {
            plan_id: plan.id.clone(),
            from_version: 2,
            to_version: 3,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(diff.changes.len(), 2, "one person removed from the shift, one added");
    assert!(diff.changes.iter().all(|change| change.shift_id == shift.id));
    let mut affected = diff.affected_staff_member_ids.clone();
    affected.sort();
    let mut expected = vec![holder.clone(), swap.counterparty_staff_member_id.clone()];
    expected.sort();
    assert_eq!(affected, expected);
    // Asked without an expiry, the swap would have expired when the shift started.
    assert_eq!(swap.expire_time, shift.start_time);

    // An open-pool offer that nobody claims before its expiry expires, for every reader.
    let offered = full.shifts.iter().find(|shift| shift.id == period.shift(10, "D")).unwrap();
    let offer = pb::ShiftSwap {
        plan_id: plan.id.clone(),
        kind: pb::ShiftSwapKind::OpenPool.into(),
        requester_staff_member_id: offered.assignments[0].staff_member_id.clone(),
        offered_shift_id: offered.id.clone(),
        ..Default::default()
    };
    let in_the_past = prost_types::Timestamp { seconds: chrono::Utc::now().timestamp() - 60, nanos: 0 };
    let past = error(
        client
            .legevakt
            .create_shift_swap(pb::CreateShiftSwapRequest {
                request_id: String::new(),
                swap: Some(pb::ShiftSwap { expire_time: Some(in_the_past), ..offer.clone() }),
            })
            .await,
    );
    assert_eq!(fields(&past), ["swap.expire_time"]);
    let expiry = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    let pool = client
        .legevakt
        .create_shift_swap(pb::CreateShiftSwapRequest {
            request_id: String::new(),
            swap: Some(pb::ShiftSwap {
                expire_time: Some(prost_types::Timestamp {
                    seconds: expiry.timestamp(),
                    nanos: expiry.timestamp_subsec_nanos() as i32,
                }),
                ..offer
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(pool.state, pb::ShiftSwapState::Open as i32);
    // Wait for the wall clock to pass the expiry (the rule under test is about time itself).
    tokio::time::sleep(
        (expiry - chrono::Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(50),
    )
    .await;
    let open_swaps = client
        .legevakt
        .list_shift_swaps(pb::ListShiftSwapsRequest {
            plan_id: plan.id.clone(),
            states: vec![pb::ShiftSwapState::Open.into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(open_swaps.swaps.iter().all(|swap| swap.id != pool.id), "an expired offer is no longer open");
    let expired = client
        .legevakt
        .get_shift_swap(pb::GetShiftSwapRequest { swap_id: pool.id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(expired.state, pb::ShiftSwapState::Expired as i32);
    let late_claim = error(
        client
            .legevakt
            .claim_shift_swap(pb::ClaimShiftSwapRequest {
                swap_id: pool.id.clone(),
                acting_staff_member_id: holder.clone(),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(late_claim.reason(), Some("SWAP_EXPIRED"));

    // Exports of the published version.
    for (format, content_type, marker) in [
        (pb::ShiftPlanExportFormat::Icalendar, "text/calendar", "BEGIN:VTIMEZONE"),
        (pb::ShiftPlanExportFormat::Csv, "text/csv", "\r\n"),
        (pb::ShiftPlanExportFormat::Html, "text/html", "<table"),
    ] {
        let file = client
            .legevakt
            .export_shift_plan(pb::ExportShiftPlanRequest {
                plan_id: plan.id.clone(),
                format: format.into(),
                staff_member_id: if format == pb::ShiftPlanExportFormat::Icalendar {
                    holder.clone()
                } else {
                    String::new()
                },
                include_violations: true,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .file
            .unwrap();
        assert!(file.content_type.starts_with(content_type), "{}", file.content_type);
        let text = String::from_utf8(file.content).unwrap();
        assert!(text.contains(marker), "{content_type} export contains {marker}");
    }
    // The district's CSV: a header, then one CRLF-terminated row per assignment of the published
    // version (the give-away moved a shift, it did not add one).
    let csv = client
        .legevakt
        .export_shift_plan(pb::ExportShiftPlanRequest {
            plan_id: plan.id.clone(),
            format: pb::ShiftPlanExportFormat::Csv.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .file
        .unwrap();
    let csv = String::from_utf8(csv.content).unwrap();
    let lines: Vec<&str> = csv.strip_suffix("\r\n").unwrap().split("\r\n").collect();
    assert!(lines[0].starts_with("date,shift_code,shift_name,staff_name,start,end"), "{}", lines[0]);
    assert_eq!(lines.len() - 1, total_assignments);
    let no_format = error(
        client
            .legevakt
            .export_shift_plan(pb::ExportShiftPlanRequest { plan_id: plan.id.clone(), ..Default::default() })
            .await,
    );
    assert_eq!(fields(&no_format), ["format"]);

    // A long solve is cancelled from a second client; the best roster so far becomes a draft.
    let mut stream = client
        .legevakt
        .solve_shift_plan(pb::SolveShiftPlanRequest {
            plan_id: plan.id.clone(),
            mode: pb::SolveMode::Improve.into(),
            time_limit: Some(prost_types::Duration { seconds: 600, nanos: 0 }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let running = stream.message().await.unwrap().unwrap().solve.unwrap();
    assert_eq!(running.state, pb::SolveState::Running as i32);
    let mut other = server.client().await;
    other
        .legevakt
        .cancel_shift_plan_solve(pb::CancelShiftPlanSolveRequest {
            solve_id: running.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut last = running;
    while let Some(message) = stream.message().await.unwrap() {
        last = message.solve.unwrap();
    }
    assert_eq!(last.state, pb::SolveState::Cancelled as i32);
    assert!(last.result_version > 3);
    let cancelled = client
        .legevakt
        .get_shift_plan_solve(pb::GetShiftPlanSolveRequest { solve_id: last.id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(cancelled.state, pb::SolveState::Cancelled as i32);

    // Drafts must descend from the published version. A solve from the cancelled solve's draft is
    // published; the cancelled solve's own draft would now undo it, and is refused.
    let later = solve(&mut client, &plan.id, 1).await.pop().unwrap();
    assert_eq!(later.state, pb::SolveState::Succeeded as i32);
    assert_eq!(later.base_version, last.result_version);
    client
        .legevakt
        .publish_shift_plan(pb::PublishShiftPlanRequest {
            plan_id: plan.id.clone(),
            version: later.result_version,
            acknowledge_violations: true,
            ..Default::default()
        })
        .await
        .unwrap();
    let behind = error(
        client
            .legevakt
            .publish_shift_plan(pb::PublishShiftPlanRequest {
                plan_id: plan.id.clone(),
                version: last.result_version,
                acknowledge_violations: true,
                ..Default::default()
            })
            .await,
    );
    assert_eq!(behind.code(), Some(Code::FailedPrecondition));
    assert_eq!(behind.reason(), Some("DRAFT_BEHIND_PUBLISHED"));
}

async fn over_constrained_plans_solve_to_explained_violations(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    // Only two doctors for three doctor shifts a day: minimum cover cannot be met.
    for index in 0..2 {
        add_staff(&mut client, doctor(&district.id, &format!("95000{index}"), "Few", 1980, true)).await;
    }
    let plan = create_plan(&mut client, &district.id, "Underbemannet").await;

    // Bad cover: unknown code, contradictory counts, a date outside the plan.
    let bad_cover = error(
        client
            .legevakt
            .set_cover_requirements(pb::SetCoverRequirementsRequest {
                plan_id: plan.id.clone(),
                requirements: vec![
                    pb::CoverRequirement {
                        date: Some(Period::next_spring().proto(1)),
                        shift_type_code: "XX".into(),
                        min_count: 1,
                        preferred_count: 1,
                        ..Default::default()
                    },
                    pb::CoverRequirement {
                        date: Some(Period::next_spring().proto(2)),
                        shift_type_code: "D".into(),
                        min_count: 2,
                        preferred_count: 1,
                        ..Default::default()
                    },
                    pb::CoverRequirement {
                        date: Some(Period::next_spring().proto(60)),
                        shift_type_code: "D".into(),
                        min_count: 1,
                        preferred_count: 1,
                        ..Default::default()
                    },
                ],
                ..Default::default()
            })
            .await,
    );
    assert_eq!(
        fields(&bad_cover),
        ["requirements[0].shift_type_code", "requirements[1].preferred_count", "requirements[2].date"]
    );
    let bad_plan = error(
        client
            .legevakt
            .create_shift_plan(pb::CreateShiftPlanRequest {
                request_id: String::new(),
                plan: Some(pb::ShiftPlan {
                    district_id: district.id.clone(),
                    name: "Baklengs".into(),
                    start_date: Some(date(2026, 5, 1)),
                    end_date: Some(date(2026, 4, 1)),
                    ..Default::default()
                }),
                template: None,
            })
            .await,
    );
    assert_eq!(fields(&bad_plan), ["plan.end_date"]);
    // Far beyond the years a date may have: refused, not a panic in date arithmetic.
    let far_plan = error(
        client
            .legevakt
            .create_shift_plan(pb::CreateShiftPlanRequest {
                request_id: String::new(),
                plan: Some(pb::ShiftPlan {
                    district_id: district.id.clone(),
                    name: "Langt fram".into(),
                    start_date: Some(date(262_142, 12, 1)),
                    end_date: Some(date(262_142, 12, 31)),
                    ..Default::default()
                }),
                template: None,
            })
            .await,
    );
    assert_eq!(fields(&far_plan), ["plan.end_date", "plan.start_date"]);
    // 366 days at most, counting both ends: a leap year is a plan, a year and a day is not.
    for (end, allowed) in [(date(2028, 12, 31), true), (date(2029, 1, 1), false)] {
        let created = client
            .legevakt
            .create_shift_plan(pb::CreateShiftPlanRequest {
                request_id: String::new(),
                plan: Some(pb::ShiftPlan {
                    district_id: district.id.clone(),
                    name: "Skuddår".into(),
                    start_date: Some(date(2028, 1, 1)),
                    end_date: Some(end),
                    ..Default::default()
                }),
                template: None,
            })
            .await;
        assert_eq!(created.is_ok(), allowed, "{end:?}");
    }
    // Names are single lines.
    let tabbed = error(
        client
            .legevakt
            .create_shift_plan(pb::CreateShiftPlanRequest {
                request_id: String::new(),
                plan: Some(pb::ShiftPlan {
                    district_id: district.id.clone(),
                    name: "Vår\tplan".into(),
                    start_date: Some(date(2028, 1, 1)),
                    end_date: Some(date(2028, 1, 31)),
                    ..Default::default()
                }),
                template: None,
            })
            .await,
    );
    assert_eq!(fields(&tabbed), ["plan.name"]);
    // Enum values this server does not know are refused, not read as a default; negative versions too.
    let unknown_mode = error(
        client
            .legevakt
            .solve_shift_plan(pb::SolveShiftPlanRequest {
                plan_id: plan.id.clone(),
                mode: 99,
                ..Default::default()
            })
            .await,
    );
    assert_eq!(fields(&unknown_mode), ["mode"]);
    let unknown_state = error(
        client
            .legevakt
            .list_shift_swaps(pb::ListShiftSwapsRequest {
                plan_id: plan.id.clone(),
                states: vec![99],
                ..Default::default()
            })
            .await,
    );
    assert_eq!(fields(&unknown_state), ["states[0]"]);
    let negative = error(
        client
            .legevakt
            .explain_shift_plan(pb::ExplainShiftPlanRequest { plan_id: plan.id.clone(), version: -1 })
            .await,
    );
    assert_eq!(fields(&negative), ["version"]);

    let messages = solve(&mut client, &plan.id, 2).await;
    let last = messages.last().unwrap();
    assert_eq!(last.state, pb::SolveState::Succeeded as i32, "an over-constrained plan solves, never errors");
    let best = last.best_score.unwrap();
    assert!(best.hard_violations > 0);
    let explanation = client
        .legevakt
        .explain_shift_plan(pb::ExplainShiftPlanRequest { plan_id: plan.id.clone(), version: 0 })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(explanation.score.unwrap().hard_violations, best.hard_violations);
    assert!(
        explanation
            .violations
            .iter()
            .any(|violation| violation.kind == pb::ConstraintKind::CoverBelowMinimum as i32),
        "the unmet minimum cover is named"
    );
    let unacknowledged = error(
        client
            .legevakt
            .publish_shift_plan(pb::PublishShiftPlanRequest {
                plan_id: plan.id.clone(),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(unacknowledged.reason(), Some("VIOLATIONS_NOT_ACKNOWLEDGED"));
    client
        .legevakt
        .publish_shift_plan(pb::PublishShiftPlanRequest {
            plan_id: plan.id.clone(),
            acknowledge_violations: true,
            ..Default::default()
        })
        .await
        .unwrap();
}

async fn replanning_after_an_absence_moves_only_what_it_must(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    let (doctors, _nurses) = staff(&mut client, &district.id).await;
    let period = Period::next_spring();
    let plan = create_plan(&mut client, &district.id, "Vår").await;
    let renamed = client
        .legevakt
        .update_shift_plan(pb::UpdateShiftPlanRequest {
            plan: Some(pb::ShiftPlan {
                id: plan.id.clone(),
                name: "Vår, runde 1".into(),
                etag: plan.etag.clone(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask { paths: vec!["name".into()] }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(renamed.name, "Vår, runde 1");
    let stale = error(
        client
            .legevakt
            .update_shift_plan(pb::UpdateShiftPlanRequest {
                plan: Some(pb::ShiftPlan {
                    id: plan.id.clone(),
                    name: "x".into(),
                    etag: plan.etag.clone(),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask { paths: vec!["name".into()] }),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(stale.code(), Some(Code::Aborted), "an old etag is refused");

    solve(&mut client, &plan.id, 3).await;
    client
        .legevakt
        .publish_shift_plan(pb::PublishShiftPlanRequest { plan_id: plan.id.clone(), ..Default::default() })
        .await
        .unwrap();
    let published = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest {
            plan_id: plan.id.clone(),
            version: 2,
            view: pb::ShiftPlanView::Full.into(),
        })
        .await
        .unwrap()
        .into_inner();

    // Fairness balances: every person counted once, and each balance is what the published
    // version's totals said it would be after publication.
    let balances = client
        .legevakt
        .list_fairness_balances(pb::ListFairnessBalancesRequest {
            district_id: district.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .balances;
    assert_eq!(balances.len(), 13);
    assert!(balances.iter().all(|balance| balance.plans_counted == 1));
    for balance in &balances {
        let totals = published
            .staff_totals
            .iter()
            .find(|totals| totals.staff_member_id == balance.staff_member_id)
            .unwrap();
        assert!((balance.balance - totals.balance_after).abs() < 1e-6);
        assert!((balance.points_total - totals.fairness_points).abs() < 1e-6);
        assert!((balance.balance - (balance.points_total - balance.target_total)).abs() < 1e-6);
    }
    assert!(
        balances.iter().any(|balance| balance.balance.abs() > 1e-6),
        "someone is above or below their share"
    );

    // The published plan cannot be deleted, nor a doctor on its shifts.
    let delete_plan = error(
        client
            .legevakt
            .delete_shift_plan(pb::DeleteShiftPlanRequest { plan_id: plan.id.clone(), ..Default::default() })
            .await,
    );
    assert_eq!(delete_plan.reason(), Some("PLAN_PUBLISHED"));
    let absent = doctors
        .iter()
        .find(|doctor| {
            published.shifts.iter().any(|shift| {
                shift.id.starts_with(&period.day(8).to_string())
                    && shift.assignments.iter().any(|assignment| assignment.staff_member_id == doctor.id)
            })
        })
        .expect("someone works on the second Tuesday");
    let delete_doctor = error(
        client
            .legevakt
            .delete_staff_member(pb::DeleteStaffMemberRequest {
                staff_member_id: absent.id.clone(),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(delete_doctor.reason(), Some("HAS_ASSIGNMENTS"));

    // Sick leave over the second Tuesday: the published shifts it hits are reported.
    let absence = client
        .legevakt
        .create_unavailability(pb::CreateUnavailabilityRequest {
            request_id: String::new(),
            unavailability: Some(pb::Unavailability {
                staff_member_id: absent.id.clone(),
                start_time: Some(period.midnight(8)),
                end_time: Some(period.midnight(9)),
                reason: pb::UnavailabilityReason::SickLeave.into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!absence.affected_shifts.is_empty());

    let replan = |seconds: i64, seed: u64, from_day: i64| pb::SolveShiftPlanRequest {
        plan_id: plan.id.clone(),
        mode: pb::SolveMode::Replan.into(),
        time_limit: Some(prost_types::Duration { seconds, nanos: 0 }),
        seed: Some(seed),
        replan_from_time: Some(period.midnight(from_day)),
        ..Default::default()
    };
    // Nothing is frozen: the plan lies in the future.
    let last = solve_with(&mut client, replan(3, 3, 0)).await.pop().unwrap();
    assert_eq!(last.state, pb::SolveState::Succeeded as i32);
    assert_eq!(last.best_score.unwrap().hard_violations, 0);
    let diff = client
        .legevakt
        .diff_shift_plan_versions(pb::DiffShiftPlanVersionsRequest {
            plan_id: plan.id.clone(),
            from_version: 0,
            to_version: last.result_version,
        })
        .await
        .unwrap()
        .into_inner();
    let removed: Vec<_> =
        diff.changes.iter().filter(|change| !change.removed_staff_member_id.is_empty()).collect();
    let affected = absence.affected_shifts.len();
    assert!(
        removed.iter().any(|change| change.removed_staff_member_id == absent.id),
        "the absent doctor is moved"
    );
    assert!(
        removed.len() <= 3 * affected,
        "re-planning moves only what it must: {} moved for {affected} affected shifts",
        removed.len()
    );
    // The version's score is its roster under the plan's rules, as its explanation gives it: the
    // cost of each move guided the optimiser, and the moves are the diff's.
    let explained = client
        .legevakt
        .explain_shift_plan(pb::ExplainShiftPlanRequest {
            plan_id: plan.id.clone(),
            version: last.result_version,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(explained.score, last.best_score);
    assert!(
        explained
            .violations
            .iter()
            .all(|violation| violation.kind != pb::ConstraintKind::ChangeFromPublished as i32)
    );
    // A whole day of sick leave releases the doctor from duty: their fair share shrinks, and the
    // doctors' shares grow to keep the total.
    let replanned = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest {
            plan_id: plan.id.clone(),
            version: last.result_version,
            view: pb::ShiftPlanView::Full.into(),
        })
        .await
        .unwrap()
        .into_inner();
    let target = |version: &pb::ShiftPlan, person: &str| {
        version.staff_totals.iter().find(|totals| totals.staff_member_id == person).unwrap().target_points
    };
    assert!(target(&replanned, &absent.id) < target(&published, &absent.id) - 1e-6);
    for doctor in doctors.iter().filter(|doctor| doctor.id != absent.id) {
        assert!(target(&replanned, &doctor.id) >= target(&published, &doctor.id) - 1e-6);
    }

    // Re-planned from the first Saturday: the shifts starting before it are kept as published, even
    // that of a doctor who has since become unavailable on the first Wednesday, and the absent
    // doctor still moves.
    let frozen_until = period.day(5);
    let wednesday = published
        .shifts
        .iter()
        .find(|shift| shift.id == period.shift(2, "D"))
        .and_then(|shift| shift.assignments.first())
        .expect("someone holds the first Wednesday's day shift")
        .staff_member_id
        .clone();
    client
        .legevakt
        .create_unavailability(pb::CreateUnavailabilityRequest {
            request_id: String::new(),
            unavailability: Some(pb::Unavailability {
                staff_member_id: wednesday.clone(),
                start_time: Some(period.midnight(2)),
                end_time: Some(period.midnight(3)),
                reason: pb::UnavailabilityReason::SickLeave.into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let frozen = solve_with(&mut client, replan(2, 4, 5)).await.pop().unwrap();
    assert_eq!(frozen.state, pb::SolveState::Succeeded as i32);
    let diff = client
        .legevakt
        .diff_shift_plan_versions(pb::DiffShiftPlanVersionsRequest {
            plan_id: plan.id.clone(),
            from_version: 0,
            to_version: frozen.result_version,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(diff.changes.iter().any(|change| change.removed_staff_member_id == absent.id));
    assert!(frozen.best_score.unwrap().hard_violations > 0, "the frozen shift keeps its unavailable doctor");
    for change in &diff.changes {
        let date = change.shift_id.split('.').next().unwrap();
        assert!(
            date >= frozen_until.to_string().as_str(),
            "{} changed before the re-planning time",
            change.shift_id
        );
    }

    // A second plan over the same fortnight: the shifts the doctors hold in the published plan bind
    // its solve by the same pair rules (overlap, rest, forbidden successions), so its roster clashes
    // with none of them, and it is published.
    let parallel = create_plan(&mut client, &district.id, "Parallell").await;
    let solved = solve(&mut client, &parallel.id, 1).await.pop().unwrap();
    assert_eq!(solved.state, pb::SolveState::Succeeded as i32);
    let explanation = client
        .legevakt
        .explain_shift_plan(pb::ExplainShiftPlanRequest { plan_id: parallel.id.clone(), version: 0 })
        .await
        .unwrap()
        .into_inner();
    assert!(
        explanation.violations.iter().all(|violation| !violation.message.contains("of the published plan")),
        "no doctor is put on a shift that clashes with one held in the published plan"
    );
    client
        .legevakt
        .publish_shift_plan(pb::PublishShiftPlanRequest {
            plan_id: parallel.id.clone(),
            acknowledge_violations: true,
            ..Default::default()
        })
        .await
        .unwrap();
}

/// A solve started with a request_id outlives its stream; a retry with the same id, here on
/// another replica, follows that solve to its end instead of starting a second one.
async fn a_retried_solve_attaches_to_the_first(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    staff(&mut client, &district.id).await;
    let plan = create_plan(&mut client, &district.id, "Retried solve").await;
    let request = pb::SolveShiftPlanRequest {
        request_id: "solve-retry-1".into(),
        plan_id: plan.id.clone(),
        time_limit: Some(prost_types::Duration { seconds: 2, nanos: 0 }),
        seed: Some(11),
        progress_interval: Some(prost_types::Duration { seconds: 0, nanos: 200_000_000 }),
        ..Default::default()
    };
    let mut first_stream = client.legevakt.solve_shift_plan(request.clone()).await.unwrap().into_inner();
    let first = first_stream.message().await.unwrap().unwrap().solve.unwrap();
    assert_eq!(first.state, pb::SolveState::Running as i32);
    // The connection breaks: the stream is gone, the solve is not.
    drop(first_stream);

    let replica = server.replica().await;
    let mut retry_client = replica.client().await;
    let mut retry = retry_client.legevakt.solve_shift_plan(request.clone()).await.unwrap().into_inner();
    let mut messages = Vec::new();
    while let Some(message) = retry.message().await.unwrap() {
        messages.push(message.solve.unwrap());
    }
    assert!(messages.iter().all(|solve| solve.id == first.id), "the retry follows the first solve");
    let last = messages.last().unwrap();
    assert_eq!(
        last.state,
        pb::SolveState::Succeeded as i32,
        "closing a detached solve's stream does not cancel it"
    );
    assert!(last.result_version > 0);

    // Once it has ended, a further retry gets the finished solve at once.
    let mut late = client.legevakt.solve_shift_plan(request.clone()).await.unwrap().into_inner();
    let finished = late.message().await.unwrap().unwrap().solve.unwrap();
    assert_eq!((finished.id.as_str(), finished.state), (first.id.as_str(), pb::SolveState::Succeeded as i32));
    assert_eq!(finished.result_version, last.result_version);
    assert!(late.message().await.unwrap().is_none());

    // The same id with another request is refused.
    let reused = error(
        client
            .legevakt
            .solve_shift_plan(pb::SolveShiftPlanRequest {
                time_limit: Some(prost_types::Duration { seconds: 3, nanos: 0 }),
                ..request
            })
            .await,
    );
    assert_eq!(reused.reason(), Some("REQUEST_ID_REUSED"));
}

/// A solve row left running by a replica that crashed: written straight into the database, as the
/// crashed replica left it, `silent_for` after its last recorded progress.
async fn left_running(server: &TestServer, plan_id: &str, silent_for: chrono::Duration) -> String {
    running_row(server, plan_id, silent_for, chrono::Duration::zero()).await
}

/// A solve row as a replica whose clock is `clock_behind` behind the database's writes it: its
/// start by its own clock, its last heartbeat `silent_for` ago by the database's.
async fn running_row(
    server: &TestServer,
    plan_id: &str,
    silent_for: chrono::Duration,
    clock_behind: chrono::Duration,
) -> String {
    use allmenn_store::entity::legevakt::plan_solve;
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let connection = sea_orm::Database::connect(server.database_url()).await.unwrap();
    let id = uuid::Uuid::now_v7();
    let row = plan_solve::Model {
        id,
        plan_id: uuid::Uuid::parse_str(plan_id).unwrap(),
        mode: "from_scratch".into(),
        state: "running".into(),
        base_version: 1,
        seed: 1,
        time_limit_ms: 600_000,
        elapsed_ms: 5_000,
        best_hard_violations: None,
        best_objective: None,
        time_to_best_ms: 0,
        iterations: 0,
        result_version: 0,
        cancel_requested: false,
        started_at: chrono::Utc::now() - silent_for - chrono::Duration::seconds(5) - clock_behind,
        ended_at: None,
        message: String::new(),
        proven_optimal: false,
        heartbeat_at: Some(chrono::Utc::now() - silent_for),
    };
    row.into_active_model().insert(&connection).await.unwrap();
    connection.close().await.unwrap();
    id.to_string()
}

/// A solve whose replica stopped recording progress (it crashed) blocks its plan only until it is
/// seen to be silent: then the next solve ends it as failed and runs. A solve that recorded progress
/// moments ago still blocks.
async fn a_solve_abandoned_by_its_replica_stops_blocking_its_plan(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    let (doctors, _nurses) = staff(&mut client, &district.id).await;

    let live_plan = create_plan(&mut client, &district.id, "Live solve").await;
    left_running(server, &live_plan.id, chrono::Duration::seconds(2)).await;
    let blocked = error(
        client
            .legevakt
            .solve_shift_plan(pb::SolveShiftPlanRequest {
                plan_id: live_plan.id.clone(),
                time_limit: Some(prost_types::Duration { seconds: 1, nanos: 0 }),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(blocked.code(), Some(Code::FailedPrecondition));
    assert_eq!(blocked.reason(), Some("SOLVE_ALREADY_RUNNING"));
    // Nor may the plan be edited meanwhile: the solve would store its roster after the edit, on
    // the version before it.
    let edit = pb::EditShiftPlanRequest {
        plan_id: live_plan.id.clone(),
        edits: vec![pb::ShiftPlanEdit {
            edit: Some(pb::shift_plan_edit::Edit::Assign(pb::ShiftAssignmentChange {
                shift_id: Period::next_spring().shift(1, "D"),
                staff_member_id: doctors[0].id.clone(),
            })),
        }],
        ..Default::default()
    };
    let edit_blocked = error(client.legevakt.edit_shift_plan(edit).await);
    assert_eq!(edit_blocked.reason(), Some("SOLVE_ALREADY_RUNNING"));

    // A live solve on a replica whose clock is ten minutes behind is judged by the heartbeat the
    // database recorded, not by the replica's start time plus elapsed time.
    let skewed_plan = create_plan(&mut client, &district.id, "Solve on a slow clock").await;
    let skewed =
        running_row(server, &skewed_plan.id, chrono::Duration::seconds(2), chrono::Duration::minutes(10))
            .await;
    let shown = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest { plan_id: skewed_plan.id.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shown.running_solve_id, skewed, "a solve with a fresh heartbeat is shown as running");
    let skewed_blocked = error(
        client
            .legevakt
            .solve_shift_plan(pb::SolveShiftPlanRequest {
                plan_id: skewed_plan.id.clone(),
                time_limit: Some(prost_types::Duration { seconds: 1, nanos: 0 }),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(skewed_blocked.reason(), Some("SOLVE_ALREADY_RUNNING"));

    // A silent solve is ended by a cancel (nobody would read its flag) or by the next write.
    let silent_plan = create_plan(&mut client, &district.id, "Silent solve").await;
    let silent = left_running(server, &silent_plan.id, chrono::Duration::minutes(10)).await;
    let shown = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest { plan_id: silent_plan.id.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shown.running_solve_id, "", "an abandoned solve is not shown as running");
    let cancelled = client
        .legevakt
        .cancel_shift_plan_solve(pb::CancelShiftPlanSolveRequest { solve_id: silent, ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(cancelled.state, pb::SolveState::Failed as i32);
    let other_plan = create_plan(&mut client, &district.id, "Silent solve, deleted").await;
    left_running(server, &other_plan.id, chrono::Duration::minutes(10)).await;
    client
        .legevakt
        .delete_shift_plan(pb::DeleteShiftPlanRequest {
            plan_id: other_plan.id.clone(),
            ..Default::default()
        })
        .await
        .expect("an abandoned solve does not keep its plan from being deleted");

    let plan = create_plan(&mut client, &district.id, "Abandoned solve").await;
    let abandoned = left_running(server, &plan.id, chrono::Duration::minutes(10)).await;
    let messages = solve(&mut client, &plan.id, 1).await;
    let last = messages.last().unwrap();
    assert_ne!(last.id, abandoned);
    assert_eq!(last.state, pb::SolveState::Succeeded as i32);
    let ended = client
        .legevakt
        .get_shift_plan_solve(pb::GetShiftPlanSolveRequest { solve_id: abandoned })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ended.state, pb::SolveState::Failed as i32);
    assert!(ended.end_time.is_some());
}

/// A draft whose day shifts came to overlap (the shift type was lengthened after the roster was
/// made) names the overlap, and cannot be published even with its violations acknowledged.
async fn overlapping_shifts_are_never_published(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    let member = add_staff(&mut client, doctor(&district.id, "9600001", "Dobbel", 1980, true)).await;
    let plan = create_plan(&mut client, &district.id, "Overlapp").await;
    let period = Period::next_spring();
    let draft = client
        .legevakt
        .edit_shift_plan(pb::EditShiftPlanRequest {
            plan_id: plan.id.clone(),
            edits: [1, 2]
                .map(|day| pb::ShiftPlanEdit {
                    edit: Some(pb::shift_plan_edit::Edit::Assign(pb::ShiftAssignmentChange {
                        shift_id: period.shift(day, "D"),
                        staff_member_id: member.id.clone(),
                    })),
                })
                .to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .version
        .unwrap();
    // A day shift of 25 hours: Monday's now runs into Tuesday's.
    client
        .legevakt
        .update_shift_type(pb::UpdateShiftTypeRequest {
            shift_type: Some(pb::ShiftType {
                district_id: district.id.clone(),
                code: "D".into(),
                length_minutes: 25 * 60,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask { paths: vec!["length_minutes".into()] }),
            ..Default::default()
        })
        .await
        .unwrap();
    let explanation = client
        .legevakt
        .explain_shift_plan(pb::ExplainShiftPlanRequest { plan_id: plan.id.clone(), version: draft.version })
        .await
        .unwrap()
        .into_inner();
    assert!(
        explanation.violations.iter().any(|violation| violation.kind == pb::ConstraintKind::Overlap as i32
            && violation.hard
            && violation.staff_member_id == member.id),
        "the overlap is named"
    );
    let refused = error(
        client
            .legevakt
            .publish_shift_plan(pb::PublishShiftPlanRequest {
                plan_id: plan.id.clone(),
                version: draft.version,
                acknowledge_violations: true,
                ..Default::default()
            })
            .await,
    );
    assert_eq!(
        (refused.code(), refused.reason()),
        (Some(Code::FailedPrecondition), Some("OVERLAP_NOT_PUBLISHABLE"))
    );
}

/// A solve started without a request_id belongs to its stream: when the caller closes it, the
/// solve stops and its best roster so far is kept as a draft.
async fn closing_the_stream_cancels_a_solve_started_without_a_request_id(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    staff(&mut client, &district.id).await;
    let plan = create_plan(&mut client, &district.id, "Closed stream").await;
    let mut stream = client
        .legevakt
        .solve_shift_plan(pb::SolveShiftPlanRequest {
            plan_id: plan.id.clone(),
            time_limit: Some(prost_types::Duration { seconds: 600, nanos: 0 }),
            // The longest interval: the server notices the closed stream itself, not at a tick.
            progress_interval: Some(prost_types::Duration { seconds: 60, nanos: 0 }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let running = stream.message().await.unwrap().unwrap().solve.unwrap();
    assert_eq!(running.state, pb::SolveState::Running as i32);
    drop(stream);
    // Poll with a deadline well before the next progress tick.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    let ended = loop {
        let solve = client
            .legevakt
            .get_shift_plan_solve(pb::GetShiftPlanSolveRequest { solve_id: running.id.clone() })
            .await
            .unwrap()
            .into_inner();
        if solve.state != pb::SolveState::Running as i32 {
            break solve;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the solve still runs half a minute after its stream closed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(ended.state, pb::SolveState::Cancelled as i32);
    assert!(ended.result_version > 1, "the best roster so far is a new draft");
}

/// A draft of a new plan that puts `member` on the day shift of the period's second day.
async fn draft_with_day_shift(client: &mut Client, district_id: &str, name: &str, member: &str) -> String {
    let plan = create_plan(client, district_id, name).await;
    client
        .legevakt
        .edit_shift_plan(pb::EditShiftPlanRequest {
            plan_id: plan.id.clone(),
            edits: vec![pb::ShiftPlanEdit {
                edit: Some(pb::shift_plan_edit::Edit::Assign(pb::ShiftAssignmentChange {
                    shift_id: Period::next_spring().shift(1, "D"),
                    staff_member_id: member.into(),
                })),
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    plan.id
}

/// Publishes two plans at the same moment through two replicas; exactly one may succeed. Returns
/// the other's refusal.
async fn publish_both_at_once(server: &TestServer, client: &mut Client, plans: [&str; 2]) -> ClientError {
    let replica = server.replica().await;
    let mut other = replica.client().await;
    let publish = |plan_id: &str| pb::PublishShiftPlanRequest {
        plan_id: plan_id.into(),
        acknowledge_violations: true,
        ..Default::default()
    };
    let (first, second) = tokio::join!(
        client.legevakt.publish_shift_plan(publish(plans[0])),
        other.legevakt.publish_shift_plan(publish(plans[1])),
    );
    replica.stop().await;
    let outcomes = [first.map(|_| ()), second.map(|_| ())];
    assert_eq!(outcomes.iter().filter(|outcome| outcome.is_ok()).count(), 1, "{outcomes:?}");
    ClientError::from(outcomes.into_iter().find_map(Result::err).unwrap())
}

/// Two plans of one district put the same doctor on the same day shift, and are published at the
/// same moment through two replicas: one publication wins, the other is refused with the collision
/// named, and the doctor holds the shift once.
async fn concurrent_publications_on_two_replicas_never_double_book_a_doctor(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    let member = add_staff(&mut client, doctor(&district.id, "9600002", "Travel", 1980, true)).await;
    let mut plans = Vec::new();
    for name in ["Nord", "Sør"] {
        plans.push(draft_with_day_shift(&mut client, &district.id, name, &member.id).await);
    }
    let refused = publish_both_at_once(server, &mut client, [&plans[0], &plans[1]]).await;
    assert_eq!(refused.reason(), Some("OVERLAP_NOT_PUBLISHABLE"));
    assert!(refused.to_string().contains("overlaps"), "{refused}");
    let mut held = 0;
    for plan_id in &plans {
        let plan = client
            .legevakt
            .get_shift_plan(pb::GetShiftPlanRequest {
                plan_id: plan_id.clone(),
                version: 0,
                view: pb::ShiftPlanView::Full.into(),
            })
            .await
            .unwrap()
            .into_inner();
        if plan.state == pb::ShiftPlanState::Published as i32 {
            held += plan
                .shifts
                .iter()
                .filter(|shift| {
                    shift.assignments.iter().any(|assignment| assignment.staff_member_id == member.id)
                })
                .count();
        }
    }
    assert_eq!(held, 1, "the doctor holds the day shift in exactly one published plan");
}

/// Rest and forbidden successions count across plans: a day shift starting when the doctor's night
/// in another published plan ends, or an evening day shift within 24 hours of that night, is
/// refused at publication with the rule named; a day shift a day later is published.
async fn rest_after_a_shift_of_another_published_plan_is_kept(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    // A day-category shift in the evening: after a night it keeps the rest, not the succession rule.
    let late_day = pb::ShiftType {
        district_id: district.id.clone(),
        code: "DK".into(),
        name: "Dag, sen".into(),
        start_time: Some(pb::LocalTime { hours: 18, minutes: 0 }),
        length_minutes: 240,
        category: pb::ShiftCategory::Day.into(),
        mode: pb::ShiftMode::OnSite.into(),
        role: pb::ShiftRole::Doctor.into(),
        ..Default::default()
    };
    create_shift_type(&mut client, late_day).await;
    let member = add_staff(&mut client, doctor(&district.id, "9600003", "Hvile", 1980, true)).await;
    let period = Period::next_spring();
    // Drafts first (once the night is published, an edit would already refuse the clash).
    let draft = |name: &'static str, day: i64, code: &'static str| {
        let mut client = client.clone();
        let member = member.id.clone();
        let district_id = district.id.clone();
        let (cover_date, shift_id) = (period.proto(day), period.shift(day, code));
        async move {
            let plan = create_plan(&mut client, &district_id, name).await;
            client
                .legevakt
                .set_cover_requirements(pb::SetCoverRequirementsRequest {
                    plan_id: plan.id.clone(),
                    requirements: vec![pb::CoverRequirement {
                        date: Some(cover_date),
                        shift_type_code: code.into(),
                        min_count: 0,
                        preferred_count: 1,
                        ..Default::default()
                    }],
                    ..Default::default()
                })
                .await
                .unwrap();
            client
                .legevakt
                .edit_shift_plan(pb::EditShiftPlanRequest {
                    plan_id: plan.id.clone(),
                    edits: vec![pb::ShiftPlanEdit {
                        edit: Some(pb::shift_plan_edit::Edit::Assign(pb::ShiftAssignmentChange {
                            shift_id,
                            staff_member_id: member,
                        })),
                    }],
                    ..Default::default()
                })
                .await
                .unwrap();
            plan.id
        }
    };
    // Night 23:00–08:00 from day 1; a day shift at 08:00 on day 2 leaves no rest; one at 18:00 on day
    // 2 leaves ten hours, but a day shift may not follow a night within 24 hours; one at 08:00 on day 3
    // comes a day later.
    let night = draft("Natt", 1, "N").await;
    let morning = draft("Morgen", 2, "D").await;
    let evening = draft("Kveld", 2, "DK").await;
    let next_day = draft("Dagen etter", 3, "D").await;
    let publish = |plan_id: String| {
        let mut client = client.clone();
        async move {
            client
                .legevakt
                .publish_shift_plan(pb::PublishShiftPlanRequest {
                    plan_id,
                    acknowledge_violations: true,
                    ..Default::default()
                })
                .await
        }
    };
    publish(night).await.unwrap();
    let no_rest = error(publish(morning).await);
    assert_eq!(no_rest.reason(), Some("HARD_RULE_VIOLATED"));
    assert!(no_rest.to_string().contains("0 minutes of rest between"), "{no_rest}");
    let succession = error(publish(evening).await);
    assert_eq!(succession.reason(), Some("HARD_RULE_VIOLATED"));
    assert!(succession.to_string().contains("may not follow"), "{succession}");
    publish(next_day.clone()).await.unwrap();

    // Published, the night binds the doctor in every other plan: an edit that would clash with it is
    // refused at once, naming it.
    let later = create_plan(&mut client, &district.id, "Senere").await;
    let refused = error(
        client
            .legevakt
            .edit_shift_plan(pb::EditShiftPlanRequest {
                plan_id: later.id.clone(),
                edits: vec![pb::ShiftPlanEdit {
                    edit: Some(pb::shift_plan_edit::Edit::Assign(pb::ShiftAssignmentChange {
                        shift_id: period.shift(2, "D"),
                        staff_member_id: member.id.clone(),
                    })),
                }],
                ..Default::default()
            })
            .await,
    );
    assert_eq!(refused.reason(), Some("HARD_RULE_VIOLATED"));
    assert!(
        refused
            .to_string()
            .contains(&format!("rest after {} of the published plan Natt", period.shift(1, "N"))),
        "{refused}"
    );
}

/// A doctor on the staff of two districts (one HPR number, two staff records) is put on the same
/// day shift by both, and both plans are published at once through two replicas: one wins, the
/// other is refused with the other district's plan named.
async fn a_doctor_on_the_staff_of_two_districts_is_never_double_booked(server: &TestServer) {
    let mut client = server.client().await;
    let mut plans = Vec::new();
    for name in ["Nord", "Sør"] {
        let district = district(&mut client).await;
        let member = add_staff(&mut client, doctor(&district.id, "9600004", "Tosted", 1980, true)).await;
        plans.push(draft_with_day_shift(&mut client, &district.id, name, &member.id).await);
    }
    let refused = publish_both_at_once(server, &mut client, [&plans[0], &plans[1]]).await;
    assert_eq!(refused.reason(), Some("OVERLAP_NOT_PUBLISHABLE"));
    assert!(
        refused.to_string().contains("overlaps") && refused.to_string().contains("Fjordbyen"),
        "{refused}"
    );
}

/// A solve that another replica ended as abandoned (its heartbeat was late, say while the database
/// was unreachable) is not revived by its next heartbeat: it stops, stores no draft, and its row
/// keeps saying why it ended.
async fn a_live_solve_ended_elsewhere_as_abandoned_stops_and_stores_nothing(server: &TestServer) {
    use allmenn_store::entity::legevakt::plan_solve;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let mut client = server.client().await;
    let district = district(&mut client).await;
    staff(&mut client, &district.id).await;
    let plan = create_plan(&mut client, &district.id, "Ended elsewhere").await;
    let mut stream = client
        .legevakt
        .solve_shift_plan(pb::SolveShiftPlanRequest {
            request_id: "ended-elsewhere".into(),
            plan_id: plan.id.clone(),
            time_limit: Some(prost_types::Duration { seconds: 600, nanos: 0 }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let running = stream.message().await.unwrap().unwrap().solve.unwrap();
    assert_eq!(running.state, pb::SolveState::Running as i32);
    let connection = sea_orm::Database::connect(server.database_url()).await.unwrap();
    let row = plan_solve::Entity::find_by_id(uuid::Uuid::parse_str(&running.id).unwrap())
        .one(&connection)
        .await
        .unwrap()
        .unwrap();
    assert!(row.heartbeat_at.is_some(), "a solve records its heartbeat from the start");
    // And again every second while it runs.
    let mut advanced = false;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let later = plan_solve::Entity::find_by_id(row.id).one(&connection).await.unwrap().unwrap();
        if later.heartbeat_at > row.heartbeat_at {
            advanced = true;
            break;
        }
    }
    assert!(advanced, "the heartbeat moves on while the solve runs");
    // What another replica's end_abandoned_solve writes.
    plan_solve::Entity::update_many()
        .col_expr(plan_solve::Column::State, Expr::value("failed"))
        .col_expr(plan_solve::Column::Message, Expr::value("abandoned: ended by the test"))
        .filter(plan_solve::Column::Id.eq(uuid::Uuid::parse_str(&running.id).unwrap()))
        .exec(&connection)
        .await
        .unwrap();
    connection.close().await.unwrap();
    // The stream ends once the solve has noticed, at its next heartbeat.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        match tokio::time::timeout_at(deadline, stream.message()).await {
            Ok(Ok(Some(_))) => continue,
            Ok(_) => break,
            Err(_) => panic!("the solve ran on for a minute after it was ended elsewhere"),
        }
    }
    let ended = client
        .legevakt
        .get_shift_plan_solve(pb::GetShiftPlanSolveRequest { solve_id: running.id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ended.state, pb::SolveState::Failed as i32);
    assert_eq!(ended.result_version, 0, "no draft was stored");
    let versions = client
        .legevakt
        .list_shift_plan_versions(pb::ListShiftPlanVersionsRequest {
            plan_id: plan.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .versions;
    assert_eq!(versions.len(), 1, "only the version the plan was created with");
}

/// A swap approval checks the people it moves against their shifts in other plans, not everyone
/// on the plan: a clash someone else has (here, after the plan's rest rule was raised) does not
/// block it.
async fn a_swap_is_judged_by_the_people_it_moves(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    let [night_worker, giver, taker] = [("9600011", "Natt"), ("9600012", "Gir"), ("9600013", "Tar")];
    let mut ids = Vec::new();
    for (hpr, name) in [night_worker, giver, taker] {
        ids.push(add_staff(&mut client, doctor(&district.id, hpr, name, 1980, true)).await.id);
    }
    let period = Period::next_spring();
    let publish = |plan_id: &str| pb::PublishShiftPlanRequest {
        plan_id: plan_id.into(),
        acknowledge_violations: true,
        ..Default::default()
    };
    // The night worker's night from day 1 in one plan; in another, their day shift on day 3 and the
    // giver's on day 5.
    let nights = create_plan(&mut client, &district.id, "Netter").await.id;
    client
        .legevakt
        .edit_shift_plan(pb::EditShiftPlanRequest {
            plan_id: nights.clone(),
            edits: vec![pb::ShiftPlanEdit {
                edit: Some(pb::shift_plan_edit::Edit::Assign(pb::ShiftAssignmentChange {
                    shift_id: period.shift(1, "N"),
                    staff_member_id: ids[0].clone(),
                })),
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    client.legevakt.publish_shift_plan(publish(&nights)).await.unwrap();
    let days = create_plan(&mut client, &district.id, "Dager").await;
    client
        .legevakt
        .edit_shift_plan(pb::EditShiftPlanRequest {
            plan_id: days.id.clone(),
            edits: [(3, &ids[0]), (5, &ids[1])]
                .map(|(day, member)| pb::ShiftPlanEdit {
                    edit: Some(pb::shift_plan_edit::Edit::Assign(pb::ShiftAssignmentChange {
                        shift_id: period.shift(day, "D"),
                        staff_member_id: member.clone(),
                    })),
                })
                .to_vec(),
            ..Default::default()
        })
        .await
        .unwrap();
    client.legevakt.publish_shift_plan(publish(&days.id)).await.unwrap();
    // Rest of 30 hours: the night worker's day shift, 24 hours after the night, now clashes with it.
    let current = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest { plan_id: days.id.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    let rules = pb::PlanningRules { min_rest_hours_on_site: Some(30), ..current.rules.clone().unwrap() };
    client
        .legevakt
        .update_shift_plan(pb::UpdateShiftPlanRequest {
            plan: Some(pb::ShiftPlan { id: days.id.clone(), rules: Some(rules), ..Default::default() }),
            update_mask: Some(prost_types::FieldMask { paths: vec!["rules".into()] }),
            ..Default::default()
        })
        .await
        .unwrap();
    // The giver hands the day-5 shift to the taker, who has no other shift.
    let swap = client
        .legevakt
        .create_shift_swap(pb::CreateShiftSwapRequest {
            request_id: String::new(),
            swap: Some(pb::ShiftSwap {
                plan_id: days.id.clone(),
                kind: pb::ShiftSwapKind::GiveAway.into(),
                requester_staff_member_id: ids[1].clone(),
                offered_shift_id: period.shift(5, "D"),
                counterparty_staff_member_id: ids[2].clone(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    let accepted = client
        .legevakt
        .accept_shift_swap(pb::AcceptShiftSwapRequest {
            swap_id: swap.id.clone(),
            acting_staff_member_id: ids[2].clone(),
            etag: swap.etag.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let approved = client
        .legevakt
        .approve_shift_swap(pb::ApproveShiftSwapRequest {
            swap_id: swap.id.clone(),
            etag: accepted.etag.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(approved.state, pb::ShiftSwapState::Approved as i32);
    // The clash the night worker has is still there, and still named.
    let explanation = client
        .legevakt
        .explain_shift_plan(pb::ExplainShiftPlanRequest { plan_id: days.id.clone(), version: 0 })
        .await
        .unwrap()
        .into_inner();
    assert!(
        explanation.violations.iter().any(|violation| violation.kind == pb::ConstraintKind::Rest as i32
            && violation.staff_member_id == ids[0]
            && violation.message.contains("of the published plan Netter")),
        "{:?}",
        explanation.violations
    );
}

/// A plan with nothing to cover costs nothing empty, which no roster beats: the solve ends long
/// before its limit and says the result is optimal. A plan with a cost no roster avoids, and
/// fairness to weigh, is not called optimal, and its time to best is within its run.
async fn a_solve_that_reaches_its_bound_ends_early_and_says_so(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    staff(&mut client, &district.id).await;
    let staffed = create_plan(&mut client, &district.id, "Bemannet").await;
    let empty = create_plan(&mut client, &district.id, "Uten dekning").await;
    client
        .legevakt
        .set_cover_requirements(pb::SetCoverRequirementsRequest {
            plan_id: empty.id.clone(),
            replace_all: true,
            ..Default::default()
        })
        .await
        .unwrap();

    let last = solve(&mut client, &empty.id, 30).await.pop().unwrap();
    assert_eq!(last.state, pb::SolveState::Succeeded as i32);
    assert_eq!(last.best_score, Some(pb::ShiftPlanScore { hard_violations: 0, objective: 0 }));
    assert!(last.proven_optimal);
    assert!(seconds(&last.elapsed) < 20.0, "stopped at the bound, not the limit: {:?}", last.elapsed);

    // More doctors preferred on one shift than the district has: a cost no roster avoids.
    client
        .legevakt
        .set_cover_requirements(pb::SetCoverRequirementsRequest {
            plan_id: staffed.id.clone(),
            requirements: vec![pb::CoverRequirement {
                date: Some(Period::next_spring().proto(0)),
                shift_type_code: "D".into(),
                min_count: 1,
                preferred_count: 20,
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    let last = solve(&mut client, &staffed.id, 2).await.pop().unwrap();
    assert_eq!(last.state, pb::SolveState::Succeeded as i32);
    let best = last.best_score.unwrap();
    assert!(best.objective > 0);
    assert!(!last.proven_optimal);
    assert!(seconds(&last.time_to_best) <= seconds(&last.elapsed));
}

fn seconds(duration: &Option<prost_types::Duration>) -> f64 {
    let duration = duration.unwrap();
    duration.seconds as f64 + f64::from(duration.nanos) / 1e9
}

/// Publication judges the draft by the rules as they stand (an absence recorded after the solve
/// makes it break one), and stores that score. A doctor whose period on the staff is ended before
/// the published plan's start stays in it, so that it still explains and re-plans: their shifts
/// break "not on staff", and a re-plan moves them all.
async fn a_draft_is_published_by_the_rules_as_they_stand_and_a_leaver_is_replanned_away(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    let (doctors, _nurses) = staff(&mut client, &district.id).await;
    let period = Period::next_spring();
    let plan = create_plan(&mut client, &district.id, "Vår").await;
    let wish = |day: i64| pb::CreateShiftRequestRequest {
        request_id: String::new(),
        shift_request: Some(pb::ShiftRequest {
            plan_id: plan.id.clone(),
            staff_member_id: doctors[1].id.clone(),
            date: Some(period.proto(day)),
            kind: pb::ShiftRequestKind::Avoid.into(),
            weight: 1,
            ..Default::default()
        }),
    };
    let early_wish = client.legevakt.create_shift_request(wish(4)).await.unwrap().into_inner();
    let solved = solve(&mut client, &plan.id, 2).await.pop().unwrap();
    assert_eq!(solved.best_score.unwrap().hard_violations, 0);
    let draft = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest {
            plan_id: plan.id.clone(),
            version: solved.result_version,
            view: pb::ShiftPlanView::Full.into(),
        })
        .await
        .unwrap()
        .into_inner();
    let holder_of = |shifts: &[pb::Shift], shift_id: &str| {
        shifts
            .iter()
            .find(|shift| shift.id == shift_id)
            .and_then(|shift| shift.assignments.first())
            .map(|assignment| assignment.staff_member_id.clone())
            .expect("the shift is staffed")
    };

    // Sick on the first Tuesday, after the draft was made: publishing it breaks a hard rule now.
    let sick = holder_of(&draft.shifts, &period.shift(1, "D"));
    let absence = client
        .legevakt
        .create_unavailability(pb::CreateUnavailabilityRequest {
            request_id: String::new(),
            unavailability: Some(pb::Unavailability {
                staff_member_id: sick.clone(),
                start_time: Some(period.midnight(1)),
                end_time: Some(period.midnight(2)),
                reason: pb::UnavailabilityReason::SickLeave.into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    let publish = |acknowledge: bool| pb::PublishShiftPlanRequest {
        plan_id: plan.id.clone(),
        version: solved.result_version,
        acknowledge_violations: acknowledge,
        ..Default::default()
    };
    let refused = error(client.legevakt.publish_shift_plan(publish(false)).await);
    assert_eq!(refused.code(), Some(Code::FailedPrecondition));
    assert_eq!(refused.reason(), Some("VIOLATIONS_NOT_ACKNOWLEDGED"));
    let published = client.legevakt.publish_shift_plan(publish(true)).await.unwrap().into_inner();
    let published_score = published.score.unwrap();
    assert!(published_score.hard_violations > 0, "the version carries the score it was published with");
    // The request window closed with the publication: no new wish, and none withdrawn.
    let late = error(client.legevakt.create_shift_request(wish(5)).await);
    assert_eq!(late.reason(), Some("REQUEST_WINDOW_CLOSED"));
    let withdrawn = error(
        client
            .legevakt
            .delete_shift_request(pb::DeleteShiftRequestRequest {
                shift_request_id: early_wish.id.clone(),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(withdrawn.reason(), Some("REQUEST_WINDOW_CLOSED"));
    client
        .legevakt
        .delete_unavailability(pb::DeleteUnavailabilityRequest {
            unavailability_id: absence.id,
            ..Default::default()
        })
        .await
        .unwrap();

    // A doctor leaves the day before the plan starts.
    let leaver_id = holder_of(&draft.shifts, &period.shift(3, "N"));
    let leaver = doctors.iter().find(|doctor| doctor.id == leaver_id).unwrap();
    let the_day_before = period.proto(-1);
    client
        .legevakt
        .update_staff_member(pb::UpdateStaffMemberRequest {
            staff_member: Some(pb::StaffMember {
                id: leaver.id.clone(),
                valid_to: Some(the_day_before),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask { paths: vec!["valid_to".into()] }),
            ..Default::default()
        })
        .await
        .unwrap();
    let explained = client
        .legevakt
        .explain_shift_plan(pb::ExplainShiftPlanRequest { plan_id: plan.id.clone(), version: 0 })
        .await
        .unwrap()
        .into_inner();
    let leaver_shifts = draft
        .shifts
        .iter()
        .filter(|shift| shift.assignments.iter().any(|assignment| assignment.staff_member_id == leaver_id))
        .count();
    let off_staff = explained
        .violations
        .iter()
        .filter(|violation| {
            violation.kind == pb::ConstraintKind::NotOnStaff as i32 && violation.staff_member_id == leaver_id
        })
        .count();
    assert_eq!(off_staff, leaver_shifts, "each of the leaver's shifts breaks the rule");

    let replanned = solve_with(
        &mut client,
        pb::SolveShiftPlanRequest {
            plan_id: plan.id.clone(),
            mode: pb::SolveMode::Replan.into(),
            time_limit: Some(prost_types::Duration { seconds: 3, nanos: 0 }),
            seed: Some(5),
            replan_from_time: Some(period.midnight(0)),
            ..Default::default()
        },
    )
    .await
    .pop()
    .unwrap();
    assert_eq!(replanned.state, pb::SolveState::Succeeded as i32);
    assert_eq!(replanned.best_score.unwrap().hard_violations, 0);
    let after = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest {
            plan_id: plan.id.clone(),
            version: replanned.result_version,
            view: pb::ShiftPlanView::Full.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        after
            .shifts
            .iter()
            .all(|shift| shift.assignments.iter().all(|assignment| assignment.staff_member_id != leaver_id)),
        "the leaver holds no shift after the re-plan"
    );
}

/// A staff member holding no shift yet may be deleted while a solve runs. The roster the solve
/// then stores would name someone who no longer exists: the solve fails with NOT_FOUND instead
/// (or, should its roster leave them out, stores it), and no stored version names them.
async fn a_staff_member_deleted_during_a_solve_is_left_out_of_its_roster(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    let (doctors, _nurses) = staff(&mut client, &district.id).await;
    let plan = create_plan(&mut client, &district.id, "Sletting").await;
    let mut stream = client
        .legevakt
        .solve_shift_plan(pb::SolveShiftPlanRequest {
            plan_id: plan.id.clone(),
            time_limit: Some(prost_types::Duration { seconds: 3, nanos: 0 }),
            seed: Some(2),
            progress_interval: Some(prost_types::Duration { seconds: 0, nanos: 200_000_000 }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let running = stream.message().await.unwrap().unwrap().solve.unwrap();
    assert_eq!(running.state, pb::SolveState::Running as i32);
    let deleted = doctors[0].id.clone();
    client
        .legevakt
        .delete_staff_member(pb::DeleteStaffMemberRequest {
            staff_member_id: deleted.clone(),
            ..Default::default()
        })
        .await
        .expect("nobody holds a shift of theirs yet");
    // The roster is stored without them, their shifts open and scored as such.
    let mut last = running;
    while let Some(progress) = stream.message().await.expect("the solve stores what it found") {
        last = progress.solve.unwrap();
    }
    assert_eq!(last.state, pb::SolveState::Succeeded as i32);
    assert!(last.message.contains("deleted while the solve ran"), "{}", last.message);
    let explained = client
        .legevakt
        .explain_shift_plan(pb::ExplainShiftPlanRequest {
            plan_id: plan.id.clone(),
            version: last.result_version,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(explained.score, last.best_score);
    let versions = client
        .legevakt
        .list_shift_plan_versions(pb::ListShiftPlanVersionsRequest {
            plan_id: plan.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .versions;
    for version in versions {
        let shown = client
            .legevakt
            .get_shift_plan(pb::GetShiftPlanRequest {
                plan_id: plan.id.clone(),
                version: version.version,
                view: pb::ShiftPlanView::Full.into(),
            })
            .await
            .unwrap()
            .into_inner();
        assert!(
            shown.shifts.iter().all(|shift| shift.assignments.iter().all(|a| a.staff_member_id != deleted)),
            "version {} names the deleted staff member",
            version.version
        );
    }

    // A shift type only a request names is in use too: deleting it would leave the request naming
    // an unknown code, and every solve of the plan refused.
    create_shift_type(
        &mut client,
        pb::ShiftType {
            district_id: district.id.clone(),
            code: "EKSTRA".into(),
            name: "Ekstravakt".into(),
            start_time: Some(pb::LocalTime { hours: 12, minutes: 0 }),
            length_minutes: 240,
            category: pb::ShiftCategory::Day.into(),
            mode: pb::ShiftMode::OnSite.into(),
            role: pb::ShiftRole::Doctor.into(),
            ..Default::default()
        },
    )
    .await;
    client
        .legevakt
        .create_shift_request(pb::CreateShiftRequestRequest {
            request_id: String::new(),
            shift_request: Some(pb::ShiftRequest {
                plan_id: plan.id.clone(),
                staff_member_id: doctors[1].id.clone(),
                date: Some(Period::next_spring().proto(4)),
                shift_type_code: "EKSTRA".into(),
                kind: pb::ShiftRequestKind::Want.into(),
                weight: 2,
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    let in_use = error(
        client
            .legevakt
            .delete_shift_type(pb::DeleteShiftTypeRequest {
                district_id: district.id.clone(),
                code: "EKSTRA".into(),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(in_use.reason(), Some("SHIFT_TYPE_IN_USE"));
    let request_for_deleted = error(
        client
            .legevakt
            .create_shift_request(pb::CreateShiftRequestRequest {
                request_id: String::new(),
                shift_request: Some(pb::ShiftRequest {
                    plan_id: plan.id.clone(),
                    staff_member_id: deleted.clone(),
                    date: Some(Period::next_spring().proto(4)),
                    kind: pb::ShiftRequestKind::Avoid.into(),
                    weight: 2,
                    ..Default::default()
                }),
            })
            .await,
    );
    assert_eq!(request_for_deleted.code(), Some(Code::NotFound));
}

/// Two updates without an etag, of different fields of one staff member, at the same time: each
/// merges its field into the row as it finds it under the lock, so neither undoes the other.
async fn concurrent_updates_of_different_fields_both_land(server: &TestServer) {
    let mut client = server.client().await;
    let district = district(&mut client).await;
    let (doctors, _nurses) = staff(&mut client, &district.id).await;
    let member = &doctors[0];
    let update = |path: &str, value: String| {
        let mut staff_member = pb::StaffMember { id: member.id.clone(), ..Default::default() };
        match path {
            "given_name" => staff_member.given_name = value,
            _ => staff_member.family_name = value,
        }
        pb::UpdateStaffMemberRequest {
            staff_member: Some(staff_member),
            update_mask: Some(prost_types::FieldMask { paths: vec![path.into()] }),
            ..Default::default()
        }
    };
    for round in 0..12 {
        let (mut first, mut second) = (client.clone(), client.clone());
        let given = format!("Fornavn{round}");
        let family = format!("Etternavn{round}");
        let (a, b) = tokio::join!(
            first.legevakt.update_staff_member(update("given_name", given.clone())),
            second.legevakt.update_staff_member(update("family_name", family.clone())),
        );
        a.unwrap();
        b.unwrap();
        let stored = client
            .legevakt
            .get_staff_member(pb::GetStaffMemberRequest { staff_member_id: member.id.clone() })
            .await
            .unwrap()
            .into_inner();
        assert_eq!((stored.given_name, stored.family_name), (given, family), "round {round}");
    }
}
