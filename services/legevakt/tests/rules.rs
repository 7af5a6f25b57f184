//! Each legevakt rule on small hand-made plans: the exact explanation finds it with the right
//! kind and message, and the compiled model expresses it (or approximates it conservatively).

mod common;

use allmenn_legevakt::compile::{HARD_AS_SOFT_WEIGHT, compile};
use allmenn_legevakt::explain::{ConstraintKind, Explanation, explain};
use allmenn_legevakt::plan::{
    AbsenceReason, Exemption, ExemptionReason, FairnessRates, HeldShift, PlanInput, ShiftCategory, ShiftMode,
    ShiftOccurrence, ShiftRole, StaffLimits, StaffMember, Unavailability, occurrence_id, parse_occurrence_id,
};
use allmenn_scheduler::evaluate::{HardRule, SoftKind, evaluate};
use allmenn_scheduler::model::ForbiddenSuccession;
use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use common::*;

fn hard_kinds(explanation: &Explanation) -> Vec<ConstraintKind> {
    explanation.hard_violations().map(|violation| violation.kind).collect()
}

fn one_doctor_plan(member: StaffMember, first: NaiveDate, last: NaiveDate) -> PlanInput {
    plan(first, last, vec![member])
}

const MONDAY: (i32, u32, u32) = (2026, 3, 2);

fn monday() -> NaiveDate {
    date(MONDAY.0, MONDAY.1, MONDAY.2)
}

fn days_after_monday(days: u64) -> NaiveDate {
    monday().checked_add_days(chrono::Days::new(days)).unwrap()
}

#[test]
fn a_22_00_night_is_540_real_minutes_in_spring_and_660_in_autumn() {
    let night =
        shift_type("N", "Natt", time(22, 0), 600, ShiftCategory::Night, ShiftMode::OnSite, ShiftRole::Doctor);
    let rates = FairnessRates::default();
    let spring = ShiftOccurrence::new(&night, date(2026, 3, 28), &rates, 1, 1).unwrap();
    assert_eq!(spring.real_minutes, 540);
    assert_eq!(spring.id, "2026-03-28.N");
    assert_eq!(spring.start, Utc.with_ymd_and_hms(2026, 3, 28, 21, 0, 0).unwrap());
    assert_eq!(spring.end, Utc.with_ymd_and_hms(2026, 3, 29, 6, 0, 0).unwrap());
    assert!((spring.fairness_points - 18.0).abs() < 1e-9, "9 h × 2.0");
    let autumn = ShiftOccurrence::new(&night, date(2026, 10, 24), &rates, 1, 1).unwrap();
    assert_eq!(autumn.real_minutes, 660);
    assert!((autumn.fairness_points - 22.0).abs() < 1e-9);
    let ordinary = ShiftOccurrence::new(&night, date(2026, 3, 21), &rates, 1, 1).unwrap();
    assert_eq!(ordinary.real_minutes, 600);
    assert_eq!(parse_occurrence_id("2026-03-28.N"), Some((date(2026, 3, 28), "N".to_owned())));
    assert_eq!(occurrence_id(date(2026, 10, 24), "HELG"), "2026-10-24.HELG");
}

#[test]
fn on_call_and_holiday_rates_apply() {
    let bakvakt = shift_type(
        "BV",
        "Bakvakt",
        time(8, 0),
        1440,
        ShiftCategory::Day,
        ShiftMode::OnCall,
        ShiftRole::Bakvakt,
    );
    let rates = FairnessRates::default();
    // An ordinary Tuesday: 24 h × 1.0 × 0.5.
    let ordinary = ShiftOccurrence::new(&bakvakt, date(2026, 3, 3), &rates, 0, 1).unwrap();
    assert!((ordinary.fairness_points - 12.0).abs() < 1e-9);
    assert!(!ordinary.public_holiday);
    // Kristi himmelfartsdag 2026 (Thursday 14 May): the holiday rate until midnight, the day rate
    // after it, (16 h × 3.0 + 8 h × 1.0) × 0.5.
    let holiday = ShiftOccurrence::new(&bakvakt, date(2026, 5, 14), &rates, 0, 1).unwrap();
    assert!(holiday.public_holiday);
    assert!((holiday.fairness_points - 28.0).abs() < 1e-9, "{}", holiday.fairness_points);
}

