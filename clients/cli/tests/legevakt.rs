//! The `allmenn legevakt` commands against a real server with the demo district: a planner's round
//! from the command line (create, solve, explain, publish, export; then an absence, a re-plan, the
//! diff and a swap decision), and the exit codes scripts rely on.

use std::process::{Command, Output};

use allmenn_client::proto;
use allmenn_tests::TestServer;

async fn allmenn(server: &TestServer, args: &[&str]) -> Output {
    let endpoint = server.endpoint();
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    // The command blocks; run it off the runtime that serves the test server.
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_allmenn"))
            .arg("--server")
            .arg(endpoint)
            .args(args)
            .output()
            .expect("run the allmenn binary")
    })
    .await
    .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planner_creates_solves_publishes_and_exports_a_plan() {
    let server = TestServer::sqlite_with(|config| config.demo = true).await;
    let district = allmenn_server::demo::legevakt_district_id().to_string();

    let plan = create_plan(&server, &district).await;
    assert_eq!(plan.len(), 36, "prints the new plan's id: {plan}");

    let solved = allmenn(&server, &["legevakt", "solve", &plan, "--seconds", "2", "--seed", "5"]).await;
    let summary = stdout(&solved);
    assert!(summary.contains("SOLVE_STATE_SUCCEEDED"), "{summary}");
    let draft: i32 = summary.trim().rsplit(' ').next().unwrap().parse().unwrap();
    assert!(draft > 1, "the solve's roster is a new draft after the empty first version");
    let progress = String::from_utf8_lossy(&solved.stderr);
    assert!(progress.contains(" s  objective"), "progress is shown: {progress}");
    assert!(progress.contains("result: objective"), "the result's score closes it: {progress}");

    // The explanation as text: the server's score first, then a line per violation.
    let text = stdout(&allmenn(&server, &["legevakt", "explain", &plan]).await);
    let explanation = server
        .client()
        .await
        .legevakt
        .explain_shift_plan(allmenn_client::proto::ExplainShiftPlanRequest {
            plan_id: plan.clone(),
            version: 0,
        })
        .await
        .unwrap()
        .into_inner();
    let score = explanation.score.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(format!("hard violations {}  objective {}", score.hard_violations, score.objective).as_str())
    );
    let violation_lines = lines.take_while(|line| !line.is_empty()).count();
    assert_eq!(violation_lines, explanation.violations.len(), "{text}");

    let published = allmenn(&server, &["legevakt", "publish", &plan, "--acknowledge-violations"]).await;
    assert_eq!(stdout(&published).trim(), format!("published version {draft}"));

    let calendar = stdout(&allmenn(&server, &["legevakt", "export", &plan, "--format", "ics"]).await);
    assert!(calendar.starts_with("BEGIN:VCALENDAR\r\n") && calendar.contains("BEGIN:VEVENT"));
    let file = tempfile_path("grid.html");
    let written = allmenn(
        &server,
        &["legevakt", "export", &plan, "--format", "html", "--output", file.to_str().unwrap()],
    )
    .await;
    assert!(stdout(&written).is_empty());
    assert!(std::fs::read_to_string(&file).unwrap().contains("<table"));
    std::fs::remove_file(&file).unwrap();

    // Exit codes: 2 bad input (locally or from the server), 3 not found.
    let bad_date = allmenn(
        &server,
        &["legevakt", "create-plan", &district, "--name", "X", "--start", "1 March", "--end", "2027-03-14"],
    )
    .await;
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_date.stderr).contains("--start"));
    let reversed = allmenn(
        &server,
        &[
            "legevakt",
            "create-plan",
            &district,
            "--name",
            "X",
            "--start",
            "2027-03-14",
            "--end",
            "2027-03-01",
        ],
    )
    .await;
    assert_eq!(reversed.status.code(), Some(2));
    let unknown_plan = "0190a4a0-0000-7000-8000-000000000000";
    let missing = allmenn(&server, &["legevakt", "export", unknown_plan, "--format", "csv"]).await;
    assert_eq!(missing.status.code(), Some(3));
    server.stop().await;
}

/// Creates a plan over 1–14 March 2027 from the command line; its id, as printed.
async fn create_plan(server: &TestServer, district: &str) -> String {
    let args = [
        "legevakt",
        "create-plan",
        district,
        "--name",
        "Mars",
        "--start",
        "2027-03-01",
        "--end",
        "2027-03-14",
    ];
    stdout(&allmenn(server, &args).await).trim().to_owned()
}

