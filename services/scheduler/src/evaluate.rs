//! The one exact evaluator: every hard violation of a roster and its weighted soft objective,
//! broken down per constraint kind, per employee and per day.
//!
//! It is written directly from the rule definitions in [`crate::model`] (for benchmark instances,
//! FORMAT.md §4–§5) and deliberately shares no code with the optimiser's incremental scoring: the
//! optimiser's tests compare the two. Explanations for planners (the legevakt ExplainShiftPlan
//! call) are read from [`Evaluation::soft_violations`] and [`Evaluation::hard_violations`].
//!
//! Hard violations carry an `amount` (days, shifts, weekends or minutes beyond the limit) so that
//! a penalised search can measure "how infeasible"; [`HardViolation::penalty_units`] converts it to
//! the unit the optimiser uses.

use thiserror::Error;

use crate::model::{DayIndex, EmployeeIndex, FairnessSums, Model, RequestKind, Roster, ShiftIndex};

/// A hard rule of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HardRule {
    /// A forbidden succession (the day is the earlier shift's day).
    ForbiddenSuccession,
    /// More shifts of one type than allowed.
    MaxShiftsOfType,
    /// Fewer total minutes than required.
    MinTotalMinutes,
    /// More total minutes than allowed.
    MaxTotalMinutes,
    /// A run of working days that is too long (the day is its first day).
    MaxConsecutiveWorkingDays,
    /// A run of working days that is too short (the day is its first day).
    MinConsecutiveWorkingDays,
    /// A run of days off that is too short (the day is its first day).
    MinConsecutiveDaysOff,
    /// More weekends worked than allowed.
    MaxWeekends,
    /// Work on a hard day off.
    DayOff,
    /// Work on a (day, shift type) the employee is unavailable for.
    Unavailable,
    /// Work on a shift type whose required skill the employee lacks.
    MissingSkill,
}

/// One broken hard rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HardViolation {
    /// Which rule.
    pub rule: HardRule,
    /// Whose row.
    pub employee: EmployeeIndex,
    /// The day concerned, for rules about days or runs.
    pub day: Option<DayIndex>,
    /// The shift type concerned, for rules about one type.
    pub shift: Option<ShiftIndex>,
    /// How far beyond the limit: days for runs, shifts, weekends, minutes for the minute limits,
    /// 1 for a single forbidden cell or succession.
    pub amount: u32,
}

impl HardViolation {
    /// The violation in the optimiser's penalty unit: minutes are counted in started hours so that
    /// one missing shift weighs about as much as a few days of a broken run; everything else is
    /// its amount.
    pub fn penalty_units(&self) -> i64 {
        match self.rule {
            HardRule::MinTotalMinutes | HardRule::MaxTotalMinutes => i64::from(self.amount.div_ceil(60)),
            _ => i64::from(self.amount),
        }
    }
}

/// A kind of soft cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SoftKind {
    /// An on-request not honoured.
    ShiftOnRequest,
    /// An off-request not honoured.
    ShiftOffRequest,
    /// Cover below the minimum.
    CoverBelowMinimum,
    /// Cover below the preferred number.
    CoverBelowPreferred,
    /// Cover above the preferred number.
    CoverAbovePreferred,
    /// Unsupervised work (no backup with the skill).
    Supervision,
    /// Deviation from the fairness target.
    Fairness,
}

impl SoftKind {
    /// Every kind, in a fixed order.
    pub const ALL: [SoftKind; 7] = [
        SoftKind::ShiftOnRequest,
        SoftKind::ShiftOffRequest,
        SoftKind::CoverBelowMinimum,
        SoftKind::CoverBelowPreferred,
        SoftKind::CoverAbovePreferred,
        SoftKind::Supervision,
        SoftKind::Fairness,
    ];

    fn index(self) -> usize {
        SoftKind::ALL.iter().position(|&kind| kind == self).expect("every kind is listed")
    }
}

