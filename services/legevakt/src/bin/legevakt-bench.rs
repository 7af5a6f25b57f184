//! Solves synthetic legevakt districts of a municipality's real sizes and prints what a planner
//! would look at: whether every hard rule holds, the cost, missing preferred cover, granted
//! requests, the fairness spread, and how long and how much memory it took.
//!
//! ```text
//! legevakt-bench [--time-limit SECONDS] [--threads N] [--seed N]
//!                [--doctors N --nurses N --weeks N]
//! ```
//!
//! Without a size, three districts run: one kommune (12 doctors, 10 nurses, 4 weeks), an
//! inter-municipal legevakt (40 doctors, 30 nurses, a quarter) and a regional one (90 doctors,
//! 60 nurses, half a year). Output: a header and one tab-separated row per district.
//!
//! The districts are drawn from the seed: one doctor in five needs a bakvakt, one in ten is over
//! 60 (exempt from nights unless waived), one in six works part time, some are away for a week or
//! two, and about one in four has wishes for particular days. Weekdays have an evening shift with
//! two doctors preferred, a night and a bakvakt; weekends and public holidays add a day shift, and
//! the weekend's bakvakt is one block from Friday 15:30 to Monday 08:00. Nurses work day, evening
//! and night.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use allmenn_domain::holidays::is_public_holiday;
use allmenn_domain::shift_time::oslo_instant;
use allmenn_legevakt::compile::compile;
use allmenn_legevakt::explain::{ConstraintKind, Explanation};
use allmenn_legevakt::plan::{
    AbsenceReason, CompetenceFacts, CoverRequirement, Exemption, ExemptionReason, PlanInput, Profession,
    RequestKind, ShiftCategory, ShiftMode, ShiftRequest, ShiftRole, ShiftType, StaffLimits, StaffMember,
    Unavailability,
};
use allmenn_legevakt::solve::{SolveSettings, solve};
use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use uuid::Uuid;

/// A district's size.
#[derive(Debug, Clone, Copy)]
struct Size {
    name: &'static str,
    doctors: usize,
    nurses: usize,
    weeks: u64,
}

const DEFAULT_SIZES: [Size; 3] = [
    Size { name: "kommune", doctors: 12, nurses: 10, weeks: 4 },
    Size { name: "interkommunal", doctors: 40, nurses: 30, weeks: 13 },
    Size { name: "region", doctors: 90, nurses: 60, weeks: 26 },
];

/// Every plan starts on the Monday after New Year 2027, so that Easter falls in the longer ones.
fn first_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 4).expect("a valid date")
}

struct Options {
    time_limit: Duration,
    threads: usize,
    seed: u64,
    sizes: Vec<Size>,
    /// Print every soft violation's message to stderr.
    violations: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: legevakt-bench [--time-limit SECONDS] [--threads N] [--seed N] [--violations] [--doctors N --nurses N --weeks N]"
    );
    std::process::exit(2)
}

fn parse_options() -> Options {
    let mut options = Options {
        time_limit: Duration::from_secs(60),
        threads: 2,
        seed: 0,
        sizes: Vec::new(),
        violations: false,
    };
    let mut custom = Size { name: "custom", doctors: 0, nurses: 0, weeks: 0 };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--time-limit" => {
                options.time_limit = Duration::from_secs_f64(value().parse().unwrap_or_else(|_| usage()))
            }
            "--threads" => options.threads = value().parse().unwrap_or_else(|_| usage()),
            "--seed" => options.seed = value().parse().unwrap_or_else(|_| usage()),
            "--doctors" => custom.doctors = value().parse().unwrap_or_else(|_| usage()),
            "--nurses" => custom.nurses = value().parse().unwrap_or_else(|_| usage()),
            "--weeks" => custom.weeks = value().parse().unwrap_or_else(|_| usage()),
            "--violations" => options.violations = true,
            _ => usage(),
        }
    }
    if custom.doctors > 0 || custom.weeks > 0 {
        if custom.doctors == 0 || custom.weeks == 0 {
            usage();
        }
        options.sizes.push(custom);
    } else {
        options.sizes.extend(DEFAULT_SIZES);
    }
    options
}

