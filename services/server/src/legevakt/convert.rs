//! Conversions between `allmenn.v1` legevakt messages and stored rows, with validation that collects
//! every field violation. Rules, competence and templates are stored as their encoded messages with
//! the documented defaults filled in, so a read always shows the rules in force.

use allmenn_domain::{competence, holidays};
use allmenn_proto::v1 as pb;
use allmenn_store::entity::legevakt::{
    cover_requirement, district, exemption, plan_solve, plan_version, shift_plan, shift_request, shift_swap,
    shift_type, staff_member, unavailability,
};
use chrono::{NaiveDate, Utc};
use prost::Message;

use crate::{
    convert::{self, etag, to_date, to_timestamp},
    error::Violations,
};

/// Most people on one shift.
pub(super) const MAX_COUNT: i32 = 20;

// ----- enums ------------------------------------------------------------------------------------

/// Stored name of a shift category.
pub(super) fn category_name(category: pb::ShiftCategory) -> Option<&'static str> {
    Some(match category {
        pb::ShiftCategory::Day => "day",
        pb::ShiftCategory::Evening => "evening",
        pb::ShiftCategory::Night => "night",
        pb::ShiftCategory::Weekend => "weekend",
        pb::ShiftCategory::Holiday => "holiday",
        pb::ShiftCategory::Unspecified => return None,
    })
}

/// Shift category of a stored name.
pub(super) fn category_of(name: &str) -> pb::ShiftCategory {
    match name {
        "day" => pb::ShiftCategory::Day,
        "evening" => pb::ShiftCategory::Evening,
        "night" => pb::ShiftCategory::Night,
        "weekend" => pb::ShiftCategory::Weekend,
        "holiday" => pb::ShiftCategory::Holiday,
        _ => pb::ShiftCategory::Unspecified,
    }
}

/// Stored name of a shift role.
pub(super) fn role_name(role: pb::ShiftRole) -> Option<&'static str> {
    Some(match role {
        pb::ShiftRole::Doctor => "doctor",
        pb::ShiftRole::Bakvakt => "bakvakt",
        pb::ShiftRole::Nurse => "nurse",
        pb::ShiftRole::Unspecified => return None,
    })
}

/// Shift role of a stored name.
pub(super) fn role_of(name: &str) -> pb::ShiftRole {
    match name {
        "doctor" => pb::ShiftRole::Doctor,
        "bakvakt" => pb::ShiftRole::Bakvakt,
        "nurse" => pb::ShiftRole::Nurse,
        _ => pb::ShiftRole::Unspecified,
    }
}

/// Stored name of a shift mode.
pub(super) fn mode_name(mode: pb::ShiftMode) -> Option<&'static str> {
    Some(match mode {
        pb::ShiftMode::OnSite => "on_site",
        pb::ShiftMode::OnCall => "on_call",
        pb::ShiftMode::Unspecified => return None,
    })
}

/// Shift mode of a stored name.
pub(super) fn mode_of(name: &str) -> pb::ShiftMode {
    match name {
        "on_site" => pb::ShiftMode::OnSite,
        "on_call" => pb::ShiftMode::OnCall,
        _ => pb::ShiftMode::Unspecified,
    }
}

fn profession_of(name: &str) -> pb::StaffProfession {
    match name {
        "doctor" => pb::StaffProfession::Doctor,
        "nurse" => pb::StaffProfession::Nurse,
        _ => pb::StaffProfession::Unspecified,
    }
}

/// Stored name of a profession.
pub(super) fn profession_name(profession: pb::StaffProfession) -> Option<&'static str> {
    Some(match profession {
        pb::StaffProfession::Doctor => "doctor",
        pb::StaffProfession::Nurse => "nurse",
        pb::StaffProfession::Unspecified => return None,
    })
}

fn exemption_reason_of(name: &str) -> pb::ExemptionReason {
    match name {
        "health" => pb::ExemptionReason::Health,
        "pregnancy" => pb::ExemptionReason::Pregnancy,
        "social" => pb::ExemptionReason::Social,
        "other" => pb::ExemptionReason::Other,
        "age" => pb::ExemptionReason::Age,
        _ => pb::ExemptionReason::Unspecified,
    }
}

/// Stored name of an exemption reason that may be recorded (age exemptions are derived).
pub(super) fn exemption_reason_name(reason: pb::ExemptionReason) -> Option<&'static str> {
    Some(match reason {
        pb::ExemptionReason::Health => "health",
        pb::ExemptionReason::Pregnancy => "pregnancy",
        pb::ExemptionReason::Social => "social",
        pb::ExemptionReason::Other => "other",
        pb::ExemptionReason::Age | pb::ExemptionReason::Unspecified => return None,
    })
}

/// Stored name of an unavailability reason (unspecified is OTHER).
pub(super) fn unavailability_reason_name(reason: pb::UnavailabilityReason) -> &'static str {
    match reason {
        pb::UnavailabilityReason::Vacation => "vacation",
        pb::UnavailabilityReason::Course => "course",
        pb::UnavailabilityReason::SickLeave => "sick_leave",
        pb::UnavailabilityReason::ParentalLeave => "parental_leave",
        pb::UnavailabilityReason::Other | pb::UnavailabilityReason::Unspecified => "other",
    }
}

/// The reason of a stored unavailability name (unknown names are OTHER).
pub(super) fn unavailability_reason_of(name: &str) -> pb::UnavailabilityReason {
    match name {
        "vacation" => pb::UnavailabilityReason::Vacation,
        "course" => pb::UnavailabilityReason::Course,
        "sick_leave" => pb::UnavailabilityReason::SickLeave,
        "parental_leave" => pb::UnavailabilityReason::ParentalLeave,
        _ => pb::UnavailabilityReason::Other,
    }
}

/// Stored name of a swap state.
pub(super) fn swap_state_name(state: pb::ShiftSwapState) -> &'static str {
    match state {
        pb::ShiftSwapState::AwaitingCounterparty => "awaiting_counterparty",
        pb::ShiftSwapState::Open => "open",
        pb::ShiftSwapState::AwaitingApproval => "awaiting_approval",
        pb::ShiftSwapState::Approved => "approved",
        pb::ShiftSwapState::Declined => "declined",
        pb::ShiftSwapState::Rejected => "rejected",
        pb::ShiftSwapState::Cancelled => "cancelled",
        pb::ShiftSwapState::Expired => "expired",
        pb::ShiftSwapState::Unspecified => "unspecified",
    }
}