/// One soft cost incurred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SoftViolation {
    /// Which kind.
    pub kind: SoftKind,
    /// The employee concerned, if any (requests, supervision); a fairness pool's cost concerns no
    /// one employee.
    pub employee: Option<EmployeeIndex>,
    /// The day concerned, if any (requests, cover, supervision).
    pub day: Option<DayIndex>,
    /// The shift type concerned, if any.
    pub shift: Option<ShiftIndex>,
    /// What it costs.
    pub cost: i64,
}

/// The full judgement of a roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The weighted soft objective.
    pub objective: i64,
    /// Every hard violation; empty iff the roster is feasible.
    pub hard_violations: Vec<HardViolation>,
    /// Every soft cost incurred.
    pub soft_violations: Vec<SoftViolation>,
    /// Soft cost per kind, in [`SoftKind::ALL`] order.
    pub cost_by_kind: [i64; 7],
    /// Soft cost attributed to each employee (requests, supervision of their shift).
    pub cost_by_employee: Vec<i64>,
    /// Soft cost attributed to each day (requests, cover, supervision).
    pub cost_by_day: Vec<i64>,
}

impl Evaluation {
    /// Whether no hard rule is broken.
    pub fn is_feasible(&self) -> bool {
        self.hard_violations.is_empty()
    }

    /// Total soft cost of one kind.
    pub fn cost_of(&self, kind: SoftKind) -> i64 {
        self.cost_by_kind[kind.index()]
    }

    /// Sum of [`HardViolation::penalty_units`] over all violations.
    pub fn hard_penalty_units(&self) -> i64 {
        self.hard_violations.iter().map(HardViolation::penalty_units).sum()
    }
}

/// The roster does not have the model's shape.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "roster does not fit the model: {employees} employees × {days} days expected, with known shift types"
)]
pub struct ShapeError {
    /// Employees in the model.
    pub employees: usize,
    /// Days in the model.
    pub days: usize,
}

struct Collector {
    evaluation: Evaluation,
}

impl Collector {
    fn soft(
        &mut self,
        kind: SoftKind,
        employee: Option<EmployeeIndex>,
        day: Option<DayIndex>,
        shift: Option<ShiftIndex>,
        cost: i64,
    ) {
        if cost == 0 {
            return;
        }
        let evaluation = &mut self.evaluation;
        evaluation.objective += cost;
        evaluation.cost_by_kind[kind.index()] += cost;
        if let Some(employee) = employee {
            evaluation.cost_by_employee[employee] += cost;
        }
        if let Some(day) = day {
            evaluation.cost_by_day[day] += cost;
        }
        evaluation.soft_violations.push(SoftViolation { kind, employee, day, shift, cost });
    }

    fn hard(
        &mut self,
        rule: HardRule,
        employee: EmployeeIndex,
        day: Option<DayIndex>,
        shift: Option<ShiftIndex>,
        amount: u32,
    ) {
        self.evaluation.hard_violations.push(HardViolation { rule, employee, day, shift, amount });
    }
}

