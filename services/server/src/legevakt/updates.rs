//! Updates (AIP-134, with field masks and etags) and deletions of plans, staff members, exemptions
//! and unavailability.

use allmenn_proto::v1 as pb;
use allmenn_store::{
    RuleViolation, StoreError,
    entity::legevakt::{district, exemption, shift_plan, shift_type, staff_member},
    legevakt as repo,
};
use chrono::Utc;
use uuid::Uuid;

use super::{Legevakt, competence_rule_of, convert as lv};
use crate::{
    clock, convert as common,
    error::{ApiError, Violations},
    idempotency,
};

/// Ids of age exemptions, which are derived from birth dates and never stored, start with this.
const DERIVED_EXEMPTION_PREFIX: &str = "age-";

fn id(violations: &mut Violations, field: &str, value: &str) -> Option<Uuid> {
    common::resource_id(violations, field, value)
}

/// The paths of a field mask; an absent or empty mask is refused (an update must say what it changes).
fn mask_paths(
    violations: &mut Violations,
    mask: Option<&prost_types::FieldMask>,
    allowed: &[&str],
) -> Vec<String> {
    let paths = mask.map(|mask| mask.paths.clone()).unwrap_or_default();
    if paths.is_empty() {
        violations.add("update_mask", format!("name the fields to change: {}", allowed.join(", ")));
    }
    for path in &paths {
        if !allowed.contains(&path.as_str()) {
            violations
                .add("update_mask", format!("{path} cannot be changed (allowed: {})", allowed.join(", ")));
        }
    }
    paths
}

/// Runs a field-mask update, which merges the request into the row it read and writes only while
/// the row is still that one. With an etag a change in between is the caller's to resolve
/// (ABORTED); without one the caller asked for an unconditional change, so the update is merged
/// again from the row as it now is (a few times) rather than overwriting the other change.
async fn merged_again_on_a_race<T, Attempt>(
    etag_given: bool,
    mut attempt: impl FnMut() -> Attempt,
) -> Result<T, ApiError>
where
    Attempt: std::future::Future<Output = Result<T, ApiError>>,
{
    let mut retries_left = 3;
    loop {
        match attempt().await {
            Err(ApiError::Store(StoreError::EtagMismatch)) if !etag_given && retries_left > 0 => {
                retries_left -= 1;
            }
            outcome => return outcome,
        }
    }
}

pub(super) async fn update_plan(
    service: &Legevakt,
    request: pb::UpdateShiftPlanRequest,
) -> Result<pb::ShiftPlan, ApiError> {
    let etag_given = request.plan.as_ref().is_some_and(|given| !given.etag.is_empty());
    merged_again_on_a_race(etag_given, || update_plan_once(service, &request)).await
}

async fn update_plan_once(
    service: &Legevakt,
    request: &pb::UpdateShiftPlanRequest,
) -> Result<pb::ShiftPlan, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let paths =
        mask_paths(&mut violations, request.update_mask.as_ref(), &["name", "requests_close_time", "rules"]);
    let plan = violations.required("plan", request.plan.as_ref());
    let plan_id = plan.and_then(|plan| id(&mut violations, "plan.id", &plan.id));
    let expected = plan.and_then(|plan| lv::parse_etag(&mut violations, "plan.etag", &plan.etag));
    let (plan, plan_id) = violations.into_result(|| plan.zip(plan_id))?;
    let current = repo::get_plan(service.store.connection(), plan_id).await?;
    let read_revision = current.revision;
    let district = service.district(current.district_id).await?;
    // Validate the changed plan as a whole, through the same checks as a new one.
    let mut merged = lv::plan_message(&current, None, None);
    for path in &paths {
        match path.as_str() {
            "name" => merged.name = plan.name.clone(),
            "requests_close_time" => merged.requests_close_time = plan.requests_close_time,
            "rules" => merged.rules = plan.rules.clone(),
            _ => {}
        }
    }
    let mut violations = Violations::new();
    let checked = lv::new_plan(&mut violations, &merged, &district);
    let checked = violations.into_result(|| checked)?;
    let updated = idempotency::run(&service.store, "UpdateShiftPlan", &request.request_id, request, |tx| {
        Box::pin(async move {
            let locked = repo::lock_plan(tx, plan_id, expected.or(Some(read_revision))).await?;
            let changed = shift_plan::Model {
                name: checked.name,
                requests_close_time: checked.requests_close_time,
                rules: checked.rules,
                revision: locked.revision + 1,
                updated_at: Utc::now(),
                ..locked
            };
            let saved = repo::update::<_, shift_plan::ActiveModel>(tx, changed).await?;
            Ok(lv::plan_message(&saved, None, None))
        })
    })
    .await?;
    Ok(updated)
}

