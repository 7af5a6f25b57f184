//! One search thread: simulated annealing over a penalised objective, with cheap local moves and
//! large-neighbourhood moves built on the row re-optimisation of [`super::row_dp`].
//!
//! The searched function is `soft + guide + hard_weight × hard_units`, where `guide` prices
//! weekends worked on one day only where weekend days are scarce
//! ([`Problem::split_weekend_guide`](super::problem::Problem)); rosters are recorded and
//! compared by `soft` alone. Searching through infeasible
//! rosters lets moves pass between feasible regions that the tight benchmark rules (minimum runs,
//! minimum minutes, weekends) otherwise isolate; the weight adapts (strategic oscillation): it
//! grows while the current roster is infeasible and shrinks while it is feasible. Only feasible
//! rosters are recorded as the best found; the least-penalised infeasible roster is kept as a
//! fallback for over-constrained models.
//!
//! Moves, each applied through the incremental [`State`] and undone when rejected (shares per
//! thousand steps, chosen by measurement on the benchmark; the dynamic-programming moves cost
//! hundreds of cheap moves each, so they take roughly half the time at these shares):
//! * put somebody on a (day, shift type) that lacks cover (~7 %), passing any minutes this
//!   takes them over their most to rows with minutes to spare by same-day swaps; in models with
//!   a fairness term (legevakt plans), a quarter of these fill a weekend place with a row at its
//!   weekend limit, which first hands another weekend's shifts to rows on duty that weekend;
//! * mend a broken request without touching cover (5 %): the requester exchanges that day's
//!   cell with a row holding what was asked for, and the two rows exchange a second day too,
//!   the one within two weeks that leaves the pair cheapest (it usually gives back the minutes
//!   or the run the first exchange took); on Instance13 at 60 s, seeds 0–2, the result fell
//!   from 1827–1980 to 1573–1641 (at 2 % of the steps it was 1685–1847, at 12 % 1570–1875;
//!   a chain of up to three exchanges gave 1662–1690);
//! * change one cell to another assignable choice (15 %);
//! * swap a block of 1–7 consecutive days between two employees (60 %; a one-day block is the
//!   classic same-day swap; longer blocks keep both rows' run structure intact, which is what
//!   makes them effective under minimum-run rules);
//! * set a short block of one row to a single choice (10 %);
//! * ruin and recreate (3 %): clear a 1–2-week window of three rows (two on large rosters) and
//!   rebuild them one after the other by dynamic programming; half of these are aimed at
//!   missing cover, a quarter at a broken on-request (the requester and someone holding the
//!   requested shift);
//! * re-assign one day across up to 16 rows exactly, by minimum-cost flow ([`DayFlow`]; 0.3 %),
//!   half of these on a day that lacks cover;
//! * re-optimise a window of one row by dynamic programming, at random or aimed at missing
//!   cover (0.2 % each).
//!
//! Each annealing cycle ends with a repair (row re-optimisations around every broken rule) and,
//! on rosters of up to a few thousand cells, a polish (a descent alternating best responses of
//! every row and exact re-assignments of every day, then two-day exchanges between every pair
//! of rows where neither changes anything).
//! On the benchmark subset used for tuning (Instances 2–16, 5 s, one thread, two seeds) the
//! ruin-and-recreate moves lowered the mean gap from about 13.5 % to about 10.5 %; the
//! difference between most other settings tried was within the run-to-run noise (±1 %).

use super::day_flow::DayFlow;
use super::problem::Problem;
use super::rng::Rng;
use super::row_dp::RowDp;
use super::state::State;

/// A roster remembered by a worker.
#[derive(Clone)]
pub(crate) struct Snapshot {
    pub(crate) cells: Vec<u8>,
    pub(crate) soft: i64,
    pub(crate) hard: i64,
}

/// Tunable parameters of the annealing.
#[derive(Clone, Copy)]
pub(crate) struct Schedule {
    pub(crate) start_temperature: f64,
    pub(crate) end_temperature: f64,
}

const HARD_WEIGHT_MIN: f64 = 20.0;
/// The weight of a hard unit when a search starts (it then adapts).
pub(crate) const INITIAL_HARD_WEIGHT: f64 = 100.0;
const HARD_WEIGHT_MAX: f64 = 5000.0;
const MAX_BLOCK: usize = 7;
/// Rosters above this many cells skip the end-of-cycle polish (it would take seconds).
const POLISH_CELL_LIMIT: usize = 6_000;
/// Largest work estimate of one row re-optimisation before the window is shortened.
pub(crate) const DP_WORK_LIMIT: usize = 1_000_000;

/// Most annealing cycles a timed search is split into.
const MAX_CYCLES: usize = 3;
/// Fewest steps per cell a timed cycle should get. Measured at 60 s on 2 threads: Instance24
/// (150 rows × 364 days) gets about 290 steps per cell in all, and ended at 64,097–65,858 in one
/// cycle against 66,169–70,051 in three (seeds 0–4; two cycles: 67,175 and 69,351). Instance23
/// gets about 690 and Instance21 about 720 (of its half of the time): one or three cycles
/// made no difference there (19,832/19,915 against 19,858/19,902, and 21,752/21,732 against
/// 21,650/21,745).
const MIN_STEPS_PER_CELL_AND_CYCLE: f64 = 200.0;

/// How long the cycles of a timed search last. The time is split into [`MAX_CYCLES`] equal
/// cycles, or fewer where a cycle would be too short for the roster's size to cool it: a cycle
/// should give every cell [`MIN_STEPS_PER_CELL_AND_CYCLE`] steps. The speed behind that is
/// measured, not guessed: the first thread to have run a fiftieth of the time (at least a fifth
/// of a second) into its first cycle fixes the number of cycles for all, so that the threads
/// still meet at the same barriers.
pub(crate) struct CycleClock {
    search_time: std::time::Duration,
    /// Cells of the roster searched.
    cells: usize,
    /// Cycles the time is split into; 0 until measured.
    cycles: std::sync::atomic::AtomicUsize,
}

impl CycleClock {
    pub(crate) fn new(search_time: std::time::Duration, cells: usize) -> Self {
        CycleClock { search_time, cells, cycles: std::sync::atomic::AtomicUsize::new(0) }
    }

    /// The length of the current cycle, for a thread `elapsed` and `steps` into its cycle.
    fn cycle_time(&self, steps: u64, elapsed: std::time::Duration) -> std::time::Duration {
        use std::sync::atomic::Ordering::Relaxed;
        let at_most =
            |cycles: usize| (self.search_time / cycles as u32).max(std::time::Duration::from_millis(50));
        let decided = self.cycles.load(Relaxed);
        if decided > 0 {
            return at_most(decided);
        }
        let calibration = (self.search_time / 50).max(std::time::Duration::from_millis(200));
        if elapsed < calibration || steps == 0 {
            return at_most(MAX_CYCLES);
        }
        let steps_per_cell =
            steps as f64 / elapsed.as_secs_f64() * self.search_time.as_secs_f64() / self.cells.max(1) as f64;
        let cycles = ((steps_per_cell / MIN_STEPS_PER_CELL_AND_CYCLE) as usize).clamp(1, MAX_CYCLES);
        let _ = self.cycles.compare_exchange(0, cycles, Relaxed, Relaxed);
        at_most(self.cycles.load(Relaxed))
    }
}

