//! Large-neighbourhood move: re-optimise a window of one employee's row against everybody else,
//! by dynamic programming over the days of the window.
//!
//! With the other rows fixed, putting the employee on (day, choice) has a known marginal cost:
//! the change in that cover line's cost, the employee's request cost, and the supervision change.
//! The best window is then a shortest path through states
//! `(last choice, length of the current run, whether that run touches day 0, minutes worked in the
//! window, weekends worked in the window)`, which enforces exactly: cell availability, successions
//! at offset 1 (and longer offsets against the fixed days before the window), the longest and
//! shortest runs of work and of days off (joined with the fixed days on both sides, with the edge
//! exemptions), the total-minutes range and the weekend limit. The per-type maxima are handled by
//! Lagrangian prices raised until the path respects them. Fairness and successions at offsets
//! above 1 inside the window are left to the exact delta that decides whether the move is taken.
//!
//! For column generation ([`RowDp::solve_priced`]) the same program prices whole rows against
//! given cell prices; there the most constrained shift type's count is part of the state, so its
//! maximum is exact rather than priced.
//!
//! Where shifts hold following days ([`crate::model::ShiftType::following_days_held`]: a Friday
//! night holds the Saturday), a weekend is counted on the first window day whose shift holds it
//! when the day before holds it not, unless a day outside the window holds it already. That is
//! exact but for a weekend held by shifts starting on days that are not consecutive (a Friday
//! night, Saturday off, a Sunday shift), which it counts twice: the program's rows stay within the
//! weekend limit, at the price of missing such rows for someone at the limit (the search's
//! single-cell moves still find them).
//!
//! Minutes are counted in units of the greatest common divisor of the shift lengths (120 minutes
//! in most benchmark instances), which keeps the state space small.

use super::problem::Problem;
use super::state::State;

const INF: i64 = i64::MAX / 4;

/// Reusable buffers for the dynamic program.
#[derive(Default)]
pub(crate) struct RowDp {
    /// Work estimate of the last call (states × choices × days), for sizing windows.
    pub(crate) last_work: usize,
    /// For the last priced call: a lower bound on the cost of every row that meets the rules
    /// (the program's own optimum when no type had to be priced, otherwise the best Lagrangian
    /// bound of its rounds).
    lower_bound: i64,
    cost: Vec<i64>,
    next_cost: Vec<i64>,
    back: Vec<u32>,
    cell_cost: Vec<i64>,
    allowed: Vec<bool>,
    choices: Vec<u8>,
    result: Vec<u8>,
    best_result: Vec<u8>,
    reached: Vec<u32>,
    next_reached: Vec<u32>,
    group_of: Vec<usize>,
    group_rep: Vec<u8>,
    group_cost: Vec<i64>,
    group_member: Vec<u8>,
    group_units: Vec<usize>,
    head_working: Vec<bool>,
    next_head: Vec<u32>,
    prefix_open: Vec<bool>,
    weekend_steps: Vec<usize>,
    /// Where shifts hold following days: per window day, previous group and group, the weekends
    /// newly counted.
    held_steps: Vec<usize>,
    need: Vec<usize>,
    /// Tests compare priced calls with and without dropping the states that cannot reach the
    /// minimum minutes.
    #[cfg(test)]
    unpruned: bool,
    /// Tests compare priced calls that stop once their bound meets their row with calls that run
    /// every round, and count the rounds run.
    #[cfg(test)]
    every_round: bool,
    #[cfg(test)]
    rounds_run: usize,
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Price of an hour below the minimum total minutes (far above any soft cost of one cell).
const MINUTES_DEFICIT_PRICE_PER_HOUR: i64 = 10_000;

/// Priced calls count a type's shifts in the state when at most this many remain.
const MAX_TRACKED: usize = 16;

/// Limits on the state space: windows whose states would exceed this are skipped.
const MAX_STATES: usize = 400_000;

impl RowDp {
    /// Finds the best replacement for days `a … b` of row `e` ([`RowDp::result`]); false when the
    /// window admits no row that meets the rules the program enforces, or the state space is too
    /// large.
    pub(crate) fn solve(
        &mut self,
        p: &Problem<'_>,
        state: &State,
        fixed: &[bool],
        e: usize,
        a: usize,
        b: usize,
    ) -> bool {
        self.solve_with_minimum(p, state, fixed, e, a, b, p.min_minutes[e])
    }

    /// [`RowDp::solve`] with the row's minimum total minutes replaced by `minimum_minutes` (the
    /// construction asks each window for its share of the minimum).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn solve_with_minimum(
        &mut self,
        p: &Problem<'_>,
        state: &State,
        fixed: &[bool],
        e: usize,
        a: usize,
        b: usize,
        minimum_minutes: i64,
    ) -> bool {
        self.solve_inner(p, state, Some(fixed), e, a, b, minimum_minutes, None, MAX_STATES)
    }

    /// The best whole row of employee `e` when putting `choice` on day `d` costs
    /// `prices[d * (T + 1) + choice]` (the pricing problem of column generation), under the same
    /// rules as [`RowDp::solve`]; `state` only supplies shapes. Allows `state_limit` states.
    pub(crate) fn solve_priced(
        &mut self,
        p: &Problem<'_>,
        state: &State,
        e: usize,
        prices: &[i64],
        state_limit: usize,
    ) -> bool {
        self.solve_inner(p, state, None, e, 0, p.h - 1, p.min_minutes[e], Some(prices), state_limit)
    }

