//! The exact evaluation of a set of assignments against a [`PlanInput`], in legevakt terms: the
//! score (hard violations, then the soft objective), every violated constraint with the proto's
//! `ConstraintKind` semantics and a message for people, costs per person and per day, per-person
//! totals and the fairness summary; and validation of manual edits and swaps.
//!
//! Every rule is checked on real instants ([`ShiftOccurrence`]): rest, overlap and forbidden
//! successions between any two of a person's shifts, unavailability spans, bakvakt cover of the
//! whole doctor shift, weekends as any Saturday or Sunday on duty or any shift mostly within the
//! legevakt weekend (Friday 15:30 to Monday 08:00). This is the truth that the
//! roster model of [`crate::compile`] approximates (its module docs list where).
//!
//! The soft terms the model expresses exactly (cover, requests, moves from the published roster)
//! are computed here with the same definitions as the scheduler's evaluator; the tests check that
//! the two agree on rosters the model can hold. They are computed here rather than read from the
//! evaluator because assignments with two shifts starting the same day for one person (which the
//! model cannot hold) must be explained too.
//!
//! # Definitions
//! * Cover: below the minimum is one hard violation per shift; below and above the preferred
//!   count cost the plan's weight per person (below preferred counts the people below the
//!   minimum too, as the model does).
//! * Requests: a request with a code is about that shift; without one, about any shift starting
//!   on the date. Cost: weight × `request_not_granted`.
//! * Fairness: points per person against a target; the targets split the points the roster hands
//!   out to a profession, up to the points of its shifts at preferred cover, among its staff
//!   (doctors share DOCTOR and BAKVAKT shifts, nurses NURSE shifts) by participation share: a
//!   shift nobody works lowers every target, so that fairness never asks for a shift the cover
//!   does not, and a shift beyond the cover raises none, so that it weighs on whoever holds it.
//!   Shares are scaled by the part of the period the person is on the staff, not fully exempt
//!   and not on sick or parental leave for the whole day (a holiday or course only moves duty);
//!   targets are adjusted by the carried balance (the domain's `carry_over_targets`). Cost:
//!   `fairness_deviation × round(deviation²)`.
//!   The balance after the plan is the balance before plus the points earned less the plain fair
//!   share (without the balance adjustment), so that a person who meets an adjusted target ends
//!   with the pool's common balance.
//! * Re-planning: each published assignment missing from the roster costs
//!   `change_from_published`, and each date on which a person works where the published roster
//!   gave them no shift `shift_on_free_day`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use allmenn_domain::fairness::{FairnessAccount, carry_over_targets, fair_targets, updated_balance};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Europe::Oslo;
use uuid::Uuid;

use crate::plan::{
    Assignment, ExemptionReason, FORBIDDEN_SUCCESSION_WINDOW_MINUTES, PairClash, PlanError, PlanInput,
    Profession, RequestKind, ShiftCategory, ShiftOccurrence, ShiftRole, StaffMember, occurrence_id,
    pair_clash,
};

/// A constraint of the roster model (mirrors the proto's `ConstraintKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConstraintKind {
    /// Hard: fewer people on a shift than its minimum.
    CoverBelowMinimum,
    /// Soft: fewer people than preferred.
    CoverBelowPreferred,
    /// Soft: more people than preferred.
    CoverAbovePreferred,
    /// Hard: a doctor who may not work alone is on duty without a qualified bakvakt in the same
    /// time.
    MissingBakvakt,
    /// Hard: the person may not staff the shift's role (profession, or bakvakt without
    /// competence).
    NotQualified,
    /// Hard: the shift overlaps the person's unavailability.
    Unavailable,
    /// Hard: the person is exempt from the shift's category on that date.
    Exempt,
    /// Hard: the person is not on the staff on that date.
    NotOnStaff,
    /// Hard: two of the person's shifts overlap.
    Overlap,
    /// Hard: less rest than required after a shift.
    Rest,
    /// Hard: a forbidden succession (e.g. night then day).
    ForbiddenSuccession,
    /// Hard: more shifts in the period than allowed.
    MaxShifts,
    /// Hard: more consecutive shifts than allowed.
    MaxConsecutiveShifts,
    /// Hard: more weekends than allowed.
    MaxWeekends,
    /// Hard: more night shifts than allowed.
    MaxNightShifts,
    /// Soft: a WANT request not granted.
    RequestWant,
    /// Soft: an AVOID request not granted.
    RequestAvoid,
    /// Soft: a person's points deviate from the fair target.
    Fairness,
    /// Soft: a published assignment moved when re-planning.
    ChangeFromPublished,
}

impl ConstraintKind {
    /// Whether the constraint is a hard rule.
    pub fn is_hard(self) -> bool {
        !matches!(
            self,
            ConstraintKind::CoverBelowPreferred
                | ConstraintKind::CoverAbovePreferred
                | ConstraintKind::RequestWant
                | ConstraintKind::RequestAvoid
                | ConstraintKind::Fairness
                | ConstraintKind::ChangeFromPublished
        )
    }

    /// The value of the proto enum `ConstraintKind`.
    pub fn proto_value(self) -> i32 {
        match self {
            ConstraintKind::CoverBelowMinimum => 1,
            ConstraintKind::CoverBelowPreferred => 2,
            ConstraintKind::CoverAbovePreferred => 3,
            ConstraintKind::MissingBakvakt => 4,
            ConstraintKind::NotQualified => 5,
            ConstraintKind::Unavailable => 6,
            ConstraintKind::Exempt => 7,
            ConstraintKind::NotOnStaff => 8,
            ConstraintKind::Overlap => 9,
            ConstraintKind::Rest => 10,
            ConstraintKind::ForbiddenSuccession => 11,
            ConstraintKind::MaxShifts => 12,
            ConstraintKind::MaxConsecutiveShifts => 13,
            ConstraintKind::MaxWeekends => 14,
            ConstraintKind::MaxNightShifts => 15,
            ConstraintKind::RequestWant => 16,
            ConstraintKind::RequestAvoid => 17,
            ConstraintKind::Fairness => 18,
            ConstraintKind::ChangeFromPublished => 19,
        }
    }
}

/// One violated constraint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Violation {
    /// The constraint.
    pub kind: ConstraintKind,
    /// True for a hard rule.
    pub hard: bool,
    /// The penalty it adds to the objective (0 for hard rules, which are counted instead).
    pub cost: i64,
    /// The person concerned; `None` for cover constraints.
    pub staff_id: Option<Uuid>,
    /// The day concerned; `None` for period-wide constraints (limits, fairness).
    pub date: Option<NaiveDate>,
    /// The shift concerned, if one.
    pub shift_id: Option<String>,
    /// A human-readable explanation, e.g. "7 h rest after N on 2026-03-28, 8 h required".
    pub message: String,
    /// For a hard rule, how far beyond it the roster is: shifts (nights, weekends, days in a run)
    /// over a limit, people below a minimum; 1 for a rule simply broken. 0 for soft constraints,
    /// whose cost says as much. An edit that takes someone further over a limit they were already
    /// over adds to it ([`validate_edits`]).
    pub excess: u32,
}