pub(crate) struct Worker<'p, 'm> {
    p: &'p Problem<'m>,
    fixed: &'p [bool],
    /// `allowed[(e * h + d) * (T + 1) + c]`: the choice is assignable in the cell.
    allowed: &'p [bool],
    pub(crate) state: State,
    rng: Rng,
    hard_weight: f64,
    hard_weight_min: f64,
    pub(crate) best_feasible: Option<Snapshot>,
    pub(crate) best_infeasible: Snapshot,
    pub(crate) iterations: u64,
    /// When `best_feasible` last improved.
    pub(crate) improved_time: Option<std::time::Instant>,
    dp: RowDp,
    buffer_a: Vec<u8>,
    buffer_b: Vec<u8>,
    /// Percent of steps that are row re-optimisations.
    dp_per_mille: usize,
    /// Per mille of steps that are ruin-and-recreate moves over several rows.
    ruin_per_mille: usize,
    /// Percent of ruin-and-recreate moves aimed at missing cover.
    ruin_targeted_percent: usize,
    /// Percent of ruin-and-recreate moves aimed at a broken on-request.
    ruin_request_percent: usize,
    /// On-requests for a given shift: (employee, day, shift).
    on_requests: Vec<(usize, usize, usize)>,
    /// Rows a ruin-and-recreate move rebuilds.
    ruin_rows: usize,
    /// Saved windows of the rows a ruin-and-recreate move touches.
    ruin_saved: Vec<(usize, Vec<u8>)>,
    /// Per mille of steps that are row re-optimisations aimed at missing cover.
    cover_dp_per_mille: usize,
    dp_window: usize,
    /// Per mille of steps that re-assign one day across many rows ([`DayFlow`]).
    day_flow_per_mille: usize,
    day_flow: DayFlow,
    flow_rows: Vec<usize>,
    /// Minute transfers of the last cover move: (day, other row, shift given, shift taken).
    transfers: Vec<(usize, usize, u8, u8)>,
    /// Whether a quarter of the cover moves are weekend handovers.
    weekend_handover: bool,
}

/// Most rows a day re-assignment takes in the polish (a random subset on larger rosters keeps a
/// call to a fraction of a millisecond).
const FLOW_ROWS: usize = 48;
/// Most rows a day re-assignment takes as an annealing move: the move is frequent, and with 48
/// rows it took a third of the time on Instance21.
const FLOW_ROWS_MOVE: usize = 16;
/// Per mille of steps that mend a broken request by exchanges between two rows.
const REQUEST_SWAP_PER_MILLE: usize = 50;
/// Days either side of a mended request that the request move looks through for the second
/// exchange (on a year's horizon looking through every day made the move cost as much as a
/// row re-optimisation, and Instance24 ended at 84500 instead of 67716).
const REQUEST_SWAP_REACH: usize = 14;
/// Most minute transfers one cover move makes.
const MAX_TRANSFERS: usize = 6;
/// Most days the cover move looks through for a transfer of minutes.
const TRANSFER_DAYS: usize = 28;
/// One in this many cover moves that break a run rule re-shape the row next to the new shift.
const REPAIR_ONE_IN: usize = 8;
/// The same for a row that already works the weekend of the new shift.
const REPAIR_ONE_IN_WEEKEND: usize = 3;
/// Days the cover move re-shapes next to the new shift.
const REPAIR_WINDOW: usize = 10;

impl<'p, 'm> Worker<'p, 'm> {
    pub(crate) fn new(
        p: &'p Problem<'m>,
        fixed: &'p [bool],
        allowed: &'p [bool],
        state: State,
        seed: u64,
    ) -> Self {
        let snapshot = Snapshot { cells: state.cells.clone(), soft: state.soft, hard: state.hard };
        let best_feasible = (state.hard == 0).then(|| snapshot.clone());
        // Row windows: the whole row for short horizons, a few weeks otherwise.
        let mut dp = RowDp::default();
        let dp_window = dp.probe_window(p, &state, 28, DP_WORK_LIMIT);
        Worker {
            p,
            fixed,
            allowed,
            state,
            rng: Rng::new(seed),
            hard_weight: INITIAL_HARD_WEIGHT,
            hard_weight_min: HARD_WEIGHT_MIN,
            best_feasible,
            best_infeasible: snapshot,
            iterations: 0,
            improved_time: None,
            dp,
            buffer_a: Vec::with_capacity(p.h),
            buffer_b: Vec::with_capacity(p.h),
            dp_per_mille: 2,
            ruin_per_mille: 30,
            ruin_targeted_percent: 50,
            ruin_request_percent: 25,
            on_requests: p
                .model
                .requests()
                .iter()
                .filter(|r| r.kind == crate::model::RequestKind::On)
                .filter_map(|r| r.shift.map(|s| (r.employee, r.day, s)))
                .collect(),
            // Three rows where a roster is small enough for the extra dynamic programs to pay
            // (Instances 6 and 9 improved); two on large rosters (Instance21 got worse with three).
            ruin_rows: if p.n * p.h <= POLISH_CELL_LIMIT { 3 } else { 2 },
            cover_dp_per_mille: 2,
            dp_window,
            ruin_saved: Vec::new(),
            day_flow_per_mille: 3,
            day_flow: DayFlow::default(),
            flow_rows: Vec::with_capacity(p.n),
            transfers: Vec::new(),
            weekend_handover: p.fairness_weight != 0,
        }
    }

    /// Replaces the current roster (used when threads share their best).
    pub(crate) fn restart_from(&mut self, cells: &[u8]) {
        self.state = State::from_cells(self.p, cells.to_vec());
    }

    #[inline]
    fn is_allowed(&self, e: usize, d: usize, c: u8) -> bool {
        self.allowed[(e * self.p.h + d) * (self.p.t + 1) + c as usize]
    }

    /// The change of the penalised objective for a change of `soft` and `hard`.
    #[inline]
    fn penalised(&self, soft_delta: i64, hard_delta: i64) -> f64 {
        soft_delta as f64 + self.hard_weight * hard_delta as f64
    }

    #[inline]
    fn accept(&mut self, soft_delta: i64, hard_delta: i64, temperature: f64) -> bool {
        let delta = self.penalised(soft_delta, hard_delta);
        delta <= 0.0 || self.rng.unit() < (-delta / temperature).exp()
    }

    /// Whether a change of `soft` and `hard` lowers the penalised objective.
    #[inline]
    fn lowers_penalised(&self, soft_delta: i64, hard_delta: i64) -> bool {
        self.penalised(soft_delta, hard_delta) < 0.0
    }

    fn record(&mut self) {
        let state = &self.state;
        if state.hard == 0 {
            if self.best_feasible.as_ref().is_none_or(|best| state.soft < best.soft) {
                self.best_feasible = Some(Snapshot { cells: state.cells.clone(), soft: state.soft, hard: 0 });
                self.improved_time = Some(std::time::Instant::now());
            }
        } else if self.best_feasible.is_none()
            && (state.hard, state.soft) < (self.best_infeasible.hard, self.best_infeasible.soft)
        {
            self.best_infeasible =
                Snapshot { cells: state.cells.clone(), soft: state.soft, hard: state.hard };
        }
    }

    /// Runs one annealing cycle of `iterations` steps, or of the clock's cycle time when given
    /// (whichever ends first), with the temperature falling geometrically from the schedule's
    /// start to its end; stops early when `should_stop` says so (called every 256 steps with the
    /// best roster so far and the iterations done, which lets the caller report progress).
    /// Returns whether it stopped early.
    pub(crate) fn anneal(
        &mut self,
        iterations: u64,
        clock: Option<&CycleClock>,
        schedule: Schedule,
        should_stop: &mut dyn FnMut(&Snapshot, u64) -> bool,
    ) -> bool {
        let started = std::time::Instant::now();
        let ratio = (schedule.end_temperature / schedule.start_temperature).ln();
        let mut temperature = schedule.start_temperature;
        for i in 0..iterations {
            if i % 256 == 0 {
                let best = self.best_feasible.as_ref().unwrap_or(&self.best_infeasible);
                if should_stop(best, self.iterations) {
                    return true;
                }
                let mut fraction = i as f64 / iterations as f64;
                if let Some(clock) = clock {
                    let elapsed = started.elapsed();
                    let duration = clock.cycle_time(i, elapsed);
                    fraction = fraction.max(elapsed.as_secs_f64() / duration.as_secs_f64());
                }
                temperature = schedule.start_temperature * (ratio * fraction).exp();
                if fraction >= 1.0 {
                    break;
                }
            }
            if i % 1000 == 999 {
                self.hard_weight = if self.state.hard > 0 {
                    (self.hard_weight * 1.1).min(HARD_WEIGHT_MAX)
                } else {
                    (self.hard_weight / 1.05).max(self.hard_weight_min)
                };
            }
            self.iterations += 1;
            if self.step(temperature) {
                self.record();
            }
        }
        self.repair();
        self.polish();
        false
    }

