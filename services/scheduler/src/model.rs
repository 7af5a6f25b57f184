//! The general rostering model: employees × days × shift types, one shift (or a day off) per
//! employee per day.
//!
//! Both the Curtois–Qu benchmark format ([`crate::cq`]) and the legevakt domain compile into this
//! one model, and the evaluator ([`crate::evaluate`]) and the optimiser ([`crate::optimise`]) only
//! ever see it. The model is described by a plain [`ModelSpec`] (public fields, easy to build) and
//! checked once by [`Model::new`], which rejects out-of-range indices and inconsistent sizes so that
//! the rest of the crate can index without checks.
//!
//! # Hard rules (a roster is feasible iff all hold)
//! * forbidden successions with a day offset: shift `s` on day `d` forbids shift `s'` (or any
//!   shift) on day `d + k`, `k ≥ 1`; the benchmark's `CannotFollow` is `k = 1`, and a legevakt
//!   block that occupies the following days is "any shift" at `k = 1, 2, …`
//!   ([`ForbiddenSuccession::block_following_days`]);
//! * per employee: most shifts of each type, minimum and maximum total minutes, longest and
//!   shortest run of working days, shortest run of days off (runs touching the first or last day
//!   of the horizon are exempt from the two minimum rules, because the plan is assumed to continue
//!   outside it), most weekends worked (a weekend is worked when a shift holds its Saturday or
//!   Sunday, [`ShiftType::following_days_held`]), hard days off, unavailability for a single
//!   (day, shift type), and the skill a shift type requires.
//!
//! # Soft terms (the objective, minimised)
//! * shift on/off requests with weights (optionally "any shift" / "the whole day");
//! * cover per (day, shift type) with three weights: per person missing below `min`, per person
//!   missing below `preferred`, and per person above `preferred`; cover is soft so that an
//!   over-constrained plan still produces the best roster with its shortfall explained;
//! * supervision pairing (the bakvakt rule): on a day the rule applies to, each employee on the
//!   supervised shift type who lacks the skill costs `weight` unless someone with the skill works
//!   the backup shift starting that day or a given number of days before;
//! * fairness: points per (day, shift type); within a pool of employees, each one's target is
//!   their participation share of the points the roster hands out to the pool (up to the pool's
//!   cap, the points the cover asks for), plus that share of the pool's carried balances, less
//!   their own balance; the cost is `weight × Σ (points − target)² / divisor` per pool, rounded.
//!   Targets follow the points actually handed out, so that an unfilled shift does not push
//!   others onto shifts nobody needs; and they stop at the cap, so that a shift beyond the cover
//!   weighs on whoever holds it. The cost is a function of a few running sums per pool
//!   ([`FairnessSums`]), so that a move is scored in constant time although it moves every
//!   target of the pool.
//!
//! Weekends are Saturday and Sunday; [`ModelSpec::first_weekday`] says which weekday day 0 is.

use thiserror::Error;

/// Index of an employee in [`ModelSpec::employees`].
pub type EmployeeIndex = usize;
/// Index of a day in the horizon, `0 … days − 1`.
pub type DayIndex = usize;
/// Index of a shift type in [`ModelSpec::shift_types`].
pub type ShiftIndex = usize;
/// Index of a skill; skills are plain numbers that the compiling domain names.
pub type SkillIndex = usize;

/// The largest number of shift types a model may have (the optimiser stores a cell in a byte).
pub const MAX_SHIFT_TYPES: usize = 254;

/// The most days after its start day a shift may hold ([`ShiftType::following_days_held`]): a
/// week, so that one shift touches at most two weekends.
pub const MAX_FOLLOWING_DAYS_HELD: u8 = 7;

/// Day of the week, used to place weekends in the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    /// Days since Monday (Monday is 0, Sunday is 6).
    pub fn days_from_monday(self) -> usize {
        match self {
            Weekday::Monday => 0,
            Weekday::Tuesday => 1,
            Weekday::Wednesday => 2,
            Weekday::Thursday => 3,
            Weekday::Friday => 4,
            Weekday::Saturday => 5,
            Weekday::Sunday => 6,
        }
    }
}

