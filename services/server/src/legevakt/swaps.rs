//! Swaps of published shifts: direct swap, give-away and open pool. Each step is validated against
//! the hard rules on the published roster; the planner's approval applies the swap as a new
//! published version, under the plan's row lock, after validating once more against the roster as
//! it is then (another swap may have been approved in between).

use allmenn_legevakt::explain::{self, Edit};
use allmenn_proto::v1 as pb;
use allmenn_store::{
    Resource, RuleViolation, StoreError,
    entity::legevakt::shift_swap,
    legevakt::{self as repo, NewVersion},
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Legevakt, convert as lv, load, planning, plans::rows};
use crate::{
    convert as common,
    error::{ApiError, Violations},
    idempotency,
};

fn id(violations: &mut Violations, field: &str, value: &str) -> Option<Uuid> {
    common::resource_id(violations, field, value)
}

fn optional_id(violations: &mut Violations, field: &str, value: &str) -> Option<Uuid> {
    if value.is_empty() { None } else { id(violations, field, value) }
}

/// The roster edits a swap makes, with the people whose rules they touch.
fn edits(swap: &shift_swap::Model) -> Result<(Vec<Edit>, Vec<Uuid>), ApiError> {
    let mut violations = Violations::new();
    let offered = lv::parse_occurrence_id(&mut violations, "offered_shift_id", &swap.offered_shift_id);
    let taker = swap.claimant_staff_member_id.or(swap.counterparty_staff_member_id);
    let result = match (swap.kind.as_str(), offered, taker) {
        ("direct", Some((date, code)), Some(counterparty)) => {
            let requested =
                lv::parse_occurrence_id(&mut violations, "requested_shift_id", &swap.requested_shift_id);
            requested.map(|(requested_date, requested_code)| {
                (
                    explain::direct_swap(
                        (date, &code),
                        swap.requester_staff_member_id,
                        (requested_date, &requested_code),
                        counterparty,
                    ),
                    vec![swap.requester_staff_member_id, counterparty],
                )
            })
        }
        (_, Some((date, code)), Some(taker)) => Some((
            explain::hand_over((date, &code), swap.requester_staff_member_id, taker),
            vec![swap.requester_staff_member_id, taker],
        )),
        // An open-pool offer nobody has claimed yet changes nothing.
        ("open_pool", Some(_), None) => Some((Vec::new(), vec![swap.requester_staff_member_id])),
        _ => None,
    };
    violations.into_result(|| result)
}

/// The published roster with a swap applied, ready to be stored as the next published version.
struct Applied {
    published_version: i32,
    roster: Vec<allmenn_store::legevakt::AssignmentRow>,
    evaluated: planning::Evaluated,
    shift_types: Vec<allmenn_store::entity::legevakt::shift_type::Model>,
}

/// What validating a swap found: warnings (new soft violations), the roster an approval would
/// publish, and when the earliest shift involved starts (the default expiry).
struct Validated {
    warnings: Vec<pb::ConstraintViolation>,
    applied: Option<Applied>,
    earliest_start: Option<DateTime<Utc>>,
}

/// Validates a swap's edits on the published roster; refuses it when it adds a hard violation for
/// the people involved.
async fn validate(service: &Legevakt, swap: &shift_swap::Model) -> Result<Validated, ApiError> {
    let plan = repo::get_plan(service.store.connection(), swap.plan_id).await?;
    if plan.published_version == 0 {
        return Err(StoreError::from(RuleViolation::NoPublishedVersion).into());
    }
    let loaded = load::load(&service.store, plan.id, plan.published_version).await?;
    let roster = rows(&loaded.assignments);
    let holds = |staff: Uuid, shift_id: &str| {
        roster.iter().any(|row| row.2 == staff && lv::occurrence_id(row.0, &row.1) == shift_id)
    };
    if !holds(swap.requester_staff_member_id, &swap.offered_shift_id) {
        return Err(StoreError::from(RuleViolation::ShiftNotHeld).into());
    }
    if swap.kind == "direct"
        && !swap
            .counterparty_staff_member_id
            .is_some_and(|counterparty| holds(counterparty, &swap.requested_shift_id))
    {
        return Err(StoreError::from(RuleViolation::ShiftNotHeld).into());
    }
    let input = planning::input(&loaded, &roster);
    let occurrences = input.occurrences_by_id().map_err(planning::plan_error)?;
    let mut earliest_start: Option<DateTime<Utc>> = None;
    for shift_id in [&swap.offered_shift_id, &swap.requested_shift_id] {
        if let Some(occurrence) = occurrences.get(shift_id.as_str()) {
            if occurrence.start <= Utc::now() {
                return Err(StoreError::from(RuleViolation::ShiftStarted).into());
            }
            earliest_start =
                Some(earliest_start.map_or(occurrence.start, |start| start.min(occurrence.start)));
        }
    }
    let (edits, people) = edits(swap)?;
    if people.len() < 2 {
        return Ok(Validated { warnings: Vec::new(), applied: None, earliest_start });
    }
    let outcome =
        explain::validate_edits(&input, &input.assignments, &edits).map_err(planning::plan_error)?;
    let hard = outcome.added_hard_for(&people);
    if !hard.is_empty() {
        let summary = hard.iter().map(|violation| violation.message.as_str()).collect::<Vec<_>>().join("; ");
        return Err(StoreError::from(RuleViolation::BreaksHardRule(summary)).into());
    }
    let after = planning::evaluated(&input, &outcome.explanation);
    let before = planning::evaluate(&loaded, &roster)?;
    let warnings =
        planning::added_violations(&before, &after).into_iter().filter(|violation| !violation.hard).collect();
    let applied = Applied {
        published_version: plan.published_version,
        roster: planning::roster_rows(&outcome.assignments),
        evaluated: after,
        shift_types: loaded.shift_types,
    };
    Ok(Validated { warnings, applied: Some(applied), earliest_start })
}

