//! The optimiser's contract, on the smallest benchmark instances with small iteration budgets
//! (no timed assertions): determinism for a seed and budget, agreement with the evaluator, the
//! known optimum of Instance1, the cancel flag, fixed cells, progress reports, and
//! over-constrained models.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use allmenn_scheduler::cq::{parse_instance, parse_roster};
use allmenn_scheduler::evaluate::evaluate;
use allmenn_scheduler::model::{Cover, Employee, Model, ModelSpec, ShiftType, Weekday};
use allmenn_scheduler::optimise::{OptimiseOptions, Progress, StopReason, optimise};

fn benchmark(path: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/benchmarks/shift-scheduling");
    std::fs::read_to_string(dir.join(path)).unwrap()
}

fn instance(number: u32) -> Model {
    parse_instance(&benchmark(&format!("instances/Instance{number}.txt"))).unwrap()
}

fn budget(iterations: u64, seed: u64, threads: usize) -> OptimiseOptions {
    OptimiseOptions {
        time_limit: None,
        seed,
        threads,
        max_iterations: Some(iterations),
        ..OptimiseOptions::default()
    }
}

#[test]
fn same_seed_and_budget_give_the_same_roster() {
    // Instance1's relaxation (558) is far below its optimum (607), so no bound ends the run early.
    let model = instance(1);
    let never = AtomicBool::new(false);
    for threads in [1, 2] {
        let first = optimise(&model, &budget(60_000, 11, threads), &never, &mut |_| {});
        let second = optimise(&model, &budget(60_000, 11, threads), &never, &mut |_| {});
        assert_eq!(first.roster, second.roster, "{threads} threads");
        assert_eq!(first.objective, second.objective);
        assert_eq!(first.stop_reason, StopReason::IterationLimit);
    }
}

#[test]
fn reported_scores_are_the_evaluators() {
    let never = AtomicBool::new(false);
    for (number, seed) in [(1, 1), (3, 2), (4, 3)] {
        let model = instance(number);
        let result = optimise(&model, &budget(40_000, seed, 1), &never, &mut |_| {});
        let evaluation = evaluate(&model, &result.roster).unwrap();
        assert_eq!(result.objective, evaluation.objective, "Instance{number}");
        assert_eq!(result.feasible, evaluation.is_feasible(), "Instance{number}");
        assert_eq!(result.evaluation, evaluation, "Instance{number}");
    }
}

/// Where column generation proves a lower bound and a roster reaches it, the run ends there
/// rather than spending its budget.
#[test]
fn a_roster_at_the_proven_bound_ends_the_run() {
    let model = instance(3);
    let never = AtomicBool::new(false);
    let result = optimise(&model, &budget(50_000_000, 1, 2), &never, &mut |_| {});
    assert_eq!(result.stop_reason, StopReason::ProvenOptimal);
    assert_eq!((result.objective, result.lower_bound), (1001, 1001));
    assert!(result.iterations < 50_000_000);
}

#[test]
fn finds_the_optimum_of_instance1() {
    let model = instance(1);
    let never = AtomicBool::new(false);
    let result = optimise(&model, &budget(400_000, 1, 1), &never, &mut |_| {});
    assert!(result.feasible);
    assert_eq!(result.objective, 607);
}

#[test]
fn a_raised_cancel_flag_stops_the_search() {
    let model = instance(1);
    let cancelled = AtomicBool::new(true);
    let options = OptimiseOptions {
        time_limit: None,
        max_iterations: Some(u64::MAX),
        threads: 2,
        ..OptimiseOptions::default()
    };
    let result = optimise(&model, &options, &cancelled, &mut |_| {});
    assert_eq!(result.stop_reason, StopReason::Cancelled);
    assert!(result.roster.fits(&model));
    assert_eq!(result.objective, evaluate(&model, &result.roster).unwrap().objective);

    // Cancelling from the progress callback, as the service does when its client goes away.
    let cancel = AtomicBool::new(false);
    let mut reports = 0;
    let result = optimise(&model, &options, &cancel, &mut |_: &Progress| {
        reports += 1;
        cancel.store(true, Ordering::Relaxed);
    });
    assert_eq!(result.stop_reason, StopReason::Cancelled);
    assert!(reports >= 1);
}