/// A kind of shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftType {
    /// Short code shown to people and used in exchange formats (e.g. `D`, `N`, `a3`).
    pub code: String,
    /// Length in minutes; only the total-minutes limits use it.
    pub length_minutes: u32,
    /// The skill an employee must have to work it, if any.
    pub required_skill: Option<SkillIndex>,
    /// Days after its start day on which the shift still holds the employee (0 for a shift that
    /// ends by midnight, 1 for a night, 3 for a block from Friday afternoon to Monday morning),
    /// at most [`MAX_FOLLOWING_DAYS_HELD`]. Only the weekend limit uses it: a weekend is worked
    /// when any shift holds its Saturday or Sunday, so a Friday night counts.
    pub following_days_held: u8,
}

/// A forbidden succession: shift `first` on day `d` forbids `then` on day `d + day_offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ForbiddenSuccession {
    /// The earlier shift.
    pub first: ShiftIndex,
    /// The later shift that is forbidden; `None` forbids every shift (the day must be off).
    pub then: Option<ShiftIndex>,
    /// How many days later, at least 1.
    pub day_offset: u32,
}

impl ForbiddenSuccession {
    /// The rules that make `first` occupy the next `days` days: no shift of any type may follow it
    /// on days `d + 1 … d + days` (a weekend block from Friday afternoon to Monday morning blocks
    /// two following days).
    pub fn block_following_days(first: ShiftIndex, days: u32) -> Vec<ForbiddenSuccession> {
        (1..=days).map(|day_offset| ForbiddenSuccession { first, then: None, day_offset }).collect()
    }
}

/// One employee's limits, availability, skills and share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employee {
    /// Identifier shown to people and used in exchange formats.
    pub code: String,
    /// Most days on which each shift type may be worked (indexed by shift type; `u32::MAX` is no
    /// limit, 0 forbids the type).
    pub max_shifts_per_type: Vec<u32>,
    /// Least total minutes over the horizon.
    pub min_total_minutes: u32,
    /// Most total minutes over the horizon.
    pub max_total_minutes: u32,
    /// Longest allowed run of consecutive working days.
    pub max_consecutive_working_days: u32,
    /// Shortest allowed run of working days that touches neither edge of the horizon.
    pub min_consecutive_working_days: u32,
    /// Shortest allowed run of days off that touches neither edge of the horizon.
    pub min_consecutive_days_off: u32,
    /// Most weekends (Saturday or Sunday worked) in the horizon.
    pub max_weekends: u32,
    /// Days on which the employee must be off.
    pub days_off: Vec<DayIndex>,
    /// Single (day, shift type) pairs the employee may not work (a partial exemption such as
    /// "no nights" is one pair per night).
    pub unavailable: Vec<(DayIndex, ShiftIndex)>,
    /// Skills held.
    pub skills: Vec<SkillIndex>,
    /// Participation share in thousandths (1000 is a full share), used for fairness targets.
    pub share_permille: u32,
    /// Fairness points already earned before this plan (a running balance; positive means the
    /// employee has done more than their share so far).
    pub fairness_balance: i64,
}

impl Employee {
    /// An employee with no limits beyond "at most one shift a day", for `shift_types` types.
    pub fn unrestricted(code: impl Into<String>, shift_types: usize) -> Employee {
        Employee {
            code: code.into(),
            max_shifts_per_type: vec![u32::MAX; shift_types],
            min_total_minutes: 0,
            max_total_minutes: u32::MAX,
            max_consecutive_working_days: u32::MAX,
            min_consecutive_working_days: 0,
            min_consecutive_days_off: 0,
            max_weekends: u32::MAX,
            days_off: Vec::new(),
            unavailable: Vec::new(),
            skills: Vec::new(),
            share_permille: 1000,
            fairness_balance: 0,
        }
    }
}