pub(super) async fn delete_plan(
    service: &Legevakt,
    request: pb::DeleteShiftPlanRequest,
) -> Result<pb::DeleteShiftPlanResponse, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let plan_id = id(&mut violations, "plan_id", &request.plan_id);
    let expected = lv::parse_etag(&mut violations, "etag", &request.etag);
    let plan_id = violations.into_result(|| plan_id)?;
    let deleted = idempotency::run(&service.store, "DeleteShiftPlan", &request.request_id, &request, |tx| {
        Box::pin(async move {
            let plan = repo::lock_plan(tx, plan_id, expected).await?;
            repo::delete_plan(tx, &plan).await?;
            Ok(pb::DeleteShiftPlanResponse { plan: Some(lv::plan_message(&plan, None, None)) })
        })
    })
    .await?;
    Ok(deleted)
}

const STAFF_FIELDS: [&str; 9] = [
    "given_name",
    "family_name",
    "birth_date",
    "participation_percentage",
    "competence",
    "limits",
    "valid_from",
    "valid_to",
    "waives_age_exemption",
];

pub(super) async fn update_staff_member(
    service: &Legevakt,
    request: pb::UpdateStaffMemberRequest,
) -> Result<pb::StaffMember, ApiError> {
    let etag_given = request.staff_member.as_ref().is_some_and(|given| !given.etag.is_empty());
    merged_again_on_a_race(etag_given, || update_staff_member_once(service, &request)).await
}

async fn update_staff_member_once(
    service: &Legevakt,
    request: &pb::UpdateStaffMemberRequest,
) -> Result<pb::StaffMember, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let paths = mask_paths(&mut violations, request.update_mask.as_ref(), &STAFF_FIELDS);
    let member = violations.required("staff_member", request.staff_member.as_ref());
    let member_id = member.and_then(|member| id(&mut violations, "staff_member.id", &member.id));
    let expected =
        member.and_then(|member| lv::parse_etag(&mut violations, "staff_member.etag", &member.etag));
    let (member, member_id) = violations.into_result(|| member.zip(member_id))?;
    let current = repo::get_staff_member(service.store.connection(), member_id).await?;
    let read_revision = current.version;
    let district = service.district(current.district_id).await?;
    let rule = competence_rule_of(&district);
    let mut merged = lv::staff_message(&current, &rule);
    for path in &paths {
        match path.as_str() {
            "given_name" => merged.given_name = member.given_name.clone(),
            "family_name" => merged.family_name = member.family_name.clone(),
            "birth_date" => merged.birth_date = member.birth_date,
            "participation_percentage" => merged.participation_percentage = member.participation_percentage,
            "competence" => merged.competence = member.competence,
            "limits" => merged.limits = member.limits,
            "valid_from" => merged.valid_from = member.valid_from,
            "valid_to" => merged.valid_to = member.valid_to,
            "waives_age_exemption" => merged.waives_age_exemption = member.waives_age_exemption,
            _ => {}
        }
    }
    let mut violations = Violations::new();
    let checked = lv::new_staff_member(&mut violations, &merged, current.district_id, clock::today());
    let checked = violations.into_result(|| checked)?;
    let updated = idempotency::run(&service.store, "UpdateStaffMember", &request.request_id, request, |tx| {
        Box::pin(async move {
            let locked = repo::lock_staff_member(tx, member_id, expected.or(Some(read_revision))).await?;
            let changed = staff_member::Model {
                given_name: checked.given_name,
                family_name: checked.family_name,
                birth_date: checked.birth_date,
                participation_percentage: checked.participation_percentage,
                competence: checked.competence,
                limits: checked.limits,
                valid_from: checked.valid_from,
                valid_to: checked.valid_to,
                waives_age_exemption: checked.waives_age_exemption,
                version: locked.version + 1,
                updated_at: Utc::now(),
                ..locked
            };
            let saved = repo::update::<_, staff_member::ActiveModel>(tx, changed).await?;
            Ok(lv::staff_message(&saved, &rule))
        })
    })
    .await?;
    Ok(updated)
}

