//! Swaps of published legevakt shifts end to end, on SQLite and PostgreSQL: a direct swap, a
//! give-away and an open-pool claim, each applied by the planner's approval as a new published
//! version; and the refusals — declined, rejected, cancelled, acted on in the wrong state or by the
//! wrong person, breaking a hard rule, or overtaken by an earlier approval.
//!
//! Every test starts from the same small roster, built by hand with `EditShiftPlan` so that which
//! swap is allowed follows from the rules alone (no solver involved):
//!
//! | day | D (08–16) | M (12–20) | K (16–23) |
//! |-----|-----------|-----------|-----------|
//! | 0   | Aasen     | Berg      | Dahl      |
//! | 1   | Berg      | Dahl      | Eide      |
//! | 2   | Dahl      | Eide      | Aasen     |
//!
//! Fossum is a qualified doctor without shifts; Yngre is a doctor who may not work alone (and the
//! district has no bakvakt shift); Pleier is a nurse. Rest after an on-site shift is 8 hours.

use std::collections::BTreeMap;

use allmenn_client::{Client, ClientError, proto as pb};
use allmenn_tests::{TestServer, on_both_databases};
use tonic::Code;

fn date(day: chrono::NaiveDate) -> pb::Date {
    use chrono::Datelike;
    pb::Date {
        year: day.year(),
        month: i32::try_from(day.month()).unwrap(),
        day: i32::try_from(day.day()).unwrap(),
    }
}

/// The scenario of the module documentation, published as version 2 of its plan.
struct Scenario {
    plan_id: String,
    /// The first day of the three-day plan: a Monday more than a month ahead, so no shift has started.
    first_day: chrono::NaiveDate,
    aasen: String,
    berg: String,
    dahl: String,
    eide: String,
    fossum: String,
    yngre: String,
    pleier: String,
}

impl Scenario {
    /// The id of the shift of type `code` on day `day` of the plan.
    fn shift(&self, day: i64, code: &str) -> String {
        format!("{}.{code}", self.first_day + chrono::Duration::days(day))
    }
}

/// Adds a staff member and returns their id: a doctor who may work alone (a specialist with both
/// courses) or one who may not (14 months of clinical service), or a nurse.
async fn add_staff(
    client: &mut Client,
    district_id: &str,
    hpr: &str,
    family_name: &str,
    profession: pb::StaffProfession,
    may_work_alone: bool,
) -> String {
    let doctor = profession == pb::StaffProfession::Doctor;
    let member = if doctor {
        super::doctor(district_id, hpr, family_name, 1980, may_work_alone)
    } else {
        pb::StaffMember {
            district_id: district_id.into(),
            hpr_number: hpr.into(),
            given_name: "Sykepleier".into(),
            family_name: family_name.into(),
            profession: profession.into(),
            birth_date: Some(pb::Date { year: 1980, month: 6, day: 15 }),
            valid_from: Some(pb::Date { year: 2024, month: 1, day: 1 }),
            ..Default::default()
        }
    };
    let member = super::add_staff(client, member).await;
    if doctor {
        assert_eq!(member.may_work_alone, may_work_alone, "{family_name}");
    }
    member.id
}