pub(super) async fn create(
    service: &Legevakt,
    request: pb::CreateShiftSwapRequest,
) -> Result<pb::ShiftSwap, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let swap = violations.required("swap", request.swap.as_ref());
    let (swap, row) = match swap {
        Some(swap) => {
            let plan_id = id(&mut violations, "swap.plan_id", &swap.plan_id);
            let kind = pb::ShiftSwapKind::try_from(swap.kind).ok().and_then(lv::swap_kind_name);
            if kind.is_none() {
                violations.add("swap.kind", "must be DIRECT, GIVE_AWAY or OPEN_POOL");
            }
            let requester =
                id(&mut violations, "swap.requester_staff_member_id", &swap.requester_staff_member_id);
            lv::parse_occurrence_id(&mut violations, "swap.offered_shift_id", &swap.offered_shift_id);
            let counterparty = optional_id(
                &mut violations,
                "swap.counterparty_staff_member_id",
                &swap.counterparty_staff_member_id,
            );
            match kind {
                Some("direct" | "give_away") if counterparty.is_none() => {
                    violations
                        .add("swap.counterparty_staff_member_id", "is required for DIRECT and GIVE_AWAY");
                }
                Some("open_pool") if counterparty.is_some() => {
                    violations.add("swap.counterparty_staff_member_id", "is not used in the open pool");
                }
                _ => {}
            }
            if kind == Some("direct") {
                lv::parse_occurrence_id(&mut violations, "swap.requested_shift_id", &swap.requested_shift_id);
            } else if !swap.requested_shift_id.is_empty() {
                violations.add("swap.requested_shift_id", "is only used in a DIRECT swap");
            }
            if counterparty.is_some() && counterparty == requester {
                violations
                    .add("swap.counterparty_staff_member_id", "must be someone else than the requester");
            }
            let expire = swap
                .expire_time
                .as_ref()
                .and_then(|time| common::timestamp(&mut violations, "swap.expire_time", time));
            if expire.is_some_and(|expire| expire <= Utc::now()) {
                violations.add("swap.expire_time", "must lie in the future");
            }
            let now = Utc::now();
            let row = (|| {
                Some(shift_swap::Model {
                    id: Uuid::now_v7(),
                    plan_id: plan_id?,
                    kind: kind?.to_owned(),
                    state: if kind? == "open_pool" { "open" } else { "awaiting_counterparty" }.to_owned(),
                    requester_staff_member_id: requester?,
                    offered_shift_id: swap.offered_shift_id.clone(),
                    counterparty_staff_member_id: counterparty,
                    requested_shift_id: swap.requested_shift_id.clone(),
                    claimant_staff_member_id: None,
                    note: swap.note.chars().take(500).collect(),
                    applied_version: 0,
                    decision_note: String::new(),
                    expire_time: expire,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                })
            })();
            (Some(swap), row)
        }
        None => (None, None),
    };
    let row = violations.into_result(|| swap.and(row))?;
    for member in
        [Some(row.requester_staff_member_id), row.counterparty_staff_member_id].into_iter().flatten()
    {
        repo::get_staff_member(service.store.connection(), member).await?;
    }
    let Validated { warnings, earliest_start, .. } = validate(service, &row).await?;
    // Undecided swaps expire when the earliest shift involved starts, or earlier if asked.
    let mut row = row;
    row.expire_time = match (row.expire_time, earliest_start) {
        (Some(asked), Some(start)) => Some(asked.min(start)),
        (asked, start) => asked.or(start),
    };
    let created = idempotency::run(&service.store, "CreateShiftSwap", &request.request_id, &request, |tx| {
        Box::pin(async move {
            let row = repo::insert::<_, shift_swap::ActiveModel>(tx, row, Resource::ShiftSwap).await?;
            Ok(lv::swap_message(&row, warnings))
        })
    })
    .await?;
    Ok(created)
}