#[test]
fn weekend_and_holiday_hours_count_more_by_the_clock() {
    let rates = FairnessRates::default();
    let points = |code: &str, start: (u32, u32), minutes: u32, category: ShiftCategory, on: NaiveDate| {
        let shift = shift_type(
            code,
            code,
            time(start.0, start.1),
            minutes,
            category,
            ShiftMode::OnSite,
            ShiftRole::Doctor,
        );
        ShiftOccurrence::new(&shift, on, &rates, 1, 1).unwrap().fairness_points
    };
    let close =
        |actual: f64, expected: f64| assert!((actual - expected).abs() < 1e-9, "{actual} ≠ {expected}");
    // A day shift: 8 h × 1.0 on Tuesday 3 March 2026, × 2.0 on Saturday 7 March.
    close(points("D", (8, 0), 480, ShiftCategory::Day, date(2026, 3, 3)), 8.0);
    close(points("D", (8, 0), 480, ShiftCategory::Day, date(2026, 3, 7)), 16.0);
    // The weekend begins on Friday at 15:30: an evening 15:00–23:00 on Friday 6 March earns 0.5 h at
    // the evening rate and 7.5 h at the weekend rate; on Thursday, 8 h at the evening rate.
    close(points("K", (15, 0), 480, ShiftCategory::Evening, date(2026, 3, 6)), 0.5 * 1.5 + 7.5 * 2.0);
    close(points("K", (15, 0), 480, ShiftCategory::Evening, date(2026, 3, 5)), 8.0 * 1.5);
    // It ends on Monday at 08:00: a day shift 07:00–15:00 on Monday 9 March has one weekend hour.
    close(points("D", (7, 0), 480, ShiftCategory::Day, date(2026, 3, 9)), 2.0 + 7.0);
    // A night from Christmas Eve (Thursday 24 December 2026, not a public holiday) to 1. juledag:
    // 2 h at the night rate, then 8 h at the holiday rate.
    close(points("N", (22, 0), 600, ShiftCategory::Night, date(2026, 12, 24)), 2.0 * 2.0 + 8.0 * 3.0);
}

#[test]
fn not_on_staff_is_detected_and_a_model_day_off() {
    let member = StaffMember { valid_to: Some(date(2026, 3, 1)), ..doctor(1, "Ola", "Nordmann", true) };
    let mut input = one_doctor_plan(member, monday(), monday());
    input.cover.push(cover(monday(), "D", 1, 1));
    input.assignments.push(assign(monday(), "D", id(1)));
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::NotOnStaff]);
    let compiled = compile(&input).unwrap();
    assert_eq!(compiled.model().employees()[0].days_off, vec![0]);
}

#[test]
fn profession_and_bakvakt_competence_are_qualifications() {
    let mut input = plan(monday(), monday(), vec![nurse(1, "Siv", "Pleier"), doctor(2, "Nora", "Ny", false)]);
    input.assignments = vec![assign(monday(), "D", id(1))];
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::NotQualified]);
    assert!(explanation.violations[0].message.contains("a nurse cannot staff a doctor shift"));

    input.assignments = vec![assign(monday(), "BV", id(2))];
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::NotQualified]);
    assert!(explanation.violations[0].message.contains("cannot be bakvakt"));

    // The model expresses both through skills.
    let compiled = compile(&input).unwrap();
    let conversion = compiled
        .roster_from_assignments(&[assign(monday(), "D", id(1)), assign(monday(), "BV", id(2))])
        .unwrap();
    let evaluation = evaluate(compiled.model(), &conversion.roster).unwrap();
    let rules: Vec<HardRule> = evaluation.hard_violations.iter().map(|violation| violation.rule).collect();
    assert_eq!(rules, vec![HardRule::MissingSkill, HardRule::MissingSkill]);
}

#[test]
fn unavailability_overlapping_a_shift_is_detected() {
    let start = Oslo.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap().with_timezone(&Utc);
    let end = Oslo.with_ymd_and_hms(2026, 3, 2, 17, 0, 0).unwrap().with_timezone(&Utc);
    let member = StaffMember {
        unavailability: vec![Unavailability { start, end, reason: AbsenceReason::Other }],
        ..doctor(1, "Ola", "Nordmann", true)
    };
    let mut input = one_doctor_plan(member, monday(), monday());
    input.assignments = vec![assign(monday(), "D", id(1))];
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::Unavailable]);
    // The span touches D (08–16) and K (16–23) but not N (23–08).
    let compiled = compile(&input).unwrap();
    let mut unavailable = compiled.model().employees()[0].unavailable.clone();
    unavailable.sort_unstable();
    assert_eq!(unavailable, vec![(0, 0), (0, 1), (0, 3)]);
}