/// Whether a request asks for or against an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// The employee wants to work (the shift, or any shift when `shift` is `None`).
    On,
    /// The employee does not want to work (the shift, or any shift when `shift` is `None`).
    Off,
}

/// A weighted wish of one employee for one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Request {
    /// Who asks.
    pub employee: EmployeeIndex,
    /// For which day.
    pub day: DayIndex,
    /// The shift concerned; `None` means "any shift" (an on-request for work, an off-request for
    /// the whole day).
    pub shift: Option<ShiftIndex>,
    /// On or off.
    pub kind: RequestKind,
    /// Cost when the request is not honoured.
    pub weight: u32,
}

/// Cover wanted for one (day, shift type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Cover {
    /// The minimum number of people.
    pub min: u32,
    /// The preferred number of people (at least `min`).
    pub preferred: u32,
    /// Cost per person missing below `min` (on top of the cost below `preferred`).
    pub weight_under_min: u32,
    /// Cost per person missing below `preferred`.
    pub weight_under_preferred: u32,
    /// Cost per person above `preferred`.
    pub weight_over_preferred: u32,
}

impl Cover {
    /// The cost of `assigned` people on this (day, shift type).
    pub fn cost(&self, assigned: u32) -> i64 {
        let under_min = i64::from(self.min.saturating_sub(assigned));
        let under_preferred = i64::from(self.preferred.saturating_sub(assigned));
        let over = i64::from(assigned.saturating_sub(self.preferred));
        under_min * i64::from(self.weight_under_min)
            + under_preferred * i64::from(self.weight_under_preferred)
            + over * i64::from(self.weight_over_preferred)
    }
}

/// The supervision (bakvakt) rule: whoever works `supervised_shift` without `skill` on a day the
/// rule applies to needs someone with `skill` on `backup_shift` starting `backup_day_offset` days
/// earlier (0: the same day; 2: a weekend block from Friday backing a Sunday).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SupervisionRule {
    /// The shift whose unskilled workers need a backup.
    pub supervised_shift: ShiftIndex,
    /// The skill that makes a worker independent and qualifies a backup.
    pub skill: SkillIndex,
    /// The backup shift.
    pub backup_shift: ShiftIndex,
    /// Days between the backup shift's start and the supervised day.
    pub backup_day_offset: usize,
    /// The days the rule applies to; empty: every day. On a day before `backup_day_offset` the
    /// backup would start before the horizon, so nobody there is supervised.
    pub days: Vec<DayIndex>,
    /// Cost per unsupervised worker per day.
    pub weight: u32,
}

impl SupervisionRule {
    /// A rule for every day with the backup on the same day.
    pub fn same_day(
        supervised_shift: ShiftIndex,
        skill: SkillIndex,
        backup_shift: ShiftIndex,
        weight: u32,
    ) -> Self {
        SupervisionRule {
            supervised_shift,
            skill,
            backup_shift,
            backup_day_offset: 0,
            days: Vec::new(),
            weight,
        }
    }

    /// Whether the rule applies on `day`.
    pub fn applies_on(&self, day: DayIndex) -> bool {
        self.days.is_empty() || self.days.binary_search(&day).is_ok()
    }
}

/// Fairness: points per (day, shift type), spread over the employees of a pool by participation
/// share (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FairnessRule {
    /// Points earned by working shift `s` on day `d`, at `points[d][s]`.
    pub points: Vec<Vec<u32>>,
    /// Cost per unit of squared deviation from an employee's target, after the divisor.
    pub weight: u32,
    /// The squared deviations are divided by this (at least 1): 100 where points are tenths and
    /// the cost is per squared whole point.
    pub divisor: u32,
    /// Each employee's pool; targets share the points earned within a pool. Empty: one pool.
    pub pools: Vec<usize>,
    /// Per pool, the most points its targets share (the points at the cover's preferred counts);
    /// a pool without an entry has no cap.
    pub caps: Vec<u64>,
}

