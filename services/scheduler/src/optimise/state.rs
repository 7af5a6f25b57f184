//! The incremental roster state: the cells plus every running total the objective and the hard
//! rules depend on, so that changing a block of one employee's row is scored in time proportional
//! to the changed days (and the runs they touch), never the whole roster.
//!
//! Kept per employee: minutes worked, shifts per type, days worked per weekend and weekends
//! worked, fairness points. Kept per (day, shift type): how many are assigned (cover). Kept per
//! (supervision rule, day): unskilled workers on the supervised shift and skilled backups.
//!
//! Runs of working days and days off are not stored: a change to days `a … b` can only alter
//! the runs inside `[L, R]`, where `L` is the start of the run holding day `a − 1` and `R` the end
//! of the run holding day `b + 1` (both lie in unchanged cells, so they are the same before and
//! after), and those runs are re-measured by a short scan.
//!
//! The state tracks the soft objective exactly and the hard rules in the units of
//! [`crate::evaluate::HardViolation::penalty_units`]; the optimiser's tests check both against
//! the evaluator after long random move sequences.

use super::problem::Problem;
use crate::model::{FairnessSums, Roster};

/// Cells and running totals of one roster.
#[derive(Clone)]
pub(crate) struct State {
    pub(crate) cells: Vec<u8>,
    cover_n: Vec<i64>,
    minutes: Vec<i64>,
    per_type: Vec<u32>,
    weekend_days: Vec<u8>,
    /// Per (employee, weekend): shifts holding a day of it, where shifts may hold following days.
    weekend_holds: Vec<u8>,
    weekends: Vec<i64>,
    points: Vec<i64>,
    /// Per fairness pool: the running sums of its cost.
    fairness_sums: Vec<FairnessSums>,
    supervision_unskilled: Vec<i64>,
    supervision_backup: Vec<i64>,
    /// Soft objective.
    pub(crate) soft: i64,
    /// Search guidance on top of the objective ([`Problem::split_weekend_guide`] per split
    /// weekend); [`State::set_range`] reports its changes with the objective's.
    guide: i64,
    /// Hard penalty units.
    pub(crate) hard: i64,
    /// Hard penalty units per employee (every hard rule concerns one row).
    pub(crate) hard_by_employee: Vec<i64>,
}

impl State {
    pub(crate) fn from_roster(p: &Problem<'_>, roster: &Roster) -> State {
        let off = p.off();
        let mut cells = vec![off; p.n * p.h];
        for e in 0..p.n {
            for d in 0..p.h {
                if let Some(s) = roster.get(e, d) {
                    cells[e * p.h + d] = s as u8;
                }
            }
        }
        State::from_cells(p, cells)
    }

    /// Builds the totals from scratch (also the reference the incremental updates are checked
    /// against in debug tests).
    pub(crate) fn from_cells(p: &Problem<'_>, cells: Vec<u8>) -> State {
        let mut state = State {
            cells: vec![p.off(); p.n * p.h],
            cover_n: vec![0; p.h * p.t],
            minutes: vec![0; p.n],
            per_type: vec![0; p.n * p.t],
            weekend_days: vec![0; p.n * p.weekend_count],
            weekend_holds: if p.shifts_hold_following_days {
                vec![0; p.n * p.weekend_count]
            } else {
                Vec::new()
            },
            weekends: vec![0; p.n],
            points: vec![0; p.n],
            fairness_sums: vec![FairnessSums::default(); p.fairness_pools],
            supervision_unskilled: vec![0; p.supervision.len() * p.h],
            supervision_backup: vec![0; p.supervision.len() * p.h],
            soft: 0,
            guide: 0,
            hard: 0,
            hard_by_employee: vec![0; p.n],
        };
        // Start from the empty roster, whose scores are easy to state, then set every row through
        // the incremental path.
        for d in 0..p.h {
            for s in 0..p.t {
                state.soft += p.cover_cost(d, s, 0);
            }
        }
        for e in 0..p.n {
            for d in 0..p.h {
                state.soft += p.request(e, d, p.off());
            }
            state.hard += p.minutes_units(e, 0);
            state.hard_by_employee[e] = p.minutes_units(e, 0);
            if p.fairness_weight != 0 {
                state.fairness_sums[p.fairness_pool[e]].add(p.fairness_share[e], 0, p.fairness_balance[e], 1);
            }
            // An all-off row breaks no run rule: its one run touches both edges.
        }
        for (pool, sums) in state.fairness_sums.iter().enumerate() {
            state.soft += sums.cost(p.fairness_weight, p.fairness_divisor, p.fairness_caps[pool]);
        }
        for e in 0..p.n {
            let row = cells[e * p.h..(e + 1) * p.h].to_vec();
            state.set_range(p, e, 0, &row);
        }
        state
    }