#[test]
fn a_shift_held_in_another_published_plan_binds_by_the_pair_rules() {
    // A night in another plan, Sunday 23:00 to Monday 08:00.
    let start = Oslo.with_ymd_and_hms(2026, 3, 1, 23, 0, 0).unwrap().with_timezone(&Utc);
    let end = Oslo.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap().with_timezone(&Utc);
    let night = standard_shift_types().into_iter().find(|shift| shift.code == "N").unwrap();
    let member = StaffMember {
        held_elsewhere: vec![HeldShift {
            start,
            end,
            shift_type: night,
            label: "2026-03-01.N of the published plan Februar".into(),
        }],
        ..doctor(1, "Ola", "Nordmann", true)
    };
    let mut input = one_doctor_plan(member, monday(), monday());
    input.assignments = vec![assign(monday(), "D", id(1))];
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::Rest]);
    let message = &explanation.hard_violations().next().unwrap().message;
    assert!(message.contains("after 2026-03-01.N of the published plan Februar"), "{message}");
    // D and BV start at 08:00 with no rest; K at 16:00 has its eight hours, N at 23:00 more.
    let compiled = compile(&input).unwrap();
    let mut unavailable = compiled.model().employees()[0].unavailable.clone();
    unavailable.sort_unstable();
    assert_eq!(unavailable, vec![(0, 0), (0, 3)]);
}

#[test]
fn partial_exemptions_apply_by_category_and_to_weekend_dates() {
    let no_nights = Exemption {
        id: id(100),
        reason: ExemptionReason::Health,
        categories: vec![ShiftCategory::Night],
        valid_from: date(2026, 3, 1),
        valid_to: Some(date(2026, 3, 31)),
    };
    let member = StaffMember { exemptions: vec![no_nights], ..doctor(1, "Ola", "Nordmann", true) };
    let mut input = one_doctor_plan(member, monday(), days_after_monday(6));
    input.assignments =
        vec![assign(days_after_monday(1), "N", id(1)), assign(days_after_monday(3), "D", id(1))];
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::Exempt]);
    assert!(
        explanation.violations[0].message.contains("exempt from night shifts"),
        "{}",
        explanation.violations[0].message
    );
    assert_eq!(explanation.violations[0].shift_id.as_deref(), Some("2026-03-03.N"));

    // A weekend exemption covers a day shift on a Saturday.
    input.staff[0].exemptions[0].categories = vec![ShiftCategory::Weekend];
    input.assignments = vec![assign(date(2026, 3, 7), "D", id(1)), assign(days_after_monday(1), "N", id(1))];
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::Exempt]);
    assert_eq!(explanation.violations[0].date, Some(date(2026, 3, 7)));
    let compiled = compile(&input).unwrap();
    let unavailable = &compiled.model().employees()[0].unavailable;
    assert!(unavailable.contains(&(5, 0)) && unavailable.contains(&(6, 2)));
    // Friday's day shift has half an hour of weekend (from 15:30), its evening all of it.
    assert!(!unavailable.contains(&(4, 0)) && unavailable.contains(&(4, 1)));
}

#[test]
fn exemptions_judge_a_shift_by_the_hours_it_holds() {
    let exempt_from = |categories: Vec<ShiftCategory>| {
        let record = Exemption {
            id: id(100),
            reason: ExemptionReason::Pregnancy,
            categories,
            valid_from: date(2026, 1, 1),
            valid_to: Some(date(2026, 12, 31)),
        };
        StaffMember { exemptions: vec![record], ..doctor(1, "Ola", "Nordmann", true) }
    };
    // A weekend block from Friday 15:30 to Monday 08:00 holds two nights: "no nights" keeps the
    // doctor off it, as it keeps them off the 24-hour bakvakt, but not off an evening to 23:00.
    let mut input = one_doctor_plan(exempt_from(vec![ShiftCategory::Night]), monday(), days_after_monday(6));
    input.shift_types.push(shift_type(
        "HELG",
        "Helgevakt",
        time(15, 30),
        64 * 60 + 30,
        ShiftCategory::Weekend,
        ShiftMode::OnCall,
        ShiftRole::Doctor,
    ));
    let friday = days_after_monday(4);
    for (code, exempt) in [("HELG", true), ("BV", true), ("K", false), ("D", false)] {
        input.assignments = vec![assign(friday, code, id(1))];
        let kinds = hard_kinds(&explain(&input, &input.assignments).unwrap());
        assert_eq!(kinds.contains(&ConstraintKind::Exempt), exempt, "{code}: {kinds:?}");
    }
    // "No evenings" keeps the doctor off every shift holding the evening: the block, the 24-hour
    // bakvakt and the evening itself, not the day shift to 16:00 or the night from 23:00.
    input.staff = vec![exempt_from(vec![ShiftCategory::Evening])];
    let compiled = compile(&input).unwrap();
    for (code, exempt) in [("HELG", true), ("BV", true), ("K", true), ("D", false), ("N", false)] {
        input.assignments = vec![assign(friday, code, id(1))];
        let kinds = hard_kinds(&explain(&input, &input.assignments).unwrap());
        assert_eq!(kinds.contains(&ConstraintKind::Exempt), exempt, "{code}: {kinds:?}");
        let shift = compiled.shift_index(code).unwrap();
        assert_eq!(compiled.model().employees()[0].unavailable.contains(&(4, shift)), exempt, "{code}");
    }
    // A night from Christmas Eve is mostly 1. juledag: a holiday shift; one from 2. juledag is not.
    let mut input =
        one_doctor_plan(exempt_from(vec![ShiftCategory::Holiday]), date(2026, 12, 21), date(2026, 12, 27));
    for (day, exempt) in [(24, true), (26, false)] {
        input.assignments = vec![assign(date(2026, 12, day), "N", id(1))];
        let kinds = hard_kinds(&explain(&input, &input.assignments).unwrap());
        assert_eq!(kinds.contains(&ConstraintKind::Exempt), exempt, "night from {day} December: {kinds:?}");
    }
}

