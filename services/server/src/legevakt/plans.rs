//! Plans, cover, versions, explanation, manual edits and publication.

use std::collections::BTreeSet;

use allmenn_legevakt::plan as lp;
use allmenn_proto::v1 as pb;
use allmenn_store::{
    Resource, RuleViolation, StoreError,
    entity::legevakt::{cover_requirement, fairness_adjustment, shift_plan},
    legevakt::{self as repo, AssignmentRow, NewVersion},
};
use chrono::Utc;
use prost::Message;
use uuid::Uuid;

use super::{Legevakt, convert as lv, load, planning};
use crate::{
    convert::{self as common, to_date},
    error::{ApiError, Violations},
    idempotency,
};

fn id(violations: &mut Violations, field: &str, value: &str) -> Option<Uuid> {
    common::resource_id(violations, field, value)
}

/// Rows of a stored roster.
pub(super) fn rows(
    assignments: &[allmenn_store::entity::legevakt::plan_assignment::Model],
) -> Vec<AssignmentRow> {
    assignments
        .iter()
        .map(|row| (row.date, row.shift_type_code.clone(), row.staff_member_id, row.pinned))
        .collect()
}

pub(super) async fn create(
    service: &Legevakt,
    request: pb::CreateShiftPlanRequest,
) -> Result<pb::ShiftPlan, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let plan = violations.required("plan", request.plan.as_ref());
    let district_id = plan.and_then(|plan| id(&mut violations, "plan.district_id", &plan.district_id));
    let copy_from = match &request.template {
        Some(pb::create_shift_plan_request::Template::CopyCoverFromPlanId(other)) => {
            id(&mut violations, "copy_cover_from_plan_id", other)
        }
        _ => None,
    };
    let (plan, district_id) = violations.into_result(|| plan.zip(district_id))?;
    let district = service.district(district_id).await?;
    let codes: Vec<String> = repo::list_shift_types(service.store.connection(), district_id)
        .await?
        .into_iter()
        .map(|shift| shift.code)
        .collect();
    let mut violations = Violations::new();
    let row = lv::new_plan(&mut violations, plan, &district);
    let template = match &request.template {
        Some(pb::create_shift_plan_request::Template::CoverTemplate(template)) => template.clone(),
        _ => lv::decode(&district.default_cover_template),
    };
    lv::validate_template_codes(&mut violations, "cover_template", &template, &codes);
    let row = violations.into_result(|| row)?;
    let cover = match copy_from {
        Some(other) => copied_cover(service, other, &row).await?,
        None => lv::cover_from_template(row.id, row.start_date, row.end_date, &template),
    };
    let loaded = load::LoadedPlan::new_for_scoring(service, row.clone(), cover.clone()).await?;
    let evaluated = planning::evaluate(&loaded, &[])?;
    let created = idempotency::run(&service.store, "CreateShiftPlan", &request.request_id, &request, |tx| {
        Box::pin(async move {
            let plan = repo::insert::<_, shift_plan::ActiveModel>(tx, row, Resource::ShiftPlan).await?;
            repo::set_cover(tx, &plan, cover, false).await?;
            let (plan, version) = repo::add_version(
                tx,
                plan,
                NewVersion {
                    source: "created",
                    base_version: 0,
                    hard_violations: evaluated.hard_violations,
                    objective: evaluated.objective,
                    solve_id: None,
                    swap_id: None,
                    note: String::new(),
                    published: false,
                },
                Vec::new(),
            )
            .await?;
            Ok(lv::plan_message(&plan, Some(&version), None))
        })
    })
    .await?;
    Ok(created)
}

