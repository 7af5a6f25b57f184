//! The evaluator on tiny hand-made models: one test per hard rule (with the edge exemptions) and
//! per soft term, and the breakdowns.

use allmenn_scheduler::evaluate::{HardRule, SoftKind, evaluate};
use allmenn_scheduler::model::{
    Cover, Employee, FairnessRule, ForbiddenSuccession, Model, ModelSpec, Request, RequestKind, Roster,
    ShiftType, SupervisionRule, Weekday,
};

const D: Option<usize> = Some(0);
const N: Option<usize> = Some(1);
const O: Option<usize> = None;

/// Two shift types (D 480 min, N 600 min), `days` days from Monday, employees without limits and
/// no cover wanted.
fn spec(days: usize, employees: usize) -> ModelSpec {
    ModelSpec {
        days,
        first_weekday: Weekday::Monday,
        shift_types: vec![
            ShiftType { code: "D".into(), length_minutes: 480, required_skill: None, following_days_held: 0 },
            ShiftType { code: "N".into(), length_minutes: 600, required_skill: None, following_days_held: 0 },
        ],
        forbidden_successions: Vec::new(),
        employees: (0..employees).map(|i| Employee::unrestricted(format!("E{i}"), 2)).collect(),
        requests: Vec::new(),
        cover: vec![vec![Cover::default(); 2]; days],
        supervision: Vec::new(),
        fairness: None,
    }
}

fn rules(spec: ModelSpec, rows: Vec<Vec<Option<usize>>>) -> Vec<(HardRule, Option<usize>, u32)> {
    let model = Model::new(spec).unwrap();
    let evaluation = evaluate(&model, &Roster::from_rows(rows)).unwrap();
    evaluation.hard_violations.iter().map(|v| (v.rule, v.day, v.amount)).collect()
}

#[test]
fn forbidden_successions_at_offset_one_and_longer() {
    let mut s = spec(5, 1);
    s.forbidden_successions = vec![ForbiddenSuccession { first: 1, then: Some(0), day_offset: 1 }];
    assert_eq!(
        rules(s.clone(), vec![vec![N, D, O, N, N]]),
        vec![(HardRule::ForbiddenSuccession, Some(0), 1)]
    );
    // Nothing is checked past the end of the horizon, and N then N is allowed.
    assert_eq!(rules(s.clone(), vec![vec![O, D, D, N, N]]), vec![]);
    // A block of two following days: N forbids any shift on the next two days.
    s.forbidden_successions = ForbiddenSuccession::block_following_days(1, 2);
    assert_eq!(
        rules(s.clone(), vec![vec![N, O, D, O, O]]),
        vec![(HardRule::ForbiddenSuccession, Some(0), 1)]
    );
    assert_eq!(rules(s, vec![vec![N, O, O, D, O]]), vec![]);
}

#[test]
fn max_shifts_per_type_and_total_minutes() {
    let mut s = spec(5, 1);
    s.employees[0].max_shifts_per_type = vec![1, 5];
    s.employees[0].min_total_minutes = 2000;
    s.employees[0].max_total_minutes = 2300;
    assert_eq!(
        rules(s.clone(), vec![vec![D, D, D, O, O]]),
        vec![(HardRule::MaxShiftsOfType, None, 2), (HardRule::MinTotalMinutes, None, 560)]
    );
    assert_eq!(rules(s.clone(), vec![vec![N, N, N, N, O]]), vec![(HardRule::MaxTotalMinutes, None, 100)]);
    assert_eq!(rules(s, vec![vec![N, N, N, D, O]]), vec![]);
}

#[test]
fn max_consecutive_working_days_counts_runs_at_the_edges() {
    let mut s = spec(7, 1);
    s.employees[0].max_consecutive_working_days = 2;
    assert_eq!(
        rules(s.clone(), vec![vec![D, D, D, O, D, D, O]]),
        vec![(HardRule::MaxConsecutiveWorkingDays, Some(0), 1)]
    );
    assert_eq!(
        rules(s.clone(), vec![vec![O, D, O, D, D, D, D]]),
        vec![(HardRule::MaxConsecutiveWorkingDays, Some(3), 2)]
    );
    assert_eq!(rules(s, vec![vec![D, D, O, D, D, O, D]]), vec![]);
}