    /// [`RowDp::solve_priced`] for days `a … b` of row `e` only, the rest of the row as in
    /// `state`: the best replacement of that window ([`RowDp::result`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn solve_priced_window(
        &mut self,
        p: &Problem<'_>,
        state: &State,
        e: usize,
        a: usize,
        b: usize,
        prices: &[i64],
        state_limit: usize,
    ) -> bool {
        self.solve_inner(p, state, None, e, a, b, p.min_minutes[e], Some(prices), state_limit)
    }

    #[allow(clippy::too_many_arguments)]
    fn solve_inner(
        &mut self,
        p: &Problem<'_>,
        state: &State,
        fixed: Option<&[bool]>,
        e: usize,
        a: usize,
        b: usize,
        minimum_minutes: i64,
        prices: Option<&[i64]>,
        state_limit: usize,
    ) -> bool {
        let h = p.h;
        let off = p.off();
        let len = b - a + 1;
        let row = &state.cells[e * h..(e + 1) * h];

        // Choices this employee can take somewhere in the window, off always included.
        self.choices.clear();
        for c in 0..p.t {
            if p.max_per_type[e * p.t + c] > 0 && (a..=b).any(|d| p.cell_hard_units(e, d, c as u8) == 0) {
                self.choices.push(c as u8);
            }
        }
        self.choices.push(off);
        let nc = self.choices.len();
        let off_index = nc - 1;

        let mut remaining = vec![i64::MAX; nc];
        for (ci, &c) in self.choices[..off_index].iter().enumerate() {
            let s = c as usize;
            let outside =
                i64::from(state.type_count(p, e, s)) - row[a..=b].iter().filter(|&&x| x == c).count() as i64;
            remaining[ci] = i64::from(p.max_per_type[e * p.t + s]) - outside;
        }
        // Priced calls count the most constrained type that could be over-used in the state
        // itself, exactly: prices alone swing between all and none of a valuable type (pricing
        // night shifts limited to four on Instance8 missed rows by a wide margin).
        let tracked: Option<usize> = if prices.is_some() {
            (0..off_index)
                .filter(|&ci| {
                    remaining[ci] >= 0 && remaining[ci] < len as i64 && remaining[ci] < MAX_TRACKED as i64
                })
                .min_by_key(|&ci| remaining[ci])
        } else {
            None
        };
        let count_slots = tracked.map_or(1, |ci| remaining[ci] as usize + 1);

        // Choices of equal length that forbid and are forbidden by the same successions are
        // interchangeable for the program's state: it runs over these groups and takes, each
        // day, the cheapest member of a group (benchmark instances with 10–32 shift types have
        // 4–14 groups). A tracked type is a group of its own.
        self.group_of.clear();
        self.group_rep.clear();
        let mut tracked_group = usize::MAX;
        for ci in 0..nc {
            let c = self.choices[ci];
            let found = if tracked == Some(ci) {
                tracked_group = self.group_rep.len();
                None
            } else {
                (0..self.group_rep.len())
                    .find(|&g| g != tracked_group && interchangeable(p, self.group_rep[g], c))
            };
            match found {
                Some(g) => self.group_of.push(g),
                None => {
                    self.group_of.push(self.group_rep.len());
                    self.group_rep.push(c);
                }
            }
        }
        let ng = self.group_rep.len();

        // Minutes unit and bounds for the window.
        let mut unit = 0;
        for &c in &self.choices[..off_index] {
            unit = gcd(unit, p.length[c as usize]);
        }
        let unit = unit.max(1);
        let outside_minutes: i64 =
            state.minutes(e) - row[a..=b].iter().map(|&c| p.length[c as usize]).sum::<i64>();
        let longest = self.choices[..off_index].iter().map(|&c| p.length[c as usize]).max().unwrap_or(0);
        let window_cap = (longest / unit) * len as i64;
        // When the rest of the row already breaks the minutes range, get as close as the window
        // allows instead of giving up: the search may be repairing an infeasible roster.
        let max_units = ((p.max_minutes[e] - outside_minutes).div_euclid(unit)).min(window_cap).max(0);
        let min_units = (minimum_minutes - outside_minutes + unit - 1).div_euclid(unit).clamp(0, max_units);
        let units = max_units as usize + 1;
        let deficit_price = MINUTES_DEFICIT_PRICE_PER_HOUR * unit / 60;

        // Weekends: those wholly outside the window are fixed; those touching it are counted here,
        // together with any of their days outside the window.
        let mut touched = vec![false; p.weekend_count];
        for d in a..=b {
            if p.weekend_of[d] != u32::MAX {
                touched[p.weekend_of[d] as usize] = true;
            }
        }
        let mut outside_worked = vec![false; p.weekend_count];
        for d in (0..a).chain(b + 1..h) {
            if p.shifts_hold_following_days {
                for w in p.weekends_held(d, row[d]) {
                    outside_worked[w] = true;
                }
                continue;
            }
            let w = p.weekend_of[d];
            if w != u32::MAX && row[d] != off {
                outside_worked[w as usize] = true;
            }
        }
        // Where shifts hold following days, the window counts only weekends no outside day holds.
        let fixed_weekends = (0..p.weekend_count)
            .filter(|&w| (p.shifts_hold_following_days || !touched[w]) && outside_worked[w])
            .count() as i64;
        let max_window_weekends = (p.max_weekends[e] - fixed_weekends).max(0);
        // Weekends the window can count: those it touches, and those its shifts reach.
        let reachable = if p.shifts_hold_following_days {
            (a..=b).map(|d| self.choices.iter().map(|&c| p.weekends_reached(d, c)).max().unwrap_or(0)).sum()
        } else {
            0
        };
        let touched_count = (touched.iter().filter(|&&t| t).count() + reachable) as i64;
        let weekend_slots = max_window_weekends.min(touched_count) as usize + 1;

        // Run lengths: exact up to the longest allowed work run when that binds, otherwise
        // saturated at the largest minimum that matters.
        let max_consecutive = p.max_consecutive[e];
        let bounded_work = max_consecutive < h as i64;
        let work_cap = if bounded_work { max_consecutive.max(1) } else { p.min_consecutive[e].max(1) };
        let off_cap = p.min_off[e].max(1);
        let run_slots = work_cap.max(off_cap) as usize;

        // The "touches day 0" flag only ever holds for a first run that starts on day 0.
        let x_slots =
            if a == 0 || (a > 0 && (0..a).all(|d| (row[d] != off) == (row[a - 1] != off))) { 2 } else { 1 };
        // The weekend count and the tracked type's count share one state coordinate.
        let wk_slots = weekend_slots * count_slots;
        let states = ng * run_slots * x_slots * units * wk_slots;
        self.last_work = states * ng * len;
        if states > state_limit || states * len > 8 * state_limit {
            return false;
        }
        let index = |ci: usize, r: usize, x: usize, u: usize, w: usize| -> usize {
            (((ci * run_slots + (r - 1)) * x_slots + x) * units + u) * wk_slots + w
        };

        // Marginal cost of each choice on each day, and whether it is allowed.
        self.cell_cost.clear();
        self.allowed.clear();
        for d in a..=b {
            let current = row[d];
            for &c in &self.choices {
                let mut allowed = p.cell_hard_units(e, d, c) == 0;
                if fixed.is_some_and(|fixed| fixed[e * h + d]) && c != current {
                    allowed = false;
                }
                if let Some(prices) = prices {
                    self.cell_cost.push(prices[d * (p.t + 1) + c as usize]);
                    self.allowed.push(allowed);
                    continue;
                }
                let mut cost = p.request(e, d, c) + state.supervision_delta(p, e, d, c);
                if c != off {
                    let s = c as usize;
                    let others = state.cover_count(p, d, s) - i64::from(current == c);
                    cost += p.cover_cost(d, s, others + 1) - p.cover_cost(d, s, others);
                }
                self.cell_cost.push(cost);
                self.allowed.push(allowed);
            }
        }

        // The fixed run before the window.
        let (prefix_working, prefix_length, prefix_touches_start) = if a == 0 {
            (false, 0i64, true)
        } else {
            let working = row[a - 1] != off;
            let mut start = a - 1;
            while start > 0 && (row[start - 1] != off) == working {
                start -= 1;
            }
            (working, (a - start) as i64, start == 0)
        };
        // The fixed run after the window.
        let (suffix_working, suffix_length, suffix_touches_end) = if b + 1 >= h {
            (false, 0i64, true)
        } else {
            let working = row[b + 1] != off;
            let mut end = b + 1;
            while end + 1 < h && (row[end + 1] != off) == working {
                end += 1;
            }
            (working, (end - b) as i64, end + 1 == h)
        };

        let min_work = p.min_consecutive[e];
        let min_off = p.min_off[e];

        // Transition tables, so that the inner loop only adds and looks up. A state's index is
        // `head * uw + u * wk_slots + w`, where the head is (group, run length, touches day 0).
        let uw = units * wk_slots;
        let heads = ng * run_slots * x_slots;
        let off_group = self.group_of[off_index];
        self.group_units.clear();
        self.group_units.extend(self.group_rep.iter().map(|&c| (p.length[c as usize] / unit) as usize));
        self.head_working.clear();
        self.next_head.clear();
        for head in 0..heads {
            let (ci, r, x) = (head / (run_slots * x_slots), head / x_slots % run_slots + 1, head % x_slots);
            let prev_choice = self.group_rep[ci];
            let prev_working = prev_choice != off;
            self.head_working.push(prev_working);
            for cj in 0..ng {
                let c = self.group_rep[cj];
                let working = c != off;
                let next = if p.max_offset > 0 && p.is_forbidden(1, prev_choice, c) {
                    None
                } else if working == prev_working {
                    let nr = r as i64 + 1;
                    if working && bounded_work && nr > max_consecutive {
                        None
                    } else {
                        Some((nr.min(if working { work_cap } else { off_cap }) as usize, x))
                    }
                } else {
                    let closing_ok =
                        x == 1 || if prev_working { r as i64 >= min_work } else { r as i64 >= min_off };
                    closing_ok.then_some((1, 0))
                };
                self.next_head.push(
                    next.map_or(u32::MAX, |(nr, nx)| ((cj * run_slots + nr - 1) * x_slots + nx) as u32),
                );
            }
        }
        // Priced calls only keep rows that reach the minimum minutes, so a state that cannot
        // reach them any more is dropped: at the end of window day `di` it needs at least
        // `need[di]` units, the minimum less the most the remaining days can add (the longest
        // shift on every day a run of at most the longest allowed work run, with a day off between
        // runs, could fill). On long horizons most of the minutes range is out of reach on most
        // days (Instance18: 55 minute levels, about ten reachable mid-horizon).
        #[cfg(test)]
        let prune = !self.unpruned;
        #[cfg(not(test))]
        let prune = true;
        let minimum = if prices.is_some() && prune { min_units as usize } else { 0 };
        let longest_units = self.group_units.iter().copied().max().unwrap_or(0);
        self.need.clear();
        for di in 0..len {
            let left = len - 1 - di;
            let work_days = if bounded_work {
                let cycle = max_consecutive.max(1) as usize + 1;
                left / cycle * (cycle - 1) + (left % cycle).min(cycle - 1)
            } else {
                left
            };
            self.need.push(minimum.saturating_sub(work_days * longest_units));
        }
        // Per day: whether each group may follow the fixed days before the window (successions
        // at offsets above 1), and the weekends counted by (previous works, this works).
        self.prefix_open.clear();
        self.weekend_steps.clear();
        self.held_steps.clear();
        for d in a..=b {
            for cj in 0..ng {
                let c = self.group_rep[cj];
                self.prefix_open
                    .push(d == a || p.max_offset <= 1 || self.successions_from_prefix(p, row, a, d, c));
            }
            if p.shifts_hold_following_days {
                for pg in 0..ng {
                    for cj in 0..ng {
                        let (prev, c) = (self.group_rep[pg], self.group_rep[cj]);
                        let new = p
                            .weekends_held(d, c)
                            .filter(|&w| !outside_worked[w])
                            .filter(|&w| d == a || p.weekends_held(d - 1, prev).all(|held| held != w))
                            .count();
                        self.held_steps.push(new);
                    }
                }
            }
            for prev in [off, 0] {
                for c in [off, 0] {
                    self.weekend_steps.push(weekend_step(p, a, b, d, prev, c, true, &outside_worked));
                }
            }
        }
        let mut lambda = vec![0i64; nc];

        // Priced calls (column generation) carry cell costs of any scale: they raise the prices of
        // over-used types in steps of that scale, over more rounds, bisect each price between the
        // last value that let the type be over-used and the last that did not, and keep the
        // cheapest path that respects every maximum.
        let priced = prices.is_some();
        let (rounds, step) = if priced {
            (12, (self.cell_cost.iter().map(|c| c.abs()).max().unwrap_or(0) / 16).max(60))
        } else {
            (6, 60)
        };
        #[cfg(test)]
        let stop_when_closed = !self.every_round;
        #[cfg(not(test))]
        let stop_when_closed = true;
        let mut low = vec![0i64; nc];
        let mut high = vec![i64::MAX; nc];
        let mut best_true = INF;
        self.best_result.clear();
        self.lower_bound = -INF;
        for _round in 0..rounds {
            #[cfg(test)]
            {
                self.rounds_run += 1;
            }
            self.group_cost.clear();
            self.group_cost.resize(len * ng, INF);
            self.group_member.clear();
            self.group_member.resize(len * ng, 0);
            for di in 0..len {
                for (ci, price) in lambda.iter().enumerate() {
                    if !self.allowed[di * nc + ci] {
                        continue;
                    }
                    let g = di * ng + self.group_of[ci];
                    let cost = self.cell_cost[di * nc + ci] + price;
                    if cost < self.group_cost[g] {
                        self.group_cost[g] = cost;
                        self.group_member[g] = ci as u8;
                    }
                }
            }
            self.cost.clear();
            self.cost.resize(states, INF);
            // Only entries of states reached this round are read back, and each was written when
            // its state was first reached: no need to clear the rest.
            if self.back.len() < states * len {
                self.back.resize(states * len, u32::MAX);
            }

            // Day a: from the fixed prefix.
            for ci in 0..ng {
                let c = self.group_rep[ci];
                if self.group_cost[ci] >= INF {
                    continue;
                }
                if !self.successions_from_prefix(p, row, a, a, c) {
                    continue;
                }
                let working = c != off;
                let (r, x) = if a == 0 {
                    (1i64, 1usize)
                } else if working == prefix_working {
                    (prefix_length + 1, usize::from(prefix_touches_start))
                } else {
                    // The prefix run ends at a − 1; a run starting at a later than day 0 is
                    // interior on the left.
                    let ok = if prefix_working {
                        prefix_touches_start || prefix_length >= min_work
                    } else {
                        prefix_touches_start || prefix_length >= min_off
                    };
                    if !ok {
                        continue;
                    }
                    (1, 0)
                };
                let r = if working {
                    if bounded_work && r > max_consecutive {
                        continue;
                    }
                    r.min(work_cap)
                } else {
                    r.min(off_cap)
                };
                let u = (p.length[c as usize] / unit) as usize;
                if u >= units {
                    continue;
                }
                let w = if p.shifts_hold_following_days {
                    self.held_steps[ci]
                } else {
                    weekend_step(p, a, b, a, off, c, false, &outside_worked)
                };
                let k = usize::from(ci == tracked_group);
                if w >= weekend_slots || k >= count_slots {
                    continue;
                }
                let i = index(ci, r as usize, x, u, w * count_slots + k);
                let cost = self.group_cost[ci];
                if cost < self.cost[i] {
                    self.cost[i] = cost;
                }
            }

            // Days a + 1 … b, expanding only the states reached the day before. `next_cost` is
            // all INF at the start of each day: the entries a day set are reset by its list.
            self.reached.clear();
            self.reached.extend((0..states).filter(|&i| self.cost[i] < INF).map(|i| i as u32));
            self.next_cost.clear();
            self.next_cost.resize(states, INF);
            for d in a + 1..=b {
                let di = d - a;
                let day_cost = &self.group_cost[di * ng..(di + 1) * ng];
                let day_open = &self.prefix_open[di * ng..(di + 1) * ng];
                let day_weekend = &self.weekend_steps[di * 4..(di + 1) * 4];
                let day_held = if p.shifts_hold_following_days {
                    &self.held_steps[di * ng * ng..(di + 1) * ng * ng]
                } else {
                    &[]
                };
                let need = self.need[di];
                let back = &mut self.back[di * states..(di + 1) * states];
                self.next_reached.clear();
                for &i in &self.reached {
                    let i = i as usize;
                    let base = self.cost[i];
                    let (head, tail) = (i / uw, i % uw);
                    let (u, w) = (tail / wk_slots, tail % wk_slots);
                    let (weeks, k) = (w / count_slots, w % count_slots);
                    let prev_working = self.head_working[head];
                    let prev_group = head / (run_slots * x_slots);
                    let next_heads = &self.next_head[head * ng..(head + 1) * ng];
                    for cj in 0..ng {
                        let next = next_heads[cj];
                        let cell = day_cost[cj];
                        if next == u32::MAX || cell >= INF || !day_open[cj] {
                            continue;
                        }
                        let nu = u + self.group_units[cj];
                        let nw = weeks
                            + if day_held.is_empty() {
                                day_weekend[usize::from(prev_working) * 2 + usize::from(cj != off_group)]
                            } else {
                                day_held[prev_group * ng + cj]
                            };
                        let nk = k + usize::from(cj == tracked_group);
                        if nu >= units || nu < need || nw >= weekend_slots || nk >= count_slots {
                            continue;
                        }
                        let j = next as usize * uw + nu * wk_slots + nw * count_slots + nk;
                        let cost = base + cell;
                        if cost < self.next_cost[j] {
                            if self.next_cost[j] >= INF {
                                self.next_reached.push(j as u32);
                            }
                            self.next_cost[j] = cost;
                            back[j] = i as u32;
                        }
                    }
                }
                for &i in &self.reached {
                    self.cost[i as usize] = INF;
                }
                std::mem::swap(&mut self.cost, &mut self.next_cost);
                std::mem::swap(&mut self.reached, &mut self.next_reached);
            }

            // Close against the fixed suffix and pick the best end state.
            let mut best = INF;
            let mut best_index = usize::MAX;
            for ci in 0..ng {
                let c = self.group_rep[ci];
                let working = c != off;
                if b + 1 < h && !self.successions_into_suffix(p, row, b, c) {
                    continue;
                }
                for r in 1..=run_slots {
                    for x in 0..x_slots {
                        let ok = if b + 1 >= h {
                            true
                        } else if working == suffix_working {
                            let total = r as i64 + suffix_length;
                            let interior = x == 0 && !suffix_touches_end;
                            if working {
                                (!bounded_work || total <= max_consecutive)
                                    && (!interior || total >= min_work)
                            } else {
                                !interior || total >= min_off
                            }
                        } else {
                            let own =
                                x == 1 || if working { r as i64 >= min_work } else { r as i64 >= min_off };
                            let suffix_ok = suffix_touches_end
                                || if suffix_working {
                                    suffix_length >= min_work
                                } else {
                                    suffix_length >= min_off
                                };
                            own && suffix_ok
                        };
                        if !ok {
                            continue;
                        }
                        for u in 0..units {
                            // Missing minutes are priced, not forbidden, so that a window that
                            // cannot reach the minimum still gets as close as it can; column
                            // generation wants rows that meet the rules, so there it is strict.
                            if priced && (u as i64) < min_units {
                                continue;
                            }
                            let shortfall = (min_units - u as i64).max(0) * deficit_price;
                            for w in 0..wk_slots {
                                let i = index(ci, r, x, u, w);
                                if self.cost[i] < INF && self.cost[i] + shortfall < best {
                                    best = self.cost[i] + shortfall;
                                    best_index = i;
                                }
                            }
                        }
                    }
                }
            }
            if best_index == usize::MAX {
                return false;
            }

            // Every row within the maxima costs at least the priced optimum less the prices the
            // maxima themselves would pay.
            let allowance: i64 = (0..off_index)
                .filter(|&ci| lambda[ci] > 0)
                .map(|ci| lambda[ci].saturating_mul(remaining[ci].max(0)))
                .fold(0i64, i64::saturating_add);
            self.lower_bound = self.lower_bound.max(best.saturating_sub(allowance));

            // Walk back.
            self.result.clear();
            self.result.resize(len, off);
            let mut i = best_index;
            let mut price_paid = 0;
            for di in (0..len).rev() {
                let ci = i / (run_slots * x_slots * units * wk_slots);
                let member = self.group_member[di * ng + ci] as usize;
                price_paid += lambda[member];
                self.result[di] = self.choices[member];
                if di > 0 {
                    i = self.back[di * states + i] as usize;
                }
            }

            // Per-type maxima: price the types used too often and try again.
            let mut violated = false;
            for ci in 0..off_index {
                let used = self.result.iter().filter(|&&x| x == self.choices[ci]).count() as i64;
                if used > remaining[ci] {
                    violated = true;
                    low[ci] = lambda[ci];
                    lambda[ci] = if priced && high[ci] != i64::MAX {
                        (low[ci] + high[ci] + 1) / 2
                    } else {
                        // Double the price and add the excess, so a few rounds suffice.
                        2 * lambda[ci] + step * (used - remaining[ci])
                    };
                }
            }
            if !violated {
                if !priced {
                    return true;
                }
                if best - price_paid < best_true {
                    best_true = best - price_paid;
                    self.best_result.clone_from(&self.result);
                }
                if lambda.iter().all(|&l| l == 0) {
                    break;
                }
                for ci in 0..off_index {
                    if lambda[ci] > 0 {
                        high[ci] = lambda[ci];
                        lambda[ci] = (low[ci] + high[ci]) / 2;
                    }
                }
            }
            // The bound has met the cheapest row within the maxima: it is optimal, and a later
            // round could neither replace it (only a cheaper row does) nor raise the bound.
            if priced && stop_when_closed && self.lower_bound >= best_true {
                break;
            }
        }
        if best_true < INF {
            std::mem::swap(&mut self.result, &mut self.best_result);
            return true;
        }
        false
    }

    /// The longest window, at most `longest` days and at least a week, whose program costs at most
    /// `work_limit` (the work estimate, measured on the first few employees); calls beyond about
    /// a million steps take over a millisecond, which starves the cheap moves.
    pub(crate) fn probe_window(
        &mut self,
        p: &Problem<'_>,
        state: &State,
        longest: usize,
        work_limit: usize,
    ) -> usize {
        let fixed = vec![false; p.n * p.h];
        let mut window = p.h.min(longest);
        while window > 7 {
            let widest = (0..p.n.min(8))
                .map(|e| {
                    self.solve(p, state, &fixed, e, 0, window - 1);
                    self.last_work
                })
                .max()
                .unwrap_or(0);
            if widest <= work_limit {
                break;
            }
            window = (window - 7).max(7);
        }
        window
    }

    /// Lower bound of the last [`RowDp::solve_priced`] on every row that meets the rules, in
    /// the units of its prices.
    pub(crate) fn lower_bound(&self) -> i64 {
        self.lower_bound
    }

    /// The window found by the last successful [`RowDp::solve`].
    pub(crate) fn result(&self) -> &[u8] {
        &self.result
    }

    /// Whether `choice` on day `d` is allowed after the fixed days before the window (offsets
    /// reaching back past `a`).
    fn successions_from_prefix(&self, p: &Problem<'_>, row: &[u8], a: usize, d: usize, choice: u8) -> bool {
        let off = p.off();
        if choice == off {
            return true;
        }
        for k in 1..=p.max_offset {
            if k > d {
                break;
            }
            let earlier = d - k;
            if earlier >= a {
                continue;
            }
            let first = row[earlier];
            if first != off && p.is_forbidden(k, first, choice) {
                return false;
            }
        }
        true
    }

    /// Whether `choice` on the window's last day `b` is compatible with the fixed days after it.
    fn successions_into_suffix(&self, p: &Problem<'_>, row: &[u8], b: usize, choice: u8) -> bool {
        if choice == p.off() {
            return true;
        }
        for k in 1..=p.max_offset {
            let later = b + k;
            if later >= p.h {
                break;
            }
            if p.is_forbidden(k, choice, row[later]) {
                return false;
            }
        }
        true
    }
}