#[test]
fn fixed_cells_keep_their_warm_start_value() {
    let model = instance(1);
    let warm = parse_roster(&model, &benchmark("reference-solutions/Instance1.monolith-colgen.run1.608.tsv"))
        .unwrap();
    let mut fixed: Vec<(usize, usize)> = (0..model.days()).map(|day| (0, day)).collect();
    fixed.extend((0..model.employee_count()).map(|employee| (employee, 6)));
    let options =
        OptimiseOptions { initial: Some(warm.clone()), fixed: fixed.clone(), ..budget(100_000, 4, 1) };
    let never = AtomicBool::new(false);
    let result = optimise(&model, &options, &never, &mut |_| {});
    assert!(result.feasible);
    assert!(!result.fixed_released);
    assert!(result.objective <= 608, "a warm start is never made worse");
    for (employee, day) in fixed {
        assert_eq!(
            result.roster.get(employee, day),
            warm.get(employee, day),
            "employee {employee}, day {day}"
        );
    }
}

#[test]
fn progress_reports_the_best_objective() {
    let model = instance(1);
    let never = AtomicBool::new(false);
    let mut last: Option<Progress> = None;
    let result =
        optimise(&model, &budget(50_000, 9, 2), &never, &mut |progress| last = Some(progress.clone()));
    let last = last.expect("at least the final report");
    assert_eq!(last.best_objective, Some(result.objective));
    assert_eq!(last.hard_violations, 0);
}

/// Reports may carry another thread's objective before the threads meet, but never one the result
/// does not deliver, and they never get worse.
#[test]
fn progress_never_promises_more_than_the_result() {
    let model = instance(5);
    let never = AtomicBool::new(false);
    let mut reported = Vec::new();
    let options = OptimiseOptions { time_limit: Some(Duration::from_secs(2)), ..budget(400_000, 4, 2) };
    let result = optimise(&model, &options, &never, &mut |progress| reported.push(progress.best_objective));
    let objectives: Vec<i64> = reported.iter().flatten().copied().collect();
    assert!(!objectives.is_empty(), "at least the final report has an objective");
    assert!(objectives.windows(2).all(|pair| pair[1] <= pair[0]), "reports got worse: {objectives:?}");
    assert!(objectives.iter().all(|&objective| objective >= result.objective), "{objectives:?}");
    assert_eq!(objectives.last(), Some(&result.objective));
}

/// One employee who must work at least 5 days of 3: infeasible whatever the roster. The optimiser
/// still answers, with the least infeasible roster and its violations.
#[test]
fn an_over_constrained_model_yields_its_least_infeasible_roster() {
    let mut employee = Employee::unrestricted("A", 1);
    employee.min_total_minutes = 5 * 480;
    employee.days_off = vec![1];
    let model = Model::new(ModelSpec {
        days: 3,
        first_weekday: Weekday::Monday,
        shift_types: vec![ShiftType {
            code: "D".into(),
            length_minutes: 480,
            required_skill: None,
            following_days_held: 0,
        }],
        forbidden_successions: Vec::new(),
        employees: vec![employee],
        requests: Vec::new(),
        cover: vec![
            vec![Cover {
                min: 1,
                preferred: 1,
                weight_under_min: 10,
                weight_under_preferred: 1,
                weight_over_preferred: 1
            }];
            3
        ],
        supervision: Vec::new(),
        fairness: None,
    })
    .unwrap();
    let never = AtomicBool::new(false);
    let options = OptimiseOptions { time_limit: Some(Duration::from_secs(5)), ..budget(20_000, 0, 1) };
    let result = optimise(&model, &options, &never, &mut |_| {});
    assert!(!result.feasible);
    // Working both available days leaves the smallest shortfall: 3 × 480 minutes.
    assert_eq!(result.roster.row(0), &[Some(0), None, Some(0)]);
    assert_eq!(result.evaluation.hard_violations.len(), 1);
    assert_eq!(result.objective, 11);
}