    /// Makes every row meet its rules where the row re-optimisation can. For each employee that
    /// breaks a rule: re-optimise the whole row on short horizons, or a window around a break,
    /// then further windows elsewhere in the row (a break often cannot be mended inside one
    /// window without losing minutes that another window must make up); keep the sequence if the
    /// row's hard units fell. All hard rules concern one row, so this usually restores
    /// feasibility at the end of a cycle.
    pub(crate) fn repair(&mut self) {
        let p = self.p;
        let mut saved = Vec::with_capacity(p.h);
        for _round in 0..3 {
            if self.state.hard == 0 {
                break;
            }
            for e in 0..p.n {
                for _try in 0..6 {
                    let before = self.state.hard_by_employee[e];
                    if before == 0 {
                        break;
                    }
                    saved.clear();
                    saved.extend_from_slice(&self.state.cells[e * p.h..(e + 1) * p.h]);
                    for step in 0..10 {
                        if self.state.hard_by_employee[e] == 0 {
                            break;
                        }
                        let len = self.dp_window.min(p.h);
                        let (a, b) = if p.h <= 56 && step == 0 {
                            (0, p.h - 1)
                        } else {
                            let broken = if step == 0 {
                                self.state.broken_day(p, e, self.rng.below(p.h))
                            } else {
                                None
                            };
                            let day = broken.unwrap_or_else(|| self.rng.below(p.h));
                            let a = day.saturating_sub(len / 2).min(p.h - len);
                            (a, a + len - 1)
                        };
                        if self.dp.solve(p, &self.state, self.fixed, e, a, b) {
                            self.buffer_b.clear();
                            self.buffer_b.extend_from_slice(self.dp.result());
                            self.state.set_range(p, e, a, &self.buffer_b);
                        }
                    }
                    if self.state.hard_by_employee[e] >= before {
                        self.state.set_range(p, e, 0, &saved);
                    }
                }
            }
        }
        self.record();
    }

    /// Intensification at the end of a cycle: a descent that alternates two exact
    /// neighbourhoods, every row re-optimised against the others (in windows on long horizons)
    /// and every day re-assigned across the rows ([`DayFlow`]), keeping each change that lowers
    /// the penalised objective, until a round changes nothing. Each neighbourhood's local optima
    /// are usually not the other's, so alternating them goes further than either alone.
    pub(crate) fn polish(&mut self) {
        let p = self.p;
        if p.n * p.h > POLISH_CELL_LIMIT {
            return;
        }
        for _round in 0..6 {
            let rows_changed = self.polish_rows();
            let days_changed = self.polish_days();
            if rows_changed || days_changed {
                continue;
            }
            // The pair exchanges are the costliest pass: only once rows and days have settled.
            if !self.polish_pairs() {
                break;
            }
        }
        self.record();
    }

    /// One pass of two-day swaps over every pair of rows; returns whether any pair changed.
    ///
    /// Swapping two rows' cells on a day leaves the cover as it is, so such a swap can trade
    /// request costs without touching cover. One swap alone usually breaks a rule of one of
    /// the rows (one works too long or too often), and the day re-assignment has already taken
    /// every single swap that pays; a second swap elsewhere in the same two rows can mend
    /// that. Pairs of days are looked at only where the two single swaps together lower the
    /// soft objective (exactly additive when the soft terms are per cell, as with requests).
    fn polish_pairs(&mut self) -> bool {
        let p = self.p;
        let mut changed = false;
        let mut swaps: Vec<(usize, i64)> = Vec::with_capacity(p.h);
        for e in 0..p.n {
            for f in e + 1..p.n {
                for _improvement in 0..p.h {
                    swaps.clear();
                    for d in 0..p.h {
                        if !self.swappable(e, f, d) {
                            continue;
                        }
                        let (soft, hard) = self.swap_day(e, f, d);
                        if hard <= 0 && self.lowers_penalised(soft, hard) {
                            changed = true;
                            continue;
                        }
                        self.swap_day(e, f, d);
                        swaps.push((d, soft));
                    }
                    if !self.take_double_swap(e, f, &swaps) {
                        break;
                    }
                    changed = true;
                }
            }
        }
        changed
    }

    /// Applies the first two-day swap of rows `e` and `f` among `swaps` (day, soft change of
    /// that day's swap alone) that lowers the penalised objective; returns whether there was one.
    fn take_double_swap(&mut self, e: usize, f: usize, swaps: &[(usize, i64)]) -> bool {
        for (i, &(d1, soft1)) in swaps.iter().enumerate() {
            for &(d2, soft2) in &swaps[i + 1..] {
                if soft1 + soft2 >= 0 {
                    continue;
                }
                let (s1, h1) = self.swap_day(e, f, d1);
                let (s2, h2) = self.swap_day(e, f, d2);
                if h1 + h2 <= 0 && self.lowers_penalised(s1 + s2, h1 + h2) {
                    return true;
                }
                self.swap_day(e, f, d2);
                self.swap_day(e, f, d1);
            }
        }
        false
    }

    /// Whether rows `e` and `f` may exchange their cells on day `d`, and the exchange changes
    /// something.
    fn swappable(&self, e: usize, f: usize, d: usize) -> bool {
        let p = self.p;
        let (ce, cf) = (self.state.cell(p, e, d), self.state.cell(p, f, d));
        ce != cf
            && !self.fixed[e * p.h + d]
            && !self.fixed[f * p.h + d]
            && self.is_allowed(e, d, cf)
            && self.is_allowed(f, d, ce)
    }

    /// Exchanges the cells of rows `e` and `f` on day `d` (a second call undoes it); returns
    /// the change of (soft plus guidance, hard units).
    fn swap_day(&mut self, e: usize, f: usize, d: usize) -> (i64, i64) {
        let p = self.p;
        let (ce, cf) = (self.state.cell(p, e, d), self.state.cell(p, f, d));
        let (s1, h1) = self.state.set_range(p, e, d, &[cf]);
        let (s2, h2) = self.state.set_range(p, f, d, &[ce]);
        (s1 + s2, h1 + h2)
    }

    /// One best-response pass over the rows; returns whether any row changed.
    fn polish_rows(&mut self) -> bool {
        let p = self.p;
        let mut changed = false;
        for e in 0..p.n {
            let len = self.dp_window.min(p.h);
            let step = (len / 2).max(1);
            let mut a = 0;
            loop {
                let b = (a + len).min(p.h) - 1;
                if self.dp.solve(p, &self.state, self.fixed, e, a, b) {
                    self.buffer_b.clear();
                    self.buffer_b.extend_from_slice(self.dp.result());
                    self.buffer_a.clear();
                    self.buffer_a.extend_from_slice(&self.state.cells[e * p.h + a..=e * p.h + b]);
                    if self.buffer_a != self.buffer_b {
                        let (soft, hard) = self.state.set_range(p, e, a, &self.buffer_b);
                        if self.lowers_penalised(soft, hard) {
                            changed = true;
                        } else {
                            self.state.set_range(p, e, a, &self.buffer_a);
                        }
                    }
                }
                if b + 1 >= p.h {
                    break;
                }
                a += step;
            }
        }
        changed
    }

    /// One pass of day re-assignments over the horizon; returns whether any day changed.
    fn polish_days(&mut self) -> bool {
        let mut changed = false;
        for d in 0..self.p.h {
            self.solve_day(d, FLOW_ROWS);
            changed |= self.apply_day_flow(d, None);
        }
        changed
    }