/// Another plan's cover moved onto a new period weekday by weekday: each date takes the cover of the
/// first date in the other plan with the same weekday.
async fn copied_cover(
    service: &Legevakt,
    other: Uuid,
    plan: &shift_plan::Model,
) -> Result<Vec<cover_requirement::Model>, ApiError> {
    use chrono::Datelike;
    let source_plan = repo::get_plan(service.store.connection(), other).await?;
    if source_plan.district_id != plan.district_id {
        return Err(ApiError::InvalidArgument(vec![tonic_types::FieldViolation::new(
            "copy_cover_from_plan_id",
            "is a plan of another district",
        )]));
    }
    let source = repo::list_cover(service.store.connection(), other, None, None).await?;
    let mut rows = Vec::new();
    let mut date = plan.start_date;
    while date <= plan.end_date {
        if let Some(first) =
            source.iter().find(|row| row.date.weekday() == date.weekday()).map(|row| row.date)
        {
            rows.extend(source.iter().filter(|row| row.date == first).map(|row| cover_requirement::Model {
                plan_id: plan.id,
                date,
                shift_type_code: row.shift_type_code.clone(),
                min_count: row.min_count,
                preferred_count: row.preferred_count,
            }));
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    Ok(rows)
}

pub(super) async fn get(
    service: &Legevakt,
    request: pb::GetShiftPlanRequest,
) -> Result<pb::ShiftPlan, ApiError> {
    let mut violations = Violations::new();
    let plan_id = id(&mut violations, "plan_id", &request.plan_id);
    if request.version < 0 {
        violations.add("version", "must not be negative");
    }
    let plan_id = violations.into_result(|| plan_id)?;
    let loaded = load::load(&service.store, plan_id, request.version).await?;
    // A solve abandoned by its replica is not shown as running (the next write ends it).
    let running = match repo::running_solve(service.store.connection(), plan_id).await? {
        Some(solve)
            if !repo::solve_abandoned(&solve, repo::database_now(service.store.connection()).await?) =>
        {
            Some(solve.id)
        }
        _ => None,
    };
    let mut message = lv::plan_message(&loaded.plan, loaded.version.as_ref(), running);
    if request.view == i32::from(pb::ShiftPlanView::Full) {
        let evaluated = planning::evaluate(&loaded, &rows(&loaded.assignments))?;
        message.shifts = evaluated.shifts;
        message.staff_totals = evaluated.totals;
        message.fairness = Some(evaluated.fairness);
    }
    Ok(message)
}

pub(super) async fn set_cover(
    service: &Legevakt,
    request: pb::SetCoverRequirementsRequest,
) -> Result<pb::SetCoverRequirementsResponse, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let plan_id = id(&mut violations, "plan_id", &request.plan_id);
    let expected = lv::parse_etag(&mut violations, "etag", &request.etag);
    let plan_id = violations.into_result(|| plan_id)?;
    let plan = repo::get_plan(service.store.connection(), plan_id).await?;
    let roles = service.roles(plan.district_id).await?;
    let mut violations = Violations::new();
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    for (index, requirement) in request.requirements.iter().enumerate() {
        let path = format!("requirements[{index}]");
        let date = violations.required(&format!("{path}.date"), requirement.date.as_ref());
        let date = common::date(&mut violations, &format!("{path}.date"), date);
        if let Some(date) = date
            && (date < plan.start_date || date > plan.end_date)
        {
            violations.add(format!("{path}.date"), "is outside the plan's period");
        }
        if !roles.iter().any(|(code, _)| *code == requirement.shift_type_code) {
            violations.add(
                format!("{path}.shift_type_code"),
                "is not a shift type of the district (unknown shift code)",
            );
        }
        lv::validate_counts(&mut violations, &path, requirement.min_count, requirement.preferred_count);
        if let Some(date) = date
            && !seen.insert((date, requirement.shift_type_code.clone()))
        {
            violations.add(path.clone(), "repeats a (date, shift type) given before (contradictory cover)");
        }
        if let Some(date) = date {
            rows.push(cover_requirement::Model {
                plan_id,
                date,
                shift_type_code: requirement.shift_type_code.clone(),
                min_count: requirement.min_count,
                preferred_count: requirement.preferred_count,
            });
        }
    }
    violations.finish()?;
    let replace_all = request.replace_all;
    let response =
        idempotency::run(&service.store, "SetCoverRequirements", &request.request_id, &request, |tx| {
            Box::pin(async move {
                let plan = repo::lock_plan(tx, plan_id, expected).await?;
                // A zero row removes the shift from that date.
                let (removed, kept): (Vec<_>, Vec<_>) =
                    rows.into_iter().partition(|row| row.min_count == 0 && row.preferred_count == 0);
                repo::set_cover(tx, &plan, kept, replace_all).await?;
                repo::remove_cover(
                    tx,
                    plan_id,
                    removed.iter().map(|row| (row.date, row.shift_type_code.clone())).collect(),
                )
                .await?;
                let plan = repo::touch_plan(tx, plan, None, None).await?;
                let stored = repo::list_cover(tx, plan_id, None, None).await?;
                Ok(pb::SetCoverRequirementsResponse {
                    requirements: stored
                        .iter()
                        .map(|row| lv::cover_message(row, super::role_for(&roles, &row.shift_type_code)))
                        .collect(),
                    plan_etag: common::etag(plan.revision),
                })
            })
        })
        .await?;
    Ok(response)
}

pub(super) async fn explain(
    service: &Legevakt,
    request: pb::ExplainShiftPlanRequest,
) -> Result<pb::ExplainShiftPlanResponse, ApiError> {
    let mut violations = Violations::new();
    let plan_id = id(&mut violations, "plan_id", &request.plan_id);
    if request.version < 0 {
        violations.add("version", "must not be negative");
    }
    let plan_id = violations.into_result(|| plan_id)?;
    let loaded = load::load(&service.store, plan_id, request.version).await?;
    let evaluated = planning::evaluate(&loaded, &rows(&loaded.assignments))?;
    Ok(pb::ExplainShiftPlanResponse {
        score: Some(pb::ShiftPlanScore {
            hard_violations: evaluated.hard_violations,
            objective: evaluated.objective,
        }),
        violations: evaluated.violations,
        staff_costs: evaluated.staff_costs,
        day_costs: evaluated.day_costs,
    })
}

pub(super) async fn edit(
    service: &Legevakt,
    request: pb::EditShiftPlanRequest,
) -> Result<pb::EditShiftPlanResponse, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let plan_id = id(&mut violations, "plan_id", &request.plan_id);
    let expected = lv::parse_etag(&mut violations, "etag", &request.etag);
    if request.edits.is_empty() {
        violations.add("edits", "give at least one edit");
    }
    if request.base_version < 0 {
        violations.add("base_version", "must not be negative");
    }
    let plan_id = violations.into_result(|| plan_id)?;
    let loaded = load::load(&service.store, plan_id, request.base_version).await?;
    let base = rows(&loaded.assignments);
    let mut roster = base.clone();
    let mut violations = Violations::new();
    for (index, edit) in request.edits.iter().enumerate() {
        let path = format!("edits[{index}]");
        let Some(edit) = &edit.edit else {
            violations.add(path, "is empty");
            continue;
        };
        let (change, kind) = match edit {
            pb::shift_plan_edit::Edit::Assign(change) => (change, "assign"),
            pb::shift_plan_edit::Edit::Unassign(change) => (change, "unassign"),
            pb::shift_plan_edit::Edit::Pin(change) => (change, "pin"),
            pb::shift_plan_edit::Edit::Unpin(change) => (change, "unpin"),
        };
        let occurrence =
            lv::parse_occurrence_id(&mut violations, &format!("{path}.{kind}.shift_id"), &change.shift_id);
        let member = id(&mut violations, &format!("{path}.{kind}.staff_member_id"), &change.staff_member_id);
        let Some(((date, code), member)) = occurrence.zip(member) else { continue };
        if !loaded.staff.iter().any(|staff| staff.id == member) {
            violations
                .add(format!("{path}.{kind}.staff_member_id"), "is not on the district's staff for the plan");
            continue;
        }
        if !loaded.cover.iter().any(|row| row.date == date && row.shift_type_code == code) {
            violations.add(format!("{path}.{kind}.shift_id"), "is not a shift of the plan");
            continue;
        }
        let position = roster.iter().position(|row| row.0 == date && row.1 == code && row.2 == member);
        match (kind, position) {
            ("assign", None) => roster.push((date, code, member, true)),
            ("assign", Some(at)) => roster[at].3 = true,
            ("unassign", Some(at)) => {
                roster.remove(at);
            }
            ("pin", Some(at)) => roster[at].3 = true,
            ("unpin", Some(at)) => roster[at].3 = false,
            _ => violations.add(format!("{path}.{kind}"), "the person is not on that shift"),
        }
    }
    violations.finish()?;
    let before = planning::evaluate(&loaded, &base)?;
    let after = planning::evaluate(&loaded, &roster)?;
    let added = planning::added_violations(&before, &after);
    let hard_added: Vec<&pb::ConstraintViolation> = added.iter().filter(|violation| violation.hard).collect();
    if !hard_added.is_empty() {
        let summary =
            hard_added.iter().map(|violation| violation.message.as_str()).collect::<Vec<_>>().join("; ");
        return Err(StoreError::from(RuleViolation::BreaksHardRule(summary)).into());
    }
    let score = pb::ShiftPlanScore { hard_violations: after.hard_violations, objective: after.objective };
    if request.validate_only {
        return Ok(pb::EditShiftPlanResponse { version: None, score: Some(score), added_violations: added });
    }
    let base_version = loaded.version.as_ref().map_or(0, |version| version.version);
    let response = idempotency::run(&service.store, "EditShiftPlan", &request.request_id, &request, |tx| {
        Box::pin(async move {
            let plan = repo::lock_plan(tx, plan_id, expected).await?;
            // A solve running on the plan would store its roster after this edit, on the version
            // before it: publishing the newest version would then silently drop the edit.
            if repo::live_solve(tx, plan_id).await?.is_some() {
                return Err(StoreError::from(RuleViolation::SolveRunning).into());
            }
            if plan.latest_version != base_version && expected.is_none() {
                // Without an etag the edit still must not silently fork from an older version.
                return Err(StoreError::EtagMismatch.into());
            }
            let (_, version) = repo::add_version(
                tx,
                plan,
                NewVersion {
                    source: "edit",
                    base_version,
                    hard_violations: after.hard_violations,
                    objective: after.objective,
                    solve_id: None,
                    swap_id: None,
                    note: String::new(),
                    published: false,
                },
                roster,
            )
            .await?;
            Ok(pb::EditShiftPlanResponse {
                version: Some(lv::version_message(&version)),
                score: Some(score),
                added_violations: added,
            })
        })
    })
    .await?;
    Ok(response)
}

