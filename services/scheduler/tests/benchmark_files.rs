//! The evaluator and the reader against the Curtois–Qu benchmark files in `shared/`: the
//! empty-roster objective of every instance present (FORMAT.md §6) and the objective of all 19
//! reference rosters, which must also be feasible.

use std::path::PathBuf;

use allmenn_scheduler::cq::{parse_instance, parse_roster};
use allmenn_scheduler::evaluate::{SoftKind, evaluate};
use allmenn_scheduler::model::Roster;

fn benchmark_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/benchmarks/shift-scheduling")
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

/// FORMAT.md §6: (instance, days, staff, shift types, on requests, off requests, empty-roster f).
const EMPTY_ROSTER: [(u32, usize, usize, usize, usize, usize, i64); 24] = [
    (1, 14, 8, 1, 21, 5, 7137),
    (2, 14, 14, 2, 50, 12, 10882),
    (3, 14, 20, 3, 39, 25, 15474),
    (4, 28, 10, 2, 52, 19, 18319),
    (5, 28, 16, 2, 79, 27, 28974),
    (6, 28, 18, 3, 87, 48, 30057),
    (7, 28, 20, 3, 104, 64, 31728),
    (8, 28, 30, 4, 139, 86, 48486),
    (9, 28, 36, 4, 144, 88, 41298),
    (10, 28, 40, 5, 210, 74, 69704),
    (11, 28, 50, 6, 197, 139, 81495),
    (12, 28, 60, 10, 294, 128, 101241),
    (13, 28, 120, 18, 589, 252, 174903),
    (14, 42, 32, 4, 266, 93, 69741),
    (15, 42, 45, 6, 350, 140, 94788),
    (16, 56, 20, 3, 177, 103, 67438),
    (17, 56, 32, 4, 351, 129, 109479),
    (18, 84, 22, 3, 322, 92, 112230),
    (19, 84, 40, 5, 587, 247, 186930),
    (20, 182, 50, 6, 1665, 653, 450216),
    (21, 182, 100, 8, 3210, 1492, 878187),
    (22, 364, 50, 10, 3253, 1385, 969673),
    (23, 364, 100, 16, 6549, 2861, 1620808),
    (24, 364, 150, 32, 9540, 4269, 2278033),
];

#[test]
fn empty_roster_objective_of_every_instance_present() {
    let mut checked = 0;
    for (number, days, staff, shifts, on, off, expected) in EMPTY_ROSTER {
        let path = benchmark_dir().join(format!("instances/Instance{number}.txt"));
        if !path.exists() {
            continue;
        }
        let model = parse_instance(&read(path)).unwrap_or_else(|error| panic!("Instance{number}: {error}"));
        assert_eq!((model.days(), model.employee_count(), model.shift_type_count()), (days, staff, shifts));
        let on_count =
            model.requests().iter().filter(|r| r.kind == allmenn_scheduler::model::RequestKind::On).count();
        assert_eq!((on_count, model.requests().len() - on_count), (on, off), "Instance{number} requests");
        let evaluation = evaluate(&model, &Roster::empty_for(&model)).unwrap();
        assert_eq!(evaluation.objective, expected, "Instance{number}");
        assert!(!evaluation.is_feasible(), "Instance{number}: the empty roster misses the minimum minutes");
        checked += 1;
    }
    assert_eq!(checked, 20, "the shared copy holds 20 instances");
}

#[test]
fn every_reference_roster_is_feasible_with_its_objective() {
    let dir = benchmark_dir().join("reference-solutions");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    let mut checked = 0;
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".tsv") {
            continue;
        }
        // InstanceN.monolith-colgen.runK.<f>.tsv
        let parts: Vec<&str> = name.split('.').collect();
        let instance = parts[0];
        let expected: i64 = parts[parts.len() - 2].parse().unwrap();
        let model = parse_instance(&read(benchmark_dir().join(format!("instances/{instance}.txt")))).unwrap();
        let roster =
            parse_roster(&model, &read(path.clone())).unwrap_or_else(|error| panic!("{name}: {error}"));
        let evaluation = evaluate(&model, &roster).unwrap();
        assert_eq!(evaluation.hard_violations, vec![], "{name}");
        assert_eq!(evaluation.objective, expected, "{name}");
        // The breakdowns add up to the objective.
        let by_kind: i64 = SoftKind::ALL.iter().map(|&kind| evaluation.cost_of(kind)).sum();
        assert_eq!(by_kind, expected, "{name}");
        assert_eq!(
            evaluation.cost_by_day.iter().sum::<i64>(),
            expected,
            "{name}: benchmark costs all have a day"
        );
        checked += 1;
    }
    assert_eq!(checked, 19);
}