    /// Re-assigns day `d` of up to `limit` rows (a random subset of the rows not fixed
    /// there) by minimum-cost flow; the proposal is left in `self.day_flow`.
    fn solve_day(&mut self, d: usize, limit: usize) {
        let p = self.p;
        let mut rows = std::mem::take(&mut self.flow_rows);
        rows.clear();
        rows.extend((0..p.n).filter(|&e| !self.fixed[e * p.h + d]));
        if rows.len() > limit {
            for i in 0..limit {
                let j = i + self.rng.below(rows.len() - i);
                rows.swap(i, j);
            }
            rows.truncate(limit);
        }
        self.day_flow.solve(p, &mut self.state, d, &rows, self.hard_weight.round() as i64);
        self.flow_rows = rows;
    }

    /// Applies the day re-assignment found by [`Worker::solve_day`]; keeps it if the annealing
    /// accepts it at `temperature`, or, without a temperature, if it lowers the penalised
    /// objective. Returns whether it was kept.
    fn apply_day_flow(&mut self, d: usize, temperature: Option<f64>) -> bool {
        let p = self.p;
        if self.day_flow.changes.is_empty() {
            return false;
        }
        let (mut soft, mut hard) = (0, 0);
        self.buffer_a.clear();
        for &(e, c) in &self.day_flow.changes {
            self.buffer_a.push(self.state.cell(p, e, d));
            let (s, h) = self.state.set_range(p, e, d, &[c]);
            soft += s;
            hard += h;
        }
        let accepted = match temperature {
            Some(temperature) => (soft != 0 || hard != 0) && self.accept(soft, hard, temperature),
            None => self.lowers_penalised(soft, hard),
        };
        if !accepted {
            for (&(e, _), &old) in self.day_flow.changes.iter().zip(&self.buffer_a).rev() {
                self.state.set_range(p, e, d, &[old]);
            }
        }
        accepted
    }

    /// Re-assigns one day across many rows at once; half of the time a day that lacks cover.
    fn move_day_flow(&mut self, temperature: f64) -> bool {
        let p = self.p;
        let d = match self.rng.below(2) {
            0 => self.sample_under_covered().map(|(d, _)| d),
            _ => None,
        }
        .unwrap_or_else(|| self.rng.below(p.h));
        self.solve_day(d, FLOW_ROWS_MOVE);
        self.apply_day_flow(d, Some(temperature))
    }

    /// One move; returns whether it was accepted with a change.
    fn step(&mut self, temperature: f64) -> bool {
        let roll = self.rng.below(1000);
        if roll < self.dp_per_mille {
            self.move_row_window(temperature, false)
        } else if roll < self.dp_per_mille + self.cover_dp_per_mille {
            self.move_row_window(temperature, true)
        } else if roll < self.dp_per_mille + self.cover_dp_per_mille + self.ruin_per_mille {
            self.move_ruin_recreate(temperature)
        } else if roll
            < self.dp_per_mille + self.cover_dp_per_mille + self.ruin_per_mille + self.day_flow_per_mille
        {
            self.move_day_flow(temperature)
        } else if roll < 100 {
            if self.weekend_handover && self.rng.below(4) == 0 {
                self.move_weekend_handover(temperature)
            } else {
                self.move_cover_cell(temperature)
            }
        } else if roll < 100 + REQUEST_SWAP_PER_MILLE {
            self.move_request_swap(temperature)
        } else if roll < 300 {
            self.move_cell(temperature)
        } else if roll < 900 {
            self.move_block_swap(temperature)
        } else {
            self.move_block_set(temperature)
        }
    }

    /// Mends a broken request without touching cover: the requester exchanges that day's cell
    /// with a row holding what they asked for (or, for a day off, any row that differs), and
    /// the two rows exchange their cells on a second day as well, the one within
    /// [`REQUEST_SWAP_REACH`] days that makes the pair cheapest (or none): the second exchange
    /// typically gives back the minutes or the run the first one took.
    fn move_request_swap(&mut self, temperature: f64) -> bool {
        let p = self.p;
        if p.n < 2 {
            return false;
        }
        let e = self.rng.below(p.n);
        let first = self.rng.below(p.h);
        let Some(d) = (0..p.h.min(2 * REQUEST_SWAP_REACH))
            .map(|k| (first + k) % p.h)
            .find(|&d| p.request(e, d, self.state.cell(p, e, d)) > 0 && !self.fixed[e * p.h + d])
        else {
            return false;
        };
        let broken = p.request(e, d, self.state.cell(p, e, d));
        let first = self.rng.below(p.n);
        let Some(f) = (0..p.n).map(|k| (first + k) % p.n).find(|&f| {
            f != e && p.request(e, d, self.state.cell(p, f, d)) < broken && self.swappable(e, f, d)
        }) else {
            return false;
        };
        let (soft, hard) = self.swap_day(e, f, d);
        let mut best: (f64, Option<usize>, i64, i64) = (self.penalised(soft, hard), None, soft, hard);
        let near = d.saturating_sub(REQUEST_SWAP_REACH)..(d + REQUEST_SWAP_REACH + 1).min(p.h);
        for d2 in near {
            if d2 == d || !self.swappable(e, f, d2) {
                continue;
            }
            let (s2, h2) = self.swap_day(e, f, d2);
            self.swap_day(e, f, d2);
            let value = self.penalised(soft + s2, hard + h2);
            if value < best.0 {
                best = (value, Some(d2), soft + s2, hard + h2);
            }
        }
        let (_, second, soft, hard) = best;
        if let Some(d2) = second {
            self.swap_day(e, f, d2);
        }
        if self.accept(soft, hard, temperature) {
            return true;
        }
        if let Some(d2) = second {
            self.swap_day(e, f, d2);
        }
        self.swap_day(e, f, d);
        false
    }

    /// A (day, shift type) below its preferred cover, sampled: a few random days, scanning the
    /// shift types of each from a random one.
    fn sample_under_covered(&mut self) -> Option<(usize, usize)> {
        let p = self.p;
        for _ in 0..8 {
            let d = self.rng.below(p.h);
            let first = self.rng.below(p.t);
            for k in 0..p.t {
                let s = (first + k) % p.t;
                if self.state.cover_count(p, d, s) < p.cover[d * p.t + s][1] {
                    return Some((d, s));
                }
            }
        }
        None
    }

    /// Puts somebody on a (day, shift type) that lacks cover: the cheapest kind of progress on
    /// cover-driven objectives, which random cells find only rarely on large rosters.
    ///
    /// When that takes them over their most minutes, the excess is passed on: on other days
    /// they swap with rows that have minutes to spare, taking a shorter shift (or a day off)
    /// while the other row takes theirs, so that those days' cover stays as it was. On rosters
    /// whose cover needs about all the minutes the staff may work (Instance13), the free minutes
    /// end up spread over many rows in amounts smaller than any shift, and only such transfers
    /// let one row use them.
    fn move_cover_cell(&mut self, temperature: f64) -> bool {
        let p = self.p;
        let Some((d, s)) = self.sample_under_covered() else {
            return false;
        };
        let s = s as u8;
        for attempt in 0..8 {
            let partner = if attempt == 0 { self.weekend_partner(d, s) } else { None };
            let e = partner.unwrap_or_else(|| self.rng.below(p.n));
            let old = self.state.cell(p, e, d);
            if old == s || self.fixed[e * p.h + d] || !self.is_allowed(e, d, s) {
                continue;
            }
            let other_before = self.hard_except_minutes(e);
            let (mut soft, mut hard) = self.state.set_range(p, e, d, &[s]);
            // The new shift often breaks a run rule next to it; now and then the row is
            // re-shaped on that side by the dynamic program, within the row's minutes.
            let mut saved = std::mem::take(&mut self.buffer_a);
            saved.clear();
            let mut window = None;
            if self.hard_except_minutes(e) > other_before
                && self.rng.below(if partner.is_some() { REPAIR_ONE_IN_WEEKEND } else { REPAIR_ONE_IN }) == 0
                && let Some((a, s2, h2)) = self.reshape_beside(e, d, &mut saved)
            {
                soft += s2;
                hard += h2;
                window = Some(a);
            }
            let mut excess = self.state.minutes(e) - p.max_minutes[e];
            let mut log = std::mem::take(&mut self.transfers);
            log.clear();
            if self.hard_except_minutes(e) <= other_before {
                // Transfers, each the cheapest on the days looked through, until the excess
                // is gone; a row with 120 spare minutes can take only 120 of it.
                while excess > 0 && log.len() < MAX_TRANSFERS {
                    let Some((d2, b, shed)) = self.cheapest_transfer(e, d, excess) else { break };
                    let x = self.state.cell(p, e, d2);
                    let y = self.state.cell(p, b, d2);
                    let (sa, ha) = self.state.set_range(p, e, d2, &[y]);
                    let (sb, hb) = self.state.set_range(p, b, d2, &[x]);
                    soft += sa + sb;
                    hard += ha + hb;
                    excess -= shed;
                    log.push((d2, b, x, y));
                }
            }
            let accepted = excess <= 0 && self.accept(soft, hard, temperature);
            if !accepted {
                for &(d2, b, x, y) in log.iter().rev() {
                    self.state.set_range(p, b, d2, &[y]);
                    self.state.set_range(p, e, d2, &[x]);
                }
                if let Some(a) = window {
                    self.state.set_range(p, e, a, &saved);
                }
                self.state.set_range(p, e, d, &[old]);
            }
            self.transfers = log;
            self.buffer_a = saved;
            return accepted;
        }
        false
    }

