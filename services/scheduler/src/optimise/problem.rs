//! Dense lookup tables compiled once from a [`Model`] for the search: every question the inner
//! loop asks ("what does this cell cost", "is this succession forbidden", "which shifts may this
//! employee take today") becomes an array read.
//!
//! A cell value is a byte: shift types are `0 … T − 1` and `T` is a day off, so per-choice tables
//! have `T + 1` entries and "off" needs no special case.

use crate::model::{Model, RequestKind};

/// Compiled tables for one model.
pub(crate) struct Problem<'m> {
    pub(crate) model: &'m Model,
    /// Employees.
    pub(crate) n: usize,
    /// Days.
    pub(crate) h: usize,
    /// Shift types; also the cell value of a day off.
    pub(crate) t: usize,
    /// Length in minutes per choice (0 for off).
    pub(crate) length: Vec<i64>,
    /// Request cost per `[e][d][choice]`.
    pub(crate) request_cost: Vec<i32>,
    /// Hard units for putting a choice in a cell: hard day off, unavailability, missing skill.
    pub(crate) cell_hard: Vec<u8>,
    /// Choices that cost no hard units in the cell and whose type the employee may work at all,
    /// per `[e][d]`, as ranges into `assignable_list`. Always includes off.
    pub(crate) assignable_start: Vec<u32>,
    pub(crate) assignable_list: Vec<u8>,
    /// Largest succession offset (0 when there are no rules).
    pub(crate) max_offset: usize,
    /// `forbidden[(k − 1) * (T + 1) * (T + 1) + first * (T + 1) + then]`.
    pub(crate) forbidden: Vec<bool>,
    /// Whether any succession rule forbids something after `first` at any offset.
    pub(crate) restricts_after: Vec<bool>,
    pub(crate) max_per_type: Vec<u32>,
    pub(crate) min_minutes: Vec<i64>,
    pub(crate) max_minutes: Vec<i64>,
    pub(crate) max_consecutive: Vec<i64>,
    pub(crate) min_consecutive: Vec<i64>,
    pub(crate) min_off: Vec<i64>,
    pub(crate) max_weekends: Vec<i64>,
    /// Weekend index per day, `u32::MAX` on weekdays.
    pub(crate) weekend_of: Vec<u32>,
    pub(crate) weekend_count: usize,
    /// Whether some shift type holds days after its start day
    /// ([`crate::model::ShiftType::following_days_held`]); only then may a weekday's shift work a
    /// weekend, and weekends are counted through [`Problem::weekends_held`].
    pub(crate) shifts_hold_following_days: bool,
    /// Per `[d][choice]`: the weekends that choice holds ([`crate::model::Model::weekends_held`]),
    /// padded with `u32::MAX`. Empty unless `shifts_hold_following_days`.
    weekends_held: Vec<[u32; 2]>,
    /// Per choice: days after its start day it holds (0 for off).
    pub(crate) following_days_held: Vec<u8>,
    /// Cover per `[d][s]`: (min, preferred, weight under min, weight under preferred, weight over).
    pub(crate) cover: Vec<[i64; 5]>,
    /// Supervision rules and per-employee skill flags.
    pub(crate) supervision: Vec<Supervision>,
    pub(crate) supervision_skilled: Vec<Vec<bool>>,
    /// Fairness points per `[d][choice]` (0 for off), weight and divisor, and per employee the
    /// pool, share and carried balance ([`crate::model::FairnessSums`]).
    pub(crate) points: Vec<i64>,
    pub(crate) fairness_weight: i64,
    pub(crate) fairness_divisor: i64,
    pub(crate) fairness_pool: Vec<usize>,
    pub(crate) fairness_share: Vec<i64>,
    pub(crate) fairness_balance: Vec<i64>,
    pub(crate) fairness_pools: usize,
    pub(crate) fairness_caps: Vec<Option<u64>>,
    /// Days per weekend.
    pub(crate) weekend_length: Vec<u8>,
    /// Search guidance, not part of the objective: what the annealing adds for each weekend an
    /// employee works only part of, where weekend cover is scarce ([`split_weekend_guide`]).
    pub(crate) split_weekend_guide: i64,
}