/// A weekend block from Friday holds Saturday and Sunday: an exemption that begins on the Saturday,
/// or a period on the staff that ends on the Friday, keeps the doctor off it, in explain and in the
/// model alike. A day shift on the Friday is still theirs to take.
#[test]
fn a_shift_is_judged_on_every_date_it_holds() {
    let friday = days_after_monday(4);
    let saturday = days_after_monday(5);
    let from_saturday = Exemption {
        id: id(100),
        reason: ExemptionReason::Health,
        categories: Vec::new(),
        valid_from: saturday,
        valid_to: None,
    };
    let staff = vec![
        StaffMember { exemptions: vec![from_saturday], ..doctor(1, "Ola", "Nordmann", true) },
        StaffMember { valid_to: Some(friday), ..doctor(2, "Kari", "Hansen", true) },
    ];
    let mut input = plan(monday(), days_after_monday(6), staff);
    input.shift_types.push(shift_type(
        "HELG",
        "Helgevakt",
        time(15, 30),
        64 * 60 + 30,
        ShiftCategory::Weekend,
        ShiftMode::OnCall,
        ShiftRole::Doctor,
    ));
    let compiled = compile(&input).unwrap();
    let helg = compiled.shift_index("HELG").unwrap();
    let day_shift = compiled.shift_index("D").unwrap();
    for (person, kind) in [(1, ConstraintKind::Exempt), (2, ConstraintKind::NotOnStaff)] {
        let block = vec![assign(friday, "HELG", id(person))];
        assert_eq!(hard_kinds(&explain(&input, &block).unwrap()), vec![kind], "doctor {person}");
        let employee = &compiled.model().employees()[person as usize - 1];
        assert!(employee.unavailable.contains(&(4, helg)), "doctor {person}: the model closes the block");
        assert!(!employee.unavailable.contains(&(4, day_shift)) && !employee.days_off.contains(&4));
        let friday_day = vec![assign(friday, "D", id(person))];
        assert!(hard_kinds(&explain(&input, &friday_day).unwrap()).is_empty(), "doctor {person}");
    }
}

#[test]
fn a_doctor_aged_60_or_more_is_exempt() {
    let member = StaffMember { birth_date: Some(date(1966, 3, 3)), ..doctor(1, "Arne", "Eldre", true) };
    let mut input = one_doctor_plan(member, monday(), days_after_monday(1));
    // 59 on Monday 2 March, 60 on Tuesday 3 March.
    input.assignments = vec![assign(monday(), "K", id(1)), assign(days_after_monday(1), "K", id(1))];
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::Exempt]);
    let violation = explanation.hard_violations().next().unwrap();
    assert_eq!(violation.date, Some(days_after_monday(1)));
    assert!(violation.message.contains("age 60"), "{}", violation.message);
    let compiled = compile(&input).unwrap();
    assert_eq!(compiled.model().employees()[0].days_off, vec![1]);
    // A higher exemption age lifts it.
    input.exemption_age_years = 65;
    assert_eq!(explain(&input, &input.assignments).unwrap().score.hard_violations, 0);
    // So does the doctor's own choice to keep taking shifts: the exemption is a right, not a ban.
    input.exemption_age_years = 60;
    input.staff[0].waives_age_exemption = true;
    assert_eq!(explain(&input, &input.assignments).unwrap().score.hard_violations, 0);
    assert!(compile(&input).unwrap().model().employees()[0].days_off.is_empty());
}

#[test]
fn overlapping_shifts_are_one_overlap() {
    let mut input = one_doctor_plan(doctor(1, "Ola", "Nordmann", true), monday(), monday());
    input.shift_types.push(shift_type(
        "X",
        "Ekstra",
        time(15, 0),
        120,
        ShiftCategory::Day,
        ShiftMode::OnSite,
        ShiftRole::Doctor,
    ));
    input.assignments = vec![assign(monday(), "D", id(1)), assign(monday(), "X", id(1))];
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::Overlap]);
    assert!(explanation.violations[0].message.contains("overlaps D on 2026-03-02 by 1 h"));
    // Two shifts starting the same day cannot be held by the model's roster.
    let compiled = compile(&input).unwrap();
    let conversion = compiled.roster_from_assignments(&input.assignments).unwrap();
    assert_eq!(conversion.unrepresentable.len(), 1);
}

