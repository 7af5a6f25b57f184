//! Exact re-assignment of one day across many rows, as a minimum-cost flow.
//!
//! The row re-optimisation of [`super::row_dp`] changes many days of one employee; this
//! neighbourhood is its transpose: one day of many employees. With every other day fixed, the
//! cost of giving employee `e` choice `c` on day `d` is nearly a property of that row alone (rest,
//! runs, minutes, requests, and fairness against the others' points as they stand), while the
//! day's cover couples the rows; cover cost is
//! convex in the number assigned (each extra person saves less, or costs more, than the one
//! before), so the best assignment is a minimum-cost flow:
//!
//! ```text
//! source ─1→ employee ─(row cost of c)→ shift type c ─(k-th person's cover cost)→ sink
//!                     └─(row cost of off)─────────────────────────────────────────→ sink
//! ```
//!
//! This finds in one step the chains that single-cell and swap moves need several uphill steps
//! for: A takes the missing night, B takes A's evening, C takes B's day off. Row costs are
//! measured by applying and undoing each one-cell change on the incremental state, so they are
//! exact for every rule that concerns one row and carry the search's guidance
//! ([`State::set_range`]); the supervision rule and a fairness pool's shared targets couple rows
//! apart from cover, and the caller scores the applied proposal exactly in any case.

use super::problem::Problem;
use super::state::State;

/// Successive shortest paths with Dijkstra on reduced costs. The graph is built acyclic with its
/// nodes numbered in topological order, so the first potentials come from one relaxation pass.
#[derive(Default)]
struct MinCostFlow {
    head: Vec<usize>,
    next: Vec<usize>,
    to: Vec<usize>,
    cap: Vec<i32>,
    cost: Vec<i64>,
    potential: Vec<i64>,
    dist: Vec<i64>,
    prev_edge: Vec<usize>,
    done: Vec<bool>,
}

const NONE: usize = usize::MAX;
const INFINITE: i64 = i64::MAX / 4;

impl MinCostFlow {
    fn reset(&mut self, nodes: usize) {
        self.head.clear();
        self.head.resize(nodes, NONE);
        self.next.clear();
        self.to.clear();
        self.cap.clear();
        self.cost.clear();
    }

    /// Adds an arc and its residual twin (at the index with the lowest bit flipped); returns the
    /// arc's index.
    fn add_edge(&mut self, from: usize, to: usize, cap: i32, cost: i64) -> usize {
        let index = self.to.len();
        for (a, b, c, k) in [(from, to, cap, cost), (to, from, 0, -cost)] {
            self.to.push(b);
            self.cap.push(c);
            self.cost.push(k);
            self.next.push(self.head[a]);
            self.head[a] = self.to.len() - 1;
        }
        index
    }

    /// Sends `amount` units from node 0 to the last node; returns false when fewer can be sent.
    fn run(&mut self, amount: i32) -> bool {
        let nodes = self.head.len();
        let sink = nodes - 1;
        self.potential.clear();
        self.potential.resize(nodes, INFINITE);
        self.potential[0] = 0;
        for v in 0..nodes {
            if self.potential[v] == INFINITE {
                continue;
            }
            let mut e = self.head[v];
            while e != NONE {
                if self.cap[e] > 0 && self.potential[v] + self.cost[e] < self.potential[self.to[e]] {
                    self.potential[self.to[e]] = self.potential[v] + self.cost[e];
                }
                e = self.next[e];
            }
        }
        for p in &mut self.potential {
            if *p == INFINITE {
                *p = 0;
            }
        }
        for _ in 0..amount {
            self.dist.clear();
            self.dist.resize(nodes, INFINITE);
            self.prev_edge.clear();
            self.prev_edge.resize(nodes, NONE);
            self.done.clear();
            self.done.resize(nodes, false);
            self.dist[0] = 0;
            // Dense Dijkstra: the graphs have at most a few hundred nodes.
            loop {
                let mut v = NONE;
                for u in 0..nodes {
                    if !self.done[u] && self.dist[u] < INFINITE && (v == NONE || self.dist[u] < self.dist[v])
                    {
                        v = u;
                    }
                }
                if v == NONE {
                    break;
                }
                self.done[v] = true;
                let mut e = self.head[v];
                while e != NONE {
                    let w = self.to[e];
                    if self.cap[e] > 0 && !self.done[w] {
                        let reduced = self.cost[e] + self.potential[v] - self.potential[w];
                        if self.dist[v] + reduced < self.dist[w] {
                            self.dist[w] = self.dist[v] + reduced;
                            self.prev_edge[w] = e;
                        }
                    }
                    e = self.next[e];
                }
            }
            if self.dist[sink] >= INFINITE {
                return false;
            }
            for v in 0..nodes {
                if self.dist[v] < INFINITE {
                    self.potential[v] += self.dist[v];
                }
            }
            let mut v = sink;
            while v != 0 {
                let e = self.prev_edge[v];
                self.cap[e] -= 1;
                self.cap[e ^ 1] += 1;
                v = self.to[e ^ 1];
            }
        }
        true
    }
}