/// Where the weekends the employees may work barely hold the weekend cover, a weekend worked on
/// one day wastes the other day of an employee's weekend allowance, and the cover it leaves
/// open is only won back by chains of changes across several rows that the annealing rarely
/// completes. The search therefore prices a split weekend at a tenth of the largest weekend
/// shortfall weight when the weekend cover targets reach 90 % of the employees' weekend days
/// (every day of each employee's `max_weekends` weekends with the most assignable days).
/// One-minute runs: Instance13 (482 weekend cover places, 500 weekend days) averaged 1798 over
/// six seeds against 1845 over eight without; Instances 20, 21 and 23 came out 1–2 % lower in
/// two runs each and Instance24 at 67,716 (69k–79k before); every other instance unchanged.
fn split_weekend_guide(p: &Problem<'_>) -> i64 {
    if p.weekend_count == 0 {
        return 0;
    }
    let mut demand = 0;
    let mut shortfall_weight = 0;
    for d in (0..p.h).filter(|&d| p.weekend_of[d] != u32::MAX) {
        for s in 0..p.t {
            let [min, preferred, under_min, under_preferred, _] = p.cover[d * p.t + s];
            demand += preferred.max(min);
            shortfall_weight = shortfall_weight.max(under_min + under_preferred);
        }
    }
    let off = p.off();
    let mut supply = 0;
    for e in 0..p.n {
        let mut days = vec![0i64; p.weekend_count];
        for d in (0..p.h).filter(|&d| p.weekend_of[d] != u32::MAX) {
            if p.assignable(e, d).iter().any(|&c| c != off) {
                days[p.weekend_of[d] as usize] += 1;
            }
        }
        days.sort_unstable_by(|a, b| b.cmp(a));
        supply += days.iter().take(p.max_weekends[e].clamp(0, p.weekend_count as i64) as usize).sum::<i64>();
    }
    if demand > 0 && 10 * demand >= 9 * supply { shortfall_weight / 10 } else { 0 }
}

