//! Compilation of a [`PlanInput`] into the scheduler's general rostering [`Model`], with the index
//! maps that turn a scheduler [`Roster`] into legevakt [`Assignment`]s and back.
//!
//! One model day per plan date, one model shift type per legevakt shift type (same order), one
//! employee per staff member (same order).
//!
//! # How each rule is mapped
//! * **Qualification** (skills): a DOCTOR shift needs [`SKILL_DOCTOR`] (doctors), a NURSE shift
//!   [`SKILL_NURSE`] (nurses), a BAKVAKT shift [`SKILL_INDEPENDENT`] (doctors who may work alone).
//! * **Not on staff, full exemptions** (records and the age exemption derived from the birth date
//!   and the plan's exemption age): hard days off.
//! * **Partial exemptions** (by category): the model's per-(day, shift type) unavailability. A
//!   shift counts as the categories [`explain::categories_of`] gives it by the hours it holds
//!   (night, weekend, holiday), exactly as the explanation judges it.
//! * **Unavailability spans**: every (day, shift type) whose real occurrence overlaps a span.
//! * **Rest, overlap and forbidden category successions**, computed from real instants: a pair
//!   (shift `a` on day `d`, shift `b` on day `d + k`) that overlaps, leaves less rest than `a`
//!   requires, or starts within 24 hours after `a` ends when the categories are forbidden to
//!   follow, becomes a model forbidden succession (or "no shift at all" at offset `k` when every
//!   type is forbidden, which is how a weekend block blocks the following days).
//! * **Limits**: shifts per period through the total-minutes limit (every model shift type is
//!   given a length of [`MODEL_MINUTES_PER_SHIFT`], so the minutes count shifts); consecutive
//!   shifts through the longest working run; weekends through the model's weekend limit; night
//!   shifts through the per-type limit.
//! * **Cover**: the minimum with [`HARD_AS_SOFT_WEIGHT`] per missing person (so that it acts as
//!   hard while an over-constrained plan still gets a best roster), the preferred count with the
//!   plan's weights.
//! * **Requests**: model requests weighted `weight × request_not_granted`.
//! * **Bakvakt**: a [`SupervisionRule`] per DOCTOR shift type and covering BAKVAKT type, weighted
//!   [`HARD_AS_SOFT_WEIGHT`].
//! * **Fairness**: a [`FairnessRule`] in tenths of a point, with a pool per profession, each
//!   person's share of [`crate::explain::fairness_shares`] in thousandths and their balance in
//!   tenths, and the divisor 100, so that the model costs squared deviations in whole points as
//!   explain does (see below).
//! * **Pinned assignments, re-planning**: warm start and fixed cells of the optimiser, prepared by
//!   [`crate::solve`]; the cost of moving a published assignment is an "on" request of weight
//!   `change_from_published` on the published (day, shift), and that of work on a day the
//!   published roster left free an "off" request of weight `shift_on_free_day`, both exact. Cells frozen by
//!   re-planning ([`CompiledPlan::frozen_cells`]) that hold a published shift get no day-off or
//!   unavailability restrictions: a shift that has started cannot move, and a restriction there
//!   would only make the optimiser release every fixed cell.
//!
//! # What the model cannot express exactly, and how it is approximated
//! [`crate::explain`] always reports the exact truth; the model is made conservative (a roster
//! feasible in the model is feasible in legevakt terms) where it can be:
//! * **One shift per person per day.** The model holds one shift (or a day off) per employee and
//!   day. Assignments with two shifts starting on the same day for one person cannot be turned
//!   into a roster ([`RosterConversion::unrepresentable`]); explain scores them exactly.
//! * **Rest and successions are per shift-type pair and day offset**, not per date: a pair that
//!   breaks the rules on any date of the plan (e.g. only across a daylight-saving change) is
//!   forbidden on every date. Conservative.
//! * **Bakvakt** in the model is per day: a supervised doctor on type `a` needs a qualified person
//!   on the chosen BAKVAKT type(s) on the same day. When one BAKVAKT type covers `a`'s whole time,
//!   the one with the most preferred cover is required; when only several together do, all of
//!   them are; when the same day's BAKVAKT types cannot cover `a`, doctors who may not work alone
//!   are made unavailable for `a`. On a day where the chosen types have no preferred cover, a
//!   BAKVAKT occurrence with cover that started up to three days earlier and holds `a`'s whole
//!   time (a weekend block from Friday for a Sunday day shift) is required instead, so that the
//!   model does not ask for a second bakvakt. All conservative.
//! * **Competence** is taken as of the plan's first day (a course completed later in the period
//!   is ignored by the model). Conservative.
//! * **Night-shift limit across several night types**: split among the night types of the roles
//!   the person may staff (a doctor's limit is not shared with the nurses' night) in proportion to
//!   their preferred cover, the shares adding up to the limit. Exact where a person may work one
//!   night type; conservative where several.
//! * **Weekends**: a weekend is worked when a shift holds its Saturday or Sunday or lies mostly in
//!   the legevakt weekend from Friday 15:30, as explain counts it: each model shift type reaches
//!   the following dates it holds on any date of the plan (a Friday night holds the Saturday), and
//!   the Saturday where its Friday occurrence is a weekend shift (a Friday evening). Conservative
//!   across a daylight-saving change; not conservative for a shift starting on a Monday morning
//!   (before 08:00), which explain counts with the weekend before it and the model does not.
//! * **Fairness** in the proto costs `weight × round(deviation²)` per person; the model rounds each
//!   pool's sum once and counts points to tenths and shares to thousandths. Explain sets a target
//!   that a large balance would make negative to zero; the model gives the people whose target is
//!   zero at full cover no share (their target is zero too), and lets a target go below zero
//!   where fewer points handed out would make it so.
//! * **Cover minimum and bakvakt** are hard in legevakt terms and soft with
//!   [`HARD_AS_SOFT_WEIGHT`] in the model; the model's objective therefore exceeds the legevakt
//!   objective by that weight per missing person or unsupervised doctor.

use std::collections::{BTreeMap, HashMap};

