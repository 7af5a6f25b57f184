//! The roster optimiser: iterated simulated annealing with incremental scoring, and large
//! neighbourhoods built on an exact dynamic-programming re-optimisation of one employee's row.
//!
//! # Algorithm
//! 1. **Start**: the warm-start roster if one is given (re-planning); otherwise a construction
//!    that builds the rows one after the other, each the dynamic program's best answer to the
//!    cover the earlier rows left ([`row_dp`]; windows of one to eight weeks on long horizons).
//!    Where the search starts from that roster, a second pass rebuilds every row against all
//!    the others and keeps it where it is no worse. Where the model is linear in the rows chosen
//!    (no supervision, no fairness term: every benchmark instance), column generation then
//!    solves the relaxation of "one feasible row per employee" and dives to a roster
//!    ([`colgen`]), within 70 % of the time limit; the search starts from that roster when it is
//!    better than the construction.
//! 2. **Cycles**: every search thread anneals from a high to a low temperature (see [`search`]
//!    for the moves), then repairs rows that break a rule and polishes the roster. At the end of
//!    a cycle all threads meet at a barrier and publish their best roster. Thread 0 restarts the
//!    next cycle from the best roster of all threads (feasible before infeasible, then lower
//!    objective, then lower thread number); every other thread restarts from its own best if
//!    that is feasible and within 1 % of the shared best, and from the shared best otherwise, so
//!    that the threads keep exploring different regions. The first cycle starts hot enough to
//!    trade cover; the later ones, starting from good rosters, reheat only a little. Thread `i`
//!    uses the seed `seed + i`. Under a time limit the run is three equal cycles, or fewer
//!    where the measured speed would give a cycle too few steps per cell to cool a roster that
//!    large (one on the year-long Instance24 at 60 s); with an iteration budget a cycle is a
//!    number of iterations proportional to the roster's size.
//! 3. **Result**: the best feasible roster found, scored again by [`crate::evaluate`]; if none
//!    was feasible, the least infeasible roster with its violations. Every cost is a penalty, so
//!    0 is a lower bound, and column generation proves a better one where it runs
//!    ([`OptimiseResult::lower_bound`]); a roster that reaches it is optimal, and the run ends
//!    there ([`StopReason::ProvenOptimal`]).
//!
//! Scoring is incremental ([`state`]): a move is scored from the changed days, the runs they
//! touch and per-(day, shift type) cover counts, never the whole roster.
//!
//! # Determinism
//! Cycle lengths are counted in iterations and threads only exchange rosters at the barrier,
//! so with `max_iterations` set the result depends only on the model, the options and the seed —
//! for any number of threads — as long as neither the time limit nor the cancel flag stops the
//! run first. A run stopped by time depends on how far each thread got, i.e. on timing.
//!
//! # Fixed assignments
//! Cells listed in [`OptimiseOptions::fixed`] keep their value from the warm start (or stay off
//! without one). Should no feasible roster be found with them locked, the remaining budget is
//! spent on a second search that may move them ([`OptimiseResult::fixed_released`]).

mod colgen;
mod day_flow;
mod problem;
mod rng;
mod row_dp;
mod search;
mod simplex;
mod state;

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use crate::evaluate::{Evaluation, evaluate};
use crate::model::{DayIndex, EmployeeIndex, Model, Roster};
use problem::Problem;
use search::{CycleClock, Schedule, Snapshot, Worker};
use state::State;

/// How to run the optimiser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptimiseOptions {
    /// Wall-clock limit. When both this and `max_iterations` are `None`, 10 seconds apply.
    pub time_limit: Option<Duration>,
    /// Seed of the pseudo-random numbers.
    pub seed: u64,
    /// Search threads (at least one is used).
    pub threads: usize,
    /// Iteration budget per thread.
    pub max_iterations: Option<u64>,
    /// Warm start (e.g. the published roster when re-planning after an absence).
    pub initial: Option<Roster>,
    /// Cells (employee, day) that keep their warm-start value unless no feasible roster exists
    /// with them kept.
    pub fixed: Vec<(EmployeeIndex, DayIndex)>,
}