    pub(crate) fn to_roster(&self, p: &Problem<'_>) -> Roster {
        let mut roster = Roster::empty(p.n, p.h);
        for e in 0..p.n {
            for d in 0..p.h {
                let c = self.cells[e * p.h + d];
                if c != p.off() {
                    roster.set(e, d, Some(c as usize));
                }
            }
        }
        roster
    }

    #[inline]
    pub(crate) fn cell(&self, p: &Problem<'_>, e: usize, d: usize) -> u8 {
        self.cells[e * p.h + d]
    }

    #[inline]
    pub(crate) fn cover_count(&self, p: &Problem<'_>, d: usize, s: usize) -> i64 {
        self.cover_n[d * p.t + s]
    }

    pub(crate) fn weekends_worked(&self, e: usize) -> i64 {
        self.weekends[e]
    }

    #[inline]
    pub(crate) fn minutes(&self, e: usize) -> i64 {
        self.minutes[e]
    }

    pub(crate) fn type_count(&self, p: &Problem<'_>, e: usize, s: usize) -> u32 {
        self.per_type[e * p.t + s]
    }

    /// Penalty (hard units) of the runs of employee `e` lying in `[lo, hi]`, which must start and
    /// end at run boundaries.
    fn runs_units(&self, p: &Problem<'_>, e: usize, lo: usize, hi: usize) -> i64 {
        let row = &self.cells[e * p.h..(e + 1) * p.h];
        let off = p.off();
        let mut units = 0;
        let mut start = lo;
        while start <= hi {
            let working = row[start] != off;
            let mut end = start;
            while end < hi && (row[end + 1] != off) == working {
                end += 1;
            }
            let length = (end - start + 1) as i64;
            let interior = start > 0 && end + 1 < p.h;
            if working {
                units += (length - p.max_consecutive[e]).max(0);
                if interior {
                    units += (p.min_consecutive[e] - length).max(0);
                }
            } else if interior {
                units += (p.min_off[e] - length).max(0);
            }
            start = end + 1;
        }
        units
    }

    /// The span `[L, R]` of whole runs that a change of days `a … b` of row `e` can affect.
    fn run_span(&self, p: &Problem<'_>, e: usize, a: usize, b: usize) -> (usize, usize) {
        let row = &self.cells[e * p.h..(e + 1) * p.h];
        let off = p.off();
        let mut lo = a;
        if a > 0 {
            lo = a - 1;
            let working = row[lo] != off;
            while lo > 0 && (row[lo - 1] != off) == working {
                lo -= 1;
            }
        }
        let mut hi = b;
        if b + 1 < p.h {
            hi = b + 1;
            let working = row[hi] != off;
            while hi + 1 < p.h && (row[hi + 1] != off) == working {
                hi += 1;
            }
        }
        (lo, hi)
    }

    /// A day inside a broken run or succession of row `e`, if any (for targeted repairs).
    pub(crate) fn broken_day(&self, p: &Problem<'_>, e: usize, pick: usize) -> Option<usize> {
        let mut days = Vec::new();
        let row = &self.cells[e * p.h..(e + 1) * p.h];
        let mut start = 0;
        while start < p.h {
            let end = {
                let mut end = start;
                while end + 1 < p.h && (row[end + 1] != p.off()) == (row[start] != p.off()) {
                    end += 1;
                }
                end
            };
            if self.runs_units(p, e, start, end) > 0 || self.succession_units(p, e, start, end) > 0 {
                days.push((start + end) / 2);
            }
            start = end + 1;
        }
        if days.is_empty() { None } else { Some(days[pick % days.len()]) }
    }

