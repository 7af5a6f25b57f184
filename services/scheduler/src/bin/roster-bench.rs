//! `roster-bench`: runs the roster optimiser on Curtois–Qu benchmark instances and prints one
//! tab-separated row per instance after a header:
//! `instance feasible objective best_known gap_pct time_to_best_s`.
//!
//! Usage: `roster-bench --time-limit SECONDS [--seed N] [--threads N] [--best-known FILE]
//! [--solutions DIR] [--trace] INSTANCE_FILE...`. The best-known file is the benchmark's
//! `best-known.tsv` (instance name in the first column, best upper bound in the sixth). With
//! `--solutions`, each roster is also written there as a tab-separated grid. With `--trace`, every
//! improvement of the best feasible objective is written to standard error as
//! `instance elapsed_s objective`, which shows where in the time limit a run still gains. Every
//! roster is re-scored by the exact evaluator before it is reported.
//!
//! `roster-bench --score DIR [--best-known FILE] INSTANCE_FILE...` optimises nothing: it scores the
//! roster `DIR/<instance>.tsv` (the benchmark's grid format) of each instance with the exact
//! evaluator and prints the same row, without a time. This checks rosters from elsewhere, such as
//! the CP-SAT reference runs of `services/scheduler/cpsat/`, under this evaluator.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use allmenn_scheduler::cq::{format_roster, parse_instance, parse_roster};
use allmenn_scheduler::evaluate::evaluate;
use allmenn_scheduler::optimise::{OptimiseOptions, optimise};

/// Errors are reported as text; the binary has nothing to recover from.
type Result<T> = std::result::Result<T, String>;

fn fail<T>(message: impl Into<String>) -> Result<T> {
    Err(message.into())
}

struct Arguments {
    time_limit: f64,
    seed: u64,
    threads: usize,
    best_known: Option<PathBuf>,
    solutions: Option<PathBuf>,
    score: Option<PathBuf>,
    trace: bool,
    instances: Vec<PathBuf>,
}

const USAGE: &str = "usage: roster-bench --time-limit SECONDS [--seed N] [--threads N] [--best-known FILE] [--solutions DIR] [--trace] INSTANCE_FILE...
       roster-bench --score DIR [--best-known FILE] INSTANCE_FILE...";

fn parse_arguments() -> Result<Arguments> {
    let mut arguments = Arguments {
        time_limit: f64::NAN,
        seed: 0,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        best_known: None,
        solutions: None,
        score: None,
        trace: false,
        instances: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--time-limit" => {
                arguments.time_limit =
                    value("--time-limit")?.parse().map_err(|_| "--time-limit must be a number".to_string())?
            }
            "--seed" => {
                arguments.seed =
                    value("--seed")?.parse().map_err(|_| "--seed must be an integer".to_string())?
            }
            "--threads" => {
                arguments.threads =
                    value("--threads")?.parse().map_err(|_| "--threads must be an integer".to_string())?
            }
            "--trace" => arguments.trace = true,
            "--best-known" => arguments.best_known = Some(value("--best-known")?.into()),
            "--solutions" => arguments.solutions = Some(value("--solutions")?.into()),
            "--score" => arguments.score = Some(value("--score")?.into()),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other if other.starts_with("--") => return fail(format!("unknown option {other}\n{USAGE}")),
            other => arguments.instances.push(other.into()),
        }
    }
    let scoring_only = arguments.score.is_some();
    if !scoring_only && (!arguments.time_limit.is_finite() || arguments.time_limit <= 0.0) {
        return fail(format!("--time-limit must be a positive number of seconds\n{USAGE}"));
    }
    if arguments.instances.is_empty() {
        return fail(format!("no instance files given\n{USAGE}"));
    }
    Ok(arguments)
}

fn read_best_known(path: &Path) -> Result<HashMap<String, i64>> {
    let text =
        std::fs::read_to_string(path).map_err(|error| format!("reading {}: {error}", path.display()))?;
    let mut best = HashMap::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        if let (Some(name), Some(value)) = (fields.first(), fields.get(5))
            && let Ok(value) = value.parse::<i64>()
        {
            best.insert((*name).to_string(), value);
        }
    }
    Ok(best)
}