impl Default for OptimiseOptions {
    fn default() -> Self {
        OptimiseOptions {
            time_limit: Some(Duration::from_secs(10)),
            seed: 0,
            threads: 1,
            max_iterations: None,
            initial: None,
            fixed: Vec::new(),
        }
    }
}

/// A progress report, sent from the calling thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Time since the start.
    pub elapsed: Duration,
    /// Objective of the best feasible roster so far, if any.
    pub best_objective: Option<i64>,
    /// Hard violations of the roster `best_objective` refers to (0) or, before any feasible
    /// roster, of the least infeasible one.
    pub hard_violations: usize,
    /// Iterations done by the calling thread.
    pub iterations: u64,
}

/// Why the search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The iteration budget was used up.
    IterationLimit,
    /// The time limit was reached.
    TimeLimit,
    /// The cancel flag was raised.
    Cancelled,
    /// The roster's objective reached a proven lower bound ([`OptimiseResult::lower_bound`]):
    /// no roster is better.
    ProvenOptimal,
}

/// What the optimiser found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptimiseResult {
    /// The best roster found.
    pub roster: Roster,
    /// Its full evaluation.
    pub evaluation: Evaluation,
    /// Whether it breaks no hard rule.
    pub feasible: bool,
    /// Its soft objective (equal to `evaluation.objective`).
    pub objective: i64,
    /// When the returned roster was first found.
    pub time_to_best: Duration,
    /// Iterations over all threads.
    pub iterations: u64,
    /// Why the search stopped.
    pub stop_reason: StopReason,
    /// Whether fixed cells had to be released because no feasible roster kept them.
    pub fixed_released: bool,
    /// A proven lower bound on the objective of every feasible roster: column generation's where
    /// it gave one (models in its linear form, see [`colgen`]), otherwise 0, as every cost is a
    /// penalty.
    pub lower_bound: i64,
}

/// Share of the time limit column generation may use before the search starts. Measured at
/// 60 s: with half, the dive on Instance17 ran out of time (search result 5789); with 0.75 it
/// finished after 31 s at 5748, a point above the optimum.
const DIVE_SHARE: f64 = 0.7;

/// Share of the time limit the search gets when the whole-row master would not converge in time
/// (or would be too large) and windows of days are re-planned by column generation after it.
/// Measured at 60 s on Instance13, seeds 0–4, with windows of 7, 10 and 14 days whose programs
/// hold their own cover lines alone: a quarter of the time gave a mean of 1524, half 1484, three
/// quarters 1534 (the search alone: 1649). The spread between runs (up to 250) is wider than
/// these differences. The half-year instances were measured with half only.
const SEARCH_SHARE_BEFORE_WINDOWS: f64 = 0.5;

/// Interval between progress reports.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(250);