/// Whether choices `x` and `y` behave identically in the program's transitions: same length
/// and the same forbidden successions in both directions at every offset.
fn interchangeable(p: &Problem<'_>, x: u8, y: u8) -> bool {
    if x == y {
        return true;
    }
    let off = p.off();
    if x == off
        || y == off
        || p.length[x as usize] != p.length[y as usize]
        || p.following_days_held[x as usize] != p.following_days_held[y as usize]
    {
        return false;
    }
    (1..=p.max_offset).all(|k| {
        (0..=p.t as u8).all(|z| {
            p.is_forbidden(k, x, z) == p.is_forbidden(k, y, z)
                && p.is_forbidden(k, z, x) == p.is_forbidden(k, z, y)
        })
    })
}

/// Weekends newly counted when `choice` is taken on day `d` of the window `a … b` (`prev` is the
/// previous window day's choice, meaningful when `has_prev`). A weekend is counted at its last
/// day inside the window, looking at its other days inside and outside the window.
#[allow(clippy::too_many_arguments)]
fn weekend_step(
    p: &Problem<'_>,
    a: usize,
    b: usize,
    d: usize,
    prev: u8,
    choice: u8,
    has_prev: bool,
    outside_worked: &[bool],
) -> usize {
    let w = p.weekend_of[d];
    if w == u32::MAX {
        return 0;
    }
    if d < b && p.weekend_of[d + 1] == w {
        // Counted on the next day.
        return 0;
    }
    let off = p.off();
    let mut worked = choice != off || outside_worked[w as usize];
    if has_prev && d > a && p.weekend_of[d - 1] == w && prev != off {
        worked = true;
    }
    usize::from(worked)
}