#[test]
fn rest_is_measured_across_midnight() {
    let mut input = one_doctor_plan(doctor(1, "Ola", "Nordmann", true), monday(), days_after_monday(1));
    input.shift_types.push(shift_type(
        "T",
        "Tidlig",
        time(6, 0),
        120,
        ShiftCategory::Day,
        ShiftMode::OnSite,
        ShiftRole::Doctor,
    ));
    input.assignments = vec![assign(monday(), "K", id(1)), assign(days_after_monday(1), "T", id(1))];
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::Rest]);
    assert_eq!(explanation.violations[0].message, "7 h rest after K on 2026-03-02, 8 h required");
    assert_eq!(explanation.violations[0].shift_id.as_deref(), Some("2026-03-03.T"));
    // K (index 1) then T (index 4) the next day is forbidden in the model; K then D (9 h) is not.
    let compiled = compile(&input).unwrap();
    let successions = compiled.model().forbidden_successions();
    assert!(successions.contains(&ForbiddenSuccession { first: 1, then: Some(4), day_offset: 1 }));
    assert!(
        !successions
            .iter()
            .any(|rule| rule.first == 1 && rule.then.is_none_or(|then| then == 0) && rule.day_offset == 1)
    );
    // Rest by shift type overrides the mode's rule.
    input.shift_types[1].min_rest_hours_after = Some(6);
    assert_eq!(explain(&input, &input.assignments).unwrap().score.hard_violations, 0);
}

#[test]
fn a_forbidden_category_succession_within_24_hours_is_detected() {
    let mut input = one_doctor_plan(doctor(1, "Ola", "Nordmann", true), monday(), days_after_monday(2));
    input.shift_types.push(shift_type(
        "E",
        "Ettermiddag",
        time(18, 0),
        240,
        ShiftCategory::Day,
        ShiftMode::OnSite,
        ShiftRole::Doctor,
    ));
    // N Monday 23:00 → Tuesday 08:00, then E Tuesday 18:00: 10 h rest, but night → day.
    input.assignments = vec![assign(monday(), "N", id(1)), assign(days_after_monday(1), "E", id(1))];
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::ForbiddenSuccession]);
    assert!(explanation.violations[0].message.contains("night → day"));
    // Without the rule the roster is fine.
    input.rules.forbidden_successions.clear();
    assert_eq!(explain(&input, &input.assignments).unwrap().score.hard_violations, 0);
}

#[test]
fn each_limit_is_detected_once() {
    let limits = |limits: StaffLimits| {
        let mut input = one_doctor_plan(doctor(1, "Ola", "Nordmann", true), monday(), days_after_monday(13));
        input.rules.default_limits = limits;
        input
    };
    let cases = [
        (
            StaffLimits { max_shifts_per_period: Some(2), ..StaffLimits::default() },
            vec![(0, "K"), (2, "K"), (4, "K")],
            ConstraintKind::MaxShifts,
        ),
        (
            StaffLimits { max_night_shifts_per_period: Some(1), ..StaffLimits::default() },
            vec![(0, "N"), (3, "N")],
            ConstraintKind::MaxNightShifts,
        ),
        (
            StaffLimits { max_consecutive_shifts: Some(2), ..StaffLimits::default() },
            vec![(0, "K"), (1, "K"), (2, "K")],
            ConstraintKind::MaxConsecutiveShifts,
        ),
        (
            StaffLimits { max_weekends_per_period: Some(1), ..StaffLimits::default() },
            vec![(5, "K"), (12, "K")],
            ConstraintKind::MaxWeekends,
        ),
        // A Friday night is on duty on Saturday morning: it counts as a weekend.
        (
            StaffLimits { max_weekends_per_period: Some(1), ..StaffLimits::default() },
            vec![(4, "N"), (12, "K")],
            ConstraintKind::MaxWeekends,
        ),
        // So is a Friday evening, which lies in the legevakt weekend from 15:30.
        (
            StaffLimits { max_weekends_per_period: Some(1), ..StaffLimits::default() },
            vec![(4, "K"), (12, "K")],
            ConstraintKind::MaxWeekends,
        ),
    ];
    for (limit, shifts, kind) in cases {
        let mut input = limits(limit);
        input.assignments =
            shifts.iter().map(|(day, code)| assign(days_after_monday(*day), code, id(1))).collect();
        let explanation = explain(&input, &input.assignments).unwrap();
        assert_eq!(hard_kinds(&explanation), vec![kind], "{shifts:?}");
        // One fewer shift is fine.
        input.assignments.pop();
        assert_eq!(explain(&input, &input.assignments).unwrap().score.hard_violations, 0, "{shifts:?}");
    }
    // A Friday day shift is not weekend work.
    let mut input = limits(StaffLimits { max_weekends_per_period: Some(1), ..StaffLimits::default() });
    input.assignments = [(4, "D"), (12, "K")]
        .iter()
        .map(|(day, code)| assign(days_after_monday(*day), code, id(1)))
        .collect();
    assert_eq!(explain(&input, &input.assignments).unwrap().score.hard_violations, 0);
    // Personal limits override the plan's.
    let mut input = limits(StaffLimits { max_shifts_per_period: Some(2), ..StaffLimits::default() });
    input.staff[0].limits.max_shifts_per_period = Some(3);
    input.assignments = [0, 2, 4].iter().map(|day| assign(days_after_monday(*day), "K", id(1))).collect();
    assert_eq!(explain(&input, &input.assignments).unwrap().score.hard_violations, 0);
    let compiled = compile(&input).unwrap();
    assert_eq!(compiled.model().employees()[0].max_total_minutes, 3 * 60);
}