impl Violation {
    fn hard(
        kind: ConstraintKind,
        staff_id: Option<Uuid>,
        occurrence: Option<&ShiftOccurrence>,
        message: String,
    ) -> Self {
        Violation {
            kind,
            hard: true,
            cost: 0,
            staff_id,
            date: occurrence.map(|occurrence| occurrence.date),
            shift_id: occurrence.map(|occurrence| occurrence.id.clone()),
            message,
            excess: 1,
        }
    }

    /// The violation `excess` beyond its rule (see [`Violation::excess`]).
    fn beyond(self, excess: u32) -> Self {
        Violation { excess, ..self }
    }

    /// The identity of the violation without its cost and message (for "added by an edit").
    fn key(&self) -> (ConstraintKind, Option<Uuid>, Option<NaiveDate>, Option<String>) {
        (self.kind, self.staff_id, self.date, self.shift_id.clone())
    }
}

/// The score of a roster: first hard violations, then the soft objective; lower is better (the
/// derived order is lexicographic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Score {
    /// Hard-rule violations (0 for a feasible roster).
    pub hard_violations: u32,
    /// Weighted sum of soft penalties.
    pub objective: i64,
}

/// The penalties of one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StaffCost {
    /// The staff member.
    pub staff_id: Uuid,
    /// Hard violations involving the person.
    pub hard_violations: u32,
    /// Soft penalty attributed to the person.
    pub cost: i64,
}

/// The penalties of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DayCost {
    /// The date.
    pub date: NaiveDate,
    /// Hard violations on the day.
    pub hard_violations: u32,
    /// Soft penalty attributed to the day.
    pub cost: i64,
}

/// One person's totals.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffTotals {
    /// The staff member.
    pub staff_id: Uuid,
    /// Shifts.
    pub shifts: u32,
    /// Night shifts (category night).
    pub night_shifts: u32,
    /// Weekends worked (a Saturday or Sunday on duty).
    pub weekends: u32,
    /// Shifts starting on a public holiday or of the holiday category.
    pub holiday_shifts: u32,
    /// Bakvakt shifts.
    pub bakvakt_shifts: u32,
    /// Real minutes on duty.
    pub duty_minutes: i64,
    /// Fairness points earned in this plan.
    pub fairness_points: f64,
    /// The fair share of this plan's points adjusted by the balance carried in.
    pub target_points: f64,
    /// The fair share of this plan's points without the balance adjustment.
    pub fair_share_points: f64,
    /// Running balance before this plan.
    pub balance_before: f64,
    /// Running balance once this version is published.
    pub balance_after: f64,
    /// Requests granted.
    pub requests_granted: u32,
    /// Requests not granted.
    pub requests_not_granted: u32,
}

/// How evenly the points are spread.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FairnessSummary {
    /// The largest absolute deviation of a person's points from the target.
    pub max_deviation: f64,
    /// Mean absolute deviation from the target (over staff with a share or with points).
    pub mean_absolute_deviation: f64,
    /// The person furthest above the target, if anyone is above it.
    pub most_over: Option<Uuid>,
    /// The person furthest below the target, if anyone is below it.
    pub most_under: Option<Uuid>,
}

/// The full explanation of a roster.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The score; the costs below add up to its objective.
    pub score: Score,
    /// Every violated constraint: hard ones first, then by cost descending, then by date.
    pub violations: Vec<Violation>,
    /// Costs per person, highest first (every staff member is listed).
    pub staff_costs: Vec<StaffCost>,
    /// Cost not attributed to any person (cover); with `staff_costs` it adds up to the objective.
    pub cost_without_staff: i64,
    /// Costs per day of the period, by date.
    pub day_costs: Vec<DayCost>,
    /// Cost not attributed to any day (fairness); with `day_costs` it adds up to the objective.
    pub cost_without_day: i64,
    /// Totals per staff member, in the order of [`PlanInput::staff`].
    pub totals: Vec<StaffTotals>,
    /// The fairness summary.
    pub fairness: FairnessSummary,
    /// The shift occurrences of the plan and of the roster, by start.
    pub occurrences: Vec<ShiftOccurrence>,
    /// The roster explained, deduplicated and sorted.
    pub assignments: Vec<Assignment>,
}

impl Explanation {
    /// The hard violations.
    pub fn hard_violations(&self) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(|violation| violation.hard)
    }

    /// The violations of one kind.
    pub fn of_kind(&self, kind: ConstraintKind) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(move |violation| violation.kind == kind)
    }

    /// The totals of one person.
    pub fn totals_of(&self, staff_id: Uuid) -> Option<&StaffTotals> {
        self.totals.iter().find(|totals| totals.staff_id == staff_id)
    }
}

/// The exemption that applies to a person on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayExemption {
    /// None.
    None,
    /// Full: no shift at all.
    Full {
        /// Why, in words (e.g. "age 61, exemption from 60").
        reason: String,
    },
    /// Shifts of these categories only.
    Partial {
        /// The categories exempted.
        categories: Vec<ShiftCategory>,
        /// Why, in words.
        reason: String,
    },
}

fn reason_name(reason: ExemptionReason) -> &'static str {
    match reason {
        ExemptionReason::Health => "health",
        ExemptionReason::Pregnancy => "pregnancy",
        ExemptionReason::Social => "social reasons",
        ExemptionReason::Other => "other reasons",
    }
}

/// The combined exemption of `member` on `date`: records that apply, and the age exemption of a
/// doctor at or above the plan's exemption age. Any full exemption wins; partial ones add up.
pub fn exemption_on(input: &PlanInput, member: &StaffMember, date: NaiveDate) -> DayExemption {
    if member.age_exempt(date, input.exemption_age_years) {
        let age = member.birth_date.map_or(0, |birth| allmenn_domain::calendar::age_on(birth, date));
        return DayExemption::Full {
            reason: format!("age {age}, exemption from {}", input.exemption_age_years),
        };
    }
    let mut categories = BTreeSet::new();
    let mut reasons = BTreeSet::new();
    for record in member.exemptions.iter().filter(|record| record.applies_on(date)) {
        if record.categories.is_empty() {
            return DayExemption::Full { reason: reason_name(record.reason).to_owned() };
        }
        categories.extend(record.categories.iter().copied());
        reasons.insert(reason_name(record.reason));
    }
    if categories.is_empty() {
        return DayExemption::None;
    }
    DayExemption::Partial {
        categories: categories.into_iter().collect(),
        reason: reasons.into_iter().collect::<Vec<_>>().join(", "),
    }
}