/// Optimises a roster for `model`. Never fails: an over-constrained model yields the least
/// infeasible roster found, with `feasible == false` and its violations in `evaluation`.
pub fn optimise(
    model: &Model,
    options: &OptimiseOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> OptimiseResult {
    let start = Instant::now();
    let problem = Problem::new(model);
    let initial = options
        .initial
        .as_ref()
        .filter(|roster| roster.fits(model))
        .cloned()
        .unwrap_or_else(|| Roster::empty_for(model));
    let time_limit = match (options.time_limit, options.max_iterations) {
        (None, None) => Some(Duration::from_secs(10)),
        (limit, _) => limit,
    };
    let deadline = time_limit.map(|limit| start + limit);

    let mut fixed = vec![false; problem.n * problem.h];
    for &(e, d) in &options.fixed {
        if e < problem.n && d < problem.h {
            fixed[e * problem.h + d] = true;
        }
    }
    let allowed = allowed_table(&problem);

    let mut run =
        run_search(&problem, &fixed, &allowed, &initial, options, deadline, start, cancel, progress, 0);
    let mut fixed_released = false;
    if run.best.hard > 0 && fixed.iter().any(|&f| f) && run.stop_reason != StopReason::Cancelled {
        let used = run.iterations_per_thread;
        let remaining = options.max_iterations.map(|budget| budget.saturating_sub(used));
        if remaining != Some(0) && deadline.is_none_or(|deadline| Instant::now() < deadline) {
            let released = vec![false; fixed.len()];
            let warm = State::from_cells(&problem, run.best.cells.clone()).to_roster(&problem);
            let mut second = OptimiseOptions { max_iterations: remaining, ..options.clone() };
            second.seed = options.seed.wrapping_add(0x5151);
            let total = run.iterations;
            run = run_search(
                &problem, &released, &allowed, &warm, &second, deadline, start, cancel, progress, total,
            );
            fixed_released = true;
        }
    }

    let roster = State::from_cells(&problem, run.best.cells.clone()).to_roster(&problem);
    let evaluation = evaluate(model, &roster).expect("the optimiser builds rosters of the model's shape");
    debug_assert_eq!(evaluation.objective, run.best.soft, "incremental and exact objective differ");
    debug_assert_eq!(
        evaluation.hard_penalty_units(),
        run.best.hard,
        "incremental and exact hard units differ"
    );
    OptimiseResult {
        feasible: evaluation.is_feasible(),
        objective: evaluation.objective,
        roster,
        evaluation,
        time_to_best: run.time_to_best,
        iterations: run.iterations,
        stop_reason: run.stop_reason,
        fixed_released,
        lower_bound: run.lower_bound,
    }
}

/// `allowed[(e * h + d) * (T + 1) + c]`: choice `c` is assignable to employee `e` on day `d`.
fn allowed_table(p: &Problem<'_>) -> Vec<bool> {
    let c = p.t + 1;
    let mut allowed = vec![false; p.n * p.h * c];
    for e in 0..p.n {
        for d in 0..p.h {
            for &choice in p.assignable(e, d) {
                allowed[(e * p.h + d) * c + choice as usize] = true;
            }
        }
    }
    allowed
}

struct RunOutcome {
    best: Snapshot,
    time_to_best: Duration,
    iterations: u64,
    iterations_per_thread: u64,
    stop_reason: StopReason,
    lower_bound: i64,
}

/// What a thread publishes at the end of a cycle.
#[derive(Clone)]
struct Published {
    best: Snapshot,
    found_at: Option<Instant>,
    iterations: u64,
}

/// Lexicographic quality: feasible first, then lower objective; then lower hard units.
fn better(a: &Snapshot, b: &Snapshot) -> bool {
    match (a.hard == 0, b.hard == 0) {
        (true, false) => true,
        (false, true) => false,
        (true, true) => a.soft < b.soft,
        (false, false) => (a.hard, a.soft) < (b.hard, b.soft),
    }
}

/// Iterations per annealing cycle: longer for larger rosters, so that each cycle can cool a
/// roster of that size properly.
fn cycle_iterations(p: &Problem<'_>) -> u64 {
    let cells = (p.n * p.h) as u64;
    (cells * 2_000).clamp(500_000, 60_000_000)
}

#[allow(clippy::too_many_arguments)]
fn run_search(
    p: &Problem<'_>,
    fixed: &[bool],
    allowed: &[bool],
    initial: &Roster,
    options: &OptimiseOptions,
    deadline: Option<Instant>,
    start: Instant,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
    iterations_before: u64,
) -> RunOutcome {
    let threads = options.threads.max(1);
    let mut initial_state = State::from_roster(p, initial);
    let mut from_dive = false;
    // Every cost is a penalty, so no roster costs less than nothing; column generation may prove more.
    let mut lower_bound = 0;
    // Set when the model suits column generation but its whole-row master would not converge
    // in the time, or its tree could not be finished, or the master would be too large: the
    // search then shares the time with windows of days.
    let mut windows_after = false;
    if options.initial.is_none() {
        let free = !fixed.iter().any(|&f| f);
        // Column generation builds its own rows from the construction's; there the second pass
        // only changed which dive was found (Instance10 ended at 4632 at 60 s, not at its proven
        // 4631 after 2–4 s).
        let whole_rows = colgen::applicable(p);
        construct_rows(p, fixed, &mut initial_state, !whole_rows);
        if free && whole_rows {
            // Column generation gets most of the time at most; the search polishes its roster.
            let now = Instant::now();
            let dive_deadline =
                deadline.map(|deadline| now + deadline.saturating_duration_since(now).mul_f64(DIVE_SHARE));
            if let Some(dive) =
                colgen::price_and_dive(p, &initial_state, dive_deadline, cancel, options.threads)
            {
                lower_bound = dive.lower_bound.map_or(lower_bound, |bound| bound.max(0));
                // A tree cut short by time: its rows are only a start, which the search and
                // then the windows of days improve, as on the paths that do not dive.
                windows_after = dive.rounded_out && deadline.is_some() && !cancel.load(Ordering::Relaxed);
                let candidate = State::from_cells(p, dive.cells);
                if (candidate.hard, candidate.soft) < (initial_state.hard, initial_state.soft) {
                    initial_state = candidate;
                    from_dive = true;
                }
            } else {
                windows_after = deadline.is_some() && !cancel.load(Ordering::Relaxed);
            }
        } else if free && colgen::windows_applicable(p) {
            // Too large for the whole-row master: the windows' masters hold a window's cover
            // lines alone.
            windows_after = deadline.is_some();
        }
    }
    let stop_all = AtomicBool::new(false);
    // Objective of the best feasible roster any thread has found, for progress reports only (the
    // threads still exchange rosters at the barriers alone, which keeps runs deterministic).
    let best_feasible_seen = AtomicI64::new(i64::MAX);
    let barrier = Barrier::new(threads);
    let slots: Mutex<Vec<Option<Published>>> = Mutex::new(vec![None; threads]);
    let cycle = cycle_iterations(p);
    let budget = options.max_iterations;
    // Temperatures on the objective's scale: a missing person costs 100 in the benchmark, a
    // request 1–3; a cycle starts hot enough to trade cover and cools until only improvements
    // and sideways moves pass.
    let first = Schedule { start_temperature: 30.0, end_temperature: 0.5 };
    // Later cycles start from the best rosters and only reheat a little: hot enough to leave a
    // local optimum by request-sized steps, too cool to give up cover. Measured at 30 s on
    // Instances 6, 8, 9, 14 and 16, two seeds: restarting at 30 left a summed objective of 8958,
    // at 15 8889, at 8 8810, at 4 8743 (every instance better or equal on both seeds), at 2 8896;
    // six shorter cycles at 4 gave 8888.
    let again = Schedule { start_temperature: 4.0, ..first };
    // A roster from the dive is already near the optimum: the first cycle's heat would only
    // scatter it.
    let schedules = if from_dive { [again, again] } else { [first, again] };
    // With an iteration budget, cycles are counted in iterations only, so that the run is
    // deterministic. Under a time limit alone, the time is split into three equal cycles, so
    // that every instance cools fully a few times whatever the machine's speed (measured: fewer,
    // longer cycles beat many short restarts on the benchmark), or into fewer where a third
    // would be too short to cool the roster at all ([`CycleClock`]).
    let search_deadline = match deadline {
        Some(deadline) if windows_after => {
            let now = Instant::now();
            Some(now + deadline.saturating_duration_since(now).mul_f64(SEARCH_SHARE_BEFORE_WINDOWS))
        }
        _ => deadline,
    };
    let cycle_clock = match (budget, search_deadline) {
        (None, Some(deadline)) => {
            // Keep a twentieth in hand so that the last cycle's repair ends before the deadline.
            Some(CycleClock::new(deadline.saturating_duration_since(Instant::now()).mul_f64(0.95), p.n * p.h))
        }
        _ => None,
    };
    let proven = |best: &Snapshot| best.hard == 0 && best.soft <= lower_bound;
    let should_stop = |stop_all: &AtomicBool| {
        if stop_all.load(Ordering::Relaxed) {
            return true;
        }
        let cancelled = cancel.load(Ordering::Relaxed);
        let timed_out = search_deadline.is_some_and(|deadline| Instant::now() >= deadline);
        if cancelled || timed_out {
            stop_all.store(true, Ordering::Relaxed);
        }
        cancelled || timed_out
    };

    // The body every thread runs; thread 0 runs on the caller's thread and reports progress.
    let body = |index: usize, report: Option<&mut dyn FnMut(&Progress)>| -> Published {
        let seed = options.seed.wrapping_add(index as u64);
        let mut worker = Worker::new(p, fixed, allowed, initial_state.clone(), seed);
        worker.repair();
        let mut found_at = (worker.best_feasible.is_some()).then(Instant::now);
        let mut last_best: Option<i64> = worker.best_feasible.as_ref().map(|b| b.soft);
        let mut report = report;
        let mut last_report = Instant::now();
        let mut done: u64 = 0;
        let mut shared_best: Option<Snapshot> = None;
        let mut cycles_done = 0;
        loop {
            let length = budget.map_or(u64::MAX, |budget| cycle.min(budget - done));
            // Thread 0 also reports the better of its own best and the last shared best every
            // quarter of a second during the cycle.
            let mut check = |own: &Snapshot, iterations: u64| -> bool {
                if proven(own) {
                    stop_all.store(true, Ordering::Relaxed);
                }
                if own.hard == 0 {
                    best_feasible_seen.fetch_min(own.soft, Ordering::Relaxed);
                }
                let stop = should_stop(&stop_all);
                if let Some(report) = report.as_mut()
                    && last_report.elapsed() >= PROGRESS_INTERVAL
                {
                    let best = match &shared_best {
                        Some(shared) if better(shared, own) => shared,
                        _ => own,
                    };
                    // Another thread's better roster only reaches this one at the barrier; its
                    // objective is reported as soon as it is found.
                    let seen = best_feasible_seen.load(Ordering::Relaxed);
                    let (best_objective, hard_violations) =
                        if seen < i64::MAX && (best.hard > 0 || seen < best.soft) {
                            (Some(seen), 0)
                        } else {
                            ((best.hard == 0).then_some(best.soft), count_violations(p, best))
                        };
                    last_report = Instant::now();
                    report(&Progress {
                        elapsed: start.elapsed(),
                        best_objective,
                        hard_violations,
                        iterations: iterations_before + iterations,
                    });
                }
                stop
            };
            let stopped =
                worker.anneal(length, cycle_clock.as_ref(), schedules[cycles_done.min(1)], &mut check);
            cycles_done += 1;
            done = worker.iterations;
            let own = worker.best_feasible.clone().unwrap_or_else(|| worker.best_infeasible.clone());
            if worker.best_feasible.as_ref().map(|b| b.soft) != last_best {
                last_best = worker.best_feasible.as_ref().map(|b| b.soft);
                found_at = worker.improved_time;
            }
            slots.lock().expect("no thread panics while holding the lock")[index] =
                Some(Published { best: own.clone(), found_at, iterations: worker.iterations });
            barrier.wait();
            let exhausted = budget.is_some_and(|budget| done >= budget);
            let finished = stopped || exhausted || stop_all.load(Ordering::Relaxed);
            let global = {
                let slots = slots.lock().expect("no thread panics while holding the lock");
                let mut best: Option<&Published> = None;
                for slot in slots.iter().flatten() {
                    if best.is_none_or(|b| better(&slot.best, &b.best)) {
                        best = Some(slot);
                    }
                }
                best.expect("every thread published").clone()
            };
            if let Some(report) = report.as_mut()
                && (finished || last_report.elapsed() >= PROGRESS_INTERVAL)
            {
                last_report = Instant::now();
                report(&Progress {
                    elapsed: start.elapsed(),
                    best_objective: (global.best.hard == 0).then_some(global.best.soft),
                    hard_violations: count_violations(p, &global.best),
                    iterations: iterations_before + worker.iterations,
                });
            }
            // Everyone reads the slots before anyone writes the next cycle's.
            barrier.wait();
            if finished {
                return global;
            }
            // A thread whose best is close to the shared best goes on from its own, so that the
            // threads explore different regions; one that has fallen behind adopts the shared best.
            // (Measured on Instance6, where runs that kept both threads in one region after the
            // first cycle often stayed a cover unit above the best roster.)
            let keep_own = index > 0
                && own.hard == 0
                && global.best.hard == 0
                && own.soft <= global.best.soft + (global.best.soft / 100).max(1);
            if report.is_some() {
                shared_best = Some(global.best.clone());
            }
            if keep_own {
                worker.restart_from(&own.cells);
                continue;
            }
            worker.restart_from(&global.best.cells);
            if global.best.hard == 0 && worker.best_feasible.as_ref().is_none_or(|b| better(&global.best, b))
            {
                worker.best_feasible = Some(global.best.clone());
                worker.improved_time = global.found_at;
                last_best = Some(global.best.soft);
                found_at = global.found_at;
            } else if global.best.hard > 0 && better(&global.best, &worker.best_infeasible) {
                worker.best_infeasible = global.best.clone();
            }
        }
    };

    let mut outcome = None;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|index| scope.spawn(move || body(index, None))).collect();
        let own = body(0, Some(&mut *progress));
        for handle in handles {
            handle.join().expect("search threads do not panic");
        }
        outcome = Some(own);
    });
    let mut published = outcome.expect("thread 0 ran");
    if windows_after
        && published.best.hard == 0
        && let Some(deadline) = deadline
        && let Some((cells, at)) =
            colgen::improve_by_windows(p, &published.best.cells, deadline, cancel, threads, &mut |better| {
                progress(&Progress {
                    elapsed: start.elapsed(),
                    best_objective: Some(better.soft),
                    hard_violations: 0,
                    iterations: iterations_before + published.iterations,
                })
            })
    {
        let improved = State::from_cells(p, cells);
        published.best = Snapshot { soft: improved.soft, hard: improved.hard, cells: improved.cells };
        published.found_at = Some(at);
    }
    let total_iterations = {
        let slots = slots.lock().expect("no thread panics while holding the lock");
        slots.iter().flatten().map(|s| s.iterations).sum::<u64>()
    };
    let per_thread = published.iterations;
    let stop_reason = if proven(&published.best) {
        StopReason::ProvenOptimal
    } else if cancel.load(Ordering::Relaxed) {
        StopReason::Cancelled
    } else if budget.is_some_and(|budget| per_thread >= budget) {
        StopReason::IterationLimit
    } else {
        StopReason::TimeLimit
    };
    RunOutcome {
        time_to_best: published.found_at.map_or(start.elapsed(), |at| at.duration_since(start)),
        best: published.best,
        iterations: iterations_before + total_iterations,
        iterations_per_thread: per_thread,
        stop_reason,
        lower_bound,
    }
}

