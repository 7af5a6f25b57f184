//! `allmenn`: the admin command-line interface. It covers the patient-list slice that has landed
//! and a planner's legevakt round (create a plan, solve, explain, publish, export); further
//! commands follow each capability.

use std::process::ExitCode;

use allmenn_client::{Client, ClientError, proto};
use clap::{Parser, Subcommand};

/// Command-line access to an Allmenn server.
#[derive(Debug, Parser)]
#[command(name = "allmenn", version, about)]
struct Cli {
    /// Server address.
    #[arg(long, env = "ALLMENN_SERVER", default_value = "http://127.0.0.1:50051", global = true)]
    server: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Who is this resident's GP (today).
    PatientGp {
        /// Fødselsnummer or D-nummer.
        person_id: String,
    },
    /// A list contract with its ceiling and free places.
    Contract {
        /// List contract id.
        contract_id: String,
    },
    /// Legevakt shift plans.
    #[command(subcommand)]
    Legevakt(Legevakt),
}

#[derive(Debug, Subcommand)]
enum Legevakt {
    /// Creates a plan for a period; cover comes from the district's weekly template.
    CreatePlan {
        /// District id.
        district_id: String,
        /// Name shown to people, e.g. "Januar 2027".
        #[arg(long)]
        name: String,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        start: String,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        end: String,
    },
    /// Runs the optimiser and prints its progress (in the optimiser's own measure), then the
    /// result's exact score; the result is a new draft version. Ctrl-C stops the solve and keeps
    /// its best roster.
    Solve {
        /// Plan id.
        plan_id: String,
        /// How long to search.
        #[arg(long, default_value_t = 60)]
        seconds: i64,
        /// Seed, for a reproducible run.
        #[arg(long)]
        seed: Option<u64>,
        /// Re-plan the published version after an absence instead of solving from scratch.
        #[arg(long)]
        replan: bool,
    },
    /// Publishes a draft version (the newest unless given).
    Publish {
        /// Plan id.
        plan_id: String,
        /// Draft version; 0 = the newest.
        #[arg(long, default_value_t = 0)]
        version: i32,
        /// Publish even though the version breaks hard rules (e.g. cover that cannot be met).
        #[arg(long)]
        acknowledge_violations: bool,
        /// A note kept with the version.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Why a version costs what it does: every violated rule (hard ones first, then by cost), and
    /// the costs per person.
    Explain {
        /// Plan id.
        plan_id: String,
        /// Version; 0 = the newest.
        #[arg(long, default_value_t = 0)]
        version: i32,
    },
    /// Writes a plan version as iCalendar, CSV or a printable HTML grid.
    Export {
        /// Plan id.
        plan_id: String,
        /// File format.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Version; 0 = the newest published.
        #[arg(long, default_value_t = 0)]
        version: i32,
        /// Only this staff member's shifts.
        #[arg(long, default_value = "")]
        staff: String,
        /// HTML: mark violated rules in the grid.
        #[arg(long)]
        violations: bool,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Ics,
    Csv,
    Html,
}

impl ExportFormat {
    fn proto(self) -> proto::ShiftPlanExportFormat {
        match self {
            ExportFormat::Ics => proto::ShiftPlanExportFormat::Icalendar,
            ExportFormat::Csv => proto::ShiftPlanExportFormat::Csv,
            ExportFormat::Html => proto::ShiftPlanExportFormat::Html,
        }
    }
}

/// Writes to standard output; a reader that has stopped reading (`allmenn ... | head`) is no error.
fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Local(format!("cannot write to standard output: {error}")))
        }
        _ => Ok(()),
    }
}