/// A small deterministic generator (SplitMix64), so that a seed gives the same district on every
/// machine.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.below(denominator) < numerator
    }
}

fn time(hours: u32, minutes: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hours, minutes, 0).expect("a valid time")
}

fn shift_types() -> Vec<ShiftType> {
    use ShiftCategory::{Day, Evening, Night, Weekend};
    use ShiftMode::{OnCall, OnSite};
    use ShiftRole::{Bakvakt, Doctor, Nurse};
    let shift_type = ShiftType::new;
    vec![
        shift_type("D", "Dagvakt", time(8, 0), 480, Day, OnSite, Doctor),
        shift_type("K", "Kveldsvakt", time(15, 30), 450, Evening, OnSite, Doctor),
        shift_type("N", "Nattevakt", time(23, 0), 540, Night, OnSite, Doctor),
        shift_type("BV", "Bakvakt", time(15, 30), 990, Evening, OnCall, Bakvakt),
        // Friday 15:30 to Monday 08:00: 64.5 hours, three more in the week it gains an hour.
        shift_type("HBV", "Helgebakvakt", time(15, 30), 3870, Weekend, OnCall, Bakvakt),
        shift_type("SD", "Sykepleier dag", time(8, 0), 480, Day, OnSite, Nurse),
        shift_type("SK", "Sykepleier kveld", time(15, 30), 450, Evening, OnSite, Nurse),
        shift_type("SN", "Sykepleier natt", time(23, 0), 540, Night, OnSite, Nurse),
    ]
}

fn uuid(draw: &mut Draw) -> Uuid {
    Uuid::from_u64_pair(draw.next(), draw.next())
}

fn facts(independent: bool, draw: &mut Draw) -> CompetenceFacts {
    let course = NaiveDate::from_ymd_opt(2022, 3, 1);
    if independent {
        CompetenceFacts {
            general_practice_specialist: draw.chance(2, 3),
            approved_general_practitioner: true,
            clinical_service_months: 60 + draw.below(200) as u32,
            municipal_gp_months: 24 + draw.below(120) as u32,
            legevakt_shifts_completed: 60 + draw.below(300) as u32,
            acute_medicine_course_date: course,
            violence_course_date: course,
            lis1_completed: true,
        }
    } else {
        CompetenceFacts {
            clinical_service_months: 12 + draw.below(12) as u32,
            municipal_gp_months: draw.below(10) as u32,
            legevakt_shifts_completed: draw.below(30) as u32,
            acute_medicine_course_date: course,
            lis1_completed: true,
            ..CompetenceFacts::default()
        }
    }
}

/// A whole-day absence in Europe/Oslo from `first` to `last` inclusive.
fn away(first: NaiveDate, last: NaiveDate) -> Unavailability {
    let midnight = |date: NaiveDate| {
        oslo_instant(date.and_time(NaiveTime::MIN)).expect("every Oslo date has a midnight")
    };
    Unavailability {
        start: midnight(first),
        end: midnight(last + Days::new(1)),
        reason: AbsenceReason::Vacation,
    }
}

