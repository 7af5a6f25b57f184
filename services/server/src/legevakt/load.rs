//! Loading everything one plan version depends on, in one read-only pass over the store.

use allmenn_legevakt::plan as lp;
use allmenn_store::{
    Store,
    entity::legevakt::{
        cover_requirement, district, exemption, fairness_adjustment, plan_assignment, plan_version,
        shift_plan, shift_request, shift_type, staff_member, unavailability,
    },
    legevakt as repo,
};
use std::collections::HashSet;

use chrono::{Duration, NaiveTime};
use uuid::Uuid;

use super::{convert as lv, planning};
use crate::error::ApiError;

/// A plan with its district's data and one version's roster.
#[derive(Clone, Debug)]
pub(super) struct LoadedPlan {
    pub(super) district: district::Model,
    pub(super) plan: shift_plan::Model,
    pub(super) shift_types: Vec<shift_type::Model>,
    pub(super) staff: Vec<staff_member::Model>,
    pub(super) exemptions: Vec<exemption::Model>,
    pub(super) unavailability: Vec<unavailability::Model>,
    pub(super) cover: Vec<cover_requirement::Model>,
    pub(super) requests: Vec<shift_request::Model>,
    /// The version shown or worked on (absent only for a plan without versions).
    pub(super) version: Option<plan_version::Model>,
    pub(super) assignments: Vec<plan_assignment::Model>,
    /// The published version's roster, when there is one (for re-planning and swaps).
    pub(super) published: Vec<plan_assignment::Model>,
    /// The district's fairness ledger, without this plan's own entries.
    pub(super) ledger: Vec<fairness_adjustment::Model>,
    /// The shifts the plan's staff hold in other published plans around its period, which bind
    /// them by the same pair rules as the plan's own shifts.
    pub(super) held_elsewhere: Vec<HeldElsewhere>,
}

/// Loads `plan_id` at `version` (0 = the newest).
pub(super) async fn load(store: &Store, plan_id: Uuid, version: i32) -> Result<LoadedPlan, ApiError> {
    let connection = store.connection();
    let plan = repo::get_plan(connection, plan_id).await?;
    let number = if version == 0 { plan.latest_version } else { version };
    let version =
        if number == 0 { None } else { Some(repo::get_version(connection, plan_id, number).await?) };
    let assignments = match &version {
        Some(version) => repo::assignments(connection, plan_id, version.version).await?,
        None => Vec::new(),
    };
    load_with(store, plan, version, assignments).await
}

impl LoadedPlan {
    /// The data to score a plan that is about to be created, with its cover, before it is stored.
    pub(super) async fn new_for_scoring(
        service: &super::Legevakt,
        plan: shift_plan::Model,
        cover: Vec<cover_requirement::Model>,
    ) -> Result<LoadedPlan, ApiError> {
        let mut loaded = load_with(&service.store, plan, None, Vec::new()).await?;
        loaded.cover = cover;
        Ok(loaded)
    }
}

/// Loads the district data around a plan whose version and roster the caller already has.
pub(super) async fn load_with(
    store: &Store,
    plan: shift_plan::Model,
    version: Option<plan_version::Model>,
    assignments: Vec<plan_assignment::Model>,
) -> Result<LoadedPlan, ApiError> {
    let connection = store.connection();
    let district = repo::get_district(connection, plan.district_id).await?;
    let shift_types = repo::list_shift_types(connection, plan.district_id).await?;
    let cover = repo::list_cover(connection, plan.id, None, None).await?;
    let requests = repo::list_requests(connection, plan.id, None).await?;
    let published = if plan.published_version > 0 {
        repo::assignments(connection, plan.id, plan.published_version).await?
    } else {
        Vec::new()
    };
    // The staff on the staff during the period, and anyone the rosters or requests name: a
    // member whose period was ended before the plan's stays in it, off staff on every day, so
    // that the plan still explains (their shifts break "not on staff") and re-plans.
    let named: HashSet<Uuid> = assignments
        .iter()
        .chain(&published)
        .map(|assignment| assignment.staff_member_id)
        .chain(requests.iter().map(|request| request.staff_member_id))
        .collect();
    let staff: Vec<_> = repo::list_staff(connection, plan.district_id, None)
        .await?
        .into_iter()
        .filter(|member| {
            let on_staff = member.valid_from <= plan.end_date
                && member.valid_to.is_none_or(|end| end >= plan.start_date);
            on_staff || named.contains(&member.id)
        })
        .collect();
    let ids: Vec<Uuid> = staff.iter().map(|member| member.id).collect();
    let exemptions = repo::exemptions_of(connection, ids.clone()).await?;
    // Shifts may end a few days after the period's last start (a weekend block); look one week beyond.
    let from = crate::legevakt::oslo_midnight(plan.start_date);
    let to = crate::legevakt::oslo_midnight(plan.end_date + Duration::days(8));
    let unavailability = repo::unavailability_of(connection, ids.clone(), from, to).await?;
    let ledger = repo::fairness_ledger(connection, plan.district_id)
        .await?
        .into_iter()
        .filter(|entry| entry.plan_id != Some(plan.id))
        .collect();
    let held_elsewhere = held_elsewhere(connection, &plan, &ids, &shift_types, false).await?;
    Ok(LoadedPlan {
        district,
        plan,
        shift_types,
        staff,
        exemptions,
        unavailability,
        cover,
        requests,
        version,
        assignments,
        published,
        ledger,
        held_elsewhere,
    })
}