#[test]
fn min_consecutive_working_days_exempts_runs_touching_an_edge() {
    let mut s = spec(7, 1);
    s.employees[0].min_consecutive_working_days = 3;
    // Runs at day 0 and at the last day are exempt; the interior run of 2 is not.
    assert_eq!(
        rules(s.clone(), vec![vec![D, O, D, N, O, O, D]]),
        vec![(HardRule::MinConsecutiveWorkingDays, Some(2), 1)]
    );
    assert_eq!(rules(s, vec![vec![D, O, D, D, D, O, D]]), vec![]);
}

#[test]
fn min_consecutive_days_off_exempts_runs_touching_an_edge() {
    let mut s = spec(7, 1);
    s.employees[0].min_consecutive_days_off = 2;
    assert_eq!(
        rules(s.clone(), vec![vec![O, D, O, D, D, O, O]]),
        vec![(HardRule::MinConsecutiveDaysOff, Some(2), 1)]
    );
    assert_eq!(rules(s, vec![vec![O, D, O, O, D, D, O]]), vec![]);
}

#[test]
fn max_weekends_with_any_first_weekday() {
    let mut s = spec(14, 1);
    s.employees[0].max_weekends = 1;
    // From Monday: days 5, 6 and 12, 13 are weekends.
    assert_eq!(
        rules(
            s.clone(),
            vec![{
                let mut row = vec![O; 14];
                row[6] = D;
                row[12] = D;
                row[13] = D;
                row
            }]
        ),
        vec![(HardRule::MaxWeekends, None, 1)]
    );
    // Working Saturday and Sunday of one weekend is one weekend.
    assert_eq!(
        rules(
            s.clone(),
            vec![{
                let mut row = vec![O; 14];
                row[5] = D;
                row[6] = D;
                row
            }]
        ),
        vec![]
    );
    // From Saturday: days 0, 1 and 7, 8 are weekends; day 5 is a Thursday.
    s.first_weekday = Weekday::Saturday;
    assert_eq!(
        rules(
            s.clone(),
            vec![{
                let mut row = vec![O; 14];
                row[1] = D;
                row[5] = D;
                row[7] = D;
                row
            }]
        ),
        vec![(HardRule::MaxWeekends, None, 1)]
    );
    let model = Model::new(s).unwrap();
    assert_eq!(
        (model.weekend_of(0), model.weekend_of(1), model.weekend_of(5), model.weekend_of(8)),
        (Some(0), Some(0), None, Some(1))
    );
}