fn district(size: Size, seed: u64) -> PlanInput {
    let mut draw = Draw(seed ^ 0x6c65_6765_7661_6b74);
    let first = first_date();
    let last = first + Days::new(size.weeks * 7 - 1);
    let mut input = PlanInput::new(first, last);
    input.shift_types = shift_types();
    input.rules.default_limits = StaffLimits {
        max_shifts_per_period: None,
        max_consecutive_shifts: Some(3),
        max_weekends_per_period: Some(size.weeks.div_ceil(3) as u32),
        max_night_shifts_per_period: Some(size.weeks as u32 + 1),
    };

    let mut staff = Vec::with_capacity(size.doctors + size.nurses);
    for index in 0..size.doctors + size.nurses {
        let doctor = index < size.doctors;
        let born = if doctor && index % 10 == 7 {
            NaiveDate::from_ymd_opt(1962 + draw.below(4) as i32, 5, 1)
        } else {
            NaiveDate::from_ymd_opt(1970 + draw.below(25) as i32, 1 + draw.below(12) as u32, 1)
        };
        let mut member = StaffMember {
            id: uuid(&mut draw),
            hpr_number: format!("{}", 9_000_000 + index),
            given_name: format!("Fornavn{index}"),
            family_name: format!("Etternavn{index}"),
            profession: if doctor { Profession::Doctor } else { Profession::Nurse },
            birth_date: born,
            participation_percentage: if index % 6 == 5 { 50 + 10 * draw.below(4) as u32 } else { 100 },
            competence: facts(!doctor || index % 5 != 4, &mut draw),
            limits: StaffLimits::default(),
            valid_from: NaiveDate::from_ymd_opt(2020, 1, 1).expect("a valid date"),
            valid_to: None,
            exemptions: Vec::new(),
            unavailability: Vec::new(),
            held_elsewhere: Vec::new(),
            fairness_balance: (draw.below(21) as f64 - 10.0) / 2.0,
            waives_age_exemption: draw.chance(1, 4),
        };
        if !doctor {
            member.competence = CompetenceFacts::default();
        }
        // One in twenty is exempt from nights for some weeks (health or pregnancy).
        if draw.chance(1, 20) {
            let from = first + Days::new(draw.below(size.weeks * 7));
            member.exemptions.push(Exemption {
                id: uuid(&mut draw),
                reason: if draw.chance(1, 2) { ExemptionReason::Health } else { ExemptionReason::Pregnancy },
                categories: vec![ShiftCategory::Night],
                valid_from: from,
                valid_to: Some(from + Days::new(7 * (2 + draw.below(6)))),
            });
        }
        // Holidays and courses: one or two weeks away for one in three.
        if draw.chance(1, 3) {
            let from = first + Days::new(draw.below(size.weeks * 7));
            member.unavailability.push(away(from, from + Days::new(7 * (1 + draw.below(2)) - 1)));
        }
        staff.push(member);
    }

    let dates = input.dates();
    for &date in &dates {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let friday = date.weekday() == Weekday::Fri;
        let free_day = weekend || is_public_holiday(date).is_some();
        let mut need = |code: &str, min: u32, preferred: u32| {
            input.cover.push(CoverRequirement { date, shift_code: code.to_owned(), min, preferred })
        };
        if free_day {
            need("D", 1, 2);
        }
        need("K", 1, 2);
        need("N", 1, 1);
        if friday {
            need("HBV", 0, 1);
        } else if !weekend {
            need("BV", 0, 1);
        }
        if size.nurses > 0 {
            need("SD", 1, 1);
            need("SK", 1, 2);
            need("SN", 1, 1);
        }
    }

    // One in four has wishes: some days wanted, some to avoid.
    for member in &staff {
        if !draw.chance(1, 4) {
            continue;
        }
        for _ in 0..1 + draw.below(4) {
            let date = dates[draw.below(dates.len() as u64) as usize];
            let want = draw.chance(1, 3);
            let code = match (want, member.profession) {
                (true, Profession::Doctor) => Some(if draw.chance(1, 2) { "K" } else { "N" }),
                (true, Profession::Nurse) => Some("SK"),
                (false, _) => None,
            };
            input.requests.push(ShiftRequest {
                id: uuid(&mut draw),
                staff_id: member.id,
                date,
                shift_code: code.map(str::to_owned),
                kind: if want { RequestKind::Want } else { RequestKind::Avoid },
                weight: 1 + draw.below(5) as u32,
            });
        }
    }
    input.staff = staff;
    input
}

/// The process's peak resident memory in MiB (Linux), if known.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The hard rules broken, with how often: "CoverBelowMinimum 3, Rest 1", or "-".
fn hard_kinds(explanation: &Explanation) -> String {
    let mut counts: BTreeMap<ConstraintKind, usize> = BTreeMap::new();
    for violation in explanation.hard_violations() {
        *counts.entry(violation.kind).or_default() += 1;
    }
    if counts.is_empty() {
        return "-".to_owned();
    }
    counts.iter().map(|(kind, count)| format!("{kind:?} {count}")).collect::<Vec<_>>().join(", ")
}