/// Builds a first roster row by row: each employee's row is the dynamic program's best answer to
/// the cover left by the rows before it. Long horizons (or many shift types) are built in windows
/// of one to eight weeks, each asked for its share of the minimum minutes so that work is spread
/// over the horizon.
///
/// With `refine`, a second pass then rebuilds every row against all the others, which the first
/// rows never saw, and keeps the new row unless it is worse by the search's own measure. On the
/// year-long Instance24 this takes 0.3 s and lowers the start from 389,491 to 304,573; at 60 s
/// the run then ended at 59,966–65,101 (seeds 0–4) instead of 63,257–65,858.
pub(crate) fn construct_rows(p: &Problem<'_>, fixed: &[bool], state: &mut State, refine: bool) {
    let mut dp = row_dp::RowDp::default();
    // Whole rows where affordable; construction runs once, so it may spend more per call.
    let window = dp.probe_window(p, state, 56, 4 * search::DP_WORK_LIMIT);
    for e in 0..p.n {
        build_row(p, fixed, state, &mut dp, window, e);
    }
    if !refine {
        return;
    }
    let mut saved = Vec::with_capacity(p.h);
    let mut cleared = Vec::with_capacity(p.h);
    for e in 0..p.n {
        let before = penalised_at_start(state);
        saved.clear();
        saved.extend_from_slice(&state.cells[e * p.h..(e + 1) * p.h]);
        cleared.clear();
        cleared.extend((0..p.h).map(|d| if fixed[e * p.h + d] { saved[d] } else { p.off() }));
        state.set_range(p, e, 0, &cleared);
        build_row(p, fixed, state, &mut dp, window, e);
        if penalised_at_start(state) > before {
            state.set_range(p, e, 0, &saved);
        }
    }
}