/// An explanation as text: the score, one line per violation (its cost, or "hard"; its date and
/// person where it has them), then the people with a cost.
fn explanation_text(
    explanation: &proto::ExplainShiftPlanResponse,
    names: &std::collections::HashMap<String, String>,
) -> String {
    use std::fmt::Write;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let score = explanation.score.unwrap_or_default();
    let mut text = format!("hard violations {}  objective {}\n", score.hard_violations, score.objective);
    for violation in &explanation.violations {
        let weight = if violation.hard { "hard".to_owned() } else { violation.cost.to_string() };
        let date = violation.date.map(|date| date_text(&date)).unwrap_or_default();
        let person = if violation.staff_member_id.is_empty() {
            String::new()
        } else {
            name(&violation.staff_member_id)
        };
        let _ = writeln!(text, "{weight:>6}  {date:<10}  {person:<24}  {}", violation.message);
    }
    let costly: Vec<_> =
        explanation.staff_costs.iter().filter(|cost| cost.cost > 0 || cost.hard_violations > 0).collect();
    if !costly.is_empty() {
        text.push_str("\nper person (hard violations, cost):\n");
        for cost in costly {
            let _ = writeln!(
                text,
                "  {:<24}  {:>3}  {:>6}",
                name(&cost.staff_member_id),
                cost.hard_violations,
                cost.cost
            );
        }
    }
    text
}

/// Full names of the staff of the plan's district, by staff member id.
async fn staff_names(
    client: &mut Client,
    plan_id: &str,
) -> Result<std::collections::HashMap<String, String>, Failure> {
    let plan = client
        .legevakt
        .get_shift_plan(proto::GetShiftPlanRequest { plan_id: plan_id.to_owned(), ..Default::default() })
        .await?
        .into_inner();
    let mut names = std::collections::HashMap::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .legevakt
            .list_staff_members(proto::ListStaffMembersRequest {
                district_id: plan.district_id.clone(),
                page_size: 500,
                page_token,
                ..Default::default()
            })
            .await?
            .into_inner();
        for member in page.staff_members {
            names.insert(member.id, format!("{} {}", member.given_name, member.family_name));
        }
        if page.next_page_token.is_empty() {
            return Ok(names);
        }
        page_token = page.next_page_token;
    }
}

/// `YYYY-MM-DD`.
fn date_text(date: &proto::Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year, date.month, date.day)
}

/// What went wrong: a call the server refused, or a local problem (a bad date, a file).
#[derive(Debug)]
enum Failure {
    Server(ClientError),
    Local(String),
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Self {
        Failure::Server(error)
    }
}

impl From<tonic::Status> for Failure {
    fn from(status: tonic::Status) -> Self {
        Failure::Server(ClientError::from(status))
    }
}

/// `YYYY-MM-DD` → a proto date; the server checks that the day exists.
fn date(field: &str, text: &str) -> Result<proto::Date, Failure> {
    let parts: Vec<_> = text.split('-').map(str::parse::<i32>).collect();
    match parts.as_slice() {
        [Ok(year), Ok(month), Ok(day)] => Ok(proto::Date { year: *year, month: *month, day: *day }),
        _ => Err(Failure::Local(format!("--{field} must be a date as YYYY-MM-DD, not {text:?}"))),
    }
}