/// One result row: `instance feasible objective best_known gap_pct time_to_best_s`.
fn print_row(name: &str, feasible: bool, objective: i64, best: Option<i64>, time_to_best: Option<Duration>) {
    let (best_text, gap_text) = match best {
        Some(best) if feasible => {
            (best.to_string(), format!("{:.2}", 100.0 * (objective - best) as f64 / best as f64))
        }
        Some(best) => (best.to_string(), "-".to_string()),
        None => ("-".to_string(), "-".to_string()),
    };
    let time_text = time_to_best.map_or("-".to_string(), |time| format!("{:.1}", time.as_secs_f64()));
    println!(
        "{name}\t{}\t{objective}\t{best_text}\t{gap_text}\t{time_text}",
        if feasible { "yes" } else { "no" }
    );
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|error| format!("reading {}: {error}", path.display()))
}

fn main() -> Result<()> {
    let arguments = parse_arguments()?;
    let best_known = match &arguments.best_known {
        Some(path) => read_best_known(path)?,
        None => HashMap::new(),
    };
    println!("instance\tfeasible\tobjective\tbest_known\tgap_pct\ttime_to_best_s");
    for path in &arguments.instances {
        let model =
            parse_instance(&read(path)?).map_err(|error| format!("parsing {}: {error}", path.display()))?;
        let name = path.file_stem().map_or_else(String::new, |stem| stem.to_string_lossy().into_owned());
        let best = best_known.get(&name).copied();
        if let Some(dir) = &arguments.score {
            let file = dir.join(format!("{name}.tsv"));
            let roster = parse_roster(&model, &read(&file)?)
                .map_err(|error| format!("parsing {}: {error}", file.display()))?;
            let evaluation = evaluate(&model, &roster).map_err(|error| error.to_string())?;
            print_row(&name, evaluation.is_feasible(), evaluation.objective, best, None);
            if !evaluation.is_feasible() {
                eprintln!("{name}: {} hard violations", evaluation.hard_violations.len());
            }
            continue;
        }
        let options = OptimiseOptions {
            time_limit: Some(Duration::from_secs_f64(arguments.time_limit)),
            seed: arguments.seed,
            threads: arguments.threads,
            ..OptimiseOptions::default()
        };
        let cancel = AtomicBool::new(false);
        let mut last_reported = None;
        let result = optimise(&model, &options, &cancel, &mut |progress| {
            if arguments.trace
                && progress.best_objective.is_some()
                && progress.best_objective != last_reported
            {
                last_reported = progress.best_objective;
                eprintln!(
                    "{name}\t{:.1}\t{}",
                    progress.elapsed.as_secs_f64(),
                    progress.best_objective.unwrap_or_default()
                );
            }
        });
        let check = evaluate(&model, &result.roster).map_err(|error| error.to_string())?;
        if check.objective != result.objective || check.is_feasible() != result.feasible {
            return fail(format!("{name}: the optimiser's score disagrees with the evaluator"));
        }
        print_row(&name, result.feasible, result.objective, best, Some(result.time_to_best));
        eprintln!(
            "{name}: {} iterations, stopped by {:?}; lower bound {}; cost by kind {:?}",
            result.iterations,
            result.stop_reason,
            result.lower_bound,
            allmenn_scheduler::evaluate::SoftKind::ALL
                .iter()
                .map(|&kind| (kind, result.evaluation.cost_of(kind)))
                .filter(|&(_, cost)| cost != 0)
                .collect::<Vec<_>>()
        );
        if !result.feasible {
            let mut rules: HashMap<String, (usize, u64)> = HashMap::new();
            for violation in &result.evaluation.hard_violations {
                let entry = rules.entry(format!("{:?}", violation.rule)).or_default();
                entry.0 += 1;
                entry.1 += u64::from(violation.amount);
            }
            eprintln!("{name}: hard violations (count, amount) by rule: {rules:?}");
        }
        if let Some(dir) = &arguments.solutions {
            let file = dir.join(format!("{name}.{}.tsv", result.objective));
            std::fs::write(&file, format_roster(&model, &result.roster))
                .map_err(|error| format!("writing {}: {error}", file.display()))?;
        }
    }
    Ok(())
}