pub(super) async fn publish(
    service: &Legevakt,
    request: pb::PublishShiftPlanRequest,
) -> Result<pb::ShiftPlanVersion, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let plan_id = id(&mut violations, "plan_id", &request.plan_id);
    let expected = lv::parse_etag(&mut violations, "etag", &request.etag);
    if request.note.chars().count() > 1000 {
        violations.add("note", "must be at most 1000 characters");
    }
    if request.version < 0 {
        violations.add("version", "must not be negative");
    }
    let plan_id = violations.into_result(|| plan_id)?;
    let loaded = load::load(&service.store, plan_id, request.version).await?;
    let version = loaded.version.clone().ok_or(StoreError::NotFound(Resource::ShiftPlanVersion))?;
    if version.state != "draft" {
        return Err(StoreError::from(RuleViolation::VersionNotDraft).into());
    }
    // The roster is judged by the rules as they stand, not by the score stored with the draft: an
    // absence recorded since may break one, and the published version carries the score it was
    // published with.
    let evaluated = planning::evaluate(&loaded, &rows(&loaded.assignments))?;
    if evaluated.hard_violations > 0 && !request.acknowledge_violations {
        return Err(StoreError::from(RuleViolation::HardViolationsNotAcknowledged).into());
    }
    let score =
        repo::VersionScore { hard_violations: evaluated.hard_violations, objective: evaluated.objective };
    let overlaps: Vec<&str> = evaluated
        .violations
        .iter()
        .filter(|violation| violation.kind == pb::ConstraintKind::Overlap as i32)
        .map(|violation| violation.message.as_str())
        .collect();
    if !overlaps.is_empty() {
        return Err(StoreError::from(RuleViolation::OverlapNotPublishable(summary(&overlaps))).into());
    }
    let ledger = fairness_ledger(loaded.district.id, plan_id, &loaded.plan.name, version.version, &evaluated);
    let note = request.note.clone();
    let published_rows = rows(&loaded.assignments);
    let shift_types = loaded.shift_types.clone();
    let published =
        idempotency::run(&service.store, "PublishShiftPlan", &request.request_id, &request, |tx| {
            Box::pin(async move {
                let plan = repo::lock_plan(tx, plan_id, expected).await?;
                // Publications in one district serialise on the district row, so that the check for
                // shifts colliding with other plans' published rosters holds across replicas.
                repo::lock_district(tx, plan.district_id, None).await?;
                // The roster was judged by the shift types read before the lock: if one was
                // redefined meanwhile, the caller reads the plan again.
                if repo::list_shift_types(tx, plan.district_id).await? != shift_types {
                    return Err(StoreError::EtagMismatch.into());
                }
                check_no_collisions(tx, &plan, &published_rows, &shift_types).await?;
                // Re-read under the lock: a concurrent publication may have changed the version's state.
                let version = repo::get_version(tx, plan_id, version.version).await?;
                let (_, version) = repo::publish_version(tx, plan, version, note, score).await?;
                repo::replace_plan_ledger(tx, plan_id, ledger).await?;
                Ok(lv::version_message(&version))
            })
        })
        .await?;
    Ok(published)
}

