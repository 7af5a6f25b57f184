//! Repository for legevakt shift planning. Functions take the connection or the transaction from
//! [`crate::Store::begin_write`]; changes to a plan (cover, versions, publication, swaps) first lock
//! the plan row, so that concurrent edits on several replicas serialise and the etag check is exact.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
    sea_query::{Condition, Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    Resource, RuleViolation, StoreError,
    entity::legevakt::{
        cover_requirement, district, exemption, fairness_adjustment, plan_assignment, plan_solve,
        plan_version, shift_plan, shift_request, shift_swap, shift_type, staff_member, unavailability,
    },
};

/// Inserts a row, mapping a key collision to ALREADY_EXISTS for `resource`.
pub async fn insert<C, A>(
    connection: &C,
    row: <A::Entity as EntityTrait>::Model,
    resource: Resource,
) -> Result<<A::Entity as EntityTrait>::Model, StoreError>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    row.into_active_model().insert(connection).await.map_err(|error| StoreError::from_insert(error, resource))
}

/// `SELECT … FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already excludes other writers.
fn locked<Q: QuerySelect>(query: Q, backend: DbBackend) -> Q {
    if backend == DbBackend::Postgres { query.lock_exclusive() } else { query }
}

/// `SELECT … FOR SHARE` on PostgreSQL: the rows a write refers to stay until it commits, as a
/// foreign key would keep them.
fn shared<Q: QuerySelect>(query: Q, backend: DbBackend) -> Q {
    if backend == DbBackend::Postgres { query.lock_shared() } else { query }
}

/// Share-locks the staff members a write names, or fails with NOT_FOUND when one no longer exists.
/// A concurrent deletion (which locks the member for update) either finished before, and is seen
/// here, or waits and then finds what this transaction wrote.
pub async fn hold_staff<C: ConnectionTrait>(transaction: &C, mut ids: Vec<Uuid>) -> Result<(), StoreError> {
    ids.sort_unstable();
    ids.dedup();
    if hold_present_staff(transaction, ids.clone()).await?.len() != ids.len() {
        return Err(StoreError::NotFound(Resource::StaffMember));
    }
    Ok(())
}

/// Share-locks those of the staff members `ids` that still exist and returns them (as
/// [`hold_staff`], for a write that can do without the others).
pub async fn hold_present_staff<C: ConnectionTrait>(
    transaction: &C,
    mut ids: Vec<Uuid>,
) -> Result<Vec<Uuid>, StoreError> {
    ids.sort_unstable();
    ids.dedup();
    let mut present = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let query = staff_member::Entity::find()
            .select_only()
            .column(staff_member::Column::Id)
            .filter(staff_member::Column::Id.is_in(chunk.to_vec()));
        let found: Vec<Uuid> = shared(query, transaction.get_database_backend())
            .into_tuple()
            .all(transaction)
            .await
            .map_err(StoreError::from_db)?;
        present.extend(found);
    }
    Ok(present)
}

/// Share-locks the district's shift types a write names by code, or fails with NOT_FOUND when one
/// no longer exists (the counterpart of [`hold_staff`] for shift types).
pub async fn hold_shift_types<C: ConnectionTrait>(
    transaction: &C,
    district_id: Uuid,
    mut codes: Vec<String>,
) -> Result<(), StoreError> {
    codes.sort_unstable();
    codes.dedup();
    for chunk in codes.chunks(500) {
        let query = shift_type::Entity::find()
            .select_only()
            .column(shift_type::Column::Code)
            .filter(shift_type::Column::DistrictId.eq(district_id))
            .filter(shift_type::Column::Code.is_in(chunk.to_vec()));
        let present: Vec<String> = shared(query, transaction.get_database_backend())
            .into_tuple()
            .all(transaction)
            .await
            .map_err(StoreError::from_db)?;
        if present.len() != chunk.len() {
            return Err(StoreError::NotFound(Resource::ShiftType));
        }
    }
    Ok(())
}

fn found<T>(row: Option<T>, resource: Resource) -> Result<T, StoreError> {
    row.ok_or(StoreError::NotFound(resource))
}

/// Reads a row by primary key and locks it for the rest of the transaction, then checks its
/// optimistic-concurrency version against the caller's etag (when given).
async fn lock_checked<E, C>(
    transaction: &C,
    key: <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType,
    resource: Resource,
    expected_version: Option<i32>,
    version_of: impl Fn(&E::Model) -> i32,
) -> Result<E::Model, StoreError>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let row = found(
        locked(E::find_by_id(key), transaction.get_database_backend())
            .one(transaction)
            .await
            .map_err(StoreError::from_db)?,
        resource,
    )?;
    if expected_version.is_some_and(|version| version != version_of(&row)) {
        return Err(StoreError::EtagMismatch);
    }
    Ok(row)
}

/// Reads a district.
pub async fn get_district<C: ConnectionTrait>(
    connection: &C,
    id: Uuid,
) -> Result<district::Model, StoreError> {
    found(
        district::Entity::find_by_id(id).one(connection).await.map_err(StoreError::from_db)?,
        Resource::LegevaktDistrict,
    )
}

/// Lists districts by name, optionally only those a kommune hosts or takes part in.
pub async fn list_districts<C: ConnectionTrait>(
    connection: &C,
    kommune_number: Option<&str>,
) -> Result<Vec<district::Model>, StoreError> {
    let mut query =
        district::Entity::find().order_by_asc(district::Column::Name).order_by_asc(district::Column::Id);
    if let Some(kommune) = kommune_number {
        query = query.filter(
            Condition::any()
                .add(district::Column::HostKommuneNumber.eq(kommune))
                .add(district::Column::ParticipantKommuneNumbers.contains(kommune)),
        );
    }
    query.all(connection).await.map_err(StoreError::from_db)
}

