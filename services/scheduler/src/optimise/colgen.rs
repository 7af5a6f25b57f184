//! A start roster by column generation and diving ("price and dive").
//!
//! Every hard rule of the model concerns one employee's row, and the soft objective is the
//! employees' request costs plus a cost per (day, shift type) that is linear below and above the
//! cover target. So a roster is one feasible row per employee, and its cost is linear in the
//! rows chosen once cover shortfall and surplus are slack variables. The linear relaxation of
//! that choice (the *master*) is known to be very tight on rostering benchmarks; it is solved
//! over a growing set of rows:
//!
//! - **Master**: minimise Σ row cost · x + Σ weight · slack, subject to "cover of (d, s) + under −
//!   over = target" for every (day, shift type) and "Σ x = 1" for every employee, x ≥ 0
//!   ([`simplex`](super::simplex)).
//! - **Pricing**: given the master's dual prices, the row of most negative reduced cost for each
//!   employee is the dynamic program of [`row_dp`](super::row_dp) over the whole horizon, with
//!   each cell priced at its request cost minus the cover dual. Rows it returns are checked against
//!   the exact hard rules (the program prices some of them rather than forbidding them) and added
//!   when their reduced cost is negative.
//! - **Smoothing**: pricing at the master's duals alone makes them swing from round to round
//!   and the last rounds add rows that barely move the objective. Each round therefore prices
//!   first at a mix of the duals with the prices of the best Lagrangian bound found at the node
//!   (Wentges' smoothing), and at the duals themselves only when the mix finds no row that
//!   enters. The Lagrangian bound — the cover targets at their prices plus every employee's
//!   cheapest row less its cover prices — also ends a node's generation as soon as it shows that
//!   the node cannot beat the best roster. On Instance18 the first complete dive came after 411
//!   rounds instead of 750, and Instance17's relaxation in 8 s instead of 9–10.
//! - **Lower bound**: the pricing program returns a bound on every feasible row's reduced cost
//!   (its optimum, or the Lagrangian bound of its own rounds where it prices a type's maximum,
//!   with the prices rounded down), so the Lagrangian bound is a proven lower bound on every
//!   roster whatever the master's state. The root's best is returned with the dive; Instances
//!   2, 3, 4, 14 and 17 are proven optimal by it.
//! - **Column pool**: a node's program starts with each open employee's
//!   [`KEPT_PER_EMPLOYEE`] columns of least reduced cost at the last dual prices; the others
//!   stay in the pool and enter as soon as they price out (checked before every pricing round,
//!   so a node's relaxation is still over every generated row). The simplex's work per pivot
//!   grows with the columns: on Instance18 the first dive took 7.6 s instead of 10.2 s (with
//!   50 columns kept).
//! - **Diving**: once no row prices out, the employees whose best row is (nearly) chosen
//!   outright, and at least an eighth of the open ones, are fixed to their leading row, and the
//!   master is priced and solved again, until every employee has a row. Every generated row is
//!   feasible, so the result is a feasible roster; the annealing search then goes on from it.
//! - **Backtracking**: after the first dive, further dives take a detour (the leading row
//!   banned rather than fixed) at one, then two, of the steps where the first dive's relaxation
//!   rose by a whole unit or more, earliest first; then, with time left, a depth-first search
//!   with up to two detours on a path, latest steps first. Nodes whose relaxation cannot beat the
//!   best complete dive are cut off. On Instance8 the first dive ends at 1405 and a detour at its
//!   fourteenth step finds 1303 (optimum 1300); on Instance6 the first dive ends at 2044 (one
//!   late step raises the relaxation by 51) and the depth-first search finds 1952 (optimum 1950).
//!
//! - **Windows of days** ([`improve_by_windows`]): where the whole-row master would not converge
//!   in the time (its first round takes a 120th of the dive's time, or its relaxation more
//!   than a third, [`ROOT_SHARE`]), where no dive ends in time, or where the master would be too
//!   large, the search's roster is improved by the same master and dive over every employee's
//!   cells in a window of days, the rest of each row kept: pricing runs the row program over the
//!   window alone, against the kept days on both sides, and the program holds the window's cover
//!   lines alone (the others are covered alike by every row).
//!   On Instance13 (120 employees, 18 shift types) a week's master converges in about 0.5 s
//!   where the whole horizon's takes about two minutes; on the half-year instances in 5–200 ms.
//!
//! Used only where the model fits the linear form: no supervision rules, no fairness term, and
//! cover costs with one target per cell; and where no shift holds following days, whose weekends
//! the pricing program may count twice (so its bound would not hold).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::problem::Problem;
use super::row_dp::RowDp;
use super::simplex::{Lp, LpStatus};
use super::state::State;

/// The artificial "one row per employee" columns of the starting basis cost this many times
/// more than any row could save. Kept as small as that allows: an artificial column left basic
/// at zero carries its cost into every dual price, and costs of 10⁹ left the reduced costs with
/// rounding noise at the size of their tolerance.
const BIG_M_FACTOR: f64 = 10.0;
/// Pricing runs at this mix of the best prices so far (by Lagrangian bound) and the master's
/// duals (Wentges' smoothing), which damps the duals' swings between rounds.
const SMOOTHING: f64 = 0.7;
/// Dual prices are scaled to integers for the dynamic program at this factor (rounded down, so
/// that the program's bound holds for the exact prices; finely, so that the rounding summed over
/// every cell of every employee stays far below one).
const PRICE_SCALE: f64 = (1u64 << 20) as f64;
/// A row enters the master when its reduced cost is below this.
const ENTER_EPS: f64 = 1e-6;
/// A column at least this high in the relaxation is fixed without further pricing.
const FIX_AT: f64 = 0.99;
/// Larger state spaces than the search's: pricing runs over whole rows.
const PRICING_STATE_LIMIT: usize = 1_500_000;
/// Pricing rounds in all, so that a run without a time limit ends (a few hundred suffice on
/// every benchmark instance that prices within its time).
const MAX_ROUNDS: usize = 30_000;
/// Each dive step fixes at least this share of the open employees (those with their leading
/// column near one beside them). Measured at 60 s: fixing one employee a step ran out of time on
/// Instance16 (dive roster 3630); an eighth a step finished in 4 s at the optimum, 3225.
const FIX_SHARE: usize = 8;
/// The root's relaxation may take this part of the dive's time (a third); past it, the whole
/// time goes to the search and the windows of days. Measured at 60 s, the roots of the
/// instances that dive converge in 0.3–2.9 s of their 14 (Instances 10, 12, 16, 17 and 18).
/// Instance13's takes 94–112 s, and its first dive had still not ended ten minutes later. Given
/// 300 s, its first round is within the limit ([`FIRST_ROUND_SHARE`]), and without this limit
/// the dive's time went on a tree it could not finish (1535, one run; 1423 and 1558 in two runs
/// with the time given back to the search and the windows, whose spread is that wide).
const ROOT_SHARE: u32 = 3;
/// Column generation is tried when its first pricing round takes at most this part of the
/// dive's time (see [`price_and_dive`]).
const FIRST_ROUND_SHARE: u32 = 120;
/// Times a dive may take the second way at a node rather than the leading column in the
/// depth-first search.
const MAX_DISCREPANCIES: usize = 2;
/// A step that raised the relaxation by less than this (rosters cost whole numbers) is not
/// taken another way. Instance8's relaxation rises by 0.1–1 a step for most of its dive and by
/// 2–45 in the few steps that matter.
const WORTH_ANOTHER_WAY: f64 = 1.0;