fn swap_state_of(name: &str) -> pb::ShiftSwapState {
    [
        pb::ShiftSwapState::AwaitingCounterparty,
        pb::ShiftSwapState::Open,
        pb::ShiftSwapState::AwaitingApproval,
        pb::ShiftSwapState::Approved,
        pb::ShiftSwapState::Declined,
        pb::ShiftSwapState::Rejected,
        pb::ShiftSwapState::Cancelled,
        pb::ShiftSwapState::Expired,
    ]
    .into_iter()
    .find(|state| swap_state_name(*state) == name)
    .unwrap_or(pb::ShiftSwapState::Unspecified)
}

/// Stored name of a swap kind.
pub(super) fn swap_kind_name(kind: pb::ShiftSwapKind) -> Option<&'static str> {
    Some(match kind {
        pb::ShiftSwapKind::Direct => "direct",
        pb::ShiftSwapKind::GiveAway => "give_away",
        pb::ShiftSwapKind::OpenPool => "open_pool",
        pb::ShiftSwapKind::Unspecified => return None,
    })
}

fn swap_kind_of(name: &str) -> pb::ShiftSwapKind {
    match name {
        "direct" => pb::ShiftSwapKind::Direct,
        "give_away" => pb::ShiftSwapKind::GiveAway,
        "open_pool" => pb::ShiftSwapKind::OpenPool,
        _ => pb::ShiftSwapKind::Unspecified,
    }
}

/// Stored name of a solve mode.
pub(super) fn solve_mode_name(mode: pb::SolveMode) -> &'static str {
    match mode {
        pb::SolveMode::Improve => "improve",
        pb::SolveMode::Replan => "replan",
        pb::SolveMode::FromScratch | pb::SolveMode::Unspecified => "from_scratch",
    }
}

fn solve_mode_of(name: &str) -> pb::SolveMode {
    match name {
        "improve" => pb::SolveMode::Improve,
        "replan" => pb::SolveMode::Replan,
        _ => pb::SolveMode::FromScratch,
    }
}

fn solve_state_of(name: &str) -> pb::SolveState {
    match name {
        "running" => pb::SolveState::Running,
        "succeeded" => pb::SolveState::Succeeded,
        "cancelled" => pb::SolveState::Cancelled,
        "failed" => pb::SolveState::Failed,
        _ => pb::SolveState::Unspecified,
    }
}

// ----- defaults ---------------------------------------------------------------------------------

/// Fills the documented defaults into planning rules.
pub(super) fn rules_with_defaults(rules: Option<pb::PlanningRules>) -> pb::PlanningRules {
    let mut rules = rules.unwrap_or_default();
    rules.min_rest_hours_on_site.get_or_insert(8);
    rules.min_rest_hours_on_call.get_or_insert(8);
    if rules.forbidden_successions.is_empty() {
        rules.forbidden_successions.push(pb::ForbiddenSuccession {
            from_category: pb::ShiftCategory::Night.into(),
            to_category: pb::ShiftCategory::Day.into(),
        });
    }
    let weights = rules.weights.get_or_insert_with(Default::default);
    weights.cover_below_preferred.get_or_insert(100);
    weights.cover_above_preferred.get_or_insert(50);
    weights.request_not_granted.get_or_insert(10);
    weights.fairness_deviation.get_or_insert(1);
    weights.change_from_published.get_or_insert(1000);
    weights.shift_on_free_day.get_or_insert(1000);
    let rates = rules.fairness_rates.get_or_insert_with(Default::default);
    rates.day.get_or_insert(1.0);
    rates.evening.get_or_insert(1.5);
    rates.night.get_or_insert(2.0);
    rates.weekend.get_or_insert(2.0);
    rates.holiday.get_or_insert(3.0);
    rates.on_call_factor.get_or_insert(0.5);
    rules.default_limits.get_or_insert_with(Default::default);
    rules
}