/// Scores `roster` against `model`.
pub fn evaluate(model: &Model, roster: &Roster) -> Result<Evaluation, ShapeError> {
    if !roster.fits(model) {
        return Err(ShapeError { employees: model.employee_count(), days: model.days() });
    }
    let days = model.days();
    let shifts = model.shift_type_count();
    let mut out = Collector {
        evaluation: Evaluation {
            objective: 0,
            hard_violations: Vec::new(),
            soft_violations: Vec::new(),
            cost_by_kind: [0; 7],
            cost_by_employee: vec![0; model.employee_count()],
            cost_by_day: vec![0; days],
        },
    };

    check_hard_rules(model, roster, &mut out);

    for request in model.requests() {
        let assigned = roster.get(request.employee, request.day);
        let violated = match (request.kind, request.shift) {
            (RequestKind::On, Some(shift)) => assigned != Some(shift),
            (RequestKind::On, None) => assigned.is_none(),
            (RequestKind::Off, Some(shift)) => assigned == Some(shift),
            (RequestKind::Off, None) => assigned.is_some(),
        };
        if violated {
            let kind = match request.kind {
                RequestKind::On => SoftKind::ShiftOnRequest,
                RequestKind::Off => SoftKind::ShiftOffRequest,
            };
            out.soft(
                kind,
                Some(request.employee),
                Some(request.day),
                request.shift,
                i64::from(request.weight),
            );
        }
    }

    let mut assigned = vec![vec![0u32; shifts]; days];
    for employee in 0..model.employee_count() {
        for (day, cell) in roster.row(employee).iter().enumerate() {
            if let Some(shift) = *cell {
                assigned[day][shift] += 1;
            }
        }
    }
    for (day, counts) in assigned.iter().enumerate() {
        for (shift, &n) in counts.iter().enumerate() {
            let cover = model.cover(day, shift);
            let below_min = i64::from(cover.min.saturating_sub(n)) * i64::from(cover.weight_under_min);
            let below_preferred =
                i64::from(cover.preferred.saturating_sub(n)) * i64::from(cover.weight_under_preferred);
            let above = i64::from(n.saturating_sub(cover.preferred)) * i64::from(cover.weight_over_preferred);
            out.soft(SoftKind::CoverBelowMinimum, None, Some(day), Some(shift), below_min);
            out.soft(SoftKind::CoverBelowPreferred, None, Some(day), Some(shift), below_preferred);
            out.soft(SoftKind::CoverAbovePreferred, None, Some(day), Some(shift), above);
        }
    }

    for rule in model.supervision() {
        for day in (0..days).filter(|&day| rule.applies_on(day)) {
            let backed = day.checked_sub(rule.backup_day_offset).is_some_and(|backup_day| {
                (0..model.employee_count()).any(|e| {
                    roster.get(e, backup_day) == Some(rule.backup_shift) && model.has_skill(e, rule.skill)
                })
            });
            if backed {
                continue;
            }
            for employee in 0..model.employee_count() {
                if roster.get(employee, day) == Some(rule.supervised_shift)
                    && !model.has_skill(employee, rule.skill)
                {
                    out.soft(
                        SoftKind::Supervision,
                        Some(employee),
                        Some(day),
                        Some(rule.supervised_shift),
                        i64::from(rule.weight),
                    );
                }
            }
        }
    }

    if let Some(fairness) = model.fairness() {
        // One cost per pool: every target of a pool depends on every member's points.
        let mut pools = vec![FairnessSums::default(); model.fairness_pool_count()];
        for employee in 0..model.employee_count() {
            let points: i64 = roster
                .row(employee)
                .iter()
                .enumerate()
                .filter_map(|(day, cell)| cell.map(|shift| i64::from(fairness.points[day][shift])))
                .sum();
            let (share, balance) = model.fairness_account(employee);
            pools[model.fairness_pool(employee)].add(share, points, balance, 1);
        }
        for (pool, sums) in pools.iter().enumerate() {
            let cost =
                sums.cost(i64::from(fairness.weight), i64::from(fairness.divisor), model.fairness_cap(pool));
            out.soft(SoftKind::Fairness, None, None, None, cost);
        }
    }

    Ok(out.evaluation)
}

/// Whether a succession of `first` then `then` (a shift or a day off) `offset` days later is
/// forbidden by any rule.
fn succession_forbidden(model: &Model, first: ShiftIndex, then: Option<ShiftIndex>, offset: usize) -> bool {
    let Some(then) = then else { return false };
    model.forbidden_successions().iter().any(|rule| {
        rule.first == first
            && rule.day_offset as usize == offset
            && rule.then.is_none_or(|forbidden| forbidden == then)
    })
}