#[cfg(test)]
mod tests {
    use super::RowDp;
    use crate::cq::{parse_instance, parse_roster};
    use crate::model::Roster;
    use crate::optimise::problem::Problem;
    use crate::optimise::rng::Rng;
    use crate::optimise::state::State;

    fn benchmark(path: &str) -> String {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/benchmarks/shift-scheduling");
        std::fs::read_to_string(dir.join(path)).unwrap()
    }

    /// On a feasible roster, re-optimising any window keeps it feasible and never makes it worse:
    /// for benchmark models the program's costs are the exact soft delta.
    #[test]
    fn windows_of_a_feasible_roster_stay_feasible_and_do_not_worsen() {
        let model = parse_instance(&benchmark("instances/Instance7.txt")).unwrap();
        let roster =
            parse_roster(&model, &benchmark("reference-solutions/Instance7.monolith-colgen.run1.1187.tsv"))
                .unwrap();
        let p = Problem::new(&model);
        let mut state = State::from_roster(&p, &roster);
        assert_eq!((state.soft, state.hard), (1187, 0));
        let fixed = vec![false; p.n * p.h];
        let mut dp = RowDp::default();
        let mut rng = Rng::new(3);
        for _ in 0..200 {
            let e = rng.below(p.n);
            let len = 1 + rng.below(p.h);
            let a = rng.below(p.h - len + 1);
            assert!(dp.solve(&p, &state, &fixed, e, a, a + len - 1), "employee {e}, days {a}+{len}");
            let before = state.soft;
            let result = dp.result().to_vec();
            state.set_range(&p, e, a, &result);
            assert_eq!(state.hard, 0, "employee {e}, days {a}+{len}");
            assert!(state.soft <= before);
        }
    }