/// The roster's cost as a search starting from it measures it: soft cost plus the starting weight
/// of each hard unit.
fn penalised_at_start(state: &State) -> f64 {
    state.soft as f64 + search::INITIAL_HARD_WEIGHT * state.hard as f64
}

/// Builds row `e`, empty but for its fixed cells, by windows of `window` days.
fn build_row(
    p: &Problem<'_>,
    fixed: &[bool],
    state: &mut State,
    dp: &mut row_dp::RowDp,
    window: usize,
    e: usize,
) {
    let mut a = 0;
    while a < p.h {
        let mut b = (a + window).min(p.h) - 1;
        // Shorter windows when the state space of a long one is too large.
        loop {
            let share = (p.min_minutes[e] * (b + 1) as i64 + p.h as i64 - 1) / p.h as i64;
            if dp.solve_with_minimum(p, state, fixed, e, a, b, share) {
                let row = dp.result().to_vec();
                state.set_range(p, e, a, &row);
                break;
            }
            if b - a < 7 {
                break;
            }
            b = a + (b - a) / 2;
        }
        a = b + 1;
    }
}

fn count_violations(p: &Problem<'_>, snapshot: &Snapshot) -> usize {
    if snapshot.hard == 0 {
        return 0;
    }
    let roster = State::from_cells(p, snapshot.cells.clone()).to_roster(p);
    evaluate(p.model, &roster).map_or(0, |evaluation| evaluation.hard_violations.len())
}