#[test]
fn cover_below_the_minimum_is_hard_and_below_preferred_costs() {
    let mut input =
        plan(monday(), monday(), vec![doctor(1, "Ola", "Nordmann", true), doctor(2, "Kari", "Hansen", true)]);
    input.cover.push(cover(monday(), "D", 2, 3));
    input.assignments = vec![assign(monday(), "D", id(1))];
    input.rules.weights.fairness_deviation = 0;
    let explanation = explain(&input, &input.assignments).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::CoverBelowMinimum]);
    assert_eq!(explanation.violations[0].message, "1 of minimum 2 on D on 2026-03-02");
    assert_eq!(explanation.score.objective, 200);
    let below: Vec<_> = explanation.of_kind(ConstraintKind::CoverBelowPreferred).collect();
    assert_eq!(below.len(), 1);
    assert_eq!(below[0].cost, 200);
    // The model: HARD_AS_SOFT_WEIGHT per person below the minimum, on top of the preferred term.
    let compiled = compile(&input).unwrap();
    let evaluation =
        evaluate(compiled.model(), &compiled.roster_from_assignments(&input.assignments).unwrap().roster)
            .unwrap();
    assert_eq!(evaluation.cost_of(SoftKind::CoverBelowMinimum), i64::from(HARD_AS_SOFT_WEIGHT));
    assert_eq!(evaluation.cost_of(SoftKind::CoverBelowPreferred), 200);
}

#[test]
fn a_missing_bakvakt_is_detected_and_a_qualified_one_satisfies_it() {
    let staff = vec![
        doctor(1, "Nora", "Ny", false),
        doctor(2, "Ingrid", "Berg", true),
        doctor(3, "Emil", "Fersk", false),
    ];
    let mut input = plan(monday(), monday(), staff);
    input.rules.weights.fairness_deviation = 0;
    let compiled = compile(&input).unwrap();
    let model_supervision_cost = |assignments: &[allmenn_legevakt::plan::Assignment]| {
        let roster = compiled.roster_from_assignments(assignments).unwrap().roster;
        evaluate(compiled.model(), &roster).unwrap().cost_of(SoftKind::Supervision)
    };

    let alone = vec![assign(monday(), "D", id(1))];
    let explanation = explain(&input, &alone).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::MissingBakvakt]);
    assert_eq!(explanation.violations[0].message, "no qualified bakvakt for D on 2026-03-02 (08:00–16:00)");
    assert_eq!(explanation.violations[0].staff_id, Some(id(1)));
    assert_eq!(model_supervision_cost(&alone), i64::from(HARD_AS_SOFT_WEIGHT));

    let backed = vec![assign(monday(), "D", id(1)), assign(monday(), "BV", id(2))];
    assert_eq!(explain(&input, &backed).unwrap().score.hard_violations, 0);
    assert_eq!(model_supervision_cost(&backed), 0);

    // An unqualified bakvakt does not count.
    let unqualified = vec![assign(monday(), "D", id(1)), assign(monday(), "BV", id(3))];
    let mut kinds = hard_kinds(&explain(&input, &unqualified).unwrap());
    kinds.sort();
    assert_eq!(kinds, vec![ConstraintKind::MissingBakvakt, ConstraintKind::NotQualified]);

    // A bakvakt covering only part of the shift leaves the rest uncovered.
    input.shift_types.push(shift_type(
        "BVM",
        "Bakvakt formiddag",
        time(8, 0),
        240,
        ShiftCategory::Day,
        ShiftMode::OnCall,
        ShiftRole::Bakvakt,
    ));
    let partial = vec![assign(monday(), "D", id(1)), assign(monday(), "BVM", id(2))];
    let explanation = explain(&input, &partial).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::MissingBakvakt]);
    assert!(
        explanation.violations[0].message.ends_with("from 12:00"),
        "{}",
        explanation.violations[0].message
    );

    // The model pairs D with the bakvakt type that covers it whole (BV, not BVM).
    let compiled = compile(&input).unwrap();
    let rules: Vec<(usize, usize)> = compiled
        .model()
        .supervision()
        .iter()
        .map(|rule| (rule.supervised_shift, rule.backup_shift))
        .collect();
    assert_eq!(rules, vec![(0, 3), (1, 3), (2, 3)]);
}