/// The running sums a pool's fairness cost is computed from. With `q` an employee's share, `u`
/// their points plus their balance `b`, `Q = Σ q` and `S` the points shared out (`Σ u − Σ b`, at
/// most the cap) plus `Σ b`, an employee's deviation from the target is `u − q·S/Q`, and
/// `Σ (u − q·S/Q)² = Σu² − 2·S·Σqu/Q + S²·Σq²/Q²` (with `Q = 0`, every target is minus the
/// balance and the sum is `Σu²`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FairnessSums {
    /// Σ q.
    pub q: i128,
    /// Σ q².
    pub q2: i128,
    /// Σ u.
    pub u: i128,
    /// Σ u².
    pub u2: i128,
    /// Σ q·u.
    pub qu: i128,
    /// Σ b.
    pub b: i128,
}

impl FairnessSums {
    /// Adds (`sign` 1) or removes (`sign` −1) an employee of share `q` and balance `b` who has
    /// `points`.
    pub fn add(&mut self, q: i64, points: i64, b: i64, sign: i128) {
        let (q, b) = (i128::from(q), i128::from(b));
        let u = i128::from(points) + b;
        self.q += sign * q;
        self.q2 += sign * q * q;
        self.u += sign * u;
        self.u2 += sign * u * u;
        self.qu += sign * q * u;
        self.b += sign * b;
    }

    /// The pool's cost: `weight × Σ deviation² / divisor`, rounded half up, with targets that
    /// share at most `cap` points.
    pub fn cost(&self, weight: i64, divisor: i64, cap: Option<u64>) -> i64 {
        let weight = i128::from(weight);
        let divisor = i128::from(divisor.max(1));
        let shared = match cap {
            Some(cap) => (self.u - self.b).min(i128::from(cap)),
            None => self.u - self.b,
        };
        let s = shared + self.b;
        let (numerator, denominator) = if self.q == 0 {
            (self.u2, divisor)
        } else {
            let q = self.q;
            (q * q * self.u2 - 2 * q * s * self.qu + s * s * self.q2, q * q * divisor)
        };
        let scaled = weight * numerator.max(0);
        i64::try_from((2 * scaled + denominator) / (2 * denominator)).unwrap_or(i64::MAX)
    }
}

/// The plain description of a rostering problem; checked by [`Model::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSpec {
    /// Number of days in the horizon.
    pub days: usize,
    /// Weekday of day 0 (the benchmark always starts on a Monday).
    pub first_weekday: Weekday,
    /// Shift types.
    pub shift_types: Vec<ShiftType>,
    /// Forbidden successions.
    pub forbidden_successions: Vec<ForbiddenSuccession>,
    /// Employees.
    pub employees: Vec<Employee>,
    /// Requests.
    pub requests: Vec<Request>,
    /// Cover per day and shift type, at `cover[d][s]`.
    pub cover: Vec<Vec<Cover>>,
    /// Supervision rules (none for benchmark instances).
    pub supervision: Vec<SupervisionRule>,
    /// Fairness rule (none for benchmark instances).
    pub fairness: Option<FairnessRule>,
}