use allmenn_scheduler::model::{
    Cover, DayIndex, Employee, EmployeeIndex, FairnessRule, ForbiddenSuccession, MAX_FOLLOWING_DAYS_HELD,
    Model, ModelSpec, Request, RequestKind as ModelRequestKind, Roster, ShiftIndex,
    ShiftType as ModelShiftType, SkillIndex, SupervisionRule, Weekday,
};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use uuid::Uuid;

use crate::explain;
use crate::plan::{
    Assignment, FORBIDDEN_SUCCESSION_WINDOW_MINUTES, PlanError, PlanInput, Profession, RequestKind,
    ShiftCategory, ShiftOccurrence, ShiftRole, last_local_date_held, pair_clash,
};

/// Skill of doctors: required by DOCTOR shifts.
pub const SKILL_DOCTOR: SkillIndex = 0;
/// Skill of doctors who may work alone: required by BAKVAKT shifts, and what makes a doctor on a
/// DOCTOR shift independent of a bakvakt.
pub const SKILL_INDEPENDENT: SkillIndex = 1;
/// Skill of nurses: required by NURSE shifts.
pub const SKILL_NURSE: SkillIndex = 2;

/// Weight per missing person below the minimum cover and per unsupervised doctor, at least: large
/// enough that no combination of soft penalties of a realistic plan outweighs one of them. Plans
/// whose weights let one assignment carry more get more ([`hard_as_soft_weight`]).
pub const HARD_AS_SOFT_WEIGHT: u32 = 100_000;

/// The model's weight for the hard rules it holds as costs (minimum cover, bakvakt): ten times
/// the most soft cost one assignment can change (every soft weight that may apply to it at its
/// largest, added up), and never below [`HARD_AS_SOFT_WEIGHT`]. Weights may each be up to a
/// million, and a model that let a request's or a move's cost outweigh an uncovered shift would
/// leave the shift uncovered to grant it.
fn hard_as_soft_weight(
    input: &PlanInput,
    requests: &[Request],
    fairness: Option<&FairnessRule>,
    employees: &[Employee],
) -> u32 {
    let weights = &input.rules.weights;
    let largest_request = requests.iter().map(|request| u64::from(request.weight)).max().unwrap_or(0);
    let per_assignment = u64::from(weights.cover_below_preferred)
        + u64::from(weights.cover_above_preferred)
        + largest_request
        + u64::from(weights.change_from_published)
        + u64::from(weights.shift_on_free_day);
    let per_assignment =
        per_assignment.saturating_add(fairness.map_or(0, |rule| largest_fairness_change(rule, employees)));
    let wanted = per_assignment.saturating_mul(10).max(u64::from(HARD_AS_SOFT_WEIGHT));
    // The model's costs add up in i64 over every cell; a quarter of u32's range keeps far from it.
    u32::try_from(wanted).unwrap_or(u32::MAX).min(u32::MAX / 4)
}

/// The most one assignment can change the model's fairness cost. An assignment of `x` points
/// moves its person's deviation by at most `x` and every target of the pool by its share of at
/// most `x`, so a pool's sum of squared deviations changes by at most `4·D·x + 2·x²`, where `D`
/// is the largest deviation anyone can reach: above the target, the points of the richest shift
/// of every day (one shift starts a day) plus the balance; below it, the person's share of the
/// pool's cap and balances plus their own balance. A person who already holds many shifts far
/// above their target must still be given one more rather than leave a minimum place open.
fn largest_fairness_change(rule: &FairnessRule, employees: &[Employee]) -> u64 {
    let x = u128::from(rule.points.iter().flatten().copied().max().unwrap_or(0));
    let most_points: u128 =
        rule.points.iter().map(|row| u128::from(row.iter().copied().max().unwrap_or(0))).sum();
    let pool_of = |e: usize| rule.pools.get(e).copied().unwrap_or(0);
    let pools = rule.pools.iter().copied().max().map_or(1, |pool| pool + 1).max(rule.caps.len());
    let mut shares = vec![0_u128; pools];
    let mut balances = vec![0_u128; pools];
    for (e, employee) in employees.iter().enumerate() {
        shares[pool_of(e)] += u128::from(employee.share_permille);
        balances[pool_of(e)] += u128::from(employee.fairness_balance.unsigned_abs());
    }
    let largest_deviation = employees
        .iter()
        .enumerate()
        .map(|(e, employee)| {
            let pool = pool_of(e);
            let balance = u128::from(employee.fairness_balance.unsigned_abs());
            let cap =
                rule.caps.get(pool).map_or(most_points * employees.len() as u128, |&cap| u128::from(cap));
            let target = (u128::from(employee.share_permille) * (cap + balances[pool]))
                .checked_div(shares[pool])
                .unwrap_or(0);
            (most_points + balance).max(target + balance)
        })
        .max()
        .unwrap_or(0);
    let change =
        (4 * largest_deviation * x + 2 * x * x) * u128::from(rule.weight) / u128::from(rule.divisor.max(1));
    u64::try_from(change).unwrap_or(u64::MAX)
}

/// The length every model shift type gets, so that the model's total-minutes limit counts shifts
/// (the model uses lengths for nothing else).
pub const MODEL_MINUTES_PER_SHIFT: u32 = 60;

/// Model fairness points per legevakt fairness point.
pub const FAIRNESS_SCALE: f64 = 10.0;

/// What a model request stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestOrigin {
    /// The request at this index of [`PlanInput::requests`].
    Request(usize),
    /// Keeping the published assignment at this index of [`crate::plan::Replan::published`].
    KeepPublished(usize),
    /// Keeping free a day the published roster gave this employee no shift on.
    KeepFree {
        /// The employee.
        employee: EmployeeIndex,
        /// The day.
        day: DayIndex,
    },
}

/// A model cell kept by the optimiser: an employee's day with its warm-start value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrozenCell {
    /// The employee.
    pub employee: EmployeeIndex,
    /// The day.
    pub day: DayIndex,
    /// The shift held (from the published roster), or `None` for a day off.
    pub shift: Option<ShiftIndex>,
}

