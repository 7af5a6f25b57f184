//! The bridge between stored plans and the pure planning crate: builds the `PlanInput` of a loaded
//! plan, and turns explanations, totals and exports into messages.

use std::collections::HashMap;

use allmenn_legevakt::plan as lp;
use allmenn_proto::v1 as pb;
use allmenn_store::{entity::legevakt::shift_type, legevakt::AssignmentRow};
use chrono::NaiveTime;
use uuid::Uuid;

use super::{convert as lv, load::LoadedPlan};
use crate::error::ApiError;

fn category(name: &str) -> lp::ShiftCategory {
    match name {
        "evening" => lp::ShiftCategory::Evening,
        "night" => lp::ShiftCategory::Night,
        "weekend" => lp::ShiftCategory::Weekend,
        "holiday" => lp::ShiftCategory::Holiday,
        _ => lp::ShiftCategory::Day,
    }
}

fn category_from_proto(value: i32) -> Option<lp::ShiftCategory> {
    lv::category_name(pb::ShiftCategory::try_from(value).ok()?).map(category)
}

fn unsigned(value: Option<i32>) -> Option<u32> {
    value.and_then(|value| u32::try_from(value).ok())
}

fn limits(limits: &pb::StaffLimits) -> lp::StaffLimits {
    lp::StaffLimits {
        max_shifts_per_period: unsigned(limits.max_shifts_per_period),
        max_consecutive_shifts: unsigned(limits.max_consecutive_shifts),
        max_weekends_per_period: unsigned(limits.max_weekends_per_period),
        max_night_shifts_per_period: unsigned(limits.max_night_shifts_per_period),
    }
}

fn date(value: Option<&pb::Date>) -> Option<chrono::NaiveDate> {
    let value = value?;
    chrono::NaiveDate::from_ymd_opt(
        value.year,
        u32::try_from(value.month).ok()?,
        u32::try_from(value.day).ok()?,
    )
}

/// The rules stored with a plan, in the planning crate's terms.
pub(super) fn rules(stored: &pb::PlanningRules) -> lp::PlanningRules {
    let stored = lv::rules_with_defaults(Some(stored.clone()));
    let weights = stored.weights.unwrap_or_default();
    let rates = stored.fairness_rates.unwrap_or_default();
    let weight = |value: Option<i32>, default: u32| unsigned(value).unwrap_or(default);
    let defaults = lp::PenaltyWeights::default();
    let default_rates = lp::FairnessRates::default();
    lp::PlanningRules {
        min_rest_hours_on_site: unsigned(stored.min_rest_hours_on_site).unwrap_or(8),
        min_rest_hours_on_call: unsigned(stored.min_rest_hours_on_call).unwrap_or(8),
        forbidden_successions: stored
            .forbidden_successions
            .iter()
            .filter_map(|succession| {
                Some(lp::CategorySuccession {
                    from: category_from_proto(succession.from_category)?,
                    to: category_from_proto(succession.to_category)?,
                })
            })
            .collect(),
        default_limits: limits(&stored.default_limits.unwrap_or_default()),
        weights: lp::PenaltyWeights {
            cover_below_preferred: weight(weights.cover_below_preferred, defaults.cover_below_preferred),
            cover_above_preferred: weight(weights.cover_above_preferred, defaults.cover_above_preferred),
            request_not_granted: weight(weights.request_not_granted, defaults.request_not_granted),
            fairness_deviation: weight(weights.fairness_deviation, defaults.fairness_deviation),
            change_from_published: weight(weights.change_from_published, defaults.change_from_published),
            shift_on_free_day: weight(weights.shift_on_free_day, defaults.shift_on_free_day),
        },
        fairness_rates: lp::FairnessRates {
            day: rates.day.unwrap_or(default_rates.day),
            evening: rates.evening.unwrap_or(default_rates.evening),
            night: rates.night.unwrap_or(default_rates.night),
            weekend: rates.weekend.unwrap_or(default_rates.weekend),
            holiday: rates.holiday.unwrap_or(default_rates.holiday),
            on_call_factor: rates.on_call_factor.unwrap_or(default_rates.on_call_factor),
        },
    }
}

fn assignment(row: &AssignmentRow) -> lp::Assignment {
    lp::Assignment { date: row.0, shift_code: row.1.clone(), staff_id: row.2, pinned: row.3 }
}

