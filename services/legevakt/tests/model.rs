//! The compiled model against the exact explanation: equal objectives where both apply, rosters
//! and assignments round-tripping, fairness targets carried into the model, an end-to-end solve
//! of a small district, re-planning, and validation of edits and swaps.

mod common;

use std::sync::atomic::AtomicBool;

use allmenn_legevakt::compile::compile;
use allmenn_legevakt::explain::{
    ConstraintKind, Edit, EditKind, apply_edits, direct_swap, explain, hand_over, planned_points,
    validate_edits,
};
use allmenn_legevakt::plan::{
    AbsenceReason, Assignment, Exemption, ExemptionReason, PlanInput, Profession, Replan, RequestKind,
    ShiftCategory, ShiftMode, ShiftRequest, ShiftRole, StaffMember, Unavailability,
};
use allmenn_legevakt::solve::{SolveMode, SolveSettings, solve};
use allmenn_scheduler::evaluate::{HardRule, SoftKind, evaluate};
use allmenn_scheduler::optimise::StopReason;
use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Oslo;
use common::*;

fn day(offset: u64) -> NaiveDate {
    date(2026, 3, 2).checked_add_days(chrono::Days::new(offset)).unwrap()
}

fn request(
    number: u128,
    staff: u128,
    on: NaiveDate,
    code: Option<&str>,
    kind: RequestKind,
    weight: u32,
) -> ShiftRequest {
    ShiftRequest {
        id: id(number),
        staff_id: id(staff),
        date: on,
        shift_code: code.map(str::to_owned),
        kind,
        weight,
    }
}

/// Three days, five independent doctors, requests and a published roster to re-plan from.
fn small_plan() -> (PlanInput, Vec<Assignment>) {
    let staff = (1..=5).map(|n| doctor(n, "Lege", &format!("Nummer{n}"), true)).collect();
    let mut input = plan(day(0), day(2), staff);
    for offset in 0..3 {
        input.cover.push(cover(day(offset), "D", 1, 2));
        // K on day 1 has no cover row: whoever works it is above the preferred count (0).
        if offset != 1 {
            input.cover.push(cover(day(offset), "K", 1, 1));
        }
        input.cover.push(cover(day(offset), "N", 1, 1));
        input.cover.push(cover(day(offset), "BV", 0, 1));
    }
    input.requests = vec![
        request(31, 1, day(0), Some("D"), RequestKind::Want, 3),
        request(32, 2, day(1), None, RequestKind::Avoid, 2),
        request(33, 3, day(2), Some("D"), RequestKind::Want, 4),
        request(34, 4, day(0), None, RequestKind::Want, 1),
    ];
    input.replan = Some(Replan {
        published: vec![
            assign(day(0), "D", id(1)),
            assign(day(0), "K", id(2)),
            assign(day(0), "N", id(3)),
            assign(day(2), "N", id(1)),
            assign(day(1), "D", id(2)),
        ],
        freeze_before: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
    });
    let roster = vec![
        Assignment { pinned: true, ..assign(day(0), "D", id(1)) },
        assign(day(0), "K", id(2)),
        assign(day(0), "N", id(3)),
        assign(day(0), "BV", id(4)),
        assign(day(1), "D", id(2)),
        assign(day(1), "K", id(1)),
        assign(day(1), "N", id(4)),
        assign(day(2), "D", id(1)),
        assign(day(2), "K", id(4)),
        assign(day(2), "N", id(2)),
        assign(day(2), "BV", id(3)),
    ];
    (input, roster)
}

