//! SolveShiftPlan: runs the roster optimiser on a blocking thread, streams progress to the caller,
//! and stores the result as a new draft version. A solve stops at its time limit, when anyone calls
//! CancelShiftPlanSolve (on any replica: the flag is in the database and polled once a second), or —
//! for a solve started without a `request_id` — when the caller closes the stream. Its progress is
//! recorded once a second too; a solve whose progress stops for half a minute (its replica crashed)
//! is ended as abandoned by the next request that finds it, so it never blocks its plan for good.
//!
//! A solve started with a `request_id` belongs to that id, not to the stream: the id and the solve
//! are recorded in the transaction that creates the solve, closing the stream leaves it running,
//! and a retry with the same id (on any replica) attaches to it and follows its row in the
//! database to the end. That is what lets a client whose connection broke during a long solve
//! retry without starting a second one.

use std::{
    collections::HashSet,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use allmenn_legevakt::explain::Explanation;
use allmenn_legevakt::plan::{Assignment, PlanInput};
use allmenn_legevakt::solve::{SolveMode, SolveSettings};
use allmenn_proto::v1 as pb;
use allmenn_store::{
    Resource, RuleViolation, StoreError,
    entity::legevakt::plan_solve,
    idempotency as stored,
    legevakt::{self as repo, NewVersion},
};
use chrono::Utc;
use prost::Message;
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Status, codegen::BoxStream};
use uuid::Uuid;

use super::{Legevakt, convert as lv, load, planning, plans::rows};
use crate::{
    convert as common,
    error::{ApiError, Violations},
    idempotency,
};

const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(60);
const MAX_TIME_LIMIT: Duration = Duration::from_secs(3600);
const DEFAULT_PROGRESS_INTERVAL: Duration = Duration::from_secs(1);
/// Method name under which a solve's `request_id` is recorded.
const METHOD: &str = "LegevaktService/SolveShiftPlan";

/// The best result so far, as the optimiser reports it.
#[derive(Clone, Copy, Debug, Default)]
struct Snapshot {
    elapsed: Duration,
    best_objective: Option<i64>,
    hard_violations: usize,
    iterations: u64,
}