pub(super) async fn delete_staff_member(
    service: &Legevakt,
    request: pb::DeleteStaffMemberRequest,
) -> Result<pb::DeleteStaffMemberResponse, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let member_id = id(&mut violations, "staff_member_id", &request.staff_member_id);
    let expected = lv::parse_etag(&mut violations, "etag", &request.etag);
    let member_id = violations.into_result(|| member_id)?;
    let current = repo::get_staff_member(service.store.connection(), member_id).await?;
    let rule = competence_rule_of(&service.district(current.district_id).await?);
    let deleted =
        idempotency::run(&service.store, "DeleteStaffMember", &request.request_id, &request, |tx| {
            Box::pin(async move {
                let member = repo::lock_staff_member(tx, member_id, expected).await?;
                repo::delete_staff_member(tx, &member).await?;
                Ok(pb::DeleteStaffMemberResponse { staff_member: Some(lv::staff_message(&member, &rule)) })
            })
        })
        .await?;
    Ok(deleted)
}

pub(super) async fn delete_exemption(
    service: &Legevakt,
    request: pb::DeleteExemptionRequest,
) -> Result<pb::DeleteExemptionResponse, ApiError> {
    if request.exemption_id.starts_with(DERIVED_EXEMPTION_PREFIX) {
        return Err(StoreError::from(RuleViolation::ExemptionDerived).into());
    }
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let exemption_id = id(&mut violations, "exemption_id", &request.exemption_id);
    let expected = lv::parse_etag(&mut violations, "etag", &request.etag);
    let exemption_id = violations.into_result(|| exemption_id)?;
    let deleted = idempotency::run(&service.store, "DeleteExemption", &request.request_id, &request, |tx| {
        Box::pin(async move {
            let record = repo::delete_exemption(tx, exemption_id, expected).await?;
            Ok(pb::DeleteExemptionResponse { exemption: Some(lv::exemption_message(&record)) })
        })
    })
    .await?;
    Ok(deleted)
}

pub(super) async fn delete_unavailability(
    service: &Legevakt,
    request: pb::DeleteUnavailabilityRequest,
) -> Result<pb::DeleteUnavailabilityResponse, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let span_id = id(&mut violations, "unavailability_id", &request.unavailability_id);
    let span_id = violations.into_result(|| span_id)?;
    let deleted =
        idempotency::run(&service.store, "DeleteUnavailability", &request.request_id, &request, |tx| {
            Box::pin(async move {
                let span = repo::delete_unavailability(tx, span_id).await?;
                Ok(pb::DeleteUnavailabilityResponse {
                    unavailability: Some(lv::unavailability_message(&span, Vec::new())),
                })
            })
        })
        .await?;
    Ok(deleted)
}

pub(super) async fn update_district(
    service: &Legevakt,
    request: pb::UpdateLegevaktDistrictRequest,
) -> Result<pb::LegevaktDistrict, ApiError> {
    let etag_given = request.district.as_ref().is_some_and(|given| !given.etag.is_empty());
    merged_again_on_a_race(etag_given, || update_district_once(service, &request)).await
}