async fn scenario(client: &mut Client) -> Scenario {
    let district = client
        .legevakt
        .create_legevakt_district(pb::CreateLegevaktDistrictRequest {
            request_id: String::new(),
            district: Some(pb::LegevaktDistrict {
                name: "Swapvik legevakt".into(),
                host_kommune_number: "3901".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    for (code, name, hours, length, category) in [
        ("D", "Dagvakt", 8, 480, pb::ShiftCategory::Day),
        ("M", "Mellomvakt", 12, 480, pb::ShiftCategory::Day),
        ("K", "Kveldsvakt", 16, 420, pb::ShiftCategory::Evening),
    ] {
        client
            .legevakt
            .create_shift_type(pb::CreateShiftTypeRequest {
                request_id: String::new(),
                shift_type: Some(pb::ShiftType {
                    district_id: district.id.clone(),
                    code: code.into(),
                    name: name.into(),
                    start_time: Some(pb::LocalTime { hours, minutes: 0 }),
                    length_minutes: length,
                    category: category.into(),
                    mode: pb::ShiftMode::OnSite.into(),
                    role: pb::ShiftRole::Doctor.into(),
                    ..Default::default()
                }),
            })
            .await
            .unwrap();
    }
    let aasen = add_staff(client, &district.id, "9700001", "Aasen", pb::StaffProfession::Doctor, true).await;
    let berg = add_staff(client, &district.id, "9700002", "Berg", pb::StaffProfession::Doctor, true).await;
    let dahl = add_staff(client, &district.id, "9700003", "Dahl", pb::StaffProfession::Doctor, true).await;
    let eide = add_staff(client, &district.id, "9700004", "Eide", pb::StaffProfession::Doctor, true).await;
    let fossum =
        add_staff(client, &district.id, "9700005", "Fossum", pb::StaffProfession::Doctor, true).await;
    let yngre = add_staff(client, &district.id, "9700006", "Yngre", pb::StaffProfession::Doctor, false).await;
    let pleier =
        add_staff(client, &district.id, "9700007", "Pleier", pb::StaffProfession::Nurse, false).await;

    let mut first_day = chrono::Utc::now().date_naive() + chrono::Duration::days(35);
    while chrono::Datelike::weekday(&first_day) != chrono::Weekday::Mon {
        first_day = first_day.succ_opt().unwrap();
    }
    // One person on each of D, M and K every day (holidays use Sunday's rows, the same).
    let mut template = pb::WeeklyCoverTemplate::default();
    for day_of_week in 1..=7 {
        for code in ["D", "M", "K"] {
            template.rows.push(pb::CoverTemplateRow {
                day_of_week,
                shift_type_code: code.into(),
                min_count: 1,
                preferred_count: 1,
            });
        }
    }
    let plan = client
        .legevakt
        .create_shift_plan(pb::CreateShiftPlanRequest {
            request_id: String::new(),
            plan: Some(pb::ShiftPlan {
                district_id: district.id.clone(),
                name: "Bytteuke".into(),
                start_date: Some(date(first_day)),
                end_date: Some(date(first_day + chrono::Duration::days(2))),
                ..Default::default()
            }),
            template: Some(pb::create_shift_plan_request::Template::CoverTemplate(template)),
        })
        .await
        .unwrap()
        .into_inner();
    let scenario = Scenario { plan_id: plan.id, first_day, aasen, berg, dahl, eide, fossum, yngre, pleier };
    let roster = [
        (0, "D", &scenario.aasen),
        (0, "M", &scenario.berg),
        (0, "K", &scenario.dahl),
        (1, "D", &scenario.berg),
        (1, "M", &scenario.dahl),
        (1, "K", &scenario.eide),
        (2, "D", &scenario.dahl),
        (2, "M", &scenario.eide),
        (2, "K", &scenario.aasen),
    ];
    let edited = client
        .legevakt
        .edit_shift_plan(pb::EditShiftPlanRequest {
            plan_id: scenario.plan_id.clone(),
            edits: roster
                .iter()
                .map(|(day, code, member)| pb::ShiftPlanEdit {
                    edit: Some(pb::shift_plan_edit::Edit::Assign(pb::ShiftAssignmentChange {
                        shift_id: scenario.shift(*day, code),
                        staff_member_id: (*member).clone(),
                    })),
                })
                .collect(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(edited.score.unwrap().hard_violations, 0, "the hand-made roster keeps every hard rule");
    let published = client
        .legevakt
        .publish_shift_plan(pb::PublishShiftPlanRequest {
            plan_id: scenario.plan_id.clone(),
            version: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(published.state, pb::ShiftPlanVersionState::Published as i32);
    let expected: BTreeMap<String, Vec<String>> = roster
        .iter()
        .map(|(day, code, member)| (scenario.shift(*day, code), vec![(*member).clone()]))
        .collect();
    assert_eq!(assignments(client, &scenario.plan_id, 2).await, expected);
    scenario
}

/// The people on each shift of a plan version, by shift id (0 = the newest version).
async fn assignments(client: &mut Client, plan_id: &str, version: i32) -> BTreeMap<String, Vec<String>> {
    let plan = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest {
            plan_id: plan_id.into(),
            version,
            view: pb::ShiftPlanView::Full.into(),
        })
        .await
        .unwrap()
        .into_inner();
    plan.shifts
        .into_iter()
        .map(|shift| {
            let mut people: Vec<String> =
                shift.assignments.into_iter().map(|assignment| assignment.staff_member_id).collect();
            people.sort();
            (shift.id, people)
        })
        .collect()
}

/// The plan's newest and newest published version numbers.
async fn versions(client: &mut Client, plan_id: &str) -> (i32, i32) {
    let plan = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest { plan_id: plan_id.into(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    (plan.latest_version, plan.published_version)
}

/// Asserts that the published roster is still version 2, as the scenario built it.
async fn assert_roster_unchanged(client: &mut Client, scenario: &Scenario) {
    assert_eq!(versions(client, &scenario.plan_id).await, (2, 2), "no version was added");
    let published = assignments(client, &scenario.plan_id, 0).await;
    assert_eq!(published, assignments(client, &scenario.plan_id, 2).await);
    assert_eq!(published[&scenario.shift(0, "D")], std::slice::from_ref(&scenario.aasen));
    assert_eq!(published[&scenario.shift(2, "K")], std::slice::from_ref(&scenario.aasen));
}

async fn propose(client: &mut Client, swap: pb::ShiftSwap) -> Result<pb::ShiftSwap, ClientError> {
    client
        .legevakt
        .create_shift_swap(pb::CreateShiftSwapRequest { request_id: String::new(), swap: Some(swap) })
        .await
        .map(tonic::Response::into_inner)
        .map_err(ClientError::from)
}

fn direct(
    scenario: &Scenario,
    requester: &str,
    offered: String,
    counterparty: &str,
    requested: String,
) -> pb::ShiftSwap {
    pb::ShiftSwap {
        plan_id: scenario.plan_id.clone(),
        kind: pb::ShiftSwapKind::Direct.into(),
        requester_staff_member_id: requester.into(),
        offered_shift_id: offered,
        counterparty_staff_member_id: counterparty.into(),
        requested_shift_id: requested,
        ..Default::default()
    }
}

fn give_away(scenario: &Scenario, requester: &str, offered: String, counterparty: &str) -> pb::ShiftSwap {
    pb::ShiftSwap {
        plan_id: scenario.plan_id.clone(),
        kind: pb::ShiftSwapKind::GiveAway.into(),
        requester_staff_member_id: requester.into(),
        offered_shift_id: offered,
        counterparty_staff_member_id: counterparty.into(),
        ..Default::default()
    }
}

fn open_pool(scenario: &Scenario, requester: &str, offered: String) -> pb::ShiftSwap {
    pb::ShiftSwap {
        plan_id: scenario.plan_id.clone(),
        kind: pb::ShiftSwapKind::OpenPool.into(),
        requester_staff_member_id: requester.into(),
        offered_shift_id: offered,
        ..Default::default()
    }
}

/// An action on a swap, with the person acting where the action needs one.
#[derive(Clone, Copy, Debug)]
enum Action<'a> {
    Accept(&'a str),
    Decline(&'a str),
    Claim(&'a str),
    Cancel(&'a str),
    Approve,
    Reject,
}

/// Acts on a swap; `etag` may be empty (an unconditional action).
async fn act(
    client: &mut Client,
    swap_id: &str,
    etag: &str,
    action: Action<'_>,
) -> Result<pb::ShiftSwap, ClientError> {
    let (swap_id, etag, request_id) = (swap_id.to_owned(), etag.to_owned(), String::new());
    let answer = match action {
        Action::Accept(by) => {
            let acting_staff_member_id = by.into();
            client
                .legevakt
                .accept_shift_swap(pb::AcceptShiftSwapRequest {
                    request_id,
                    swap_id,
                    etag,
                    acting_staff_member_id,
                })
                .await
        }
        Action::Decline(by) => {
            let acting_staff_member_id = by.into();
            client
                .legevakt
                .decline_shift_swap(pb::DeclineShiftSwapRequest {
                    request_id,
                    swap_id,
                    etag,
                    acting_staff_member_id,
                })
                .await
        }
        Action::Claim(by) => {
            let acting_staff_member_id = by.into();
            client
                .legevakt
                .claim_shift_swap(pb::ClaimShiftSwapRequest {
                    request_id,
                    swap_id,
                    etag,
                    acting_staff_member_id,
                })
                .await
        }
        Action::Cancel(by) => {
            let acting_staff_member_id = by.into();
            client
                .legevakt
                .cancel_shift_swap(pb::CancelShiftSwapRequest {
                    request_id,
                    swap_id,
                    etag,
                    acting_staff_member_id,
                })
                .await
        }
        Action::Approve => {
            let note = "godkjent".into();
            client
                .legevakt
                .approve_shift_swap(pb::ApproveShiftSwapRequest { request_id, swap_id, etag, note })
                .await
        }
        Action::Reject => {
            let note = "for mange kvelder på rad".into();
            client
                .legevakt
                .reject_shift_swap(pb::RejectShiftSwapRequest { request_id, swap_id, etag, note })
                .await
        }
    };
    answer.map(tonic::Response::into_inner).map_err(ClientError::from)
}

/// Asserts a FAILED_PRECONDITION refusal with the given ErrorInfo reason and returns the error.
#[track_caller]
fn assert_refused<T: std::fmt::Debug>(result: Result<T, ClientError>, reason: &str) -> ClientError {
    let error = match result {
        Ok(answer) => panic!("expected a refusal with {reason}, got {answer:?}"),
        Err(error) => error,
    };
    assert_eq!(error.code(), Some(Code::FailedPrecondition), "{error}");
    assert_eq!(error.reason(), Some(reason), "{error}");
    error
}

async fn get_swap(client: &mut Client, swap_id: &str) -> pb::ShiftSwap {
    client
        .legevakt
        .get_shift_swap(pb::GetShiftSwapRequest { swap_id: swap_id.into() })
        .await
        .unwrap()
        .into_inner()
}

async fn a_direct_swap_exchanges_two_shifts_in_a_new_published_version(server: &TestServer) {
    let mut client = server.client().await;
    let scenario = scenario(&mut client).await;
    let (offered, requested) = (scenario.shift(0, "D"), scenario.shift(1, "K"));
    let before = assignments(&mut client, &scenario.plan_id, 2).await;

    let swap = propose(
        &mut client,
        direct(&scenario, &scenario.aasen, offered.clone(), &scenario.eide, requested.clone()),
    )
    .await
    .unwrap();
    assert_eq!(swap.state, pb::ShiftSwapState::AwaitingCounterparty as i32);
    assert_eq!(swap.kind, pb::ShiftSwapKind::Direct as i32);
    assert_eq!(swap.applied_version, 0);
    // Undecided, it expires when the earlier of the two shifts starts: Monday's day shift.
    let plan = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest {
            plan_id: scenario.plan_id.clone(),
            version: 2,
            view: pb::ShiftPlanView::Full.into(),
        })
        .await
        .unwrap()
        .into_inner();
    let offered_shift = plan.shifts.iter().find(|shift| shift.id == offered).unwrap();
    assert_eq!(swap.expire_time, offered_shift.start_time);
    // Proposing changes nothing yet.
    assert_eq!(versions(&mut client, &scenario.plan_id).await, (2, 2));

    let accepted = act(&mut client, &swap.id, &swap.etag, Action::Accept(&scenario.eide)).await.unwrap();
    assert_eq!(accepted.state, pb::ShiftSwapState::AwaitingApproval as i32);
    assert_eq!(versions(&mut client, &scenario.plan_id).await, (2, 2), "accepting publishes nothing");
    // The etag read before the acceptance is stale.
    let stale = act(&mut client, &swap.id, &swap.etag, Action::Approve).await.unwrap_err();
    assert_eq!(stale.code(), Some(Code::Aborted), "{stale}");

    let approved = act(&mut client, &swap.id, &accepted.etag, Action::Approve).await.unwrap();
    assert_eq!(approved.state, pb::ShiftSwapState::Approved as i32);
    assert_eq!(approved.applied_version, 3);
    assert_eq!(approved.decision_note, "godkjent");
    assert_eq!(get_swap(&mut client, &swap.id).await.state, pb::ShiftSwapState::Approved as i32);

    // Version 3 is published with the two shifts changed hands and nothing else moved.
    assert_eq!(versions(&mut client, &scenario.plan_id).await, (3, 3));
    let after = assignments(&mut client, &scenario.plan_id, 0).await;
    assert_eq!(after[&offered], std::slice::from_ref(&scenario.eide));
    assert_eq!(after[&requested], std::slice::from_ref(&scenario.aasen));
    let mut expected = before.clone();
    expected.insert(offered.clone(), vec![scenario.eide.clone()]);
    expected.insert(requested.clone(), vec![scenario.aasen.clone()]);
    assert_eq!(after, expected);
    // The old version is kept as it was.
    assert_eq!(assignments(&mut client, &scenario.plan_id, 2).await, before);
    // The fairness ledger follows the roster in force: each person's points are those version 3
    // earns them (the plan is the district's only one), and the two who swapped moved.
    let earned = client
        .legevakt
        .get_shift_plan(pb::GetShiftPlanRequest {
            plan_id: scenario.plan_id.clone(),
            version: 3,
            view: pb::ShiftPlanView::Full.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .staff_totals;
    let earned_by = |member: &str| {
        earned
            .iter()
            .find(|totals| totals.staff_member_id == member)
            .map_or(0.0, |totals| totals.fairness_points)
    };
    let balances = client
        .legevakt
        .list_fairness_balances(pb::ListFairnessBalancesRequest {
            district_id: plan.district_id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .balances;
    let points_of = |member: &str| {
        balances
            .iter()
            .find(|balance| balance.staff_member_id == member)
            .map_or(0.0, |balance| balance.points_total)
    };
    for member in [&scenario.aasen, &scenario.eide, &scenario.berg] {
        assert!((points_of(member) - earned_by(member)).abs() < 1e-9, "{member}");
    }
    let earned_before = plan.staff_totals.clone();
    let before_of = |member: &str| {
        earned_before
            .iter()
            .find(|totals| totals.staff_member_id == member)
            .map_or(0.0, |totals| totals.fairness_points)
    };
    assert_ne!(
        before_of(&scenario.aasen),
        points_of(&scenario.aasen),
        "a day shift and an evening differ in points"
    );

    let listed = client
        .legevakt
        .list_shift_plan_versions(pb::ListShiftPlanVersionsRequest {
            plan_id: scenario.plan_id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .versions;
    let version = |number: i32| listed.iter().find(|version| version.version == number).unwrap();
    assert_eq!(version(3).state, pb::ShiftPlanVersionState::Published as i32);
    assert_eq!(version(3).source, pb::ShiftPlanVersionSource::Swap as i32);
    assert_eq!(version(3).swap_id, swap.id);
    assert_eq!(version(3).base_version, 2);
    assert_eq!(version(3).score.unwrap().hard_violations, 0);
    assert_eq!(version(2).state, pb::ShiftPlanVersionState::Superseded as i32);

    let diff = client
        .legevakt
        .diff_shift_plan_versions(pb::DiffShiftPlanVersionsRequest {
            plan_id: scenario.plan_id.clone(),
            from_version: 2,
            to_version: 3,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(diff.changes.iter().all(|change| change.shift_id == offered || change.shift_id == requested));
    let mut affected = diff.affected_staff_member_ids;
    affected.sort();
    let mut expected_affected = vec![scenario.aasen.clone(), scenario.eide.clone()];
    expected_affected.sort();
    assert_eq!(affected, expected_affected);

    // A decided swap is not decided again.
    assert_refused(act(&mut client, &swap.id, "", Action::Approve).await, "SWAP_STATE_INVALID");
    assert_refused(act(&mut client, &swap.id, "", Action::Reject).await, "SWAP_STATE_INVALID");
    assert_refused(
        act(&mut client, &swap.id, "", Action::Cancel(&scenario.aasen)).await,
        "SWAP_STATE_INVALID",
    );
    assert_eq!(versions(&mut client, &scenario.plan_id).await, (3, 3));
}

async fn an_open_pool_offer_goes_to_the_colleague_who_claims_it(server: &TestServer) {
    let mut client = server.client().await;
    let scenario = scenario(&mut client).await;
    let offered = scenario.shift(2, "K");
    let before = assignments(&mut client, &scenario.plan_id, 2).await;

    let offer = propose(&mut client, open_pool(&scenario, &scenario.aasen, offered.clone())).await.unwrap();
    assert_eq!(offer.state, pb::ShiftSwapState::Open as i32);
    assert!(offer.counterparty_staff_member_id.is_empty());
    let pool = client
        .legevakt
        .list_shift_swaps(pb::ListShiftSwapsRequest {
            plan_id: scenario.plan_id.clone(),
            states: vec![pb::ShiftSwapState::Open.into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .swaps;
    assert_eq!(pool.iter().map(|swap| swap.id.as_str()).collect::<Vec<_>>(), [offer.id.as_str()]);

    // Nobody accepts an open-pool offer; it is claimed. The requester cannot claim their own shift,
    // and a nurse cannot take a doctor's shift.
    assert_refused(act(&mut client, &offer.id, "", Action::Accept(&scenario.berg)).await, "NOT_SWAP_PARTY");
    assert_refused(act(&mut client, &offer.id, "", Action::Claim(&scenario.aasen)).await, "NOT_SWAP_PARTY");
    let nurse = assert_refused(
        act(&mut client, &offer.id, "", Action::Claim(&scenario.pleier)).await,
        "HARD_RULE_VIOLATED",
    );
    assert!(nurse.to_string().contains("nurse cannot staff a doctor shift"), "{nurse}");
    let still_open = get_swap(&mut client, &offer.id).await;
    assert_eq!(still_open.state, pb::ShiftSwapState::Open as i32, "a refused claim changes nothing");
    assert!(still_open.claimant_staff_member_id.is_empty());

    let claimed = act(&mut client, &offer.id, &still_open.etag, Action::Claim(&scenario.berg)).await.unwrap();
    assert_eq!(claimed.state, pb::ShiftSwapState::AwaitingApproval as i32);
    assert_eq!(claimed.claimant_staff_member_id, scenario.berg);
    // Claimed once, it is no longer in the pool: a second claim is refused.
    assert_refused(
        act(&mut client, &offer.id, "", Action::Claim(&scenario.fossum)).await,
        "SWAP_STATE_INVALID",
    );
    assert_refused(
        act(&mut client, &offer.id, "", Action::Claim(&scenario.berg)).await,
        "SWAP_STATE_INVALID",
    );
    assert_eq!(get_swap(&mut client, &offer.id).await.claimant_staff_member_id, scenario.berg);
    assert_eq!(versions(&mut client, &scenario.plan_id).await, (2, 2), "claiming publishes nothing");

    let approved = act(&mut client, &offer.id, &claimed.etag, Action::Approve).await.unwrap();
    assert_eq!(approved.state, pb::ShiftSwapState::Approved as i32);
    assert_eq!(approved.applied_version, 3);
    assert_eq!(versions(&mut client, &scenario.plan_id).await, (3, 3));
    let after = assignments(&mut client, &scenario.plan_id, 0).await;
    let mut expected = before;
    expected.insert(offered.clone(), vec![scenario.berg.clone()]);
    assert_eq!(after, expected, "Berg holds the shift; nothing else moved");

    let mine = client
        .legevakt
        .list_shift_swaps(pb::ListShiftSwapsRequest {
            plan_id: scenario.plan_id.clone(),
            staff_member_id: scenario.berg.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .swaps;
    assert_eq!(mine.len(), 1, "the claimant finds the swap among their own");
    assert_eq!(mine[0].state, pb::ShiftSwapState::Approved as i32);
}

async fn a_declined_swap_leaves_the_roster_unchanged(server: &TestServer) {
    let mut client = server.client().await;
    let scenario = scenario(&mut client).await;
    let swap = propose(
        &mut client,
        direct(&scenario, &scenario.aasen, scenario.shift(0, "D"), &scenario.eide, scenario.shift(1, "K")),
    )
    .await
    .unwrap();
    // Only the named colleague answers.
    assert_refused(act(&mut client, &swap.id, "", Action::Decline(&scenario.dahl)).await, "NOT_SWAP_PARTY");
    assert_refused(act(&mut client, &swap.id, "", Action::Accept(&scenario.aasen)).await, "NOT_SWAP_PARTY");
    // Nor may the planner decide before the colleague has.
    assert_refused(act(&mut client, &swap.id, "", Action::Approve).await, "SWAP_STATE_INVALID");

    let declined = act(&mut client, &swap.id, &swap.etag, Action::Decline(&scenario.eide)).await.unwrap();
    assert_eq!(declined.state, pb::ShiftSwapState::Declined as i32);
    assert_eq!(get_swap(&mut client, &swap.id).await.state, pb::ShiftSwapState::Declined as i32);
    assert_refused(
        act(&mut client, &swap.id, "", Action::Accept(&scenario.eide)).await,
        "SWAP_STATE_INVALID",
    );
    assert_refused(act(&mut client, &swap.id, "", Action::Approve).await, "SWAP_STATE_INVALID");
    assert_refused(
        act(&mut client, &swap.id, "", Action::Cancel(&scenario.aasen)).await,
        "SWAP_STATE_INVALID",
    );
    assert_roster_unchanged(&mut client, &scenario).await;
    assert_eq!(get_swap(&mut client, &swap.id).await.applied_version, 0);
}

async fn a_rejected_swap_leaves_the_roster_unchanged(server: &TestServer) {
    let mut client = server.client().await;
    let scenario = scenario(&mut client).await;
    let swap =
        propose(&mut client, give_away(&scenario, &scenario.aasen, scenario.shift(2, "K"), &scenario.berg))
            .await
            .unwrap();
    assert_eq!(swap.state, pb::ShiftSwapState::AwaitingCounterparty as i32);
    let accepted = act(&mut client, &swap.id, &swap.etag, Action::Accept(&scenario.berg)).await.unwrap();
    assert_eq!(accepted.state, pb::ShiftSwapState::AwaitingApproval as i32);
    let rejected = act(&mut client, &swap.id, &accepted.etag, Action::Reject).await.unwrap();
    assert_eq!(rejected.state, pb::ShiftSwapState::Rejected as i32);
    assert_eq!(rejected.decision_note, "for mange kvelder på rad");
    assert_eq!(rejected.applied_version, 0);
    assert_refused(act(&mut client, &swap.id, "", Action::Approve).await, "SWAP_STATE_INVALID");
    assert_refused(act(&mut client, &swap.id, "", Action::Reject).await, "SWAP_STATE_INVALID");
    assert_refused(
        act(&mut client, &swap.id, "", Action::Cancel(&scenario.aasen)).await,
        "SWAP_STATE_INVALID",
    );
    assert_eq!(get_swap(&mut client, &swap.id).await.state, pb::ShiftSwapState::Rejected as i32);
    assert_roster_unchanged(&mut client, &scenario).await;
}

async fn a_cancelled_swap_cannot_be_acted_on(server: &TestServer) {
    let mut client = server.client().await;
    let scenario = scenario(&mut client).await;

    // An open-pool offer withdrawn before anyone claims it.
    let offer =
        propose(&mut client, open_pool(&scenario, &scenario.aasen, scenario.shift(0, "D"))).await.unwrap();
    assert_refused(act(&mut client, &offer.id, "", Action::Cancel(&scenario.berg)).await, "NOT_SWAP_PARTY");
    let cancelled = act(&mut client, &offer.id, &offer.etag, Action::Cancel(&scenario.aasen)).await.unwrap();
    assert_eq!(cancelled.state, pb::ShiftSwapState::Cancelled as i32);
    assert_refused(
        act(&mut client, &offer.id, "", Action::Claim(&scenario.fossum)).await,
        "SWAP_STATE_INVALID",
    );
    assert_refused(act(&mut client, &offer.id, "", Action::Approve).await, "SWAP_STATE_INVALID");
    assert_refused(act(&mut client, &offer.id, "", Action::Reject).await, "SWAP_STATE_INVALID");
    assert_refused(
        act(&mut client, &offer.id, "", Action::Cancel(&scenario.aasen)).await,
        "SWAP_STATE_INVALID",
    );

    // A give-away withdrawn after the colleague accepted, while it awaits the planner.
    let swap =
        propose(&mut client, give_away(&scenario, &scenario.aasen, scenario.shift(0, "D"), &scenario.fossum))
            .await
            .unwrap();
    let accepted = act(&mut client, &swap.id, &swap.etag, Action::Accept(&scenario.fossum)).await.unwrap();
    assert_eq!(accepted.state, pb::ShiftSwapState::AwaitingApproval as i32);
    assert_refused(act(&mut client, &swap.id, "", Action::Cancel(&scenario.fossum)).await, "NOT_SWAP_PARTY");
    let cancelled =
        act(&mut client, &swap.id, &accepted.etag, Action::Cancel(&scenario.aasen)).await.unwrap();
    assert_eq!(cancelled.state, pb::ShiftSwapState::Cancelled as i32);
    assert_refused(act(&mut client, &swap.id, "", Action::Approve).await, "SWAP_STATE_INVALID");
    assert_refused(
        act(&mut client, &swap.id, "", Action::Accept(&scenario.fossum)).await,
        "SWAP_STATE_INVALID",
    );

    let cancelled_swaps = client
        .legevakt
        .list_shift_swaps(pb::ListShiftSwapsRequest {
            plan_id: scenario.plan_id.clone(),
            states: vec![pb::ShiftSwapState::Cancelled.into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .swaps;
    assert_eq!(cancelled_swaps.len(), 2);
    assert_roster_unchanged(&mut client, &scenario).await;
}

async fn swaps_that_break_a_hard_rule_or_a_holding_are_refused(server: &TestServer) {
    let mut client = server.client().await;
    let scenario = scenario(&mut client).await;
    let monday_day = scenario.shift(0, "D");

    // Monday's day shift (08–16) to each colleague who cannot take it, with the rule named.
    for (colleague, rule) in [
        (&scenario.pleier, "a nurse cannot staff a doctor shift"),
        (&scenario.yngre, "no qualified bakvakt for D"),
        // Berg works M (12–20) that Monday.
        (&scenario.berg, "overlaps"),
    ] {
        let refused = assert_refused(
            propose(&mut client, give_away(&scenario, &scenario.aasen, monday_day.clone(), colleague)).await,
            "HARD_RULE_VIOLATED",
        );
        assert!(refused.to_string().contains(rule), "{refused}");
    }
    // Dahl's Monday evening (16–23) to Aasen, who works until 16 that day: no rest between.
    let no_rest = assert_refused(
        propose(&mut client, give_away(&scenario, &scenario.dahl, scenario.shift(0, "K"), &scenario.aasen))
            .await,
        "HARD_RULE_VIOLATED",
    );
    assert!(no_rest.to_string().contains("rest after D"), "{no_rest}");
    // A direct swap that breaks the rest rule for the requester: Berg would work D and K on Tuesday.
    let requester_side = assert_refused(
        propose(
            &mut client,
            direct(&scenario, &scenario.berg, scenario.shift(0, "M"), &scenario.eide, scenario.shift(1, "K")),
        )
        .await,
        "HARD_RULE_VIOLATED",
    );
    assert!(requester_side.to_string().contains("rest after D"), "{requester_side}");

    // Shifts not held: the requester's offered one, or the colleague's requested one.
    assert_refused(
        propose(&mut client, give_away(&scenario, &scenario.berg, monday_day.clone(), &scenario.fossum))
            .await,
        "SHIFT_NOT_HELD",
    );
    assert_refused(
        propose(&mut client, open_pool(&scenario, &scenario.fossum, scenario.shift(1, "D"))).await,
        "SHIFT_NOT_HELD",
    );
    assert_refused(
        propose(
            &mut client,
            direct(&scenario, &scenario.aasen, monday_day.clone(), &scenario.eide, scenario.shift(0, "K")),
        )
        .await,
        "SHIFT_NOT_HELD",
    );

    let stored = client
        .legevakt
        .list_shift_swaps(pb::ListShiftSwapsRequest {
            plan_id: scenario.plan_id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .swaps;
    assert!(stored.is_empty(), "no refused swap is stored: {stored:?}");
    assert_roster_unchanged(&mut client, &scenario).await;
}

/// Each swap is valid on the roster it was proposed on; approval validates again on the roster in
/// force, which an earlier approval may have changed.
async fn approval_validates_against_the_roster_then_in_force(server: &TestServer) {
    let mut client = server.client().await;
    let scenario = scenario(&mut client).await;
    let (monday_day, monday_evening) = (scenario.shift(0, "D"), scenario.shift(0, "K"));
    let mut accepted = Vec::new();
    for (requester, shift, colleague) in [
        (&scenario.aasen, &monday_day, &scenario.eide),
        // Alone, Eide can take Monday evening too; after the first swap she would work 08–16 and 16–23.
        (&scenario.dahl, &monday_evening, &scenario.eide),
        // Fossum can take Monday's day shift as long as Aasen still holds it.
        (&scenario.aasen, &monday_day, &scenario.fossum),
    ] {
        let swap =
            propose(&mut client, give_away(&scenario, requester, shift.clone(), colleague)).await.unwrap();
        let swap = act(&mut client, &swap.id, &swap.etag, Action::Accept(colleague)).await.unwrap();
        assert_eq!(swap.state, pb::ShiftSwapState::AwaitingApproval as i32);
        accepted.push(swap);
    }

    let first = act(&mut client, &accepted[0].id, &accepted[0].etag, Action::Approve).await.unwrap();
    assert_eq!(first.applied_version, 3);
    let published = assignments(&mut client, &scenario.plan_id, 0).await;
    assert_eq!(published[&monday_day], std::slice::from_ref(&scenario.eide));

    let no_rest =
        assert_refused(act(&mut client, &accepted[1].id, "", Action::Approve).await, "HARD_RULE_VIOLATED");
    assert!(no_rest.to_string().contains("rest after D"), "{no_rest}");
    assert_refused(act(&mut client, &accepted[2].id, "", Action::Approve).await, "SHIFT_NOT_HELD");

    // The refused approvals change neither the swaps nor the roster.
    for swap in &accepted[1..] {
        let stored = get_swap(&mut client, &swap.id).await;
        assert_eq!(stored.state, pb::ShiftSwapState::AwaitingApproval as i32);
        assert_eq!(stored.applied_version, 0);
    }
    assert_eq!(versions(&mut client, &scenario.plan_id).await, (3, 3));
    assert_eq!(assignments(&mut client, &scenario.plan_id, 0).await, published);
    // The planner can still reject what can no longer be approved.
    let rejected = act(&mut client, &accepted[2].id, "", Action::Reject).await.unwrap();
    assert_eq!(rejected.state, pb::ShiftSwapState::Rejected as i32);
}

on_both_databases!(
    a_direct_swap_exchanges_two_shifts_in_a_new_published_version,
    an_open_pool_offer_goes_to_the_colleague_who_claims_it,
    a_declined_swap_leaves_the_roster_unchanged,
    a_rejected_swap_leaves_the_roster_unchanged,
    a_cancelled_swap_cannot_be_acted_on,
    swaps_that_break_a_hard_rule_or_a_holding_are_refused,
    approval_validates_against_the_roster_then_in_force,
);