#[test]
fn explain_and_the_scheduler_evaluator_agree_where_both_apply() {
    let (mut input, roster) = small_plan();
    input.rules.weights.fairness_deviation = 0;
    let explanation = explain(&input, &roster).unwrap();
    assert_eq!(explanation.score.hard_violations, 0, "{:#?}", explanation.violations);
    let compiled = compile(&input).unwrap();
    let conversion = compiled.roster_from_assignments(&roster).unwrap();
    assert!(conversion.unrepresentable.is_empty());
    let evaluation = evaluate(compiled.model(), &conversion.roster).unwrap();
    assert!(evaluation.is_feasible(), "{:?}", evaluation.hard_violations);
    assert_eq!(evaluation.cost_of(SoftKind::CoverBelowMinimum), 0);
    assert_eq!(evaluation.cost_of(SoftKind::Supervision), 0);
    assert_eq!(explanation.score.objective, evaluation.objective);

    // Term by term.
    let sum = |kinds: &[ConstraintKind]| -> i64 {
        explanation
            .violations
            .iter()
            .filter(|violation| kinds.contains(&violation.kind))
            .map(|v| v.cost)
            .sum()
    };
    assert_eq!(
        sum(&[ConstraintKind::CoverBelowPreferred]),
        evaluation.cost_of(SoftKind::CoverBelowPreferred)
    );
    assert_eq!(
        sum(&[ConstraintKind::CoverAbovePreferred]),
        evaluation.cost_of(SoftKind::CoverAbovePreferred)
    );
    // A published assignment that moved is an "on" request in the model; work on a day the
    // published roster left free an "off" request.
    let published = &input.replan.as_ref().unwrap().published;
    let (moved, added): (Vec<_>, Vec<_>) =
        explanation.of_kind(ConstraintKind::ChangeFromPublished).partition(|v| {
            published.iter().any(|p| {
                Some(p.staff_id) == v.staff_id && v.shift_id.as_deref() == Some(p.shift_id().as_str())
            })
        });
    let cost =
        |violations: &[&allmenn_legevakt::explain::Violation]| violations.iter().map(|v| v.cost).sum::<i64>();
    assert_eq!(
        sum(&[ConstraintKind::RequestWant]) + cost(&moved),
        evaluation.cost_of(SoftKind::ShiftOnRequest)
    );
    assert_eq!(
        sum(&[ConstraintKind::RequestAvoid]) + cost(&added),
        evaluation.cost_of(SoftKind::ShiftOffRequest)
    );
    // The expected terms: D below preferred on three days and BV on day 1 (4 × 100), K above
    // preferred on day 1 (50), the avoid request of doctor 2 (2 × 10), the want request of
    // doctor 3 (4 × 10), the published N of doctor 1 on day 2 moved (1000), and six people working
    // on days the published roster left them free (6 × 1000).
    assert_eq!(explanation.score.objective, 400 + 50 + 20 + 40 + 1000 + 6 * 1000);
    assert_eq!((moved.len(), added.len()), (1, 6));
    // The costs add up by person and by day.
    let by_staff: i64 = explanation.staff_costs.iter().map(|cost| cost.cost).sum();
    assert_eq!(by_staff + explanation.cost_without_staff, explanation.score.objective);
    let by_day: i64 = explanation.day_costs.iter().map(|cost| cost.cost).sum();
    assert_eq!(by_day + explanation.cost_without_day, explanation.score.objective);

    // With fairness the two differ only in the fairness term, which the model rounds once per
    // profession rather than per person.
    input.rules.weights.fairness_deviation = 1;
    let explanation = explain(&input, &roster).unwrap();
    let compiled = compile(&input).unwrap();
    let evaluation =
        evaluate(compiled.model(), &compiled.roster_from_assignments(&roster).unwrap().roster).unwrap();
    let fairness: i64 = explanation.of_kind(ConstraintKind::Fairness).map(|violation| violation.cost).sum();
    assert!(fairness > 0);
    assert_eq!(
        explanation.score.objective - fairness,
        evaluation.objective - evaluation.cost_of(SoftKind::Fairness)
    );
    assert!((fairness - evaluation.cost_of(SoftKind::Fairness)).abs() <= input.staff.len() as i64);
}

#[test]
fn rosters_and_assignments_round_trip() {
    let (input, roster) = small_plan();
    let compiled = compile(&input).unwrap();
    let conversion = compiled.roster_from_assignments(&roster).unwrap();
    let back = compiled.assignments_from_roster(&conversion.roster, &roster).unwrap();
    let mut expected = roster.clone();
    expected.sort();
    assert_eq!(back, expected);
    assert!(
        back.iter()
            .find(|assignment| assignment.staff_id == id(1) && assignment.date == day(0))
            .unwrap()
            .pinned
    );
    // The other direction.
    let again = compiled.roster_from_assignments(&back).unwrap();
    assert_eq!(again.roster, conversion.roster);
    // A second shift starting the same day is reported, not silently lost.
    let mut doubled = roster.clone();
    doubled.push(assign(day(1), "BV", id(3)));
    doubled.push(assign(day(1), "N", id(3)));
    let conversion = compiled.roster_from_assignments(&doubled).unwrap();
    assert_eq!(conversion.unrepresentable.len(), 1);
    assert!(compiled.roster_from_assignments(&[assign(day(9), "D", id(1))]).is_err());
    assert!(compiled.roster_from_assignments(&[assign(day(0), "D", id(99))]).is_err());
}