/// A plan compiled into the scheduler's model.
#[derive(Debug, Clone)]
pub struct CompiledPlan {
    model: Model,
    dates: Vec<NaiveDate>,
    shift_codes: Vec<String>,
    staff_ids: Vec<Uuid>,
    request_origins: Vec<RequestOrigin>,
    frozen: Vec<FrozenCell>,
    notes: Vec<String>,
}

/// The result of turning assignments into a roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterConversion {
    /// The roster with every representable assignment.
    pub roster: Roster,
    /// Assignments that could not be placed because the person already has a shift starting that
    /// day (the model holds one shift per person and day).
    pub unrepresentable: Vec<Assignment>,
}

impl CompiledPlan {
    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The date of each model day.
    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// The shift code of each model shift type.
    pub fn shift_codes(&self) -> &[String] {
        &self.shift_codes
    }

    /// The staff id of each model employee.
    pub fn staff_ids(&self) -> &[Uuid] {
        &self.staff_ids
    }

    /// What each model request stands for (same order as the model's requests).
    pub fn request_origins(&self) -> &[RequestOrigin] {
        &self.request_origins
    }

    /// Cells frozen by re-planning (shifts starting before the freeze instant), with the value
    /// they keep.
    pub fn frozen_cells(&self) -> &[FrozenCell] {
        &self.frozen
    }

    /// Where this plan needed an approximation in the model, in words (see the module docs).
    pub fn approximation_notes(&self) -> &[String] {
        &self.notes
    }

    /// The model employee of a staff member.
    pub fn employee_index(&self, staff_id: Uuid) -> Option<EmployeeIndex> {
        self.staff_ids.iter().position(|id| *id == staff_id)
    }

    /// The model day of a date.
    pub fn day_index(&self, date: NaiveDate) -> Option<DayIndex> {
        let first = *self.dates.first()?;
        let index = usize::try_from((date - first).num_days()).ok()?;
        (index < self.dates.len()).then_some(index)
    }

    /// The model shift type of a code.
    pub fn shift_index(&self, code: &str) -> Option<ShiftIndex> {
        self.shift_codes.iter().position(|known| known == code)
    }

    /// Places assignments in a roster. Unknown staff, codes or dates are errors; a second shift
    /// starting the same day for the same person is listed as unrepresentable. Pinned assignments
    /// are placed first, so that a cell a solve fixes for a pin holds the pinned shift.
    pub fn roster_from_assignments(&self, assignments: &[Assignment]) -> Result<RosterConversion, PlanError> {
        let mut roster = Roster::empty_for(&self.model);
        let mut unrepresentable = Vec::new();
        let mut sorted: Vec<&Assignment> = assignments.iter().collect();
        sorted.sort_by(|a, b| b.pinned.cmp(&a.pinned).then_with(|| a.cmp(b)));
        for assignment in sorted {
            let employee = self
                .employee_index(assignment.staff_id)
                .ok_or(PlanError::UnknownStaffMember(assignment.staff_id))?;
            let day = self
                .day_index(assignment.date)
                .ok_or_else(|| PlanError::UnknownShift(assignment.shift_id()))?;
            let shift = self
                .shift_index(&assignment.shift_code)
                .ok_or_else(|| PlanError::UnknownShift(assignment.shift_id()))?;
            match roster.get(employee, day) {
                None => roster.set(employee, day, Some(shift)),
                Some(existing) if existing == shift => {}
                Some(_) => unrepresentable.push(assignment.clone()),
            }
        }
        Ok(RosterConversion { roster, unrepresentable })
    }

    /// The assignments of a roster, sorted; an assignment is pinned when `pinned` holds the same
    /// (date, code, person) pinned.
    pub fn assignments_from_roster(
        &self,
        roster: &Roster,
        pinned: &[Assignment],
    ) -> Result<Vec<Assignment>, PlanError> {
        if !roster.fits(&self.model) {
            return Err(PlanError::RosterShape);
        }
        let mut assignments = Vec::new();
        for (employee, staff_id) in self.staff_ids.iter().enumerate() {
            for (day, date) in self.dates.iter().enumerate() {
                let Some(shift) = roster.get(employee, day) else { continue };
                let mut assignment = Assignment {
                    date: *date,
                    shift_code: self.shift_codes[shift].clone(),
                    staff_id: *staff_id,
                    pinned: false,
                };
                assignment.pinned = pinned.iter().any(|other| other.pinned && other.same_slot(&assignment));
                assignments.push(assignment);
            }
        }
        assignments.sort();
        Ok(assignments)
    }
}

/// How far after its start date shift type `shift` reaches into a weekend, for the model's
/// weekend limit: the most local dates it holds after its start date on any date of the plan (a
/// night holds one, a Friday-to-Monday block three), and at least one where a Friday occurrence
/// lies mostly in the legevakt weekend (a Friday evening), which the model counts by the Saturday
/// after it. So the model counts a weekend as worked exactly when [`explain`] does, but that the
/// largest reach over the plan's dates is used (conservative where a daylight-saving change
/// moves an end across midnight) and that a shift starting on a Monday morning is not counted
/// with the weekend before it.
/// Also says whether the largest reach makes some date's occurrence reach a Saturday or Sunday it
/// does not hold (the model then counts a weekend explain does not).
fn following_days_held(dates: &[NaiveDate], slots: &[Vec<Slot>], shift: usize) -> (u8, bool) {
    let reaches: Vec<i64> = dates
        .iter()
        .zip(slots)
        .map(|(date, row)| {
            let slot = row[shift];
            let held = (last_local_date_held(*date, slot.end) - *date).num_days();
            let weekend = explain::legevakt_weekend_of(slot.start, slot.end)
                .map_or(0, |saturday| (saturday - *date).num_days());
            held.max(weekend).clamp(0, i64::from(MAX_FOLLOWING_DAYS_HELD))
        })
        .collect();
    let largest = reaches.iter().copied().max().unwrap_or(0);
    // The weekend (by its Saturday) of each date from `date` to `reach` days later.
    let saturdays = |date: NaiveDate, reach: i64| -> Vec<NaiveDate> {
        (0..=reach)
            .filter_map(|k| date.checked_add_signed(chrono::TimeDelta::days(k)))
            .filter_map(|day| match day.weekday() {
                chrono::Weekday::Sat => Some(day),
                chrono::Weekday::Sun => day.pred_opt(),
                _ => None,
            })
            .collect()
    };
    let over = dates.iter().zip(&reaches).any(|(date, &reach)| {
        let own = saturdays(*date, reach);
        saturdays(*date, largest).iter().any(|weekend| !own.contains(weekend))
    });
    (largest as u8, over)
}