    /// Forbidden successions of row `e` with at least one end in `a … b`.
    fn succession_units(&self, p: &Problem<'_>, e: usize, a: usize, b: usize) -> i64 {
        if p.max_offset == 0 {
            return 0;
        }
        let row = &self.cells[e * p.h..(e + 1) * p.h];
        let off = p.off();
        let mut units = 0;
        let first_day = a.saturating_sub(p.max_offset);
        for d in first_day..=b {
            let first = row[d];
            if first == off || !p.restricts_after[first as usize] {
                continue;
            }
            for k in 1..=p.max_offset {
                let later = d + k;
                if later >= p.h {
                    break;
                }
                // Pairs wholly before `a` are unchanged; count only those touching the span.
                if d < a && later < a {
                    continue;
                }
                if p.is_forbidden(k, first, row[later]) {
                    units += 1;
                }
            }
        }
        units
    }

    fn employee_totals_units(&self, p: &Problem<'_>, e: usize) -> i64 {
        p.minutes_units(e, self.minutes[e]) + (self.weekends[e] - p.max_weekends[e]).max(0)
    }

    /// Moves employee `e`'s points in their pool's fairness sums from `before` to their current
    /// points, with the pool's cost.
    fn settle_fairness(&mut self, p: &Problem<'_>, e: usize, before: i64) {
        if p.fairness_weight == 0 || self.points[e] == before {
            return;
        }
        let (share, balance) = (p.fairness_share[e], p.fairness_balance[e]);
        let pool = p.fairness_pool[e];
        let cap = p.fairness_caps[pool];
        let sums = &mut self.fairness_sums[pool];
        self.soft -= sums.cost(p.fairness_weight, p.fairness_divisor, cap);
        sums.add(share, before, balance, -1);
        sums.add(share, self.points[e], balance, 1);
        self.soft += sums.cost(p.fairness_weight, p.fairness_divisor, cap);
    }

    /// Sets days `a … a + new.len() − 1` of row `e` to `new` and returns the change of
    /// (soft objective plus search guidance, hard units): the search moves by that sum, while
    /// [`State::soft`] stays the objective.
    pub(crate) fn set_range(&mut self, p: &Problem<'_>, e: usize, a: usize, new: &[u8]) -> (i64, i64) {
        if new.is_empty() {
            return (0, 0);
        }
        let b = a + new.len() - 1;
        let base = e * p.h;
        let off = p.off();
        let mut status_changes = false;
        let mut any_change = false;
        for (i, &c) in new.iter().enumerate() {
            let old = self.cells[base + a + i];
            if old != c {
                any_change = true;
                if (old == off) != (c == off) {
                    status_changes = true;
                }
            }
        }
        if !any_change {
            return (0, 0);
        }
        let soft_before = self.soft + self.guide;
        let hard_before = self.hard;
        let (lo, hi) = if status_changes { self.run_span(p, e, a, b) } else { (0, 0) };
        let mut local = self.succession_units(p, e, a, b) + self.employee_totals_units(p, e);
        if status_changes {
            local += self.runs_units(p, e, lo, hi);
        }
        self.hard -= local;
        let points_before = self.points[e];

        for (i, &c) in new.iter().enumerate() {
            let d = a + i;
            let old = self.cells[base + d];
            if old != c {
                self.change_cell(p, e, d, old, c);
            }
        }

        let mut local = self.succession_units(p, e, a, b) + self.employee_totals_units(p, e);
        if status_changes {
            local += self.runs_units(p, e, lo, hi);
        }
        self.hard += local;
        self.settle_fairness(p, e, points_before);
        self.hard_by_employee[e] += self.hard - hard_before;
        (self.soft + self.guide - soft_before, self.hard - hard_before)
    }

