//! Loading everything one plan version depends on, in one read-only pass over the store.

use allmenn_store::{
    Store,
    entity::legevakt::{
        cover_requirement, district, exemption, fairness_adjustment, plan_assignment, plan_version,
        shift_plan, shift_request, shift_type, staff_member, unavailability,
    },
    legevakt as repo,
};
use chrono::{Duration, NaiveTime};
use uuid::Uuid;

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
    let staff: Vec<_> = repo::list_staff(connection, plan.district_id, None)
        .await?
        .into_iter()
        .filter(|member| {
            member.valid_from <= plan.end_date && member.valid_to.is_none_or(|end| end >= plan.start_date)
        })
        .collect();
    let ids: Vec<Uuid> = staff.iter().map(|member| member.id).collect();
    let exemptions = repo::exemptions_of(connection, ids.clone()).await?;
    // Shifts may end a few days after the period's last start (a weekend block); look one week beyond.
    let from = crate::legevakt::oslo_midnight(plan.start_date);
    let to = crate::legevakt::oslo_midnight(plan.end_date + Duration::days(8));
    let unavailability = repo::unavailability_of(connection, ids, from, to).await?;
    let cover = repo::list_cover(connection, plan.id, None, None).await?;
    let requests = repo::list_requests(connection, plan.id, None).await?;
    let published = if plan.published_version > 0 {
        repo::assignments(connection, plan.id, plan.published_version).await?
    } else {
        Vec::new()
    };
    let ledger = repo::fairness_ledger(connection, plan.district_id)
        .await?
        .into_iter()
        .filter(|entry| entry.plan_id != Some(plan.id))
        .collect();
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
    })
}

/// Midnight at the start of a date in Norway, as an instant.
pub(super) fn midnight(date: chrono::NaiveDate) -> Option<chrono::DateTime<chrono::Utc>> {
    allmenn_domain::shift_time::oslo_instant(date.and_time(NaiveTime::MIN))
}