/// The combined exemption of `member` over `dates`, the dates a shift holds (from its start date
/// to the date it ends): a full exemption on any of them wins, partial ones add up. A weekend
/// block from Friday is exempt when the exemption begins on the Saturday.
pub fn exemption_while(input: &PlanInput, member: &StaffMember, dates: &[NaiveDate]) -> DayExemption {
    let mut categories = BTreeSet::new();
    let mut reasons = BTreeSet::new();
    for (index, &date) in dates.iter().enumerate() {
        match exemption_on(input, member, date) {
            DayExemption::None => {}
            DayExemption::Full { reason } if index == 0 => return DayExemption::Full { reason },
            DayExemption::Full { reason } => {
                return DayExemption::Full { reason: format!("{reason}, on {date}") };
            }
            DayExemption::Partial { categories: on_date, reason } => {
                categories.extend(on_date);
                reasons.insert(reason);
            }
        }
    }
    if categories.is_empty() {
        return DayExemption::None;
    }
    DayExemption::Partial {
        categories: categories.into_iter().collect(),
        reason: reasons.into_iter().collect::<Vec<_>>().join(", "),
    }
}

/// Hours of the evening every legevakt evening shift holds (research.md §3.5: evenings run from
/// 15:30 or 16 to 22 or 23): a shift holding any of them is an evening shift for exemptions.
const EVENING_CORE: (u32, u32) = (18, 22);