/// The plan's entries in the district's fairness ledger once `version` of its roster is published:
/// per person, the points earned and how far the balance moves against the plain fair share.
pub(super) fn fairness_ledger(
    district_id: Uuid,
    plan_id: Uuid,
    plan_name: &str,
    version: i32,
    evaluated: &planning::Evaluated,
) -> Vec<fairness_adjustment::Model> {
    evaluated
        .totals
        .iter()
        .filter_map(|totals| {
            let member = Uuid::parse_str(&totals.staff_member_id).ok()?;
            Some(fairness_adjustment::Model {
                id: Uuid::now_v7(),
                district_id,
                staff_member_id: member,
                plan_id: Some(plan_id),
                // The balance moves by the points earned minus the plain fair share of this plan.
                points: totals.fairness_points,
                target: totals.fairness_points - (totals.balance_after - totals.balance_before),
                delta: totals.balance_after - totals.balance_before,
                reason: format!("plan {plan_name} version {version} published"),
                created_at: Utc::now(),
            })
        })
        .collect()
}

pub(super) async fn diff(
    service: &Legevakt,
    request: pb::DiffShiftPlanVersionsRequest,
) -> Result<pb::DiffShiftPlanVersionsResponse, ApiError> {
    let mut violations = Violations::new();
    let plan_id = id(&mut violations, "plan_id", &request.plan_id);
    if request.from_version < 0 || request.to_version < 0 {
        violations.add("from_version", "versions must not be negative");
    }
    let plan_id = violations.into_result(|| plan_id)?;
    let plan = repo::get_plan(service.store.connection(), plan_id).await?;
    let from_number = if request.from_version == 0 { plan.published_version } else { request.from_version };
    if from_number == 0 {
        return Err(StoreError::from(RuleViolation::NoPublishedVersion).into());
    }
    let to_number = if request.to_version == 0 { plan.latest_version } else { request.to_version };
    let from = repo::get_version(service.store.connection(), plan_id, from_number).await?;
    let to = repo::get_version(service.store.connection(), plan_id, to_number).await?;
    let old = repo::assignments(service.store.connection(), plan_id, from_number).await?;
    let new = repo::assignments(service.store.connection(), plan_id, to_number).await?;
    let shift_types = repo::list_shift_types(service.store.connection(), plan.district_id).await?;
    let key = |row: &allmenn_store::entity::legevakt::plan_assignment::Model| {
        (row.date, row.shift_type_code.clone(), row.staff_member_id)
    };
    let old_keys: BTreeSet<_> = old.iter().map(key).collect();
    let new_keys: BTreeSet<_> = new.iter().map(key).collect();
    let mut changes = Vec::new();
    let mut affected = BTreeSet::new();
    for (date, code, member) in old_keys.difference(&new_keys) {
        affected.insert(*member);
        changes.push(diff_row(*date, code, Some(*member), None, &shift_types));
    }
    for (date, code, member) in new_keys.difference(&old_keys) {
        affected.insert(*member);
        changes.push(diff_row(*date, code, None, Some(*member), &shift_types));
    }
    changes.sort_by(|a, b| {
        let start = |change: &pb::AssignmentDiff| change.start_time.map(|time| (time.seconds, time.nanos));
        start(a).cmp(&start(b)).then_with(|| a.shift_id.cmp(&b.shift_id))
    });
    Ok(pb::DiffShiftPlanVersionsResponse {
        from_version: from_number,
        to_version: to_number,
        changes,
        from_score: Some(pb::ShiftPlanScore {
            hard_violations: from.hard_violations,
            objective: from.objective,
        }),
        to_score: Some(pb::ShiftPlanScore { hard_violations: to.hard_violations, objective: to.objective }),
        affected_staff_member_ids: affected.iter().map(Uuid::to_string).collect(),
    })
}