#[test]
fn fairness_targets_share_the_points_worked_and_the_model_costs_them_alike() {
    let mut input = district();
    input.staff[0].fairness_balance = 30.0;
    input.staff[1].fairness_balance = -30.0;
    input.staff[2].participation_percentage = 50;
    let never = AtomicBool::new(false);
    let outcome = solve(&input, &settings(3, 30_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    let explanation = &outcome.explanation;
    let totals = &explanation.totals;
    // The targets share the points the roster hands out, up to those the cover asks for.
    let points: f64 = totals.iter().map(|totals| totals.fairness_points).sum();
    let planned = planned_points(&explanation.occurrences)[&Profession::Doctor];
    let targets: f64 = totals.iter().map(|totals| totals.target_points).sum();
    assert!(points > 0.0 && (targets - points.min(planned)).abs() < 1e-6, "{targets} against {points}");
    // The doctor aged 61 is exempt for the whole period and gets no target.
    assert_eq!(totals[5].target_points, 0.0);
    // A positive balance lowers the target, a negative one raises it, half a share halves it.
    let plain = totals[3].target_points;
    assert!((totals[0].target_points - (plain - 30.0)).abs() < 1e-6);
    assert!((totals[1].target_points - (plain + 30.0)).abs() < 1e-6);
    assert!((totals[2].target_points - plain / 2.0).abs() < 1e-6);
    assert!((totals[0].fair_share_points - plain).abs() < 1e-6, "the plain share leaves the balance out");

    // A balance too large for any target counts in the model as no share: the target is zero.
    let mut generous = input.clone();
    generous.staff[4].fairness_balance = 10_000.0;
    let model = compile(&generous).unwrap().model().clone();
    assert_eq!(model.fairness_account(4), (0, 0));
    assert_eq!(model.fairness_account(3), (1000, 0));

    // The model costs the same deviations, in tenths and with one rounding per pool.
    let compiled = compile(&input).unwrap();
    let roster = compiled.roster_from_assignments(&outcome.assignments).unwrap().roster;
    let model_cost = evaluate(compiled.model(), &roster).unwrap().cost_of(SoftKind::Fairness);
    let explained_cost: i64 =
        explanation.of_kind(ConstraintKind::Fairness).map(|violation| violation.cost).sum();
    assert!(
        (model_cost - explained_cost).abs() <= input.staff.len() as i64,
        "model {model_cost}, explain {explained_cost}"
    );
}

fn settings(seed: u64, iterations: u64, mode: SolveMode) -> SolveSettings {
    SolveSettings { mode, seed, time_limit: None, max_iterations: Some(iterations), threads: 1 }
}

/// Every cost is a penalty, so a roster that costs nothing is optimal and the solve ends there,
/// saying so; a roster with a cost and no bound that meets it is never called optimal.
#[test]
fn only_a_roster_at_a_proven_bound_is_called_optimal() {
    let mut input = district();
    input.rules.weights.fairness_deviation = 0;
    let never = AtomicBool::new(false);
    let outcome = solve(&input, &settings(2, 400_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    assert_eq!(outcome.explanation.score.objective, 0, "{:?}", outcome.explanation.score);
    assert_eq!(outcome.stop_reason, StopReason::ProvenOptimal);
    assert!(outcome.iterations < 400_000, "the run ends at the bound");
    assert!(outcome.proven_optimal());

    // Nine doctors preferred on the first day shift, of eight on the staff: a cost no roster avoids,
    // and with fairness weighed no bound is proven.
    let mut input = district();
    input.cover.retain(|cover| !(cover.date == day(0) && cover.shift_code == "D"));
    input.cover.push(cover(day(0), "D", 1, 9));
    let outcome = solve(&input, &settings(2, 20_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    assert!(outcome.explanation.score.objective > 0);
    assert_ne!(outcome.stop_reason, StopReason::ProvenOptimal);
    assert!(!outcome.proven_optimal());
}

#[test]
fn a_small_district_solves_to_zero_hard_violations_deterministically() {
    let input = district();
    let never = AtomicBool::new(false);
    let mut reports = 0;
    let first =
        solve(&input, &settings(7, 150_000, SolveMode::FromScratch), &never, &mut |_| reports += 1).unwrap();
    let explanation = &first.explanation;
    assert_eq!(
        explanation.score.hard_violations,
        0,
        "{:#?}",
        explanation.hard_violations().collect::<Vec<_>>()
    );
    assert!(reports > 0);
    // Every D, K and N is staffed, nobody exempt works, and juniors always have a bakvakt.
    for offset in 0..14 {
        for code in ["D", "K", "N"] {
            let staffed =
                first.assignments.iter().filter(|a| a.date == day(offset) && a.shift_code == code).count();
            assert_eq!(staffed, 1, "{code} on {}", day(offset));
        }
    }
    assert!(first.assignments.iter().all(|assignment| assignment.staff_id != id(6)));
    assert!(
        first.assignments.iter().any(|assignment| assignment.staff_id == id(7)),
        "juniors take shifts too"
    );
    assert_eq!(
        explanation.totals.iter().map(|totals| totals.shifts).sum::<u32>() as usize,
        first.assignments.len()
    );
    let second = solve(&input, &settings(7, 150_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    assert_eq!(first.assignments, second.assignments);
}

#[test]
fn replanning_keeps_frozen_shifts_and_moves_only_what_must_move() {
    let mut input = district();
    let never = AtomicBool::new(false);
    let published =
        solve(&input, &settings(3, 150_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    assert_eq!(published.explanation.score.hard_violations, 0);
    // Someone with shifts in the second week falls ill from Tuesday 10 to Thursday 12 March.
    let sick_start = Oslo.with_ymd_and_hms(2026, 3, 10, 0, 0, 0).unwrap().with_timezone(&Utc);
    let sick_end = Oslo.with_ymd_and_hms(2026, 3, 13, 0, 0, 0).unwrap().with_timezone(&Utc);
    // Shifts starting before Monday 9 March at noon are frozen. The one who falls ill has shifts
    // in the span, none of them frozen (a frozen shift keeps its holder even when they are ill,
    // so a 24-hour bakvakt from Monday 08:00 could not be mended).
    let freeze = Oslo.with_ymd_and_hms(2026, 3, 9, 12, 0, 0).unwrap().with_timezone(&Utc);
    let occurrences = input.occurrences_by_id().unwrap();
    let sick = (1..=8)
        .map(id)
        .find(|staff| {
            let mut in_span = published.assignments.iter().filter(|assignment| {
                let occurrence = &occurrences[&assignment.shift_id()];
                assignment.staff_id == *staff && occurrence.start < sick_end && sick_start < occurrence.end
            });
            let first = in_span.next();
            first.is_some()
                && first.into_iter().chain(in_span).all(|a| occurrences[&a.shift_id()].start >= freeze)
        })
        .expect("someone works in the span, in shifts that are not frozen");
    let index = input.staff.iter().position(|member| member.id == sick).unwrap();
    input.staff[index].unavailability.push(Unavailability {
        start: sick_start,
        end: sick_end,
        reason: AbsenceReason::SickLeave,
    });
    input.replan = Some(Replan { published: published.assignments.clone(), freeze_before: freeze });
    input.assignments = published.assignments.clone();

    let before = explain(&input, &published.assignments).unwrap();
    assert!(before.of_kind(ConstraintKind::Unavailable).count() > 0);
    let replanned = solve(&input, &settings(5, 150_000, SolveMode::Replan), &never, &mut |_| {}).unwrap();
    let explanation = &replanned.explanation;
    assert_eq!(
        explanation.score.hard_violations,
        0,
        "{:#?}",
        explanation.hard_violations().collect::<Vec<_>>()
    );
    // Frozen shifts are exactly as published.
    let frozen = |assignments: &[Assignment]| -> Vec<Assignment> {
        assignments.iter().filter(|a| occurrences[&a.shift_id()].start < freeze).cloned().collect()
    };
    assert_eq!(frozen(&replanned.assignments), frozen(&published.assignments));
    // Each move is reported and costs the weight; there are few of them.
    let moved: Vec<&Assignment> = published
        .assignments
        .iter()
        .filter(|p| !replanned.assignments.iter().any(|a| a.same_slot(p)))
        .collect();
    // Work on a date the published roster left free is a change too: the replacements alone.
    let added: std::collections::BTreeSet<_> = replanned
        .assignments
        .iter()
        .filter(|a| !published.assignments.iter().any(|p| p.staff_id == a.staff_id && p.date == a.date))
        .map(|a| (a.staff_id, a.date))
        .collect();
    let reported = explanation.of_kind(ConstraintKind::ChangeFromPublished).count();
    assert_eq!(reported, moved.len() + added.len());
    assert!(!moved.is_empty() && moved.len() <= 8, "{} moves", moved.len());
    assert!(added.len() <= moved.len(), "{} added for {} moved", added.len(), moved.len());
    assert!(moved.iter().all(|assignment| occurrences[&assignment.shift_id()].start >= freeze));
}

#[test]
fn edits_and_swaps_report_what_they_add() {
    let (input, roster) = small_plan();
    // Doctor 3 ends a night at 08:00 on day 1: a D that day breaks rest.
    let edits = [Edit { kind: EditKind::Assign, date: day(1), shift_code: "D".into(), staff_id: id(3) }];
    let outcome = validate_edits(&input, &roster, &edits).unwrap();
    assert!(!outcome.is_acceptable());
    assert_eq!(outcome.added_hard_violations.len(), 1);
    assert_eq!(outcome.added_hard_violations[0].kind, ConstraintKind::Rest);
    assert_eq!(outcome.added_hard_violations[0].staff_id, Some(id(3)));
    assert!(outcome.assignments.iter().any(|a| a.staff_id == id(3) && a.date == day(1) && a.pinned));

    // Giving doctor 1's D on day 0 to the free doctor 5 is fine, but loses doctor 1's request.
    let outcome = validate_edits(&input, &roster, &hand_over((day(0), "D"), id(1), id(5))).unwrap();
    assert!(outcome.is_acceptable(), "{:?}", outcome.added_hard_violations);
    assert!(
        outcome
            .added_soft_violations
            .iter()
            .any(|v| v.kind == ConstraintKind::RequestWant && v.staff_id == Some(id(1)))
    );
    assert!(outcome.explanation.score.objective > outcome.score_before.objective);

    // A direct swap between doctor 1 (D on day 2) and doctor 4 (K on day 2) puts each on the
    // other's shift; doctor 1 then has K after their own K of day 1, which is fine.
    let swap = direct_swap((day(2), "D"), id(1), (day(2), "K"), id(4));
    let swapped = apply_edits(&input, &roster, &swap).unwrap();
    assert!(swapped.iter().any(|a| a.staff_id == id(4) && a.date == day(2) && a.shift_code == "D"));
    assert!(swapped.iter().any(|a| a.staff_id == id(1) && a.date == day(2) && a.shift_code == "K"));
    // Doctor 4 worked N on day 1 until 08:00: D at 08:00 on day 2 breaks rest.
    let outcome = validate_edits(&input, &roster, &swap).unwrap();
    assert_eq!(outcome.added_hard_for(&[id(1), id(4)]).len(), 1);

    // Unassigning someone who is not on the shift is an error.
    let wrong = [Edit { kind: EditKind::Unassign, date: day(0), shift_code: "D".into(), staff_id: id(5) }];
    assert!(validate_edits(&input, &roster, &wrong).is_err());
}

/// A roster published with an acknowledged violation has a doctor over the shift limit. Handing
/// her one more shift takes her further over it: that is a hard violation the hand-over adds,
/// though one of the same kind was there before. Taking a shift off her adds none.
#[test]
fn going_further_over_a_limit_is_a_violation_an_edit_adds() {
    let staff = (1..=3).map(|n| doctor(n, "Lege", &format!("Nummer{n}"), true)).collect();
    let mut input = plan(day(0), day(6), staff);
    input.staff[0].limits.max_shifts_per_period = Some(1);
    for offset in 0..7 {
        input.cover.push(cover(day(offset), "D", 1, 1));
    }
    let roster: Vec<Assignment> = (0..7)
        .map(|offset| {
            assign(
                day(offset),
                "D",
                id(if offset < 2 {
                    1
                } else if offset < 5 {
                    2
                } else {
                    3
                }),
            )
        })
        .collect();
    let before = explain(&input, &roster).unwrap();
    let over: Vec<_> = before.of_kind(ConstraintKind::MaxShifts).collect();
    assert_eq!((over.len(), over[0].excess), (1, 1), "two shifts against a limit of one");

    let further = hand_over((day(2), "D"), id(2), id(1));
    let outcome = validate_edits(&input, &roster, &further).unwrap();
    let added: Vec<_> = outcome.added_hard_for(&[id(1), id(2)]);
    assert_eq!(added.len(), 1, "{added:?}");
    assert_eq!((added[0].kind, added[0].excess), (ConstraintKind::MaxShifts, 2));

    let relief = hand_over((day(1), "D"), id(1), id(3));
    assert!(validate_edits(&input, &roster, &relief).unwrap().added_hard_for(&[id(1), id(3)]).is_empty());
}

#[test]
fn nurses_have_their_own_fairness_pool() {
    let mut input = plan(
        day(0),
        day(6),
        vec![doctor(1, "Ola", "Lege", true), nurse(2, "Siv", "Pleier"), nurse(3, "Tor", "Pleier")],
    );
    input.shift_types.push(shift_type(
        "SK",
        "Sykepleier kveld",
        time(16, 0),
        420,
        allmenn_legevakt::plan::ShiftCategory::Evening,
        allmenn_legevakt::plan::ShiftMode::OnSite,
        allmenn_legevakt::plan::ShiftRole::Nurse,
    ));
    for offset in 0..7 {
        input.cover.push(cover(day(offset), "K", 1, 1));
        input.cover.push(cover(day(offset), "SK", 1, 1));
    }
    // The doctor works every evening, the nurses four and three of theirs.
    let mut roster: Vec<Assignment> = (0..7).map(|offset| assign(day(offset), "K", id(1))).collect();
    roster.extend((0..7).map(|offset| assign(day(offset), "SK", id(if offset < 4 { 2 } else { 3 }))));
    let totals = explain(&input, &roster).unwrap().totals;
    // A district of nurses alone has a fairness pool too.
    let mut nurses_only = input.clone();
    nurses_only.staff.remove(0);
    nurses_only.staff.truncate(1);
    let compiled = compile(&nurses_only).unwrap();
    assert_eq!(compiled.model().fairness_pool(0), 1);
    // Evenings 16–23 from Monday to Thursday at the evening rate, Friday to Sunday at the weekend's.
    let week_of_evenings: f64 = 4.0 * 7.0 * 1.5 + 3.0 * 7.0 * 2.0;
    assert!((totals[0].target_points - week_of_evenings).abs() < 1e-6);
    assert!((totals[1].target_points - week_of_evenings / 2.0).abs() < 1e-6);
    assert!((totals[2].target_points - week_of_evenings / 2.0).abs() < 1e-6);
}

/// A junior's Sunday day shift is backed by the weekend bakvakt block from Friday 15:30 to Monday
/// 08:00: the model asks for that block, not for a second bakvakt on the Sunday.
#[test]
fn a_weekend_block_from_friday_backs_a_juniors_sunday() {
    let friday = date(2026, 3, 6);
    let staff = vec![
        doctor(1, "Nora", "Ny", false),
        doctor(2, "Ingrid", "Berg", true),
        doctor(3, "Ola", "Nordmann", true),
        doctor(4, "Kari", "Hansen", true),
    ];
    let mut input = plan(friday, date(2026, 3, 9), staff);
    input.shift_types.push(shift_type(
        "HBV",
        "Helgebakvakt",
        time(15, 30),
        3870,
        ShiftCategory::Weekend,
        ShiftMode::OnCall,
        ShiftRole::Bakvakt,
    ));
    let sunday = date(2026, 3, 8);
    input.cover.push(cover(friday, "HBV", 0, 1));
    for date in [date(2026, 3, 7), sunday] {
        input.cover.push(cover(date, "D", 1, 1));
    }
    input.requests = vec![request(1, 1, sunday, Some("D"), RequestKind::Want, 10)];
    // Over four days the block's points cannot be evened out, and fairness would hand the others
    // extra shifts; this test is about the bakvakt alone.
    input.rules.weights.fairness_deviation = 0;

    let compiled = compile(&input).unwrap();
    let (d, n, hbv) = (0, 2, 4);
    let rules = compiled.model().supervision();
    // Sunday's day shift, and its night, which ends as the block does.
    for supervised in [d, n] {
        assert!(
            rules.iter().any(|rule| rule.supervised_shift == supervised
                && rule.backup_shift == hbv
                && rule.backup_day_offset == 2
                && rule.days == [2]),
            "{rules:?}"
        );
    }
    let never = AtomicBool::new(false);
    let outcome = solve(&input, &settings(2, 30_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    let explanation = &outcome.explanation;
    assert_eq!(
        explanation.score.hard_violations,
        0,
        "{:?}",
        explanation.hard_violations().collect::<Vec<_>>()
    );
    assert!(
        outcome.assignments.iter().any(|a| a.staff_id == id(1) && a.date == sunday && a.shift_code == "D")
    );
    assert!(outcome.assignments.iter().any(|a| a.date == friday && a.shift_code == "HBV"));
    let weekend_bakvakt: Vec<&Assignment> =
        outcome.assignments.iter().filter(|a| a.shift_code == "BV" && a.date > friday).collect();
    assert!(weekend_bakvakt.is_empty(), "a second bakvakt: {weekend_bakvakt:?}");
}

/// Nights nobody may work stay open; the doctors' targets shrink with them, so that fairness does
/// not put extra doctors on evenings the cover does not ask for.
#[test]
fn an_unfilled_shift_puts_nobody_on_a_shift_beyond_the_cover() {
    let no_nights = |number: u128| Exemption {
        id: id(100 + number),
        reason: ExemptionReason::Health,
        categories: vec![ShiftCategory::Night],
        valid_from: day(0),
        valid_to: None,
    };
    let staff = (1..=3)
        .map(|number| StaffMember {
            exemptions: vec![no_nights(number)],
            ..doctor(number, "Lege", "Dag", true)
        })
        .collect();
    let mut input = plan(day(0), day(13), staff);
    for offset in 0..14 {
        input.cover.push(cover(day(offset), "K", 1, 1));
        input.cover.push(cover(day(offset), "N", 0, 1));
    }
    let never = AtomicBool::new(false);
    let outcome = solve(&input, &settings(5, 40_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    let explanation = &outcome.explanation;
    assert_eq!(explanation.score.hard_violations, 0);
    assert_eq!(explanation.of_kind(ConstraintKind::CoverBelowPreferred).count(), 14, "every night is open");
    let extra: Vec<&str> = explanation
        .of_kind(ConstraintKind::CoverAbovePreferred)
        .map(|violation| violation.message.as_str())
        .collect();
    assert!(extra.is_empty(), "{extra:?}");
    // The evenings' points are shared evenly: 14 evenings among three doctors.
    assert!(explanation.fairness.max_deviation < 12.0, "{}", explanation.fairness.max_deviation);
}

/// Sick and parental leave release a person from duty for their whole days, so the fair share
/// shrinks with them; a holiday only moves duty, and part of a day is still a day on duty.
#[test]
fn leave_that_releases_from_duty_lowers_the_fair_share() {
    let midnight =
        |offset: u64| Oslo.from_local_datetime(&day(offset).and_hms_opt(0, 0, 0).unwrap()).unwrap();
    let away = |first: u64, end: u64, reason: AbsenceReason| Unavailability {
        start: midnight(first).with_timezone(&Utc),
        end: midnight(end).with_timezone(&Utc),
        reason,
    };
    let staff = (1..=5).map(|number| doctor(number, "Lege", "Nummer", true)).collect();
    let mut input = plan(day(0), day(6), staff);
    for offset in 0..7 {
        input.cover.push(cover(day(offset), "K", 1, 1));
    }
    // Three whole days of sick leave, and an afternoon that leaves the day on duty.
    input.staff[0].unavailability.push(away(0, 3, AbsenceReason::SickLeave));
    input.staff[0].unavailability.push(Unavailability {
        start: (midnight(4) + chrono::Duration::hours(12)).with_timezone(&Utc),
        end: midnight(5).with_timezone(&Utc),
        reason: AbsenceReason::SickLeave,
    });
    input.staff[1].unavailability.push(away(0, 7, AbsenceReason::ParentalLeave));
    input.staff[2].unavailability.push(away(0, 3, AbsenceReason::Vacation));
    input.staff[3].unavailability.push(away(0, 3, AbsenceReason::Course));

    // The third doctor, on holiday for the first three days, works every evening.
    let roster: Vec<Assignment> = (0..7).map(|offset| assign(day(offset), "K", id(3))).collect();
    let explanation = explain(&input, &roster).unwrap();
    let targets: Vec<f64> = explanation.totals.iter().map(|totals| totals.target_points).collect();
    let total: f64 = explanation.totals.iter().map(|totals| totals.fairness_points).sum();
    // Shares in days: 4, 0, 7, 7 and 7.
    let per_day = total / 25.0;
    let expected = [4.0 * per_day, 0.0, 7.0 * per_day, 7.0 * per_day, 7.0 * per_day];
    for (person, (target, expected)) in targets.iter().zip(expected).enumerate() {
        assert!((target - expected).abs() < 1e-6, "person {person}: {target} against {expected}");
    }
}

#[test]
fn an_over_constrained_or_empty_plan_solves_to_its_violations() {
    let never = AtomicBool::new(false);
    // One doctor cannot staff D, K and N with two people each.
    let mut input = plan(day(0), day(2), vec![doctor(1, "Ola", "Alene", true)]);
    for offset in 0..3 {
        for code in ["D", "K", "N"] {
            input.cover.push(cover(day(offset), code, 2, 2));
        }
    }
    let outcome = solve(&input, &settings(1, 20_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    assert_eq!(outcome.explanation.of_kind(ConstraintKind::CoverBelowMinimum).count(), 9);
    assert!(!outcome.assignments.is_empty(), "the one doctor still works");
    assert!(outcome.explanation.of_kind(ConstraintKind::Rest).count() == 0);
    // No staff at all.
    input.staff.clear();
    let outcome = solve(&input, &settings(1, 20_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    assert!(outcome.assignments.is_empty());
    assert_eq!(outcome.explanation.score.hard_violations, 9);
    // Re-planning without a published roster is a bad request.
    let input = plan(day(0), day(2), vec![doctor(1, "Ola", "Alene", true)]);
    assert!(solve(&input, &settings(1, 1_000, SolveMode::Replan), &never, &mut |_| {}).is_err());
}

#[test]
fn pinned_assignments_survive_a_solve_from_scratch() {
    let mut input = district();
    input.assignments = vec![
        Assignment { pinned: true, ..assign(day(3), "N", id(7)) },
        Assignment { pinned: true, ..assign(day(3), "BV", id(2)) },
        // Not pinned: a solve from scratch may drop it.
        assign(day(4), "D", id(1)),
    ];
    let never = AtomicBool::new(false);
    let outcome = solve(&input, &settings(11, 100_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    assert!(!outcome.fixed_released);
    for pinned in input.assignments.iter().filter(|assignment| assignment.pinned) {
        let kept = outcome.assignments.iter().find(|assignment| assignment.same_slot(pinned));
        assert!(kept.is_some_and(|assignment| assignment.pinned), "{pinned:?}");
    }
    assert_eq!(outcome.explanation.score.hard_violations, 0);
}

/// Of two shifts starting the same day for one person, the model holds one: the pinned one, which
/// a solve then keeps, whatever the codes' order.
#[test]
fn a_pinned_shift_wins_its_day_over_an_unpinned_one() {
    let mut input = district();
    input.rules.min_rest_hours_on_site = 6;
    input.assignments =
        vec![assign(day(2), "D", id(1)), Assignment { pinned: true, ..assign(day(2), "N", id(1)) }];
    let compiled = compile(&input).unwrap();
    let conversion = compiled.roster_from_assignments(&input.assignments).unwrap();
    let n = compiled.shift_index("N").unwrap();
    assert_eq!(conversion.roster.get(compiled.employee_index(id(1)).unwrap(), 2), Some(n));
    assert_eq!(conversion.unrepresentable, vec![assign(day(2), "D", id(1))]);

    let never = AtomicBool::new(false);
    let outcome = solve(&input, &settings(4, 50_000, SolveMode::Improve), &never, &mut |_| {}).unwrap();
    assert!(
        outcome.assignments.iter().any(|a| a.pinned && a.same_slot(&input.assignments[1])),
        "the pinned night is kept"
    );
}

/// A Friday night holds the person on Saturday morning, and a Friday evening lies in the legevakt
/// weekend, so each uses up a weekend. The model counts them as explain does, and the optimiser keeps a doctor without weekends left off that night even
/// when she asks for it (a model that counted weekends by start dates alone granted the request).
#[test]
fn a_friday_night_counts_against_the_weekend_limit_in_the_model_too() {
    let staff = (1..=2).map(|n| doctor(n, "Lege", &format!("Nummer{n}"), true)).collect();
    let mut input = plan(day(0), day(6), staff);
    input.staff[0].limits.max_weekends_per_period = Some(0);
    input.cover.push(cover(day(4), "N", 1, 1));
    input.requests = vec![request(31, 1, day(4), Some("N"), RequestKind::Want, 5)];

    let compiled = compile(&input).unwrap();
    let held: Vec<u8> =
        compiled.model().shift_types().iter().map(|shift| shift.following_days_held).collect();
    // D 08–16 ends on its start date; K 16–23 does too, but on a Friday it lies in the legevakt
    // weekend and counts with the Saturday after it; N 23–08 and BV 08–08 hold the next date.
    assert_eq!(held, vec![0, 1, 1, 1]);

    let granted = vec![assign(day(4), "N", id(1))];
    assert_eq!(
        explain(&input, &granted).unwrap().hard_violations().map(|v| v.kind).collect::<Vec<_>>(),
        vec![ConstraintKind::MaxWeekends]
    );
    let roster = compiled.roster_from_assignments(&granted).unwrap().roster;
    let evaluation = evaluate(compiled.model(), &roster).unwrap();
    assert_eq!(
        evaluation.hard_violations.iter().map(|violation| violation.rule).collect::<Vec<_>>(),
        vec![HardRule::MaxWeekends]
    );
    // A Friday evening is weekend work; a Friday day shift is not.
    for (code, weekend) in [("K", true), ("D", false)] {
        let friday = vec![assign(day(4), "N", id(2)), assign(day(4), code, id(1))];
        let explained = explain(&input, &friday).unwrap().of_kind(ConstraintKind::MaxWeekends).count();
        let roster = compiled.roster_from_assignments(&friday).unwrap().roster;
        let evaluation = evaluate(compiled.model(), &roster).unwrap();
        let modelled = evaluation.hard_violations.iter().filter(|v| v.rule == HardRule::MaxWeekends).count();
        assert_eq!((explained, modelled), (usize::from(weekend), usize::from(weekend)), "{code}");
    }
    // Thursday's night ends on Friday morning: no weekend (Friday's night is left without cover).
    let thursday = vec![assign(day(3), "N", id(1))];
    assert_eq!(explain(&input, &thursday).unwrap().of_kind(ConstraintKind::MaxWeekends).count(), 0);
    let roster = compiled.roster_from_assignments(&thursday).unwrap().roster;
    assert!(evaluate(compiled.model(), &roster).unwrap().is_feasible());

    let never = AtomicBool::new(false);
    let outcome = solve(&input, &settings(3, 20_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    assert_eq!(outcome.explanation.score.hard_violations, 0, "{:?}", outcome.assignments);
    let night: Vec<_> =
        outcome.assignments.iter().filter(|a| a.date == day(4) && a.shift_code == "N").collect();
    assert_eq!(night.len(), 1);
    assert_eq!(night[0].staff_id, id(2));
}

/// The night limit binds a person's own nights: a doctor's is not shared with the nurses' night
/// type, which no doctor may work. Two doctors with three nights each cover six nights exactly;
/// a model that split each doctor's limit between N and SN allowed one N each.
#[test]
fn a_doctors_night_limit_is_not_spent_on_the_nurses_night() {
    let staff = vec![
        doctor(1, "Lege", "En", true),
        doctor(2, "Lege", "To", true),
        nurse(3, "Sykepleier", "En"),
        nurse(4, "Sykepleier", "To"),
    ];
    let mut input = plan(day(0), day(5), staff);
    input.shift_types.push(shift_type(
        "SN",
        "Sykepleier natt",
        time(23, 0),
        540,
        ShiftCategory::Night,
        ShiftMode::OnSite,
        ShiftRole::Nurse,
    ));
    input.rules.default_limits.max_night_shifts_per_period = Some(3);
    for offset in 0..6 {
        input.cover.push(cover(day(offset), "N", 1, 1));
        input.cover.push(cover(day(offset), "SN", 1, 1));
    }

    let compiled = compile(&input).unwrap();
    let codes: Vec<&str> = compiled.model().shift_types().iter().map(|shift| shift.code.as_str()).collect();
    let n = codes.iter().position(|code| *code == "N").unwrap();
    let sn = codes.iter().position(|code| *code == "SN").unwrap();
    let limits: Vec<(u32, u32)> = compiled
        .model()
        .employees()
        .iter()
        .map(|employee| (employee.max_shifts_per_type[n], employee.max_shifts_per_type[sn]))
        .collect();
    // Doctors: three N, and SN is closed to them by skill; nurses the other way round.
    assert_eq!(limits[0].0, 3);
    assert_eq!(limits[1].0, 3);
    assert_eq!(limits[2].1, 3);
    assert_eq!(limits[3].1, 3);
    assert!(
        compiled.approximation_notes().iter().all(|note| !note.contains("night-shift limit")),
        "each person may work one night type: the limit is exact"
    );

    let never = AtomicBool::new(false);
    let outcome = solve(&input, &settings(5, 60_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    assert_eq!(
        outcome.explanation.score.hard_violations,
        0,
        "{:#?}",
        outcome.explanation.hard_violations().collect::<Vec<_>>()
    );
}

/// Penalty weights may be set up to a million each. A doctor asking not to work, at a request
/// weight that makes the refusal cost more than the model's usual price of an uncovered minimum,
/// still works the only night nobody else can take: the model prices the hard rules above any
/// soft cost one assignment can carry.
#[test]
fn no_soft_weight_outweighs_a_minimum_cover() {
    let staff = vec![doctor(1, "Lege", "Eneste", true)];
    let mut input = plan(day(0), day(0), staff);
    input.cover.push(cover(day(0), "N", 1, 1));
    input.rules.weights.request_not_granted = 20_000;
    input.requests = vec![request(31, 1, day(0), None, RequestKind::Avoid, 10)];
    let refused = 20_000 * 10;
    assert!(refused > i64::from(allmenn_legevakt::compile::HARD_AS_SOFT_WEIGHT));

    let never = AtomicBool::new(false);
    let outcome = solve(&input, &settings(1, 5_000, SolveMode::FromScratch), &never, &mut |_| {}).unwrap();
    assert_eq!(outcome.explanation.score.hard_violations, 0, "{:?}", outcome.assignments);
    assert_eq!(outcome.assignments, vec![assign(day(0), "N", id(1))]);
    assert_eq!(outcome.explanation.score.objective, refused);
}