fn seconds(duration: Option<&prost_types::Duration>) -> f64 {
    duration.map_or(0.0, |d| d.seconds as f64 + f64::from(d.nanos) / 1e9)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Local(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Server(error)) => {
            eprintln!("error: {error}");
            for violation in error.field_violations() {
                eprintln!("  {}: {}", violation.field, violation.description);
            }
            // Exit codes scripts can test: 2 bad input, 3 not found, 4 refused by a rule, 1 anything else.
            ExitCode::from(match error.code() {
                Some(tonic::Code::InvalidArgument) => 2,
                Some(tonic::Code::NotFound) => 3,
                Some(tonic::Code::FailedPrecondition) => 4,
                _ => 1,
            })
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let mut client = Client::connect(cli.server).await?;
    match cli.command {
        Command::PatientGp { person_id } => {
            let answer = client
                .patient_lists
                .get_patient_gp(proto::GetPatientGpRequest { person_id, ..Default::default() })
                .await?
                .into_inner();
            let contract = answer.contract.unwrap_or_default();
            match answer.responsible_doctor {
                Some(doctor) => println!(
                    "{} {} (HPR {}), list {} in kommune {}",
                    doctor.given_name,
                    doctor.family_name,
                    doctor.hpr_number,
                    contract.id,
                    contract.kommune_number
                ),
                None => println!("list {} has no permanent GP and no single vikar", contract.id),
            }
        }
        Command::Contract { contract_id } => {
            let contract = client
                .patient_lists
                .get_list_contract(proto::GetListContractRequest { contract_id })
                .await?
                .into_inner();
            println!(
                "list {} at office {} in kommune {}: {} of {} places taken, {} free, {}",
                contract.id,
                contract.office_organization_number,
                contract.kommune_number,
                contract.patient_count,
                contract.ceiling,
                contract.free_places,
                if contract.has_permanent_gp { "with a permanent GP" } else { "without a permanent GP" }
            );
        }
        Command::Legevakt(command) => legevakt(&mut client, command).await?,
    }
    Ok(())
}

async fn legevakt(client: &mut Client, command: Legevakt) -> Result<(), Failure> {
    match command {
        Legevakt::CreatePlan { district_id, name, start, end } => {
            let plan = proto::ShiftPlan {
                district_id,
                name,
                start_date: Some(date("start", &start)?),
                end_date: Some(date("end", &end)?),
                ..Default::default()
            };
            let plan = client
                .legevakt
                .create_shift_plan(proto::CreateShiftPlanRequest { plan: Some(plan), ..Default::default() })
                .await?
                .into_inner();
            println!("{}", plan.id);
        }
        Legevakt::Solve { plan_id, seconds: limit, seed, replan } => {
            let mode = if replan { proto::SolveMode::Replan } else { proto::SolveMode::FromScratch };
            let mut stream = client
                .legevakt
                .solve_shift_plan(proto::SolveShiftPlanRequest {
                    plan_id,
                    mode: mode.into(),
                    time_limit: Some(prost_types::Duration { seconds: limit, nanos: 0 }),
                    seed,
                    ..Default::default()
                })
                .await?
                .into_inner();
            let mut last = None;
            while let Some(message) = stream.message().await? {
                let Some(solve) = message.solve else { continue };
                let elapsed = seconds(solve.elapsed.as_ref());
                let running = solve.state == proto::SolveState::Running as i32;
                match &solve.best_score {
                    // The last message, with the result's exact score, is printed below.
                    _ if !running => {}
                    Some(score) => eprintln!(
                        "{elapsed:>6.1} s  objective {:>8}  hard violations {}",
                        score.objective, score.hard_violations
                    ),
                    None => eprintln!("{elapsed:>6.1} s  no roster yet"),
                }
                last = Some(solve);
            }
            let Some(solve) = last else {
                return Err(Failure::Local("the server ended the solve without a result".to_owned()));
            };
            let state = proto::SolveState::try_from(solve.state).unwrap_or(proto::SolveState::Unspecified);
            // Progress is the optimiser's own measure; the result's exact score closes it.
            if let Some(score) = solve.best_score.filter(|_| solve.result_version > 0) {
                eprintln!(
                    "{:>6.1} s  result: objective {}  hard violations {}{}",
                    seconds(solve.elapsed.as_ref()),
                    score.objective,
                    score.hard_violations,
                    if solve.proven_optimal { "  (proven optimal)" } else { "" }
                );
            }
            println!("solve {} {}: draft version {}", solve.id, state.as_str_name(), solve.result_version);
        }
        Legevakt::Publish { plan_id, version, acknowledge_violations, note } => {
            let published = client
                .legevakt
                .publish_shift_plan(proto::PublishShiftPlanRequest {
                    plan_id,
                    version,
                    acknowledge_violations,
                    note,
                    ..Default::default()
                })
                .await?
                .into_inner();
            println!("published version {}", published.version);
        }
        Legevakt::Explain { plan_id, version } => {
            let explanation = client
                .legevakt
                .explain_shift_plan(proto::ExplainShiftPlanRequest { plan_id: plan_id.clone(), version })
                .await?
                .into_inner();
            let names = staff_names(client, &plan_id).await?;
            write_stdout(explanation_text(&explanation, &names).as_bytes())?;
        }
        Legevakt::Export { plan_id, format, version, staff, violations, output } => {
            let file = client
                .legevakt
                .export_shift_plan(proto::ExportShiftPlanRequest {
                    plan_id,
                    version,
                    format: format.proto().into(),
                    staff_member_id: staff,
                    include_violations: violations,
                })
                .await?
                .into_inner()
                .file
                .unwrap_or_default();
            match output {
                Some(path) => std::fs::write(&path, &file.content)
                    .map_err(|error| Failure::Local(format!("cannot write {}: {error}", path.display())))?,
                None => write_stdout(&file.content)?,
            }
        }
    }
    Ok(())
}