/// Reusable buffers of the day re-assignment.
#[derive(Default)]
pub(crate) struct DayFlow {
    flow: MinCostFlow,
    /// Per arc added for an employee's choice: (arc, employee, choice).
    choice_arcs: Vec<(usize, usize, u8)>,
    /// Per shift type: how many outside the re-assigned rows work it.
    base: Vec<i64>,
    /// Per shift type: how many of the re-assigned rows may work it.
    takers: Vec<usize>,
    /// The proposal: (employee, new choice) for every row whose cell changes.
    pub(crate) changes: Vec<(usize, u8)>,
}

impl DayFlow {
    /// Finds the best values of day `d` for the employees in `rows` (none of them fixed on `d`),
    /// the others kept, under the penalised objective `soft + hard_weight × hard`. Leaves the
    /// changed cells in [`DayFlow::changes`] (empty when the current day is already best) and the
    /// state as it found it.
    pub(crate) fn solve(
        &mut self,
        p: &Problem<'_>,
        state: &mut State,
        d: usize,
        rows: &[usize],
        hard_weight: i64,
    ) {
        self.changes.clear();
        let m = rows.len();
        if m == 0 {
            return;
        }
        let off = p.off();
        // Nodes: source 0, employees 1..=m, shift types m+1..=m+t, sink m+t+1.
        let shift_node = |s: usize| m + 1 + s;
        let sink = m + p.t + 1;
        self.flow.reset(sink + 1);
        self.choice_arcs.clear();
        let base = &mut self.base;
        base.clear();
        base.extend((0..p.t).map(|s| state.cover_count(p, d, s)));
        let takers = &mut self.takers;
        takers.clear();
        takers.resize(p.t, 0);
        for (i, &e) in rows.iter().enumerate() {
            let node = i + 1;
            self.flow.add_edge(0, node, 1, 0);
            let current = state.cell(p, e, d);
            if current != off {
                base[current as usize] -= 1;
            }
            let consider = |flow: &mut MinCostFlow, arcs: &mut Vec<(usize, usize, u8)>, c: u8, cost: i64| {
                let target = if c == off { sink } else { shift_node(c as usize) };
                let arc = flow.add_edge(node, target, 1, cost);
                arcs.push((arc, e, c));
            };
            consider(&mut self.flow, &mut self.choice_arcs, current, 0);
            if current != off {
                takers[current as usize] += 1;
            }
            for &c in p.assignable(e, d) {
                if c == current {
                    continue;
                }
                let (soft, hard) = state.set_range(p, e, d, &[c]);
                state.set_range(p, e, d, &[current]);
                let mut cover = 0;
                if c != off {
                    let n = state.cover_count(p, d, c as usize);
                    cover += p.cover_cost(d, c as usize, n + 1) - p.cover_cost(d, c as usize, n);
                    takers[c as usize] += 1;
                }
                if current != off {
                    let n = state.cover_count(p, d, current as usize);
                    cover += p.cover_cost(d, current as usize, n - 1) - p.cover_cost(d, current as usize, n);
                }
                consider(&mut self.flow, &mut self.choice_arcs, c, soft - cover + hard_weight * hard);
            }
        }
        for s in 0..p.t {
            for k in 1..=takers[s] as i64 {
                let marginal = p.cover_cost(d, s, base[s] + k) - p.cover_cost(d, s, base[s] + k - 1);
                self.flow.add_edge(shift_node(s), sink, 1, marginal);
            }
        }
        if !self.flow.run(m as i32) {
            return;
        }
        for &(arc, e, c) in &self.choice_arcs {
            if self.flow.cap[arc] == 0 && state.cell(p, e, d) != c {
                self.changes.push((e, c));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cover, Employee, Model, ModelSpec, ShiftType, Weekday};

    /// Brute force over every assignment of one day, for comparison.
    fn best_by_enumeration(p: &Problem<'_>, state: &mut State, d: usize, rows: &[usize], w: i64) -> i64 {
        fn go(p: &Problem<'_>, state: &mut State, d: usize, rows: &[usize], w: i64, acc: i64) -> i64 {
            let Some((&e, rest)) = rows.split_first() else {
                return acc;
            };
            let current = state.cell(p, e, d);
            let mut best = go(p, state, d, rest, w, acc);
            for &c in p.assignable(e, d) {
                if c == current {
                    continue;
                }
                let (soft, hard) = state.set_range(p, e, d, &[c]);
                best = best.min(go(p, state, d, rest, w, acc + soft + w * hard));
                state.set_range(p, e, d, &[current]);
            }
            best
        }
        go(p, state, d, rows, w, 0)
    }

    #[test]
    fn the_flow_finds_the_best_assignment_of_a_day() {
        let days = 7;
        let shift_types = vec![
            ShiftType { code: "D".into(), length_minutes: 480, required_skill: None, following_days_held: 0 },
            ShiftType { code: "N".into(), length_minutes: 600, required_skill: None, following_days_held: 0 },
        ];
        let employees: Vec<Employee> = (0..5)
            .map(|i| {
                let mut e = Employee::unrestricted(format!("E{i}"), 2);
                e.max_shifts_per_type = vec![3, 2];
                e.max_consecutive_working_days = 3;
                e.min_consecutive_days_off = 2;
                e.max_total_minutes = 2400;
                e.days_off = vec![i % days];
                e
            })
            .collect();
        let cover = (0..days)
            .map(|d| {
                (0..2)
                    .map(|s| Cover {
                        min: 0,
                        preferred: 1 + ((d + s) % 3) as u32,
                        weight_under_min: 0,
                        weight_under_preferred: 100,
                        weight_over_preferred: 7,
                    })
                    .collect()
            })
            .collect();
        let model = Model::new(ModelSpec {
            days,
            first_weekday: Weekday::Monday,
            shift_types,
            forbidden_successions: Vec::new(),
            employees,
            requests: Vec::new(),
            cover,
            supervision: Vec::new(),
            fairness: None,
        })
        .unwrap();
        let p = Problem::new(&model);
        let mut rng = super::super::rng::Rng::new(3);
        let mut flow = DayFlow::default();
        let rows: Vec<usize> = (0..p.n).collect();
        for trial in 0..40 {
            let cells: Vec<u8> = (0..p.n * p.h).map(|_| rng.below(p.t + 1) as u8).collect();
            let mut state = State::from_cells(&p, cells);
            let d = trial % days;
            let w = [0, 1, 30][trial % 3];
            let expected = best_by_enumeration(&p, &mut state, d, &rows, w);
            let before = state.cells.clone();
            flow.solve(&p, &mut state, d, &rows, w);
            assert_eq!(state.cells, before, "the state is left as found");
            let (mut soft, mut hard) = (0, 0);
            for &(e, c) in &flow.changes {
                let (s, h) = state.set_range(&p, e, d, &[c]);
                soft += s;
                hard += h;
            }
            assert_eq!(soft + w * hard, expected, "trial {trial}");
        }
    }
}