fn duration(
    violations: &mut Violations,
    field: &str,
    value: Option<&prost_types::Duration>,
) -> Option<Duration> {
    let value = value?;
    let parsed = u64::try_from(value.seconds)
        .ok()
        .zip(u32::try_from(value.nanos).ok())
        .map(|(seconds, nanos)| Duration::new(seconds, nanos));
    if parsed.is_none() {
        violations.add(field, "must be a non-negative duration");
    }
    parsed
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

pub(super) async fn solve(
    service: &Legevakt,
    request: pb::SolveShiftPlanRequest,
) -> Result<BoxStream<pb::SolveShiftPlanResponse>, ApiError> {
    let mut violations = Violations::new();
    idempotency::check_request_id(&mut violations, &request.request_id);
    let plan_id = common::resource_id(&mut violations, "plan_id", &request.plan_id);
    // Unset means FROM_SCRATCH; a value this server does not know is refused, not guessed.
    let mode = match pb::SolveMode::try_from(request.mode) {
        Ok(pb::SolveMode::Unspecified) => pb::SolveMode::FromScratch,
        Ok(mode) => mode,
        Err(_) => {
            violations.add("mode", "is not a solve mode");
            pb::SolveMode::FromScratch
        }
    };
    if request.base_version < 0 {
        violations.add("base_version", "must not be negative");
    }
    let time_limit =
        duration(&mut violations, "time_limit", request.time_limit.as_ref()).unwrap_or(DEFAULT_TIME_LIMIT);
    if !(Duration::from_secs(1)..=MAX_TIME_LIMIT).contains(&time_limit) {
        violations.add("time_limit", "must be between 1 s and 1 h");
    }
    let interval = duration(&mut violations, "progress_interval", request.progress_interval.as_ref())
        .unwrap_or(DEFAULT_PROGRESS_INTERVAL);
    if !(Duration::from_millis(100)..=Duration::from_secs(60)).contains(&interval) {
        violations.add("progress_interval", "must be between 100 ms and 1 min");
    }
    let freeze = request
        .replan_from_time
        .as_ref()
        .and_then(|time| common::timestamp(&mut violations, "replan_from_time", time))
        .unwrap_or_else(Utc::now);
    let plan_id = violations.into_result(|| plan_id)?;
    let fingerprint = stored::fingerprint(&request.encode_to_vec());
    if !request.request_id.is_empty()
        && let Some(solve_id) =
            recorded_solve(service.store.connection(), &request.request_id, fingerprint).await?
    {
        return Ok(attach(service.store.clone(), solve_id, interval));
    }

    let plan = repo::get_plan(service.store.connection(), plan_id).await?;
    let base_version = match (mode, request.base_version) {
        (pb::SolveMode::Replan, 0) => {
            if plan.published_version == 0 {
                return Err(StoreError::from(RuleViolation::NoPublishedVersion).into());
            }
            plan.published_version
        }
        (_, 0) => plan.latest_version,
        (_, version) => version,
    };
    let loaded = load::load(&service.store, plan_id, base_version).await?;
    let mut input = planning::input(&loaded, &rows(&loaded.assignments));
    let settings = SolveSettings {
        mode: match mode {
            pb::SolveMode::Improve => SolveMode::Improve,
            pb::SolveMode::Replan => SolveMode::Replan,
            _ => SolveMode::FromScratch,
        },
        seed: request.seed.unwrap_or_else(rand::random),
        time_limit: Some(time_limit),
        max_iterations: None,
        threads: std::thread::available_parallelism().map_or(1, |cores| cores.get().min(2)),
    };
    if mode == pb::SolveMode::Replan {
        input.replan = Some(planning::replan(&loaded, freeze));
    }
    if let Err(error) = input.check() {
        return Err(planning::plan_error(error));
    }
    let permit =
        service.solver_slots.clone().try_acquire_owned().map_err(|_| ApiError::ResourceExhausted {
            message: "the server runs as many solves as it allows; retry later".to_owned(),
            reason: "SOLVER_BUSY",
        })?;

    // The elapsed time recorded as the heartbeat counts from the instant recorded as the start.
    let started = Instant::now();
    let row = plan_solve::Model {
        id: Uuid::now_v7(),
        plan_id,
        mode: lv::solve_mode_name(mode).to_owned(),
        state: "running".to_owned(),
        base_version,
        seed: i64::from_ne_bytes(settings.seed.to_ne_bytes()),
        time_limit_ms: millis(time_limit),
        elapsed_ms: 0,
        best_hard_violations: None,
        best_objective: None,
        time_to_best_ms: 0,
        iterations: 0,
        result_version: 0,
        cancel_requested: false,
        started_at: Utc::now(),
        ended_at: None,
        message: String::new(),
        proven_optimal: false,
        heartbeat_at: None,
    };
    let transaction = service.store.begin_write().await?;
    repo::lock_plan(&transaction, plan_id, None).await?;
    let row = plan_solve::Model { heartbeat_at: Some(repo::database_now(&transaction).await?), ..row };
    if repo::live_solve(&transaction, plan_id).await?.is_some() {
        return Err(StoreError::from(RuleViolation::SolveRunning).into());
    }
    let solve =
        repo::insert::<_, plan_solve::ActiveModel>(&transaction, row, Resource::ShiftPlanSolve).await?;
    let first = pb::SolveShiftPlanResponse { solve: Some(lv::solve_message(&solve)) };
    let detached = !request.request_id.is_empty();
    if detached {
        match stored::record(&transaction, &request.request_id, METHOD, fingerprint, first.encode_to_vec())
            .await
        {
            Ok(()) => {}
            Err(StoreError::RequestIdRace) => {
                // A concurrent retry started the solve first: follow that one.
                drop(transaction);
                let solve_id = recorded_solve(service.store.connection(), &request.request_id, fingerprint)
                    .await?
                    .ok_or(StoreError::RequestIdRace)?;
                return Ok(attach(service.store.clone(), solve_id, interval));
            }
            Err(error) => return Err(error.into()),
        }
    }
    transaction.commit().await.map_err(StoreError::from_db)?;

    let (sender, receiver) = mpsc::channel::<Result<pb::SolveShiftPlanResponse, Status>>(16);
    let _ = sender.try_send(Ok(first));
    let store = service.store.clone();
    let shutting_down = service.shutting_down.clone();
    tokio::spawn(async move {
        let _permit = permit;
        let final_state = run(
            store.clone(),
            solve.clone(),
            input,
            settings,
            interval,
            sender.clone(),
            shutting_down,
            detached,
            started,
        )
        .await;
        let message = match final_state {
            Ok(solve) => Ok(pb::SolveShiftPlanResponse { solve: Some(lv::solve_message(&solve)) }),
            Err(error) => {
                // Record the failure so that GetShiftPlanSolve tells the truth, unless another
                // replica has already ended the solve as abandoned (and said so).
                if repo::get_solve(store.connection(), solve.id).await.is_ok_and(|row| row.state == "running")
                {
                    let mut failed = solve;
                    failed.state = "failed".to_owned();
                    failed.ended_at = Some(Utc::now());
                    failed.message = "the solve failed; see the server log".to_owned();
                    let _ = repo::save_solve(store.connection(), failed).await;
                }
                Err(Status::from(error))
            }
        };
        let _ = sender.send(message).await;
    });
    Ok(Box::pin(ReceiverStream::new(receiver)))
}

/// The solve recorded for `request_id`, if the id was used for this request before.
async fn recorded_solve(
    connection: &impl allmenn_store::Connection,
    request_id: &str,
    fingerprint: i64,
) -> Result<Option<Uuid>, ApiError> {
    let Some(bytes) = stored::stored_response(connection, request_id, METHOD, fingerprint).await? else {
        return Ok(None);
    };
    let first = pb::SolveShiftPlanResponse::decode(bytes.as_slice())
        .map_err(|_| ApiError::Store(StoreError::RequestIdReused))?;
    let id = first.solve.and_then(|solve| Uuid::parse_str(&solve.id).ok());
    id.map(Some).ok_or(ApiError::Internal("a recorded solve has no id"))
}

/// A stream that follows a solve's row in the database until it ends: what a retry gets.
fn attach(
    store: allmenn_store::Store,
    solve_id: Uuid,
    interval: Duration,
) -> BoxStream<pb::SolveShiftPlanResponse> {
    let (sender, receiver) = mpsc::channel::<Result<pb::SolveShiftPlanResponse, Status>>(4);
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        loop {
            ticker.tick().await;
            let read = match repo::get_solve(store.connection(), solve_id).await {
                Ok(solve) => match repo::database_now(store.connection()).await {
                    Ok(now) if repo::solve_abandoned(&solve, now) => {
                        repo::end_abandoned_solve(store.connection(), solve, now).await
                    }
                    Ok(_) => Ok(solve),
                    Err(error) => Err(error),
                },
                read => read,
            };
            let (message, finished) = match read {
                Ok(solve) => (
                    Ok(pb::SolveShiftPlanResponse { solve: Some(lv::solve_message(&solve)) }),
                    solve.state != "running",
                ),
                Err(error) => (Err(Status::from(ApiError::from(error))), true),
            };
            if sender.send(message).await.is_err() || finished {
                return;
            }
        }
    });
    Box::pin(ReceiverStream::new(receiver))
}