async fn update_district_once(
    service: &Legevakt,
    request: &pb::UpdateLegevaktDistrictRequest,
) -> Result<pb::LegevaktDistrict, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let paths = mask_paths(
        &mut violations,
        request.update_mask.as_ref(),
        &[
            "name",
            "host_kommune_number",
            "participant_kommune_numbers",
            "default_rules",
            "competence_rule",
            "default_cover_template",
            "exemption_age_years",
        ],
    );
    let district = violations.required("district", request.district.as_ref());
    let district_id = district.and_then(|district| id(&mut violations, "district.id", &district.id));
    let expected =
        district.and_then(|district| lv::parse_etag(&mut violations, "district.etag", &district.etag));
    let (district, district_id) = violations.into_result(|| district.zip(district_id))?;
    let current = service.district(district_id).await?;
    let read_revision = current.version;
    let mut merged = lv::district_message(&current);
    for path in &paths {
        match path.as_str() {
            "name" => merged.name = district.name.clone(),
            "host_kommune_number" => merged.host_kommune_number = district.host_kommune_number.clone(),
            "participant_kommune_numbers" => {
                merged.participant_kommune_numbers = district.participant_kommune_numbers.clone();
            }
            "default_rules" => merged.default_rules = district.default_rules.clone(),
            "competence_rule" => merged.competence_rule = district.competence_rule,
            "default_cover_template" => {
                merged.default_cover_template = district.default_cover_template.clone()
            }
            "exemption_age_years" => merged.exemption_age_years = district.exemption_age_years,
            _ => {}
        }
    }
    let mut violations = Violations::new();
    let checked = lv::new_district(&mut violations, &merged);
    let checked = violations.into_result(|| checked)?;
    let updated =
        idempotency::run(&service.store, "UpdateLegevaktDistrict", &request.request_id, request, |tx| {
            Box::pin(async move {
                let locked = repo::lock_district(tx, district_id, expected.or(Some(read_revision))).await?;
                let changed = district::Model {
                    name: checked.name,
                    host_kommune_number: checked.host_kommune_number,
                    participant_kommune_numbers: checked.participant_kommune_numbers,
                    default_rules: checked.default_rules,
                    competence_rule: checked.competence_rule,
                    default_cover_template: checked.default_cover_template,
                    exemption_age_years: checked.exemption_age_years,
                    version: locked.version + 1,
                    updated_at: Utc::now(),
                    ..locked
                };
                let saved = repo::update::<_, district::ActiveModel>(tx, changed).await?;
                Ok(lv::district_message(&saved))
            })
        })
        .await?;
    Ok(updated)
}

pub(super) async fn update_shift_type(
    service: &Legevakt,
    request: pb::UpdateShiftTypeRequest,
) -> Result<pb::ShiftType, ApiError> {
    let etag_given = request.shift_type.as_ref().is_some_and(|given| !given.etag.is_empty());
    merged_again_on_a_race(etag_given, || update_shift_type_once(service, &request)).await
}

async fn update_shift_type_once(
    service: &Legevakt,
    request: &pb::UpdateShiftTypeRequest,
) -> Result<pb::ShiftType, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let paths = mask_paths(
        &mut violations,
        request.update_mask.as_ref(),
        &[
            "name",
            "start_time",
            "length_minutes",
            "category",
            "mode",
            "role",
            "fairness_points",
            "color",
            "min_rest_hours_after",
        ],
    );
    let shift = violations.required("shift_type", request.shift_type.as_ref());
    let district_id =
        shift.and_then(|shift| id(&mut violations, "shift_type.district_id", &shift.district_id));
    let expected = shift.and_then(|shift| lv::parse_etag(&mut violations, "shift_type.etag", &shift.etag));
    let (shift, district_id) = violations.into_result(|| shift.zip(district_id))?;
    let current = repo::get_shift_type(service.store.connection(), district_id, &shift.code).await?;
    let read_revision = current.version;
    let mut merged = lv::shift_type_message(&current);
    for path in &paths {
        match path.as_str() {
            "name" => merged.name = shift.name.clone(),
            "start_time" => merged.start_time = shift.start_time,
            "length_minutes" => merged.length_minutes = shift.length_minutes,
            "category" => merged.category = shift.category,
            "mode" => merged.mode = shift.mode,
            "role" => merged.role = shift.role,
            "fairness_points" => merged.fairness_points = shift.fairness_points,
            "color" => merged.color = shift.color.clone(),
            "min_rest_hours_after" => merged.min_rest_hours_after = shift.min_rest_hours_after,
            _ => {}
        }
    }
    let mut violations = Violations::new();
    let checked = lv::new_shift_type(&mut violations, &merged, district_id);
    let checked = violations.into_result(|| checked)?;
    let updated = idempotency::run(&service.store, "UpdateShiftType", &request.request_id, request, |tx| {
        Box::pin(async move {
            // The district row first, as publications take it: a redefinition and a publication of
            // a roster holding the type serialise.
            repo::lock_district(tx, district_id, None).await?;
            let locked =
                repo::lock_shift_type(tx, district_id, &checked.code, expected.or(Some(read_revision)))
                    .await?;
            let redefines = (
                checked.start_minute,
                checked.length_minutes,
                &checked.category,
                &checked.mode,
                &checked.role,
            ) != (
                locked.start_minute,
                locked.length_minutes,
                &locked.category,
                &locked.mode,
                &locked.role,
            );
            if redefines && repo::shift_type_in_published_roster(tx, &locked).await? {
                return Err(StoreError::from(RuleViolation::ShiftTypeInPublishedRoster).into());
            }
            let changed = shift_type::Model {
                version: locked.version + 1,
                updated_at: Utc::now(),
                created_at: locked.created_at,
                ..checked
            };
            let saved = repo::update::<_, shift_type::ActiveModel>(tx, changed).await?;
            Ok(lv::shift_type_message(&saved))
        })
    })
    .await?;
    Ok(updated)
}