/// A shift holding following days works every weekend whose Saturday or Sunday it holds: a
/// night from Friday works that weekend, a night from Sunday no other, and a week-long shift from
/// Sunday two weekends; the weekend after the horizon counts too.
#[test]
fn max_weekends_counts_the_days_a_shift_holds() {
    let mut s = spec(14, 1);
    s.shift_types[1].following_days_held = 1;
    s.employees[0].max_weekends = 0;
    let night_on = |day: usize| {
        let mut row = vec![O; 14];
        row[day] = N;
        rules(s.clone(), vec![row])
    };
    // Day 4 is a Friday, day 6 a Sunday, day 3 a Thursday.
    assert_eq!(night_on(4), vec![(HardRule::MaxWeekends, None, 1)]);
    assert_eq!(night_on(6), vec![(HardRule::MaxWeekends, None, 1)]);
    assert_eq!(night_on(3), vec![]);
    // A horizon ending on Friday (day 11): that night holds the Saturday after it.
    let mut short = s.clone();
    short.days = 12;
    short.cover.truncate(12);
    let mut row = vec![O; 12];
    row[11] = N;
    assert_eq!(rules(short, vec![row]), vec![(HardRule::MaxWeekends, None, 1)]);
    // A day shift on Friday holds no weekend.
    let mut row = vec![O; 14];
    row[4] = D;
    assert_eq!(rules(s.clone(), vec![row]), vec![]);
    // Friday night and Saturday are one weekend.
    s.employees[0].max_weekends = 1;
    let mut row = vec![O; 14];
    row[4] = N;
    row[5] = D;
    assert_eq!(rules(s.clone(), vec![row.clone()]), vec![]);
    // The next Friday's night makes two.
    row[11] = N;
    assert_eq!(rules(s.clone(), vec![row]), vec![(HardRule::MaxWeekends, None, 1)]);

    s.shift_types[1].following_days_held = 7;
    let model = Model::new(s.clone()).unwrap();
    assert_eq!(model.weekends_held(6, 1).collect::<Vec<_>>(), vec![0, 1]);
    assert_eq!(model.weekends_held(13, 1).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(model.weekend_count(), 3);
    assert_eq!(model.weekends_held(0, 0).count(), 0);
    s.shift_types[1].following_days_held = 8;
    assert!(Model::new(s).is_err());
}

#[test]
fn days_off_unavailability_and_skills() {
    let mut s = spec(4, 1);
    s.employees[0].days_off = vec![1];
    s.employees[0].unavailable = vec![(2, 1)];
    s.shift_types[0].required_skill = Some(7);
    assert_eq!(
        rules(s.clone(), vec![vec![N, N, N, D]]),
        vec![
            (HardRule::DayOff, Some(1), 1),
            (HardRule::Unavailable, Some(2), 1),
            (HardRule::MissingSkill, Some(3), 1)
        ]
    );
    s.employees[0].skills = vec![7];
    assert_eq!(rules(s, vec![vec![N, O, D, D]]), vec![]);
}

fn score(spec: ModelSpec, rows: Vec<Vec<Option<usize>>>) -> allmenn_scheduler::evaluate::Evaluation {
    evaluate(&Model::new(spec).unwrap(), &Roster::from_rows(rows)).unwrap()
}

#[test]
fn requests_on_and_off() {
    let mut s = spec(4, 1);
    s.requests = vec![
        Request { employee: 0, day: 0, shift: Some(0), kind: RequestKind::On, weight: 1 },
        Request { employee: 0, day: 1, shift: Some(0), kind: RequestKind::On, weight: 2 },
        Request { employee: 0, day: 2, shift: Some(1), kind: RequestKind::Off, weight: 4 },
        Request { employee: 0, day: 3, shift: None, kind: RequestKind::Off, weight: 8 },
    ];
    // Off on day 0 and another shift on day 1 both break the on-requests; the off-request for N
    // is broken only by N; the whole-day off-request by any shift.
    let evaluation = score(s.clone(), vec![vec![O, N, N, D]]);
    assert_eq!(evaluation.cost_of(SoftKind::ShiftOnRequest), 3);
    assert_eq!(evaluation.cost_of(SoftKind::ShiftOffRequest), 12);
    assert_eq!(evaluation.cost_by_day, vec![1, 2, 4, 8]);
    assert_eq!(evaluation.cost_by_employee, vec![15]);
    assert_eq!(score(s, vec![vec![D, D, D, O]]).objective, 0);
}

#[test]
fn cover_below_minimum_below_preferred_and_above() {
    let mut s = spec(1, 4);
    s.cover[0][0] = Cover {
        min: 2,
        preferred: 3,
        weight_under_min: 1000,
        weight_under_preferred: 100,
        weight_over_preferred: 1,
    };
    let evaluation = score(s.clone(), vec![vec![D], vec![O], vec![O], vec![O]]);
    assert_eq!(evaluation.cost_of(SoftKind::CoverBelowMinimum), 1000);
    assert_eq!(evaluation.cost_of(SoftKind::CoverBelowPreferred), 200);
    assert_eq!(evaluation.objective, 1200);
    assert_eq!(score(s.clone(), vec![vec![D], vec![D], vec![D], vec![O]]).objective, 0);
    assert_eq!(score(s, vec![vec![D], vec![D], vec![D], vec![D]]).cost_of(SoftKind::CoverAbovePreferred), 1);
}

#[test]
fn supervision_needs_a_skilled_backup() {
    let mut s = spec(2, 3);
    // Shift 0 is the doctor's shift, shift 1 the backup (bakvakt); skill 0 = may work alone.
    s.supervision = vec![SupervisionRule::same_day(0, 0, 1, 50)];
    s.employees[2].skills = vec![0];
    // Day 0: two unskilled doctors, no backup → 2 × 50. Day 1: the skilled employee is backup.
    let evaluation = score(s.clone(), vec![vec![D, D], vec![D, O], vec![O, N]]);
    assert_eq!(evaluation.cost_of(SoftKind::Supervision), 100);
    assert_eq!(evaluation.cost_by_day, vec![100, 0]);
    // An unskilled employee on the backup shift does not count as backup.
    assert_eq!(score(s.clone(), vec![vec![D, O], vec![N, O], vec![O, O]]).cost_of(SoftKind::Supervision), 50);

    // A backup starting the day before, on day 1 only (a block from the evening before).
    s.supervision = vec![SupervisionRule {
        supervised_shift: 0,
        skill: 0,
        backup_shift: 1,
        backup_day_offset: 1,
        days: vec![1],
        weight: 50,
    }];
    // Day 0's unskilled doctor is not under the rule; day 1's is backed by day 0's N.
    assert_eq!(score(s.clone(), vec![vec![D, D], vec![O, O], vec![N, O]]).cost_of(SoftKind::Supervision), 0);
    // A backup on the same day does not count for a rule with an offset.
    let evaluation = score(s.clone(), vec![vec![D, D], vec![O, O], vec![O, N]]);
    assert_eq!(evaluation.cost_by_day, vec![0, 50]);
    // Day 0 under the rule: its backup would start before the horizon.
    s.supervision[0].days = vec![0];
    assert_eq!(score(s, vec![vec![D, O], vec![O, O], vec![N, N]]).cost_of(SoftKind::Supervision), 50);
}

/// Targets share the points the roster hands out to a pool by participation share, adjusted by the
/// carried balances: the cost is `weight × Σ (points − target)² / divisor`, rounded, per pool.
#[test]
fn fairness_targets_share_the_points_handed_out() {
    let mut s = spec(2, 3);
    s.fairness = Some(FairnessRule {
        points: vec![vec![3, 0], vec![1, 0]],
        weight: 10,
        divisor: 1,
        pools: vec![],
        caps: vec![],
    });
    s.employees[2].share_permille = 500;
    let fairness =
        |s: &ModelSpec, rows: Vec<Vec<Option<usize>>>| score(s.clone(), rows).cost_of(SoftKind::Fairness);
    let first_works_both_days = vec![vec![D, D], vec![O, O], vec![O, O]];
    // 4 points over shares 1, 1 and ½: targets 1.6, 1.6 and 0.8, deviations 2.4, −1.6 and −0.8.
    assert_eq!(fairness(&s, first_works_both_days.clone()), 90);
    let evaluation = score(s.clone(), first_works_both_days.clone());
    assert_eq!(evaluation.cost_by_employee, vec![0, 0, 0], "a pool's cost is nobody's alone");
    // Fewer points handed out lower every target with them: an unfilled shift is not fairness's
    // concern. 3 points: targets 1.2, 1.2 and 0.6, deviations 1.8, −1.2 and −0.6.
    assert_eq!(fairness(&s, vec![vec![D, O], vec![O, O], vec![O, O]]), 50);
    // Nobody working costs nothing.
    assert_eq!(fairness(&s, vec![vec![O, O]; 3]), 0);

    // A balance of 2 points done before: 6 points with balances, targets 0.4, 2.4 and 1.2.
    s.employees[0].fairness_balance = 2;
    assert_eq!(fairness(&s, first_works_both_days.clone()), 202);
    s.employees[0].fairness_balance = 0;

    // The third employee in a pool of their own: the first two share 4 points (2 each), the
    // third's pool hands out none.
    let rule = s.fairness.as_mut().unwrap();
    rule.pools = vec![0, 0, 1];
    assert_eq!(fairness(&s, first_works_both_days.clone()), 80);
    // A pool without shares: every target is zero (less the balance).
    s.employees[2].share_permille = 0;
    assert_eq!(fairness(&s, vec![vec![O, O], vec![O, O], vec![D, O]]), 90);
    // The divisor: 8.96 × 10 / 4 = 22.4.
    s.employees[2].share_permille = 500;
    let rule = s.fairness.as_mut().unwrap();
    rule.pools = vec![];
    rule.divisor = 4;
    assert_eq!(fairness(&s, first_works_both_days), 22);
    // A cap: targets share at most 2 points (0.8, 0.8 and 0.4), so the fourth point weighs on
    // whoever holds it: deviations 3.2, −0.8 and −0.4.
    s.fairness.as_mut().unwrap().divisor = 1;
    s.fairness.as_mut().unwrap().caps = vec![2];
    assert_eq!(fairness(&s, vec![vec![D, D], vec![O, O], vec![O, O]]), 110);
    // Below the cap, the targets follow the points handed out: 1 point, targets 0.4, 0.4 and 0.2.
    assert_eq!(fairness(&s, vec![vec![O, D], vec![O, O], vec![O, O]]), 6);
    // Pool numbers are checked.
    s.fairness.as_mut().unwrap().pools = vec![0, 0, 3];
    assert!(Model::new(s).is_err());
}

#[test]
fn rosters_of_the_wrong_shape_are_rejected() {
    let model = Model::new(spec(3, 2)).unwrap();
    assert!(evaluate(&model, &Roster::empty(2, 4)).is_err());
    assert!(evaluate(&model, &Roster::from_rows(vec![vec![Some(5), O, O], vec![O, O, O]])).is_err());
}