/// The categories a shift of `category` from `start` to `end` counts as for exemptions, by the
/// clock rather than by its start date: its own; night when it holds any time between midnight and
/// 06:00, so that "no nights" also keeps a person off an overnight weekend block or a 24-hour
/// bakvakt; evening when it holds any time between 18:00 and 22:00, so that "no evenings" (care
/// duties) does too, while a day shift to 16:00 and a night from 23:00 are not evenings; weekend when at least half of it lies in a weekend (Friday 15:30 to Monday 08:00, as
/// for fairness points), so a Friday evening is a weekend shift and a Friday day shift is not;
/// holiday when at least half of it lies on a public holiday, so a night from Christmas Eve is a
/// holiday shift and one from 2. juledag is not.
pub fn categories_of(
    category: ShiftCategory,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<ShiftCategory> {
    let mut categories = vec![category];
    let mut add = |more: ShiftCategory| {
        if !categories.contains(&more) {
            categories.push(more);
        }
    };
    // Whether the shift holds any time between `from_hour` and `to_hour` on one of its dates.
    let holds_hours = |from_hour: u32, to_hour: u32| {
        let first = allmenn_domain::calendar::oslo_date_of(start);
        let last = allmenn_domain::calendar::oslo_date_of(end);
        first.iter_days().take_while(|date| *date <= last).any(|date| {
            let at = |hour| {
                NaiveTime::from_hms_opt(hour, 0, 0)
                    .and_then(|time| allmenn_domain::shift_time::oslo_instant(date.and_time(time)))
            };
            at(from_hour).zip(at(to_hour)).is_some_and(|(from, to)| from < end && start < to)
        })
    };
    if holds_hours(0, 6) {
        add(ShiftCategory::Night);
    }
    if holds_hours(EVENING_CORE.0, EVENING_CORE.1) {
        add(ShiftCategory::Evening);
    }
    if legevakt_weekend_of(start, end).is_some() {
        add(ShiftCategory::Weekend);
    }
    let holiday_seconds: i64 = crate::plan::rate_periods(start, end)
        .into_iter()
        .filter(|&(_, _, _, holiday)| holiday)
        .map(|(from, to, _, _)| (to.min(end) - from.max(start)).num_seconds().max(0))
        .sum();
    let length = (end - start).num_seconds();
    if length > 0 && 2 * holiday_seconds >= length {
        add(ShiftCategory::Holiday);
    }
    categories
}

/// The legevakt weekend (by its Saturday) a shift from `start` to `end` belongs to: the weekend
/// from Friday 15:30 to Monday 08:00 (research.md §3.5) in which at least half of it lies. A
/// Friday evening belongs to the weekend after it; a Friday day shift to none.
pub fn legevakt_weekend_of(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<NaiveDate> {
    let length = (end - start).num_seconds();
    let weekend_seconds: i64 = crate::plan::rate_periods(start, end)
        .into_iter()
        .filter(|&(_, _, weekend, _)| weekend)
        .map(|(from, to, _, _)| (to.min(end) - from.max(start)).num_seconds().max(0))
        .sum();
    if length <= 0 || 2 * weekend_seconds < length {
        return None;
    }
    // At least half of the shift lies in one weekend, so its middle does.
    let middle = allmenn_domain::calendar::oslo_date_of(start + (end - start) / 2);
    let back = match middle.weekday() {
        Weekday::Fri => -1,
        Weekday::Sat => 0,
        Weekday::Sun => 1,
        Weekday::Mon => 2,
        _ => return None,
    };
    middle.checked_sub_signed(chrono::TimeDelta::days(back))
}

/// Whether `member` on a DOCTOR shift starting on `date` needs a bakvakt (a doctor who may not
/// work alone on that date).
pub fn needs_bakvakt(input: &PlanInput, member: &StaffMember, date: NaiveDate) -> bool {
    member.profession == Profession::Doctor && !member.may_work_alone(&input.competence_rule, date)
}

/// Each staff member's fairness share: participation (0–1) × the part of the period on the staff,
/// not fully exempt and not on a leave that releases them from duty (sick or parental leave, for
/// whole days).
pub fn fairness_shares(input: &PlanInput) -> Vec<f64> {
    let dates = input.dates();
    input
        .staff
        .iter()
        .map(|member| {
            if dates.is_empty() {
                return 0.0;
            }
            let available = dates
                .iter()
                .filter(|date| {
                    member.on_staff(**date)
                        && !matches!(exemption_on(input, member, **date), DayExemption::Full { .. })
                        && !member
                            .unavailability
                            .iter()
                            .any(|span| span.reason.releases_duty() && span.covers_day(**date))
                })
                .count();
            f64::from(member.participation_percentage.min(100)) / 100.0 * available as f64
                / dates.len() as f64
        })
        .collect()
}

/// The profession whose pool a shift's points belong to.
pub fn pool_of(role: ShiftRole) -> Profession {
    match role {
        ShiftRole::Doctor | ShiftRole::Bakvakt => Profession::Doctor,
        ShiftRole::Nurse => Profession::Nurse,
    }
}

/// The points of every shift at its preferred cover, per profession pool: the most the pool's
/// targets share.
pub fn planned_points(occurrences: &[ShiftOccurrence]) -> HashMap<Profession, f64> {
    let mut totals = HashMap::new();
    for occurrence in occurrences {
        *totals.entry(pool_of(occurrence.role)).or_insert(0.0) +=
            occurrence.fairness_points * f64::from(occurrence.preferred);
    }
    totals
}

/// Targets adjusted by the carried balances, and plain fair shares, of every staff member: each
/// profession's pool shares the points its members earn in `points`, up to its `planned` points
/// (see the module docs).
fn targets_from(
    input: &PlanInput,
    points: &[f64],
    planned: &HashMap<Profession, f64>,
    shares: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let mut shared = HashMap::new();
    for pool in [Profession::Doctor, Profession::Nurse] {
        let earned: f64 = (0..input.staff.len())
            .filter(|&index| input.staff[index].profession == pool)
            .map(|index| points[index])
            .sum();
        shared.insert(pool, earned.min(planned.get(&pool).copied().unwrap_or(0.0)));
    }
    targets_sharing(input, &shared, shares)
}

/// Targets adjusted by the carried balances (the domain's `carry_over_targets`), and plain fair
/// shares, of every staff member when each profession's pool shares `shared` points among its
/// members by `shares`.
pub fn targets_sharing(
    input: &PlanInput,
    shared: &HashMap<Profession, f64>,
    shares: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let mut targets = vec![0.0; input.staff.len()];
    let mut plain = vec![0.0; input.staff.len()];
    for pool in [Profession::Doctor, Profession::Nurse] {
        let members: Vec<usize> =
            (0..input.staff.len()).filter(|&index| input.staff[index].profession == pool).collect();
        let total = shared.get(&pool).copied().unwrap_or(0.0);
        let accounts: Vec<FairnessAccount> = members
            .iter()
            .map(|&index| FairnessAccount {
                share: shares[index],
                balance: input.staff[index].fairness_balance,
            })
            .collect();
        let pool_shares: Vec<f64> = members.iter().map(|&index| shares[index]).collect();
        for ((&index, target), share) in
            members.iter().zip(carry_over_targets(total, &accounts)).zip(fair_targets(total, &pool_shares))
        {
            targets[index] = target;
            plain[index] = share;
        }
    }
    (targets, plain)
}

/// "7 h", "7 h 30 min", "−1 h".
fn hours(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let minutes = minutes.abs();
    if minutes % 60 == 0 {
        format!("{sign}{} h", minutes / 60)
    } else if minutes < 60 {
        format!("{sign}{} min", minutes)
    } else {
        format!("{sign}{} h {} min", minutes / 60, minutes % 60)
    }
}

fn local_clock(instant: chrono::DateTime<chrono::Utc>) -> String {
    instant.with_timezone(&Oslo).format("%H:%M").to_string()
}

/// The Saturday of the weekend a date belongs to, for Saturdays and Sundays.
fn weekend_key(date: NaiveDate) -> Option<NaiveDate> {
    match date.weekday() {
        Weekday::Sat => Some(date),
        Weekday::Sun => date.pred_opt(),
        _ => None,
    }
}

/// Explains the input's own roster ([`PlanInput::assignments`]).
pub fn explain_plan(input: &PlanInput) -> Result<Explanation, PlanError> {
    explain(input, &input.assignments)
}

/// Explains `assignments` against the plan. Fails on assignments to unknown people, shift codes
/// or dates outside the period, and on shift times that cannot be resolved.
pub fn explain(input: &PlanInput, assignments: &[Assignment]) -> Result<Explanation, PlanError> {
    // Deduplicate (a person is on a shift at most once) and check references.
    let mut roster: Vec<Assignment> = Vec::with_capacity(assignments.len());
    let mut seen = HashSet::new();
    for assignment in assignments {
        if input.staff_member(assignment.staff_id).is_none() {
            return Err(PlanError::UnknownStaffMember(assignment.staff_id));
        }
        if input.shift_type(&assignment.shift_code).is_none() || !input.contains(assignment.date) {
            return Err(PlanError::UnknownShift(assignment.shift_id()));
        }
        if seen.insert((assignment.date, assignment.shift_code.clone(), assignment.staff_id)) {
            roster.push(assignment.clone());
        } else if assignment.pinned
            && let Some(existing) = roster.iter_mut().find(|existing| existing.same_slot(assignment))
        {
            existing.pinned = true;
        }
    }
    roster.sort();

    // Occurrences: the plan's (cover and published roster) and the roster's.
    let occurrences: BTreeMap<String, ShiftOccurrence> = input
        .occurrences_with(&roster)?
        .into_iter()
        .map(|occurrence| (occurrence.id.clone(), occurrence))
        .collect();

    let weights = &input.rules.weights;
    let mut violations: Vec<Violation> = Vec::new();
    let staff_index: HashMap<Uuid, usize> =
        input.staff.iter().enumerate().map(|(index, member)| (member.id, index)).collect();

    // Per person: their occurrences, by start.
    let mut by_person: Vec<Vec<&ShiftOccurrence>> = vec![Vec::new(); input.staff.len()];
    let mut on_shift: HashMap<&str, Vec<usize>> = HashMap::new();
    for assignment in &roster {
        let person = staff_index[&assignment.staff_id];
        let occurrence = &occurrences[&assignment.shift_id()];
        by_person[person].push(occurrence);
        on_shift.entry(occurrence.id.as_str()).or_default().push(person);
    }
    for shifts in &mut by_person {
        shifts.sort_by(|a, b| (a.start, &a.code).cmp(&(b.start, &b.code)));
    }

    // Rules about one person on one shift.
    for (person, shifts) in by_person.iter().enumerate() {
        let member = &input.staff[person];
        let id = Some(member.id);
        for occurrence in shifts {
            let shift_type = input.shift_type(&occurrence.code).expect("occurrences have known codes");
            // Every date the shift holds counts: a weekend block from Friday is off the staff
            // when the person's period ends on that Friday.
            let held = occurrence.local_dates();
            if let Some(off) = held.iter().find(|date| !member.on_staff(**date)) {
                violations.push(Violation::hard(
                    ConstraintKind::NotOnStaff,
                    id,
                    Some(occurrence),
                    format!("not on the staff on {off}"),
                ));
            }
            let qualified = match occurrence.role {
                ShiftRole::Doctor => member.profession == Profession::Doctor,
                ShiftRole::Nurse => member.profession == Profession::Nurse,
                ShiftRole::Bakvakt => member.may_work_alone(&input.competence_rule, occurrence.date),
            };
            if !qualified {
                let why = match (occurrence.role, member.profession) {
                    (ShiftRole::Bakvakt, Profession::Doctor) => {
                        "may not work alone, so cannot be bakvakt".to_owned()
                    }
                    (role, profession) => format!(
                        "a {} cannot staff a {} shift",
                        match profession {
                            Profession::Doctor => "doctor",
                            Profession::Nurse => "nurse",
                        },
                        role.name()
                    ),
                };
                violations.push(Violation::hard(
                    ConstraintKind::NotQualified,
                    id,
                    Some(occurrence),
                    format!("{why}: {} on {}", occurrence.code, occurrence.date),
                ));
            }
            match exemption_while(input, member, &held) {
                DayExemption::None => {}
                DayExemption::Full { reason } => violations.push(Violation::hard(
                    ConstraintKind::Exempt,
                    id,
                    Some(occurrence),
                    format!("exempt from legevakt on {} ({reason}): {}", occurrence.date, occurrence.code),
                )),
                DayExemption::Partial { categories, reason } => {
                    if let Some(category) =
                        categories_of(shift_type.category, occurrence.start, occurrence.end)
                            .into_iter()
                            .find(|category| categories.contains(category))
                    {
                        violations.push(Violation::hard(
                            ConstraintKind::Exempt,
                            id,
                            Some(occurrence),
                            format!(
                                "exempt from {} shifts on {} ({reason}): {}",
                                category.name(),
                                occurrence.date,
                                occurrence.code
                            ),
                        ));
                    }
                }
            }
            if let Some(span) =
                member.unavailability.iter().find(|span| span.overlaps(occurrence.start, occurrence.end))
            {
                violations.push(Violation::hard(
                    ConstraintKind::Unavailable,
                    id,
                    Some(occurrence),
                    format!(
                        "unavailable {} – {}, overlapping {} on {}",
                        span.start.with_timezone(&Oslo).format("%Y-%m-%d %H:%M"),
                        span.end.with_timezone(&Oslo).format("%Y-%m-%d %H:%M"),
                        occurrence.code,
                        occurrence.date
                    ),
                ));
            }
            // Shifts held in other published plans keep the same pair rules with this plan's.
            let occurrence_type = input.shift_type(&occurrence.code).expect("occurrences have known codes");
            for held in &member.held_elsewhere {
                let Some((clash, held_first)) =
                    held.clash(&input.rules, occurrence_type, (occurrence.start, occurrence.end))
                else {
                    continue;
                };
                let (kind, message) = match clash {
                    PairClash::Overlap { minutes } => (
                        ConstraintKind::Overlap,
                        format!(
                            "{} on {} overlaps {} by {}",
                            occurrence.code,
                            occurrence.date,
                            held.label,
                            hours(minutes)
                        ),
                    ),
                    PairClash::Rest { gap, required } if held_first => (
                        ConstraintKind::Rest,
                        format!("{} rest after {}, {} required", hours(gap), held.label, hours(required)),
                    ),
                    PairClash::Rest { gap, required } => (
                        ConstraintKind::Rest,
                        format!(
                            "{} rest after {} on {} before {}, {} required",
                            hours(gap),
                            occurrence.code,
                            occurrence.date,
                            held.label,
                            hours(required)
                        ),
                    ),
                    PairClash::ForbiddenSuccession { gap } => (
                        ConstraintKind::ForbiddenSuccession,
                        if held_first {
                            format!(
                                "{} on {} starts {} after {} ends: forbidden within 24 h",
                                occurrence.code,
                                occurrence.date,
                                hours(gap),
                                held.label
                            )
                        } else {
                            format!(
                                "{} starts {} after {} on {} ends: forbidden within 24 h",
                                held.label,
                                hours(gap),
                                occurrence.code,
                                occurrence.date
                            )
                        },
                    ),
                };
                violations.push(Violation::hard(kind, id, Some(occurrence), message));
            }
        }

        // Pairs of shifts: overlap, rest, forbidden successions.
        for (position, first) in shifts.iter().enumerate() {
            let first_type = input.shift_type(&first.code).expect("occurrences have known codes");
            let reach = first_type.min_rest_minutes(&input.rules).max(FORBIDDEN_SUCCESSION_WINDOW_MINUTES);
            for second in &shifts[position + 1..] {
                if (second.start - first.end).num_minutes() >= reach {
                    break;
                }
                let second_type = input.shift_type(&second.code).expect("occurrences have known codes");
                let clash = pair_clash(
                    &input.rules,
                    first_type,
                    (first.start, first.end),
                    second_type,
                    (second.start, second.end),
                );
                let (kind, message) = match clash {
                    None => continue,
                    Some(PairClash::Overlap { minutes }) => (
                        ConstraintKind::Overlap,
                        format!(
                            "{} on {} overlaps {} on {} by {}",
                            second.code,
                            second.date,
                            first.code,
                            first.date,
                            hours(minutes)
                        ),
                    ),
                    Some(PairClash::Rest { gap, required }) => (
                        ConstraintKind::Rest,
                        format!(
                            "{} rest after {} on {}, {} required",
                            hours(gap),
                            first.code,
                            first.date,
                            hours(required)
                        ),
                    ),
                    Some(PairClash::ForbiddenSuccession { gap }) => (
                        ConstraintKind::ForbiddenSuccession,
                        format!(
                            "{} on {} starts {} after {} on {} ends: {} → {} is forbidden within 24 h",
                            second.code,
                            second.date,
                            hours(gap),
                            first.code,
                            first.date,
                            first.category.name(),
                            second.category.name()
                        ),
                    ),
                };
                violations.push(Violation::hard(kind, id, Some(second), message));
            }
        }

        // Limits over the period.
        let limits = input.rules.default_limits.overridden_by(&member.limits);
        let count = shifts.len() as u32;
        if let Some(max) = limits.max_shifts_per_period
            && count > max
        {
            violations.push(
                Violation::hard(
                    ConstraintKind::MaxShifts,
                    id,
                    None,
                    format!("{count} shifts in the period, at most {max}"),
                )
                .beyond(count - max),
            );
        }
        let nights = shifts.iter().filter(|shift| shift.category == ShiftCategory::Night).count() as u32;
        if let Some(max) = limits.max_night_shifts_per_period
            && nights > max
        {
            violations.push(
                Violation::hard(
                    ConstraintKind::MaxNightShifts,
                    id,
                    None,
                    format!("{nights} night shifts in the period, at most {max}"),
                )
                .beyond(nights - max),
            );
        }
        let weekends = weekends_worked(shifts);
        if let Some(max) = limits.max_weekends_per_period
            && weekends.len() as u32 > max
        {
            violations.push(
                Violation::hard(
                    ConstraintKind::MaxWeekends,
                    id,
                    None,
                    format!(
                        "{} weekends on duty in the period (from {}), at most {max}",
                        weekends.len(),
                        weekends.iter().map(NaiveDate::to_string).collect::<Vec<_>>().join(", ")
                    ),
                )
                .beyond(weekends.len() as u32 - max),
            );
        }
        if let Some(max) = limits.max_consecutive_shifts {
            for (first_date, run) in consecutive_runs(shifts) {
                if run > max {
                    violations.push(Violation {
                        kind: ConstraintKind::MaxConsecutiveShifts,
                        hard: true,
                        excess: run - max,
                        cost: 0,
                        staff_id: id,
                        date: Some(first_date),
                        shift_id: None,
                        message: format!("{run} shifts on consecutive days from {first_date}, at most {max}"),
                    });
                }
            }
        }
    }

    // Bakvakt: a doctor shift of a doctor who may not work alone must be covered, for its whole
    // time, by BAKVAKT shifts of doctors who may.
    for (person, shifts) in by_person.iter().enumerate() {
        let member = &input.staff[person];
        for occurrence in shifts.iter().filter(|occurrence| occurrence.role == ShiftRole::Doctor) {
            if !needs_bakvakt(input, member, occurrence.date) {
                continue;
            }
            let mut backups: Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> = Vec::new();
            for (other, other_shifts) in by_person.iter().enumerate() {
                if other == person {
                    continue;
                }
                let other_member = &input.staff[other];
                for backup in other_shifts.iter().filter(|backup| backup.role == ShiftRole::Bakvakt) {
                    if backup.overlaps(occurrence)
                        && other_member.may_work_alone(&input.competence_rule, backup.date)
                    {
                        backups.push((backup.start, backup.end));
                    }
                }
            }
            backups.sort();
            let mut reached = occurrence.start;
            for (start, end) in backups {
                if start <= reached && end > reached {
                    reached = end;
                }
            }
            if reached < occurrence.end {
                let message = if reached == occurrence.start {
                    format!(
                        "no qualified bakvakt for {} on {} ({}–{})",
                        occurrence.code,
                        occurrence.date,
                        local_clock(occurrence.start),
                        local_clock(occurrence.end)
                    )
                } else {
                    format!(
                        "no qualified bakvakt for {} on {} from {}",
                        occurrence.code,
                        occurrence.date,
                        local_clock(reached)
                    )
                };
                violations.push(Violation::hard(
                    ConstraintKind::MissingBakvakt,
                    Some(member.id),
                    Some(occurrence),
                    message,
                ));
            }
        }
    }

    // Cover.
    for occurrence in occurrences.values() {
        let assigned = on_shift.get(occurrence.id.as_str()).map_or(0, Vec::len) as u32;
        if assigned < occurrence.min {
            violations.push(
                Violation::hard(
                    ConstraintKind::CoverBelowMinimum,
                    None,
                    Some(occurrence),
                    format!(
                        "{} of minimum {} on {} on {}",
                        assigned, occurrence.min, occurrence.code, occurrence.date
                    ),
                )
                .beyond(occurrence.min - assigned),
            );
        }
        let below = occurrence.preferred.saturating_sub(assigned);
        let cost = i64::from(below) * i64::from(weights.cover_below_preferred);
        if cost > 0 {
            violations.push(Violation {
                kind: ConstraintKind::CoverBelowPreferred,
                hard: false,
                excess: 0,
                cost,
                staff_id: None,
                date: Some(occurrence.date),
                shift_id: Some(occurrence.id.clone()),
                message: format!(
                    "{} of preferred {} on {} on {}",
                    assigned, occurrence.preferred, occurrence.code, occurrence.date
                ),
            });
        }
        let above = assigned.saturating_sub(occurrence.preferred);
        let cost = i64::from(above) * i64::from(weights.cover_above_preferred);
        if cost > 0 {
            violations.push(Violation {
                kind: ConstraintKind::CoverAbovePreferred,
                hard: false,
                excess: 0,
                cost,
                staff_id: None,
                date: Some(occurrence.date),
                shift_id: Some(occurrence.id.clone()),
                message: format!(
                    "{} on {} on {}, {} preferred",
                    assigned, occurrence.code, occurrence.date, occurrence.preferred
                ),
            });
        }
    }

    // Requests.
    let assigned_slots: HashSet<(Uuid, NaiveDate, &str)> = roster
        .iter()
        .map(|assignment| (assignment.staff_id, assignment.date, assignment.shift_code.as_str()))
        .collect();
    let working_days: HashSet<(Uuid, NaiveDate)> =
        roster.iter().map(|assignment| (assignment.staff_id, assignment.date)).collect();
    let mut granted = vec![0_u32; input.staff.len()];
    let mut not_granted = vec![0_u32; input.staff.len()];
    for request in &input.requests {
        let Some(&person) = staff_index.get(&request.staff_id) else { continue };
        let works = match &request.shift_code {
            Some(code) => assigned_slots.contains(&(request.staff_id, request.date, code.as_str())),
            None => working_days.contains(&(request.staff_id, request.date)),
        };
        let honoured = match request.kind {
            RequestKind::Want => works,
            RequestKind::Avoid => !works,
        };
        if honoured {
            granted[person] += 1;
            continue;
        }
        not_granted[person] += 1;
        let cost = i64::from(request.weight) * i64::from(weights.request_not_granted);
        if cost == 0 {
            continue;
        }
        let what = match &request.shift_code {
            Some(code) => format!("{code} on {}", request.date),
            None => format!("any shift on {}", request.date),
        };
        let (kind, message) = match request.kind {
            RequestKind::Want => (ConstraintKind::RequestWant, format!("wanted {what}, not granted")),
            RequestKind::Avoid => {
                (ConstraintKind::RequestAvoid, format!("asked to avoid {what}, not granted"))
            }
        };
        violations.push(Violation {
            kind,
            hard: false,
            excess: 0,
            cost,
            staff_id: Some(request.staff_id),
            date: Some(request.date),
            shift_id: request.shift_code.as_ref().map(|code| occurrence_id(request.date, code)),
            message: format!("{message} (weight {})", request.weight),
        });
    }

    // Moves from the published roster.
    if let Some(replan) = &input.replan {
        let mut published_seen = HashSet::new();
        for published in &replan.published {
            if !published_seen.insert((published.date, published.shift_code.as_str(), published.staff_id)) {
                continue;
            }
            if assigned_slots.contains(&(published.staff_id, published.date, published.shift_code.as_str())) {
                continue;
            }
            let cost = i64::from(weights.change_from_published);
            if cost == 0 {
                continue;
            }
            violations.push(Violation {
                kind: ConstraintKind::ChangeFromPublished,
                hard: false,
                excess: 0,
                cost,
                staff_id: Some(published.staff_id),
                date: Some(published.date),
                shift_id: Some(published.shift_id()),
                message: format!("published {} on {} moved", published.shift_code, published.date),
            });
        }
        // A shift on a date the person had none in the published roster changes their plans too.
        let published_days: HashSet<(Uuid, NaiveDate)> =
            replan.published.iter().map(|assignment| (assignment.staff_id, assignment.date)).collect();
        let mut added_days = HashSet::new();
        let cost = i64::from(weights.shift_on_free_day);
        for assignment in &roster {
            let day = (assignment.staff_id, assignment.date);
            if cost == 0 || published_days.contains(&day) || !added_days.insert(day) {
                continue;
            }
            violations.push(Violation {
                kind: ConstraintKind::ChangeFromPublished,
                hard: false,
                excess: 0,
                cost,
                staff_id: Some(assignment.staff_id),
                date: Some(assignment.date),
                shift_id: Some(assignment.shift_id()),
                message: format!(
                    "{} on {} added where the published roster had no shift",
                    assignment.shift_code, assignment.date
                ),
            });
        }
    }

    // Fairness.
    let shares = fairness_shares(input);
    // (Adding 0.0 turns the −0.0 of an empty sum into 0.0.)
    let points: Vec<f64> = by_person
        .iter()
        .map(|shifts| shifts.iter().map(|shift| shift.fairness_points).sum::<f64>() + 0.0)
        .collect();
    let all_occurrences: Vec<ShiftOccurrence> = occurrences.values().cloned().collect();
    let (targets, plain_shares) = targets_from(input, &points, &planned_points(&all_occurrences), &shares);
    let mut summary = FairnessSummary::default();
    let mut deviations = Vec::new();
    for (person, member) in input.staff.iter().enumerate() {
        let deviation = points[person] - targets[person];
        if shares[person] > 0.0 || points[person] > 0.0 {
            deviations.push((person, deviation));
        }
        let cost = i64::from(weights.fairness_deviation) * (deviation * deviation).round() as i64;
        if cost > 0 {
            violations.push(Violation {
                kind: ConstraintKind::Fairness,
                hard: false,
                excess: 0,
                cost,
                staff_id: Some(member.id),
                date: None,
                shift_id: None,
                message: format!(
                    "{:.1} points, target {:.1} (deviation {:+.1})",
                    points[person], targets[person], deviation
                ),
            });
        }
    }
    if !deviations.is_empty() {
        summary.max_deviation = deviations.iter().map(|(_, deviation)| deviation.abs()).fold(0.0, f64::max);
        summary.mean_absolute_deviation =
            deviations.iter().map(|(_, deviation)| deviation.abs()).sum::<f64>() / deviations.len() as f64;
        let over =
            deviations.iter().filter(|(_, deviation)| *deviation > 1e-9).max_by(|a, b| a.1.total_cmp(&b.1));
        let under =
            deviations.iter().filter(|(_, deviation)| *deviation < -1e-9).min_by(|a, b| a.1.total_cmp(&b.1));
        summary.most_over = over.map(|(person, _)| input.staff[*person].id);
        summary.most_under = under.map(|(person, _)| input.staff[*person].id);
    }

    // Totals.
    let totals: Vec<StaffTotals> = input
        .staff
        .iter()
        .enumerate()
        .map(|(person, member)| {
            let shifts = &by_person[person];
            StaffTotals {
                staff_id: member.id,
                shifts: shifts.len() as u32,
                night_shifts: shifts.iter().filter(|shift| shift.category == ShiftCategory::Night).count()
                    as u32,
                weekends: weekends_worked(shifts).len() as u32,
                holiday_shifts: shifts
                    .iter()
                    .filter(|shift| shift.public_holiday || shift.category == ShiftCategory::Holiday)
                    .count() as u32,
                bakvakt_shifts: shifts.iter().filter(|shift| shift.role == ShiftRole::Bakvakt).count() as u32,
                duty_minutes: shifts.iter().map(|shift| shift.real_minutes).sum(),
                fairness_points: points[person],
                target_points: targets[person],
                fair_share_points: plain_shares[person],
                balance_before: member.fairness_balance,
                balance_after: updated_balance(member.fairness_balance, points[person], plain_shares[person]),
                requests_granted: granted[person],
                requests_not_granted: not_granted[person],
            }
        })
        .collect();

    // Order, score and attribution.
    violations.sort_by(|a, b| {
        b.hard
            .cmp(&a.hard)
            .then(b.cost.cmp(&a.cost))
            .then(a.date.cmp(&b.date))
            .then(a.kind.cmp(&b.kind))
            .then(a.shift_id.cmp(&b.shift_id))
            .then(a.staff_id.cmp(&b.staff_id))
    });
    let hard_violations = violations.iter().filter(|violation| violation.hard).count() as u32;
    let objective: i64 = violations.iter().map(|violation| violation.cost).sum();
    let mut staff_costs: Vec<StaffCost> = input
        .staff
        .iter()
        .map(|member| StaffCost { staff_id: member.id, hard_violations: 0, cost: 0 })
        .collect();
    let dates = input.dates();
    let mut day_costs: Vec<DayCost> =
        dates.iter().map(|date| DayCost { date: *date, hard_violations: 0, cost: 0 }).collect();
    let mut cost_without_staff = 0;
    let mut cost_without_day = 0;
    for violation in &violations {
        match violation.staff_id.and_then(|id| staff_index.get(&id)) {
            Some(&person) => {
                staff_costs[person].cost += violation.cost;
                staff_costs[person].hard_violations += u32::from(violation.hard);
            }
            None => cost_without_staff += violation.cost,
        }
        match violation.date.and_then(|date| input.day_index(date)) {
            Some(day) => {
                day_costs[day].cost += violation.cost;
                day_costs[day].hard_violations += u32::from(violation.hard);
            }
            None => cost_without_day += violation.cost,
        }
    }
    staff_costs.sort_by(|a, b| b.cost.cmp(&a.cost).then(b.hard_violations.cmp(&a.hard_violations)));

    Ok(Explanation {
        score: Score { hard_violations, objective },
        violations,
        staff_costs,
        cost_without_staff,
        day_costs,
        cost_without_day,
        totals,
        fairness: summary,
        occurrences: all_occurrences_by_start(occurrences),
        assignments: roster,
    })
}

fn all_occurrences_by_start(occurrences: BTreeMap<String, ShiftOccurrence>) -> Vec<ShiftOccurrence> {
    let mut list: Vec<ShiftOccurrence> = occurrences.into_values().collect();
    list.sort_by(|a, b| (a.start, &a.code).cmp(&(b.start, &b.code)));
    list
}

/// The weekends (by their Saturday) the shifts work: those whose Saturday or Sunday a shift holds,
/// and those a shift belongs to by the clock ([`legevakt_weekend_of`]: a Friday evening).
fn weekends_worked(shifts: &[&ShiftOccurrence]) -> BTreeSet<NaiveDate> {
    shifts
        .iter()
        .flat_map(|shift| {
            shift
                .local_dates()
                .into_iter()
                .filter_map(weekend_key)
                .chain(legevakt_weekend_of(shift.start, shift.end))
        })
        .collect()
}

/// Runs of consecutive start dates: (first date, number of shifts in the run).
fn consecutive_runs(shifts: &[&ShiftOccurrence]) -> Vec<(NaiveDate, u32)> {
    let mut per_date: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for shift in shifts {
        *per_date.entry(shift.date).or_insert(0) += 1;
    }
    let mut runs = Vec::new();
    let mut current: Option<(NaiveDate, NaiveDate, u32)> = None;
    for (date, count) in per_date {
        current = match current {
            Some((first, last, total)) if last.succ_opt() == Some(date) => Some((first, date, total + count)),
            Some((first, _, total)) => {
                runs.push((first, total));
                Some((date, date, count))
            }
            None => Some((date, date, count)),
        };
    }
    if let Some((first, _, total)) = current {
        runs.push((first, total));
    }
    runs
}

/// What a manual edit does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EditKind {
    /// Put the person on the shift (pinned).
    Assign,
    /// Take the person off the shift.
    Unassign,
    /// Keep the person on the shift in later solves.
    Pin,
    /// Let later solves move the person.
    Unpin,
}

/// One manual edit of a roster.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    /// What to do.
    pub kind: EditKind,
    /// The shift's date.
    pub date: NaiveDate,
    /// The shift's code.
    pub shift_code: String,
    /// The staff member.
    pub staff_id: Uuid,
}