pub(super) async fn delete_shift_type(
    service: &Legevakt,
    request: pb::DeleteShiftTypeRequest,
) -> Result<pb::DeleteShiftTypeResponse, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let district_id = id(&mut violations, "district_id", &request.district_id);
    let expected = lv::parse_etag(&mut violations, "etag", &request.etag);
    let district_id = violations.into_result(|| district_id)?;
    let code = request.code.clone();
    let deleted = idempotency::run(&service.store, "DeleteShiftType", &request.request_id, &request, |tx| {
        Box::pin(async move {
            let shift = repo::lock_shift_type(tx, district_id, &code, expected).await?;
            repo::delete_shift_type(tx, &shift).await?;
            Ok(pb::DeleteShiftTypeResponse { shift_type: Some(lv::shift_type_message(&shift)) })
        })
    })
    .await?;
    Ok(deleted)
}

pub(super) async fn update_exemption(
    service: &Legevakt,
    request: pb::UpdateExemptionRequest,
) -> Result<pb::Exemption, ApiError> {
    let etag_given = request.exemption.as_ref().is_some_and(|given| !given.etag.is_empty());
    merged_again_on_a_race(etag_given, || update_exemption_once(service, &request)).await
}

async fn update_exemption_once(
    service: &Legevakt,
    request: &pb::UpdateExemptionRequest,
) -> Result<pb::Exemption, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let paths = mask_paths(
        &mut violations,
        request.update_mask.as_ref(),
        &["exempt_categories", "valid_from", "valid_to", "note"],
    );
    let record = violations.required("exemption", request.exemption.as_ref());
    if record.is_some_and(|record| record.id.starts_with(DERIVED_EXEMPTION_PREFIX)) {
        return Err(StoreError::from(RuleViolation::ExemptionDerived).into());
    }
    let record_id = record.and_then(|record| id(&mut violations, "exemption.id", &record.id));
    let expected = record.and_then(|record| lv::parse_etag(&mut violations, "exemption.etag", &record.etag));
    let (record, record_id) = violations.into_result(|| record.zip(record_id))?;
    let current = repo::get_exemption(service.store.connection(), record_id).await?;
    let read_revision = current.version;
    let mut merged = lv::exemption_message(&current);
    for path in &paths {
        match path.as_str() {
            "exempt_categories" => merged.exempt_categories = record.exempt_categories.clone(),
            "valid_from" => merged.valid_from = record.valid_from,
            "valid_to" => merged.valid_to = record.valid_to,
            "note" => merged.note = record.note.clone(),
            _ => {}
        }
    }
    let mut violations = Violations::new();
    let checked = lv::new_exemption(&mut violations, &merged, current.staff_member_id);
    let checked = violations.into_result(|| checked)?;
    let updated = idempotency::run(&service.store, "UpdateExemption", &request.request_id, request, |tx| {
        Box::pin(async move {
            let locked = repo::lock_exemption(tx, record_id, expected.or(Some(read_revision))).await?;
            let changed = exemption::Model {
                exempt_categories: checked.exempt_categories,
                valid_from: checked.valid_from,
                valid_to: checked.valid_to,
                note: checked.note,
                version: locked.version + 1,
                updated_at: Utc::now(),
                ..locked
            };
            let saved = repo::update::<_, exemption::ActiveModel>(tx, changed).await?;
            Ok(lv::exemption_message(&saved))
        })
    })
    .await?;
    Ok(updated)
}