/// Runs the optimiser to the end and stores its result; returns the finished solve row. A
/// `detached` solve keeps running when its stream is closed.
#[allow(clippy::too_many_arguments)]
async fn run(
    store: allmenn_store::Store,
    mut solve: plan_solve::Model,
    input: allmenn_legevakt::plan::PlanInput,
    settings: SolveSettings,
    interval: Duration,
    sender: mpsc::Sender<Result<pb::SolveShiftPlanResponse, Status>>,
    shutting_down: Arc<AtomicBool>,
    detached: bool,
    started: Instant,
) -> Result<plan_solve::Model, ApiError> {
    let cancel = Arc::new(AtomicBool::new(false));
    let (progress_sender, progress) = watch::channel(Snapshot::default());
    let blocking_cancel = cancel.clone();
    let blocking_input = input.clone();
    let mut worker = tokio::task::spawn_blocking(move || {
        allmenn_legevakt::solve::solve(&blocking_input, &settings, &blocking_cancel, &mut |report| {
            let _ = progress_sender.send(Snapshot {
                elapsed: report.elapsed,
                best_objective: report.best_objective,
                hard_violations: report.hard_violations,
                iterations: report.iterations,
            });
        })
    });
    let mut cancelled_by_client = false;
    // Set when another replica has ended this solve as abandoned (its heartbeat was late): it then
    // stops and stores nothing.
    let mut ended_elsewhere = false;
    let mut ticker = tokio::time::interval(interval);
    // Progress is recorded, and the cancel flag read, at the heartbeat whatever the stream's interval,
    // so that other replicas can tell a running solve from an abandoned one.
    let mut heartbeat = tokio::time::interval(repo::SOLVE_HEARTBEAT);
    let record = |solve: &mut plan_solve::Model, snapshot: Snapshot| {
        solve.elapsed_ms = millis(started.elapsed());
        solve.iterations = i64::try_from(snapshot.iterations).unwrap_or(i64::MAX);
        if let Some(objective) = snapshot.best_objective {
            let hard_violations = Some(i32::try_from(snapshot.hard_violations).unwrap_or(i32::MAX));
            // Reports repeat the best score; it was found when it first changed.
            if solve.best_objective != Some(objective) || solve.best_hard_violations != hard_violations {
                solve.time_to_best_ms = millis(snapshot.elapsed);
            }
            solve.best_objective = Some(objective);
            solve.best_hard_violations = hard_violations;
        }
    };
    let outcome = loop {
        tokio::select! {
            result = &mut worker => break result,
            // A client that closes the stream of a solve it did not detach stops it at once, not
            // at the next progress tick (which may be a minute away).
            _ = sender.closed(), if !detached && !cancelled_by_client => {
                cancelled_by_client = true;
                cancel.store(true, Ordering::Relaxed);
            }
            _ = heartbeat.tick() => {
                record(&mut solve, *progress.borrow());
                if repo::solve_cancel_requested(store.connection(), solve.id).await.unwrap_or(false) {
                    cancelled_by_client = true;
                    cancel.store(true, Ordering::Relaxed);
                }
                if matches!(repo::record_solve_progress(store.connection(), &solve).await, Ok(false)) {
                    ended_elsewhere = true;
                    cancel.store(true, Ordering::Relaxed);
                }
            }
            _ = ticker.tick() => {
                record(&mut solve, *progress.borrow());
                if shutting_down.load(Ordering::Relaxed) {
                    // The best roster so far is kept as a draft, as for a cancel.
                    cancelled_by_client = true;
                    solve.message = "stopped because the server shut down".to_owned();
                    cancel.store(true, Ordering::Relaxed);
                }
                if sender.is_closed() {
                    if !detached {
                        cancelled_by_client = true;
                        cancel.store(true, Ordering::Relaxed);
                    }
                } else {
                    let _ = sender.try_send(Ok(pb::SolveShiftPlanResponse { solve: Some(lv::solve_message(&solve)) }));
                }
            }
        }
    };
    let outcome = outcome
        .map_err(|_| ApiError::Internal("the optimiser task stopped unexpectedly"))?
        .map_err(planning::plan_error)?;
    // A staff member without shifts may be deleted while the solve runs. The roster is stored
    // without them and scored without them (their places are open, their share is the others'),
    // rather than lost. Explaining a large roster takes a while, so it is scored for the staff
    // present before the write transaction, which then locks the plan and staff rows for the write
    // alone; only a deletion that lands between that read and the locks is scored under them.
    let planned: HashSet<Uuid> = input.staff.iter().map(|member| member.id).collect();
    let present_before = present_staff(store.connection(), &planned).await?;
    let mut scored = score_for_present(&input, &outcome, &planned, &present_before)?;
    let transaction = store.begin_write().await?;
    let plan = repo::lock_plan(&transaction, solve.plan_id, None).await?;
    if ended_elsewhere || repo::get_solve(&transaction, solve.id).await?.state != "running" {
        return Err(ApiError::Internal(
            "the solve was ended as abandoned while it ran; its result is not stored",
        ));
    }
    let present = present_staff(&transaction, &planned).await?;
    if present != present_before {
        scored = score_for_present(&input, &outcome, &planned, &present)?;
    }
    let Scored { assignments, evaluated, gone } = scored;
    let staff_gone = gone > 0;
    if staff_gone {
        let note = format!(
            "{gone} staff member{} deleted while the solve ran; the roster is stored without them",
            if gone == 1 { " was" } else { "s were" }
        );
        solve.message = if solve.message.is_empty() { note } else { format!("{}; {note}", solve.message) };
    }
    let (_, version) = repo::add_version(
        &transaction,
        plan,
        NewVersion {
            source: "solve",
            base_version: solve.base_version,
            hard_violations: evaluated.hard_violations,
            objective: evaluated.objective,
            solve_id: Some(solve.id),
            swap_id: None,
            note: String::new(),
            published: false,
        },
        planning::roster_rows(&assignments),
    )
    .await?;
    solve.state = if cancelled_by_client { "cancelled" } else { "succeeded" }.to_owned();
    solve.result_version = version.version;
    solve.elapsed_ms = millis(started.elapsed());
    solve.iterations = i64::try_from(outcome.iterations).unwrap_or(i64::MAX);
    solve.best_hard_violations = Some(evaluated.hard_violations);
    solve.best_objective = Some(evaluated.objective);
    solve.time_to_best_ms = millis(outcome.time_to_best);
    // Optimal for the re-plan's measure, moves included; the stored score leaves them out, where
    // only a roster without any cost is plainly optimal.
    solve.proven_optimal = outcome.proven_optimal()
        && !staff_gone
        && (input.replan.is_none() || (evaluated.hard_violations == 0 && evaluated.objective == 0));
    solve.ended_at = Some(Utc::now());
    let solve = repo::save_solve(&transaction, solve).await?;
    transaction.commit().await.map_err(StoreError::from_db)?;
    tracing::info!(
        solve.id = %solve.id,
        solve.state = %solve.state,
        solve.version = version.version,
        solve.hard_violations = evaluated.hard_violations,
        solve.objective = evaluated.objective,
        "solve finished"
    );
    Ok(solve)
}