    /// From the empty roster, a whole-row window builds a row meeting every rule of that row.
    #[test]
    fn whole_rows_built_from_the_empty_roster_are_feasible() {
        // Instance12 has ten shift types in four interchangeable groups (grouped states).
        for number in [16, 12] {
            let model = parse_instance(&benchmark(&format!("instances/Instance{number}.txt"))).unwrap();
            let p = Problem::new(&model);
            let mut state = State::from_roster(&p, &Roster::empty_for(&model));
            let fixed = vec![false; p.n * p.h];
            let mut dp = RowDp::default();
            for e in 0..p.n {
                assert!(dp.solve(&p, &state, &fixed, e, 0, p.h - 1), "Instance{number}, employee {e}");
                let before = state.soft;
                let result = dp.result().to_vec();
                state.set_range(&p, e, 0, &result);
                assert_eq!(state.hard_by_employee[e], 0, "Instance{number}, employee {e}");
                // Re-solving against the same cover finds nothing better.
                assert!(dp.solve(&p, &state, &fixed, e, 0, p.h - 1));
                let again = dp.result().to_vec();
                let (soft, hard) = state.set_range(&p, e, 0, &again);
                assert!(soft <= 0 && hard == 0 && state.soft <= before);
            }
            assert_eq!(state.hard, 0, "Instance{number}");
        }
    }