/// Why a [`ModelSpec`] was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    /// The horizon has no days.
    #[error("the horizon must have at least one day")]
    EmptyHorizon,
    /// No shift types, or more than [`MAX_SHIFT_TYPES`].
    #[error("the number of shift types must be between 1 and {MAX_SHIFT_TYPES}, got {0}")]
    ShiftTypeCount(usize),
    /// A size does not match the horizon or the number of shift types.
    #[error("{what} has {found} entries, expected {expected}")]
    WrongSize {
        /// What was measured.
        what: String,
        /// What it should have.
        expected: usize,
        /// What it has.
        found: usize,
    },
    /// An index points outside its range.
    #[error("{what} refers to {kind} {index}, but only {count} exist")]
    IndexOutOfRange {
        /// Where the index was found.
        what: String,
        /// Which kind of index.
        kind: &'static str,
        /// The index.
        index: usize,
        /// How many items exist.
        count: usize,
    },
    /// A forbidden succession with day offset 0.
    #[error("forbidden succession after shift {0} has day offset 0")]
    ZeroOffset(ShiftIndex),
    /// A shift type holds more following days than [`MAX_FOLLOWING_DAYS_HELD`].
    #[error("shift type {shift} holds {days} following days, at most {MAX_FOLLOWING_DAYS_HELD} are allowed")]
    TooManyFollowingDays {
        /// Shift type.
        shift: ShiftIndex,
        /// Days it claims to hold after its start day.
        days: u8,
    },
    /// Preferred cover below the minimum.
    #[error("cover on day {day} for shift {shift} prefers {preferred} but requires {min}")]
    PreferredBelowMinimum {
        /// Day.
        day: DayIndex,
        /// Shift type.
        shift: ShiftIndex,
        /// Minimum.
        min: u32,
        /// Preferred.
        preferred: u32,
    },
}

/// A checked rostering problem. Build with [`Model::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    spec: ModelSpec,
}

fn check_index(
    what: impl FnOnce() -> String,
    kind: &'static str,
    index: usize,
    count: usize,
) -> Result<(), ModelError> {
    if index < count { Ok(()) } else { Err(ModelError::IndexOutOfRange { what: what(), kind, index, count }) }
}

fn check_size(what: impl FnOnce() -> String, expected: usize, found: usize) -> Result<(), ModelError> {
    if expected == found { Ok(()) } else { Err(ModelError::WrongSize { what: what(), expected, found }) }
}

impl Model {
    /// Checks a specification and builds the model.
    pub fn new(mut spec: ModelSpec) -> Result<Model, ModelError> {
        for rule in &mut spec.supervision {
            rule.days.sort_unstable();
            rule.days.dedup();
        }
        let days = spec.days;
        let shifts = spec.shift_types.len();
        let employees = spec.employees.len();
        if days == 0 {
            return Err(ModelError::EmptyHorizon);
        }
        if shifts == 0 || shifts > MAX_SHIFT_TYPES {
            return Err(ModelError::ShiftTypeCount(shifts));
        }
        for (shift, shift_type) in spec.shift_types.iter().enumerate() {
            if shift_type.following_days_held > MAX_FOLLOWING_DAYS_HELD {
                return Err(ModelError::TooManyFollowingDays { shift, days: shift_type.following_days_held });
            }
        }
        for rule in &spec.forbidden_successions {
            check_index(|| "a forbidden succession".into(), "shift type", rule.first, shifts)?;
            if let Some(then) = rule.then {
                check_index(|| "a forbidden succession".into(), "shift type", then, shifts)?;
            }
            if rule.day_offset == 0 {
                return Err(ModelError::ZeroOffset(rule.first));
            }
        }
        for employee in &spec.employees {
            let name = || format!("employee {}", employee.code);
            check_size(
                || format!("max shifts per type of employee {}", employee.code),
                shifts,
                employee.max_shifts_per_type.len(),
            )?;
            for &day in &employee.days_off {
                check_index(name, "day", day, days)?;
            }
            for &(day, shift) in &employee.unavailable {
                check_index(name, "day", day, days)?;
                check_index(name, "shift type", shift, shifts)?;
            }
        }
        for request in &spec.requests {
            check_index(|| "a request".into(), "employee", request.employee, employees)?;
            check_index(|| "a request".into(), "day", request.day, days)?;
            if let Some(shift) = request.shift {
                check_index(|| "a request".into(), "shift type", shift, shifts)?;
            }
        }
        check_size(|| "cover".into(), days, spec.cover.len())?;
        for (day, row) in spec.cover.iter().enumerate() {
            check_size(|| format!("cover on day {day}"), shifts, row.len())?;
            for (shift, cover) in row.iter().enumerate() {
                if cover.preferred < cover.min {
                    return Err(ModelError::PreferredBelowMinimum {
                        day,
                        shift,
                        min: cover.min,
                        preferred: cover.preferred,
                    });
                }
            }
        }
        for rule in &spec.supervision {
            for &day in &rule.days {
                check_index(|| "a supervision rule".into(), "day", day, days)?;
            }
            check_index(|| "a supervision rule".into(), "shift type", rule.supervised_shift, shifts)?;
            check_index(|| "a supervision rule".into(), "shift type", rule.backup_shift, shifts)?;
        }
        if let Some(fairness) = &spec.fairness {
            check_size(|| "fairness points".into(), days, fairness.points.len())?;
            for (day, row) in fairness.points.iter().enumerate() {
                check_size(|| format!("fairness points on day {day}"), shifts, row.len())?;
            }
            if !fairness.pools.is_empty() {
                check_size(|| "fairness pools".into(), employees, fairness.pools.len())?;
                // Pool numbers are small: below the number of employees or of caps.
                let pools = employees.max(fairness.caps.len());
                for (employee, &pool) in fairness.pools.iter().enumerate() {
                    check_index(|| format!("the fairness pool of employee {employee}"), "pool", pool, pools)?;
                }
            }
        }
        Ok(Model { spec })
    }