/// Reads a staff member.
pub async fn get_staff_member<C: ConnectionTrait>(
    connection: &C,
    id: Uuid,
) -> Result<staff_member::Model, StoreError> {
    found(
        staff_member::Entity::find_by_id(id).one(connection).await.map_err(StoreError::from_db)?,
        Resource::StaffMember,
    )
}

/// A district's staff, by family name, optionally only those on the staff on `as_of`.
pub async fn list_staff<C: ConnectionTrait>(
    connection: &C,
    district_id: Uuid,
    as_of: Option<NaiveDate>,
) -> Result<Vec<staff_member::Model>, StoreError> {
    let mut query = staff_member::Entity::find()
        .filter(staff_member::Column::DistrictId.eq(district_id))
        .order_by_asc(staff_member::Column::FamilyName)
        .order_by_asc(staff_member::Column::Id);
    if let Some(date) = as_of {
        query = query.filter(staff_member::Column::ValidFrom.lte(date)).filter(
            Condition::any()
                .add(staff_member::Column::ValidTo.is_null())
                .add(staff_member::Column::ValidTo.gte(date)),
        );
    }
    query.all(connection).await.map_err(StoreError::from_db)
}

/// Reads a shift type.
pub async fn get_shift_type<C: ConnectionTrait>(
    connection: &C,
    district_id: Uuid,
    code: &str,
) -> Result<shift_type::Model, StoreError> {
    found(
        shift_type::Entity::find_by_id((district_id, code.to_owned()))
            .one(connection)
            .await
            .map_err(StoreError::from_db)?,
        Resource::ShiftType,
    )
}

/// A district's shift types by start time, then code.
pub async fn list_shift_types<C: ConnectionTrait>(
    connection: &C,
    district_id: Uuid,
) -> Result<Vec<shift_type::Model>, StoreError> {
    shift_type::Entity::find()
        .filter(shift_type::Column::DistrictId.eq(district_id))
        .order_by_asc(shift_type::Column::StartMinute)
        .order_by_asc(shift_type::Column::Code)
        .all(connection)
        .await
        .map_err(StoreError::from_db)
}

/// Exemptions of the given staff members, by staff member then start.
pub async fn exemptions_of<C: ConnectionTrait>(
    connection: &C,
    staff_ids: Vec<Uuid>,
) -> Result<Vec<exemption::Model>, StoreError> {
    exemption::Entity::find()
        .filter(exemption::Column::StaffMemberId.is_in(staff_ids))
        .order_by_asc(exemption::Column::StaffMemberId)
        .order_by_asc(exemption::Column::ValidFrom)
        .all(connection)
        .await
        .map_err(StoreError::from_db)
}

