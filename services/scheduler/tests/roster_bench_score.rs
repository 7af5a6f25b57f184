//! `roster-bench --score`: rosters written elsewhere (the CP-SAT reference runs) are re-scored by
//! the exact evaluator and reported in the benchmark's row format.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn benchmark_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/benchmarks/shift-scheduling")
}

/// A fresh directory holding `Instance1.tsv` with the given text.
fn roster_dir(test: &str, roster: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("allmenn-roster-bench-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("creating the roster directory");
    std::fs::write(dir.join("Instance1.tsv"), roster).expect("writing the roster");
    dir
}

fn score(dir: &Path) -> Output {
    let benchmark = benchmark_dir();
    Command::new(env!("CARGO_BIN_EXE_roster-bench"))
        .arg("--score")
        .arg(dir)
        .arg("--best-known")
        .arg(benchmark.join("best-known.tsv"))
        .arg(benchmark.join("instances/Instance1.txt"))
        .output()
        .expect("running roster-bench")
}

#[test]
fn a_reference_roster_is_scored_with_its_published_objective() {
    let reference = benchmark_dir().join("reference-solutions/Instance1.monolith-colgen.run1.608.tsv");
    let dir =
        roster_dir("reference", &std::fs::read_to_string(reference).expect("reading the reference roster"));
    let output = score(&dir);
    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).expect("utf-8 output");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "instance\tfeasible\tobjective\tbest_known\tgap_pct\ttime_to_best_s",
            "Instance1\tyes\t608\t607\t0.16\t-"
        ]
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn an_empty_roster_is_reported_infeasible_with_its_objective() {
    // Eight employees off all 14 days: below every minimum of minutes, so infeasible, and the
    // objective is FORMAT.md §6's empty-roster value.
    let dir = roster_dir("empty", &format!("{}\n", "\t".repeat(13)).repeat(8));
    let output = score(&dir);
    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).expect("utf-8 output");
    assert_eq!(stdout.lines().nth(1), Some("Instance1\tno\t7137\t607\t-\t-"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_roster_naming_an_unknown_shift_is_rejected() {
    let dir = roster_dir("unknown-shift", &format!("X{}\n", "\t".repeat(13)).repeat(8));
    let output = score(&dir);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Instance1.tsv") && stderr.contains("unknown shift `X`"), "stderr: {stderr}");
    std::fs::remove_dir_all(dir).ok();
}