fn diff_row(
    date: chrono::NaiveDate,
    code: &str,
    removed: Option<Uuid>,
    added: Option<Uuid>,
    shift_types: &[allmenn_store::entity::legevakt::shift_type::Model],
) -> pb::AssignmentDiff {
    let start = shift_types
        .iter()
        .find(|shift| shift.code == code)
        .and_then(|shift| super::occurrence_instants(date, shift))
        .map(|(start, _)| common::to_timestamp(start));
    pb::AssignmentDiff {
        shift_id: lv::occurrence_id(date, code),
        date: Some(to_date(date)),
        shift_type_code: code.to_owned(),
        start_time: start,
        removed_staff_member_id: removed.map(|id| id.to_string()).unwrap_or_default(),
        added_staff_member_id: added.map(|id| id.to_string()).unwrap_or_default(),
    }
}

pub(super) async fn export(
    service: &Legevakt,
    request: pb::ExportShiftPlanRequest,
) -> Result<pb::ExportShiftPlanResponse, ApiError> {
    let mut violations = Violations::new();
    let plan_id = id(&mut violations, "plan_id", &request.plan_id);
    let member = if request.staff_member_id.is_empty() {
        None
    } else {
        id(&mut violations, "staff_member_id", &request.staff_member_id)
    };
    let format =
        pb::ShiftPlanExportFormat::try_from(request.format).unwrap_or(pb::ShiftPlanExportFormat::Unspecified);
    if format == pb::ShiftPlanExportFormat::Unspecified {
        violations.add("format", "must be ICALENDAR, CSV or HTML");
    }
    if request.version < 0 {
        violations.add("version", "must not be negative");
    }
    let plan_id = violations.into_result(|| plan_id)?;
    let plan = repo::get_plan(service.store.connection(), plan_id).await?;
    let version = if request.version == 0 { plan.published_version } else { request.version };
    if version == 0 {
        return Err(StoreError::from(RuleViolation::NoPublishedVersion).into());
    }
    let loaded = load::load(&service.store, plan_id, version).await?;
    if let Some(member) = member
        && !loaded.staff.iter().any(|staff| staff.id == member)
    {
        return Err(StoreError::NotFound(Resource::StaffMember).into());
    }
    let file =
        planning::export(&loaded, &rows(&loaded.assignments), format, member, request.include_violations)?;
    Ok(pb::ExportShiftPlanResponse { file: Some(file) })
}