/// The soft cost by kind, largest first: "CoverBelowPreferred 700, FairnessDeviation 212", or "-".
fn soft_costs(explanation: &Explanation) -> String {
    let mut costs: BTreeMap<ConstraintKind, i64> = BTreeMap::new();
    for violation in explanation.violations.iter().filter(|violation| !violation.hard) {
        *costs.entry(violation.kind).or_default() += violation.cost;
    }
    let mut costs: Vec<(ConstraintKind, i64)> = costs.into_iter().filter(|(_, cost)| *cost > 0).collect();
    if costs.is_empty() {
        return "-".to_owned();
    }
    costs.sort_by_key(|(kind, cost)| (std::cmp::Reverse(*cost), *kind));
    costs.iter().map(|(kind, cost)| format!("{kind:?} {cost}")).collect::<Vec<_>>().join(", ")
}

fn main() {
    let options = parse_options();
    println!(
        "district\tstaff\tdays\tplaces\tcompile_ms\tfeasible\thard\tobjective\tbelow_preferred\tabove_preferred\trequests_granted\tfairness_max_dev\ttime_to_best_s\titerations\tpeak_mib\thard_kinds\tsoft_costs"
    );
    for size in &options.sizes {
        let input = district(*size, options.seed);
        let compile_began = Instant::now();
        if let Err(error) = compile(&input) {
            eprintln!("{}: the district does not compile: {error}", size.name);
            std::process::exit(1);
        }
        let compile_ms = compile_began.elapsed().as_secs_f64() * 1e3;
        let settings = SolveSettings {
            seed: options.seed,
            time_limit: Some(options.time_limit),
            threads: options.threads,
            ..SolveSettings::default()
        };
        let outcome = match solve(&input, &settings, &AtomicBool::new(false), &mut |_| {}) {
            Ok(outcome) => outcome,
            Err(error) => {
                eprintln!("{}: the solve failed: {error}", size.name);
                std::process::exit(1);
            }
        };
        let explanation = &outcome.explanation;
        if options.violations {
            for violation in explanation.violations.iter().filter(|violation| !violation.hard) {
                eprintln!("{}: {:?} {}: {}", size.name, violation.kind, violation.cost, violation.message);
            }
        }
        let places: u32 =
            explanation.occurrences.iter().map(|occurrence| occurrence.min.max(occurrence.preferred)).sum();
        let below_preferred = explanation.of_kind(ConstraintKind::CoverBelowPreferred).count();
        // People beyond the preferred count, over every shift.
        let above_preferred: i64 = explanation
            .of_kind(ConstraintKind::CoverAbovePreferred)
            .map(|violation| violation.cost / i64::from(input.rules.weights.cover_above_preferred.max(1)))
            .sum();
        let granted: u32 = explanation.totals.iter().map(|totals| totals.requests_granted).sum();
        let not_granted: u32 = explanation.totals.iter().map(|totals| totals.requests_not_granted).sum();
        let asked = granted + not_granted;
        println!(
            "{}\t{}\t{}\t{}\t{:.0}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.1}\t{:.1}\t{}\t{}\t{}\t{}",
            size.name,
            input.staff.len(),
            input.dates().len(),
            places,
            compile_ms,
            if explanation.score.hard_violations == 0 { "yes" } else { "no" },
            explanation.score.hard_violations,
            explanation.score.objective,
            below_preferred,
            above_preferred,
            if asked == 0 { "-".to_owned() } else { format!("{granted}/{asked}") },
            explanation.fairness.max_deviation,
            outcome.time_to_best.as_secs_f64(),
            outcome.iterations,
            peak_memory_mib().map_or("-".to_owned(), |mib| format!("{mib:.0}")),
            hard_kinds(explanation),
            soft_costs(explanation),
        );
    }
}