    /// Where shifts hold following days, rows keep to the weekend limit counted by the days held:
    /// Instance7 with its late shift holding the next morning and one weekend each. Whole rows
    /// from the empty roster and then random windows break no rule.
    #[test]
    fn rows_keep_the_weekend_limit_where_shifts_hold_following_days() {
        let mut spec = parse_instance(&benchmark("instances/Instance7.txt")).unwrap().spec().clone();
        let late = spec.shift_types.len() - 1;
        spec.shift_types[late].following_days_held = 1;
        for employee in &mut spec.employees {
            employee.max_weekends = employee.max_weekends.min(1);
        }
        let model = crate::model::Model::new(spec).unwrap();
        let p = Problem::new(&model);
        assert!(p.shifts_hold_following_days);
        let mut state = State::from_roster(&p, &Roster::empty_for(&model));
        let fixed = vec![false; p.n * p.h];
        let mut dp = RowDp::default();
        for e in 0..p.n {
            assert!(dp.solve(&p, &state, &fixed, e, 0, p.h - 1), "employee {e}");
            let result = dp.result().to_vec();
            state.set_range(&p, e, 0, &result);
            assert_eq!(state.hard_by_employee[e], 0, "employee {e}");
        }
        let mut rng = Rng::new(5);
        let mut weekend_fridays = 0;
        for _ in 0..400 {
            let e = rng.below(p.n);
            let len = 1 + rng.below(p.h);
            let a = rng.below(p.h - len + 1);
            if dp.solve(&p, &state, &fixed, e, a, a + len - 1) {
                let result = dp.result().to_vec();
                state.set_range(&p, e, a, &result);
                assert_eq!(state.hard_by_employee[e], 0, "employee {e}, days {a}+{len}");
            }
            weekend_fridays += (0..p.n)
                .filter(|&e| state.cell(&p, e, 4) == late as u8 || state.cell(&p, e, 11) == late as u8)
                .count();
        }
        let evaluation = crate::evaluate::evaluate(&model, &state.to_roster(&p)).unwrap();
        assert!(evaluation.is_feasible());
        assert!(weekend_fridays > 0, "late shifts on Fridays are rostered");
    }