#[cfg(test)]
mod tests {
    use super::problem::Problem;
    use super::rng::Rng;
    use super::state::State;
    use crate::evaluate::evaluate;
    use crate::model::{
        Cover, Employee, FairnessRule, ForbiddenSuccession, Model, ModelSpec, Request, RequestKind,
        ShiftType, SupervisionRule, Weekday,
    };

    /// A small model exercising every rule and soft term.
    fn rich_model() -> Model {
        let days = 17;
        let shift_types = vec![
            ShiftType { code: "D".into(), length_minutes: 480, required_skill: None, following_days_held: 0 },
            ShiftType { code: "N".into(), length_minutes: 600, required_skill: None, following_days_held: 1 },
            ShiftType {
                code: "B".into(),
                length_minutes: 720,
                required_skill: Some(0),
                following_days_held: 0,
            },
        ];
        let mut employees = Vec::new();
        for i in 0..6 {
            let mut e = Employee::unrestricted(format!("E{i}"), 3);
            e.max_shifts_per_type = vec![6, 3, 4];
            e.min_total_minutes = 2400;
            e.max_total_minutes = 5400;
            e.max_consecutive_working_days = 4;
            e.min_consecutive_working_days = 2;
            e.min_consecutive_days_off = 2;
            e.max_weekends = 1;
            e.days_off = vec![i, (i * 5) % days];
            e.unavailable = vec![((i * 3) % days, 1)];
            if i % 2 == 0 {
                e.skills = vec![0];
            }
            e.share_permille = 500 + 100 * i as u32;
            e.fairness_balance = [0, 4, -3, 0, 7, -2][i];
            employees.push(e);
        }
        let mut forbidden_successions = vec![
            ForbiddenSuccession { first: 1, then: Some(0), day_offset: 1 },
            ForbiddenSuccession { first: 1, then: Some(0), day_offset: 2 },
        ];
        forbidden_successions.extend(ForbiddenSuccession::block_following_days(2, 2));
        let cover = (0..days)
            .map(|d| {
                (0..3)
                    .map(|s| Cover {
                        min: u32::from(s == 0),
                        preferred: 1 + ((d + s) % 3) as u32 / 2,
                        weight_under_min: 500,
                        weight_under_preferred: 100,
                        weight_over_preferred: 3,
                    })
                    .collect()
            })
            .collect();
        let requests = vec![
            Request { employee: 0, day: 3, shift: Some(0), kind: RequestKind::On, weight: 2 },
            Request { employee: 1, day: 4, shift: None, kind: RequestKind::Off, weight: 3 },
            Request { employee: 2, day: 8, shift: None, kind: RequestKind::On, weight: 1 },
            Request { employee: 3, day: 9, shift: Some(1), kind: RequestKind::Off, weight: 2 },
        ];
        // Two pools; the last employee has no share, and the divisor makes the rounding matter.
        employees[5].share_permille = 0;
        let fairness = FairnessRule {
            points: (0..days).map(|d| vec![10, 20 + 5 * u32::from(d % 7 >= 5), 30]).collect(),
            weight: 3,
            divisor: 7,
            pools: vec![0, 1, 0, 1, 0, 1],
            caps: vec![150],
        };
        Model::new(ModelSpec {
            days,
            first_weekday: Weekday::Wednesday,
            shift_types,
            forbidden_successions,
            employees,
            requests,
            cover,
            supervision: vec![
                SupervisionRule::same_day(1, 0, 2, 40),
                // A night backing the next day's day shift, on some days only.
                SupervisionRule {
                    supervised_shift: 0,
                    skill: 0,
                    backup_shift: 1,
                    backup_day_offset: 1,
                    days: vec![0, 3, 4, 8, 12, 16],
                    weight: 25,
                },
            ],
            fairness: Some(fairness),
        })
        .unwrap()
    }