/// A stored shift type in the planning crate's terms.
pub(super) fn shift_type(shift: &shift_type::Model) -> lp::ShiftType {
    lp::ShiftType {
        code: shift.code.clone(),
        name: shift.name.clone(),
        start_time: NaiveTime::from_num_seconds_from_midnight_opt(
            u32::try_from(shift.start_minute * 60).unwrap_or(0),
            0,
        )
        .unwrap_or(NaiveTime::MIN),
        length_minutes: u32::try_from(shift.length_minutes).unwrap_or(1),
        category: category(&shift.category),
        mode: if shift.mode == "on_call" { lp::ShiftMode::OnCall } else { lp::ShiftMode::OnSite },
        role: match shift.role.as_str() {
            "bakvakt" => lp::ShiftRole::Bakvakt,
            "nurse" => lp::ShiftRole::Nurse,
            _ => lp::ShiftRole::Doctor,
        },
        fairness_points: shift.fairness_points,
        color: (!shift.color.is_empty()).then(|| shift.color.clone()),
        min_rest_hours_after: unsigned(shift.min_rest_hours_after),
    }
}

/// The planning input of a loaded plan with `roster` as its assignments.
pub(super) fn input(loaded: &LoadedPlan, roster: &[AssignmentRow]) -> lp::PlanInput {
    let mut input = lp::PlanInput::new(loaded.plan.start_date, loaded.plan.end_date);
    input.rules = rules(&lv::decode(&loaded.plan.rules));
    input.competence_rule = lv::domain_competence_rule(&lv::decode(&loaded.district.competence_rule));
    input.exemption_age_years = u32::try_from(loaded.district.exemption_age_years).unwrap_or(60);
    input.shift_types = loaded.shift_types.iter().map(shift_type).collect();
    input.staff = loaded
        .staff
        .iter()
        .map(|member| {
            let facts: pb::CompetenceFacts = lv::decode(&member.competence);
            lp::StaffMember {
                id: member.id,
                hpr_number: member.hpr_number.clone(),
                given_name: member.given_name.clone(),
                family_name: member.family_name.clone(),
                profession: if member.profession == "nurse" {
                    lp::Profession::Nurse
                } else {
                    lp::Profession::Doctor
                },
                birth_date: member.birth_date,
                participation_percentage: u32::try_from(member.participation_percentage).unwrap_or(100),
                competence: lp::CompetenceFacts {
                    general_practice_specialist: facts.general_practice_specialist,
                    approved_general_practitioner: facts.approved_general_practitioner,
                    clinical_service_months: u32::try_from(facts.clinical_service_months).unwrap_or(0),
                    municipal_gp_months: u32::try_from(facts.municipal_gp_months).unwrap_or(0),
                    legevakt_shifts_completed: u32::try_from(facts.legevakt_shifts_completed).unwrap_or(0),
                    acute_medicine_course_date: date(facts.acute_medicine_course_date.as_ref()),
                    violence_course_date: date(facts.violence_course_date.as_ref()),
                    lis1_completed: facts.lis1_completed,
                },
                limits: limits(&lv::decode(&member.limits)),
                valid_from: member.valid_from,
                valid_to: member.valid_to,
                exemptions: loaded
                    .exemptions
                    .iter()
                    .filter(|record| record.staff_member_id == member.id)
                    .map(|record| lp::Exemption {
                        id: record.id,
                        reason: match record.reason.as_str() {
                            "health" => lp::ExemptionReason::Health,
                            "pregnancy" => lp::ExemptionReason::Pregnancy,
                            "social" => lp::ExemptionReason::Social,
                            _ => lp::ExemptionReason::Other,
                        },
                        categories: record
                            .exempt_categories
                            .split(',')
                            .filter(|name| !name.is_empty())
                            .map(category)
                            .collect(),
                        valid_from: record.valid_from,
                        valid_to: record.valid_to,
                    })
                    .collect(),
                unavailability: loaded
                    .unavailability
                    .iter()
                    .filter(|span| span.staff_member_id == member.id)
                    .map(|span| lp::Unavailability {
                        start: span.start_time,
                        end: span.end_time,
                        reason: absence_reason(&span.reason),
                    })
                    .collect(),
                held_elsewhere: loaded
                    .held_elsewhere
                    .iter()
                    .filter(|held| held.person == member.id)
                    .map(|held| lp::HeldShift {
                        start: held.span.0,
                        end: held.span.1,
                        shift_type: held.shift_type.clone(),
                        label: format!("{} of the published plan {}", held.shift_id, held.plan_name),
                    })
                    .collect(),
                fairness_balance: loaded
                    .ledger
                    .iter()
                    .filter(|entry| entry.staff_member_id == member.id)
                    .map(|entry| entry.delta)
                    .sum(),
                waives_age_exemption: member.waives_age_exemption,
            }
        })
        .collect();
    input.cover = loaded
        .cover
        .iter()
        .map(|row| lp::CoverRequirement {
            date: row.date,
            shift_code: row.shift_type_code.clone(),
            min: u32::try_from(row.min_count).unwrap_or(0),
            preferred: u32::try_from(row.preferred_count).unwrap_or(0),
        })
        .collect();
    input.requests = loaded
        .requests
        .iter()
        .map(|request| lp::ShiftRequest {
            id: request.id,
            staff_id: request.staff_member_id,
            date: request.date,
            shift_code: (!request.shift_type_code.is_empty()).then(|| request.shift_type_code.clone()),
            kind: if request.kind == "want" { lp::RequestKind::Want } else { lp::RequestKind::Avoid },
            weight: u32::try_from(request.weight).unwrap_or(1),
        })
        .collect();
    input.assignments = roster.iter().map(assignment).collect();
    input
}