/// A node's program starts with this many columns per open employee, those of least reduced
/// cost at the last dual prices; the rest of the pool enters when it prices out. Measured at
/// 60 s: with 50, Instance10's dives ended a unit above its bound (4632); with 100, Instance18's
/// at 4472; with 75, 4631 (proven) and 4463.
const KEPT_PER_EMPLOYEE: usize = 75;

/// Largest master (rows) column generation is tried on: the dense basis inverse grows with the
/// square of the rows and its rebuilds with the cube. Benchmark instances up to 84 days and 120
/// employees have at most 624 rows; the half-year and year instances have 1,142 and more.
const MAX_MASTER_ROWS: usize = 700;

/// Whether the model has the linear form the master needs, at a size it handles.
pub(crate) fn applicable(p: &Problem<'_>) -> bool {
    p.h * p.t + p.n <= MAX_MASTER_ROWS && linear(p)
}

/// Largest horizon (cover lines) windows of days are tried on. Each window gains there too, but
/// on the year-long benchmark instances (5,824 and 11,648 lines) a sweep takes minutes while the
/// search is still gaining fast: at 60 s, half the time given to windows left Instance23 at
/// 20063 against 19913, and Instance24 at 86414 against 69485. On the half-year instances (1,092
/// and 1,456 lines) the search has settled and the windows gain.
const MAX_WINDOWED_LINES: usize = 2_000;

/// Whether windows of days ([`improve_by_windows`]) suit the model: its linear form, at a size
/// where the shortest window's master is within the limit (its program holds the window's cover
/// lines only) and the horizon is not too long for sweeps of windows.
pub(crate) fn windows_applicable(p: &Problem<'_>) -> bool {
    WINDOW_DAYS.min(p.h) * p.t + p.n <= MAX_MASTER_ROWS && p.h * p.t <= MAX_WINDOWED_LINES && linear(p)
}

/// Whether the cost is linear in the rows, as a set-partitioning master needs: no supervision,
/// no fairness term, and cover lines of one shortfall weight each; and whether the pricing
/// program holds every hard rule exactly, which it does not where shifts hold following days
/// (it may count a weekend twice, so its bound would not hold).
fn linear(p: &Problem<'_>) -> bool {
    !p.shifts_hold_following_days
        && p.supervision.is_empty()
        && p.fairness_weight == 0
        && p.cover
            .iter()
            .all(|&[min, preferred, under_min, _, _]| min == 0 || min == preferred || under_min == 0)
}

/// Per-unit weights of the cover line: (target, under, over).
fn cover_line(p: &Problem<'_>, d: usize, s: usize) -> (i64, i64, i64) {
    let [min, preferred, under_min, under_preferred, over] = p.cover[d * p.t + s];
    let under = if min == preferred && min > 0 { under_min + under_preferred } else { under_preferred };
    (preferred, under, over)
}

/// What the dive produced.
pub(crate) struct Dive {
    /// The roster's cells, `[e * h + d]`.
    pub(crate) cells: Vec<u8>,
    /// Value of the master when the dive began: its relaxation when pricing converged.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) relaxation: f64,
    /// No roster costs less: the best Lagrangian bound of the root, rounded up.
    pub(crate) lower_bound: Option<i64>,
    /// Whether time ran out before any dive reached a leaf, so that `cells` are the leading
    /// columns of a node of the tree rather than a dive's roster.
    pub(crate) rounded_out: bool,
}

/// The master over every row generated so far, and the linear program of the current node of
/// the dive.
///
/// A node's program holds only what is still open: the rows of the employees not fixed, less
/// the banned ones, against the cover targets less what the fixed rows already cover. Fixing
/// or banning by cost instead (a prohibitive cost on every other column) left the simplex
/// pivoting those columns out for tens of thousands of degenerate pivots per node on
/// Instance12; a node's program is therefore built afresh and solved from its slack basis.
struct Master<'a, 'm> {
    p: &'a Problem<'m>,
    /// The current node's program ([`Master::build_lp`]).
    lp: Lp,
    /// Employee and cells of every generated row; a row's index here is its column.
    rows: Vec<(usize, Vec<u8>)>,
    seen: HashSet<(usize, Vec<u8>)>,
    /// Columns of each employee.
    by_employee: Vec<Vec<usize>>,
    /// The column each employee is fixed to.
    fixed: Vec<Option<usize>>,
    /// Each column's index in the node's program, `usize::MAX` when it is not there.
    in_lp: Vec<usize>,
    /// Each cover line's sign in the node's program: −1 where the fixed rows already cover more
    /// than its target, which keeps the right-hand side non-negative.
    signs: Vec<f64>,
    /// Request cost of the fixed rows, which the node's program leaves out.
    fixed_cost: f64,
    /// Each cover line's row in the node's program, [`NOT_IN_LP`] for the lines outside a
    /// window; the employees' convexity rows follow the cover rows.
    line_rows: Vec<u32>,
    /// How many cover lines the node's program has.
    cover_rows: usize,
    /// Cover cost of the lines outside a window, which every row covers alike ([`outside_cost`]).
    outside_cost: f64,
    /// One pricer per thread; employees are priced in parallel, in fixed shares.
    pricers: Vec<Pricer>,
    /// Pricing rounds so far.
    rounds: usize,
    /// Columns banned on the way to the current node of the dive.
    tabu: Vec<usize>,
    /// Cost of the artificial columns ([`big_m`]).
    artificial: f64,
    /// Nodes whose relaxation is above this cannot beat the incumbent (its objective less one):
    /// generation stops as soon as a Lagrangian bound shows that.
    cutoff: f64,
    /// The best Lagrangian bound of the last node's generation.
    node_bound: f64,
    /// Dual prices of the last solve, by which a node's program keeps each employee's most
    /// promising columns ([`KEPT_PER_EMPLOYEE`]); the others wait in the pool.
    last_duals: Option<Vec<f64>>,
    /// The days `a … b` a window master re-plans ([`improve_by_windows`]); every row keeps the
    /// start roster's cells outside them. `None`: whole rows.
    window: Option<(usize, usize)>,
}

/// Cover cost of the lines outside days `a … b` in the roster `cells`. Every row of a window
/// master keeps the start roster's cells there, so that cover, and its cost, is the same whatever
/// the program chooses: those lines stay out of it.
fn outside_cost(p: &Problem<'_>, cells: &[u8], a: usize, b: usize) -> f64 {
    let outside = |d: usize| !(a..=b).contains(&d);
    let mut left: Vec<i64> = (0..p.h * p.t).map(|i| cover_line(p, i / p.t, i % p.t).0).collect();
    for (k, &c) in cells.iter().enumerate() {
        if c != p.off() && outside(k % p.h) {
            left[(k % p.h) * p.t + c as usize] -= 1;
        }
    }
    let mut cost = 0;
    for (i, &left) in left.iter().enumerate() {
        if outside(i / p.t) {
            let (_, under, over) = cover_line(p, i / p.t, i % p.t);
            cost += under * left.max(0) + over * (-left).max(0);
        }
    }
    cost as f64
}

/// [`Master::line_rows`] of a cover line outside the node's program.
const NOT_IN_LP: u32 = u32::MAX;