    /// The construction's second pass lowers the roster's cost by the search's measure (on
    /// Instance20 by 4 %: 40,814 → 39,129), leaves the incremental state consistent, and keeps
    /// fixed cells.
    #[test]
    fn construction_second_pass_improves_the_first() {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/benchmarks/shift-scheduling/instances/Instance20.txt");
        let model = crate::cq::parse_instance(&std::fs::read_to_string(path).unwrap()).unwrap();
        let p = Problem::new(&model);
        let penalised = super::penalised_at_start;
        let free = vec![false; p.n * p.h];
        let mut first = State::from_cells(&p, vec![p.off(); p.n * p.h]);
        super::construct_rows(&p, &free, &mut first, false);
        let mut both = State::from_cells(&p, vec![p.off(); p.n * p.h]);
        super::construct_rows(&p, &free, &mut both, true);
        assert!(
            penalised(&both) < 0.97 * penalised(&first),
            "{} then {}",
            penalised(&first),
            penalised(&both)
        );
        let rebuilt = State::from_cells(&p, both.cells.clone());
        assert_eq!((rebuilt.soft, rebuilt.hard), (both.soft, both.hard));

        // Every tenth cell of the first row is fixed (off, as without a warm start).
        let mut fixed = free.clone();
        for d in (0..p.h).step_by(10) {
            fixed[d] = true;
        }
        let mut kept = State::from_cells(&p, vec![p.off(); p.n * p.h]);
        super::construct_rows(&p, &fixed, &mut kept, true);
        assert!((0..p.h).step_by(10).all(|d| kept.cells[d] == p.off()));
    }

    #[test]
    fn incremental_state_matches_the_evaluator_under_random_changes() {
        let model = rich_model();
        let p = Problem::new(&model);
        let mut state = State::from_cells(&p, vec![p.off(); p.n * p.h]);
        let mut rng = Rng::new(7);
        for step in 0..3000 {
            let e = rng.below(p.n);
            let len = 1 + rng.below(5);
            let a = rng.below(p.h - len + 1);
            let new: Vec<u8> = (0..len).map(|_| rng.below(p.t + 1) as u8).collect();
            state.set_range(&p, e, a, &new);
            if step % 50 == 0 {
                let evaluation = evaluate(&model, &state.to_roster(&p)).unwrap();
                assert_eq!(state.soft, evaluation.objective, "soft at step {step}");
                assert_eq!(state.hard, evaluation.hard_penalty_units(), "hard at step {step}");
                let rebuilt = State::from_cells(&p, state.cells.clone());
                assert_eq!((rebuilt.soft, rebuilt.hard), (state.soft, state.hard));
            }
        }
    }
}