pub(super) async fn get(
    service: &Legevakt,
    request: pb::GetShiftSwapRequest,
) -> Result<pb::ShiftSwap, ApiError> {
    let mut violations = Violations::new();
    let swap_id = id(&mut violations, "swap_id", &request.swap_id);
    let swap_id = violations.into_result(|| swap_id)?;
    repo::expire_swaps(service.store.connection(), None, Some(swap_id), Utc::now()).await?;
    Ok(lv::swap_message(&repo::get_swap(service.store.connection(), swap_id).await?, Vec::new()))
}

pub(super) async fn list(
    service: &Legevakt,
    request: pb::ListShiftSwapsRequest,
) -> Result<pb::ListShiftSwapsResponse, ApiError> {
    let mut violations = Violations::new();
    let plan = optional_id(&mut violations, "plan_id", &request.plan_id);
    let district = optional_id(&mut violations, "district_id", &request.district_id);
    let member = optional_id(&mut violations, "staff_member_id", &request.staff_member_id);
    if plan.is_none() && district.is_none() {
        violations.add("plan_id", "give a plan_id or a district_id");
    }
    for (index, state) in request.states.iter().enumerate() {
        if !pb::ShiftSwapState::try_from(*state).is_ok_and(|state| state != pb::ShiftSwapState::Unspecified) {
            violations.add(format!("states[{index}]"), "is not a swap state");
        }
    }
    violations.finish()?;
    let plan_ids = match (plan, district) {
        (Some(plan), _) => vec![plan],
        (None, Some(district)) => repo::list_plans(service.store.connection(), district)
            .await?
            .into_iter()
            .map(|plan| plan.id)
            .collect(),
        (None, None) => Vec::new(),
    };
    repo::expire_swaps(service.store.connection(), Some(plan_ids.clone()), None, Utc::now()).await?;
    let states = request
        .states
        .iter()
        .filter_map(|state| pb::ShiftSwapState::try_from(*state).ok())
        .map(|state| lv::swap_state_name(state).to_owned())
        .collect();
    let swaps: Vec<_> = repo::list_swaps(service.store.connection(), plan_ids, states)
        .await?
        .into_iter()
        .filter(|swap| {
            member.is_none_or(|member| {
                swap.requester_staff_member_id == member
                    || swap.counterparty_staff_member_id == Some(member)
                    || swap.claimant_staff_member_id == Some(member)
            })
        })
        .collect();
    let mut violations = Violations::new();
    let (page, next_page_token) =
        common::keyed_page(&mut violations, swaps, request.page_size, &request.page_token, |swap| {
            (-swap.created_at.timestamp_micros(), swap.id.as_u128())
        });
    violations.finish()?;
    Ok(pb::ListShiftSwapsResponse {
        swaps: page.iter().map(|swap| lv::swap_message(swap, Vec::new())).collect(),
        next_page_token,
    })
}

/// What a swap action does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Action {
    Accept,
    Decline,
    Claim,
    Approve,
    Reject,
    Cancel,
}

/// The common part of every action request.
pub(super) struct ActionRequest {
    pub(super) request_id: String,
    pub(super) swap_id: String,
    pub(super) etag: String,
    pub(super) acting_staff_member_id: String,
    pub(super) note: String,
}