/// Cost of the artificial columns. Exchanging an artificial column for a row
/// changes the objective by at most the row's request cost plus a surplus on each of its days,
/// and a row's reduced cost is at least minus a shortfall on each day; the sum of the largest
/// of these per day bounds what any column can gain.
fn big_m(p: &Problem<'_>) -> f64 {
    let mut gain = 1.0;
    for d in 0..p.h {
        let (mut under, mut over, mut request) = (0, 0, 0);
        for s in 0..p.t {
            let (_, u, o) = cover_line(p, d, s);
            under = under.max(u);
            over = over.max(o);
        }
        for e in 0..p.n {
            for c in 0..=p.t {
                request = request.max(p.request(e, d, c as u8));
            }
        }
        gain += (under + over + request) as f64;
    }
    BIG_M_FACTOR * gain
}

/// The best complete dive so far.
struct Incumbent {
    /// Its objective (at first the start roster's, when that is feasible): nodes that cannot
    /// beat it are not explored.
    objective: f64,
    /// Every employee's fixed column (`None`: no dive completed yet).
    fixed: Option<Vec<Option<usize>>>,
    /// The root's Lagrangian bound rounded up: no roster costs less.
    floor: f64,
    /// Set when time ran out before a complete dive and `fixed` holds a node's leading columns.
    rounded_out: bool,
}

impl Incumbent {
    /// No dive yet: the start roster's `objective` to beat, and no roster below `floor`.
    fn starting_at(objective: f64, floor: f64) -> Incumbent {
        Incumbent { objective, fixed: None, floor, rounded_out: false }
    }
}

/// Nodes whose relaxation is above this cannot lead to a roster better than one of `objective`:
/// rosters cost whole numbers, so a node must promise at least one less.
fn cutoff(objective: f64) -> f64 {
    objective - 1.0 + 1e-6
}

/// Whether the dive goes on.
enum Flow {
    Go,
    Stop,
}

/// What one pricing thread needs: the program, its price table and a roster state to check
/// rows on.
struct Pricer {
    scratch: State,
    dp: RowDp,
    prices: Vec<i64>,
}

impl Pricer {
    /// Employee `e`'s cheapest row when the cover cells are priced at `prices` (dual prices, or
    /// a mix of them, [`SMOOTHING`]): `(row, value)` where the value is a lower bound on every
    /// feasible row's cost less its cover prices, `None` when the program finds no row. The row is what enters the master,
    /// so only worth keeping when its reduced cost under the master's `duals` is negative and it
    /// breaks no hard rule ([`Pricer::enters`]).
    fn cheapest_row(
        &mut self,
        p: &Problem<'_>,
        prices: &[f64],
        e: usize,
        window: Option<(usize, usize)>,
    ) -> Option<(Vec<u8>, f64)> {
        // Prices are rounded down, so that the program's bound holds for the exact prices too.
        for d in 0..p.h {
            for c in 0..=p.t {
                let dual = if c == p.t { 0.0 } else { prices[d * p.t + c] };
                let price = p.request(e, d, c as u8) as f64 - dual;
                self.prices[d * (p.t + 1) + c] = (price * PRICE_SCALE).floor() as i64;
            }
        }
        let (row, value) = match window {
            None => {
                if !self.dp.solve_priced(p, &self.scratch, e, &self.prices, PRICING_STATE_LIMIT) {
                    return None;
                }
                (self.dp.result().to_vec(), self.dp.lower_bound() as f64 / PRICE_SCALE)
            }
            // Only the window is priced; the days outside it keep the start roster's cells, whose
            // cost less cover prices is the same for every row.
            Some((a, b)) => {
                if !self.dp.solve_priced_window(p, &self.scratch, e, a, b, &self.prices, PRICING_STATE_LIMIT)
                {
                    return None;
                }
                let mut row = self.scratch.cells[e * p.h..(e + 1) * p.h].to_vec();
                row[a..=b].copy_from_slice(self.dp.result());
                let outside: f64 = (0..a)
                    .chain(b + 1..p.h)
                    .map(|d| {
                        let c = row[d];
                        let dual = if c == p.off() { 0.0 } else { prices[d * p.t + c as usize] };
                        p.request(e, d, c) as f64 - dual
                    })
                    .sum();
                // Less a margin for the sum's rounding, so that the value stays a lower bound.
                let value = self.dp.lower_bound() as f64 / PRICE_SCALE + outside - 1e-6;
                (row, value)
            }
        };
        debug_assert!(value <= row_cost(p, e, &row) as f64 - covered(p, &row, prices) + 1e-6);
        Some((row, value))
    }

    /// Whether `row` would enter the master under `duals`: negative reduced cost and no hard
    /// rule broken.
    fn enters(&mut self, p: &Problem<'_>, duals: &[f64], e: usize, row: &[u8]) -> bool {
        reduced_cost(p, e, row, duals) < -ENTER_EPS && self.feasible(p, e, row)
    }

    /// Whether `row` breaks no hard rule as employee `e`'s row (checked on the exact state).
    fn feasible(&mut self, p: &Problem<'_>, e: usize, row: &[u8]) -> bool {
        let h = p.h;
        let old = self.scratch.cells[e * h..(e + 1) * h].to_vec();
        self.scratch.set_range(p, e, 0, row);
        let ok = self.scratch.hard_by_employee[e] == 0;
        self.scratch.set_range(p, e, 0, &old);
        ok
    }
}

/// One employee's outcome of a pricing round.
#[derive(Clone)]
struct Priced {
    employee: usize,
    /// The cheapest row, when it enters the master.
    entering: Option<Vec<u8>>,
    /// A lower bound on every row's cost less its cover prices (`-∞` when the program found
    /// none).
    value: f64,
}

/// Sum of the cover prices of the cells `row` works.
fn covered(p: &Problem<'_>, row: &[u8], prices: &[f64]) -> f64 {
    let off = p.off();
    row.iter().enumerate().filter(|&(_, &c)| c != off).map(|(d, &c)| prices[d * p.t + c as usize]).sum()
}

/// Reduced cost of `row` as employee `e`'s column under the master's dual prices `duals`.
fn reduced_cost(p: &Problem<'_>, e: usize, row: &[u8], duals: &[f64]) -> f64 {
    row_cost(p, e, row) as f64 - covered(p, row, duals) - duals[p.h * p.t + e]
}

/// Request cost of `row` as employee `e`'s row.
fn row_cost(p: &Problem<'_>, e: usize, row: &[u8]) -> i64 {
    row.iter().enumerate().map(|(d, &c)| p.request(e, d, c)).sum()
}

impl<'a, 'm> Master<'a, 'm> {
    /// The master seeded with the start roster's rows; with a `window` `(a, b)` it re-plans the
    /// days `a … b` only, every row keeping the start roster's cells outside them.
    fn new(
        p: &'a Problem<'m>,
        start: &State,
        threads: usize,
        window: Option<(usize, usize)>,
    ) -> Master<'a, 'm> {
        let mut master = Master {
            p,
            lp: Lp::new(Vec::new(), &[]),
            rows: Vec::new(),
            seen: HashSet::new(),
            by_employee: vec![Vec::new(); p.n],
            fixed: vec![None; p.n],
            in_lp: Vec::new(),
            signs: vec![1.0; p.h * p.t],
            fixed_cost: 0.0,
            line_rows: Vec::new(),
            cover_rows: 0,
            outside_cost: 0.0,
            pricers: (0..threads.max(1))
                .map(|_| Pricer {
                    scratch: start.clone(),
                    dp: RowDp::default(),
                    prices: vec![0; p.h * (p.t + 1)],
                })
                .collect(),
            rounds: 0,
            tabu: Vec::new(),
            artificial: big_m(p),
            cutoff: f64::INFINITY,
            node_bound: f64::NEG_INFINITY,
            last_duals: None,
            window,
        };
        if let Some((a, b)) = window {
            master.outside_cost = outside_cost(p, &start.cells, a, b);
        }
        master.build_lp();
        for e in 0..p.n {
            if start.hard_by_employee[e] == 0 {
                let row = start.cells[e * p.h..(e + 1) * p.h].to_vec();
                master.add_row(e, row);
            }
        }
        master
    }