/// Fills the documented defaults into a competence rule (akuttmedisinforskriften § 7).
pub(super) fn competence_rule_with_defaults(rule: Option<pb::CompetenceRule>) -> pb::CompetenceRule {
    let mut rule = rule.unwrap_or_default();
    let section_7 = competence::CompetenceRule::akuttmedisinforskriften_section_7();
    rule.min_clinical_service_months.get_or_insert(to_i32(section_7.min_clinical_service_months));
    rule.min_municipal_gp_months.get_or_insert(to_i32(section_7.min_municipal_gp_months));
    rule.min_legevakt_shifts.get_or_insert(to_i32(section_7.min_legevakt_shifts));
    rule.require_acute_medicine_course.get_or_insert(section_7.require_course_emergency_medicine);
    rule.specialists_exempt_from_acute_medicine_course
        .get_or_insert(section_7.specialists_exempt_from_course_emergency_medicine);
    rule.require_violence_course.get_or_insert(section_7.require_course_violence_and_abuse);
    rule
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn to_u32(value: Option<i32>) -> u32 {
    value.and_then(|value| u32::try_from(value).ok()).unwrap_or(0)
}

/// The domain rule of a stored competence rule.
pub(super) fn domain_competence_rule(rule: &pb::CompetenceRule) -> competence::CompetenceRule {
    competence::CompetenceRule {
        min_clinical_service_months: to_u32(rule.min_clinical_service_months),
        min_municipal_gp_months: to_u32(rule.min_municipal_gp_months),
        min_legevakt_shifts: to_u32(rule.min_legevakt_shifts),
        require_course_emergency_medicine: rule.require_acute_medicine_course.unwrap_or(true),
        specialists_exempt_from_course_emergency_medicine: rule
            .specialists_exempt_from_acute_medicine_course
            .unwrap_or(true),
        require_course_violence_and_abuse: rule.require_violence_course.unwrap_or(true),
        lis1_suffices: rule.lis1_sufficient,
    }
}

/// The domain facts of stored competence facts.
pub(super) fn domain_competence_facts(facts: &pb::CompetenceFacts) -> competence::DoctorCompetenceFacts {
    competence::DoctorCompetenceFacts {
        specialist_general_practice: facts.general_practice_specialist,
        approved_general_practitioner: facts.approved_general_practitioner,
        clinical_service_months: to_u32(Some(facts.clinical_service_months)),
        municipal_gp_months: to_u32(Some(facts.municipal_gp_months)),
        legevakt_shifts_done: to_u32(Some(facts.legevakt_shifts_completed)),
        course_emergency_medicine: facts.acute_medicine_course_date.is_some(),
        course_violence_and_abuse: facts.violence_course_date.is_some(),
        completed_lis1: facts.lis1_completed,
    }
}

/// Decodes a stored message, falling back to the default for an empty or unreadable blob.
pub(super) fn decode<M: Message + Default>(bytes: &[u8]) -> M {
    M::decode(bytes).unwrap_or_default()
}

// ----- validation helpers -----------------------------------------------------------------------

fn validate_rules(violations: &mut Violations, field: &str, rules: &pb::PlanningRules) {
    for (name, value) in [
        ("min_rest_hours_on_site", rules.min_rest_hours_on_site),
        ("min_rest_hours_on_call", rules.min_rest_hours_on_call),
    ] {
        if value.is_some_and(|hours| !(0..=48).contains(&hours)) {
            violations.add(format!("{field}.{name}"), "must be between 0 and 48 hours");
        }
    }
    for (index, succession) in rules.forbidden_successions.iter().enumerate() {
        if pb::ShiftCategory::try_from(succession.from_category).ok().and_then(category_name).is_none()
            || pb::ShiftCategory::try_from(succession.to_category).ok().and_then(category_name).is_none()
        {
            violations.add(format!("{field}.forbidden_successions[{index}]"), "both categories are required");
        }
    }
    if let Some(limits) = &rules.default_limits {
        validate_limits(violations, &format!("{field}.default_limits"), limits);
    }
    if let Some(weights) = &rules.weights {
        for (name, value) in [
            ("cover_below_preferred", weights.cover_below_preferred),
            ("cover_above_preferred", weights.cover_above_preferred),
            ("request_not_granted", weights.request_not_granted),
            ("fairness_deviation", weights.fairness_deviation),
            ("change_from_published", weights.change_from_published),
            ("shift_on_free_day", weights.shift_on_free_day),
        ] {
            if value.is_some_and(|weight| !(0..=1_000_000).contains(&weight)) {
                violations.add(format!("{field}.weights.{name}"), "must be between 0 and 1,000,000");
            }
        }
    }
    if let Some(rates) = &rules.fairness_rates {
        for (name, value) in [
            ("day", rates.day),
            ("evening", rates.evening),
            ("night", rates.night),
            ("weekend", rates.weekend),
            ("holiday", rates.holiday),
            ("on_call_factor", rates.on_call_factor),
        ] {
            if value.is_some_and(|rate| !(0.0..=100.0).contains(&rate)) {
                violations.add(format!("{field}.fairness_rates.{name}"), "must be between 0 and 100");
            }
        }
    }
}

fn validate_limits(violations: &mut Violations, field: &str, limits: &pb::StaffLimits) {
    for (name, value) in [
        ("max_shifts_per_period", limits.max_shifts_per_period),
        ("max_consecutive_shifts", limits.max_consecutive_shifts),
        ("max_weekends_per_period", limits.max_weekends_per_period),
        ("max_night_shifts_per_period", limits.max_night_shifts_per_period),
    ] {
        if value.is_some_and(|limit| !(0..=400).contains(&limit)) {
            violations.add(format!("{field}.{name}"), "must be between 0 and 400");
        }
    }
}

fn validate_template(
    violations: &mut Violations,
    field: &str,
    template: &pb::WeeklyCoverTemplate,
    known_codes: Option<&[String]>,
) {
    for (rows, name) in [(&template.rows, "rows"), (&template.holiday_rows, "holiday_rows")] {
        let mut seen = std::collections::BTreeSet::new();
        for (index, row) in rows.iter().enumerate() {
            let path = format!("{field}.{name}[{index}]");
            // Holiday rows hold for every holiday: their weekday is not part of what they say.
            let day = if name == "rows" { row.day_of_week } else { 0 };
            if !seen.insert((day, row.shift_type_code.as_str())) {
                violations
                    .add(path.clone(), "repeats a (weekday, shift type) given before (contradictory cover)");
            }
            if name == "rows" {
                match pb::DayOfWeek::try_from(row.day_of_week) {
                    Ok(pb::DayOfWeek::Unspecified) => {
                        violations.add(format!("{path}.day_of_week"), "is required")
                    }
                    Ok(_) => {}
                    Err(_) => {
                        violations.add(format!("{path}.day_of_week"), "is not a day of the week (1 to 7)")
                    }
                }
            }
            if let Some(codes) = known_codes
                && !codes.contains(&row.shift_type_code)
            {
                violations.add(format!("{path}.shift_type_code"), "is not a shift type of the district");
            }
            validate_counts(violations, &path, row.min_count, row.preferred_count);
        }
    }
}

/// Checks that a template names only the district's shift types and has consistent counts.
pub(super) fn validate_template_codes(
    violations: &mut Violations,
    field: &str,
    template: &pb::WeeklyCoverTemplate,
    codes: &[String],
) {
    validate_template(violations, field, template, Some(codes));
}

/// Checks a (minimum, preferred) pair of cover counts.
pub(super) fn validate_counts(violations: &mut Violations, path: &str, min: i32, preferred: i32) {
    if !(0..=MAX_COUNT).contains(&min) {
        violations.add(format!("{path}.min_count"), format!("must be between 0 and {MAX_COUNT}"));
    }
    if !(0..=MAX_COUNT).contains(&preferred) || preferred < min {
        violations.add(
            format!("{path}.preferred_count"),
            format!("must be at least min_count and at most {MAX_COUNT} (contradictory cover)"),
        );
    }
}

// ----- districts --------------------------------------------------------------------------------

/// A new district row from a request, or every field violation.
pub(super) fn new_district(
    violations: &mut Violations,
    district: &pb::LegevaktDistrict,
) -> Option<district::Model> {
    let name = convert::text(violations, "district.name", &district.name, 200);
    let host = violations.check(
        "district.host_kommune_number",
        allmenn_domain::Kommunenummer::parse(&district.host_kommune_number),
    );
    let mut participants = Vec::new();
    for (index, kommune) in district.participant_kommune_numbers.iter().enumerate() {
        let field = format!("district.participant_kommune_numbers[{index}]");
        if let Some(number) = violations.check(&field, allmenn_domain::Kommunenummer::parse(kommune)) {
            if Some(number) == host || participants.contains(&number) {
                violations.add(field, "repeats the host or another participant");
            } else {
                participants.push(number);
            }
        }
    }
    if let Some(rules) = &district.default_rules {
        validate_rules(violations, "district.default_rules", rules);
    }
    if let Some(template) = &district.default_cover_template {
        // Shift types are created after the district: their codes are checked when a plan uses the template.
        validate_template(violations, "district.default_cover_template", template, None);
    }
    if let Some(rule) = &district.competence_rule {
        for (name, value) in [
            ("min_clinical_service_months", rule.min_clinical_service_months),
            ("min_municipal_gp_months", rule.min_municipal_gp_months),
            ("min_legevakt_shifts", rule.min_legevakt_shifts),
        ] {
            if value.is_some_and(|value| !(0..=10_000).contains(&value)) {
                violations.add(format!("district.competence_rule.{name}"), "must be between 0 and 10,000");
            }
        }
    }
    let exemption_age = district.exemption_age_years.unwrap_or(60);
    if !(40..=80).contains(&exemption_age) {
        violations.add("district.exemption_age_years", "must be between 40 and 80");
    }
    let now = Utc::now();
    Some(district::Model {
        id: uuid::Uuid::now_v7(),
        name: name?,
        host_kommune_number: host?.as_str().to_owned(),
        participant_kommune_numbers: participants
            .iter()
            .map(|number| number.as_str())
            .collect::<Vec<_>>()
            .join(","),
        default_rules: rules_with_defaults(district.default_rules.clone()).encode_to_vec(),
        competence_rule: competence_rule_with_defaults(district.competence_rule).encode_to_vec(),
        default_cover_template: district.default_cover_template.clone().unwrap_or_default().encode_to_vec(),
        exemption_age_years: exemption_age,
        version: 1,
        created_at: now,
        updated_at: now,
    })
}

/// The message of a stored district.
pub(super) fn district_message(district: &district::Model) -> pb::LegevaktDistrict {
    pb::LegevaktDistrict {
        id: district.id.to_string(),
        name: district.name.clone(),
        host_kommune_number: district.host_kommune_number.clone(),
        participant_kommune_numbers: district
            .participant_kommune_numbers
            .split(',')
            .filter(|number| !number.is_empty())
            .map(str::to_owned)
            .collect(),
        time_zone: "Europe/Oslo".to_owned(),
        default_rules: Some(decode(&district.default_rules)),
        competence_rule: Some(decode(&district.competence_rule)),
        default_cover_template: Some(decode(&district.default_cover_template)),
        exemption_age_years: Some(district.exemption_age_years),
        etag: etag(district.version),
        create_time: Some(to_timestamp(district.created_at)),
        update_time: Some(to_timestamp(district.updated_at)),
    }
}

// ----- staff ------------------------------------------------------------------------------------

/// A new staff row from a request, or every field violation.
pub(super) fn new_staff_member(
    violations: &mut Violations,
    member: &pb::StaffMember,
    district_id: uuid::Uuid,
    today: NaiveDate,
) -> Option<staff_member::Model> {
    let hpr =
        violations.check("staff_member.hpr_number", allmenn_domain::HprNumber::parse(&member.hpr_number));
    let given_name = convert::text(violations, "staff_member.given_name", &member.given_name, 200);
    let family_name = convert::text(violations, "staff_member.family_name", &member.family_name, 200);
    let profession = pb::StaffProfession::try_from(member.profession).ok().and_then(profession_name);
    if profession.is_none() {
        violations.add("staff_member.profession", "must be DOCTOR or NURSE");
    }
    let birth_date = convert::date(violations, "staff_member.birth_date", member.birth_date.as_ref());
    if profession == Some("doctor") && member.birth_date.is_none() {
        violations
            .add("staff_member.birth_date", "is required for doctors (the age exemption derives from it)");
    }
    let participation = member.participation_percentage.unwrap_or(100);
    if !(0..=100).contains(&participation) {
        violations.add("staff_member.participation_percentage", "must be between 0 and 100");
    }
    if let Some(facts) = &member.competence {
        for (name, value) in [
            ("clinical_service_months", facts.clinical_service_months),
            ("municipal_gp_months", facts.municipal_gp_months),
            ("legevakt_shifts_completed", facts.legevakt_shifts_completed),
        ] {
            if !(0..=10_000).contains(&value) {
                violations.add(format!("staff_member.competence.{name}"), "must be between 0 and 10,000");
            }
        }
    }
    if let Some(limits) = &member.limits {
        validate_limits(violations, "staff_member.limits", limits);
    }
    let valid_from = match &member.valid_from {
        Some(_) => convert::date(violations, "staff_member.valid_from", member.valid_from.as_ref()),
        None => Some(today),
    };
    let valid_to = convert::date(violations, "staff_member.valid_to", member.valid_to.as_ref());
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to < from
    {
        violations.add("staff_member.valid_to", "must not be before valid_from");
    }
    let now = Utc::now();
    Some(staff_member::Model {
        id: uuid::Uuid::now_v7(),
        district_id,
        hpr_number: hpr?.as_str().to_owned(),
        given_name: given_name?,
        family_name: family_name?,
        profession: profession?.to_owned(),
        birth_date,
        participation_percentage: participation,
        competence: member.competence.unwrap_or_default().encode_to_vec(),
        limits: member.limits.unwrap_or_default().encode_to_vec(),
        valid_from: valid_from?,
        valid_to,
        waives_age_exemption: member.waives_age_exemption,
        version: 1,
        created_at: now,
        updated_at: now,
    })
}

/// The message of a stored staff member, with competence computed by the district's rule.
pub(super) fn staff_message(
    member: &staff_member::Model,
    rule: &competence::CompetenceRule,
) -> pb::StaffMember {
    let facts: pb::CompetenceFacts = decode(&member.competence);
    let doctor = member.profession == "doctor";
    let verdict = rule.may_work_alone(&domain_competence_facts(&facts));
    let unmet = if doctor {
        verdict
            .missing
            .iter()
            .map(|missing| {
                i32::from(match missing {
                    competence::MissingRequirement::BasicCompetence { .. } => {
                        pb::CompetenceRequirement::BasicQualification
                    }
                    competence::MissingRequirement::GeneralPracticeExperience { .. } => {
                        pb::CompetenceRequirement::GeneralPracticeExperience
                    }
                    competence::MissingRequirement::CourseEmergencyMedicine => {
                        pb::CompetenceRequirement::AcuteMedicineCourse
                    }
                    competence::MissingRequirement::CourseViolenceAndAbuse => {
                        pb::CompetenceRequirement::ViolenceCourse
                    }
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    pb::StaffMember {
        id: member.id.to_string(),
        district_id: member.district_id.to_string(),
        hpr_number: member.hpr_number.clone(),
        given_name: member.given_name.clone(),
        family_name: member.family_name.clone(),
        profession: profession_of(&member.profession).into(),
        birth_date: member.birth_date.map(to_date),
        participation_percentage: Some(member.participation_percentage),
        competence: Some(facts),
        may_work_alone: doctor && verdict.may_work_alone,
        unmet_requirements: unmet,
        limits: Some(decode(&member.limits)),
        valid_from: Some(to_date(member.valid_from)),
        valid_to: member.valid_to.map(to_date),
        etag: etag(member.version),
        create_time: Some(to_timestamp(member.created_at)),
        update_time: Some(to_timestamp(member.updated_at)),
        waives_age_exemption: member.waives_age_exemption,
    }
}

// ----- shift types ------------------------------------------------------------------------------

/// Longest shift: one week on the wall clock.
const MAX_SHIFT_MINUTES: i32 = 10_080;

/// A new shift-type row from a request, or every field violation.
pub(super) fn new_shift_type(
    violations: &mut Violations,
    shift: &pb::ShiftType,
    district_id: uuid::Uuid,
) -> Option<shift_type::Model> {
    let code_ok = !shift.code.is_empty()
        && shift.code.len() <= 8
        && shift.code.chars().all(|character| character.is_ascii_alphanumeric() || character == '-');
    if !code_ok {
        violations.add("shift_type.code", "must be 1 to 8 letters, digits or '-'");
    }
    let name = convert::text(violations, "shift_type.name", &shift.name, 100);
    let start_minute = match &shift.start_time {
        Some(time) if (0..24).contains(&time.hours) && (0..60).contains(&time.minutes) => {
            Some(time.hours * 60 + time.minutes)
        }
        Some(_) => {
            violations.add("shift_type.start_time", "must be a time of day 00:00 to 23:59");
            None
        }
        None => {
            violations.add("shift_type.start_time", "is required");
            None
        }
    };
    if !(1..=MAX_SHIFT_MINUTES).contains(&shift.length_minutes) {
        violations.add("shift_type.length_minutes", format!("must be between 1 and {MAX_SHIFT_MINUTES}"));
    }
    let category = pb::ShiftCategory::try_from(shift.category).ok().and_then(category_name);
    if category.is_none() {
        violations.add("shift_type.category", "is required");
    }
    let mode = pb::ShiftMode::try_from(shift.mode).ok().and_then(mode_name);
    if mode.is_none() {
        violations.add("shift_type.mode", "is required");
    }
    let role = pb::ShiftRole::try_from(shift.role).ok().and_then(role_name);
    if role.is_none() {
        violations.add("shift_type.role", "is required");
    }
    if shift.fairness_points.is_some_and(|points| !(0.0..=1000.0).contains(&points)) {
        violations.add("shift_type.fairness_points", "must be between 0 and 1000");
    }
    let color_ok = shift.color.is_empty()
        || (shift.color.len() == 7
            && shift.color.starts_with('#')
            && shift.color[1..].chars().all(|character| character.is_ascii_hexdigit()));
    if !color_ok {
        violations.add("shift_type.color", "must be #RRGGBB");
    }
    if shift.min_rest_hours_after.is_some_and(|hours| !(0..=48).contains(&hours)) {
        violations.add("shift_type.min_rest_hours_after", "must be between 0 and 48 hours");
    }
    let now = Utc::now();
    Some(shift_type::Model {
        district_id,
        code: code_ok.then(|| shift.code.clone())?,
        name: name?,
        start_minute: start_minute?,
        length_minutes: shift.length_minutes,
        category: category?.to_owned(),
        mode: mode?.to_owned(),
        role: role?.to_owned(),
        fairness_points: shift.fairness_points,
        color: shift.color.clone(),
        min_rest_hours_after: shift.min_rest_hours_after,
        version: 1,
        created_at: now,
        updated_at: now,
    })
}

/// The message of a stored shift type.
pub(super) fn shift_type_message(shift: &shift_type::Model) -> pb::ShiftType {
    pb::ShiftType {
        district_id: shift.district_id.to_string(),
        code: shift.code.clone(),
        name: shift.name.clone(),
        start_time: Some(pb::LocalTime { hours: shift.start_minute / 60, minutes: shift.start_minute % 60 }),
        length_minutes: shift.length_minutes,
        category: category_of(&shift.category).into(),
        mode: mode_of(&shift.mode).into(),
        role: role_of(&shift.role).into(),
        fairness_points: shift.fairness_points,
        color: shift.color.clone(),
        min_rest_hours_after: shift.min_rest_hours_after,
        etag: etag(shift.version),
        create_time: Some(to_timestamp(shift.created_at)),
        update_time: Some(to_timestamp(shift.updated_at)),
    }
}

/// The public holidays of a year as messages.
pub(super) fn public_holiday_messages(year: i32) -> Vec<pb::PublicHoliday> {
    holidays::public_holidays(year)
        .into_iter()
        .map(|(date, holiday)| pb::PublicHoliday {
            date: Some(to_date(date)),
            name: holiday.norwegian_name().to_owned(),
            easter_based: !matches!(
                holiday,
                holidays::Holiday::Nyttarsdag
                    | holidays::Holiday::ForsteMai
                    | holidays::Holiday::SyttendeMai
                    | holidays::Holiday::ForsteJuledag
                    | holidays::Holiday::AndreJuledag
            ),
        })
        .collect()
}

// ----- exemptions and unavailability ------------------------------------------------------------

/// A new exemption row, or every field violation.
pub(super) fn new_exemption(
    violations: &mut Violations,
    record: &pb::Exemption,
    staff_member_id: uuid::Uuid,
) -> Option<exemption::Model> {
    let reason = pb::ExemptionReason::try_from(record.reason).ok().and_then(exemption_reason_name);
    if reason.is_none() {
        violations.add(
            "exemption.reason",
            "must be HEALTH, PREGNANCY, SOCIAL or OTHER (age exemptions are derived)",
        );
    }
    let mut categories = Vec::new();
    for (index, category) in record.exempt_categories.iter().enumerate() {
        match pb::ShiftCategory::try_from(*category).ok().and_then(category_name) {
            Some(name) if !categories.contains(&name) => categories.push(name),
            Some(_) => violations.add(format!("exemption.exempt_categories[{index}]"), "is repeated"),
            None => violations.add(format!("exemption.exempt_categories[{index}]"), "is not a category"),
        }
    }
    let valid_from = violations.required("exemption.valid_from", record.valid_from.as_ref());
    let valid_from = convert::date(violations, "exemption.valid_from", valid_from);
    let valid_to = convert::date(violations, "exemption.valid_to", record.valid_to.as_ref());
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to < from
    {
        violations.add("exemption.valid_to", "must not be before valid_from");
    }
    if record.note.chars().count() > 500 {
        violations.add("exemption.note", "must be at most 500 characters");
    }
    let now = Utc::now();
    Some(exemption::Model {
        id: uuid::Uuid::now_v7(),
        staff_member_id,
        reason: reason?.to_owned(),
        exempt_categories: categories.join(","),
        valid_from: valid_from?,
        valid_to,
        note: record.note.clone(),
        version: 1,
        created_at: now,
        updated_at: now,
    })
}

/// The message of a stored exemption.
pub(super) fn exemption_message(record: &exemption::Model) -> pb::Exemption {
    pb::Exemption {
        id: record.id.to_string(),
        staff_member_id: record.staff_member_id.to_string(),
        reason: exemption_reason_of(&record.reason).into(),
        exempt_categories: record
            .exempt_categories
            .split(',')
            .filter(|name| !name.is_empty())
            .map(|name| i32::from(category_of(name)))
            .collect(),
        valid_from: Some(to_date(record.valid_from)),
        valid_to: record.valid_to.map(to_date),
        note: record.note.clone(),
        derived: false,
        etag: etag(record.version),
        create_time: Some(to_timestamp(record.created_at)),
        update_time: Some(to_timestamp(record.updated_at)),
    }
}

/// The derived age exemption of a doctor, from the day they reach the district's exemption age;
/// `None` for nurses (the exemption is the doctors') and for a doctor who waives it.
pub(super) fn age_exemption_message(
    member: &staff_member::Model,
    exemption_age: i32,
) -> Option<pb::Exemption> {
    use chrono::Datelike;
    if member.profession != "doctor" || member.waives_age_exemption {
        return None;
    }
    let birth = member.birth_date?;
    let from = birth.with_year(birth.year() + exemption_age).or_else(|| {
        // Born on 29 February: the birthday is 1 March in a common year.
        NaiveDate::from_ymd_opt(birth.year() + exemption_age, 3, 1)
    })?;
    Some(pb::Exemption {
        // Stable id made from the staff member, so clients can key on it.
        id: format!("age-{}", member.id),
        staff_member_id: member.id.to_string(),
        reason: pb::ExemptionReason::Age.into(),
        exempt_categories: Vec::new(),
        valid_from: Some(to_date(from)),
        valid_to: None,
        note: format!("derived: age {exemption_age} or over"),
        derived: true,
        ..Default::default()
    })
}

/// A new unavailability row, or every field violation.
pub(super) fn new_unavailability(
    violations: &mut Violations,
    span: &pb::Unavailability,
    staff_member_id: uuid::Uuid,
) -> Option<unavailability::Model> {
    let start = violations.required("unavailability.start_time", span.start_time.as_ref());
    let start = start.and_then(|start| convert::timestamp(violations, "unavailability.start_time", start));
    let end = violations.required("unavailability.end_time", span.end_time.as_ref());
    let end = end.and_then(|end| convert::timestamp(violations, "unavailability.end_time", end));
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        violations.add("unavailability.end_time", "must be after start_time");
    }
    if span.note.chars().count() > 500 {
        violations.add("unavailability.note", "must be at most 500 characters");
    }
    let reason = pb::UnavailabilityReason::try_from(span.reason).unwrap_or(pb::UnavailabilityReason::Other);
    Some(unavailability::Model {
        id: uuid::Uuid::now_v7(),
        staff_member_id,
        start_time: start?,
        end_time: end?,
        reason: unavailability_reason_name(reason).to_owned(),
        note: span.note.clone(),
        created_at: Utc::now(),
    })
}

/// The message of a stored unavailability.
pub(super) fn unavailability_message(
    span: &unavailability::Model,
    affected: Vec<pb::AffectedShift>,
) -> pb::Unavailability {
    pb::Unavailability {
        id: span.id.to_string(),
        staff_member_id: span.staff_member_id.to_string(),
        start_time: Some(to_timestamp(span.start_time)),
        end_time: Some(to_timestamp(span.end_time)),
        reason: unavailability_reason_of(&span.reason).into(),
        note: span.note.clone(),
        affected_shifts: affected,
        create_time: Some(to_timestamp(span.created_at)),
    }
}

// ----- plans ------------------------------------------------------------------------------------

/// Longest plan period.
pub(super) const MAX_PLAN_DAYS: i64 = 366;

/// A new plan row from a request (version numbers are set by the caller), or every field violation.
pub(super) fn new_plan(
    violations: &mut Violations,
    plan: &pb::ShiftPlan,
    district: &district::Model,
) -> Option<shift_plan::Model> {
    let name = convert::text(violations, "plan.name", &plan.name, 200);
    let start = violations.required("plan.start_date", plan.start_date.as_ref());
    let start = convert::date(violations, "plan.start_date", start);
    let end = violations.required("plan.end_date", plan.end_date.as_ref());
    let end = convert::date(violations, "plan.end_date", end);
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            violations
                .add("plan.end_date", "must not be before start_date (the period ends before it starts)");
        } else if (end - start).num_days() + 1 > MAX_PLAN_DAYS {
            violations.add("plan.end_date", format!("the period may be at most {MAX_PLAN_DAYS} days"));
        }
    }
    let requests_close = plan
        .requests_close_time
        .as_ref()
        .and_then(|time| convert::timestamp(violations, "plan.requests_close_time", time));
    let rules = match &plan.rules {
        Some(rules) => {
            validate_rules(violations, "plan.rules", rules);
            rules_with_defaults(Some(rules.clone()))
        }
        None => rules_with_defaults(Some(decode(&district.default_rules))),
    };
    let now = Utc::now();
    Some(shift_plan::Model {
        id: uuid::Uuid::now_v7(),
        district_id: district.id,
        name: name?,
        start_date: start?,
        end_date: end?,
        requests_close_time: requests_close,
        rules: rules.encode_to_vec(),
        latest_version: 0,
        published_version: 0,
        revision: 1,
        created_at: now,
        updated_at: now,
    })
}

/// The state of a plan from its version numbers.
pub(super) fn plan_state(plan: &shift_plan::Model) -> pb::ShiftPlanState {
    if plan.published_version == 0 {
        pb::ShiftPlanState::Draft
    } else if plan.published_version == plan.latest_version {
        pb::ShiftPlanState::Published
    } else {
        pb::ShiftPlanState::Revising
    }
}

/// The basic view of a plan showing `version`.
pub(super) fn plan_message(
    plan: &shift_plan::Model,
    version: Option<&plan_version::Model>,
    running_solve: Option<uuid::Uuid>,
) -> pb::ShiftPlan {
    pb::ShiftPlan {
        id: plan.id.to_string(),
        district_id: plan.district_id.to_string(),
        name: plan.name.clone(),
        start_date: Some(to_date(plan.start_date)),
        end_date: Some(to_date(plan.end_date)),
        state: plan_state(plan).into(),
        version: version.map(|version| version.version).unwrap_or(plan.latest_version),
        latest_version: plan.latest_version,
        published_version: plan.published_version,
        requests_close_time: plan.requests_close_time.map(to_timestamp),
        rules: Some(decode(&plan.rules)),
        score: version.map(|version| pb::ShiftPlanScore {
            hard_violations: version.hard_violations,
            objective: version.objective,
        }),
        running_solve_id: running_solve.map(|id| id.to_string()).unwrap_or_default(),
        etag: etag(plan.revision),
        create_time: Some(to_timestamp(plan.created_at)),
        update_time: Some(to_timestamp(plan.updated_at)),
        ..Default::default()
    }
}

/// Parses a plan etag (`"N"`); an empty etag means "no condition".
pub(super) fn parse_etag(violations: &mut Violations, field: &str, value: &str) -> Option<i32> {
    if value.is_empty() {
        return None;
    }
    let parsed = value.trim_matches('"').parse::<i32>().ok();
    if parsed.is_none() {
        violations.add(field, "is not an etag this service issued");
    }
    parsed
}

/// The cover rows a weekly template gives for every date of a period. Public holidays use the
/// template's holiday rows, or Sunday's rows when it has none.
pub(super) fn cover_from_template(
    plan_id: uuid::Uuid,
    start: NaiveDate,
    end: NaiveDate,
    template: &pb::WeeklyCoverTemplate,
) -> Vec<cover_requirement::Model> {
    use chrono::Datelike;
    let mut rows = Vec::new();
    let mut date = start;
    while date <= end {
        let holiday = holidays::is_public_holiday(date).is_some();
        let weekday = day_of_week(date.weekday());
        let source: Vec<&pb::CoverTemplateRow> = if holiday && !template.holiday_rows.is_empty() {
            template.holiday_rows.iter().collect()
        } else {
            let day = if holiday { pb::DayOfWeek::Sunday } else { weekday };
            template.rows.iter().filter(|row| row.day_of_week == i32::from(day)).collect()
        };
        for row in source {
            if row.preferred_count == 0 && row.min_count == 0 {
                continue;
            }
            rows.retain(|existing: &cover_requirement::Model| {
                !(existing.date == date && existing.shift_type_code == row.shift_type_code)
            });
            rows.push(cover_requirement::Model {
                plan_id,
                date,
                shift_type_code: row.shift_type_code.clone(),
                min_count: row.min_count,
                preferred_count: row.preferred_count,
            });
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    rows
}

/// The proto weekday of a calendar weekday.
pub(super) fn day_of_week(day: chrono::Weekday) -> pb::DayOfWeek {
    match day {
        chrono::Weekday::Mon => pb::DayOfWeek::Monday,
        chrono::Weekday::Tue => pb::DayOfWeek::Tuesday,
        chrono::Weekday::Wed => pb::DayOfWeek::Wednesday,
        chrono::Weekday::Thu => pb::DayOfWeek::Thursday,
        chrono::Weekday::Fri => pb::DayOfWeek::Friday,
        chrono::Weekday::Sat => pb::DayOfWeek::Saturday,
        chrono::Weekday::Sun => pb::DayOfWeek::Sunday,
    }
}

/// The message of a stored cover row.
pub(super) fn cover_message(row: &cover_requirement::Model, role: pb::ShiftRole) -> pb::CoverRequirement {
    pb::CoverRequirement {
        date: Some(to_date(row.date)),
        shift_type_code: row.shift_type_code.clone(),
        min_count: row.min_count,
        preferred_count: row.preferred_count,
        role: role.into(),
    }
}

/// The message of a stored request.
pub(super) fn request_message(request: &shift_request::Model) -> pb::ShiftRequest {
    pb::ShiftRequest {
        id: request.id.to_string(),
        plan_id: request.plan_id.to_string(),
        staff_member_id: request.staff_member_id.to_string(),
        date: Some(to_date(request.date)),
        shift_type_code: request.shift_type_code.clone(),
        kind: if request.kind == "want" { pb::ShiftRequestKind::Want } else { pb::ShiftRequestKind::Avoid }
            .into(),
        weight: request.weight,
        note: request.note.clone(),
        create_time: Some(to_timestamp(request.created_at)),
    }
}

/// The message of a stored version.
pub(super) fn version_message(version: &plan_version::Model) -> pb::ShiftPlanVersion {
    pb::ShiftPlanVersion {
        plan_id: version.plan_id.to_string(),
        version: version.version,
        state: match version.state.as_str() {
            "published" => pb::ShiftPlanVersionState::Published,
            "superseded" => pb::ShiftPlanVersionState::Superseded,
            _ => pb::ShiftPlanVersionState::Draft,
        }
        .into(),
        source: match version.source.as_str() {
            "solve" => pb::ShiftPlanVersionSource::Solve,
            "edit" => pb::ShiftPlanVersionSource::Edit,
            "swap" => pb::ShiftPlanVersionSource::Swap,
            _ => pb::ShiftPlanVersionSource::Created,
        }
        .into(),
        base_version: version.base_version,
        score: Some(pb::ShiftPlanScore {
            hard_violations: version.hard_violations,
            objective: version.objective,
        }),
        solve_id: version.solve_id.map(|id| id.to_string()).unwrap_or_default(),
        swap_id: version.swap_id.map(|id| id.to_string()).unwrap_or_default(),
        note: version.note.clone(),
        created_by: String::new(),
        create_time: Some(to_timestamp(version.created_at)),
        publish_time: version.published_at.map(to_timestamp),
    }
}

fn duration(milliseconds: i64) -> prost_types::Duration {
    prost_types::Duration {
        seconds: milliseconds.div_euclid(1000),
        nanos: i32::try_from(milliseconds.rem_euclid(1000) * 1_000_000).unwrap_or_default(),
    }
}

/// The message of a stored solve.
pub(super) fn solve_message(solve: &plan_solve::Model) -> pb::ShiftPlanSolve {
    pb::ShiftPlanSolve {
        id: solve.id.to_string(),
        plan_id: solve.plan_id.to_string(),
        mode: solve_mode_of(&solve.mode).into(),
        state: solve_state_of(&solve.state).into(),
        base_version: solve.base_version,
        seed: u64::from_ne_bytes(solve.seed.to_ne_bytes()),
        time_limit: Some(duration(solve.time_limit_ms)),
        elapsed: Some(duration(solve.elapsed_ms)),
        best_score: solve
            .best_hard_violations
            .zip(solve.best_objective)
            .map(|(hard_violations, objective)| pb::ShiftPlanScore { hard_violations, objective }),
        time_to_best: Some(duration(solve.time_to_best_ms)),
        iterations: solve.iterations,
        proven_optimal: solve.proven_optimal,
        result_version: solve.result_version,
        start_time: Some(to_timestamp(solve.started_at)),
        end_time: solve.ended_at.map(to_timestamp),
        message: solve.message.clone(),
    }
}

/// The message of a stored swap.
pub(super) fn swap_message(
    swap: &shift_swap::Model,
    warnings: Vec<pb::ConstraintViolation>,
) -> pb::ShiftSwap {
    pb::ShiftSwap {
        id: swap.id.to_string(),
        plan_id: swap.plan_id.to_string(),
        kind: swap_kind_of(&swap.kind).into(),
        state: swap_state_of(&swap.state).into(),
        requester_staff_member_id: swap.requester_staff_member_id.to_string(),
        offered_shift_id: swap.offered_shift_id.clone(),
        counterparty_staff_member_id: swap
            .counterparty_staff_member_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        requested_shift_id: swap.requested_shift_id.clone(),
        claimant_staff_member_id: swap.claimant_staff_member_id.map(|id| id.to_string()).unwrap_or_default(),
        note: swap.note.clone(),
        warnings,
        applied_version: swap.applied_version,
        decision_note: swap.decision_note.clone(),
        expire_time: swap.expire_time.map(to_timestamp),
        etag: etag(swap.version),
        create_time: Some(to_timestamp(swap.created_at)),
        update_time: Some(to_timestamp(swap.updated_at)),
    }
}

/// A stable occurrence id: the start date and the shift code, e.g. `2026-03-28.N`.
pub(super) fn occurrence_id(date: NaiveDate, code: &str) -> String {
    format!("{date}.{code}")
}

/// Splits an occurrence id into date and code.
pub(super) fn parse_occurrence_id(
    violations: &mut Violations,
    field: &str,
    value: &str,
) -> Option<(NaiveDate, String)> {
    let parsed = value.split_once('.').and_then(|(date, code)| {
        NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .ok()
            .filter(|_| !code.is_empty())
            .map(|date| (date, code.to_owned()))
    });
    if parsed.is_none() {
        violations.add(field, "is not a shift id (DATE.CODE)");
    }
    parsed
}

#[cfg(test)]
mod tests {
    use allmenn_proto::v1 as pb;
    use chrono::NaiveDate;

    use super::cover_from_template;

    fn row(day: pb::DayOfWeek, code: &str, count: i32) -> pb::CoverTemplateRow {
        pb::CoverTemplateRow {
            day_of_week: day.into(),
            shift_type_code: code.into(),
            min_count: count,
            preferred_count: count,
        }
    }

    /// Easter week 2027: Maundy Thursday (25 March) and Good Friday take the template's holiday
    /// rows, the Wednesday before its own; without holiday rows a holiday takes Sunday's.
    #[test]
    fn public_holidays_take_the_holiday_rows_or_else_sundays() {
        let date = |day: u32| NaiveDate::from_ymd_opt(2027, 3, day).unwrap();
        let mut template = pb::WeeklyCoverTemplate {
            rows: vec![
                row(pb::DayOfWeek::Wednesday, "D", 1),
                row(pb::DayOfWeek::Thursday, "D", 1),
                row(pb::DayOfWeek::Friday, "D", 1),
                row(pb::DayOfWeek::Sunday, "S", 3),
            ],
            holiday_rows: vec![row(pb::DayOfWeek::Unspecified, "H", 2)],
        };
        let plan = uuid::Uuid::nil();
        let on = |rows: &[allmenn_store::entity::legevakt::cover_requirement::Model], day: u32| {
            rows.iter()
                .filter(|row| row.date == date(day))
                .map(|row| (row.shift_type_code.clone(), row.min_count))
                .collect::<Vec<_>>()
        };
        let rows = cover_from_template(plan, date(24), date(26), &template);
        assert_eq!(on(&rows, 24), [("D".to_owned(), 1)]);
        assert_eq!(on(&rows, 25), [("H".to_owned(), 2)]);
        assert_eq!(on(&rows, 26), [("H".to_owned(), 2)]);
        template.holiday_rows.clear();
        let rows = cover_from_template(plan, date(24), date(26), &template);
        assert_eq!(on(&rows, 24), [("D".to_owned(), 1)]);
        assert_eq!(on(&rows, 25), [("S".to_owned(), 3)]);
        assert_eq!(on(&rows, 26), [("S".to_owned(), 3)]);
    }
}