impl Edit {
    /// An edit of the shift with occurrence id `shift_id` ("2026-03-28.N"); `None` for a malformed
    /// id.
    pub fn on_shift_id(kind: EditKind, shift_id: &str, staff_id: Uuid) -> Option<Edit> {
        let (date, shift_code) = crate::plan::parse_occurrence_id(shift_id)?;
        Some(Edit { kind, date, shift_code, staff_id })
    }

    /// The edit's shift id.
    pub fn shift_id(&self) -> String {
        occurrence_id(self.date, &self.shift_code)
    }
}

/// The edits of a direct swap: `requester` gives up `offered` and takes `requested` from
/// `counterparty`, who takes `offered`.
pub fn direct_swap(
    offered: (NaiveDate, &str),
    requester: Uuid,
    requested: (NaiveDate, &str),
    counterparty: Uuid,
) -> Vec<Edit> {
    let edit = |kind, (date, code): (NaiveDate, &str), staff_id| Edit {
        kind,
        date,
        shift_code: code.to_owned(),
        staff_id,
    };
    vec![
        edit(EditKind::Unassign, offered, requester),
        edit(EditKind::Unassign, requested, counterparty),
        edit(EditKind::Assign, offered, counterparty),
        edit(EditKind::Assign, requested, requester),
    ]
}

