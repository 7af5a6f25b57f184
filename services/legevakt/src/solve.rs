//! Compile, optimise and explain in one call: what the service runs on a blocking thread for
//! SolveShiftPlan.
//!
//! * FROM_SCRATCH starts from the pinned assignments of [`PlanInput::assignments`] only;
//! * IMPROVE starts from all of them;
//! * REPLAN starts from the published roster ([`PlanInput::replan`], required).
//!
//! Pinned assignments are fixed cells of the optimiser. With [`PlanInput::replan`] set, shifts
//! starting before the freeze instant are fixed as well, every published assignment the result
//! drops costs `change_from_published` and every day it adds work on where the published roster
//! had none `shift_on_free_day` (exact model terms), and the frozen shifts are restored
//! from the published roster after the search (the optimiser may release fixed cells when it finds
//! no feasible roster with them, but the past cannot change).
//!
//! Progress reports are the optimiser's, in model terms: its objective includes
//! [`crate::compile::HARD_AS_SOFT_WEIGHT`] per missing minimum cover or unsupervised doctor and
//! the model's fairness cost, and its hard count excludes those two rules. The final
//! [`SolveOutcome::explanation`] is exact.

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use allmenn_scheduler::optimise::{OptimiseOptions, Progress, StopReason, optimise};

use crate::compile::compile;
use crate::explain::{Explanation, explain};
use crate::plan::{Assignment, InputProblem, PlanError, PlanInput};

/// What a solve starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SolveMode {
    /// Build a roster from nothing; only pinned assignments are kept.
    #[default]
    FromScratch,
    /// Start from the given roster and improve it; pinned assignments are kept.
    Improve,
    /// Start from the published roster; frozen shifts are kept, moves cost.
    Replan,
}

/// How to run a solve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolveSettings {
    /// The mode.
    pub mode: SolveMode,
    /// Seed: the same seed, input and iteration budget give the same roster.
    pub seed: u64,
    /// Wall-clock limit; `None` with an iteration budget runs to the budget.
    pub time_limit: Option<Duration>,
    /// Iteration budget per search thread.
    pub max_iterations: Option<u64>,
    /// Search threads.
    pub threads: usize,
}

impl Default for SolveSettings {
    fn default() -> Self {
        SolveSettings {
            mode: SolveMode::FromScratch,
            seed: 0,
            time_limit: Some(Duration::from_secs(60)),
            max_iterations: None,
            threads: 1,
        }
    }
}

/// The result of a solve.
#[derive(Debug, Clone, PartialEq)]
pub struct SolveOutcome {
    /// The roster found.
    pub assignments: Vec<Assignment>,
    /// Its exact explanation.
    pub explanation: Explanation,
    /// Why the search stopped.
    pub stop_reason: StopReason,
    /// Iterations over all threads.
    pub iterations: u64,
    /// When the returned roster was first found.
    pub time_to_best: Duration,
    /// Whether pinned or frozen cells had to be released to find a feasible roster in the model.
    pub fixed_released: bool,
    /// The model's objective of the roster found (see the module docs).
    pub model_objective: i64,
    /// Assignments of the starting roster the model could not hold (a second shift starting the
    /// same day for one person); they are not in the result unless frozen.
    pub dropped: Vec<Assignment>,
    /// Where the model approximated this plan (see [`crate::compile`]).
    pub approximation_notes: Vec<String>,
}

impl SolveOutcome {
    /// Whether no roster of the plan is better (keeping its pinned and frozen assignments): the
    /// roster breaks no rule and costs nothing, as every cost is a penalty; or the optimiser
    /// reached its proven lower bound on a model that holds the plan exactly (no approximation, no
    /// fixed cell released, no starting assignment dropped, the same score in both).
    pub fn proven_optimal(&self) -> bool {
        let score = &self.explanation.score;
        let free_of_cost = score.hard_violations == 0 && score.objective == 0;
        let bound_reached = self.stop_reason == StopReason::ProvenOptimal
            && self.approximation_notes.is_empty()
            && !self.fixed_released
            && self.dropped.is_empty()
            && score.hard_violations == 0
            && score.objective == self.model_objective;
        free_of_cost || bound_reached
    }
}