    /// Builds the current node's program: every cover line with its target less what the fixed
    /// rows cover, under its shortfall and surplus slacks (the one that keeps the right-hand side
    /// non-negative basic), one convexity line per employee (an open one's under an artificial
    /// column), and the open employees' rows that are not banned.
    fn build_lp(&mut self) {
        let p = self.p;
        let lines = p.h * p.t;
        let mut residual: Vec<i64> = (0..lines).map(|i| cover_line(p, i / p.t, i % p.t).0).collect();
        let in_program = |d: usize| self.window.is_none_or(|(a, b)| (a..=b).contains(&d));
        self.fixed_cost = 0.0;
        for e in 0..p.n {
            if let Some(j) = self.fixed[e] {
                let row = &self.rows[j].1;
                self.fixed_cost += row_cost(p, e, row) as f64;
                for (d, &c) in row.iter().enumerate() {
                    if c != p.off() {
                        residual[d * p.t + c as usize] -= 1;
                    }
                }
            }
        }
        let mut rhs = Vec::with_capacity(lines + p.n);
        let mut basis_costs = Vec::with_capacity(lines + p.n);
        let mut other_costs = Vec::with_capacity(lines);
        self.line_rows = vec![NOT_IN_LP; lines];
        for (i, &left) in residual.iter().enumerate() {
            if !in_program(i / p.t) {
                continue;
            }
            self.line_rows[i] = rhs.len() as u32;
            let (_, under, over) = cover_line(p, i / p.t, i % p.t);
            let sign = if left < 0 { -1.0 } else { 1.0 };
            self.signs[i] = sign;
            rhs.push(sign * left as f64);
            // In a line of sign −1 the surplus slack has the unit coefficient.
            let (basic, other) = if left < 0 { (over, under) } else { (under, over) };
            basis_costs.push(basic as f64);
            other_costs.push(other as f64);
        }
        self.cover_rows = rhs.len();
        for e in 0..p.n {
            rhs.push(1.0);
            basis_costs.push(if self.fixed[e].is_some() { 0.0 } else { self.artificial });
        }
        self.lp = Lp::new(rhs, &basis_costs);
        for (row, cost) in other_costs.into_iter().enumerate() {
            self.lp.add_column(cost, vec![(row as u32, -1.0)]);
        }
        self.in_lp = vec![usize::MAX; self.rows.len()];
        let mut candidates: Vec<(f64, usize)> = Vec::new();
        for e in 0..p.n {
            if self.fixed[e].is_some() {
                continue;
            }
            candidates.clear();
            for &j in &self.by_employee[e] {
                if !self.tabu.contains(&j) {
                    let reduced = self.last_duals.as_ref().map_or(0.0, |duals| self.reduced_cost(j, duals));
                    candidates.push((reduced, j));
                }
            }
            if candidates.len() > KEPT_PER_EMPLOYEE {
                candidates.select_nth_unstable_by(KEPT_PER_EMPLOYEE, |a, b| {
                    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
                });
                candidates.truncate(KEPT_PER_EMPLOYEE);
            }
            candidates.sort_unstable_by_key(|&(_, j)| j);
            for &(_, j) in &candidates {
                self.in_lp[j] = self.add_to_lp(j);
            }
        }
    }

    /// Reduced cost of column `j` under dual prices `duals` (in the master's signs).
    fn reduced_cost(&self, j: usize, duals: &[f64]) -> f64 {
        let (e, row) = &self.rows[j];
        reduced_cost(self.p, *e, row, duals)
    }

    /// Puts every column of the pool that is left out of the node's program and prices out
    /// under `duals` into it; returns how many.
    fn add_from_pool(&mut self, duals: &[f64]) -> usize {
        let mut added = 0;
        for e in 0..self.p.n {
            if self.fixed[e].is_some() {
                continue;
            }
            for k in 0..self.by_employee[e].len() {
                let j = self.by_employee[e][k];
                if self.in_lp[j] == usize::MAX
                    && !self.tabu.contains(&j)
                    && self.reduced_cost(j, duals) < -ENTER_EPS
                {
                    self.in_lp[j] = self.add_to_lp(j);
                    added += 1;
                }
            }
        }
        added
    }