/// Those of the `planned` staff that still exist; share-locked inside a write transaction.
async fn present_staff(
    connection: &impl allmenn_store::Connection,
    planned: &HashSet<Uuid>,
) -> Result<HashSet<Uuid>, ApiError> {
    Ok(repo::hold_present_staff(connection, planned.iter().copied().collect()).await?.into_iter().collect())
}

/// A solve's roster as it is stored, with its score.
struct Scored {
    assignments: Vec<Assignment>,
    evaluated: planning::Evaluated,
    /// Staff members deleted while the solve ran, whose shifts were left out.
    gone: usize,
}

/// The solve's roster without the staff deleted while it ran (those of `planned` not `present`),
/// scored without them.
fn score_for_present(
    input: &PlanInput,
    outcome: &allmenn_legevakt::solve::SolveOutcome,
    planned: &HashSet<Uuid>,
    present: &HashSet<Uuid>,
) -> Result<Scored, ApiError> {
    let gone: HashSet<Uuid> = planned.difference(present).copied().collect();
    if gone.is_empty() {
        let evaluated = version_score(input, &outcome.assignments, Some(&outcome.explanation))?;
        return Ok(Scored { assignments: outcome.assignments.clone(), evaluated, gone: 0 });
    }
    let assignments: Vec<Assignment> = outcome
        .assignments
        .iter()
        .filter(|assignment| !gone.contains(&assignment.staff_id))
        .cloned()
        .collect();
    let evaluated = version_score(&input.without_staff(&gone), &assignments, None)?;
    Ok(Scored { assignments, evaluated, gone: gone.len() })
}

/// The score a solve's roster is stored with: the roster under the plan's rules. A re-plan's cost
/// of moving published assignments only guided the optimiser (a move forced by an absence would
/// otherwise inflate the score for good); DiffShiftPlanVersions lists the moves. `explanation`
/// is the optimiser's own, used when it already is that.
fn version_score(
    input: &PlanInput,
    assignments: &[Assignment],
    explanation: Option<&Explanation>,
) -> Result<planning::Evaluated, ApiError> {
    let rescored;
    let explanation = match explanation {
        Some(explanation) if input.replan.is_none() => explanation,
        _ => {
            let plan_rules = PlanInput { replan: None, ..input.clone() };
            rescored =
                allmenn_legevakt::explain::explain(&plan_rules, assignments).map_err(planning::plan_error)?;
            &rescored
        }
    };
    Ok(planning::evaluated(input, explanation))
}