    /// The specification this model was built from.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// Number of days.
    pub fn days(&self) -> usize {
        self.spec.days
    }

    /// Number of shift types.
    pub fn shift_type_count(&self) -> usize {
        self.spec.shift_types.len()
    }

    /// Number of employees.
    pub fn employee_count(&self) -> usize {
        self.spec.employees.len()
    }

    /// The shift types.
    pub fn shift_types(&self) -> &[ShiftType] {
        &self.spec.shift_types
    }

    /// The employees.
    pub fn employees(&self) -> &[Employee] {
        &self.spec.employees
    }

    /// The requests.
    pub fn requests(&self) -> &[Request] {
        &self.spec.requests
    }

    /// Cover wanted on `day` for `shift`.
    pub fn cover(&self, day: DayIndex, shift: ShiftIndex) -> &Cover {
        &self.spec.cover[day][shift]
    }

    /// The forbidden successions.
    pub fn forbidden_successions(&self) -> &[ForbiddenSuccession] {
        &self.spec.forbidden_successions
    }

    /// The supervision rules.
    pub fn supervision(&self) -> &[SupervisionRule] {
        &self.spec.supervision
    }

    /// The fairness rule, if any.
    pub fn fairness(&self) -> Option<&FairnessRule> {
        self.spec.fairness.as_ref()
    }

    /// The fairness pool of `employee` (0 without pools).
    pub fn fairness_pool(&self, employee: EmployeeIndex) -> usize {
        self.spec.fairness.as_ref().and_then(|rule| rule.pools.get(employee).copied()).unwrap_or(0)
    }

    /// The fairness share (thousandths) and carried balance (points) of `employee`.
    pub fn fairness_account(&self, employee: EmployeeIndex) -> (i64, i64) {
        let employee = &self.spec.employees[employee];
        (i64::from(employee.share_permille), employee.fairness_balance)
    }

    /// The most points the targets of fairness pool `pool` share, if capped.
    pub fn fairness_cap(&self, pool: usize) -> Option<u64> {
        self.spec.fairness.as_ref().and_then(|rule| rule.caps.get(pool).copied())
    }

    /// Number of fairness pools (0 without a fairness rule).
    pub fn fairness_pool_count(&self) -> usize {
        match &self.spec.fairness {
            None => 0,
            Some(rule) => rule.pools.iter().copied().max().map_or(1, |last| last + 1),
        }
    }

    /// Weekday of `day`, 0 for Monday … 6 for Sunday.
    pub fn weekday_of(&self, day: DayIndex) -> usize {
        (self.spec.first_weekday.days_from_monday() + day) % 7
    }