    /// Updates every per-cell total for one changed cell (runs, successions, minutes, weekends
    /// and fairness are settled by the caller).
    #[inline]
    fn change_cell(&mut self, p: &Problem<'_>, e: usize, d: usize, old: u8, new: u8) {
        let off = p.off();
        self.soft += p.request(e, d, new) - p.request(e, d, old);
        self.hard += p.cell_hard_units(e, d, new) - p.cell_hard_units(e, d, old);
        if old != off {
            let s = old as usize;
            let n = self.cover_n[d * p.t + s];
            self.soft += p.cover_cost(d, s, n - 1) - p.cover_cost(d, s, n);
            self.cover_n[d * p.t + s] = n - 1;
            let count = &mut self.per_type[e * p.t + s];
            if *count > p.max_per_type[e * p.t + s] {
                self.hard -= 1;
            }
            *count -= 1;
        }
        if new != off {
            let s = new as usize;
            let n = self.cover_n[d * p.t + s];
            self.soft += p.cover_cost(d, s, n + 1) - p.cover_cost(d, s, n);
            self.cover_n[d * p.t + s] = n + 1;
            let count = &mut self.per_type[e * p.t + s];
            *count += 1;
            if *count > p.max_per_type[e * p.t + s] {
                self.hard += 1;
            }
        }
        self.minutes[e] += p.length[new as usize] - p.length[old as usize];
        let w = p.weekend_of[d];
        if w != u32::MAX && (old == off) != (new == off) {
            let slot = &mut self.weekend_days[e * p.weekend_count + w as usize];
            let full = p.weekend_length[w as usize];
            let split = |worked: u8| i64::from(worked > 0 && worked < full);
            let before = split(*slot);
            let counts_weekends = !p.shifts_hold_following_days;
            if new == off {
                *slot -= 1;
                if *slot == 0 && counts_weekends {
                    self.weekends[e] -= 1;
                }
            } else {
                *slot += 1;
                if *slot == 1 && counts_weekends {
                    self.weekends[e] += 1;
                }
            }
            self.guide += p.split_weekend_guide * (split(*slot) - before);
        }
        if p.shifts_hold_following_days {
            // A weekday's shift may hold a weekend (a Friday night), and a weekend is worked as
            // long as any shift holds it.
            for w in p.weekends_held(d, old) {
                let holds = &mut self.weekend_holds[e * p.weekend_count + w];
                *holds -= 1;
                if *holds == 0 {
                    self.weekends[e] -= 1;
                }
            }
            for w in p.weekends_held(d, new) {
                let holds = &mut self.weekend_holds[e * p.weekend_count + w];
                *holds += 1;
                if *holds == 1 {
                    self.weekends[e] += 1;
                }
            }
        }
        if p.fairness_weight != 0 {
            let c = p.t + 1;
            self.points[e] += p.points[d * c + new as usize] - p.points[d * c + old as usize];
        }
        self.cells[e * p.h + d] = new;
        for r in 0..p.supervision.len() {
            if let Some((i, unskilled_delta, backup_delta)) = self.supervision_change(p, r, e, d, old, new) {
                let before = self.supervision_cost(p, r, i, 0, 0);
                self.supervision_unskilled[i] += unskilled_delta;
                self.supervision_backup[i] += backup_delta;
                self.soft += self.supervision_cost(p, r, i, 0, 0) - before;
            }
        }
    }

    /// How employee `e`'s cell on day `d` going from `old` to `new` changes rule `r`: the index of
    /// the (rule, day) it touches, and the change of its unskilled workers and skilled backups.
    /// An unskilled worker counts on their own day; a skilled backup on the day the rule's offset
    /// after their shift's start.
    #[inline]
    fn supervision_change(
        &self,
        p: &Problem<'_>,
        r: usize,
        e: usize,
        d: usize,
        old: u8,
        new: u8,
    ) -> Option<(usize, i64, i64)> {
        let rule = &p.supervision[r];
        if p.supervision_skilled[r][e] {
            let delta = i64::from(new as usize == rule.backup) - i64::from(old as usize == rule.backup);
            let day = d + rule.offset;
            (delta != 0 && day < p.h).then_some((r * p.h + day, 0, delta))
        } else {
            let delta =
                i64::from(new as usize == rule.supervised) - i64::from(old as usize == rule.supervised);
            (delta != 0).then_some((r * p.h + d, delta, 0))
        }
    }