/// Midnight at the start of a date in Norway, as an instant.
pub(super) fn midnight(date: chrono::NaiveDate) -> Option<chrono::DateTime<chrono::Utc>> {
    allmenn_domain::shift_time::oslo_instant(date.and_time(NaiveTime::MIN))
}

/// A shift a person holds in another published plan, in this district or another.
#[derive(Clone, Debug)]
pub(super) struct HeldElsewhere {
    /// The person as staff of this plan's district.
    pub(super) person: Uuid,
    /// Its exact start and end.
    pub(super) span: (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
    /// Its type, as its own district defines it.
    pub(super) shift_type: lp::ShiftType,
    /// Its occurrence id (date and code).
    pub(super) shift_id: String,
    /// The plan holding it, with its district's name when that is another district.
    pub(super) plan_name: String,
}

/// The shifts `people` (staff of `plan`'s district) hold in published plans other than `plan`,
/// around its period: in other plans of the district, and as staff of other districts (the same
/// HPR number). With `lock` (in a transaction that publishes), the people's staff rows in every
/// district stay locked until it ends.
pub(super) async fn held_elsewhere<C: allmenn_store::Connection>(
    transaction: &C,
    plan: &shift_plan::Model,
    people: &[Uuid],
    shift_types: &[shift_type::Model],
    lock: bool,
) -> Result<Vec<HeldElsewhere>, ApiError> {
    let mut held = Vec::new();
    let mut add = |person: Uuid,
                   assignment: &plan_assignment::Model,
                   types: &[shift_type::Model],
                   plan_name: &str| {
        let Some(shift) = types.iter().find(|shift| shift.code == assignment.shift_type_code) else { return };
        let Some(span) = super::occurrence_instants(assignment.date, shift) else { return };
        held.push(HeldElsewhere {
            person,
            span,
            shift_type: planning::shift_type(shift),
            shift_id: lv::occurrence_id(assignment.date, &assignment.shift_type_code),
            plan_name: plan_name.to_owned(),
        });
    };
    let here =
        repo::other_published_rosters(transaction, plan.district_id, plan.id, plan.start_date, plan.end_date)
            .await?;
    for (other, assignments) in &here {
        for assignment in assignments {
            add(assignment.staff_member_id, assignment, shift_types, &other.name);
        }
    }
    let elsewhere = repo::same_people_elsewhere(transaction, plan.district_id, people, lock).await?;
    let districts: std::collections::BTreeSet<Uuid> =
        elsewhere.iter().map(|(_, there)| there.district_id).collect();
    for district in districts {
        let types = repo::list_shift_types(transaction, district).await?;
        let name = repo::get_district(transaction, district).await?.name;
        let rosters =
            repo::other_published_rosters(transaction, district, Uuid::nil(), plan.start_date, plan.end_date)
                .await?;
        for (other, assignments) in &rosters {
            for assignment in assignments {
                let Some((person, _)) =
                    elsewhere.iter().find(|(_, there)| there.id == assignment.staff_member_id)
                else {
                    continue;
                };
                add(*person, assignment, &types, &format!("{} ({name})", other.name));
            }
        }
    }
    Ok(held)
}
