//! The `allmenn legevakt` commands against a real server with the demo district: a planner's round
//! from the command line, and the exit codes scripts rely on.

use std::process::{Command, Output};

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

    let created = allmenn(
        &server,
        &[
            "legevakt",
            "create-plan",
            &district,
            "--name",
            "Mars",
            "--start",
            "2027-03-01",
            "--end",
            "2027-03-14",
        ],
    )
    .await;
    let plan = stdout(&created).trim().to_owned();
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

fn tempfile_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("allmenn-cli-{}-{name}", std::process::id()))
}