/// The published roster of a loaded plan, for re-planning from `freeze_before`.
pub(super) fn replan(loaded: &LoadedPlan, freeze_before: chrono::DateTime<chrono::Utc>) -> lp::Replan {
    lp::Replan {
        published: loaded
            .published
            .iter()
            .map(|row| lp::Assignment {
                date: row.date,
                shift_code: row.shift_type_code.clone(),
                staff_id: row.staff_member_id,
                pinned: row.pinned,
            })
            .collect(),
        freeze_before,
    }
}

/// Rows of a roster from the planning crate's assignments.
pub(super) fn roster_rows(assignments: &[lp::Assignment]) -> Vec<AssignmentRow> {
    assignments.iter().map(|row| (row.date, row.shift_code.clone(), row.staff_id, row.pinned)).collect()
}

/// A roster's evaluation in message form.
#[derive(Clone, Debug, Default)]
pub(super) struct Evaluated {
    pub(super) hard_violations: i32,
    pub(super) objective: i64,
    pub(super) violations: Vec<pb::ConstraintViolation>,
    pub(super) staff_costs: Vec<pb::StaffCost>,
    pub(super) day_costs: Vec<pb::DayCost>,
    pub(super) shifts: Vec<pb::Shift>,
    pub(super) totals: Vec<pb::StaffTotals>,
    pub(super) fairness: pb::FairnessSummary,
}

/// The violations `after` adds to `before`, judged as [`allmenn_legevakt::explain::validate_edits`]
/// judges them (by kind, person, day and shift): a hard rule broken further (more violations of
/// the same identity, or one further beyond its limit), a soft constraint costing more.
pub(super) fn added_violations(before: &Evaluated, after: &Evaluated) -> Vec<pb::ConstraintViolation> {
    let key = |violation: &pb::ConstraintViolation| {
        (
            violation.kind,
            violation.staff_member_id.clone(),
            violation.date.map(|date| (date.year, date.month, date.day)),
            violation.shift_id.clone(),
        )
    };
    let mut previous: HashMap<_, (i64, i64)> = HashMap::new();
    for violation in &before.violations {
        let entry = previous.entry(key(violation)).or_default();
        entry.0 += violation.cost;
        entry.1 += i64::from(violation.excess);
    }
    let mut seen_excess: HashMap<_, i64> = HashMap::new();
    after
        .violations
        .iter()
        .filter(|violation| {
            let (cost_before, excess_before) = previous.get(&key(violation)).copied().unwrap_or_default();
            if violation.hard {
                let seen = seen_excess.entry(key(violation)).or_default();
                *seen += i64::from(violation.excess);
                *seen > excess_before
            } else {
                violation.cost > cost_before
            }
        })
        .cloned()
        .collect()
}

#[allow(dead_code, reason = "ids are parsed where the planning crate reports them as strings")]
fn parse_id(value: &str) -> Option<Uuid> {
    Uuid::parse_str(value).ok()
}

fn planning_error(error: lp::PlanError) -> ApiError {
    match error {
        lp::PlanError::Invalid(problems) => ApiError::InvalidArgument(
            problems
                .into_iter()
                .map(|problem| tonic_types::FieldViolation::new(problem.field, problem.description))
                .collect(),
        ),
        other => ApiError::InvalidArgument(vec![tonic_types::FieldViolation::new("plan", other.to_string())]),
    }
}