/// Encodes rules for storage (used by UpdateShiftPlan).
#[allow(dead_code, reason = "kept for UpdateShiftPlan")]
pub(super) fn encode_rules(rules: pb::PlanningRules) -> Vec<u8> {
    lv::rules_with_defaults(Some(rules)).encode_to_vec()
}

/// Refuses a roster that would give someone a shift that overlaps, leaves too little rest before or
/// after, or forbiddenly follows or precedes one of their shifts in another published plan, of this
/// district or of another where they are also on the staff (judged by this plan's rules, whichever
/// plan holds the earlier shift).
pub(super) async fn check_no_collisions<C: allmenn_store::Connection>(
    transaction: &C,
    plan: &shift_plan::Model,
    roster: &[AssignmentRow],
    shift_types: &[allmenn_store::entity::legevakt::shift_type::Model],
) -> Result<(), ApiError> {
    let people: BTreeSet<Uuid> = roster.iter().map(|row| row.2).collect();
    let people: Vec<Uuid> = people.into_iter().collect();
    let held = load::held_elsewhere(transaction, plan, &people, shift_types, true).await?;
    let rules = planning::rules(&lv::decode(&plan.rules));
    // Every clash is named, a few at most.
    let (mut overlaps, mut others_broken) = (Vec::new(), Vec::new());
    for theirs in &held {
        for ours in roster.iter().filter(|ours| ours.2 == theirs.person) {
            let Some(shift) = shift_types.iter().find(|shift| shift.code == ours.1) else { continue };
            let Some(span) = super::occurrence_instants(ours.0, shift) else { continue };
            let our_type = planning::shift_type(shift);
            let ours_id = lv::occurrence_id(ours.0, &ours.1);
            let (first, second) = if span.0 <= theirs.span.0 {
                ((span, &our_type, &ours_id), (theirs.span, &theirs.shift_type, &theirs.shift_id))
            } else {
                ((theirs.span, &theirs.shift_type, &theirs.shift_id), (span, &our_type, &ours_id))
            };
            let Some(clash) = lp::pair_clash(&rules, first.1, first.0, second.1, second.0) else { continue };
            let (theirs_id, context) =
                (&theirs.shift_id, format!("of the published plan {}", theirs.plan_name));
            let (first_id, second_id) = (first.2, second.2);
            match clash {
                lp::PairClash::Overlap { .. } => {
                    overlaps.push(format!("shift {ours_id} overlaps shift {theirs_id} {context}"));
                }
                lp::PairClash::Rest { gap, required } => others_broken.push(format!(
                    "{gap} minutes of rest between shift {first_id} and shift {second_id} ({required} required; shift {theirs_id} is {context})"
                )),
                lp::PairClash::ForbiddenSuccession { .. } => others_broken.push(format!(
                    "shift {second_id} may not follow shift {first_id} within 24 hours (shift {theirs_id} is {context})"
                )),
            }
        }
    }
    // An overlap is refused as the publication's own check refuses it (whichever sees it first
    // under concurrent publications); rest and successions as any broken hard rule.
    if !overlaps.is_empty() {
        return Err(StoreError::from(RuleViolation::OverlapNotPublishable(summary(&overlaps))).into());
    }
    if !others_broken.is_empty() {
        return Err(StoreError::from(RuleViolation::BreaksHardRule(summary(&others_broken))).into());
    }
    Ok(())
}

/// The first few of `items`, with how many more there are.
fn summary(items: &[impl AsRef<str>]) -> String {
    let mut summary = items.iter().take(5).map(AsRef::as_ref).collect::<Vec<_>>().join("; ");
    if items.len() > 5 {
        summary.push_str(&format!("; and {} more", items.len() - 5));
    }
    summary
}