/// Creates, solves and publishes a plan over 1–14 March 2027 from the command line; its id.
async fn published_plan(server: &TestServer, district: &str) -> String {
    let plan = create_plan(server, district).await;
    stdout(&allmenn(server, &["legevakt", "solve", &plan, "--seconds", "2", "--seed", "5"]).await);
    stdout(&allmenn(server, &["legevakt", "publish", &plan, "--acknowledge-violations"]).await);
    plan
}

/// Shifts of a version (0 = the newest) with the people on them: (shift id, date, code, staff ids).
async fn shifts(server: &TestServer, plan: &str, version: i32) -> Vec<(String, String, String, Vec<String>)> {
    let plan = server
        .client()
        .await
        .legevakt
        .get_shift_plan(proto::GetShiftPlanRequest {
            plan_id: plan.to_owned(),
            version,
            view: proto::ShiftPlanView::Full.into(),
        })
        .await
        .unwrap()
        .into_inner();
    plan.shifts
        .into_iter()
        .map(|shift| {
            let date = shift.date.unwrap();
            (
                shift.id,
                format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
                shift.shift_type_code,
                shift.assignments.into_iter().map(|assignment| assignment.staff_member_id).collect(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planner_records_an_absence_replans_and_decides_a_swap() {
    let server = TestServer::sqlite_with(|config| config.demo = true).await;
    let district = allmenn_server::demo::legevakt_district_id().to_string();
    let plan = published_plan(&server, &district).await;

    // The staff list gives the ids the other commands take, with names.
    let staff_text = stdout(&allmenn(&server, &["legevakt", "staff", &district]).await);
    let staff = server
        .client()
        .await
        .legevakt
        .list_staff_members(proto::ListStaffMembersRequest {
            district_id: district.clone(),
            page_size: 500,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .staff_members;
    assert_eq!(staff_text.lines().count(), staff.len());
    let name_of = |id: &str| {
        let member = staff.iter().find(|member| member.id == id).unwrap();
        format!("{} {}", member.given_name, member.family_name)
    };
    for member in &staff {
        assert!(staff_text.contains(&member.id) && staff_text.contains(&name_of(&member.id)));
    }

    // Someone on a shift of the published roster falls ill on that day.
    let published = shifts(&server, &plan, 0).await;
    let (shift_id, date, code, people) = published.iter().find(|shift| !shift.3.is_empty()).unwrap().clone();
    let absent = people[0].clone();
    let recorded = allmenn(
        &server,
        &["legevakt", "absence", &absent, "--from", &date, "--to", &date, "--reason", "sick-leave"],
    )
    .await;
    let recorded_text = stdout(&recorded);
    assert!(recorded_text.starts_with("unavailability "), "{recorded_text}");
    assert!(recorded_text.contains(&format!("holds {shift_id} in plan {plan}")), "{recorded_text}");
    assert!(String::from_utf8_lossy(&recorded.stderr).contains(&format!("solve {plan} --replan")));

    // The re-plan moves that shift to someone else; the diff says so and whom to tell.
    let replanned =
        stdout(&allmenn(&server, &["legevakt", "solve", &plan, "--replan", "--seconds", "2"]).await);
    assert!(replanned.contains("SOLVE_STATE_SUCCEEDED"), "{replanned}");
    let replanned_shifts = shifts(&server, &plan, 0).await;
    let now_on = &replanned_shifts.iter().find(|shift| shift.0 == shift_id).unwrap().3;
    assert!(!now_on.contains(&absent), "the absent doctor is off the shift: {now_on:?}");
    let diff = stdout(&allmenn(&server, &["legevakt", "diff", &plan]).await);
    let mut lines = diff.lines();
    assert!(lines.next().unwrap().starts_with("version "), "{diff}");
    let moved = format!("{date}  {code:<6}  {} -> ", name_of(&absent));
    assert!(diff.lines().any(|line| line.starts_with(&moved)), "{diff}");
    assert!(
        diff.lines().last().unwrap().starts_with("to tell: ") && diff.contains(&name_of(&absent)),
        "{diff}"
    );
    stdout(&allmenn(&server, &["legevakt", "publish", &plan, "--acknowledge-violations"]).await);
    let (_, published_version) = versions(&server, &plan).await;

    // A doctor gives a shift away; the colleague accepts (over gRPC, as their app would); the
    // planner sees it waiting and approves it from the command line.
    let mut client = server.client().await;
    let current = shifts(&server, &plan, 0).await;
    let mut pending = None;
    'search: for (offered, _, offered_code, holders) in current.iter().filter(|shift| shift.3.len() == 1) {
        if offered_code == "SK" {
            continue;
        }
        for taker in staff.iter().filter(|member| member.may_work_alone && member.id != holders[0]) {
            let swap = proto::ShiftSwap {
                plan_id: plan.clone(),
                kind: proto::ShiftSwapKind::GiveAway.into(),
                requester_staff_member_id: holders[0].clone(),
                offered_shift_id: offered.clone(),
                counterparty_staff_member_id: taker.id.clone(),
                ..Default::default()
            };
            let Ok(created) = client
                .legevakt
                .create_shift_swap(proto::CreateShiftSwapRequest {
                    request_id: String::new(),
                    swap: Some(swap),
                })
                .await
            else {
                continue;
            };
            let created = created.into_inner();
            let accepted = client
                .legevakt
                .accept_shift_swap(proto::AcceptShiftSwapRequest {
                    swap_id: created.id.clone(),
                    acting_staff_member_id: taker.id.clone(),
                    ..Default::default()
                })
                .await;
            if accepted.is_ok() {
                pending = Some((created.id, holders[0].clone(), taker.id.clone()));
                break 'search;
            }
        }
    }
    let (swap_id, giver, taker) = pending.expect("some colleague can take some shift");
    let listed = stdout(&allmenn(&server, &["legevakt", "swaps", &plan, "--pending"]).await);
    let line =
        listed.lines().find(|line| line.starts_with(&swap_id)).expect("the swap waits for the planner");
    assert!(line.contains("GIVE_AWAY") && line.contains("AWAITING_APPROVAL"), "{line}");
    assert!(line.contains(&format!("{} -> {}", name_of(&giver), name_of(&taker))), "{line}");
    let approved = stdout(&allmenn(&server, &["legevakt", "approve-swap", &swap_id, "--note", "ok"]).await);
    assert_eq!(approved.trim(), format!("approved: published version {}", published_version + 1));
    let all = stdout(&allmenn(&server, &["legevakt", "swaps", &plan]).await);
    assert!(all.lines().any(|line| line.starts_with(&swap_id) && line.contains("APPROVED")), "{all}");
    assert!(stdout(&allmenn(&server, &["legevakt", "swaps", &plan, "--pending"]).await).is_empty());

    // Edits by hand: a dry run stores nothing; pinning a doctor on a day shift is a new draft;
    // taking the only doctor off it leaves it below its minimum, a hard rule, and is refused.
    let current = shifts(&server, &plan, 0).await;
    let (day_shift, _, _, holders) = current
        .iter()
        .find(|shift| shift.2 == "D" && shift.3.len() == 1)
        .expect("a staffed day shift")
        .clone();
    let change = format!("{day_shift}={}", holders[0]);
    let (latest, _) = versions(&server, &plan).await;
    let dry = stdout(&allmenn(&server, &["legevakt", "edit", &plan, "--pin", &change, "--dry-run"]).await);
    assert!(dry.starts_with("valid, not stored: objective "), "{dry}");
    assert_eq!(versions(&server, &plan).await.0, latest);
    let pinned = stdout(&allmenn(&server, &["legevakt", "edit", &plan, "--pin", &change]).await);
    assert!(pinned.starts_with(&format!("draft version {}: objective ", latest + 1)), "{pinned}");
    let refused = allmenn(&server, &["legevakt", "edit", &plan, "--unassign", &change]).await;
    assert_eq!(refused.status.code(), Some(4), "{}", String::from_utf8_lossy(&refused.stderr));
    assert_eq!(versions(&server, &plan).await.0, latest + 1);
    let malformed = allmenn(&server, &["legevakt", "edit", &plan, "--assign", &day_shift]).await;
    assert_eq!(malformed.status.code(), Some(2));

    // Bad input and unknown ids keep their exit codes.
    let bad = allmenn(&server, &["legevakt", "absence", &absent, "--from", "tomorrow", "--to", &date]).await;
    assert_eq!(bad.status.code(), Some(2));
    let unknown = "0190a4a0-0000-7000-8000-000000000000";
    let missing = allmenn(&server, &["legevakt", "reject-swap", unknown, "--note", "no"]).await;
    assert_eq!(missing.status.code(), Some(3));
    server.stop().await;
}

/// The plan's newest and newest published version numbers.
async fn versions(server: &TestServer, plan: &str) -> (i32, i32) {
    let plan = server
        .client()
        .await
        .legevakt
        .get_shift_plan(proto::GetShiftPlanRequest { plan_id: plan.to_owned(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    (plan.latest_version, plan.published_version)
}

fn tempfile_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("allmenn-cli-{}-{name}", std::process::id()))
}
