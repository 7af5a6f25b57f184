//! `roster-bench`: runs the roster optimiser on Curtois–Qu benchmark instances and prints one
//! tab-separated row per instance after a header:
//! `instance feasible objective best_known gap_pct time_to_best_s`.
//!
//! Usage: `roster-bench --time-limit SECONDS [--seed N] [--threads N] [--best-known FILE]
//! [--solutions DIR] INSTANCE_FILE...`. The best-known file is the benchmark's `best-known.tsv`
//! (instance name in the first column, best upper bound in the sixth). With `--solutions`, each
//! roster is also written there as a tab-separated grid. Every roster is re-scored by the exact
//! evaluator before it is reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use allmenn_scheduler::cq::{format_roster, parse_instance};
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
    instances: Vec<PathBuf>,
}

const USAGE: &str = "usage: roster-bench --time-limit SECONDS [--seed N] [--threads N] [--best-known FILE] [--solutions DIR] INSTANCE_FILE...";

fn parse_arguments() -> Result<Arguments> {
    let mut arguments = Arguments {
        time_limit: f64::NAN,
        seed: 0,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        best_known: None,
        solutions: None,
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
            "--best-known" => arguments.best_known = Some(value("--best-known")?.into()),
            "--solutions" => arguments.solutions = Some(value("--solutions")?.into()),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other if other.starts_with("--") => return fail(format!("unknown option {other}\n{USAGE}")),
            other => arguments.instances.push(other.into()),
        }
    }
    if !arguments.time_limit.is_finite() || arguments.time_limit <= 0.0 {
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

fn main() -> Result<()> {
    let arguments = parse_arguments()?;
    let best_known = match &arguments.best_known {
        Some(path) => read_best_known(path)?,
        None => HashMap::new(),
    };
    println!("instance\tfeasible\tobjective\tbest_known\tgap_pct\ttime_to_best_s");
    for path in &arguments.instances {
        let text =
            std::fs::read_to_string(path).map_err(|error| format!("reading {}: {error}", path.display()))?;
        let model = parse_instance(&text).map_err(|error| format!("parsing {}: {error}", path.display()))?;
        let name = path.file_stem().map_or_else(String::new, |stem| stem.to_string_lossy().into_owned());
        let options = OptimiseOptions {
            time_limit: Some(Duration::from_secs_f64(arguments.time_limit)),
            seed: arguments.seed,
            threads: arguments.threads,
            ..OptimiseOptions::default()
        };
        let cancel = AtomicBool::new(false);
        let result = optimise(&model, &options, &cancel, &mut |_| {});
        let check = evaluate(&model, &result.roster).map_err(|error| error.to_string())?;
        if check.objective != result.objective || check.is_feasible() != result.feasible {
            return fail(format!("{name}: the optimiser's score disagrees with the evaluator"));
        }
        let best = best_known.get(&name).copied();
        let (best_text, gap_text) = match best {
            Some(best) if result.feasible => {
                (best.to_string(), format!("{:.2}", 100.0 * (result.objective - best) as f64 / best as f64))
            }
            Some(best) => (best.to_string(), "-".to_string()),
            None => ("-".to_string(), "-".to_string()),
        };
        println!(
            "{name}\t{}\t{}\t{best_text}\t{gap_text}\t{:.1}",
            if result.feasible { "yes" } else { "no" },
            result.objective,
            result.time_to_best.as_secs_f64()
        );
        eprintln!(
            "{name}: {} iterations, stopped by {:?}; lower bound {}; cost by kind {:?}",
            result.iterations,
            result.stop_reason,
            result.lower_bound.map_or("-".to_string(), |bound| bound.to_string()),
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