impl<'m> Problem<'m> {
    pub(crate) fn new(model: &'m Model) -> Problem<'m> {
        let n = model.employee_count();
        let h = model.days();
        let t = model.shift_type_count();
        let c = t + 1;
        let mut length: Vec<i64> = model.shift_types().iter().map(|s| i64::from(s.length_minutes)).collect();
        length.push(0);

        let mut request_cost = vec![0i32; n * h * c];
        for request in model.requests() {
            let base = (request.employee * h + request.day) * c;
            let weight = request.weight as i32;
            for choice in 0..c {
                let off = choice == t;
                let violated = match (request.kind, request.shift) {
                    (RequestKind::On, Some(shift)) => choice != shift,
                    (RequestKind::On, None) => off,
                    (RequestKind::Off, Some(shift)) => choice == shift,
                    (RequestKind::Off, None) => !off,
                };
                if violated {
                    request_cost[base + choice] += weight;
                }
            }
        }

        let mut cell_hard = vec![0u8; n * h * c];
        for (e, employee) in model.employees().iter().enumerate() {
            let mut days_off = employee.days_off.clone();
            days_off.sort_unstable();
            days_off.dedup();
            for d in days_off {
                for s in 0..t {
                    cell_hard[(e * h + d) * c + s] += 1;
                }
            }
            let mut unavailable = employee.unavailable.clone();
            unavailable.sort_unstable();
            unavailable.dedup();
            for (d, s) in unavailable {
                cell_hard[(e * h + d) * c + s] += 1;
            }
            for (s, shift) in model.shift_types().iter().enumerate() {
                if let Some(skill) = shift.required_skill
                    && !employee.skills.contains(&skill)
                {
                    for d in 0..h {
                        cell_hard[(e * h + d) * c + s] += 1;
                    }
                }
            }
        }

        let mut assignable_start = Vec::with_capacity(n * h + 1);
        let mut assignable_list = Vec::new();
        for (e, employee) in model.employees().iter().enumerate() {
            for d in 0..h {
                assignable_start.push(assignable_list.len() as u32);
                for choice in 0..c {
                    let allowed_type = choice == t || employee.max_shifts_per_type[choice] > 0;
                    if allowed_type && cell_hard[(e * h + d) * c + choice] == 0 {
                        assignable_list.push(choice as u8);
                    }
                }
            }
        }
        assignable_start.push(assignable_list.len() as u32);

        let max_offset =
            model.forbidden_successions().iter().map(|r| r.day_offset as usize).max().unwrap_or(0);
        let mut forbidden = vec![false; max_offset * c * c];
        let mut restricts_after = vec![false; c];
        for rule in model.forbidden_successions() {
            let k = rule.day_offset as usize;
            restricts_after[rule.first] = true;
            for then in 0..t {
                if rule.then.is_none_or(|x| x == then) {
                    forbidden[(k - 1) * c * c + rule.first * c + then] = true;
                }
            }
        }

        let employees = model.employees();
        let clamp = |x: u32| if x == u32::MAX { i64::MAX / 4 } else { i64::from(x) };
        let weekend_of: Vec<u32> =
            (0..h).map(|d| model.weekend_of(d).map_or(u32::MAX, |w| w as u32)).collect();

        let mut cover = Vec::with_capacity(h * t);
        for d in 0..h {
            for s in 0..t {
                let k = model.cover(d, s);
                cover.push([
                    i64::from(k.min),
                    i64::from(k.preferred),
                    i64::from(k.weight_under_min),
                    i64::from(k.weight_under_preferred),
                    i64::from(k.weight_over_preferred),
                ]);
            }
        }

        let supervision = model
            .supervision()
            .iter()
            .map(|r| Supervision {
                supervised: r.supervised_shift,
                backup: r.backup_shift,
                weight: i64::from(r.weight),
                offset: r.backup_day_offset,
                applies: (0..h).map(|d| r.applies_on(d)).collect(),
            })
            .collect();
        let supervision_skilled = model
            .supervision()
            .iter()
            .map(|r| (0..n).map(|e| model.has_skill(e, r.skill)).collect())
            .collect();

        let mut points = vec![0i64; h * c];
        let mut fairness_weight = 0;
        let mut fairness_divisor = 1;
        if let Some(fairness) = model.fairness() {
            fairness_weight = i64::from(fairness.weight);
            fairness_divisor = i64::from(fairness.divisor.max(1));
            for d in 0..h {
                for s in 0..t {
                    points[d * c + s] = i64::from(fairness.points[d][s]);
                }
            }
        }
        let fairness_pool = (0..n).map(|e| model.fairness_pool(e)).collect();
        let (fairness_share, fairness_balance) = (0..n).map(|e| model.fairness_account(e)).unzip();

        let shifts_hold_following_days =
            model.shift_types().iter().any(|shift| shift.following_days_held > 0);
        let mut weekends_held = Vec::new();
        if shifts_hold_following_days {
            weekends_held = vec![[u32::MAX; 2]; h * c];
            for d in 0..h {
                for s in 0..t {
                    for (slot, weekend) in model.weekends_held(d, s).enumerate() {
                        weekends_held[d * c + s][slot] = weekend as u32;
                    }
                }
            }
        }

        let mut weekend_length = vec![0u8; model.weekend_count()];
        for &w in weekend_of.iter().filter(|&&w| w != u32::MAX) {
            weekend_length[w as usize] += 1;
        }
        let mut problem = Problem {
            model,
            n,
            h,
            t,
            length,
            request_cost,
            cell_hard,
            assignable_start,
            assignable_list,
            max_offset,
            forbidden,
            restricts_after,
            max_per_type: employees.iter().flat_map(|e| e.max_shifts_per_type.iter().copied()).collect(),
            min_minutes: employees.iter().map(|e| i64::from(e.min_total_minutes)).collect(),
            max_minutes: employees.iter().map(|e| clamp(e.max_total_minutes)).collect(),
            max_consecutive: employees.iter().map(|e| clamp(e.max_consecutive_working_days)).collect(),
            min_consecutive: employees.iter().map(|e| i64::from(e.min_consecutive_working_days)).collect(),
            min_off: employees.iter().map(|e| i64::from(e.min_consecutive_days_off)).collect(),
            max_weekends: employees.iter().map(|e| clamp(e.max_weekends)).collect(),
            weekend_of,
            weekend_count: model.weekend_count(),
            shifts_hold_following_days,
            weekends_held,
            following_days_held: model
                .shift_types()
                .iter()
                .map(|shift| shift.following_days_held)
                .chain(std::iter::once(0))
                .collect(),
            cover,
            supervision,
            supervision_skilled,
            points,
            fairness_weight,
            fairness_divisor,
            fairness_pool,
            fairness_share,
            fairness_balance,
            fairness_pools: model.fairness_pool_count(),
            fairness_caps: (0..model.fairness_pool_count()).map(|pool| model.fairness_cap(pool)).collect(),
            weekend_length,
            split_weekend_guide: 0,
        };
        problem.split_weekend_guide = split_weekend_guide(&problem);
        problem
    }

    /// Cell value of a day off.
    #[inline]
    pub(crate) fn off(&self) -> u8 {
        self.t as u8
    }

    /// Weekends `choice` on day `d` holds besides the one `d` itself belongs to (a Friday night
    /// holds one).
    #[inline]
    pub(crate) fn weekends_reached(&self, d: usize, choice: u8) -> usize {
        if !self.shifts_hold_following_days {
            return 0;
        }
        self.weekends_held(d, choice).filter(|&weekend| weekend as u32 != self.weekend_of[d]).count()
    }

    /// The weekends `choice` on day `d` holds, where shifts may hold following days
    /// ([`Problem::shifts_hold_following_days`]).
    #[inline]
    pub(crate) fn weekends_held(&self, d: usize, choice: u8) -> impl Iterator<Item = usize> + '_ {
        let held: &[u32] =
            if choice == self.off() { &[] } else { &self.weekends_held[d * (self.t + 1) + choice as usize] };
        held.iter().take_while(|&&weekend| weekend != u32::MAX).map(|&weekend| weekend as usize)
    }