/// The edits of a give-away or an open-pool claim: `from` hands `shift` to `to`.
pub fn hand_over(shift: (NaiveDate, &str), from: Uuid, to: Uuid) -> Vec<Edit> {
    let (date, code) = shift;
    vec![
        Edit { kind: EditKind::Unassign, date, shift_code: code.to_owned(), staff_id: from },
        Edit { kind: EditKind::Assign, date, shift_code: code.to_owned(), staff_id: to },
    ]
}

/// The outcome of validating edits.
#[derive(Debug, Clone, PartialEq)]
pub struct EditOutcome {
    /// The roster after the edits.
    pub assignments: Vec<Assignment>,
    /// The score before the edits.
    pub score_before: Score,
    /// The explanation after the edits (its score is the new score).
    pub explanation: Explanation,
    /// Hard violations that are new or involve a shift or person differently than before.
    pub added_hard_violations: Vec<Violation>,
    /// Soft violations that are new or cost more than before.
    pub added_soft_violations: Vec<Violation>,
}

impl EditOutcome {
    /// Whether the edits add no hard violation.
    pub fn is_acceptable(&self) -> bool {
        self.added_hard_violations.is_empty()
    }

    /// Added hard violations that concern any of `people` or no person at all (cover).
    pub fn added_hard_for(&self, people: &[Uuid]) -> Vec<&Violation> {
        self.added_hard_violations
            .iter()
            .filter(|violation| violation.staff_id.is_none_or(|id| people.contains(&id)))
            .collect()
    }
}