    /// The cost of (rule `r`, day) at index `i`, with its counts changed by the deltas.
    #[inline]
    fn supervision_cost(
        &self,
        p: &Problem<'_>,
        r: usize,
        i: usize,
        unskilled_delta: i64,
        backup_delta: i64,
    ) -> i64 {
        let rule = &p.supervision[r];
        let (unskilled, backups) =
            (self.supervision_unskilled[i] + unskilled_delta, self.supervision_backup[i] + backup_delta);
        if backups == 0 && rule.applies[i - r * p.h] { unskilled * rule.weight } else { 0 }
    }

    /// Soft cost of the supervision rules on day `d` if employee `e` took `choice` there instead
    /// of their current cell, minus the current cost (used by the row re-optimiser).
    pub(crate) fn supervision_delta(&self, p: &Problem<'_>, e: usize, d: usize, choice: u8) -> i64 {
        let current = self.cells[e * p.h + d];
        let mut delta = 0;
        for r in 0..p.supervision.len() {
            if let Some((i, unskilled_delta, backup_delta)) =
                self.supervision_change(p, r, e, d, current, choice)
            {
                delta += self.supervision_cost(p, r, i, unskilled_delta, backup_delta)
                    - self.supervision_cost(p, r, i, 0, 0);
            }
        }
        delta
    }
}

#[cfg(test)]
mod tests {
    use super::State;
    use crate::model::{Cover, Employee, Model, ModelSpec, Roster, ShiftType, Weekday};
    use crate::optimise::problem::Problem;

    /// One week, one shift type wanted twice a day, and `staff` employees who may each work one
    /// weekend: with two, the weekend's four cover places take every weekend day there is.
    fn week(staff: usize) -> Model {
        let shift_types = vec![ShiftType {
            code: "D".into(),
            length_minutes: 480,
            required_skill: None,
            following_days_held: 0,
        }];
        let employees = (0..staff)
            .map(|i| {
                let mut employee = Employee::unrestricted(format!("E{i}"), 1);
                employee.max_weekends = 1;
                employee
            })
            .collect();
        let wanted = Cover {
            min: 0,
            preferred: 2,
            weight_under_min: 0,
            weight_under_preferred: 100,
            weight_over_preferred: 1,
        };
        Model::new(ModelSpec {
            days: 7,
            first_weekday: Weekday::Monday,
            shift_types,
            forbidden_successions: Vec::new(),
            employees,
            requests: Vec::new(),
            cover: vec![vec![wanted]; 7],
            supervision: Vec::new(),
            fairness: None,
        })
        .unwrap()
    }

    #[test]
    fn a_split_weekend_is_priced_for_the_search_only_where_weekend_days_are_scarce() {
        let scarce = week(2);
        let p = Problem::new(&scarce);
        assert_eq!(p.split_weekend_guide, 10);
        let mut state = State::from_roster(&p, &Roster::empty_for(&scarce));
        let empty = state.soft;
        // Saturday alone: the cover gains 100, the split weekend costs the search 10.
        assert_eq!(state.set_range(&p, 0, 5, &[0]), (-90, 0));
        assert_eq!(state.soft, empty - 100);
        // Sunday too: the weekend is whole again.
        assert_eq!(state.set_range(&p, 0, 6, &[0]), (-110, 0));
        assert_eq!(state.soft, empty - 200);
        // Undone in the other order, the guidance returns to nothing.
        assert_eq!(state.set_range(&p, 0, 5, &[p.off()]), (110, 0));
        assert_eq!(state.set_range(&p, 0, 6, &[p.off()]), (90, 0));
        assert_eq!(state.soft, empty);

        let ample = week(3);
        let p = Problem::new(&ample);
        assert_eq!(p.split_weekend_guide, 0);
        let mut state = State::from_roster(&p, &Roster::empty_for(&ample));
        assert_eq!(state.set_range(&p, 0, 5, &[0]), (-100, 0));
    }
}