fn violation_message(violation: &allmenn_legevakt::explain::Violation) -> pb::ConstraintViolation {
    pb::ConstraintViolation {
        kind: violation.kind.proto_value(),
        hard: violation.hard,
        cost: violation.cost,
        staff_member_id: violation.staff_id.map(|id| id.to_string()).unwrap_or_default(),
        date: violation.date.map(crate::convert::to_date),
        shift_id: violation.shift_id.clone().unwrap_or_default(),
        message: violation.message.clone(),
        excess: i32::try_from(violation.excess).unwrap_or(i32::MAX),
    }
}

fn role_message(role: lp::ShiftRole) -> pb::ShiftRole {
    match role {
        lp::ShiftRole::Doctor => pb::ShiftRole::Doctor,
        lp::ShiftRole::Bakvakt => pb::ShiftRole::Bakvakt,
        lp::ShiftRole::Nurse => pb::ShiftRole::Nurse,
    }
}

/// Messages of an exact explanation.
pub(super) fn evaluated(
    input: &lp::PlanInput,
    explanation: &allmenn_legevakt::explain::Explanation,
) -> Evaluated {
    use crate::convert::{to_date, to_timestamp};
    let shifts = explanation
        .occurrences
        .iter()
        .map(|occurrence| pb::Shift {
            id: occurrence.id.clone(),
            date: Some(to_date(occurrence.date)),
            shift_type_code: occurrence.code.clone(),
            role: role_message(occurrence.role).into(),
            start_time: Some(to_timestamp(occurrence.start)),
            end_time: Some(to_timestamp(occurrence.end)),
            length_minutes: i32::try_from(occurrence.real_minutes).unwrap_or(i32::MAX),
            public_holiday: occurrence.public_holiday,
            min_count: i32::try_from(occurrence.min).unwrap_or(i32::MAX),
            preferred_count: i32::try_from(occurrence.preferred).unwrap_or(i32::MAX),
            assignments: explanation
                .assignments
                .iter()
                .filter(|assignment| {
                    assignment.date == occurrence.date && assignment.shift_code == occurrence.code
                })
                .map(|assignment| pb::ShiftAssignment {
                    staff_member_id: assignment.staff_id.to_string(),
                    pinned: assignment.pinned,
                    needs_bakvakt: occurrence.role == lp::ShiftRole::Doctor
                        && input.staff_member(assignment.staff_id).is_some_and(|member| {
                            allmenn_legevakt::explain::needs_bakvakt(input, member, occurrence.date)
                        }),
                })
                .collect(),
            fairness_points: occurrence.fairness_points,
        })
        .collect();
    Evaluated {
        hard_violations: i32::try_from(explanation.score.hard_violations).unwrap_or(i32::MAX),
        objective: explanation.score.objective,
        violations: explanation.violations.iter().map(violation_message).collect(),
        staff_costs: explanation
            .staff_costs
            .iter()
            .map(|cost| pb::StaffCost {
                staff_member_id: cost.staff_id.to_string(),
                hard_violations: i32::try_from(cost.hard_violations).unwrap_or(i32::MAX),
                cost: cost.cost,
            })
            .collect(),
        day_costs: explanation
            .day_costs
            .iter()
            .map(|cost| pb::DayCost {
                date: Some(to_date(cost.date)),
                hard_violations: i32::try_from(cost.hard_violations).unwrap_or(i32::MAX),
                cost: cost.cost,
            })
            .collect(),
        shifts,
        totals: explanation
            .totals
            .iter()
            .map(|totals| pb::StaffTotals {
                staff_member_id: totals.staff_id.to_string(),
                shifts: i32::try_from(totals.shifts).unwrap_or(i32::MAX),
                night_shifts: i32::try_from(totals.night_shifts).unwrap_or(i32::MAX),
                weekends: i32::try_from(totals.weekends).unwrap_or(i32::MAX),
                holiday_shifts: i32::try_from(totals.holiday_shifts).unwrap_or(i32::MAX),
                bakvakt_shifts: i32::try_from(totals.bakvakt_shifts).unwrap_or(i32::MAX),
                duty_minutes: i32::try_from(totals.duty_minutes).unwrap_or(i32::MAX),
                fairness_points: totals.fairness_points,
                target_points: totals.target_points,
                balance_before: totals.balance_before,
                balance_after: totals.balance_after,
                requests_granted: i32::try_from(totals.requests_granted).unwrap_or(i32::MAX),
                requests_not_granted: i32::try_from(totals.requests_not_granted).unwrap_or(i32::MAX),
            })
            .collect(),
        fairness: pb::FairnessSummary {
            max_deviation: explanation.fairness.max_deviation,
            mean_absolute_deviation: explanation.fairness.mean_absolute_deviation,
            most_over_staff_member_id: explanation
                .fairness
                .most_over
                .map(|id| id.to_string())
                .unwrap_or_default(),
            most_under_staff_member_id: explanation
                .fairness
                .most_under
                .map(|id| id.to_string())
                .unwrap_or_default(),
        },
    }
}