    /// Priced whole rows (column generation's pricing) are the cheapest feasible rows: priced so
    /// that a feasible row is the only best one, the program returns exactly that row, with its
    /// cost as the lower bound, whatever states it leaves out on the way (on 84 days, most of the
    /// minutes range is out of reach of the minimum on most days and is skipped).
    #[test]
    fn pricing_finds_a_feasible_row_priced_as_the_only_best() {
        for number in [18, 7] {
            let model = parse_instance(&benchmark(&format!("instances/Instance{number}.txt"))).unwrap();
            let p = Problem::new(&model);
            let mut state = State::from_roster(&p, &Roster::empty_for(&model));
            let fixed = vec![false; p.n * p.h];
            let mut dp = RowDp::default();
            let mut rng = Rng::new(5);
            let choices = p.t + 1;
            let mut checked = 0;
            for e in 0..p.n {
                // A feasible row for the employee: the program's best answer to the cover the
                // rows before it leave.
                assert!(dp.solve(&p, &state, &fixed, e, 0, p.h - 1), "Instance{number}, employee {e}");
                let row = dp.result().to_vec();
                state.set_range(&p, e, 0, &row);
                if state.hard_by_employee[e] != 0 {
                    continue;
                }
                let prices: Vec<i64> = (0..p.h * choices)
                    .map(|i| {
                        let noise = rng.below(100) as i64;
                        if row[i / choices] as usize == i % choices { -1000 + noise } else { 1000 + noise }
                    })
                    .collect();
                assert!(dp.solve_priced(&p, &state, e, &prices, 1_500_000), "Instance{number}, employee {e}");
                assert_eq!(dp.result(), &row[..], "Instance{number}, employee {e}");
                let cost: i64 = row.iter().enumerate().map(|(d, &c)| prices[d * choices + c as usize]).sum();
                assert_eq!(dp.lower_bound(), cost, "Instance{number}, employee {e}");
                checked += 1;
            }
            assert!(checked >= p.n / 2, "Instance{number}: only {checked} feasible rows");
        }
    }