#[test]
fn a_doctor_shift_no_bakvakt_type_can_cover_is_closed_to_juniors_in_the_model() {
    let mut input =
        plan(monday(), monday(), vec![doctor(1, "Nora", "Ny", false), doctor(2, "Ingrid", "Berg", true)]);
    input.shift_types.retain(|shift_type| shift_type.role != ShiftRole::Bakvakt);
    let compiled = compile(&input).unwrap();
    assert!(compiled.model().supervision().is_empty());
    let junior = &compiled.model().employees()[0].unavailable;
    assert!(junior.contains(&(0, 0)) && junior.contains(&(0, 1)) && junior.contains(&(0, 2)));
    assert!(compiled.model().employees()[1].unavailable.is_empty());
    assert!(compiled.approximation_notes().iter().any(|note| note.contains("no same-day bakvakt")));
}

#[test]
fn a_weekend_block_blocks_the_following_days() {
    let mut input = one_doctor_plan(doctor(1, "Ola", "Nordmann", true), date(2026, 3, 6), date(2026, 3, 10));
    input.shift_types.push(shift_type(
        "HELG",
        "Helgevakt",
        time(15, 30),
        3870,
        ShiftCategory::Weekend,
        ShiftMode::OnCall,
        ShiftRole::Doctor,
    ));
    let helg = 4;
    let occurrences = input.occurrences_by_id().unwrap();
    assert!(occurrences.is_empty(), "no cover, no assignments");
    input.assignments = vec![assign(date(2026, 3, 6), "HELG", id(1))];
    let block = &input.occurrences_by_id().unwrap()["2026-03-06.HELG"];
    assert_eq!(block.real_minutes, 3870);
    assert_eq!(block.local_dates().len(), 4);

    let compiled = compile(&input).unwrap();
    let successions = compiled.model().forbidden_successions();
    for offset in [1, 2] {
        assert!(
            successions.contains(&ForbiddenSuccession { first: helg, then: None, day_offset: offset }),
            "no shift may start {offset} days after the block starts"
        );
    }
    // Monday: D at 08:00 starts as the block ends (no rest); K at 16:00 leaves 8 h.
    assert!(successions.contains(&ForbiddenSuccession { first: helg, then: Some(0), day_offset: 3 }));
    assert!(
        !successions
            .iter()
            .any(|rule| rule.first == helg && rule.day_offset == 3 && rule.then.is_none_or(|then| then == 1))
    );

    // Exact: a Saturday shift overlaps the block, Monday's evening is fine.
    let saturday = vec![assign(date(2026, 3, 6), "HELG", id(1)), assign(date(2026, 3, 7), "D", id(1))];
    assert_eq!(hard_kinds(&explain(&input, &saturday).unwrap()), vec![ConstraintKind::Overlap]);
    let roster = compiled.roster_from_assignments(&saturday).unwrap().roster;
    let evaluation = evaluate(compiled.model(), &roster).unwrap();
    assert_eq!(evaluation.hard_violations.len(), 1);
    assert_eq!(evaluation.hard_violations[0].rule, HardRule::ForbiddenSuccession);
    let monday_evening = vec![assign(date(2026, 3, 6), "HELG", id(1)), assign(date(2026, 3, 9), "K", id(1))];
    assert_eq!(explain(&input, &monday_evening).unwrap().score.hard_violations, 0);
    // The block holds the person on Saturday and Sunday: one weekend.
    assert_eq!(explain(&input, &monday_evening).unwrap().totals[0].weekends, 1);
}

#[test]
fn successions_broken_only_across_a_daylight_saving_change_are_forbidden_on_every_date() {
    // K 16:00–00:00 then D 08:00: 8 h of rest, except in the night of the spring change (7 h).
    let mut input = one_doctor_plan(doctor(1, "Ola", "Nordmann", true), date(2026, 3, 27), date(2026, 3, 30));
    input.shift_types[1].length_minutes = 480;
    let compiled = compile(&input).unwrap();
    assert!(compiled.model().forbidden_successions().contains(&ForbiddenSuccession {
        first: 1,
        then: Some(0),
        day_offset: 1
    }));
    assert!(compiled.approximation_notes().iter().any(|note| note.contains("daylight saving")));
    let spring = vec![assign(date(2026, 3, 28), "K", id(1)), assign(date(2026, 3, 29), "D", id(1))];
    let explanation = explain(&input, &spring).unwrap();
    assert_eq!(hard_kinds(&explanation), vec![ConstraintKind::Rest]);
    assert_eq!(explanation.violations[0].message, "7 h rest after K on 2026-03-28, 8 h required");
    let ordinary = vec![assign(date(2026, 3, 27), "K", id(1)), assign(date(2026, 3, 28), "D", id(1))];
    assert_eq!(explain(&input, &ordinary).unwrap().score.hard_violations, 0);
}