fn check_hard_rules(model: &Model, roster: &Roster, out: &mut Collector) {
    let days = model.days();
    let max_offset =
        model.forbidden_successions().iter().map(|rule| rule.day_offset as usize).max().unwrap_or(0);
    for (e, employee) in model.employees().iter().enumerate() {
        let row = roster.row(e);

        for (day, cell) in row.iter().enumerate() {
            let Some(first) = *cell else { continue };
            for offset in 1..=max_offset {
                if day + offset < days && succession_forbidden(model, first, row[day + offset], offset) {
                    out.hard(HardRule::ForbiddenSuccession, e, Some(day), Some(first), 1);
                }
            }
        }

        for (shift, &max) in employee.max_shifts_per_type.iter().enumerate() {
            let count = row.iter().filter(|&&cell| cell == Some(shift)).count() as u32;
            if count > max {
                out.hard(HardRule::MaxShiftsOfType, e, None, Some(shift), count - max);
            }
        }

        let minutes: u64 =
            row.iter().flatten().map(|&shift| u64::from(model.shift_types()[shift].length_minutes)).sum();
        if minutes < u64::from(employee.min_total_minutes) {
            let missing = u64::from(employee.min_total_minutes) - minutes;
            out.hard(HardRule::MinTotalMinutes, e, None, None, missing as u32);
        }
        if minutes > u64::from(employee.max_total_minutes) {
            let excess = u32::try_from(minutes - u64::from(employee.max_total_minutes)).unwrap_or(u32::MAX);
            out.hard(HardRule::MaxTotalMinutes, e, None, None, excess);
        }

        // Runs: maximal blocks of equal working status. The two minimum rules exempt runs touching
        // either edge of the horizon, because the plan is assumed to continue beyond it.
        let mut start = 0;
        while start < days {
            let working = row[start].is_some();
            let mut end = start;
            while end + 1 < days && row[end + 1].is_some() == working {
                end += 1;
            }
            let length = (end - start + 1) as u32;
            let interior = start > 0 && end + 1 < days;
            if working {
                if length > employee.max_consecutive_working_days {
                    out.hard(
                        HardRule::MaxConsecutiveWorkingDays,
                        e,
                        Some(start),
                        None,
                        length - employee.max_consecutive_working_days,
                    );
                }
                if interior && length < employee.min_consecutive_working_days {
                    out.hard(
                        HardRule::MinConsecutiveWorkingDays,
                        e,
                        Some(start),
                        None,
                        employee.min_consecutive_working_days - length,
                    );
                }
            } else if interior && length < employee.min_consecutive_days_off {
                out.hard(
                    HardRule::MinConsecutiveDaysOff,
                    e,
                    Some(start),
                    None,
                    employee.min_consecutive_days_off - length,
                );
            }
            start = end + 1;
        }

        let mut weekends_worked = vec![false; model.weekend_count()];
        for (day, cell) in row.iter().enumerate() {
            if let Some(shift) = *cell {
                for weekend in model.weekends_held(day, shift) {
                    weekends_worked[weekend] = true;
                }
            }
        }
        let weekends = weekends_worked.iter().filter(|&&worked| worked).count() as u32;
        if weekends > employee.max_weekends {
            out.hard(HardRule::MaxWeekends, e, None, None, weekends - employee.max_weekends);
        }

        let mut days_off = employee.days_off.clone();
        days_off.sort_unstable();
        days_off.dedup();
        for day in days_off {
            if row[day].is_some() {
                out.hard(HardRule::DayOff, e, Some(day), row[day], 1);
            }
        }
        let mut unavailable = employee.unavailable.clone();
        unavailable.sort_unstable();
        unavailable.dedup();
        for (day, shift) in unavailable {
            if row[day] == Some(shift) {
                out.hard(HardRule::Unavailable, e, Some(day), Some(shift), 1);
            }
        }
        for (day, cell) in row.iter().enumerate() {
            let Some(shift) = *cell else { continue };
            if let Some(skill) = model.shift_types()[shift].required_skill
                && !employee.skills.contains(&skill)
            {
                out.hard(HardRule::MissingSkill, e, Some(day), Some(shift), 1);
            }
        }
    }
}
