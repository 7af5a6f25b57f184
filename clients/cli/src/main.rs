//! `allmenn`: the admin command-line interface. It covers the patient-list slice that has landed
//! and a planner's legevakt round: create a plan, solve, explain, publish, export; then record an
//! absence, re-plan, compare the versions, and decide on swaps. Further commands follow each
//! capability.

use std::process::ExitCode;

use allmenn_client::{Client, ClientError, proto};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Europe::Oslo;
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
    /// Changes a version by hand, validated against the hard rules; the result is a new draft (a
    /// published version is copied). Each change is SHIFT=STAFF, the shift as `2027-03-05.N`.
    Edit {
        /// Plan id.
        plan_id: String,
        /// Put a person on a shift (pinned: later solves keep it).
        #[arg(long, value_name = "SHIFT=STAFF")]
        assign: Vec<String>,
        /// Take a person off a shift.
        #[arg(long, value_name = "SHIFT=STAFF")]
        unassign: Vec<String>,
        /// Keep a person on their shift in later solves.
        #[arg(long, value_name = "SHIFT=STAFF")]
        pin: Vec<String>,
        /// Let later solves move a person.
        #[arg(long, value_name = "SHIFT=STAFF")]
        unpin: Vec<String>,
        /// The version to change; 0 = the newest.
        #[arg(long, default_value_t = 0)]
        version: i32,
        /// Validate and score the changes without storing a version.
        #[arg(long)]
        dry_run: bool,
    },
    /// The district's staff: id, HPR number, name and profession (the other commands take the id).
    Staff {
        /// District id.
        district_id: String,
    },
    /// Records that a staff member cannot work on whole days (Europe/Oslo) and lists the published
    /// shifts they hold then, which `solve --replan` moves.
    Absence {
        /// Staff member id.
        staff_member_id: String,
        /// First day away, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day away, YYYY-MM-DD (inclusive).
        #[arg(long)]
        to: String,
        /// Why.
        #[arg(long, value_enum, default_value = "other")]
        reason: AbsenceReason,
        /// A short note (no health details).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// What changed between two versions, shift by shift, and whom to tell.
    Diff {
        /// Plan id.
        plan_id: String,
        /// The older version; 0 = the newest published.
        #[arg(long, default_value_t = 0)]
        from: i32,
        /// The newer version; 0 = the newest.
        #[arg(long, default_value_t = 0)]
        to: i32,
    },
    /// The plan's swaps, newest first.
    Swaps {
        /// Plan id.
        plan_id: String,
        /// Only those waiting for the planner's decision.
        #[arg(long)]
        pending: bool,
    },
    /// Approves a swap that waits for the planner: the roster changes in a new published version.
    ApproveSwap {
        /// Swap id.
        swap_id: String,
        /// A note kept with the decision and the new version.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Rejects a swap, with the reason the people involved will see.
    RejectSwap {
        /// Swap id.
        swap_id: String,
        /// Why.
        #[arg(long)]
        note: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum AbsenceReason {
    Vacation,
    Course,
    SickLeave,
    ParentalLeave,
    Other,
}

impl AbsenceReason {
    fn proto(self) -> proto::UnavailabilityReason {
        match self {
            AbsenceReason::Vacation => proto::UnavailabilityReason::Vacation,
            AbsenceReason::Course => proto::UnavailabilityReason::Course,
            AbsenceReason::SickLeave => proto::UnavailabilityReason::SickLeave,
            AbsenceReason::ParentalLeave => proto::UnavailabilityReason::ParentalLeave,
            AbsenceReason::Other => proto::UnavailabilityReason::Other,
        }
    }
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

/// `println!` through [`write_stdout`]: a reader that stops early is no panic. For `run`, whose
/// errors are [`Failure`]s.
macro_rules! out {
    ($($arg:tt)*) => {
        write_stdout(format!("{}\n", format_args!($($arg)*)).as_bytes())?
    };
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
    Ok(district_staff(client, &plan.district_id)
        .await?
        .into_iter()
        .map(|member| (member.id.clone(), full_name(&member)))
        .collect())
}

/// Every staff member of a district, in the server's order.
async fn district_staff(client: &mut Client, district_id: &str) -> Result<Vec<proto::StaffMember>, Failure> {
    let mut staff = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .legevakt
            .list_staff_members(proto::ListStaffMembersRequest {
                district_id: district_id.to_owned(),
                page_size: 500,
                page_token,
                ..Default::default()
            })
            .await?
            .into_inner();
        staff.extend(page.staff_members);
        if page.next_page_token.is_empty() {
            return Ok(staff);
        }
        page_token = page.next_page_token;
    }
}

fn full_name(member: &proto::StaffMember) -> String {
    format!("{} {}", member.given_name, member.family_name)
}

/// Local midnight in Europe/Oslo at the start of `date` plus `days_after` days.
fn oslo_midnight(field: &str, date: &str, days_after: u64) -> Result<prost_types::Timestamp, Failure> {
    let bad = || Failure::Local(format!("--{field} must be a date as YYYY-MM-DD, not {date:?}"));
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad())?;
    let day = day.checked_add_days(Days::new(days_after)).ok_or_else(bad)?;
    // Clocks change at 02:00 or 03:00 in Norway, so midnight always exists once.
    let instant = Oslo.from_local_datetime(&day.and_time(NaiveTime::MIN)).earliest().ok_or_else(bad)?;
    Ok(prost_types::Timestamp { seconds: instant.timestamp(), nanos: 0 })
}

/// A timestamp as local time in Europe/Oslo, `YYYY-MM-DD HH:MM`.
fn oslo_time(timestamp: Option<&prost_types::Timestamp>) -> String {
    timestamp
        .and_then(|timestamp| DateTime::from_timestamp(timestamp.seconds, 0))
        .map(|instant| instant.with_timezone(&Oslo).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// `SHIFT=STAFF` → the change it names.
fn assignment_change(flag: &str, text: &str) -> Result<proto::ShiftAssignmentChange, Failure> {
    match text.split_once('=') {
        Some((shift, staff)) if !shift.is_empty() && !staff.is_empty() => {
            Ok(proto::ShiftAssignmentChange { shift_id: shift.to_owned(), staff_member_id: staff.to_owned() })
        }
        _ => Err(Failure::Local(format!(
            "--{flag} takes SHIFT=STAFF, e.g. 2027-03-05.N=<staff id>, not {text:?}"
        ))),
    }
}

/// The swap's second person: the named colleague, or whoever claimed an open-pool shift.
fn swap_taker(swap: &proto::ShiftSwap) -> &str {
    if swap.counterparty_staff_member_id.is_empty() {
        &swap.claimant_staff_member_id
    } else {
        &swap.counterparty_staff_member_id
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
    /// Bad input found before any call (exit 2).
    Local(String),
    /// A call that answered but did not do what was asked, such as a failed solve (exit 1).
    Unsuccessful(String),
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
        Err(Failure::Unsuccessful(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
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
                Some(doctor) => out!(
                    "{} {} (HPR {}), list {} in kommune {}",
                    doctor.given_name,
                    doctor.family_name,
                    doctor.hpr_number,
                    contract.id,
                    contract.kommune_number
                ),
                None => out!("list {} has no permanent GP and no single vikar", contract.id),
            }
        }
        Command::Contract { contract_id } => {
            let contract = client
                .patient_lists
                .get_list_contract(proto::GetListContractRequest { contract_id })
                .await?
                .into_inner();
            out!(
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
            out!("{}", plan.id);
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
                return Err(Failure::Unsuccessful("the server ended the solve without a result".to_owned()));
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
            out!("solve {} {}: draft version {}", solve.id, state.as_str_name(), solve.result_version);
            // Only a solve that left a roster succeeded: a failed one (or a stream that ended while
            // it ran) must not let a script go on to publish the previous draft.
            let left_a_roster = solve.result_version > 0
                && matches!(state, proto::SolveState::Succeeded | proto::SolveState::Cancelled);
            if !left_a_roster {
                let why =
                    if solve.message.is_empty() { "no draft was stored" } else { solve.message.as_str() };
                return Err(Failure::Unsuccessful(format!("the solve ended {}: {why}", state.as_str_name())));
            }
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
            out!("published version {}", published.version);
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
        Legevakt::Edit { plan_id, assign, unassign, pin, unpin, version, dry_run } => {
            use proto::shift_plan_edit::Edit;
            let mut edits = Vec::new();
            type Make = fn(proto::ShiftAssignmentChange) -> Edit;
            let flags: [(&str, Vec<String>, Make); 4] = [
                ("unassign", unassign, Edit::Unassign),
                ("assign", assign, Edit::Assign),
                ("pin", pin, Edit::Pin),
                ("unpin", unpin, Edit::Unpin),
            ];
            for (flag, values, edit) in flags {
                for value in values {
                    edits.push(proto::ShiftPlanEdit { edit: Some(edit(assignment_change(flag, &value)?)) });
                }
            }
            if edits.is_empty() {
                return Err(Failure::Local(
                    "give at least one --assign, --unassign, --pin or --unpin".to_owned(),
                ));
            }
            let answer = client
                .legevakt
                .edit_shift_plan(proto::EditShiftPlanRequest {
                    plan_id,
                    base_version: version,
                    edits,
                    validate_only: dry_run,
                    ..Default::default()
                })
                .await?
                .into_inner();
            let score = answer.score.unwrap_or_default();
            let what = match &answer.version {
                Some(version) => format!("draft version {}", version.version),
                None => "valid, not stored".to_owned(),
            };
            let mut text =
                format!("{what}: objective {}  hard violations {}\n", score.objective, score.hard_violations);
            for added in &answer.added_violations {
                text.push_str(&format!("  adds {:>6}  {}\n", added.cost, added.message));
            }
            write_stdout(text.as_bytes())?;
        }
        Legevakt::Staff { district_id } => {
            let mut text = String::new();
            for member in district_staff(client, &district_id).await? {
                let profession =
                    proto::StaffProfession::try_from(member.profession).map_or("", |profession| {
                        match profession {
                            proto::StaffProfession::Doctor => "doctor",
                            proto::StaffProfession::Nurse => "nurse",
                            proto::StaffProfession::Unspecified => "",
                        }
                    });
                text.push_str(&format!(
                    "{}  {:>8}  {:<28}  {profession}\n",
                    member.id,
                    member.hpr_number,
                    full_name(&member)
                ));
            }
            write_stdout(text.as_bytes())?;
        }
        Legevakt::Absence { staff_member_id, from, to, reason, note } => {
            let start = oslo_midnight("from", &from, 0)?;
            let end = oslo_midnight("to", &to, 1)?;
            let recorded = client
                .legevakt
                .create_unavailability(proto::CreateUnavailabilityRequest {
                    unavailability: Some(proto::Unavailability {
                        staff_member_id,
                        start_time: Some(start),
                        end_time: Some(end),
                        reason: reason.proto().into(),
                        note,
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .await?
                .into_inner();
            out!("unavailability {}", recorded.id);
            let mut plans: Vec<&str> = Vec::new();
            for shift in &recorded.affected_shifts {
                out!(
                    "holds {} in plan {} ({})",
                    shift.shift_id,
                    shift.plan_id,
                    oslo_time(shift.start_time.as_ref())
                );
                if !plans.contains(&shift.plan_id.as_str()) {
                    plans.push(&shift.plan_id);
                }
            }
            for plan in plans {
                eprintln!("re-plan with: allmenn legevakt solve {plan} --replan");
            }
        }
        Legevakt::Diff { plan_id, from, to } => {
            let diff = client
                .legevakt
                .diff_shift_plan_versions(proto::DiffShiftPlanVersionsRequest {
                    plan_id: plan_id.clone(),
                    from_version: from,
                    to_version: to,
                })
                .await?
                .into_inner();
            let names = staff_names(client, &plan_id).await?;
            let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
            let (old, new) = (diff.from_score.unwrap_or_default(), diff.to_score.unwrap_or_default());
            let mut text = format!(
                "version {} to {}: objective {} to {}, hard violations {} to {}\n",
                diff.from_version,
                diff.to_version,
                old.objective,
                new.objective,
                old.hard_violations,
                new.hard_violations
            );
            // One line per shift: the server lists who left it and who joined it separately.
            let mut shifts: Vec<(&proto::AssignmentDiff, Vec<String>, Vec<String>)> = Vec::new();
            for change in &diff.changes {
                let index = match shifts.iter().position(|(first, _, _)| first.shift_id == change.shift_id) {
                    Some(index) => index,
                    None => {
                        shifts.push((change, Vec::new(), Vec::new()));
                        shifts.len() - 1
                    }
                };
                let (_, removed, added) = &mut shifts[index];
                if !change.removed_staff_member_id.is_empty() {
                    removed.push(name(&change.removed_staff_member_id));
                }
                if !change.added_staff_member_id.is_empty() {
                    added.push(name(&change.added_staff_member_id));
                }
            }
            let people =
                |names: &[String]| if names.is_empty() { "nobody".to_owned() } else { names.join(", ") };
            for (shift, removed, added) in &shifts {
                let date = shift.date.map(|date| date_text(&date)).unwrap_or_default();
                text.push_str(&format!(
                    "{date}  {:<6}  {} -> {}\n",
                    shift.shift_type_code,
                    people(removed),
                    people(added)
                ));
            }
            if !diff.affected_staff_member_ids.is_empty() {
                let affected: Vec<String> =
                    diff.affected_staff_member_ids.iter().map(|id| name(id)).collect();
                text.push_str(&format!("to tell: {}\n", affected.join(", ")));
            }
            write_stdout(text.as_bytes())?;
        }
        Legevakt::Swaps { plan_id, pending } => {
            let names = staff_names(client, &plan_id).await?;
            let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
            let states =
                if pending { vec![proto::ShiftSwapState::AwaitingApproval.into()] } else { Vec::new() };
            let mut text = String::new();
            let mut page_token = String::new();
            loop {
                let page = client
                    .legevakt
                    .list_shift_swaps(proto::ListShiftSwapsRequest {
                        plan_id: plan_id.clone(),
                        states: states.clone(),
                        page_size: 200,
                        page_token,
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                for swap in &page.swaps {
                    let kind = proto::ShiftSwapKind::try_from(swap.kind)
                        .unwrap_or(proto::ShiftSwapKind::Unspecified);
                    let state = proto::ShiftSwapState::try_from(swap.state)
                        .unwrap_or(proto::ShiftSwapState::Unspecified);
                    let taker = swap_taker(swap);
                    let mut line = format!(
                        "{}  {:<9}  {:<20}  {}  {} -> {}",
                        swap.id,
                        kind.as_str_name().trim_start_matches("SHIFT_SWAP_KIND_"),
                        state.as_str_name().trim_start_matches("SHIFT_SWAP_STATE_"),
                        swap.offered_shift_id,
                        name(&swap.requester_staff_member_id),
                        if taker.is_empty() { "anyone".to_owned() } else { name(taker) },
                    );
                    if !swap.requested_shift_id.is_empty() {
                        line.push_str(&format!(" (for {})", swap.requested_shift_id));
                    }
                    for warning in &swap.warnings {
                        line.push_str(&format!("\n    warning: {}", warning.message));
                    }
                    text.push_str(&line);
                    text.push('\n');
                }
                if page.next_page_token.is_empty() {
                    break;
                }
                page_token = page.next_page_token;
            }
            write_stdout(text.as_bytes())?;
        }
        Legevakt::ApproveSwap { swap_id, note } => {
            let swap = client
                .legevakt
                .approve_shift_swap(proto::ApproveShiftSwapRequest { swap_id, note, ..Default::default() })
                .await?
                .into_inner();
            out!("approved: published version {}", swap.applied_version);
        }
        Legevakt::RejectSwap { swap_id, note } => {
            client
                .legevakt
                .reject_shift_swap(proto::RejectShiftSwapRequest { swap_id, note, ..Default::default() })
                .await?;
            out!("rejected");
        }
    }
    Ok(())
}