/// Unavailability of the given staff members overlapping `[from, to)`, by start.
pub async fn unavailability_of<C: ConnectionTrait>(
    connection: &C,
    staff_ids: Vec<Uuid>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Result<Vec<unavailability::Model>, StoreError> {
    let mut query = unavailability::Entity::find()
        .filter(unavailability::Column::StaffMemberId.is_in(staff_ids))
        .order_by_asc(unavailability::Column::StartTime);
    if let Some(from) = from {
        query = query.filter(unavailability::Column::EndTime.gt(from));
    }
    if let Some(to) = to {
        query = query.filter(unavailability::Column::StartTime.lt(to));
    }
    query.all(connection).await.map_err(StoreError::from_db)
}

/// Reads a plan.
pub async fn get_plan<C: ConnectionTrait>(connection: &C, id: Uuid) -> Result<shift_plan::Model, StoreError> {
    found(
        shift_plan::Entity::find_by_id(id).one(connection).await.map_err(StoreError::from_db)?,
        Resource::ShiftPlan,
    )
}

/// Reads a plan and locks its row for the rest of the transaction; checks the etag when given.
pub async fn lock_plan<C: ConnectionTrait>(
    transaction: &C,
    id: Uuid,
    expected_revision: Option<i32>,
) -> Result<shift_plan::Model, StoreError> {
    lock_checked::<shift_plan::Entity, _>(transaction, id, Resource::ShiftPlan, expected_revision, |plan| {
        plan.revision
    })
    .await
}

/// Marks a plan changed: a new etag and update time.
pub async fn touch_plan<C: ConnectionTrait>(
    transaction: &C,
    plan: shift_plan::Model,
    latest_version: Option<i32>,
    published_version: Option<i32>,
) -> Result<shift_plan::Model, StoreError> {
    let revision = plan.revision + 1;
    let mut active = plan.into_active_model();
    active.revision = Set(revision);
    active.updated_at = Set(Utc::now());
    if let Some(latest) = latest_version {
        active.latest_version = Set(latest);
    }
    if let Some(published) = published_version {
        active.published_version = Set(published);
    }
    active.update(transaction).await.map_err(StoreError::from_db)
}

/// A district's plans, newest period first.
pub async fn list_plans<C: ConnectionTrait>(
    connection: &C,
    district_id: Uuid,
) -> Result<Vec<shift_plan::Model>, StoreError> {
    shift_plan::Entity::find()
        .filter(shift_plan::Column::DistrictId.eq(district_id))
        .order_by_desc(shift_plan::Column::StartDate)
        .order_by_asc(shift_plan::Column::Id)
        .all(connection)
        .await
        .map_err(StoreError::from_db)
}

/// A plan's cover, by date then shift code, optionally within a date range.
pub async fn list_cover<C: ConnectionTrait>(
    connection: &C,
    plan_id: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<cover_requirement::Model>, StoreError> {
    let mut query = cover_requirement::Entity::find()
        .filter(cover_requirement::Column::PlanId.eq(plan_id))
        .order_by_asc(cover_requirement::Column::Date)
        .order_by_asc(cover_requirement::Column::ShiftTypeCode);
    if let Some(from) = from {
        query = query.filter(cover_requirement::Column::Date.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(cover_requirement::Column::Date.lte(to));
    }
    query.all(connection).await.map_err(StoreError::from_db)
}

/// Sets cover rows (insert or replace), and with `replace_all` removes every row not given.
pub async fn set_cover<C: ConnectionTrait>(
    transaction: &C,
    plan: &shift_plan::Model,
    rows: Vec<cover_requirement::Model>,
    replace_all: bool,
) -> Result<(), StoreError> {
    let plan_id = plan.id;
    hold_shift_types(
        transaction,
        plan.district_id,
        rows.iter().map(|row| row.shift_type_code.clone()).collect(),
    )
    .await?;
    if replace_all {
        cover_requirement::Entity::delete_many()
            .filter(cover_requirement::Column::PlanId.eq(plan_id))
            .exec(transaction)
            .await
            .map_err(StoreError::from_db)?;
    }
    for row in rows {
        cover_requirement::Entity::delete_by_id((plan_id, row.date, row.shift_type_code.clone()))
            .exec(transaction)
            .await
            .map_err(StoreError::from_db)?;
        insert::<_, cover_requirement::ActiveModel>(transaction, row, Resource::ShiftPlan).await?;
    }
    Ok(())
}

/// Removes cover rows (a shift no longer run on a date).
pub async fn remove_cover<C: ConnectionTrait>(
    transaction: &C,
    plan_id: Uuid,
    keys: Vec<(NaiveDate, String)>,
) -> Result<(), StoreError> {
    for (date, code) in keys {
        cover_requirement::Entity::delete_by_id((plan_id, date, code))
            .exec(transaction)
            .await
            .map_err(StoreError::from_db)?;
    }
    Ok(())
}

/// A plan's requests, by date then staff member, optionally one person's.
pub async fn list_requests<C: ConnectionTrait>(
    connection: &C,
    plan_id: Uuid,
    staff_member_id: Option<Uuid>,
) -> Result<Vec<shift_request::Model>, StoreError> {
    let mut query = shift_request::Entity::find()
        .filter(shift_request::Column::PlanId.eq(plan_id))
        .order_by_asc(shift_request::Column::Date)
        .order_by_asc(shift_request::Column::StaffMemberId)
        .order_by_asc(shift_request::Column::Id);
    if let Some(staff) = staff_member_id {
        query = query.filter(shift_request::Column::StaffMemberId.eq(staff));
    }
    query.all(connection).await.map_err(StoreError::from_db)
}

/// Deletes a request and returns it.
pub async fn delete_request<C: ConnectionTrait>(
    transaction: &C,
    id: Uuid,
) -> Result<shift_request::Model, StoreError> {
    let request = found(
        shift_request::Entity::find_by_id(id).one(transaction).await.map_err(StoreError::from_db)?,
        Resource::ShiftRequest,
    )?;
    lock_open_request_window(transaction, request.plan_id).await?;
    shift_request::Entity::delete_by_id(id).exec(transaction).await.map_err(StoreError::from_db)?;
    Ok(request)
}

/// Locks a plan whose request window is open, or fails with REQUEST_WINDOW_CLOSED: requests are
/// taken (and withdrawn) until `requests_close_time`, or without one until the first publication.
/// The lock orders this against a publication, so that no request slips in after it.
pub async fn lock_open_request_window<C: ConnectionTrait>(
    transaction: &C,
    plan_id: Uuid,
) -> Result<shift_plan::Model, StoreError> {
    let plan = lock_plan(transaction, plan_id, None).await?;
    let closed = match plan.requests_close_time {
        Some(close) => Utc::now() >= close,
        None => plan.published_version > 0,
    };
    if closed {
        return Err(RuleViolation::RequestsClosed.into());
    }
    Ok(plan)
}

/// Reads one version of a plan.
pub async fn get_version<C: ConnectionTrait>(
    connection: &C,
    plan_id: Uuid,
    version: i32,
) -> Result<plan_version::Model, StoreError> {
    found(
        plan_version::Entity::find_by_id((plan_id, version))
            .one(connection)
            .await
            .map_err(StoreError::from_db)?,
        Resource::ShiftPlanVersion,
    )
}

/// A plan's versions, newest first.
pub async fn list_versions<C: ConnectionTrait>(
    connection: &C,
    plan_id: Uuid,
) -> Result<Vec<plan_version::Model>, StoreError> {
    plan_version::Entity::find()
        .filter(plan_version::Column::PlanId.eq(plan_id))
        .order_by_desc(plan_version::Column::Version)
        .all(connection)
        .await
        .map_err(StoreError::from_db)
}

/// The assignments of one plan version.
pub async fn assignments<C: ConnectionTrait>(
    connection: &C,
    plan_id: Uuid,
    version: i32,
) -> Result<Vec<plan_assignment::Model>, StoreError> {
    plan_assignment::Entity::find()
        .filter(plan_assignment::Column::PlanId.eq(plan_id))
        .filter(plan_assignment::Column::Version.eq(version))
        .order_by_asc(plan_assignment::Column::Date)
        .order_by_asc(plan_assignment::Column::ShiftTypeCode)
        .order_by_asc(plan_assignment::Column::StaffMemberId)
        .all(connection)
        .await
        .map_err(StoreError::from_db)
}

/// What a new version records.
#[derive(Clone, Debug)]
pub struct NewVersion {
    /// `created`, `solve`, `edit` or `swap`.
    pub source: &'static str,
    /// The version it was made from (0 for the first).
    pub base_version: i32,
    /// Hard violations of its roster.
    pub hard_violations: i32,
    /// Soft objective of its roster.
    pub objective: i64,
    /// The solve that made it.
    pub solve_id: Option<Uuid>,
    /// The swap that made it.
    pub swap_id: Option<Uuid>,
    /// A note.
    pub note: String,
    /// Publish it at once (approved swaps).
    pub published: bool,
}

/// A roster entry of a new version: (date, shift code, staff member, pinned).
pub type AssignmentRow = (NaiveDate, String, Uuid, bool);

/// Adds the next version of a locked plan with its assignments, and moves the plan's etag. Fails
/// with NOT_FOUND when the roster names a staff member who no longer exists (deleted while a solve
/// ran): the people rostered are share-locked first, so a concurrent deletion either finished
/// before (and is seen here) or waits and then finds the new assignments.
pub async fn add_version<C: ConnectionTrait>(
    transaction: &C,
    plan: shift_plan::Model,
    new: NewVersion,
    roster: Vec<AssignmentRow>,
) -> Result<(shift_plan::Model, plan_version::Model), StoreError> {
    hold_staff(transaction, roster.iter().map(|(_, _, member, _)| *member).collect()).await?;
    let number = plan.latest_version + 1;
    let now = Utc::now();
    if new.published && plan.published_version > 0 {
        supersede(transaction, plan.id, plan.published_version).await?;
    }
    let version = insert::<_, plan_version::ActiveModel>(
        transaction,
        plan_version::Model {
            plan_id: plan.id,
            version: number,
            state: if new.published { "published" } else { "draft" }.to_owned(),
            source: new.source.to_owned(),
            base_version: new.base_version,
            hard_violations: new.hard_violations,
            objective: new.objective,
            solve_id: new.solve_id,
            swap_id: new.swap_id,
            note: new.note,
            created_at: now,
            published_at: new.published.then_some(now),
        },
        Resource::ShiftPlanVersion,
    )
    .await?;
    let rows: Vec<plan_assignment::ActiveModel> = roster
        .into_iter()
        .map(|(date, code, staff_member_id, pinned)| {
            plan_assignment::Model {
                plan_id: plan.id,
                version: number,
                date,
                shift_type_code: code,
                staff_member_id,
                pinned,
            }
            .into_active_model()
        })
        .collect();
    for chunk in rows.chunks(500) {
        plan_assignment::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(transaction)
            .await
            .map_err(StoreError::from_db)?;
    }
    let published = new.published.then_some(number);
    let plan = touch_plan(transaction, plan, Some(number), published).await?;
    Ok((plan, version))
}

async fn supersede<C: ConnectionTrait>(
    transaction: &C,
    plan_id: Uuid,
    version: i32,
) -> Result<(), StoreError> {
    let previous = get_version(transaction, plan_id, version).await?;
    let mut active = previous.into_active_model();
    active.state = Set("superseded".to_owned());
    active.update(transaction).await.map_err(StoreError::from_db)?;
    Ok(())
}

/// A version's score under the rules as they stand when it is stored or published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionScore {
    /// Hard rules broken.
    pub hard_violations: i32,
    /// The soft objective.
    pub objective: i64,
}

/// Publishes a draft version of a locked plan with its score under the rules at publication: the
/// previous published version is superseded.
pub async fn publish_version<C: ConnectionTrait>(
    transaction: &C,
    plan: shift_plan::Model,
    version: plan_version::Model,
    note: String,
    score: VersionScore,
) -> Result<(shift_plan::Model, plan_version::Model), StoreError> {
    if version.state != "draft" {
        return Err(RuleViolation::VersionNotDraft.into());
    }
    if plan.published_version > 0 {
        // A draft made before the current publication (say, before an approved swap published a
        // new version) would silently undo it: the published version must be among its ancestors.
        let mut ancestor = version.base_version;
        while ancestor > plan.published_version {
            // A base always comes before its version; a lineage that breaks that, or loses a
            // version, does not reach the published one.
            let base = match get_version(transaction, plan.id, ancestor).await {
                Ok(found) => found.base_version,
                Err(StoreError::NotFound(_)) => 0,
                Err(other) => return Err(other),
            };
            ancestor = if base < ancestor { base } else { 0 };
        }
        if ancestor != plan.published_version {
            return Err(RuleViolation::DraftBehindPublished { published: plan.published_version }.into());
        }
        supersede(transaction, plan.id, plan.published_version).await?;
    }
    let number = version.version;
    let mut active = version.into_active_model();
    active.state = Set("published".to_owned());
    active.published_at = Set(Some(Utc::now()));
    active.hard_violations = Set(score.hard_violations);
    active.objective = Set(score.objective);
    if !note.is_empty() {
        active.note = Set(note);
    }
    let version = active.update(transaction).await.map_err(StoreError::from_db)?;
    let plan = touch_plan(transaction, plan, None, Some(number)).await?;
    Ok((plan, version))
}

/// Reads a solve.
pub async fn get_solve<C: ConnectionTrait>(
    connection: &C,
    id: Uuid,
) -> Result<plan_solve::Model, StoreError> {
    found(
        plan_solve::Entity::find_by_id(id).one(connection).await.map_err(StoreError::from_db)?,
        Resource::ShiftPlanSolve,
    )
}

/// A running solve records its progress at least this often ([`solve_abandoned`]).
pub const SOLVE_HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(1);

/// A solve still marked running whose last recorded progress is older than this was abandoned:
/// the replica running it stopped without recording an end.
pub const SOLVE_ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

/// The database's clock, by which heartbeats are recorded and judged: replicas whose clocks
/// disagree by more than [`SOLVE_ABANDONED_AFTER`] would otherwise end each other's live solves,
/// or let a dead one block its plan. SQLite is embedded in one process, whose clock it is.
pub async fn database_now<C: ConnectionTrait>(connection: &C) -> Result<DateTime<Utc>, StoreError> {
    match connection.get_database_backend() {
        DbBackend::Postgres => {
            let row = connection
                .query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT clock_timestamp() AS now"))
                .await
                .map_err(StoreError::from_db)?
                .ok_or_else(|| {
                    StoreError::from_db(DbErr::RecordNotFound("the database's clock".to_owned()))
                })?;
            row.try_get::<DateTime<Utc>>("", "now").map_err(StoreError::from_db)
        }
        _ => Ok(Utc::now()),
    }
}

/// Whether a running solve was abandoned by its replica (its last heartbeat is older than
/// [`SOLVE_ABANDONED_AFTER`] at `now`, the database's clock), so that it no longer blocks its
/// plan. Rows from before heartbeats were recorded count from their start and elapsed time.
pub fn solve_abandoned(solve: &plan_solve::Model, now: DateTime<Utc>) -> bool {
    let heartbeat =
        solve.heartbeat_at.unwrap_or(solve.started_at + chrono::Duration::milliseconds(solve.elapsed_ms));
    solve.state == "running"
        && now.signed_duration_since(heartbeat).to_std().is_ok_and(|silent| silent > SOLVE_ABANDONED_AFTER)
}

/// Records that a running solve was abandoned ([`solve_abandoned`]), unless it has moved on since
/// `solve` was read (recorded progress, or ended): then it is left alone. Returns the row as it is.
pub async fn end_abandoned_solve<C: ConnectionTrait>(
    connection: &C,
    solve: plan_solve::Model,
    now: DateTime<Utc>,
) -> Result<plan_solve::Model, StoreError> {
    plan_solve::Entity::update_many()
        .col_expr(plan_solve::Column::State, Expr::value("failed"))
        .col_expr(plan_solve::Column::EndedAt, Expr::value(now))
        .col_expr(
            plan_solve::Column::Message,
            Expr::value("abandoned: the server running it stopped recording progress"),
        )
        .filter(plan_solve::Column::Id.eq(solve.id))
        .filter(plan_solve::Column::State.eq("running"))
        .filter(plan_solve::Column::ElapsedMs.eq(solve.elapsed_ms))
        .exec(connection)
        .await
        .map_err(StoreError::from_db)?;
    get_solve(connection, solve.id).await
}

/// Records a running solve's progress; false (and nothing written) when it is no longer running,
/// that is, when another replica has ended it as abandoned.
pub async fn record_solve_progress<C: ConnectionTrait>(
    connection: &C,
    solve: &plan_solve::Model,
) -> Result<bool, StoreError> {
    // The database's clock, read in the same statement (one round trip a heartbeat).
    let heartbeat = match connection.get_database_backend() {
        DbBackend::Postgres => Expr::cust("clock_timestamp()"),
        _ => Expr::value(Utc::now()),
    };
    let result = plan_solve::Entity::update_many()
        .col_expr(plan_solve::Column::HeartbeatAt, heartbeat)
        .col_expr(plan_solve::Column::ElapsedMs, Expr::value(solve.elapsed_ms))
        .col_expr(plan_solve::Column::BestHardViolations, Expr::value(solve.best_hard_violations))
        .col_expr(plan_solve::Column::BestObjective, Expr::value(solve.best_objective))
        .col_expr(plan_solve::Column::TimeToBestMs, Expr::value(solve.time_to_best_ms))
        .col_expr(plan_solve::Column::Iterations, Expr::value(solve.iterations))
        .filter(plan_solve::Column::Id.eq(solve.id))
        .filter(plan_solve::Column::State.eq("running"))
        .exec(connection)
        .await
        .map_err(StoreError::from_db)?;
    Ok(result.rows_affected > 0)
}

/// The running solve of a plan, if any.
pub async fn running_solve<C: ConnectionTrait>(
    connection: &C,
    plan_id: Uuid,
) -> Result<Option<plan_solve::Model>, StoreError> {
    plan_solve::Entity::find()
        .filter(plan_solve::Column::PlanId.eq(plan_id))
        .filter(plan_solve::Column::State.eq("running"))
        .one(connection)
        .await
        .map_err(StoreError::from_db)
}

/// The plan's solve that is still alive, if any. A running solve abandoned by its replica
/// ([`solve_abandoned`]) is ended here instead, so that it never blocks its plan for good.
pub async fn live_solve<C: ConnectionTrait>(
    transaction: &C,
    plan_id: Uuid,
) -> Result<Option<plan_solve::Model>, StoreError> {
    let Some(running) = running_solve(transaction, plan_id).await? else {
        return Ok(None);
    };
    let now = database_now(transaction).await?;
    if !solve_abandoned(&running, now) {
        return Ok(Some(running));
    }
    let row = end_abandoned_solve(transaction, running, now).await?;
    Ok((row.state == "running").then_some(row))
}

/// Saves a solve's changed fields.
pub async fn save_solve<C: ConnectionTrait>(
    connection: &C,
    solve: plan_solve::Model,
) -> Result<plan_solve::Model, StoreError> {
    let mut active = solve.into_active_model();
    for column in [
        plan_solve::Column::State,
        plan_solve::Column::ElapsedMs,
        plan_solve::Column::BestHardViolations,
        plan_solve::Column::BestObjective,
        plan_solve::Column::TimeToBestMs,
        plan_solve::Column::Iterations,
        plan_solve::Column::ResultVersion,
        plan_solve::Column::EndedAt,
        plan_solve::Column::Message,
        plan_solve::Column::ProvenOptimal,
    ] {
        active.reset(column);
    }
    active.update(connection).await.map_err(StoreError::from_db)
}

/// Asks a running solve to stop (it polls the flag, on whichever replica it runs).
pub async fn request_solve_cancel<C: ConnectionTrait>(
    transaction: &C,
    id: Uuid,
) -> Result<plan_solve::Model, StoreError> {
    let solve = found(
        locked(plan_solve::Entity::find_by_id(id), transaction.get_database_backend())
            .one(transaction)
            .await
            .map_err(StoreError::from_db)?,
        Resource::ShiftPlanSolve,
    )?;
    if solve.state != "running" {
        return Err(RuleViolation::SolveFinished.into());
    }
    let now = database_now(transaction).await?;
    if solve_abandoned(&solve, now) {
        // Nobody polls the flag of a solve whose replica stopped: end it as abandoned.
        return end_abandoned_solve(transaction, solve, now).await;
    }
    let mut active = solve.into_active_model();
    active.cancel_requested = Set(true);
    active.update(transaction).await.map_err(StoreError::from_db)
}

/// Whether a cancel was requested for the solve.
pub async fn solve_cancel_requested<C: ConnectionTrait>(
    connection: &C,
    id: Uuid,
) -> Result<bool, StoreError> {
    Ok(get_solve(connection, id).await?.cancel_requested)
}

/// Reads a swap.
pub async fn get_swap<C: ConnectionTrait>(connection: &C, id: Uuid) -> Result<shift_swap::Model, StoreError> {
    found(
        shift_swap::Entity::find_by_id(id).one(connection).await.map_err(StoreError::from_db)?,
        Resource::ShiftSwap,
    )
}

/// The undecided swaps that may still expire.
const UNDECIDED_SWAP_STATES: [&str; 3] = ["awaiting_counterparty", "open", "awaiting_approval"];

/// Marks the undecided swaps of `plan_ids` (or the one swap `swap_id`) whose expiry has passed as
/// expired, in one statement, so that every reader and every replica sees the same state; returns
/// how many changed. Called before swaps are read or acted on, instead of by a timer.
pub async fn expire_swaps<C: ConnectionTrait>(
    connection: &C,
    plan_ids: Option<Vec<Uuid>>,
    swap_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut update = shift_swap::Entity::update_many()
        .col_expr(shift_swap::Column::State, Expr::value("expired"))
        .col_expr(shift_swap::Column::Version, Expr::col(shift_swap::Column::Version).add(1))
        .col_expr(shift_swap::Column::UpdatedAt, Expr::value(now))
        .filter(shift_swap::Column::State.is_in(UNDECIDED_SWAP_STATES))
        .filter(shift_swap::Column::ExpireTime.lte(now));
    if let Some(plan_ids) = plan_ids {
        update = update.filter(shift_swap::Column::PlanId.is_in(plan_ids));
    }
    if let Some(swap_id) = swap_id {
        update = update.filter(shift_swap::Column::Id.eq(swap_id));
    }
    let result = update.exec(connection).await.map_err(StoreError::from_db)?;
    Ok(result.rows_affected)
}

/// Reads a swap and locks it; checks the etag when given.
pub async fn lock_swap<C: ConnectionTrait>(
    transaction: &C,
    id: Uuid,
    expected_version: Option<i32>,
) -> Result<shift_swap::Model, StoreError> {
    lock_checked::<shift_swap::Entity, _>(transaction, id, Resource::ShiftSwap, expected_version, |swap| {
        swap.version
    })
    .await
}

/// Saves a swap's new state, bumping its etag.
pub async fn save_swap<C: ConnectionTrait>(
    transaction: &C,
    swap: shift_swap::Model,
) -> Result<shift_swap::Model, StoreError> {
    let mut active = swap.clone().into_active_model();
    for column in [
        shift_swap::Column::State,
        shift_swap::Column::ClaimantStaffMemberId,
        shift_swap::Column::AppliedVersion,
        shift_swap::Column::DecisionNote,
    ] {
        active.reset(column);
    }
    active.version = Set(swap.version + 1);
    active.updated_at = Set(Utc::now());
    active.update(transaction).await.map_err(StoreError::from_db)
}

/// Swaps of a plan or district, newest first, optionally in some states.
pub async fn list_swaps<C: ConnectionTrait>(
    connection: &C,
    plan_ids: Vec<Uuid>,
    states: Vec<String>,
) -> Result<Vec<shift_swap::Model>, StoreError> {
    let mut query = shift_swap::Entity::find()
        .filter(shift_swap::Column::PlanId.is_in(plan_ids))
        .order_by_desc(shift_swap::Column::CreatedAt)
        .order_by_asc(shift_swap::Column::Id);
    if !states.is_empty() {
        query = query.filter(shift_swap::Column::State.is_in(states));
    }
    query.all(connection).await.map_err(StoreError::from_db)
}

/// A district's fairness ledger.
pub async fn fairness_ledger<C: ConnectionTrait>(
    connection: &C,
    district_id: Uuid,
) -> Result<Vec<fairness_adjustment::Model>, StoreError> {
    fairness_adjustment::Entity::find()
        .filter(fairness_adjustment::Column::DistrictId.eq(district_id))
        .order_by_asc(fairness_adjustment::Column::CreatedAt)
        .all(connection)
        .await
        .map_err(StoreError::from_db)
}

/// Replaces a plan's ledger entries (on publication of a new version of it).
pub async fn replace_plan_ledger<C: ConnectionTrait>(
    transaction: &C,
    plan_id: Uuid,
    entries: Vec<fairness_adjustment::Model>,
) -> Result<(), StoreError> {
    fairness_adjustment::Entity::delete_many()
        .filter(fairness_adjustment::Column::PlanId.eq(plan_id))
        .exec(transaction)
        .await
        .map_err(StoreError::from_db)?;
    for entry in entries {
        insert::<_, fairness_adjustment::ActiveModel>(transaction, entry, Resource::StaffMember).await?;
    }
    Ok(())
}

/// Saves every field of a changed row.
pub async fn update<C, A>(
    connection: &C,
    row: <A::Entity as EntityTrait>::Model,
) -> Result<<A::Entity as EntityTrait>::Model, StoreError>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    row.into_active_model().reset_all().update(connection).await.map_err(StoreError::from_db)
}

/// Reads a staff member and locks the row; checks the etag when given.
pub async fn lock_staff_member<C: ConnectionTrait>(
    transaction: &C,
    id: Uuid,
    expected_version: Option<i32>,
) -> Result<staff_member::Model, StoreError> {
    lock_checked::<staff_member::Entity, _>(
        transaction,
        id,
        Resource::StaffMember,
        expected_version,
        |member| member.version,
    )
    .await
}

/// Deletes a staff member who holds no shift in any plan version.
pub async fn delete_staff_member<C: ConnectionTrait>(
    transaction: &C,
    member: &staff_member::Model,
) -> Result<(), StoreError> {
    let assigned = plan_assignment::Entity::find()
        .filter(plan_assignment::Column::StaffMemberId.eq(member.id))
        .one(transaction)
        .await
        .map_err(StoreError::from_db)?;
    if assigned.is_some() {
        return Err(RuleViolation::HasAssignments.into());
    }
    exemption::Entity::delete_many()
        .filter(exemption::Column::StaffMemberId.eq(member.id))
        .exec(transaction)
        .await
        .map_err(StoreError::from_db)?;
    unavailability::Entity::delete_many()
        .filter(unavailability::Column::StaffMemberId.eq(member.id))
        .exec(transaction)
        .await
        .map_err(StoreError::from_db)?;
    shift_request::Entity::delete_many()
        .filter(shift_request::Column::StaffMemberId.eq(member.id))
        .exec(transaction)
        .await
        .map_err(StoreError::from_db)?;
    staff_member::Entity::delete_by_id(member.id).exec(transaction).await.map_err(StoreError::from_db)?;
    Ok(())
}

/// Deletes a locked plan that was never published, with everything that belongs to it.
pub async fn delete_plan<C: ConnectionTrait>(
    transaction: &C,
    plan: &shift_plan::Model,
) -> Result<(), StoreError> {
    if plan.published_version > 0 {
        return Err(RuleViolation::PlanPublished.into());
    }
    if live_solve(transaction, plan.id).await?.is_some() {
        return Err(RuleViolation::SolveRunning.into());
    }
    let id = plan.id;
    cover_requirement::Entity::delete_many()
        .filter(cover_requirement::Column::PlanId.eq(id))
        .exec(transaction)
        .await
        .map_err(StoreError::from_db)?;
    shift_request::Entity::delete_many()
        .filter(shift_request::Column::PlanId.eq(id))
        .exec(transaction)
        .await
        .map_err(StoreError::from_db)?;
    plan_assignment::Entity::delete_many()
        .filter(plan_assignment::Column::PlanId.eq(id))
        .exec(transaction)
        .await
        .map_err(StoreError::from_db)?;
    plan_version::Entity::delete_many()
        .filter(plan_version::Column::PlanId.eq(id))
        .exec(transaction)
        .await
        .map_err(StoreError::from_db)?;
    plan_solve::Entity::delete_many()
        .filter(plan_solve::Column::PlanId.eq(id))
        .exec(transaction)
        .await
        .map_err(StoreError::from_db)?;
    shift_swap::Entity::delete_many()
        .filter(shift_swap::Column::PlanId.eq(id))
        .exec(transaction)
        .await
        .map_err(StoreError::from_db)?;
    shift_plan::Entity::delete_by_id(id).exec(transaction).await.map_err(StoreError::from_db)?;
    Ok(())
}

/// Deletes an exemption and returns it.
pub async fn delete_exemption<C: ConnectionTrait>(
    transaction: &C,
    id: Uuid,
    expected_version: Option<i32>,
) -> Result<exemption::Model, StoreError> {
    let record = found(
        exemption::Entity::find_by_id(id).one(transaction).await.map_err(StoreError::from_db)?,
        Resource::Exemption,
    )?;
    if expected_version.is_some_and(|version| version != record.version) {
        return Err(StoreError::EtagMismatch);
    }
    exemption::Entity::delete_by_id(id).exec(transaction).await.map_err(StoreError::from_db)?;
    Ok(record)
}

/// Deletes an unavailability span and returns it.
pub async fn delete_unavailability<C: ConnectionTrait>(
    transaction: &C,
    id: Uuid,
) -> Result<unavailability::Model, StoreError> {
    let span = found(
        unavailability::Entity::find_by_id(id).one(transaction).await.map_err(StoreError::from_db)?,
        Resource::Unavailability,
    )?;
    unavailability::Entity::delete_by_id(id).exec(transaction).await.map_err(StoreError::from_db)?;
    Ok(span)
}

/// Reads a district and locks it; checks the etag when given.
pub async fn lock_district<C: ConnectionTrait>(
    transaction: &C,
    id: Uuid,
    expected_version: Option<i32>,
) -> Result<district::Model, StoreError> {
    lock_checked::<district::Entity, _>(
        transaction,
        id,
        Resource::LegevaktDistrict,
        expected_version,
        |row| row.version,
    )
    .await
}

/// Reads a shift type and locks it; checks the etag when given.
pub async fn lock_shift_type<C: ConnectionTrait>(
    transaction: &C,
    district_id: Uuid,
    code: &str,
    expected_version: Option<i32>,
) -> Result<shift_type::Model, StoreError> {
    let key = (district_id, code.to_owned());
    lock_checked::<shift_type::Entity, _>(transaction, key, Resource::ShiftType, expected_version, |row| {
        row.version
    })
    .await
}

/// Whether a published (or superseded) roster of the district holds a shift of this type: such a
/// shift is history, so what the type says a shift is (its times, category, mode and role) is
/// fixed from then on.
pub async fn shift_type_in_published_roster<C: ConnectionTrait>(
    connection: &C,
    shift: &shift_type::Model,
) -> Result<bool, StoreError> {
    let plans: Vec<Uuid> = shift_plan::Entity::find()
        .filter(shift_plan::Column::DistrictId.eq(shift.district_id))
        .all(connection)
        .await
        .map_err(StoreError::from_db)?
        .into_iter()
        .map(|plan| plan.id)
        .collect();
    let published: std::collections::HashSet<(Uuid, i32)> = plan_version::Entity::find()
        .filter(plan_version::Column::PlanId.is_in(plans.clone()))
        .filter(plan_version::Column::State.ne("draft"))
        .all(connection)
        .await
        .map_err(StoreError::from_db)?
        .into_iter()
        .map(|version| (version.plan_id, version.version))
        .collect();
    if published.is_empty() {
        return Ok(false);
    }
    // The versions whose rosters hold the type, each once; few next to the assignments.
    let holding: Vec<(Uuid, i32)> = plan_assignment::Entity::find()
        .select_only()
        .column(plan_assignment::Column::PlanId)
        .column(plan_assignment::Column::Version)
        .distinct()
        .filter(plan_assignment::Column::PlanId.is_in(plans))
        .filter(plan_assignment::Column::ShiftTypeCode.eq(shift.code.as_str()))
        .into_tuple()
        .all(connection)
        .await
        .map_err(StoreError::from_db)?;
    Ok(holding.iter().any(|key| published.contains(key)))
}

/// Deletes a shift type that no plan uses (in cover or in a roster).
pub async fn delete_shift_type<C: ConnectionTrait>(
    transaction: &C,
    shift: &shift_type::Model,
) -> Result<(), StoreError> {
    let plans: Vec<Uuid> = shift_plan::Entity::find()
        .filter(shift_plan::Column::DistrictId.eq(shift.district_id))
        .all(transaction)
        .await
        .map_err(StoreError::from_db)?
        .into_iter()
        .map(|plan| plan.id)
        .collect();
    let in_cover = cover_requirement::Entity::find()
        .filter(cover_requirement::Column::PlanId.is_in(plans.clone()))
        .filter(cover_requirement::Column::ShiftTypeCode.eq(shift.code.as_str()))
        .one(transaction)
        .await
        .map_err(StoreError::from_db)?;
    let in_roster = plan_assignment::Entity::find()
        .filter(plan_assignment::Column::PlanId.is_in(plans.clone()))
        .filter(plan_assignment::Column::ShiftTypeCode.eq(shift.code.as_str()))
        .one(transaction)
        .await
        .map_err(StoreError::from_db)?;
    let in_requests = shift_request::Entity::find()
        .filter(shift_request::Column::PlanId.is_in(plans))
        .filter(shift_request::Column::ShiftTypeCode.eq(shift.code.as_str()))
        .one(transaction)
        .await
        .map_err(StoreError::from_db)?;
    if in_cover.is_some() || in_roster.is_some() || in_requests.is_some() {
        return Err(RuleViolation::ShiftTypeInUse.into());
    }
    shift_type::Entity::delete_by_id((shift.district_id, shift.code.clone()))
        .exec(transaction)
        .await
        .map_err(StoreError::from_db)?;
    Ok(())
}

/// Reads an exemption.
pub async fn get_exemption<C: ConnectionTrait>(
    connection: &C,
    id: Uuid,
) -> Result<exemption::Model, StoreError> {
    found(
        exemption::Entity::find_by_id(id).one(connection).await.map_err(StoreError::from_db)?,
        Resource::Exemption,
    )
}

/// Reads an exemption and locks it; checks the etag when given.
pub async fn lock_exemption<C: ConnectionTrait>(
    transaction: &C,
    id: Uuid,
    expected_version: Option<i32>,
) -> Result<exemption::Model, StoreError> {
    lock_checked::<exemption::Entity, _>(transaction, id, Resource::Exemption, expected_version, |row| {
        row.version
    })
    .await
}

/// The same people (by HPR number) as `staff_ids` of `district_id`, as staff of other districts:
/// pairs of (the staff member here, the staff member there). With `lock`, every staff row of these
/// people, in every district, is locked for the transaction (in id order), so that publications in
/// two districts that share a person serialise on that person.
pub async fn same_people_elsewhere<C: ConnectionTrait>(
    transaction: &C,
    district_id: Uuid,
    staff_ids: &[Uuid],
    lock: bool,
) -> Result<Vec<(Uuid, staff_member::Model)>, StoreError> {
    let here = staff_member::Entity::find()
        .filter(staff_member::Column::DistrictId.eq(district_id))
        .filter(staff_member::Column::Id.is_in(staff_ids.iter().copied()))
        .all(transaction)
        .await
        .map_err(StoreError::from_db)?;
    let numbers: Vec<&str> =
        here.iter().map(|member| member.hpr_number.as_str()).filter(|number| !number.is_empty()).collect();
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let query = staff_member::Entity::find()
        .filter(staff_member::Column::HprNumber.is_in(numbers))
        .order_by_asc(staff_member::Column::Id);
    let query = if lock { locked(query, transaction.get_database_backend()) } else { query };
    let everywhere = query.all(transaction).await.map_err(StoreError::from_db)?;
    Ok(everywhere
        .into_iter()
        .filter(|there| there.district_id != district_id)
        .filter_map(|there| {
            let member = here.iter().find(|member| member.hpr_number == there.hpr_number)?;
            Some((member.id, there))
        })
        .collect())
}

/// The published rosters of a district's other plans whose periods come within a week of
/// `[first, last]`: what a new publication must not collide with.
pub async fn other_published_rosters<C: ConnectionTrait>(
    connection: &C,
    district_id: Uuid,
    plan_id: Uuid,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(shift_plan::Model, Vec<plan_assignment::Model>)>, StoreError> {
    let week = chrono::Duration::days(7);
    let plans = shift_plan::Entity::find()
        .filter(shift_plan::Column::DistrictId.eq(district_id))
        .filter(shift_plan::Column::Id.ne(plan_id))
        .filter(shift_plan::Column::PublishedVersion.gt(0))
        .filter(shift_plan::Column::StartDate.lte(last + week))
        .filter(shift_plan::Column::EndDate.gte(first - week))
        .all(connection)
        .await
        .map_err(StoreError::from_db)?;
    let mut rosters = Vec::with_capacity(plans.len());
    for plan in plans {
        let roster = assignments(connection, plan.id, plan.published_version).await?;
        rosters.push((plan, roster));
    }
    Ok(rosters)
}