    /// Adds column `j` to the node's program; returns its index there.
    fn add_to_lp(&mut self, j: usize) -> usize {
        let p = self.p;
        let (e, row) = &self.rows[j];
        let mut entries: Vec<(u32, f64)> = row
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c != p.off())
            .map(|(d, &c)| d * p.t + c as usize)
            .filter(|&line| self.line_rows[line] != NOT_IN_LP)
            .map(|line| (self.line_rows[line], self.signs[line]))
            .collect();
        entries.push((self.convexity_row(*e), 1.0));
        self.lp.add_column(row_cost(p, *e, row) as f64, entries)
    }

    /// Adds a row of an open employee to the master and the node's program; false when the
    /// master has it already.
    fn add_row(&mut self, e: usize, row: Vec<u8>) -> bool {
        debug_assert!(self.fixed[e].is_none());
        if !self.seen.insert((e, row.clone())) {
            return false;
        }
        let j = self.rows.len();
        self.rows.push((e, row));
        self.by_employee[e].push(j);
        let at = self.add_to_lp(j);
        self.in_lp.push(at);
        true
    }

    /// The node's relaxation value, fixed rows included.
    fn objective(&self) -> f64 {
        self.lp.objective() + self.fixed_cost + self.outside_cost
    }

    /// Row of employee `e`'s convexity line in the node's program.
    fn convexity_row(&self, e: usize) -> u32 {
        (self.cover_rows + e) as u32
    }

    /// Dual prices of the master's lines: cover lines first (zero outside a window), then one
    /// per employee.
    fn duals(&self) -> Vec<f64> {
        let p = self.p;
        let lp = self.lp.duals();
        let lines = p.h * p.t;
        let mut duals = vec![0.0; lines + p.n];
        for (line, &row) in self.line_rows.iter().enumerate() {
            if row != NOT_IN_LP {
                duals[line] = lp[row as usize] * self.signs[line];
            }
        }
        duals[lines..].copy_from_slice(&lp[lp.len() - p.n..]);
        duals
    }

    /// Value of column `j` in the node's relaxation.
    fn value(&self, j: usize) -> f64 {
        match self.in_lp[j] {
            usize::MAX => 0.0,
            at => self.lp.value(at),
        }
    }

    /// One pricing round over the employees not yet fixed, at cover prices `prices`, adding the
    /// rows that enter under the master's `duals`. Returns how many rows entered and the
    /// Lagrangian bound at `prices` (`-∞` when the program failed for some employee).
    fn price(
        &mut self,
        prices: &[f64],
        duals: &[f64],
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> (usize, f64) {
        let p = self.p;
        let open: Vec<usize> = (0..p.n).filter(|&e| self.fixed[e].is_none()).collect();
        let shares = self.pricers.len();
        let window = self.window;
        let mut found: Vec<Vec<Priced>> = vec![Vec::new(); shares];
        std::thread::scope(|scope| {
            let mut handles = Vec::new();
            for (k, (pricer, out)) in self.pricers.iter_mut().zip(found.iter_mut()).enumerate() {
                let open = &open;
                let mut work = move || {
                    for &e in open.iter().skip(k).step_by(shares) {
                        if cancelled() {
                            out.push(Priced { employee: e, entering: None, value: f64::NEG_INFINITY });
                            continue;
                        }
                        match pricer.cheapest_row(p, prices, e, window) {
                            Some((row, value)) => {
                                let enters = pricer.enters(p, duals, e, &row);
                                out.push(Priced { employee: e, entering: enters.then_some(row), value });
                            }
                            None => {
                                out.push(Priced { employee: e, entering: None, value: f64::NEG_INFINITY })
                            }
                        }
                    }
                };
                if k + 1 == shares {
                    work();
                } else {
                    handles.push(scope.spawn(work));
                }
            }
            for handle in handles {
                handle.join().expect("pricing threads do not panic");
            }
        });
        let mut rows: Vec<Priced> = found.into_iter().flatten().collect();
        rows.sort_by_key(|r| r.employee);
        // L(π) = Σ target·π over the cover rows + Σ over employees of (a lower bound on) their
        // cheapest row's cost less its cover prices (for a fixed employee, its fixed row's).
        // A price above a line's shortfall weight (or below minus its surplus weight) would make
        // its slack pay; the master's duals stay within up to rounding, and whatever is beyond
        // is charged at the largest slack a roster can have (the target, or every employee).
        let mut bound: f64 = rows.iter().map(|r| r.value).sum();
        for d in 0..p.h {
            for s in 0..p.t {
                let (target, under, over) = cover_line(p, d, s);
                let price = prices[d * p.t + s];
                bound += target as f64 * price
                    + target as f64 * (under as f64 - price).min(0.0)
                    + p.n as f64 * (over as f64 + price).min(0.0);
            }
        }
        for e in 0..p.n {
            if let Some(j) = self.fixed[e] {
                let row = &self.rows[j].1;
                bound += row_cost(p, e, row) as f64 - covered(p, row, prices);
            }
        }
        // The lines outside a window are priced at zero; their cover is fixed.
        bound += self.outside_cost;
        let mut added = 0;
        for Priced { employee, entering, .. } in rows {
            if let Some(row) = entering
                && self.add_row(employee, row)
            {
                added += 1;
            }
        }
        (added, bound)
    }

    /// Solves and prices until no row enters; false when stopped first (by time, the cancel flag
    /// or the round budget).
    fn generate(&mut self, stopped: &(dyn Fn() -> bool + Sync)) -> bool {
        self.generate_rounds(usize::MAX, stopped)
    }

    /// [`Master::generate`] for at most `rounds` rounds; true when a round added no row.
    fn generate_rounds(&mut self, rounds: usize, stopped: &(dyn Fn() -> bool + Sync)) -> bool {
        // The stability centre: the prices of the best Lagrangian bound of this node so far.
        let mut centre: Option<(Vec<f64>, f64)> = None;
        self.node_bound = f64::NEG_INFINITY;
        for _ in 0..rounds {
            if stopped() || self.rounds >= MAX_ROUNDS {
                return false;
            }
            if self.lp.solve(200_000, stopped) != LpStatus::Optimal {
                return false;
            }
            let duals = self.duals();
            self.last_duals = Some(duals.clone());
            if self.add_from_pool(&duals) > 0 {
                continue;
            }
            let mut added = 0;
            if let Some((stable, _)) = &centre {
                let mixed: Vec<f64> =
                    stable.iter().zip(&duals).map(|(s, d)| SMOOTHING * s + (1.0 - SMOOTHING) * d).collect();
                added = self.price_round(mixed, &duals, &mut centre, stopped);
            }
            if added == 0 {
                // No smoothing, or the mixed prices found no row that enters: price at the
                // master's own duals, which proves the node's relaxation when nothing enters.
                added = self.price_round(duals.clone(), &duals, &mut centre, stopped);
            }
            self.node_bound = centre.as_ref().map_or(f64::NEG_INFINITY, |c| c.1);
            if added == 0 || self.node_bound > self.cutoff {
                return true;
            }
        }
        false
    }

    /// One pricing round at `prices` ([`Master::price`]); the prices become the stability
    /// centre when their bound beats the centre's. Returns how many rows entered.
    fn price_round(
        &mut self,
        prices: Vec<f64>,
        duals: &[f64],
        centre: &mut Option<(Vec<f64>, f64)>,
        stopped: &(dyn Fn() -> bool + Sync),
    ) -> usize {
        let (entered, bound) = self.price(&prices, duals, stopped);
        self.rounds += 1;
        if centre.as_ref().is_none_or(|c| bound > c.1) {
            *centre = Some((prices, bound));
        }
        entered
    }

    /// How long one pricing round over every employee would take, judged by pricing the first
    /// employee at the master's first dual prices; `None` when the master was not solved.
    fn projected_round(&mut self, stopped: &(dyn Fn() -> bool + Sync)) -> Option<Duration> {
        if self.lp.solve(200_000, stopped) != LpStatus::Optimal {
            return None;
        }
        let duals = self.duals();
        let began = Instant::now();
        self.pricers[0].cheapest_row(self.p, &duals, 0, None);
        Some(began.elapsed() * self.p.n as u32 / self.pricers.len() as u32)
    }

    /// Returns to a node of the dive: its fixed columns and its first `tabu` banned columns.
    fn restore(&mut self, fixed: &[Option<usize>], tabu: usize) {
        self.fixed.copy_from_slice(fixed);
        self.tabu.truncate(tabu);
        self.build_lp();
    }

    /// The employee's column of highest value in the relaxation, among those not banned.
    fn leading(&self, e: usize) -> Option<(usize, f64)> {
        self.by_employee[e]
            .iter()
            .filter(|j| !self.tabu.contains(j))
            .map(|&j| (j, self.value(j)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
    }

    /// Open employees' leading columns, highest value first (lower employee on ties):
    /// `(employee, column, value)`.
    fn leading_columns(&self) -> Vec<(usize, usize, f64)> {
        let mut leading: Vec<(usize, usize, f64)> = (0..self.p.n)
            .filter(|&e| self.fixed[e].is_none())
            .filter_map(|e| self.leading(e).map(|(j, value)| (e, j, value)))
            .collect();
        leading.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        leading
    }

    /// The cells of `base` with every employee's row replaced by its column in `best`'s dive.
    fn roster(&self, base: &[u8], best: &Incumbent) -> Vec<u8> {
        let h = self.p.h;
        let mut cells = base.to_vec();
        for (e, fixed) in best.fixed.iter().flatten().enumerate() {
            if let Some(j) = *fixed {
                let (owner, row) = &self.rows[j];
                debug_assert_eq!(*owner, e);
                cells[e * h..(e + 1) * h].copy_from_slice(row);
            }
        }
        cells
    }

    /// Time ran out before a complete dive: every open employee takes its leading column.
    fn round_out(&self, best: &mut Incumbent) {
        if best.fixed.is_none() {
            let mut fixed = self.fixed.clone();
            for (e, j, _) in self.leading_columns() {
                fixed[e] = Some(j);
            }
            best.fixed = Some(fixed);
            best.rounded_out = true;
        }
    }

    /// Whether the current node cannot lead to a roster better than `best`: rosters cost whole
    /// numbers, so a node must promise at least one less.
    fn cannot_beat(&self, best: &Incumbent) -> bool {
        self.objective() > cutoff(best.objective)
    }

    /// Records the current node, where every employee is fixed, as the best dive; stops the
    /// search when it is at the relaxation's bound.
    fn record_leaf(&mut self, best: &mut Incumbent) -> Flow {
        best.objective = self.objective().round();
        self.cutoff = cutoff(best.objective);
        best.fixed = Some(self.fixed.clone());
        if best.objective <= best.floor { Flow::Stop } else { Flow::Go }
    }

    /// One dive step: fixes the first `open / FIX_SHARE` leading columns (at least one) and
    /// every leading column at [`FIX_AT`] or more.
    fn fix_leading(&mut self, leading: &[(usize, usize, f64)], open: usize) {
        let at_least = (open / FIX_SHARE).max(1);
        for (k, &(e, j, value)) in leading.iter().enumerate() {
            if k < at_least || value >= FIX_AT {
                self.fixed[e] = Some(j);
            }
        }
        self.build_lp();
    }

    /// One dive from the root, whose master is priced to convergence: at every step the leading
    /// columns are fixed, except that at the steps in `detours` the leading column is banned
    /// first. Returns how the dive ended and how much each step raised the relaxation; a complete
    /// dive that beats `best` replaces it, and a dive that cannot beat it ends early. Leaves the
    /// master at the root again, not yet re-priced.
    fn dive(
        &mut self,
        stopped: &(dyn Fn() -> bool + Sync),
        detours: &[usize],
        best: &mut Incumbent,
    ) -> (Flow, Vec<f64>) {
        let root = self.fixed.clone();
        let mut jumps = Vec::new();
        let flow = loop {
            if self.cannot_beat(best) {
                break Flow::Go;
            }
            let open = self.fixed.iter().filter(|f| f.is_none()).count();
            if open == 0 {
                break self.record_leaf(best);
            }
            if detours.contains(&jumps.len()) {
                let Some(&(_, first, _)) = self.leading_columns().first() else {
                    break Flow::Go;
                };
                self.tabu.push(first);
                let fixed = self.fixed.clone();
                self.restore(&fixed, self.tabu.len());
                if !self.generate(stopped) {
                    self.round_out(best);
                    break Flow::Stop;
                }
                if self.cannot_beat(best) {
                    break Flow::Go;
                }
            }
            let leading = self.leading_columns();
            if leading.is_empty() {
                // An open employee with no row left: nothing below this node.
                break Flow::Go;
            }
            let before = self.objective();
            self.fix_leading(&leading, open);
            if !self.generate(stopped) {
                self.round_out(best);
                break Flow::Stop;
            }
            jumps.push(self.objective() - before);
        };
        self.restore(&root, 0);
        (flow, jumps)
    }

    /// Dives until time runs out or the relaxation's bound is reached: first straight down, then
    /// with a detour at one step, then at two, always at steps where the first dive's relaxation
    /// rose by [`WORTH_ANOTHER_WAY`] or more, earliest steps first (a late step that goes wrong
    /// is mostly the consequence of an earlier one).
    fn dives(&mut self, stopped: &(dyn Fn() -> bool + Sync), best: &mut Incumbent) {
        let (flow, jumps) = self.dive(stopped, &[], best);
        if matches!(flow, Flow::Stop) {
            return;
        }
        let steps: Vec<usize> = (0..jumps.len()).filter(|&k| jumps[k] >= WORTH_ANOTHER_WAY).collect();
        let singles = steps.iter().map(|&k| vec![k]);
        let pairs =
            steps.iter().enumerate().flat_map(|(i, &k)| steps[i + 1..].iter().map(move |&l| vec![k, l]));
        for detours in singles.chain(pairs) {
            if !self.generate(stopped) {
                return;
            }
            if matches!(self.dive(stopped, &detours, best).0, Flow::Stop) {
                return;
            }
        }
        // Time left: search the tree depth first, latest steps first, whatever their rise
        // (Instance6: no detour at the steps that rose beat its first dive, 2044, while the
        // depth-first search found 1952 in 4 s).
        if self.generate(stopped) {
            self.explore(stopped, MAX_DISCREPANCIES, best);
        }
    }

    /// Dives from the current node, whose master is priced to convergence, with backtracking
    /// ([`MAX_DISCREPANCIES`]); complete dives that beat `best` replace it. Returns
    /// [`Flow::Stop`] when time ran out or a dive reached the relaxation's bound.
    fn explore(
        &mut self,
        stopped: &(dyn Fn() -> bool + Sync),
        discrepancies: usize,
        best: &mut Incumbent,
    ) -> Flow {
        if self.cannot_beat(best) {
            return Flow::Go;
        }
        let open = self.fixed.iter().filter(|f| f.is_none()).count();
        if open == 0 {
            return self.record_leaf(best);
        }
        let node = self.fixed.clone();
        let tabu = self.tabu.len();
        for attempt in 0..=discrepancies {
            let leading = self.leading_columns();
            let Some(&(_, first, _)) = leading.first() else {
                // An open employee with no row left: nothing below this node.
                break;
            };
            self.fix_leading(&leading, open);
            let flow = if self.generate(stopped) {
                self.explore(stopped, discrepancies - attempt, best)
            } else {
                self.round_out(best);
                Flow::Stop
            };
            self.restore(&node, tabu);
            if matches!(flow, Flow::Stop) {
                return Flow::Stop;
            }
            if attempt == discrepancies {
                break;
            }
            // The other way at this node: without the column fixed first.
            self.tabu.push(first);
            self.restore(&node, tabu + 1);
            if !self.generate(stopped) {
                return Flow::Stop;
            }
            if self.cannot_beat(best) {
                break;
            }
        }
        Flow::Go
    }
}

/// Runs column generation and a dive from `start` (whose feasible rows seed the master), with
/// `threads` pricing threads. When time runs out before the first complete dive, every open
/// employee takes the leading column of the master as it stands. Returns `None` when no master
/// was solved at all.
pub(crate) fn price_and_dive(
    p: &Problem<'_>,
    start: &State,
    deadline: Option<Instant>,
    cancel: &AtomicBool,
    threads: usize,
) -> Option<Dive> {
    let stopped =
        || cancel.load(Ordering::Relaxed) || deadline.is_some_and(|deadline| Instant::now() >= deadline);
    let began = Instant::now();
    let mut master = Master::new(p, start, threads, None);
    // One round first: when it alone takes a 120th of the time allowed, the relaxation (29–57
    // rounds on the benchmark) would not converge within a third of it ([`ROOT_SHARE`]), and the
    // time is better left to the search and the windows of days. Measured at 60 s (a limit of
    // 0.35 s), the instances that dive take 0.006–0.13 s a first round (Instances 8, 10, 12,
    // 14, 16, 17 and 18); Instance13 about 1.4 s. With a fortieth, Instance13 passed given
    // 120 s and spent the dive's time on a master that never converged (1573, seed 0); with a
    // 120th, seeds 0–2 at 120 s ended at 1478, 1466 and 1518 by the windows. A round projected
    // from one employee's pricing to take twice the limit is not begun (Instance13's
    // projections: 0.7–1.1 s; Instance17's, 0.26–0.35 s, overestimate its 0.07–0.08 s round),
    // and the round itself is abandoned at the limit.
    if let Some(deadline) = deadline {
        let limit = began + deadline.saturating_duration_since(began) / FIRST_ROUND_SHARE;
        let projected = master.projected_round(&stopped)?;
        if Instant::now() + projected / 2 > limit {
            return None;
        }
        master.generate_rounds(1, &|| stopped() || Instant::now() > limit);
        if Instant::now() > limit {
            return None;
        }
    } else {
        master.generate_rounds(1, &stopped);
    }
    if master.rounds == 0 {
        return None;
    }
    let mut root_bound = master.node_bound;
    let root_deadline =
        deadline.map(|deadline| began + deadline.saturating_duration_since(began) / ROOT_SHARE);
    let converged =
        master.generate(&|| stopped() || root_deadline.is_some_and(|deadline| Instant::now() >= deadline));
    if !converged && root_deadline.is_some() && !cancel.load(Ordering::Relaxed) {
        return None;
    }
    root_bound = root_bound.max(master.node_bound);
    let relaxation = master.objective();
    let lower_bound = root_bound.is_finite().then(|| (root_bound - 1e-6).ceil());
    let mut best = Incumbent::starting_at(
        if start.hard == 0 { start.soft as f64 } else { f64::INFINITY },
        lower_bound.unwrap_or(f64::NEG_INFINITY),
    );
    master.cutoff = cutoff(best.objective);
    if converged {
        master.dives(&stopped, &mut best);
    } else {
        master.round_out(&mut best);
    }

    let cells = master.roster(&start.cells, &best);
    Some(Dive {
        cells,
        relaxation,
        lower_bound: lower_bound.map(|bound| bound as i64),
        rounded_out: best.rounded_out,
    })
}

/// Days a window master re-plans at first.
const WINDOW_DAYS: usize = 7;
/// After a sweep over the horizon without a gain, windows grow by this factor, as long as every
/// window of the sweep converged within [`WINDOW_TIME`] and the longer window's master stays
/// within [`MAX_MASTER_ROWS`].
const WINDOW_GROWTH: f64 = 1.5;
/// Shortest windows start this many days apart; longer ones half their length apart.
const WINDOW_STEP: usize = 3;
/// Time one window may take; a window still open then is left as it is.
const WINDOW_TIME: Duration = Duration::from_secs(3);

/// Improves a feasible roster by column generation over windows of days: all employees' cells in
/// days `a … b` are re-planned together by the master and its dive, every other cell kept.
/// Meant for models whose whole-row master would not converge in the time (Instance13: 2–4 s a
/// pricing round, its relaxation after about two minutes), where a week's master converges in
/// about 0.5 s, and for those whose whole-row master would be too large. Each better roster is
/// passed to `improved`. Returns the best cells and when they were found, `None` when no window
/// gained.
pub(crate) fn improve_by_windows(
    p: &Problem<'_>,
    cells: &[u8],
    deadline: Instant,
    cancel: &AtomicBool,
    threads: usize,
    improved: &mut dyn FnMut(&State),
) -> Option<(Vec<u8>, Instant)> {
    let stopped = || cancel.load(Ordering::Relaxed) || Instant::now() >= deadline;
    let mut current = State::from_cells(p, cells.to_vec());
    if current.hard > 0 || p.h == 0 {
        return None;
    }
    let shortest = WINDOW_DAYS.min(p.h);
    let mut days = shortest;
    let mut without_gain = 0;
    // Whether a window of the current sweep ran out of time before its master converged.
    let mut timed_out = false;
    let mut found = None;
    let mut a = 0;
    while !stopped() {
        let step = if days == shortest { WINDOW_STEP } else { days / 2 }.max(1);
        let b = (a + days - 1).min(p.h - 1);
        let mut master = Master::new(p, &current, threads, Some((a, b)));
        let until = Instant::now() + WINDOW_TIME;
        let window_stopped = || stopped() || Instant::now() >= until;
        let mut best = Incumbent::starting_at(current.soft as f64, f64::NEG_INFINITY);
        master.cutoff = cutoff(best.objective);
        if master.generate(&window_stopped) {
            master.dives(&window_stopped, &mut best);
        } else {
            timed_out = true;
        }
        let mut gained = false;
        if best.fixed.is_some() {
            let candidate = State::from_cells(p, master.roster(&current.cells, &best));
            if candidate.hard == 0 && candidate.soft < current.soft {
                current = candidate;
                found = Some(Instant::now());
                gained = true;
                improved(&current);
            }
        }
        if gained {
            without_gain = 0;
            days = shortest;
            timed_out = false;
        } else {
            without_gain += step;
            if without_gain >= p.h + days {
                without_gain = 0;
                let longer = ((days as f64 * WINDOW_GROWTH).ceil() as usize).min(p.h);
                if !timed_out && longer * p.t + p.n <= MAX_MASTER_ROWS {
                    days = longer;
                }
                timed_out = false;
            }
        }
        a = if b + 1 >= p.h { 0 } else { a + step };
    }
    found.map(|at| (current.cells, at))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use std::time::{Duration, Instant};

    use super::{
        Incumbent, Master, applicable, cutoff, improve_by_windows, price_and_dive, windows_applicable,
    };
    use crate::cq::parse_instance;
    use crate::evaluate::evaluate;
    use crate::model::Roster;
    use crate::optimise::problem::Problem;
    use crate::optimise::simplex::LpStatus;
    use crate::optimise::state::State;
    use crate::optimise::{OptimiseOptions, optimise};

    fn instance(number: u32) -> crate::model::Model {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../../shared/benchmarks/shift-scheduling/instances/Instance{number}.txt"));
        parse_instance(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// From the empty roster, the dive on small benchmark instances returns a feasible roster
    /// within 1 % of the proven optimum, scored alike by the state and the evaluator, and the
    /// relaxation it dived from is no higher than that optimum; two pricing threads give the
    /// same roster as one.
    #[test]
    fn dives_to_the_optimum_of_small_instances() {
        let never = AtomicBool::new(false);
        for (number, optimum) in [(1, 607), (3, 1001), (4, 1716)] {
            let model = instance(number);
            let p = Problem::new(&model);
            assert!(applicable(&p));
            let start = State::from_roster(&p, &Roster::empty_for(&model));
            let dive = price_and_dive(&p, &start, None, &never, 1).expect("a master was solved");
            assert!(!dive.rounded_out, "Instance{number}");
            let state = State::from_cells(&p, dive.cells.clone());
            assert_eq!(state.hard, 0, "Instance{number}");
            let evaluation = evaluate(&model, &state.to_roster(&p)).unwrap();
            assert!(evaluation.is_feasible());
            assert_eq!(evaluation.objective, state.soft, "Instance{number}");
            assert_eq!(state.soft, optimum, "Instance{number}");
            // The bound is the relaxation's (Instance1's is 558), up to the right-hand side's
            // perturbation in the master.
            let bound = dive.lower_bound.expect("a bound from the root");
            assert!(
                bound <= optimum && (bound as f64 - dive.relaxation).abs() < 0.5,
                "Instance{number}: {bound}"
            );
            assert!(dive.relaxation <= optimum as f64 + 1e-3, "Instance{number}: {}", dive.relaxation);
            let parallel = price_and_dive(&p, &start, None, &never, 2).unwrap();
            assert_eq!(parallel.cells, dive.cells, "Instance{number}");
        }
    }

    /// The Lagrangian bound never exceeds the master's objective, and where no row prices out
    /// it meets it.
    #[test]
    fn lagrangian_bound_meets_the_relaxation_when_pricing_converges() {
        let never = || false;
        let model = instance(3);
        let p = Problem::new(&model);
        let start = State::from_roster(&p, &Roster::empty_for(&model));
        let mut master = Master::new(&p, &start, 1, None);
        for _ in 0..5 {
            assert!(master.lp.solve(200_000, &never) == LpStatus::Optimal);
            let duals = master.duals();
            let (added, bound) = master.price(&duals, &duals, &never);
            assert!(added > 0);
            assert!(bound <= master.objective() + 1e-6, "{bound} above {}", master.objective());
        }
        assert!(master.generate(&never));
        let duals = master.duals();
        let (added, bound) = master.price(&duals, &duals, &never);
        assert_eq!(added, 0);
        let objective = master.objective();
        assert!((bound - objective).abs() < 0.05, "bound {bound}, relaxation {objective}");
        assert!(bound <= 1001.0 + 1e-6, "bound {bound} above the optimum");
    }

    /// A window master holds the window's cover lines alone, yet its objective is the whole
    /// roster's cost: the start roster's at first, the leaf roster's after its dive. Its rows keep
    /// the start roster's cells outside the window, and its relaxation is no worse than the start.
    #[test]
    fn window_rows_change_only_the_window() {
        let never = || false;
        let model = instance(3);
        let p = Problem::new(&model);
        let mut start = State::from_roster(&p, &Roster::empty_for(&model));
        crate::optimise::construct_rows(&p, &vec![false; p.n * p.h], &mut start, false);
        assert_eq!(start.hard, 0, "the constructed roster is feasible");
        let (a, b) = (4, 9);
        let mut master = Master::new(&p, &start, 1, Some((a, b)));
        assert_eq!(master.cover_rows, (b - a + 1) * p.t);
        assert_eq!(master.lp.solve(100_000, &never), LpStatus::Optimal);
        // Within the simplex's perturbation of the right-hand sides (1e-6 a row, raised by row).
        assert!(
            (master.objective() - start.soft as f64).abs() < 0.01,
            "{} ≠ {}",
            master.objective(),
            start.soft
        );
        let seeded = master.rows.len();
        assert!(master.generate(&never));
        assert!(
            master.node_bound <= master.objective() + 0.01,
            "{} > {}",
            master.node_bound,
            master.objective()
        );
        assert!(master.rows.len() > seeded, "pricing added rows");
        for (e, row) in &master.rows {
            let kept = &start.cells[e * p.h..(e + 1) * p.h];
            for d in (0..a).chain(b + 1..p.h) {
                assert_eq!(row[d], kept[d], "employee {e}, day {d}");
            }
        }
        assert!(master.objective() <= start.soft as f64 + 1e-6);
        let mut best = Incumbent::starting_at(start.soft as f64, f64::NEG_INFINITY);
        master.cutoff = cutoff(best.objective);
        master.dives(&never, &mut best);
        assert!(best.fixed.is_some(), "the window improves the constructed roster");
        let leaf = State::from_cells(&p, master.roster(&start.cells, &best));
        assert_eq!(leaf.soft as f64, best.objective);
        assert!(leaf.soft < start.soft);
    }

    /// Re-planning windows of days improves a constructed roster, keeps it feasible, and the
    /// evaluator scores the result as the state does.
    #[test]
    fn windows_improve_a_constructed_roster() {
        let model = instance(3);
        let p = Problem::new(&model);
        let mut start = State::from_roster(&p, &Roster::empty_for(&model));
        crate::optimise::construct_rows(&p, &vec![false; p.n * p.h], &mut start, false);
        assert_eq!(start.hard, 0, "the constructed roster is feasible");
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut reported = Vec::new();
        let (cells, _) =
            improve_by_windows(&p, &start.cells, deadline, &AtomicBool::new(false), 1, &mut |state| {
                reported.push(state.soft)
            })
            .expect("some window improves a constructed roster");
        let improved = State::from_cells(&p, cells);
        // Every gain was reported, each below the one before, the last being the result.
        assert!(reported.windows(2).all(|pair| pair[1] < pair[0]), "{reported:?}");
        assert_eq!(reported.last(), Some(&improved.soft));
        assert_eq!(improved.hard, 0);
        assert!(improved.soft < start.soft, "{} not below {}", improved.soft, start.soft);
        assert!(improved.soft >= 1001, "below the proven optimum: {}", improved.soft);
        let evaluation = evaluate(&model, &improved.to_roster(&p)).unwrap();
        assert!(evaluation.is_feasible());
        assert_eq!(evaluation.objective, improved.soft);
        // A raised cancel flag stops it before any window.
        assert!(
            improve_by_windows(&p, &start.cells, deadline, &AtomicBool::new(true), 1, &mut |_| {}).is_none()
        );
    }

    /// On a half-year horizon, too long for the whole-row master, windows hold their own cover
    /// lines alone and still improve a short search's roster, which stays feasible and is scored
    /// alike by the evaluator.
    #[test]
    fn windows_improve_a_half_year_roster() {
        let model = instance(20);
        let p = Problem::new(&model);
        assert!(!applicable(&p) && windows_applicable(&p));
        // An iteration budget and no time limit: the search alone, without windows after it.
        let options =
            OptimiseOptions { time_limit: None, max_iterations: Some(200_000), ..Default::default() };
        let searched = optimise(&model, &options, &AtomicBool::new(false), &mut |_| {});
        assert!(searched.feasible, "the short search finds a feasible roster");
        let start = State::from_roster(&p, &searched.roster);
        let deadline = Instant::now() + Duration::from_secs(3);
        let (cells, _) =
            improve_by_windows(&p, &start.cells, deadline, &AtomicBool::new(false), 1, &mut |_| {})
                .expect("some window improves the search's roster");
        let improved = State::from_cells(&p, cells);
        assert_eq!(improved.hard, 0);
        assert!(improved.soft < start.soft, "{} not below {}", improved.soft, start.soft);
        let evaluation = evaluate(&model, &improved.to_roster(&p)).unwrap();
        assert!(evaluation.is_feasible());
        assert_eq!(evaluation.objective, improved.soft);
    }

    /// Half-year and year instances have masters too large for the dense basis inverse; the
    /// half-year ones get windows of days, the year ones are left to the search.
    #[test]
    fn large_masters_are_left_to_the_search() {
        let model = instance(20);
        assert!(!applicable(&Problem::new(&model)));
        assert!(windows_applicable(&Problem::new(&model)));
        let model = instance(24);
        assert!(!applicable(&Problem::new(&model)));
        assert!(!windows_applicable(&Problem::new(&model)));
        let model = instance(18);
        assert!(applicable(&Problem::new(&model)));
    }

    /// A raised cancel flag stops the master before it is solved.
    #[test]
    fn a_raised_cancel_flag_stops_column_generation() {
        let model = instance(3);
        let p = Problem::new(&model);
        let start = State::from_roster(&p, &Roster::empty_for(&model));
        assert!(price_and_dive(&p, &start, None, &AtomicBool::new(true), 1).is_none());
    }
}