/// Applies an action to a swap: checks the party and the state, validates the roster change where
/// one is made, and on approval publishes the new roster.
pub(super) async fn act<M: prost::Message>(
    service: &Legevakt,
    method: &'static str,
    action: Action,
    request: ActionRequest,
    message: &M,
) -> Result<pb::ShiftSwap, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let swap_id = id(&mut violations, "swap_id", &request.swap_id);
    let expected = lv::parse_etag(&mut violations, "etag", &request.etag);
    let acting = optional_id(&mut violations, "acting_staff_member_id", &request.acting_staff_member_id);
    if matches!(action, Action::Accept | Action::Decline | Action::Claim | Action::Cancel) && acting.is_none()
    {
        violations.add("acting_staff_member_id", "is required for this action");
    }
    if request.note.chars().count() > 1000 {
        violations.add("note", "must be at most 1000 characters");
    }
    let swap_id = violations.into_result(|| swap_id)?;
    repo::expire_swaps(service.store.connection(), None, Some(swap_id), Utc::now()).await?;
    let mut swap = repo::get_swap(service.store.connection(), swap_id).await?;
    if swap.state == "expired" {
        return Err(StoreError::from(RuleViolation::SwapExpired).into());
    }
    let party_ok = match action {
        Action::Accept | Action::Decline => acting == swap.counterparty_staff_member_id,
        Action::Claim => acting.is_some() && acting != Some(swap.requester_staff_member_id),
        Action::Cancel => acting == Some(swap.requester_staff_member_id),
        Action::Approve | Action::Reject => true,
    };
    if !party_ok {
        return Err(StoreError::from(RuleViolation::NotSwapParty).into());
    }
    let allowed_from: &[&str] = match action {
        Action::Accept | Action::Decline => &["awaiting_counterparty"],
        Action::Claim => &["open"],
        Action::Approve | Action::Reject => &["awaiting_approval"],
        Action::Cancel => &["awaiting_counterparty", "open", "awaiting_approval"],
    };
    if !allowed_from.contains(&swap.state.as_str()) {
        return Err(StoreError::from(RuleViolation::SwapStateConflict).into());
    }
    swap.state = match action {
        Action::Accept | Action::Claim => "awaiting_approval",
        Action::Decline => "declined",
        Action::Approve => "approved",
        Action::Reject => "rejected",
        Action::Cancel => "cancelled",
    }
    .to_owned();
    if action == Action::Claim {
        swap.claimant_staff_member_id = acting;
    }
    if matches!(action, Action::Approve | Action::Reject) {
        swap.decision_note = request.note.clone();
    }
    let (warnings, applied) = if matches!(action, Action::Accept | Action::Claim | Action::Approve) {
        let validated = validate(service, &swap).await?;
        (validated.warnings, validated.applied)
    } else {
        (Vec::new(), None)
    };
    // Only an approval publishes the swapped roster.
    let applied = applied.filter(|_| action == Action::Approve);
    let note = request.note.clone();
    let (sets_claimant, sets_decision_note) =
        (action == Action::Claim, matches!(action, Action::Approve | Action::Reject));
    let saved = idempotency::run(&service.store, method, &request.request_id, message, |tx| {
        Box::pin(async move {
            let current = repo::lock_swap(tx, swap.id, expected).await?;
            if current.expire_time.is_some_and(|expire| expire <= Utc::now()) {
                return Err(StoreError::from(RuleViolation::SwapExpired).into());
            }
            if !allowed_from.contains(&current.state.as_str()) {
                return Err(StoreError::from(RuleViolation::SwapStateConflict).into());
            }
            let mut swap = swap;
            swap.version = current.version;
            // What this action does not set is taken from the row as locked: a cancel read before
            // a concurrent claim must not erase the claimant.
            if !sets_claimant {
                swap.claimant_staff_member_id = current.claimant_staff_member_id;
            }
            if !sets_decision_note {
                swap.decision_note = current.decision_note.clone();
            }
            if let Some(Applied { published_version: published, roster, evaluated, shift_types }) = applied {
                let plan = repo::lock_plan(tx, swap.plan_id, None).await?;
                repo::lock_district(tx, plan.district_id, None).await?;
                if repo::list_shift_types(tx, plan.district_id).await? != shift_types {
                    // A shift type was redefined since validation: validate again.
                    return Err(StoreError::EtagMismatch.into());
                }
                // Only the people the swap moves are checked against their shifts elsewhere: a
                // clash someone else already has (say, under rules changed since) is not this
                // swap's to settle.
                let involved = [
                    Some(swap.requester_staff_member_id),
                    swap.counterparty_staff_member_id,
                    swap.claimant_staff_member_id,
                ];
                let moved: Vec<allmenn_store::legevakt::AssignmentRow> =
                    roster.iter().filter(|row| involved.contains(&Some(row.2))).cloned().collect();
                super::plans::check_no_collisions(tx, &plan, &moved, &shift_types).await?;
                if plan.published_version != published {
                    // Another publication happened since validation: validate again on the new roster.
                    return Err(StoreError::EtagMismatch.into());
                }
                let (district_id, plan_name) = (plan.district_id, plan.name.clone());
                let (_, version) = repo::add_version(
                    tx,
                    plan,
                    NewVersion {
                        source: "swap",
                        base_version: published,
                        hard_violations: evaluated.hard_violations,
                        objective: evaluated.objective,
                        solve_id: None,
                        swap_id: Some(swap.id),
                        note,
                        published: true,
                    },
                    roster,
                )
                .await?;
                // The published roster changed hands: so did the fairness points it earns.
                let ledger = super::plans::fairness_ledger(
                    district_id,
                    swap.plan_id,
                    &plan_name,
                    version.version,
                    &evaluated,
                );
                repo::replace_plan_ledger(tx, swap.plan_id, ledger).await?;
                swap.applied_version = version.version;
            }
            let saved = repo::save_swap(tx, swap).await?;
            Ok(lv::swap_message(&saved, warnings))
        })
    })
    .await?;
    Ok(saved)
}