/// The real times of one (day, shift type) of the plan.
#[derive(Debug, Clone, Copy)]
struct Slot {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

/// Compiles a plan into the scheduler's model. Fails on invalid input (see
/// [`PlanInput::validate`]), on shift times that cannot be resolved, or when the model rejects
/// the result (e.g. more than 254 shift types).
pub fn compile(input: &PlanInput) -> Result<CompiledPlan, PlanError> {
    input.check()?;
    let dates = input.dates();
    let days = dates.len();
    let types = &input.shift_types;
    let shift_count = types.len();
    let rules = &input.rules;
    let mut notes = Vec::new();

    // Real times of every (day, type), whether or not the plan has cover for it.
    let mut slots: Vec<Vec<Slot>> = Vec::with_capacity(days);
    for date in &dates {
        let mut row = Vec::with_capacity(shift_count);
        for shift_type in types {
            let local = shift_type.local_shift(*date)?;
            row.push(Slot { start: local.real_start(), end: local.real_end() });
        }
        slots.push(row);
    }
    let cover_map: HashMap<(NaiveDate, &str), (u32, u32)> = input
        .cover
        .iter()
        .map(|cover| ((cover.date, cover.shift_code.as_str()), (cover.min, cover.preferred)))
        .collect();
    let cover_of = |day: usize, shift: usize| -> (u32, u32) {
        cover_map.get(&(dates[day], types[shift].code.as_str())).copied().unwrap_or((0, 0))
    };

    let forbidden_successions = compile_successions(input, &slots, &mut notes);

    // Frozen cells of re-planning.
    let frozen = frozen_cells(input, &dates, &slots)?;
    let frozen_held: std::collections::HashSet<(usize, usize)> =
        frozen.iter().filter(|cell| cell.shift.is_some()).map(|cell| (cell.employee, cell.day)).collect();

    // Which shift types each doctor shift type is supervised by.
    let supervision_plan = plan_supervision(input, &dates, &cover_of, &mut notes);

    // Night limit split in proportion to preferred cover.
    let night_types: Vec<usize> =
        (0..shift_count).filter(|&shift| types[shift].category == ShiftCategory::Night).collect();
    let night_cover: Vec<u64> = night_types
        .iter()
        .map(|&shift| (0..days).map(|day| u64::from(cover_of(day, shift).1)).sum::<u64>())
        .collect();
    // Staff members whose night limit the model splits among several night types they may work.
    let mut night_limits_split = 0;

    let first_date = input.first_date;
    let mut employees = Vec::with_capacity(input.staff.len());
    for (employee_index, member) in input.staff.iter().enumerate() {
        let mut employee = Employee::unrestricted(member.hpr_number.clone(), shift_count);
        let independent = member.may_work_alone(&input.competence_rule, first_date);
        employee.skills = match member.profession {
            Profession::Doctor if independent => vec![SKILL_DOCTOR, SKILL_INDEPENDENT],
            Profession::Doctor => vec![SKILL_DOCTOR],
            Profession::Nurse => vec![SKILL_NURSE],
        };
        if member.profession == Profession::Doctor
            && !independent
            && member.may_work_alone(&input.competence_rule, input.last_date)
        {
            notes.push(format!(
                "staff member {} may work alone only from a date inside the period; the model treats them as needing a bakvakt throughout",
                member.id
            ));
        }
        for (day, date) in dates.iter().enumerate() {
            if frozen_held.contains(&(employee_index, day)) {
                // The past cannot change: a frozen shift keeps its holder whatever the rules say now.
                continue;
            }
            let restriction = explain::exemption_on(input, member, *date);
            if !member.on_staff(*date) || matches!(restriction, explain::DayExemption::Full { .. }) {
                employee.days_off.push(day);
                continue;
            }
            for (shift, shift_type) in types.iter().enumerate() {
                let slot = slots[day][shift];
                // A shift holding later dates (a weekend block) is judged on each of them, as
                // explain judges it.
                let held: Vec<NaiveDate> = date
                    .iter_days()
                    .take_while(|held| *held <= crate::plan::last_local_date_held(*date, slot.end))
                    .collect();
                let (restriction, off_staff_later) = if held.len() > 1 {
                    (
                        explain::exemption_while(input, member, &held),
                        held.iter().any(|held| !member.on_staff(*held)),
                    )
                } else {
                    (restriction.clone(), false)
                };
                let exempt = off_staff_later
                    || match &restriction {
                        explain::DayExemption::Full { .. } => true,
                        explain::DayExemption::Partial { categories, .. } => {
                            explain::categories_of(shift_type.category, slot.start, slot.end)
                                .iter()
                                .any(|c| categories.contains(c))
                        }
                        explain::DayExemption::None => false,
                    };
                let unavailable =
                    member.unavailability.iter().any(|span| span.overlaps(slot.start, slot.end))
                        || member.held_elsewhere.iter().any(|held| {
                            held.clash(&input.rules, shift_type, (slot.start, slot.end)).is_some()
                        });
                let unsupervisable = shift_type.role == ShiftRole::Doctor
                    && member.profession == Profession::Doctor
                    && !independent
                    && supervision_plan.get(&shift).is_some_and(Option::is_none);
                if exempt || unavailable || unsupervisable {
                    employee.unavailable.push((day, shift));
                }
            }
        }
        let limits = rules.default_limits.overridden_by(&member.limits);
        if let Some(max) = limits.max_shifts_per_period {
            employee.max_total_minutes = max.saturating_mul(MODEL_MINUTES_PER_SHIFT);
        }
        if let Some(max) = limits.max_consecutive_shifts {
            employee.max_consecutive_working_days = max;
        }
        if let Some(max) = limits.max_weekends_per_period {
            employee.max_weekends = max;
        }
        if let Some(max) = limits.max_night_shifts_per_period {
            // Only the night types of a role the person may staff share the limit: a doctor's
            // limit is not spent on the nurses' night.
            let (workable, cover): (Vec<usize>, Vec<u64>) = night_types
                .iter()
                .zip(&night_cover)
                .filter(|&(&shift, _)| employee.skills.contains(&skill_for(types[shift].role)))
                .map(|(&shift, &cover)| (shift, cover))
                .unzip();
            for (shift, share) in workable.iter().zip(split_limit(max, &cover)) {
                employee.max_shifts_per_type[*shift] = share;
            }
            if workable.len() > 1 {
                night_limits_split += 1;
            }
        }
        employees.push(employee);
    }

    if night_limits_split > 0 {
        notes.push(format!(
            "the night-shift limit of {night_limits_split} staff member(s) is split among the night shift types they may work"
        ));
    }

    // Requests and the cost of moving published assignments.
    let mut requests = Vec::new();
    let mut request_origins = Vec::new();
    let staff_index: HashMap<Uuid, usize> =
        input.staff.iter().enumerate().map(|(index, member)| (member.id, index)).collect();
    let type_index: HashMap<&str, usize> =
        types.iter().enumerate().map(|(index, shift_type)| (shift_type.code.as_str(), index)).collect();
    for (index, request) in input.requests.iter().enumerate() {
        let weight = request.weight.saturating_mul(rules.weights.request_not_granted);
        if weight == 0 {
            continue;
        }
        let (Some(&employee), Some(day)) =
            (staff_index.get(&request.staff_id), input.day_index(request.date))
        else {
            continue;
        };
        let shift = match &request.shift_code {
            Some(code) => match type_index.get(code.as_str()) {
                Some(&shift) => Some(shift),
                None => continue,
            },
            None => None,
        };
        let kind = match request.kind {
            RequestKind::Want => ModelRequestKind::On,
            RequestKind::Avoid => ModelRequestKind::Off,
        };
        requests.push(Request { employee, day, shift, kind, weight });
        request_origins.push(RequestOrigin::Request(index));
    }
    if let Some(replan) = &input.replan {
        let keep = rules.weights.change_from_published;
        for (index, assignment) in replan.published.iter().enumerate().filter(|_| keep > 0) {
            let (Some(&employee), Some(day), Some(&shift)) = (
                staff_index.get(&assignment.staff_id),
                input.day_index(assignment.date),
                type_index.get(assignment.shift_code.as_str()),
            ) else {
                continue;
            };
            requests.push(Request {
                employee,
                day,
                shift: Some(shift),
                kind: ModelRequestKind::On,
                weight: keep,
            });
            request_origins.push(RequestOrigin::KeepPublished(index));
        }
        // Work on a date the published roster left free.
        let mut published_days = vec![vec![false; days]; input.staff.len()];
        for assignment in &replan.published {
            if let (Some(&employee), Some(day)) =
                (staff_index.get(&assignment.staff_id), input.day_index(assignment.date))
            {
                published_days[employee][day] = true;
            }
        }
        let weight = rules.weights.shift_on_free_day;
        for (employee, worked) in published_days.iter().enumerate().filter(|_| weight > 0) {
            for day in (0..days).filter(|&day| !worked[day]) {
                requests.push(Request { employee, day, shift: None, kind: ModelRequestKind::Off, weight });
                request_origins.push(RequestOrigin::KeepFree { employee, day });
            }
        }
    }

    let mut cover: Vec<Vec<Cover>> = (0..days)
        .map(|day| {
            (0..shift_count)
                .map(|shift| {
                    let (min, preferred) = cover_of(day, shift);
                    Cover {
                        min,
                        preferred: preferred.max(min),
                        weight_under_min: HARD_AS_SOFT_WEIGHT,
                        weight_under_preferred: rules.weights.cover_below_preferred,
                        weight_over_preferred: rules.weights.cover_above_preferred,
                    }
                })
                .collect()
        })
        .collect();

    let mut supervision = Vec::new();
    let earlier = earlier_backups(input, &slots, &cover_of, &supervision_plan);
    let mut supervised: Vec<_> = supervision_plan.iter().collect();
    supervised.sort();
    for (&supervised_shift, backups) in supervised {
        let Some(backups) = backups else { continue };
        let mut by_earlier: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        for day in 0..days {
            if let Some(&backup) = earlier.get(&(supervised_shift, day)) {
                by_earlier.entry(backup).or_default().push(day);
            }
        }
        let rule = |backup_shift: usize, backup_day_offset: usize, days: Vec<usize>| SupervisionRule {
            supervised_shift,
            skill: SKILL_INDEPENDENT,
            backup_shift,
            backup_day_offset,
            days,
            weight: HARD_AS_SOFT_WEIGHT,
        };
        // The same day's backups on every other day (an empty list of days is every day).
        let same_day: Vec<usize> =
            (0..days).filter(|day| !earlier.contains_key(&(supervised_shift, *day))).collect();
        if !same_day.is_empty() {
            let same_day = if same_day.len() == days { Vec::new() } else { same_day };
            for &backup_shift in backups {
                supervision.push(rule(backup_shift, 0, same_day.clone()));
            }
        }
        for ((backup_shift, offset), days) in by_earlier {
            supervision.push(rule(backup_shift, offset, days));
        }
    }

    // Fairness: points and balances in tenths, shares in thousandths, a pool per profession; the
    // model's targets then follow the points the roster hands out, as explain's do.
    let mut fairness = None;
    if rules.weights.fairness_deviation > 0 {
        let shares = explain::fairness_shares(input);
        let pool_has_share = |pool: Profession| {
            input.staff.iter().zip(&shares).any(|(member, share)| member.profession == pool && *share > 0.0)
        };
        let mut points = vec![vec![0_u32; shift_count]; days];
        for (day, date) in dates.iter().enumerate() {
            for (shift, shift_type) in types.iter().enumerate() {
                if !pool_has_share(explain::pool_of(shift_type.role)) {
                    continue;
                }
                let (min, preferred) = cover_of(day, shift);
                let occurrence =
                    ShiftOccurrence::new(shift_type, *date, &rules.fairness_rates, min, preferred)?;
                points[day][shift] = (occurrence.fairness_points.max(0.0) * FAIRNESS_SCALE).round() as u32;
            }
        }
        let pool_number = |pool: Profession| match pool {
            Profession::Doctor => 0,
            Profession::Nurse => 1,
        };
        let pools: Vec<usize> = input.staff.iter().map(|member| pool_number(member.profession)).collect();
        // The targets share at most the points of every shift at its preferred cover.
        let mut caps = vec![0_u64; 2];
        for (day, row) in points.iter().enumerate() {
            for (shift, &shift_points) in row.iter().enumerate() {
                caps[pool_number(explain::pool_of(types[shift].role))] +=
                    u64::from(shift_points) * u64::from(cover[day][shift].preferred);
            }
        }
        // Explain sets a target that its balance would make negative to zero and shares the rest
        // among the others; the model cannot, so those people (as at full cover) count in it as
        // having no share, whose target is zero too.
        let planned: HashMap<Profession, f64> = [Profession::Doctor, Profession::Nurse]
            .into_iter()
            .map(|pool| (pool, caps[pool_number(pool)] as f64 / FAIRNESS_SCALE))
            .collect();
        let (full_cover_targets, _) = explain::targets_sharing(input, &planned, &shares);
        let clamped: Vec<bool> = shares
            .iter()
            .zip(&full_cover_targets)
            .map(|(share, target)| *share > 0.0 && *target <= 0.0)
            .collect();
        for (person, (employee, member)) in employees.iter_mut().zip(&input.staff).enumerate() {
            employee.share_permille =
                if clamped[person] { 0 } else { (shares[person] * 1000.0).round() as u32 };
            // Someone without a share has the target zero whatever their balance, as in explain.
            let usable = employee.share_permille > 0 && member.fairness_balance.is_finite();
            employee.fairness_balance =
                if usable { (member.fairness_balance * FAIRNESS_SCALE).round() as i64 } else { 0 };
        }
        fairness = Some(FairnessRule {
            points,
            weight: rules.weights.fairness_deviation,
            divisor: (FAIRNESS_SCALE * FAIRNESS_SCALE) as u32,
            pools,
            caps,
        });
    }

    let reaches: Vec<u8> = (0..shift_count)
        .map(|shift| {
            let (reach, over) = following_days_held(&dates, &slots, shift);
            if over {
                notes.push(format!(
                    "shift type {} reaches a weekend from some dates only; the model counts it from all",
                    types[shift].code
                ));
            }
            reach
        })
        .collect();
    let shift_types: Vec<ModelShiftType> = types
        .iter()
        .enumerate()
        .map(|(shift, shift_type)| ModelShiftType {
            code: shift_type.code.clone(),
            length_minutes: MODEL_MINUTES_PER_SHIFT,
            required_skill: Some(skill_for(shift_type.role)),
            following_days_held: reaches[shift],
        })
        .collect();

    let hard_weight = hard_as_soft_weight(input, &requests, fairness.as_ref(), &employees);
    for line in cover.iter_mut().flatten() {
        line.weight_under_min = hard_weight;
    }
    for rule in &mut supervision {
        rule.weight = hard_weight;
    }

    let spec = ModelSpec {
        days,
        first_weekday: weekday_of(first_date),
        shift_types,
        forbidden_successions,
        employees,
        requests,
        cover,
        supervision,
        fairness,
    };
    let model = Model::new(spec).map_err(|error| PlanError::Model(error.to_string()))?;
    Ok(CompiledPlan {
        model,
        dates,
        shift_codes: types.iter().map(|shift_type| shift_type.code.clone()).collect(),
        staff_ids: input.staff.iter().map(|member| member.id).collect(),
        request_origins,
        frozen,
        notes,
    })
}

fn weekday_of(date: NaiveDate) -> Weekday {
    match date.weekday() {
        chrono::Weekday::Mon => Weekday::Monday,
        chrono::Weekday::Tue => Weekday::Tuesday,
        chrono::Weekday::Wed => Weekday::Wednesday,
        chrono::Weekday::Thu => Weekday::Thursday,
        chrono::Weekday::Fri => Weekday::Friday,
        chrono::Weekday::Sat => Weekday::Saturday,
        chrono::Weekday::Sun => Weekday::Sunday,
    }
}

/// Whether working `first` then `second` breaks rest, overlap or a forbidden category succession.
fn pair_breaks_rules(
    input: &PlanInput,
    first_type: usize,
    first: Slot,
    second_type: usize,
    second: Slot,
) -> bool {
    pair_clash(
        &input.rules,
        &input.shift_types[first_type],
        (first.start, first.end),
        &input.shift_types[second_type],
        (second.start, second.end),
    )
    .is_some()
}

/// Forbidden successions with day offsets, from the real times of every date of the plan.
fn compile_successions(
    input: &PlanInput,
    slots: &[Vec<Slot>],
    notes: &mut Vec<String>,
) -> Vec<ForbiddenSuccession> {
    let days = slots.len();
    let shift_count = input.shift_types.len();
    let mut successions = Vec::new();
    let mut date_dependent = 0_usize;
    for first in 0..shift_count {
        let shift_type = &input.shift_types[first];
        // The furthest a rule can reach: the shift itself, an hour of daylight saving, and the
        // longer of its rest and the forbidden-succession window.
        let reach_minutes = i64::from(shift_type.length_minutes)
            + 60
            + shift_type.min_rest_minutes(&input.rules).max(FORBIDDEN_SUCCESSION_WINDOW_MINUTES);
        let max_offset =
            usize::try_from(reach_minutes / (24 * 60) + 1).unwrap_or(1).min(days.saturating_sub(1));
        for offset in 1..=max_offset {
            let mut forbidden_then = Vec::new();
            for then in 0..shift_count {
                let mut any = false;
                let mut all = true;
                for day in 0..days - offset {
                    let breaks =
                        pair_breaks_rules(input, first, slots[day][first], then, slots[day + offset][then]);
                    any |= breaks;
                    all &= breaks;
                }
                if any {
                    forbidden_then.push(then);
                    if !all {
                        date_dependent += 1;
                    }
                }
            }
            if forbidden_then.len() == shift_count {
                successions.push(ForbiddenSuccession { first, then: None, day_offset: offset as u32 });
            } else {
                successions.extend(forbidden_then.into_iter().map(|then| ForbiddenSuccession {
                    first,
                    then: Some(then),
                    day_offset: offset as u32,
                }));
            }
        }
    }
    if date_dependent > 0 {
        notes.push(format!(
            "{date_dependent} shift successions break the rest or succession rules only on some dates (daylight saving) and are forbidden on every date in the model"
        ));
    }
    successions
}

/// For each DOCTOR shift type: `Some(backup types)` whose same-day occurrences together cover it,
/// or `None` when the same day's BAKVAKT types cannot cover it.
fn plan_supervision(
    input: &PlanInput,
    dates: &[NaiveDate],
    cover_of: &dyn Fn(usize, usize) -> (u32, u32),
    notes: &mut Vec<String>,
) -> HashMap<usize, Option<Vec<usize>>> {
    let types = &input.shift_types;
    let wall = |shift: usize| {
        let start = i64::from(types[shift].start_time.hour() * 60 + types[shift].start_time.minute());
        (start, start + i64::from(types[shift].length_minutes))
    };
    let backups: Vec<usize> =
        (0..types.len()).filter(|&shift| types[shift].role == ShiftRole::Bakvakt).collect();
    let preferred_total =
        |shift: usize| -> u64 { (0..dates.len()).map(|day| u64::from(cover_of(day, shift).1)).sum() };
    let mut plan = HashMap::new();
    for supervised in (0..types.len()).filter(|&shift| types[shift].role == ShiftRole::Doctor) {
        let (start, end) = wall(supervised);
        let single = backups
            .iter()
            .copied()
            .filter(|&backup| {
                let (backup_start, backup_end) = wall(backup);
                backup_start <= start && end <= backup_end
            })
            .max_by_key(|&backup| (preferred_total(backup), std::cmp::Reverse(backup)));
        if let Some(backup) = single {
            plan.insert(supervised, Some(vec![backup]));
            continue;
        }
        // Greedy interval cover from the start of the doctor shift.
        let mut chosen = Vec::new();
        let mut reached = start;
        while reached < end {
            let next = backups
                .iter()
                .copied()
                .filter(|backup| !chosen.contains(backup))
                .filter(|&backup| {
                    let (backup_start, backup_end) = wall(backup);
                    backup_start <= reached && backup_end > reached
                })
                .max_by_key(|&backup| wall(backup).1);
            match next {
                Some(backup) => {
                    reached = wall(backup).1;
                    chosen.push(backup);
                }
                None => break,
            }
        }
        if reached >= end {
            plan.insert(supervised, Some(chosen));
        } else {
            if input.staff.iter().any(|member| {
                member.profession == Profession::Doctor
                    && !member.may_work_alone(&input.competence_rule, input.first_date)
            }) {
                notes.push(format!(
                    "no same-day bakvakt shift covers {}: doctors who may not work alone are kept off it in the model",
                    types[supervised].code
                ));
            }
            plan.insert(supervised, None);
        }
    }
    plan
}

/// How many days before a doctor shift a bakvakt may start and still back it in the model.
const MAX_BACKUP_DAY_OFFSET: usize = 3;

/// Doctor shifts on days where none of their same-day bakvakt types has preferred cover, but a
/// bakvakt with preferred cover that started up to [`MAX_BACKUP_DAY_OFFSET`] days earlier holds
/// their whole time (a weekend block from Friday 15:30 for a Sunday day shift): (doctor shift
/// type, day) → (bakvakt type, days earlier). The model then requires that bakvakt rather than a
/// second one on the doctor's own day. The times compared are the real ones, as explain compares
/// them.
fn earlier_backups(
    input: &PlanInput,
    slots: &[Vec<Slot>],
    cover_of: &dyn Fn(usize, usize) -> (u32, u32),
    plan: &HashMap<usize, Option<Vec<usize>>>,
) -> HashMap<(usize, usize), (usize, usize)> {
    let days = slots.len();
    let types = &input.shift_types;
    let bakvakt: Vec<usize> =
        (0..types.len()).filter(|&shift| types[shift].role == ShiftRole::Bakvakt).collect();
    let mut chosen = HashMap::new();
    for (&supervised, backups) in plan {
        let Some(backups) = backups else { continue };
        for day in 0..days {
            let doctor = slots[day][supervised];
            if backups.iter().any(|&backup| cover_of(day, backup).1 > 0) {
                continue;
            }
            let best = (1..=MAX_BACKUP_DAY_OFFSET.min(day))
                .flat_map(|offset| bakvakt.iter().map(move |&backup| (backup, offset)))
                .filter(|&(backup, offset)| {
                    let held = slots[day - offset][backup];
                    cover_of(day - offset, backup).1 > 0
                        && held.start <= doctor.start
                        && doctor.end <= held.end
                })
                .max_by_key(|&(backup, offset)| {
                    (cover_of(day - offset, backup).1, std::cmp::Reverse(offset))
                });
            if let Some(backup) = best {
                chosen.insert((supervised, day), backup);
            }
        }
    }
    chosen
}

/// Cells that re-planning freezes: on a day whose every shift starts before the freeze instant,
/// every employee's cell; on the day of the freeze instant, the cells of the published holders of
/// the shifts that started before it.
fn frozen_cells(
    input: &PlanInput,
    dates: &[NaiveDate],
    slots: &[Vec<Slot>],
) -> Result<Vec<FrozenCell>, PlanError> {
    let Some(replan) = &input.replan else { return Ok(Vec::new()) };
    let mut held: HashMap<(usize, usize), usize> = HashMap::new();
    for assignment in &replan.published {
        let (Some(employee), Some(day), Some(shift)) = (
            input.staff.iter().position(|member| member.id == assignment.staff_id),
            input.day_index(assignment.date),
            input.shift_types.iter().position(|shift_type| shift_type.code == assignment.shift_code),
        ) else {
            continue;
        };
        held.entry((employee, day)).or_insert(shift);
    }
    let mut frozen = Vec::new();
    for (day, _) in dates.iter().enumerate() {
        let whole_day = slots[day].iter().all(|slot| slot.start < replan.freeze_before);
        for employee in 0..input.staff.len() {
            let shift = held.get(&(employee, day)).copied();
            let holds_started = shift.is_some_and(|shift| slots[day][shift].start < replan.freeze_before);
            if whole_day || holds_started {
                frozen.push(FrozenCell { employee, day, shift });
            }
        }
    }
    Ok(frozen)
}

/// Splits a limit among items in proportion to weights (equal parts when every weight is zero),
/// in whole parts that add up to the limit exactly.
fn split_limit(limit: u32, weights: &[u64]) -> Vec<u32> {
    if weights.is_empty() {
        return Vec::new();
    }
    let total: u64 = weights.iter().sum();
    let wanted: Vec<f64> = if total == 0 {
        vec![f64::from(limit) / weights.len() as f64; weights.len()]
    } else {
        weights.iter().map(|&weight| f64::from(limit) * weight as f64 / total as f64).collect()
    };
    apportion(i64::from(limit), &wanted, &vec![true; weights.len()])
        .into_iter()
        .map(|share| share as u32)
        .collect()
}

/// The skill a shift of `role` needs (see the module docs).
fn skill_for(role: ShiftRole) -> SkillIndex {
    match role {
        ShiftRole::Doctor => SKILL_DOCTOR,
        ShiftRole::Bakvakt => SKILL_INDEPENDENT,
        ShiftRole::Nurse => SKILL_NURSE,
    }
}

/// Integers close to `wanted` that add up to `total` exactly: floors, then the difference handed
/// out one by one by largest (or, when taking away, smallest) fractional part, among the
/// eligible positions only (all positions when none is eligible).
pub(crate) fn apportion(total: i64, wanted: &[f64], eligible: &[bool]) -> Vec<i64> {
    let mut values: Vec<i64> =
        wanted.iter().zip(eligible).map(|(value, ok)| if *ok { value.floor() as i64 } else { 0 }).collect();
    let mut order: Vec<usize> = (0..wanted.len()).filter(|&index| eligible[index]).collect();
    if order.is_empty() {
        return values;
    }
    let fraction = |index: usize| wanted[index] - wanted[index].floor();
    let mut difference = total - values.iter().sum::<i64>();
    if difference >= 0 {
        order.sort_by(|&a, &b| fraction(b).total_cmp(&fraction(a)).then(a.cmp(&b)));
        let mut position = 0;
        while difference > 0 {
            values[order[position % order.len()]] += 1;
            difference -= 1;
            position += 1;
        }
    } else {
        order.sort_by(|&a, &b| fraction(a).total_cmp(&fraction(b)).then(a.cmp(&b)));
        let mut position = 0;
        while difference < 0 {
            values[order[position % order.len()]] -= 1;
            difference += 1;
            position += 1;
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One person holds 29 of 30 nights, the other two of the pool none; the 30th night raises
    /// the pool's squared deviations by about 39 nights², far beyond the `3·x²` the weight once
    /// assumed, and within the bound.
    #[test]
    fn the_fairness_bound_holds_for_a_person_far_above_their_target() {
        use allmenn_scheduler::model::FairnessSums;
        let (night, days) = (180_u32, 30_usize);
        let cap = u64::from(night) * days as u64;
        let rule = FairnessRule {
            points: vec![vec![night]; days],
            weight: 1,
            divisor: 100,
            pools: vec![0; 3],
            caps: vec![cap],
        };
        let employees: Vec<Employee> = (0..3).map(|e| Employee::unrestricted(format!("E{e}"), 1)).collect();
        let cost = |nights: i64| {
            let mut sums = FairnessSums::default();
            sums.add(1000, nights * i64::from(night), 0, 1);
            sums.add(1000, 0, 0, 1);
            sums.add(1000, 0, 0, 1);
            sums.cost(1, 100, Some(cap))
        };
        let change = (cost(30) - cost(29)) as u64;
        let x = u64::from(night);
        assert!(change > 3 * x * x / 100, "the old bound is exceeded: {change}");
        assert!(largest_fairness_change(&rule, &employees) >= change);
    }

    #[test]
    fn apportioned_values_add_up_and_stay_close() {
        let values = apportion(10, &[3.4, 3.3, 3.3], &[true, true, true]);
        assert_eq!(values.iter().sum::<i64>(), 10);
        assert_eq!(values, vec![4, 3, 3]);
        let values = apportion(9, &[3.6, 3.6, 3.6], &[true, true, false]);
        assert_eq!(values.iter().sum::<i64>(), 9);
        assert_eq!(values[2], 0);
        assert_eq!(apportion(2, &[1.9, 1.9], &[true, true]), vec![1, 1]);
    }

    #[test]
    fn limits_split_without_exceeding() {
        // The shares add up to the limit: none of it is lost to rounding.
        assert_eq!(split_limit(5, &[10, 10]), vec![3, 2]);
        assert_eq!(split_limit(5, &[30, 10]), vec![4, 1]);
        assert_eq!(split_limit(3, &[28, 28]), vec![2, 1]);
        assert_eq!(split_limit(4, &[0, 0]), vec![2, 2]);
        assert_eq!(split_limit(4, &[7]), vec![4]);
    }
}