    /// Fills a weekend place that lacks cover with a row already at its weekend limit: the row
    /// hands the shifts of another weekend it works to rows that work that weekend already (each
    /// to the one that makes it cheapest, or to nobody), which frees the weekend it needs. Where
    /// every weekend the staff may work is needed (a municipality's legevakt), a place left open
    /// can only be filled by such a chain, and its first step alone leaves a place open elsewhere.
    fn move_weekend_handover(&mut self, temperature: f64) -> bool {
        let p = self.p;
        let Some((d, s)) = self.sample_under_covered() else {
            return false;
        };
        let weekend = p.weekend_of[d];
        if weekend == u32::MAX {
            return false;
        }
        let s = s as u8;
        let off = p.off();
        let start = self.rng.below(p.n);
        let Some(e) = (0..p.n).map(|k| (start + k) % p.n).find(|&e| {
            self.state.cell(p, e, d) == off
                && !self.fixed[e * p.h + d]
                && self.is_allowed(e, d, s)
                && self.state.weekends_worked(e) >= p.max_weekends[e]
        }) else {
            return false;
        };
        // Another weekend the row works, from the day before it (a Friday evening belongs to it).
        let first = self.rng.below(p.h);
        let Some(given) = (0..p.h).map(|k| (first + k) % p.h).find_map(|x| {
            let w = p.weekend_of[x];
            (w != u32::MAX && w != weekend && self.state.cell(p, e, x) != off).then_some(w)
        }) else {
            return false;
        };
        let days: Vec<usize> = (0..p.h)
            .filter(|&x| p.weekend_of[x] == given || (x + 1 < p.h && p.weekend_of[x + 1] == given))
            .collect();
        let mut log: Vec<(usize, usize, u8)> = Vec::new();
        let (mut soft, mut hard) = (0, 0);
        for &x in &days {
            let c = self.state.cell(p, e, x);
            if c == off {
                continue;
            }
            if self.fixed[e * p.h + x] {
                self.undo_handover(e, &log);
                return false;
            }
            let (s1, h1) = self.state.set_range(p, e, x, &[off]);
            soft += s1;
            hard += h1;
            // The row of that weekend that takes the shift most cheaply, if any.
            let mut best: Option<(f64, usize)> = None;
            for f in 0..p.n {
                if f == e
                    || self.state.cell(p, f, x) != off
                    || self.fixed[f * p.h + x]
                    || !self.is_allowed(f, x, c)
                    || !days.iter().any(|&y| y != x && self.state.cell(p, f, y) != off)
                {
                    continue;
                }
                let (s2, h2) = self.state.set_range(p, f, x, &[c]);
                let penalised = self.penalised(s2, h2);
                self.state.set_range(p, f, x, &[off]);
                if best.is_none_or(|(value, _)| penalised < value) {
                    best = Some((penalised, f));
                }
            }
            match best {
                Some((value, f)) if value < 0.0 => {
                    let (s2, h2) = self.state.set_range(p, f, x, &[c]);
                    soft += s2;
                    hard += h2;
                    log.push((x, f, c));
                }
                _ => log.push((x, e, c)),
            }
        }
        let (s3, h3) = self.state.set_range(p, e, d, &[s]);
        soft += s3;
        hard += h3;
        if self.accept(soft, hard, temperature) {
            return true;
        }
        self.state.set_range(p, e, d, &[off]);
        self.undo_handover(e, &log);
        false
    }

    /// Gives row `e` back the shifts of a weekend handover: `(day, row that took it, shift)`,
    /// where the row is `e` itself for a shift nobody took.
    fn undo_handover(&mut self, e: usize, log: &[(usize, usize, u8)]) {
        let p = self.p;
        for &(x, f, c) in log.iter().rev() {
            if f != e {
                self.state.set_range(p, f, x, &[p.off()]);
            }
            self.state.set_range(p, e, x, &[c]);
        }
    }

    /// Hard units of row `e` other than its total-minutes rules.
    fn hard_except_minutes(&self, e: usize) -> i64 {
        self.state.hard_by_employee[e] - self.p.minutes_units(e, self.state.minutes(e))
    }

    /// Re-optimises up to [`REPAIR_WINDOW`] days of row `e` beside day `d`, on the side of a
    /// broken run rule; applies the result, saves the old cells in `saved` and returns the
    /// window's first day and the change of `soft` and `hard`, or `None` when the program finds
    /// no row.
    fn reshape_beside(&mut self, e: usize, d: usize, saved: &mut Vec<u8>) -> Option<(usize, i64, i64)> {
        let p = self.p;
        let len = REPAIR_WINDOW.min(self.dp_window);
        let broken = self.state.broken_day(p, e, self.rng.below(p.h)).unwrap_or(d);
        let (a, b) = if broken > d || d == 0 {
            (d + 1, (d + len).min(p.h - 1))
        } else {
            (d.saturating_sub(len), d - 1)
        };
        if a > b || !self.dp.solve(p, &self.state, self.fixed, e, a, b) {
            return None;
        }
        saved.extend_from_slice(&self.state.cells[e * p.h + a..=e * p.h + b]);
        self.buffer_b.clear();
        self.buffer_b.extend_from_slice(self.dp.result());
        let (soft, hard) = self.state.set_range(p, e, a, &self.buffer_b);
        Some((a, soft, hard))
    }

