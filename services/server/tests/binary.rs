//! The `allmenn-server` binary as a user runs it: `--demo` on a fresh SQLite file, a generic
//! reflection-based client that discovers the services unconfigured, a look-up of a demo resident's
//! GP, INVALID_ARGUMENT for a malformed number, and a clean exit on SIGTERM.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use allmenn_proto::v1::{self as pb, patient_list_service_client::PatientListServiceClient};
use tokio_stream::StreamExt;
use tonic_reflection::pb::v1::{
    ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
    server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
};

struct RunningServer {
    child: Child,
    address: String,
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary with `--demo` on port 0 and reads the address from its start-up banner.
fn start_demo_server(database: &std::path::Path) -> RunningServer {
    let mut child = Command::new(env!("CARGO_BIN_EXE_allmenn-server"))
        .args(["--demo", "--listen", "127.0.0.1:0", "--database-url"])
        .arg(format!("sqlite://{}?mode=rwc", database.display()))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start allmenn-server");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    let address = loop {
        assert!(Instant::now() < deadline, "no start-up banner within two minutes");
        let line = lines.next().expect("the server exited before printing its banner").expect("read stdout");
        if let Some(rest) = line.split(" is up on ").nth(1) {
            break rest.split_whitespace().next().expect("address after 'is up on'").to_owned();
        }
    };
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    RunningServer { child, address }
}

async fn list_services(address: &str) -> Vec<String> {
    let channel = tonic::transport::Channel::from_shared(format!("http://{address}"))
        .expect("endpoint")
        .connect()
        .await
        .expect("connect");
    let mut reflection = ServerReflectionClient::new(channel);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection")
        .into_inner();
    let response = responses.next().await.expect("one answer").expect("reflection answer");
    match response.message_response {
        Some(MessageResponse::ListServicesResponse(list)) => {
            list.service.into_iter().map(|service| service.name).collect()
        }
        other => panic!("unexpected reflection answer {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_server_is_discoverable_answers_and_stops_on_sigterm() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let mut server = start_demo_server(&directory.path().join("demo.db"));

    let mut services = list_services(&server.address).await;
    services.sort();
    assert_eq!(
        services,
        [
            "allmenn.v1.LegevaktService",
            "allmenn.v1.PatientListService",
            "allmenn.v1.TeamRosterService",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
        ]
    );

    let mut patient_lists =
        PatientListServiceClient::connect(format!("http://{}", server.address)).await.expect("connect");
    let page = patient_lists
        .list_contract_patients(pb::ListContractPatientsRequest {
            contract_id: allmenn_server::demo::first_contract_id().to_string(),
            page_size: 3,
            ..Default::default()
        })
        .await
        .expect("demo list")
        .into_inner();
    assert_eq!(page.memberships.len(), 3);
    let contract = patient_lists
        .get_list_contract(pb::GetListContractRequest {
            contract_id: allmenn_server::demo::first_contract_id().to_string(),
        })
        .await
        .expect("demo contract")
        .into_inner();
    assert_eq!(page.total_size, contract.patient_count);
    assert!(page.total_size * 2 > contract.ceiling, "the demo list is well filled: {}", page.total_size);
    let answer = patient_lists
        .get_patient_gp(pb::GetPatientGpRequest {
            person_id: page.memberships[0].person_id.clone(),
            as_of: None,
        })
        .await
        .expect("demo resident has a GP")
        .into_inner();
    assert!(answer.responsible_doctor.is_some());

    let invalid = patient_lists
        .get_patient_gp(pb::GetPatientGpRequest { person_id: "12345678901".into(), as_of: None })
        .await
        .expect_err("a malformed number is refused");
    assert_eq!(invalid.code(), tonic::Code::InvalidArgument);

    // The demo legevakt district: doctors of mixed competence and ages, and nurses.
    let mut legevakt = allmenn_proto::v1::legevakt_service_client::LegevaktServiceClient::connect(format!(
        "http://{}",
        server.address
    ))
    .await
    .expect("connect");
    let district_id = allmenn_server::demo::legevakt_district_id().to_string();
    let staff = legevakt
        .list_staff_members(pb::ListStaffMembersRequest {
            district_id: district_id.clone(),
            page_size: 100,
            ..Default::default()
        })
        .await
        .expect("demo staff")
        .into_inner()
        .staff_members;
    let doctors: Vec<_> =
        staff.iter().filter(|member| member.profession == pb::StaffProfession::Doctor as i32).collect();
    assert!(doctors.len() >= 20);
    assert!(doctors.iter().any(|doctor| doctor.may_work_alone));
    assert!(doctors.iter().any(|doctor| !doctor.may_work_alone), "some doctors need a bakvakt");
    assert!(staff.iter().any(|member| member.profession == pb::StaffProfession::Nurse as i32));
    let exemptions = legevakt
        .list_exemptions(pb::ListExemptionsRequest { district_id, ..Default::default() })
        .await
        .expect("demo exemptions")
        .into_inner()
        .exemptions;
    assert!(exemptions.iter().any(|exemption| exemption.derived), "some doctors are 60 or over");

    // A long solve is running when SIGTERM arrives: it stops, keeps its best roster as a draft,
    // and the server still exits promptly.
    let next_month = chrono::Utc::now().date_naive() + chrono::Duration::days(30);
    let date = |day: chrono::NaiveDate| {
        use chrono::Datelike;
        pb::Date { year: day.year(), month: day.month() as i32, day: day.day() as i32 }
    };
    let plan = legevakt
        .create_shift_plan(pb::CreateShiftPlanRequest {
            plan: Some(pb::ShiftPlan {
                district_id: allmenn_server::demo::legevakt_district_id().to_string(),
                name: "Neste måned".into(),
                start_date: Some(date(next_month)),
                end_date: Some(date(next_month + chrono::Duration::days(13))),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("a plan on the demo district")
        .into_inner();
    let mut solve = legevakt
        .solve_shift_plan(pb::SolveShiftPlanRequest {
            plan_id: plan.id.clone(),
            time_limit: Some(prost_types::Duration { seconds: 600, nanos: 0 }),
            ..Default::default()
        })
        .await
        .expect("solve starts")
        .into_inner();
    let first = solve.message().await.expect("progress").expect("a first message").solve.expect("solve");
    assert_eq!(first.state, pb::SolveState::Running as i32);

    // SIGTERM: the server drains and exits successfully.
    let status = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = server.child.try_wait().expect("wait") {
            break exit;
        }
        assert!(Instant::now() < deadline, "server did not stop within 30 s of SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "clean exit after SIGTERM: {exit:?}");
    let mut last = first;
    while let Ok(Some(message)) = solve.message().await {
        last = message.solve.expect("solve");
    }
    assert_eq!(last.state, pb::SolveState::Cancelled as i32, "the solve stopped with the server");
    assert!(last.result_version > 1, "its best roster was kept as a draft");
}

#[test]
fn migrate_subcommand_prepares_an_empty_database() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = directory.path().join("migrated.db");
    let status = Command::new(env!("CARGO_BIN_EXE_allmenn-server"))
        .args(["migrate", "--database-url"])
        .arg(format!("sqlite://{}?mode=rwc", database.display()))
        .env("RUST_LOG", "warn")
        .status()
        .expect("run migrate");
    assert!(status.success());
    assert!(database.exists());
}