    /// Choices employee `e` may take on day `d` without a cell-level hard violation.
    #[inline]
    pub(crate) fn assignable(&self, e: usize, d: usize) -> &[u8] {
        let i = e * self.h + d;
        &self.assignable_list[self.assignable_start[i] as usize..self.assignable_start[i + 1] as usize]
    }

    #[inline]
    pub(crate) fn is_forbidden(&self, offset: usize, first: u8, then: u8) -> bool {
        let c = self.t + 1;
        self.forbidden[(offset - 1) * c * c + first as usize * c + then as usize]
    }

    #[inline]
    pub(crate) fn cover_cost(&self, d: usize, s: usize, n: i64) -> i64 {
        let [min, preferred, under_min, under_preferred, over] = self.cover[d * self.t + s];
        (min - n).max(0) * under_min
            + (preferred - n).max(0) * under_preferred
            + (n - preferred).max(0) * over
    }

    #[inline]
    pub(crate) fn request(&self, e: usize, d: usize, choice: u8) -> i64 {
        i64::from(self.request_cost[(e * self.h + d) * (self.t + 1) + choice as usize])
    }

    #[inline]
    pub(crate) fn cell_hard_units(&self, e: usize, d: usize, choice: u8) -> i64 {
        i64::from(self.cell_hard[(e * self.h + d) * (self.t + 1) + choice as usize])
    }

    /// Hard units of the total-minutes rules for `minutes` worked: started hours outside the range.
    #[inline]
    pub(crate) fn minutes_units(&self, e: usize, minutes: i64) -> i64 {
        let below = (self.min_minutes[e] - minutes).max(0);
        let above = (minutes - self.max_minutes[e]).max(0);
        (below + 59) / 60 + (above + 59) / 60
    }
}

/// A supervision rule of the model ([`crate::model::SupervisionRule`]).
#[derive(Debug, Clone)]
pub(crate) struct Supervision {
    pub(crate) supervised: usize,
    pub(crate) backup: usize,
    pub(crate) weight: i64,
    /// Days from the backup shift's start to the supervised day.
    pub(crate) offset: usize,
    /// Per day: whether the rule applies.
    pub(crate) applies: Vec<bool>,
}