/// Applies `edits` to `base` in order (an assignment by hand is pinned) and returns the new roster.
/// Unassigning or unpinning someone not on the shift is an error, as are unknown people, codes or
/// dates.
pub fn apply_edits(
    input: &PlanInput,
    base: &[Assignment],
    edits: &[Edit],
) -> Result<Vec<Assignment>, PlanError> {
    let mut roster: Vec<Assignment> = base.to_vec();
    for edit in edits {
        if input.staff_member(edit.staff_id).is_none() {
            return Err(PlanError::UnknownStaffMember(edit.staff_id));
        }
        if input.shift_type(&edit.shift_code).is_none() || !input.contains(edit.date) {
            return Err(PlanError::UnknownShift(edit.shift_id()));
        }
        let slot = Assignment {
            date: edit.date,
            shift_code: edit.shift_code.clone(),
            staff_id: edit.staff_id,
            pinned: false,
        };
        let position = roster.iter().position(|assignment| assignment.same_slot(&slot));
        let not_assigned = || PlanError::NotAssigned { shift_id: edit.shift_id(), staff_id: edit.staff_id };
        match (edit.kind, position) {
            (EditKind::Assign, Some(index)) => roster[index].pinned = true,
            (EditKind::Assign, None) => roster.push(Assignment { pinned: true, ..slot }),
            (EditKind::Unassign, Some(index)) => {
                roster.remove(index);
            }
            (EditKind::Pin, Some(index)) => roster[index].pinned = true,
            (EditKind::Unpin, Some(index)) => roster[index].pinned = false,
            (EditKind::Unassign | EditKind::Pin | EditKind::Unpin, None) => return Err(not_assigned()),
        }
    }
    roster.sort();
    Ok(roster)
}