    /// The cheapest swap that moves minutes off row `e` to a row with minutes to spare, among
    /// every such swap on up to [`TRANSFER_DAYS`] days other than `d` (from a random one), those
    /// that move at least `excess` first: (day, other row, minutes moved).
    ///
    /// Looking at every row of those days, rather than a few sampled (day, row) pairs, is what
    /// lets rows with 120 or 240 spare minutes absorb a new shift's excess on Instance13: at
    /// 30 s, three seeds ended at 2078–2136 with eight sampled pairs, 1874–1957 with all.
    fn cheapest_transfer(&mut self, e: usize, d: usize, excess: i64) -> Option<(usize, usize, i64)> {
        let p = self.p;
        let off = p.off();
        let mut best: Option<(bool, f64, usize, usize, i64)> = None;
        let first = self.rng.below(p.h);
        for k in 0..p.h.min(TRANSFER_DAYS) {
            let d2 = (first + k) % p.h;
            let x = self.state.cell(p, e, d2);
            if d2 == d || x == off || self.fixed[e * p.h + d2] {
                continue;
            }
            for b in 0..p.n {
                let y = self.state.cell(p, b, d2);
                let shed = p.length[x as usize] - p.length[y as usize];
                if b == e
                    || shed <= 0
                    || p.max_minutes[b] - self.state.minutes(b) < shed
                    || self.fixed[b * p.h + d2]
                    || !self.is_allowed(e, d2, y)
                    || !self.is_allowed(b, d2, x)
                {
                    continue;
                }
                let (sa, ha) = self.state.set_range(p, e, d2, &[y]);
                let (sb, hb) = self.state.set_range(p, b, d2, &[x]);
                let penalised = (sa + sb) as f64 + self.hard_weight * (ha + hb) as f64;
                let short = shed < excess;
                if best.is_none_or(|(s, value, ..)| (short, penalised) < (s, value)) {
                    best = Some((short, penalised, d2, b, shed));
                }
                self.state.set_range(p, b, d2, &[y]);
                self.state.set_range(p, e, d2, &[x]);
            }
        }
        best.map(|(_, _, d2, b, shed)| (d2, b, shed))
    }

    /// On a weekend day, a row that is off that day but works another day of the same weekend
    /// (from a random starting row), if any: working there costs no further weekend. Where the
    /// cover needs every weekend the staff may work (Instance13), half-worked weekends are what
    /// leaves weekend shifts without cover.
    fn weekend_partner(&mut self, d: usize, s: u8) -> Option<usize> {
        let p = self.p;
        let weekend = p.weekend_of[d];
        if weekend == u32::MAX || self.rng.below(4) == 0 {
            return None;
        }
        let off = p.off();
        let days = d.saturating_sub(2)..=(d + 2).min(p.h - 1);
        let start = self.rng.below(p.n);
        (0..p.n).map(|k| (start + k) % p.n).find(|&e| {
            self.state.cell(p, e, d) == off
                && self.is_allowed(e, d, s)
                && days
                    .clone()
                    .any(|x| x != d && p.weekend_of[x] == weekend && self.state.cell(p, e, x) != off)
        })
    }

    fn move_cell(&mut self, temperature: f64) -> bool {
        let p = self.p;
        let e = self.rng.below(p.n);
        let d = self.rng.below(p.h);
        if self.fixed[e * p.h + d] {
            return false;
        }
        let options = p.assignable(e, d);
        if options.len() < 2 {
            return false;
        }
        let current = self.state.cell(p, e, d);
        let mut c = options[self.rng.below(options.len())];
        if c == current {
            c = options[self.rng.below(options.len())];
            if c == current {
                return false;
            }
        }
        let (soft, hard) = self.state.set_range(p, e, d, &[c]);
        if self.accept(soft, hard, temperature) {
            return true;
        }
        self.state.set_range(p, e, d, &[current]);
        false
    }

    fn move_block_swap(&mut self, temperature: f64) -> bool {
        let p = self.p;
        if p.n < 2 {
            return false;
        }
        let e1 = self.rng.below(p.n);
        let mut e2 = self.rng.below(p.n - 1);
        if e2 >= e1 {
            e2 += 1;
        }
        let k = if self.rng.below(3) == 0 { 1 } else { 2 + self.rng.below(MAX_BLOCK - 1) }.min(p.h);
        let a = self.rng.below(p.h - k + 1);
        self.buffer_a.clear();
        self.buffer_b.clear();
        let mut differs = false;
        for d in a..a + k {
            let c1 = self.state.cell(p, e1, d);
            let c2 = self.state.cell(p, e2, d);
            if c1 != c2 {
                if !self.swappable(e1, e2, d) {
                    return false;
                }
                differs = true;
            }
            self.buffer_a.push(c1);
            self.buffer_b.push(c2);
        }
        if !differs {
            return false;
        }
        let (s1, h1) = self.state.set_range(p, e1, a, &self.buffer_b);
        let (s2, h2) = self.state.set_range(p, e2, a, &self.buffer_a);
        if self.accept(s1 + s2, h1 + h2, temperature) {
            return true;
        }
        self.state.set_range(p, e2, a, &self.buffer_b);
        self.state.set_range(p, e1, a, &self.buffer_a);
        false
    }

    fn move_block_set(&mut self, temperature: f64) -> bool {
        let p = self.p;
        let e = self.rng.below(p.n);
        let k = (2 + self.rng.below(3)).min(p.h);
        let a = self.rng.below(p.h - k + 1);
        let options = p.assignable(e, a);
        let c = options[self.rng.below(options.len())];
        self.buffer_a.clear();
        self.buffer_b.clear();
        for d in a..a + k {
            let current = self.state.cell(p, e, d);
            if current != c && (self.fixed[e * p.h + d] || !self.is_allowed(e, d, c)) {
                return false;
            }
            self.buffer_a.push(current);
            self.buffer_b.push(c);
        }
        if self.buffer_a == self.buffer_b {
            return false;
        }
        let (soft, hard) = self.state.set_range(p, e, a, &self.buffer_b);
        if self.accept(soft, hard, temperature) {
            return true;
        }
        self.state.set_range(p, e, a, &self.buffer_a);
        false
    }

    /// Ruin and recreate: clears the same window of a few rows, then rebuilds them one after the
    /// other (in random order) by the row dynamic program, each against the cover the others
    /// leave. Unlike single-row moves it can pass a shift from one employee to another when both
    /// rows must change shape at once. Accepted or undone as a whole.
    fn move_ruin_recreate(&mut self, temperature: f64) -> bool {
        let p = self.p;
        if p.n < 2 {
            return false;
        }
        let len = (7 + self.rng.below(8)).min(self.dp_window).min(p.h);
        let mut a = self.rng.below(p.h - len + 1);
        let rows = self.ruin_rows.min(p.n);
        let mut saved = std::mem::take(&mut self.ruin_saved);
        saved.clear();
        // Half of these moves are aimed at missing cover: the window holds a short day and the
        // first row is one that may take the missing shift.
        if self.rng.below(100) < self.ruin_targeted_percent
            && let Some((d, s)) = self.sample_under_covered()
        {
            for _ in 0..8 {
                let e = self.rng.below(p.n);
                if self.state.cell(p, e, d) as usize != s && self.is_allowed(e, d, s as u8) {
                    a = d.saturating_sub(self.rng.below(len)).min(p.h - len);
                    if (a..a + len).all(|day| !self.fixed[e * p.h + day]) {
                        saved.push((e, self.state.cells[e * p.h + a..e * p.h + a + len].to_vec()));
                    }
                    break;
                }
            }
        }
        // Others aim at a broken on-request: the requester's row and the row of someone on the
        // requested shift that day, so the shift can change hands.
        if saved.is_empty() && !self.on_requests.is_empty() && self.rng.below(100) < self.ruin_request_percent
        {
            let (e, d, s) = self.on_requests[self.rng.below(self.on_requests.len())];
            if self.state.cell(p, e, d) as usize != s && self.is_allowed(e, d, s as u8) {
                a = d.saturating_sub(self.rng.below(len)).min(p.h - len);
                if (a..a + len).all(|day| !self.fixed[e * p.h + day]) {
                    saved.push((e, self.state.cells[e * p.h + a..e * p.h + a + len].to_vec()));
                    let start = self.rng.below(p.n);
                    let holder = (0..p.n).map(|k| (start + k) % p.n).find(|&other| {
                        other != e
                            && self.state.cell(p, other, d) as usize == s
                            && (a..a + len).all(|day| !self.fixed[other * p.h + day])
                    });
                    if let Some(other) = holder
                        && rows > 1
                    {
                        saved
                            .push((other, self.state.cells[other * p.h + a..other * p.h + a + len].to_vec()));
                    }
                }
            }
        }
        let b = a + len - 1;
        while saved.len() < rows {
            let e = self.rng.below(p.n);
            if saved.iter().any(|(other, _)| *other == e) {
                continue;
            }
            if (a..=b).any(|d| self.fixed[e * p.h + d]) {
                self.ruin_saved = saved;
                return false;
            }
            saved.push((e, self.state.cells[e * p.h + a..=e * p.h + b].to_vec()));
        }
        let mut soft = 0;
        let mut hard = 0;
        let off = vec![p.off(); len];
        for (e, _) in &saved {
            let (s, h) = self.state.set_range(p, *e, a, &off);
            soft += s;
            hard += h;
        }
        for i in (1..saved.len()).rev() {
            let j = self.rng.below(i + 1);
            saved.swap(i, j);
        }
        for (e, old) in &saved {
            let row: &[u8] =
                if self.dp.solve(p, &self.state, self.fixed, *e, a, b) { self.dp.result() } else { old };
            let row = row.to_vec();
            let (s, h) = self.state.set_range(p, *e, a, &row);
            soft += s;
            hard += h;
        }
        let accepted = (soft != 0 || hard != 0) && self.accept(soft, hard, temperature);
        if !accepted {
            for (e, old) in &saved {
                self.state.set_range(p, *e, a, old);
            }
        }
        self.ruin_saved = saved;
        accepted
    }