    /// The weekend `day` belongs to, if it is a Saturday or a Sunday. Weekends are numbered from
    /// the week containing day 0, so the benchmark's weekend `w` is days `7w + 5` and `7w + 6`.
    pub fn weekend_of(&self, day: DayIndex) -> Option<usize> {
        if self.weekday_of(day) >= 5 {
            Some((self.spec.first_weekday.days_from_monday() + day) / 7)
        } else {
            None
        }
    }

    /// The weekends whose Saturday or Sunday `shift` started on `day` holds (its start day and
    /// [`ShiftType::following_days_held`] more, which may lie after the horizon), in order and
    /// without repeats: none, one, or two for a shift from a Sunday into the next Saturday.
    pub fn weekends_held(&self, day: DayIndex, shift: ShiftIndex) -> impl Iterator<Item = usize> + '_ {
        let last = day + usize::from(self.spec.shift_types[shift].following_days_held);
        let mut previous = None;
        (day..=last).filter_map(move |held| {
            let weekend = self.weekend_of(held).filter(|&weekend| previous != Some(weekend))?;
            previous = Some(weekend);
            Some(weekend)
        })
    }

    /// Number of weekend indexes [`Model::weekend_of`] can return for the horizon's days, and
    /// [`Model::weekends_held`] for its shifts (some may lie partly or wholly outside).
    pub fn weekend_count(&self) -> usize {
        let reach = self.spec.shift_types.iter().map(|shift| usize::from(shift.following_days_held)).max();
        (self.spec.first_weekday.days_from_monday() + self.spec.days + reach.unwrap_or(0)).div_ceil(7)
    }

    /// Whether `employee` holds `skill`.
    pub fn has_skill(&self, employee: EmployeeIndex, skill: SkillIndex) -> bool {
        self.spec.employees[employee].skills.contains(&skill)
    }
}

/// An assignment of one shift type or a day off to every employee on every day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Roster {
    days: usize,
    cells: Vec<Option<ShiftIndex>>,
}

impl Roster {
    /// Everybody off every day.
    pub fn empty(employees: usize, days: usize) -> Roster {
        Roster { days, cells: vec![None; employees * days] }
    }

    /// The empty roster shaped for `model`.
    pub fn empty_for(model: &Model) -> Roster {
        Roster::empty(model.employee_count(), model.days())
    }

    /// Builds a roster from one row per employee.
    ///
    /// # Panics
    /// If the rows differ in length.
    pub fn from_rows(rows: Vec<Vec<Option<ShiftIndex>>>) -> Roster {
        let days = rows.first().map_or(0, Vec::len);
        assert!(rows.iter().all(|row| row.len() == days), "all roster rows must have the same length");
        Roster { days, cells: rows.into_iter().flatten().collect() }
    }

    /// Number of days.
    pub fn days(&self) -> usize {
        self.days
    }

    /// Number of employees.
    pub fn employees(&self) -> usize {
        self.cells.len().checked_div(self.days).unwrap_or(0)
    }

    /// The shift of `employee` on `day`, `None` for a day off.
    pub fn get(&self, employee: EmployeeIndex, day: DayIndex) -> Option<ShiftIndex> {
        self.cells[employee * self.days + day]
    }

    /// Sets the shift of `employee` on `day`.
    pub fn set(&mut self, employee: EmployeeIndex, day: DayIndex, shift: Option<ShiftIndex>) {
        self.cells[employee * self.days + day] = shift;
    }

    /// One employee's row.
    pub fn row(&self, employee: EmployeeIndex) -> &[Option<ShiftIndex>] {
        &self.cells[employee * self.days..(employee + 1) * self.days]
    }

    /// Whether the roster has the model's shape and only known shift types.
    pub fn fits(&self, model: &Model) -> bool {
        self.days == model.days()
            && self.employees() == model.employee_count()
            && self.cells.iter().all(|cell| cell.is_none_or(|shift| shift < model.shift_type_count()))
    }
}