/// The exact evaluation of `roster` on a loaded plan.
pub(super) fn evaluate(loaded: &LoadedPlan, roster: &[AssignmentRow]) -> Result<Evaluated, ApiError> {
    let input = input(loaded, roster);
    let explanation =
        allmenn_legevakt::explain::explain(&input, &input.assignments).map_err(planning_error)?;
    Ok(evaluated(&input, &explanation))
}

/// A roster exported in `format`, for the whole district or one person.
pub(super) fn export(
    loaded: &LoadedPlan,
    roster: &[AssignmentRow],
    format: pb::ShiftPlanExportFormat,
    staff_member: Option<Uuid>,
    include_violations: bool,
) -> Result<pb::ExportedFile, ApiError> {
    use allmenn_legevakt::export::{ExportFormat, ExportOptions, ExportScope};
    let input = input(loaded, roster);
    let options = ExportOptions {
        plan_id: loaded.plan.id,
        title: format!("{} — {}", loaded.district.name, loaded.plan.name),
        generated_at: chrono::Utc::now(),
        sequence: loaded.version.as_ref().map_or(0, |version| u32::try_from(version.version).unwrap_or(0)),
        scope: staff_member.map_or(ExportScope::District, ExportScope::StaffMember),
        include_violations,
    };
    let format = match format {
        pb::ShiftPlanExportFormat::Icalendar => ExportFormat::ICalendar,
        pb::ShiftPlanExportFormat::Csv => ExportFormat::Csv,
        _ => ExportFormat::Html,
    };
    let file = allmenn_legevakt::export::export(format, &input, &input.assignments, &options)
        .map_err(planning_error)?;
    Ok(pb::ExportedFile { file_name: file.file_name, content_type: file.content_type, content: file.content })
}

/// Exposed for the solve module.
pub(super) fn plan_error(error: lp::PlanError) -> ApiError {
    planning_error(error)
}

/// The planning crate's reason of a stored unavailability name.
fn absence_reason(name: &str) -> lp::AbsenceReason {
    match lv::unavailability_reason_of(name) {
        pb::UnavailabilityReason::Vacation => lp::AbsenceReason::Vacation,
        pb::UnavailabilityReason::Course => lp::AbsenceReason::Course,
        pb::UnavailabilityReason::SickLeave => lp::AbsenceReason::SickLeave,
        pb::UnavailabilityReason::ParentalLeave => lp::AbsenceReason::ParentalLeave,
        pb::UnavailabilityReason::Other | pb::UnavailabilityReason::Unspecified => lp::AbsenceReason::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violation(kind: pb::ConstraintKind, hard: bool, cost: i64, excess: i32) -> pb::ConstraintViolation {
        pb::ConstraintViolation {
            kind: kind.into(),
            hard,
            cost,
            staff_member_id: "lege-1".into(),
            excess,
            ..Default::default()
        }
    }

    fn evaluated(violations: Vec<pb::ConstraintViolation>) -> Evaluated {
        Evaluated { violations, ..Evaluated::default() }
    }

    /// Already over a limit, further over it: added. A soft constraint costing more: added. The
    /// same as before, or less: not.
    #[test]
    fn a_rule_broken_further_is_added() {
        let before = evaluated(vec![
            violation(pb::ConstraintKind::MaxShifts, true, 0, 1),
            violation(pb::ConstraintKind::Fairness, false, 40, 0),
        ]);
        let further = evaluated(vec![
            violation(pb::ConstraintKind::MaxShifts, true, 0, 2),
            violation(pb::ConstraintKind::Fairness, false, 90, 0),
        ]);
        let added = added_violations(&before, &further);
        assert_eq!(added.len(), 2);
        let same = evaluated(vec![
            violation(pb::ConstraintKind::MaxShifts, true, 0, 1),
            violation(pb::ConstraintKind::Fairness, false, 10, 0),
        ]);
        assert!(added_violations(&before, &same).is_empty());
    }
}