    /// A priced call stops as soon as its Lagrangian bound meets the cheapest row within the
    /// per-type maxima found so far, and returns the same row and bound as running every round:
    /// priced so that the types with the tightest maxima (on Instance13 nights and twelve-hour
    /// shifts, two to seven a month) pay most, most calls have to price some of those types, and
    /// some close early.
    #[test]
    fn pricing_stops_when_its_bound_meets_its_row() {
        let number = 13;
        let model = parse_instance(&benchmark(&format!("instances/Instance{number}.txt"))).unwrap();
        let p = Problem::new(&model);
        let state = State::from_roster(&p, &Roster::empty_for(&model));
        let choices = p.t + 1;
        let mut rng = Rng::new(11);
        let mut closing = RowDp::default();
        let mut every = RowDp { every_round: true, ..RowDp::default() };
        let mut closed_early = 0;
        for e in 0..p.n.min(16) {
            let scarce = |s: usize| (1..=8).contains(&p.max_per_type[e * p.t + s]);
            let prices: Vec<i64> = (0..p.h * choices)
                .map(|i| {
                    let c = i % choices;
                    if c == p.t {
                        0
                    } else if scarce(c) {
                        -3000 + rng.below(500) as i64
                    } else {
                        -200 + rng.below(400) as i64
                    }
                })
                .collect();
            closing.rounds_run = 0;
            every.rounds_run = 0;
            let found = closing.solve_priced(&p, &state, e, &prices, 1_500_000);
            assert_eq!(found, every.solve_priced(&p, &state, e, &prices, 1_500_000), "Instance{number}");
            if found {
                assert_eq!(closing.result(), every.result(), "Instance{number}, employee {e}");
                assert_eq!(closing.lower_bound(), every.lower_bound(), "Instance{number}, employee {e}");
                assert!(closing.rounds_run <= every.rounds_run);
                closed_early += usize::from(closing.rounds_run < every.rounds_run);
            }
        }
        assert!(closed_early > 0, "Instance{number}: no call closed early");
    }

    /// Dropping the states that can no longer reach the minimum minutes loses no row: priced so
    /// that work pays late in the horizon and costs early (rows pushed against the minimum on
    /// their last days, where the bound is tight), the program finds rows as cheap as without
    /// dropping them.
    #[test]
    fn pricing_drops_no_row_that_reaches_the_minimum() {
        for number in [18, 7, 13] {
            let model = parse_instance(&benchmark(&format!("instances/Instance{number}.txt"))).unwrap();
            let p = Problem::new(&model);
            let state = State::from_roster(&p, &Roster::empty_for(&model));
            let choices = p.t + 1;
            let mut rng = Rng::new(9);
            let mut pruned = RowDp::default();
            let mut full = RowDp { unpruned: true, ..RowDp::default() };
            for e in 0..p.n.min(12) {
                let prices: Vec<i64> = (0..p.h * choices)
                    .map(|i| {
                        let (d, c) = (i / choices, i % choices);
                        let lateness = (2000 * d / p.h) as i64;
                        if c == p.t { 0 } else { 1000 - lateness + rng.below(50) as i64 }
                    })
                    .collect();
                let found = pruned.solve_priced(&p, &state, e, &prices, 1_500_000);
                assert_eq!(found, full.solve_priced(&p, &state, e, &prices, 1_500_000), "Instance{number}");
                if found {
                    let cost = |row: &[u8]| -> i64 {
                        row.iter().enumerate().map(|(d, &c)| prices[d * choices + c as usize]).sum()
                    };
                    assert_eq!(cost(pruned.result()), cost(full.result()), "Instance{number}, employee {e}");
                }
            }
        }
    }
}