    /// Re-optimises a window of one row. With `towards_cover`, the window is centred on a day
    /// whose cover falls short and the row is one that may take the missing shift.
    fn move_row_window(&mut self, temperature: f64, towards_cover: bool) -> bool {
        let p = self.p;
        let len = self.dp_window.min(p.h);
        let len = if self.rng.below(2) == 0 { len } else { (len / 2).max(2).min(p.h) };
        let mut e = self.rng.below(p.n);
        let mut a = self.rng.below(p.h - len + 1);
        if towards_cover {
            let Some((d, s)) = self.sample_under_covered() else {
                return false;
            };
            let mut found = None;
            for _ in 0..8 {
                let i = self.rng.below(p.n);
                if self.state.cell(p, i, d) as usize != s
                    && !self.fixed[i * p.h + d]
                    && self.is_allowed(i, d, s as u8)
                {
                    found = Some(i);
                    break;
                }
            }
            let Some(candidate) = found else {
                return false;
            };
            e = candidate;
            let before = self.rng.below(len);
            a = d.saturating_sub(before).min(p.h - len);
        }
        // While infeasible, half of these moves repair a row that breaks a rule, around the break.
        if self.state.hard > 0 && self.rng.below(2) == 0 {
            let broken: Vec<usize> = (0..p.n).filter(|&i| self.state.hard_by_employee[i] > 0).collect();
            if !broken.is_empty() {
                e = broken[self.rng.below(broken.len())];
                if let Some(day) = self.state.broken_day(p, e, self.rng.below(p.h)) {
                    a = day.saturating_sub(len / 2).min(p.h - len);
                }
            }
        }
        let b = a + len - 1;
        let solved = self.dp.solve(p, &self.state, self.fixed, e, a, b);
        // Keep the window small enough that one call stays around a few milliseconds at most.
        if self.dp.last_work > DP_WORK_LIMIT && self.dp_window > 7 {
            self.dp_window -= 1;
        }
        if !solved {
            return false;
        }
        self.buffer_b.clear();
        self.buffer_b.extend_from_slice(self.dp.result());
        self.buffer_a.clear();
        self.buffer_a.extend_from_slice(&self.state.cells[e * p.h + a..=e * p.h + b]);
        if self.buffer_a == self.buffer_b {
            return false;
        }
        let (soft, hard) = self.state.set_range(p, e, a, &self.buffer_b);
        if self.accept(soft, hard, temperature) {
            return true;
        }
        self.state.set_range(p, e, a, &self.buffer_a);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::evaluate;
    use crate::model::{Cover, Employee, Model, ModelSpec, Request, RequestKind, Roster, ShiftType, Weekday};

    /// A timed search keeps three cycles until a fiftieth of its time has shown the speed, then
    /// fixes as many cycles (at most three) as give each cell 200 steps, the same for every
    /// thread that asks later.
    #[test]
    fn cycle_clock_splits_the_time_by_measured_speed() {
        use std::time::Duration;
        let minute = Duration::from_secs(60);
        let third = minute / 3;
        // 54,600 cells (Instance24's size) at 250,000 steps a second: 275 steps a cell in all.
        let slow = CycleClock::new(minute, 54_600);
        assert_eq!(slow.cycle_time(100_000, Duration::from_millis(400)), third);
        assert_eq!(slow.cycle_time(500_000, Duration::from_secs(2)), minute);
        // Another thread, measuring a faster speed later, gets the decision already taken.
        assert_eq!(slow.cycle_time(5_000_000, Duration::from_secs(2)), minute);

        // 450 steps a cell in all: two cycles.
        let middling = CycleClock::new(minute, 36_400);
        assert_eq!(middling.cycle_time(546_000, Duration::from_secs(2)), minute / 2);
        // Far more steps than that: still at most three.
        let fast = CycleClock::new(minute, 3_360);
        assert_eq!(fast.cycle_time(1_000_000, Duration::from_secs(2)), third);
    }

    /// A short shift S (8 h) and a long one L (12 h).
    fn short_and_long() -> Vec<ShiftType> {
        vec![
            ShiftType { code: "S".into(), length_minutes: 480, required_skill: None, following_days_held: 0 },
            ShiftType { code: "L".into(), length_minutes: 720, required_skill: None, following_days_held: 0 },
        ]
    }

    /// Cover that wants `n` and charges 100 per missing and 1 per extra.
    fn wanted(n: u32) -> Cover {
        Cover {
            min: 0,
            preferred: n,
            weight_under_min: 0,
            weight_under_preferred: 100,
            weight_over_preferred: 1,
        }
    }

    /// Two days, a short shift S (8 h) and a long one L (12 h). Day 0 is covered by A on L and B
    /// on S; day 1 lacks an L that only A may take (B has the day off), but A on L twice would
    /// go over A's most minutes. The cover move covers it by giving A's day-0 L to B, who has
    /// minutes to spare, and putting A on B's S.
    fn transfer_model() -> Model {
        let mut a = Employee::unrestricted("A", 2);
        a.max_total_minutes = 1200;
        let mut b = Employee::unrestricted("B", 2);
        b.max_total_minutes = 1200;
        b.days_off = vec![1];
        Model::new(ModelSpec {
            days: 2,
            first_weekday: Weekday::Monday,
            shift_types: short_and_long(),
            forbidden_successions: Vec::new(),
            employees: vec![a, b],
            requests: Vec::new(),
            cover: vec![vec![wanted(1), wanted(1)], vec![wanted(0), wanted(1)]],
            supervision: Vec::new(),
            fairness: None,
        })
        .unwrap()
    }

    #[test]
    fn the_cover_move_passes_minutes_to_a_row_that_has_them() {
        let model = transfer_model();
        let p = Problem::new(&model);
        let (short, long) = (0u8, 1u8);
        let mut roster = Roster::empty_for(&model);
        roster.set(0, 0, Some(long as usize));
        roster.set(1, 0, Some(short as usize));
        let state = State::from_roster(&p, &roster);
        assert_eq!((state.soft, state.hard), (100, 0));

        // Putting A on day 1 alone breaks A's minutes: the plain cover move cannot take it.
        let mut alone = state.clone();
        alone.set_range(&p, 0, 1, &[long]);
        assert!(alone.hard > 0);

        let fixed = vec![false; p.n * p.h];
        let allowed = super::super::allowed_table(&p);
        let mut worker = Worker::new(&p, &fixed, &allowed, state, 5);
        for _ in 0..50 {
            if worker.state.soft == 0 {
                break;
            }
            worker.move_cover_cell(1e-9);
        }
        assert_eq!(worker.state.cells, vec![short, long, long, p.off()]);
        let evaluation = evaluate(&model, &worker.state.to_roster(&p)).unwrap();
        assert_eq!((evaluation.objective, evaluation.hard_penalty_units()), (0, 0));
    }

    /// Two weeks from a Monday; one shift W wanted on the first Saturday and Sunday (days 5 and
    /// 6) and the second Saturday (day 12). A and C may work one weekend each: A works the first
    /// Saturday, C the first Sunday, and the second Saturday is open.
    fn handover_model() -> Model {
        let employees = ["A", "C"]
            .into_iter()
            .map(|code| {
                let mut employee = Employee::unrestricted(code, 1);
                employee.max_weekends = 1;
                employee
            })
            .collect();
        let w =
            ShiftType { code: "W".into(), length_minutes: 480, required_skill: None, following_days_held: 0 };
        Model::new(ModelSpec {
            days: 14,
            first_weekday: Weekday::Monday,
            shift_types: vec![w],
            forbidden_successions: Vec::new(),
            employees,
            requests: Vec::new(),
            cover: (0..14).map(|d| vec![wanted(u32::from([5, 6, 12].contains(&d)))]).collect(),
            supervision: Vec::new(),
            fairness: None,
        })
        .unwrap()
    }

    #[test]
    fn the_weekend_handover_frees_a_weekend_by_passing_its_shift_to_a_row_on_duty_then() {
        let model = handover_model();
        let p = Problem::new(&model);
        let mut roster = Roster::empty_for(&model);
        roster.set(0, 5, Some(0));
        roster.set(1, 6, Some(0));
        let state = State::from_roster(&p, &roster);
        assert_eq!((state.soft, state.hard), (100, 0));
        // Either row taking the second Saturday alone works two weekends.
        let mut alone = state.clone();
        alone.set_range(&p, 0, 12, &[0]);
        assert!(alone.hard > 0);

        let fixed = vec![false; p.n * p.h];
        let allowed = super::super::allowed_table(&p);
        let mut worker = Worker::new(&p, &fixed, &allowed, state, 7);
        for _ in 0..20 {
            if worker.state.soft == 0 {
                break;
            }
            worker.move_weekend_handover(1e-9);
        }
        let roster = worker.state.to_roster(&p);
        let evaluation = evaluate(&model, &roster).unwrap();
        assert_eq!((evaluation.objective, evaluation.hard_penalty_units()), (0, 0));
        // One row works the whole first weekend, the other the second Saturday.
        let days_of = |e: usize| (0..14).filter(|&d| roster.get(e, d).is_some()).collect::<Vec<_>>();
        let mut rows = [days_of(0), days_of(1)];
        rows.sort();
        assert_eq!(rows, [vec![5, 6], vec![12]]);
    }

    /// Two days, each wanting one short (S, 8 h) and one long (L, 12 h) shift; A and B must
    /// each work exactly 20 hours. A works L then S, B S then L, and A asked for S on day 0.
    /// Exchanging day 0 alone would leave A four hours short and B four over; exchanging both
    /// days keeps the cover and mends the request.
    fn request_swap_model() -> Model {
        let employees = ["A", "B"]
            .into_iter()
            .map(|name| {
                let mut employee = Employee::unrestricted(name, 2);
                employee.min_total_minutes = 1200;
                employee.max_total_minutes = 1200;
                employee
            })
            .collect();
        Model::new(ModelSpec {
            days: 2,
            first_weekday: Weekday::Monday,
            shift_types: short_and_long(),
            forbidden_successions: Vec::new(),
            employees,
            requests: vec![Request { employee: 0, day: 0, shift: Some(0), kind: RequestKind::On, weight: 2 }],
            cover: vec![vec![wanted(1), wanted(1)], vec![wanted(1), wanted(1)]],
            supervision: Vec::new(),
            fairness: None,
        })
        .unwrap()
    }

    fn request_swap_start(model: &Model, p: &Problem<'_>) -> State {
        let (short, long) = (0, 1);
        let mut roster = Roster::empty_for(model);
        roster.set(0, 0, Some(long));
        roster.set(0, 1, Some(short));
        roster.set(1, 0, Some(short));
        roster.set(1, 1, Some(long));
        let state = State::from_roster(p, &roster);
        assert_eq!((state.soft, state.hard), (2, 0));
        let mut one_day = state.clone();
        one_day.set_range(p, 0, 0, &[short as u8]);
        one_day.set_range(p, 1, 0, &[long as u8]);
        assert!(one_day.hard > 0, "a one-day exchange should break the minutes");
        state
    }

    #[test]
    fn the_polish_exchanges_two_days_of_two_rows_to_mend_a_request() {
        let model = request_swap_model();
        let p = Problem::new(&model);
        let state = request_swap_start(&model, &p);
        let fixed = vec![false; p.n * p.h];
        let allowed = super::super::allowed_table(&p);
        let mut worker = Worker::new(&p, &fixed, &allowed, state, 3);
        assert!(worker.polish_pairs());
        assert_eq!(worker.state.cells, vec![0, 1, 1, 0]);
        let evaluation = evaluate(&model, &worker.state.to_roster(&p)).unwrap();
        assert_eq!((evaluation.objective, evaluation.hard_penalty_units()), (0, 0));
        assert!(!worker.polish_pairs(), "nothing is left to exchange");
    }

    #[test]
    fn the_request_move_pairs_its_exchange_with_the_one_that_keeps_both_rows_legal() {
        let model = request_swap_model();
        let p = Problem::new(&model);
        for seed in 0..8 {
            let state = request_swap_start(&model, &p);
            let fixed = vec![false; p.n * p.h];
            let allowed = super::super::allowed_table(&p);
            let mut worker = Worker::new(&p, &fixed, &allowed, state, seed);
            // At a temperature this low only improvements pass; B has no request to mend.
            let mut moved = 0;
            for _ in 0..20 {
                moved += usize::from(worker.move_request_swap(1e-9));
            }
            assert_eq!(moved, 1, "seed {seed}");
            assert_eq!(worker.state.cells, vec![0, 1, 1, 0], "seed {seed}");
            assert_eq!((worker.state.soft, worker.state.hard), (0, 0), "seed {seed}");
        }
    }

    /// A (at its most minutes) takes the missing long shift on day 1; B and C both have the
    /// minutes to take A's day-0 long shift for their short one, but B asked not to work it.
    #[test]
    fn the_transfer_is_the_cheapest_of_every_row_on_the_days_looked_through() {
        let mut employees = Vec::new();
        for name in ["A", "B", "C"] {
            let mut employee = Employee::unrestricted(name, 2);
            employee.max_total_minutes = 1200;
            if name != "A" {
                employee.days_off = vec![1];
            }
            employees.push(employee);
        }
        let model = Model::new(ModelSpec {
            days: 2,
            first_weekday: Weekday::Monday,
            shift_types: short_and_long(),
            forbidden_successions: Vec::new(),
            employees,
            requests: vec![Request {
                employee: 1,
                day: 0,
                shift: Some(1),
                kind: RequestKind::Off,
                weight: 3,
            }],
            cover: vec![vec![wanted(2), wanted(1)], vec![wanted(0), wanted(1)]],
            supervision: Vec::new(),
            fairness: None,
        })
        .unwrap();
        let p = Problem::new(&model);
        let (short, long) = (0u8, 1u8);
        let mut roster = Roster::empty_for(&model);
        roster.set(0, 0, Some(long as usize));
        roster.set(1, 0, Some(short as usize));
        roster.set(2, 0, Some(short as usize));
        let fixed = vec![false; p.n * p.h];
        let allowed = super::super::allowed_table(&p);
        for seed in 0..16 {
            let mut state = State::from_roster(&p, &roster);
            state.set_range(&p, 0, 1, &[long]);
            let mut worker = Worker::new(&p, &fixed, &allowed, state, seed);
            assert_eq!(worker.cheapest_transfer(0, 1, 240), Some((0, 2, 240)), "seed {seed}");
            // Nothing is left changed by looking.
            assert_eq!(worker.state.cells, vec![long, long, short, p.off(), short, p.off()]);
        }
    }
}