/// Solves a plan. Never fails for an over-constrained plan (the result carries its violations);
/// fails only for invalid input, or REPLAN without [`PlanInput::replan`].
pub fn solve(
    input: &PlanInput,
    settings: &SolveSettings,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<SolveOutcome, PlanError> {
    if input.shift_types.is_empty() || input.staff.is_empty() {
        // Nothing to optimise: explain the roster as it stands (every shift is uncovered).
        input.check()?;
        let assignments = input.assignments.clone();
        let explanation = explain(input, &assignments)?;
        return Ok(SolveOutcome {
            assignments,
            explanation,
            stop_reason: StopReason::IterationLimit,
            iterations: 0,
            time_to_best: Duration::ZERO,
            fixed_released: false,
            model_objective: 0,
            dropped: Vec::new(),
            approximation_notes: Vec::new(),
        });
    }
    let compiled = compile(input)?;
    let start: Vec<Assignment> = match settings.mode {
        SolveMode::FromScratch => {
            input.assignments.iter().filter(|assignment| assignment.pinned).cloned().collect()
        }
        SolveMode::Improve => input.assignments.clone(),
        SolveMode::Replan => match &input.replan {
            Some(replan) => {
                let mut start = replan.published.clone();
                // Pins of the version worked on carry over to the published assignments they match.
                for assignment in &mut start {
                    assignment.pinned |=
                        input.assignments.iter().any(|other| other.pinned && other.same_slot(assignment));
                }
                start
            }
            None => {
                return Err(PlanError::Invalid(vec![InputProblem {
                    field: "replan".into(),
                    description: "re-planning needs the published roster".into(),
                }]));
            }
        },
    };
    let conversion = compiled.roster_from_assignments(&start)?;
    let mut fixed: Vec<(usize, usize)> = Vec::new();
    for assignment in start.iter().filter(|assignment| assignment.pinned) {
        if let (Some(employee), Some(day)) =
            (compiled.employee_index(assignment.staff_id), compiled.day_index(assignment.date))
        {
            fixed.push((employee, day));
        }
    }
    let mut initial = conversion.roster.clone();
    for cell in compiled.frozen_cells() {
        initial.set(cell.employee, cell.day, cell.shift);
        fixed.push((cell.employee, cell.day));
    }
    fixed.sort_unstable();
    fixed.dedup();
    let warm_start = !start.is_empty() || !fixed.is_empty();
    let options = OptimiseOptions {
        time_limit: settings.time_limit,
        seed: settings.seed,
        threads: settings.threads.max(1),
        max_iterations: settings.max_iterations,
        initial: warm_start.then_some(initial),
        fixed,
    };
    let result = optimise(compiled.model(), &options, cancel, progress);
    let mut assignments = compiled.assignments_from_roster(&result.roster, &start)?;

    // Frozen shifts keep exactly their published people.
    if let Some(replan) = &input.replan {
        let occurrences = input.occurrences_by_id()?;
        let frozen: HashSet<String> = occurrences
            .values()
            .filter(|occurrence| occurrence.start < replan.freeze_before)
            .map(|occurrence| occurrence.id.clone())
            .collect();
        assignments.retain(|assignment| !frozen.contains(&assignment.shift_id()));
        for published in &replan.published {
            if frozen.contains(&published.shift_id())
                && !assignments.iter().any(|other| other.same_slot(published))
            {
                assignments.push(published.clone());
            }
        }
        assignments.sort();
    }

    let explanation = explain(input, &assignments)?;
    Ok(SolveOutcome {
        assignments,
        explanation,
        stop_reason: result.stop_reason,
        iterations: result.iterations,
        time_to_best: result.time_to_best,
        fixed_released: result.fixed_released,
        model_objective: result.objective,
        dropped: conversion.unrepresentable,
        approximation_notes: compiled.approximation_notes().to_vec(),
    })
}