#[test]
fn invalid_input_is_rejected_with_fields() {
    let mut input = plan(monday(), monday(), vec![doctor(1, "Ola", "Nordmann", true)]);
    input.cover.push(cover(monday(), "ZZ", 1, 1));
    input.cover.push(cover(date(2026, 4, 1), "D", 2, 1));
    input.requests.push(allmenn_legevakt::plan::ShiftRequest {
        id: id(50),
        staff_id: id(1),
        date: date(2026, 5, 1),
        shift_code: None,
        kind: allmenn_legevakt::plan::RequestKind::Want,
        weight: 3,
    });
    let fields: Vec<String> = input.validate().into_iter().map(|problem| problem.field).collect();
    assert_eq!(
        fields,
        vec!["cover[0].shift_code", "cover[1].date", "cover[1].preferred", "requests[0].date"]
    );
    assert!(compile(&input).is_err());
    let backwards = PlanInput::new(monday(), date(2026, 3, 1));
    assert_eq!(backwards.validate()[0].field, "last_date");
}

/// The pair rule every check shares: an overlap (with its minutes) comes before rest, rest before a
/// forbidden succession, and a pair that keeps all three is no clash.
#[test]
fn a_pair_of_shifts_breaks_overlap_then_rest_then_succession() {
    use allmenn_legevakt::plan::{PairClash, PlanningRules, pair_clash};
    let rules = PlanningRules::default();
    let types = standard_shift_types();
    let by_code = |code: &str| types.iter().find(|shift| shift.code == code).unwrap();
    let at = |day: u32, hour: u32| Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap();
    let (night, day_shift) = (by_code("N"), by_code("D"));
    // A night 22:00–07:00 UTC, then shifts starting at various times after it.
    let night_span = (at(2, 22), at(3, 7));
    assert_eq!(
        pair_clash(&rules, night, night_span, day_shift, (at(3, 5), at(3, 13))),
        Some(PairClash::Overlap { minutes: 120 })
    );
    assert_eq!(
        pair_clash(&rules, night, night_span, day_shift, (at(3, 10), at(3, 18))),
        Some(PairClash::Rest { gap: 180, required: 8 * 60 })
    );
    // Ten hours of rest are enough, but a day shift may not follow a night within 24 hours.
    assert_eq!(
        pair_clash(&rules, night, night_span, day_shift, (at(3, 17), at(3, 21))),
        Some(PairClash::ForbiddenSuccession { gap: 600 })
    );
    assert_eq!(pair_clash(&rules, night, night_span, by_code("K"), (at(3, 17), at(3, 23))), None);
    assert_eq!(pair_clash(&rules, night, night_span, day_shift, (at(4, 7), at(4, 15))), None);
}

/// The legevakt weekend a shift belongs to, by the hours it holds between Friday 15:30 and
/// Monday 08:00: named by its Saturday, and only when at least half of the shift lies in it.
#[test]
fn a_shift_belongs_to_the_weekend_that_holds_most_of_it() {
    use allmenn_legevakt::explain::legevakt_weekend_of;
    let at = |day: u32, hour: u32, minute: u32| {
        Oslo.with_ymd_and_hms(2026, 3, day, hour, minute, 0).unwrap().with_timezone(&Utc)
    };
    let saturday = Some(date(2026, 3, 7));
    // Friday 6 March: the evening belongs to the weekend, the day shift (half an hour in it) not;
    // 11:30–19:30 is exactly half in it and belongs.
    assert_eq!(legevakt_weekend_of(at(6, 16, 0), at(6, 23, 0)), saturday);
    assert_eq!(legevakt_weekend_of(at(6, 8, 0), at(6, 16, 0)), None);
    assert_eq!(legevakt_weekend_of(at(6, 11, 30), at(6, 19, 30)), saturday);
    // Sunday night to Monday 08:00, and a Monday shift from midnight to 06:00, belong to it; a
    // Monday day shift does not.
    assert_eq!(legevakt_weekend_of(at(8, 23, 0), at(9, 8, 0)), saturday);
    assert_eq!(legevakt_weekend_of(at(9, 0, 0), at(9, 6, 0)), saturday);
    assert_eq!(legevakt_weekend_of(at(9, 8, 0), at(9, 16, 0)), None);
    // The weekend of the spring change: a Saturday night of nine real hours belongs to it.
    assert_eq!(legevakt_weekend_of(at(28, 23, 0), at(29, 9, 0)), Some(date(2026, 3, 28)));
    // A Wednesday never does.
    assert_eq!(legevakt_weekend_of(at(4, 8, 0), at(4, 16, 0)), None);
}