/// Validates edits (manual changes or a swap) on `base`: the new roster, its explanation, and the
/// violations the edits add.
pub fn validate_edits(
    input: &PlanInput,
    base: &[Assignment],
    edits: &[Edit],
) -> Result<EditOutcome, PlanError> {
    let before = explain(input, base)?;
    let assignments = apply_edits(input, base, edits)?;
    let after = explain(input, &assignments)?;
    let mut previous: HashMap<_, i64> = HashMap::new();
    let mut previous_excess: HashMap<_, u64> = HashMap::new();
    for violation in &before.violations {
        *previous.entry(violation.key()).or_insert(0) += violation.cost;
        *previous_excess.entry(violation.key()).or_insert(0) += u64::from(violation.excess);
    }
    let mut added_hard_violations = Vec::new();
    let mut added_soft_violations = Vec::new();
    // A hard violation is added when its rule is broken further than before: more violations of
    // the same identity, or the same one further beyond its limit.
    let mut seen_excess: HashMap<_, u64> = HashMap::new();
    for violation in &after.violations {
        let key = violation.key();
        let seen = seen_excess.entry(key.clone()).or_insert(0);
        *seen += u64::from(violation.excess);
        if violation.hard {
            if *seen > previous_excess.get(&key).copied().unwrap_or(0) {
                added_hard_violations.push(violation.clone());
            }
        } else if violation.cost > previous.get(&key).copied().unwrap_or(0) {
            added_soft_violations.push(violation.clone());
        }
    }
    Ok(EditOutcome {
        assignments,
        score_before: before.score,
        explanation: after,
        added_hard_violations,
        added_soft_violations,
    })
}
