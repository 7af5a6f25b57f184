//! `allmenn.v1.LegevaktService`: out-of-hours shift planning for municipalities. Each method
//! converts (collecting every field violation), runs one store transaction or a read, and converts
//! back; the planning logic itself (compiling a plan for the optimiser, explaining, exporting) lives
//! in the pure `allmenn-legevakt` crate.

mod convert;
mod load;
mod planning;
mod plans;
mod solve;
mod swaps;
mod updates;

use allmenn_proto::v1::{self as pb, legevakt_service_server::LegevaktService};
use allmenn_store::{
    Resource, Store,
    entity::legevakt::{district, shift_request, shift_type, staff_member},
    legevakt as repo,
};
use chrono::Utc;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use self::convert as lv;
use crate::{
    clock,
    convert::{self as common},
    error::{ApiError, Violations},
    idempotency,
};

/// The legevakt service over a store.
#[derive(Clone, Debug)]
pub struct Legevakt {
    store: Store,
    /// Bounds the optimiser runs of this process (each uses up to two cores).
    solver_slots: std::sync::Arc<tokio::sync::Semaphore>,
    /// Set when the server shuts down: running solves stop and keep their best roster.
    shutting_down: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// Optimiser runs one server process allows at once.
const CONCURRENT_SOLVES: usize = 2;

impl Legevakt {
    /// A service backed by `store`.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            solver_slots: std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENT_SOLVES)),
            shutting_down: std::sync::Arc::default(),
        }
    }

    /// A flag that stops every running solve of this service when set (at server shutdown): a
    /// blocking optimiser thread would otherwise keep the process alive until its time limit.
    pub fn shutdown_flag(&self) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
        self.shutting_down.clone()
    }

    async fn district(&self, id: Uuid) -> Result<district::Model, ApiError> {
        Ok(repo::get_district(self.store.connection(), id).await?)
    }
}

fn id(violations: &mut Violations, field: &str, value: &str) -> Option<Uuid> {
    common::resource_id(violations, field, value)
}

fn competence_rule_of(district: &district::Model) -> allmenn_domain::competence::CompetenceRule {
    lv::domain_competence_rule(&lv::decode(&district.competence_rule))
}

macro_rules! swap_action {
    ($self:ident, $request:ident, $method:literal, $action:expr, $acting:expr, $note:expr) => {{
        let request = $request.into_inner();
        let action = swaps::ActionRequest {
            request_id: request.request_id.clone(),
            swap_id: request.swap_id.clone(),
            etag: request.etag.clone(),
            acting_staff_member_id: $acting(&request),
            note: $note(&request),
        };
        Ok(Response::new(swaps::act($self, $method, $action, action, &request).await?))
    }};
}

#[tonic::async_trait]
impl LegevaktService for Legevakt {
    async fn create_shift_plan(
        &self,
        request: Request<pb::CreateShiftPlanRequest>,
    ) -> Result<Response<pb::ShiftPlan>, Status> {
        Ok(Response::new(plans::create(self, request.into_inner()).await?))
    }

    async fn get_shift_plan(
        &self,
        request: Request<pb::GetShiftPlanRequest>,
    ) -> Result<Response<pb::ShiftPlan>, Status> {
        Ok(Response::new(plans::get(self, request.into_inner()).await?))
    }

    async fn set_cover_requirements(
        &self,
        request: Request<pb::SetCoverRequirementsRequest>,
    ) -> Result<Response<pb::SetCoverRequirementsResponse>, Status> {
        Ok(Response::new(plans::set_cover(self, request.into_inner()).await?))
    }

    async fn explain_shift_plan(
        &self,
        request: Request<pb::ExplainShiftPlanRequest>,
    ) -> Result<Response<pb::ExplainShiftPlanResponse>, Status> {
        Ok(Response::new(plans::explain(self, request.into_inner()).await?))
    }

    async fn edit_shift_plan(
        &self,
        request: Request<pb::EditShiftPlanRequest>,
    ) -> Result<Response<pb::EditShiftPlanResponse>, Status> {
        Ok(Response::new(plans::edit(self, request.into_inner()).await?))
    }

    async fn publish_shift_plan(
        &self,
        request: Request<pb::PublishShiftPlanRequest>,
    ) -> Result<Response<pb::ShiftPlanVersion>, Status> {
        Ok(Response::new(plans::publish(self, request.into_inner()).await?))
    }

    async fn diff_shift_plan_versions(
        &self,
        request: Request<pb::DiffShiftPlanVersionsRequest>,
    ) -> Result<Response<pb::DiffShiftPlanVersionsResponse>, Status> {
        Ok(Response::new(plans::diff(self, request.into_inner()).await?))
    }

    async fn export_shift_plan(
        &self,
        request: Request<pb::ExportShiftPlanRequest>,
    ) -> Result<Response<pb::ExportShiftPlanResponse>, Status> {
        Ok(Response::new(plans::export(self, request.into_inner()).await?))
    }

    async fn solve_shift_plan(
        &self,
        request: Request<pb::SolveShiftPlanRequest>,
    ) -> Result<Response<tonic::codegen::BoxStream<pb::SolveShiftPlanResponse>>, Status> {
        Ok(Response::new(solve::solve(self, request.into_inner()).await?))
    }

    async fn update_legevakt_district(
        &self,
        request: Request<pb::UpdateLegevaktDistrictRequest>,
    ) -> Result<Response<pb::LegevaktDistrict>, Status> {
        Ok(Response::new(updates::update_district(self, request.into_inner()).await?))
    }

    async fn update_shift_type(
        &self,
        request: Request<pb::UpdateShiftTypeRequest>,
    ) -> Result<Response<pb::ShiftType>, Status> {
        Ok(Response::new(updates::update_shift_type(self, request.into_inner()).await?))
    }

    async fn delete_shift_type(
        &self,
        request: Request<pb::DeleteShiftTypeRequest>,
    ) -> Result<Response<pb::DeleteShiftTypeResponse>, Status> {
        Ok(Response::new(updates::delete_shift_type(self, request.into_inner()).await?))
    }

    async fn update_exemption(
        &self,
        request: Request<pb::UpdateExemptionRequest>,
    ) -> Result<Response<pb::Exemption>, Status> {
        Ok(Response::new(updates::update_exemption(self, request.into_inner()).await?))
    }

    async fn update_shift_plan(
        &self,
        request: Request<pb::UpdateShiftPlanRequest>,
    ) -> Result<Response<pb::ShiftPlan>, Status> {
        Ok(Response::new(updates::update_plan(self, request.into_inner()).await?))
    }

    async fn delete_shift_plan(
        &self,
        request: Request<pb::DeleteShiftPlanRequest>,
    ) -> Result<Response<pb::DeleteShiftPlanResponse>, Status> {
        Ok(Response::new(updates::delete_plan(self, request.into_inner()).await?))
    }

    async fn update_staff_member(
        &self,
        request: Request<pb::UpdateStaffMemberRequest>,
    ) -> Result<Response<pb::StaffMember>, Status> {
        Ok(Response::new(updates::update_staff_member(self, request.into_inner()).await?))
    }

    async fn delete_staff_member(
        &self,
        request: Request<pb::DeleteStaffMemberRequest>,
    ) -> Result<Response<pb::DeleteStaffMemberResponse>, Status> {
        Ok(Response::new(updates::delete_staff_member(self, request.into_inner()).await?))
    }

    async fn delete_exemption(
        &self,
        request: Request<pb::DeleteExemptionRequest>,
    ) -> Result<Response<pb::DeleteExemptionResponse>, Status> {
        Ok(Response::new(updates::delete_exemption(self, request.into_inner()).await?))
    }

    async fn delete_unavailability(
        &self,
        request: Request<pb::DeleteUnavailabilityRequest>,
    ) -> Result<Response<pb::DeleteUnavailabilityResponse>, Status> {
        Ok(Response::new(updates::delete_unavailability(self, request.into_inner()).await?))
    }

    async fn create_shift_swap(
        &self,
        request: Request<pb::CreateShiftSwapRequest>,
    ) -> Result<Response<pb::ShiftSwap>, Status> {
        Ok(Response::new(swaps::create(self, request.into_inner()).await?))
    }

    async fn get_shift_swap(
        &self,
        request: Request<pb::GetShiftSwapRequest>,
    ) -> Result<Response<pb::ShiftSwap>, Status> {
        Ok(Response::new(swaps::get(self, request.into_inner()).await?))
    }

    async fn list_shift_swaps(
        &self,
        request: Request<pb::ListShiftSwapsRequest>,
    ) -> Result<Response<pb::ListShiftSwapsResponse>, Status> {
        Ok(Response::new(swaps::list(self, request.into_inner()).await?))
    }

    async fn accept_shift_swap(
        &self,
        request: Request<pb::AcceptShiftSwapRequest>,
    ) -> Result<Response<pb::ShiftSwap>, Status> {
        swap_action!(
            self,
            request,
            "AcceptShiftSwap",
            swaps::Action::Accept,
            |r: &pb::AcceptShiftSwapRequest| r.acting_staff_member_id.clone(),
            |_: &pb::AcceptShiftSwapRequest| String::new()
        )
    }

    async fn decline_shift_swap(
        &self,
        request: Request<pb::DeclineShiftSwapRequest>,
    ) -> Result<Response<pb::ShiftSwap>, Status> {
        swap_action!(
            self,
            request,
            "DeclineShiftSwap",
            swaps::Action::Decline,
            |r: &pb::DeclineShiftSwapRequest| r.acting_staff_member_id.clone(),
            |_: &pb::DeclineShiftSwapRequest| String::new()
        )
    }

    async fn claim_shift_swap(
        &self,
        request: Request<pb::ClaimShiftSwapRequest>,
    ) -> Result<Response<pb::ShiftSwap>, Status> {
        swap_action!(
            self,
            request,
            "ClaimShiftSwap",
            swaps::Action::Claim,
            |r: &pb::ClaimShiftSwapRequest| r.acting_staff_member_id.clone(),
            |_: &pb::ClaimShiftSwapRequest| String::new()
        )
    }

    async fn approve_shift_swap(
        &self,
        request: Request<pb::ApproveShiftSwapRequest>,
    ) -> Result<Response<pb::ShiftSwap>, Status> {
        swap_action!(
            self,
            request,
            "ApproveShiftSwap",
            swaps::Action::Approve,
            |_: &pb::ApproveShiftSwapRequest| { String::new() },
            |r: &pb::ApproveShiftSwapRequest| r.note.clone()
        )
    }

    async fn reject_shift_swap(
        &self,
        request: Request<pb::RejectShiftSwapRequest>,
    ) -> Result<Response<pb::ShiftSwap>, Status> {
        swap_action!(
            self,
            request,
            "RejectShiftSwap",
            swaps::Action::Reject,
            |_: &pb::RejectShiftSwapRequest| { String::new() },
            |r: &pb::RejectShiftSwapRequest| r.note.clone()
        )
    }

    async fn cancel_shift_swap(
        &self,
        request: Request<pb::CancelShiftSwapRequest>,
    ) -> Result<Response<pb::ShiftSwap>, Status> {
        swap_action!(
            self,
            request,
            "CancelShiftSwap",
            swaps::Action::Cancel,
            |r: &pb::CancelShiftSwapRequest| r.acting_staff_member_id.clone(),
            |_: &pb::CancelShiftSwapRequest| String::new()
        )
    }

    async fn create_legevakt_district(
        &self,
        request: Request<pb::CreateLegevaktDistrictRequest>,
    ) -> Result<Response<pb::LegevaktDistrict>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        idempotency::check_request_id(&mut violations, &request.request_id);
        let row = match violations.required("district", request.district.as_ref()) {
            Some(district) => lv::new_district(&mut violations, district),
            None => None,
        };
        let row = violations.into_result(|| row)?;
        let district =
            idempotency::run(&self.store, "CreateLegevaktDistrict", &request.request_id, &request, |tx| {
                Box::pin(async move {
                    let row =
                        repo::insert::<_, district::ActiveModel>(tx, row, Resource::LegevaktDistrict).await?;
                    Ok(lv::district_message(&row))
                })
            })
            .await?;
        Ok(Response::new(district))
    }

    async fn get_legevakt_district(
        &self,
        request: Request<pb::GetLegevaktDistrictRequest>,
    ) -> Result<Response<pb::LegevaktDistrict>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let district_id = id(&mut violations, "district_id", &request.district_id);
        let district_id = violations.into_result(|| district_id)?;
        Ok(Response::new(lv::district_message(&self.district(district_id).await?)))
    }

    async fn list_legevakt_districts(
        &self,
        request: Request<pb::ListLegevaktDistrictsRequest>,
    ) -> Result<Response<pb::ListLegevaktDistrictsResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let kommune = if request.kommune_number.is_empty() {
            None
        } else {
            violations.check("kommune_number", allmenn_domain::Kommunenummer::parse(&request.kommune_number))
        };
        let districts =
            repo::list_districts(self.store.connection(), kommune.as_ref().map(|number| number.as_str()))
                .await
                .map_err(ApiError::from)?;
        let (page, next_page_token) = common::ordered_page(
            &mut violations,
            districts,
            request.page_size,
            &request.page_token,
            &common::page_scope(&request, |r| (&mut r.page_size, &mut r.page_token)),
            |district| format!("{}\0{}", common::name_key(&district.name), district.id),
        );
        violations.finish()?;
        Ok(Response::new(pb::ListLegevaktDistrictsResponse {
            districts: page.iter().map(lv::district_message).collect(),
            next_page_token,
        }))
    }

    async fn create_staff_member(
        &self,
        request: Request<pb::CreateStaffMemberRequest>,
    ) -> Result<Response<pb::StaffMember>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        idempotency::check_request_id(&mut violations, &request.request_id);
        let member = violations.required("staff_member", request.staff_member.as_ref());
        let district_id =
            member.and_then(|member| id(&mut violations, "staff_member.district_id", &member.district_id));
        let row = member.zip(district_id).and_then(|(member, district_id)| {
            lv::new_staff_member(&mut violations, member, district_id, clock::today())
        });
        let row = violations.into_result(|| row)?;
        let district = self.district(row.district_id).await?;
        let rule = competence_rule_of(&district);
        let member =
            idempotency::run(&self.store, "CreateStaffMember", &request.request_id, &request, |tx| {
                Box::pin(async move {
                    let row =
                        repo::insert::<_, staff_member::ActiveModel>(tx, row, Resource::StaffMember).await?;
                    Ok(lv::staff_message(&row, &rule))
                })
            })
            .await?;
        Ok(Response::new(member))
    }

    async fn get_staff_member(
        &self,
        request: Request<pb::GetStaffMemberRequest>,
    ) -> Result<Response<pb::StaffMember>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let member_id = id(&mut violations, "staff_member_id", &request.staff_member_id);
        let member_id = violations.into_result(|| member_id)?;
        let member =
            repo::get_staff_member(self.store.connection(), member_id).await.map_err(ApiError::from)?;
        let district = self.district(member.district_id).await?;
        Ok(Response::new(lv::staff_message(&member, &competence_rule_of(&district))))
    }

    async fn list_staff_members(
        &self,
        request: Request<pb::ListStaffMembersRequest>,
    ) -> Result<Response<pb::ListStaffMembersResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let district_id = id(&mut violations, "district_id", &request.district_id);
        let as_of = common::date(&mut violations, "as_of", request.as_of.as_ref());
        let profession = pb::StaffProfession::try_from(request.profession).ok().and_then(lv::profession_name);
        let district_id = violations.into_result(|| district_id)?;
        let district = self.district(district_id).await?;
        let rule = competence_rule_of(&district);
        let staff: Vec<_> = repo::list_staff(self.store.connection(), district_id, as_of)
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .filter(|member| profession.is_none_or(|wanted| member.profession == wanted))
            .collect();
        let mut violations = Violations::new();
        let (page, next_page_token) = common::ordered_page(
            &mut violations,
            staff,
            request.page_size,
            &request.page_token,
            &common::page_scope(&request, |r| (&mut r.page_size, &mut r.page_token)),
            |member| format!("{}\0{}", common::name_key(&member.family_name), member.id),
        );
        violations.finish()?;
        Ok(Response::new(pb::ListStaffMembersResponse {
            staff_members: page.iter().map(|member| lv::staff_message(member, &rule)).collect(),
            next_page_token,
        }))
    }

    async fn create_shift_type(
        &self,
        request: Request<pb::CreateShiftTypeRequest>,
    ) -> Result<Response<pb::ShiftType>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        idempotency::check_request_id(&mut violations, &request.request_id);
        let shift = violations.required("shift_type", request.shift_type.as_ref());
        let district_id =
            shift.and_then(|shift| id(&mut violations, "shift_type.district_id", &shift.district_id));
        let row = shift
            .zip(district_id)
            .and_then(|(shift, district_id)| lv::new_shift_type(&mut violations, shift, district_id));
        let row = violations.into_result(|| row)?;
        self.district(row.district_id).await?;
        let shift = idempotency::run(&self.store, "CreateShiftType", &request.request_id, &request, |tx| {
            Box::pin(async move {
                let row = repo::insert::<_, shift_type::ActiveModel>(tx, row, Resource::ShiftType).await?;
                Ok(lv::shift_type_message(&row))
            })
        })
        .await?;
        Ok(Response::new(shift))
    }

    async fn get_shift_type(
        &self,
        request: Request<pb::GetShiftTypeRequest>,
    ) -> Result<Response<pb::ShiftType>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let district_id = id(&mut violations, "district_id", &request.district_id);
        let district_id = violations.into_result(|| district_id)?;
        let shift = repo::get_shift_type(self.store.connection(), district_id, &request.code)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(lv::shift_type_message(&shift)))
    }

    async fn list_shift_types(
        &self,
        request: Request<pb::ListShiftTypesRequest>,
    ) -> Result<Response<pb::ListShiftTypesResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let district_id = id(&mut violations, "district_id", &request.district_id);
        let district_id = violations.into_result(|| district_id)?;
        self.district(district_id).await?;
        let shifts =
            repo::list_shift_types(self.store.connection(), district_id).await.map_err(ApiError::from)?;
        let mut violations = Violations::new();
        let (page, next_page_token) = common::ordered_page(
            &mut violations,
            shifts,
            request.page_size,
            &request.page_token,
            &common::page_scope(&request, |r| (&mut r.page_size, &mut r.page_token)),
            |shift_type| format!("{:05}\0{}", shift_type.start_minute, shift_type.code),
        );
        violations.finish()?;
        Ok(Response::new(pb::ListShiftTypesResponse {
            shift_types: page.iter().map(lv::shift_type_message).collect(),
            next_page_token,
        }))
    }

    async fn list_public_holidays(
        &self,
        request: Request<pb::ListPublicHolidaysRequest>,
    ) -> Result<Response<pb::ListPublicHolidaysResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        if !(1900..=2200).contains(&request.year) {
            violations.add("year", "must be between 1900 and 2200");
        }
        violations.finish()?;
        Ok(Response::new(pb::ListPublicHolidaysResponse {
            holidays: lv::public_holiday_messages(request.year),
        }))
    }

    async fn create_exemption(
        &self,
        request: Request<pb::CreateExemptionRequest>,
    ) -> Result<Response<pb::Exemption>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        idempotency::check_request_id(&mut violations, &request.request_id);
        let record = violations.required("exemption", request.exemption.as_ref());
        let member_id = record
            .and_then(|record| id(&mut violations, "exemption.staff_member_id", &record.staff_member_id));
        let row = record
            .zip(member_id)
            .and_then(|(record, member)| lv::new_exemption(&mut violations, record, member));
        let row = violations.into_result(|| row)?;
        repo::get_staff_member(self.store.connection(), row.staff_member_id).await.map_err(ApiError::from)?;
        let record = idempotency::run(&self.store, "CreateExemption", &request.request_id, &request, |tx| {
            Box::pin(async move {
                let row = repo::insert::<_, allmenn_store::entity::legevakt::exemption::ActiveModel>(
                    tx,
                    row,
                    Resource::Exemption,
                )
                .await?;
                Ok(lv::exemption_message(&row))
            })
        })
        .await?;
        Ok(Response::new(record))
    }

    async fn list_exemptions(
        &self,
        request: Request<pb::ListExemptionsRequest>,
    ) -> Result<Response<pb::ListExemptionsResponse>, Status> {
        let request = request.into_inner();
        let (staff, district) = self.staff_in_scope(&request.district_id, &request.staff_member_id).await?;
        let mut violations = Violations::new();
        let as_of = common::date(&mut violations, "as_of", request.as_of.as_ref());
        let ids = staff.iter().map(|member| member.id).collect();
        let mut exemptions: Vec<pb::Exemption> = repo::exemptions_of(self.store.connection(), ids)
            .await
            .map_err(ApiError::from)?
            .iter()
            .filter(|record| {
                as_of.is_none_or(|date| {
                    record.valid_from <= date && record.valid_to.is_none_or(|end| date <= end)
                })
            })
            .map(lv::exemption_message)
            .collect();
        // Age exemptions are derived from birth dates, never stored.
        for member in &staff {
            if let Some(age) = lv::age_exemption_message(member, district.exemption_age_years) {
                let from = age.valid_from.as_ref().map(|date| (date.year, date.month, date.day));
                let applies = as_of.is_none_or(|date| {
                    use chrono::Datelike;
                    from.is_some_and(|from| {
                        from <= (
                            date.year(),
                            i32::try_from(date.month()).unwrap_or(0),
                            i32::try_from(date.day()).unwrap_or(0),
                        )
                    })
                });
                if applies {
                    exemptions.push(age);
                }
            }
        }
        let (page, next_page_token) = common::ordered_page(
            &mut violations,
            exemptions,
            request.page_size,
            &request.page_token,
            &common::page_scope(&request, |r| (&mut r.page_size, &mut r.page_token)),
            // By staff member, then start, as the API says: derived ones among the stored ones.
            |exemption| {
                let from = exemption.valid_from.as_ref().map_or(String::new(), |date| {
                    format!("{:04}-{:02}-{:02}", date.year, date.month, date.day)
                });
                format!("{}\0{from}\0{}", exemption.staff_member_id, exemption.id)
            },
        );
        violations.finish()?;
        Ok(Response::new(pb::ListExemptionsResponse { exemptions: page, next_page_token }))
    }

    async fn create_unavailability(
        &self,
        request: Request<pb::CreateUnavailabilityRequest>,
    ) -> Result<Response<pb::Unavailability>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        idempotency::check_request_id(&mut violations, &request.request_id);
        let span = violations.required("unavailability", request.unavailability.as_ref());
        let member_id = span
            .and_then(|span| id(&mut violations, "unavailability.staff_member_id", &span.staff_member_id));
        let row = span
            .zip(member_id)
            .and_then(|(span, member)| lv::new_unavailability(&mut violations, span, member));
        let row = violations.into_result(|| row)?;
        let member = repo::get_staff_member(self.store.connection(), row.staff_member_id)
            .await
            .map_err(ApiError::from)?;
        let affected = self.affected_published_shifts(&member, row.start_time, row.end_time).await?;
        let span =
            idempotency::run(&self.store, "CreateUnavailability", &request.request_id, &request, |tx| {
                Box::pin(async move {
                    let row =
                        repo::insert::<_, allmenn_store::entity::legevakt::unavailability::ActiveModel>(
                            tx,
                            row,
                            Resource::Unavailability,
                        )
                        .await?;
                    Ok(lv::unavailability_message(&row, affected))
                })
            })
            .await?;
        Ok(Response::new(span))
    }

    async fn list_unavailabilities(
        &self,
        request: Request<pb::ListUnavailabilitiesRequest>,
    ) -> Result<Response<pb::ListUnavailabilitiesResponse>, Status> {
        let request = request.into_inner();
        let (staff, _) = self.staff_in_scope(&request.district_id, &request.staff_member_id).await?;
        let mut violations = Violations::new();
        let from = request
            .start_time
            .as_ref()
            .and_then(|time| common::timestamp(&mut violations, "start_time", time));
        let to =
            request.end_time.as_ref().and_then(|time| common::timestamp(&mut violations, "end_time", time));
        let spans =
            repo::unavailability_of(self.store.connection(), staff.iter().map(|m| m.id).collect(), from, to)
                .await
                .map_err(ApiError::from)?;
        let (page, next_page_token) = common::ordered_page(
            &mut violations,
            spans,
            request.page_size,
            &request.page_token,
            &common::page_scope(&request, |r| (&mut r.page_size, &mut r.page_token)),
            |span| format!("{}\0{}", common::instant_key(span.start_time), span.id),
        );
        violations.finish()?;
        Ok(Response::new(pb::ListUnavailabilitiesResponse {
            unavailabilities: page.iter().map(|span| lv::unavailability_message(span, Vec::new())).collect(),
            next_page_token,
        }))
    }

    async fn create_shift_request(
        &self,
        request: Request<pb::CreateShiftRequestRequest>,
    ) -> Result<Response<pb::ShiftRequest>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        idempotency::check_request_id(&mut violations, &request.request_id);
        let wish = violations.required("shift_request", request.shift_request.as_ref());
        let plan_id = wish.and_then(|wish| id(&mut violations, "shift_request.plan_id", &wish.plan_id));
        let member_id =
            wish.and_then(|wish| id(&mut violations, "shift_request.staff_member_id", &wish.staff_member_id));
        let date = wish.and_then(|wish| {
            let date = violations.required("shift_request.date", wish.date.as_ref());
            common::date(&mut violations, "shift_request.date", date)
        });
        let kind = wish.and_then(|wish| match pb::ShiftRequestKind::try_from(wish.kind) {
            Ok(pb::ShiftRequestKind::Want) => Some("want"),
            Ok(pb::ShiftRequestKind::Avoid) => Some("avoid"),
            _ => {
                violations.add("shift_request.kind", "must be WANT or AVOID");
                None
            }
        });
        let weight = wish.map_or(1, |wish| if wish.weight == 0 { 1 } else { wish.weight });
        if !(1..=10).contains(&weight) {
            violations.add("shift_request.weight", "must be between 1 and 10");
        }
        if wish.is_some_and(|wish| wish.note.chars().count() > 500) {
            violations.add("shift_request.note", "must be at most 500 characters");
        }
        let (plan_id, member_id, date, kind, wish) =
            violations.into_result(|| Some((plan_id?, member_id?, date?, kind?, wish?)))?;
        let plan = repo::get_plan(self.store.connection(), plan_id).await.map_err(ApiError::from)?;
        let member =
            repo::get_staff_member(self.store.connection(), member_id).await.map_err(ApiError::from)?;
        let mut violations = Violations::new();
        if date < plan.start_date || date > plan.end_date {
            violations.add("shift_request.date", "is outside the plan's period");
        }
        if member.district_id != plan.district_id {
            violations.add("shift_request.staff_member_id", "is not on the plan's district staff");
        }
        if !wish.shift_type_code.is_empty()
            && repo::get_shift_type(self.store.connection(), plan.district_id, &wish.shift_type_code)
                .await
                .is_err()
        {
            violations.add("shift_request.shift_type_code", "is not a shift type of the district");
        }
        violations.finish()?;
        let district_id = plan.district_id;
        let row = shift_request::Model {
            id: Uuid::now_v7(),
            plan_id,
            staff_member_id: member_id,
            date,
            shift_type_code: wish.shift_type_code.clone(),
            kind: kind.to_owned(),
            weight,
            note: wish.note.clone(),
            created_at: Utc::now(),
        };
        let created =
            idempotency::run(&self.store, "CreateShiftRequest", &request.request_id, &request, |tx| {
                Box::pin(async move {
                    // Judged under the plan's lock, after a retry's stored answer was looked up.
                    repo::lock_open_request_window(tx, row.plan_id).await?;
                    repo::hold_staff(tx, vec![row.staff_member_id]).await?;
                    if !row.shift_type_code.is_empty() {
                        repo::hold_shift_types(tx, district_id, vec![row.shift_type_code.clone()]).await?;
                    }
                    let row = repo::insert::<_, shift_request::ActiveModel>(tx, row, Resource::ShiftRequest)
                        .await?;
                    Ok(lv::request_message(&row))
                })
            })
            .await?;
        Ok(Response::new(created))
    }

    async fn list_shift_requests(
        &self,
        request: Request<pb::ListShiftRequestsRequest>,
    ) -> Result<Response<pb::ListShiftRequestsResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let plan_id = id(&mut violations, "plan_id", &request.plan_id);
        let member_id = if request.staff_member_id.is_empty() {
            None
        } else {
            id(&mut violations, "staff_member_id", &request.staff_member_id)
        };
        let plan_id = violations.into_result(|| plan_id)?;
        repo::get_plan(self.store.connection(), plan_id).await.map_err(ApiError::from)?;
        let requests =
            repo::list_requests(self.store.connection(), plan_id, member_id).await.map_err(ApiError::from)?;
        let mut violations = Violations::new();
        let (page, next_page_token) = common::ordered_page(
            &mut violations,
            requests,
            request.page_size,
            &request.page_token,
            &common::page_scope(&request, |r| (&mut r.page_size, &mut r.page_token)),
            |request| {
                format!("{}\0{}\0{}", common::date_key(request.date), request.staff_member_id, request.id)
            },
        );
        violations.finish()?;
        Ok(Response::new(pb::ListShiftRequestsResponse {
            shift_requests: page.iter().map(lv::request_message).collect(),
            next_page_token,
        }))
    }

    async fn delete_shift_request(
        &self,
        request: Request<pb::DeleteShiftRequestRequest>,
    ) -> Result<Response<pb::DeleteShiftRequestResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        idempotency::check_request_id(&mut violations, &request.request_id);
        let request_id = id(&mut violations, "shift_request_id", &request.shift_request_id);
        let request_id_value = violations.into_result(|| request_id)?;
        let deleted =
            idempotency::run(&self.store, "DeleteShiftRequest", &request.request_id, &request, |tx| {
                Box::pin(async move {
                    let row = repo::delete_request(tx, request_id_value).await?;
                    Ok(pb::DeleteShiftRequestResponse { shift_request: Some(lv::request_message(&row)) })
                })
            })
            .await?;
        Ok(Response::new(deleted))
    }

    async fn list_shift_plans(
        &self,
        request: Request<pb::ListShiftPlansRequest>,
    ) -> Result<Response<pb::ListShiftPlansResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let district_id = id(&mut violations, "district_id", &request.district_id);
        let district_id = violations.into_result(|| district_id)?;
        self.district(district_id).await?;
        let plans = repo::list_plans(self.store.connection(), district_id).await.map_err(ApiError::from)?;
        let mut violations = Violations::new();
        let (page, next_page_token) = common::ordered_page(
            &mut violations,
            plans,
            request.page_size,
            &request.page_token,
            &common::page_scope(&request, |r| (&mut r.page_size, &mut r.page_token)),
            |plan| format!("{}\0{}", common::descending_date_key(plan.start_date), plan.id),
        );
        violations.finish()?;
        Ok(Response::new(pb::ListShiftPlansResponse {
            plans: page.iter().map(|plan| lv::plan_message(plan, None, None)).collect(),
            next_page_token,
        }))
    }

    async fn list_cover_requirements(
        &self,
        request: Request<pb::ListCoverRequirementsRequest>,
    ) -> Result<Response<pb::ListCoverRequirementsResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let plan_id = id(&mut violations, "plan_id", &request.plan_id);
        let from = common::date(&mut violations, "start_date", request.start_date.as_ref());
        let to = common::date(&mut violations, "end_date", request.end_date.as_ref());
        let plan_id = violations.into_result(|| plan_id)?;
        let plan = repo::get_plan(self.store.connection(), plan_id).await.map_err(ApiError::from)?;
        let roles = self.roles(plan.district_id).await?;
        let rows =
            repo::list_cover(self.store.connection(), plan_id, from, to).await.map_err(ApiError::from)?;
        let mut violations = Violations::new();
        let (page, next_page_token) = common::ordered_page(
            &mut violations,
            rows,
            request.page_size,
            &request.page_token,
            &common::page_scope(&request, |r| (&mut r.page_size, &mut r.page_token)),
            // By date, then the shift type's start (`roles` is in that order), as the API says.
            |row| {
                let by_start =
                    roles.iter().position(|(code, _)| *code == row.shift_type_code).unwrap_or(9999);
                format!("{}\0{by_start:04}\0{}", common::date_key(row.date), row.shift_type_code)
            },
        );
        violations.finish()?;
        Ok(Response::new(pb::ListCoverRequirementsResponse {
            requirements: page
                .iter()
                .map(|row| lv::cover_message(row, role_for(&roles, &row.shift_type_code)))
                .collect(),
            next_page_token,
        }))
    }

    async fn list_shift_plan_versions(
        &self,
        request: Request<pb::ListShiftPlanVersionsRequest>,
    ) -> Result<Response<pb::ListShiftPlanVersionsResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let plan_id = id(&mut violations, "plan_id", &request.plan_id);
        let plan_id = violations.into_result(|| plan_id)?;
        repo::get_plan(self.store.connection(), plan_id).await.map_err(ApiError::from)?;
        let versions = repo::list_versions(self.store.connection(), plan_id).await.map_err(ApiError::from)?;
        let mut violations = Violations::new();
        let (page, next_page_token) = common::keyed_page(
            &mut violations,
            versions,
            request.page_size,
            &request.page_token,
            |version| (-i64::from(version.version), 0),
        );
        violations.finish()?;
        Ok(Response::new(pb::ListShiftPlanVersionsResponse {
            versions: page.iter().map(lv::version_message).collect(),
            next_page_token,
        }))
    }

    async fn get_shift_plan_solve(
        &self,
        request: Request<pb::GetShiftPlanSolveRequest>,
    ) -> Result<Response<pb::ShiftPlanSolve>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let solve_id = id(&mut violations, "solve_id", &request.solve_id);
        let solve_id = violations.into_result(|| solve_id)?;
        let solve = repo::get_solve(self.store.connection(), solve_id).await.map_err(ApiError::from)?;
        Ok(Response::new(lv::solve_message(&solve)))
    }

    async fn cancel_shift_plan_solve(
        &self,
        request: Request<pb::CancelShiftPlanSolveRequest>,
    ) -> Result<Response<pb::ShiftPlanSolve>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        idempotency::check_request_id(&mut violations, &request.request_id);
        let solve_id = id(&mut violations, "solve_id", &request.solve_id);
        let solve_id = violations.into_result(|| solve_id)?;
        let solve =
            idempotency::run(&self.store, "CancelShiftPlanSolve", &request.request_id, &request, |tx| {
                Box::pin(
                    async move { Ok(lv::solve_message(&repo::request_solve_cancel(tx, solve_id).await?)) },
                )
            })
            .await?;
        Ok(Response::new(solve))
    }

    async fn list_fairness_balances(
        &self,
        request: Request<pb::ListFairnessBalancesRequest>,
    ) -> Result<Response<pb::ListFairnessBalancesResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        let district_id = id(&mut violations, "district_id", &request.district_id);
        let district_id = violations.into_result(|| district_id)?;
        let balances = self.balances(district_id).await?;
        let mut violations = Violations::new();
        let (page, next_page_token) = common::ordered_page(
            &mut violations,
            balances,
            request.page_size,
            &request.page_token,
            &common::page_scope(&request, |r| (&mut r.page_size, &mut r.page_token)),
            |balance| {
                format!("{}\0{}", common::descending_number_key(balance.balance), balance.staff_member_id)
            },
        );
        violations.finish()?;
        Ok(Response::new(pb::ListFairnessBalancesResponse { balances: page, next_page_token }))
    }

    async fn adjust_fairness_balance(
        &self,
        request: Request<pb::AdjustFairnessBalanceRequest>,
    ) -> Result<Response<pb::FairnessBalance>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::new();
        idempotency::check_request_id(&mut violations, &request.request_id);
        let district_id = id(&mut violations, "district_id", &request.district_id);
        let member_id = id(&mut violations, "staff_member_id", &request.staff_member_id);
        let reason = common::text(&mut violations, "reason", &request.reason, 500);
        if !request.delta.is_finite() || request.delta.abs() > 100_000.0 {
            violations.add("delta", "must be a finite number of points, at most 100,000 either way");
        }
        let (district_id, member_id, reason) =
            violations.into_result(|| Some((district_id?, member_id?, reason?)))?;
        let member =
            repo::get_staff_member(self.store.connection(), member_id).await.map_err(ApiError::from)?;
        if member.district_id != district_id {
            return Err(ApiError::NotFound {
                message: "the staff member is not on that district's staff".to_owned(),
                reason: "STAFF_MEMBER_NOT_FOUND",
            }
            .into());
        }
        let entry = allmenn_store::entity::legevakt::fairness_adjustment::Model {
            id: Uuid::now_v7(),
            district_id,
            staff_member_id: member_id,
            plan_id: None,
            points: 0.0,
            target: 0.0,
            delta: request.delta,
            reason,
            created_at: Utc::now(),
        };
        idempotency::run(&self.store, "AdjustFairnessBalance", &request.request_id, &request, |tx| {
            Box::pin(async move {
                repo::insert::<_, allmenn_store::entity::legevakt::fairness_adjustment::ActiveModel>(
                    tx,
                    entry,
                    Resource::StaffMember,
                )
                .await?;
                Ok(pb::FairnessBalance::default())
            })
        })
        .await?;
        let balance = self
            .balances(district_id)
            .await?
            .into_iter()
            .find(|balance| balance.staff_member_id == member_id.to_string())
            .unwrap_or_default();
        Ok(Response::new(balance))
    }
}

fn role_for(roles: &[(String, pb::ShiftRole)], code: &str) -> pb::ShiftRole {
    roles.iter().find(|(known, _)| known == code).map_or(pb::ShiftRole::Unspecified, |(_, role)| *role)
}

impl Legevakt {
    /// The staff a list request is about: one member, or a district's whole staff.
    async fn staff_in_scope(
        &self,
        district_id: &str,
        staff_member_id: &str,
    ) -> Result<(Vec<staff_member::Model>, district::Model), ApiError> {
        let mut violations = Violations::new();
        if district_id.is_empty() && staff_member_id.is_empty() {
            violations.add("district_id", "give a district_id or a staff_member_id");
        }
        let district =
            (!district_id.is_empty()).then(|| id(&mut violations, "district_id", district_id)).flatten();
        let member = (!staff_member_id.is_empty())
            .then(|| id(&mut violations, "staff_member_id", staff_member_id))
            .flatten();
        violations.finish()?;
        if let Some(member_id) = member {
            let member = repo::get_staff_member(self.store.connection(), member_id).await?;
            let district = self.district(member.district_id).await?;
            return Ok((vec![member], district));
        }
        let district = self.district(district.unwrap_or_default()).await?;
        let staff = repo::list_staff(self.store.connection(), district.id, None).await?;
        Ok((staff, district))
    }

    /// Shift codes of a district with their roles.
    async fn roles(&self, district_id: Uuid) -> Result<Vec<(String, pb::ShiftRole)>, ApiError> {
        Ok(repo::list_shift_types(self.store.connection(), district_id)
            .await?
            .into_iter()
            .map(|shift| (shift.code, lv::role_of(&shift.role)))
            .collect())
    }

    /// Running balances per staff member of a district, highest first.
    async fn balances(&self, district_id: Uuid) -> Result<Vec<pb::FairnessBalance>, ApiError> {
        self.district(district_id).await?;
        let staff = repo::list_staff(self.store.connection(), district_id, None).await?;
        let ledger = repo::fairness_ledger(self.store.connection(), district_id).await?;
        let mut balances: Vec<pb::FairnessBalance> = staff
            .iter()
            .map(|member| {
                let entries: Vec<_> =
                    ledger.iter().filter(|entry| entry.staff_member_id == member.id).collect();
                pb::FairnessBalance {
                    district_id: district_id.to_string(),
                    staff_member_id: member.id.to_string(),
                    balance: entries.iter().map(|entry| entry.delta).sum(),
                    points_total: entries.iter().map(|entry| entry.points).sum(),
                    target_total: entries.iter().map(|entry| entry.target).sum(),
                    plans_counted: i32::try_from(
                        entries.iter().filter(|entry| entry.plan_id.is_some()).count(),
                    )
                    .unwrap_or(i32::MAX),
                    update_time: entries.iter().map(|entry| entry.created_at).max().map(common::to_timestamp),
                }
            })
            .collect();
        balances.sort_by(|a, b| {
            b.balance.total_cmp(&a.balance).then_with(|| a.staff_member_id.cmp(&b.staff_member_id))
        });
        Ok(balances)
    }

    /// Published shifts a person holds that overlap `[start, end)`: those a new absence collides with.
    async fn affected_published_shifts(
        &self,
        member: &staff_member::Model,
        start: chrono::DateTime<Utc>,
        end: chrono::DateTime<Utc>,
    ) -> Result<Vec<pb::AffectedShift>, ApiError> {
        let shift_types = repo::list_shift_types(self.store.connection(), member.district_id).await?;
        let mut affected = Vec::new();
        for plan in repo::list_plans(self.store.connection(), member.district_id).await? {
            if plan.published_version == 0 {
                continue;
            }
            for assignment in
                repo::assignments(self.store.connection(), plan.id, plan.published_version).await?
            {
                if assignment.staff_member_id != member.id {
                    continue;
                }
                let Some(shift) = shift_types.iter().find(|shift| shift.code == assignment.shift_type_code)
                else {
                    continue;
                };
                let Some((shift_start, shift_end)) = occurrence_instants(assignment.date, shift) else {
                    continue;
                };
                if shift_start < end && start < shift_end {
                    affected.push(pb::AffectedShift {
                        plan_id: plan.id.to_string(),
                        shift_id: lv::occurrence_id(assignment.date, &shift.code),
                        start_time: Some(common::to_timestamp(shift_start)),
                    });
                }
            }
        }
        Ok(affected)
    }
}

/// Real start and end of a shift type's occurrence on a date (Europe/Oslo, DST-correct).
fn occurrence_instants(
    date: chrono::NaiveDate,
    shift: &shift_type::Model,
) -> Option<(chrono::DateTime<Utc>, chrono::DateTime<Utc>)> {
    let start_local = date.and_hms_opt(0, 0, 0)? + chrono::Duration::minutes(i64::from(shift.start_minute));
    let end_local = start_local + chrono::Duration::minutes(i64::from(shift.length_minutes));
    Some((
        allmenn_domain::shift_time::oslo_instant(start_local)?,
        allmenn_domain::shift_time::oslo_instant(end_local)?,
    ))
}

/// Midnight at the start of a date in Norway.
pub(super) fn oslo_midnight(date: chrono::NaiveDate) -> Option<chrono::DateTime<Utc>> {
    load::midnight(date)
}

/// Planning rules with every documented default filled in (for new districts and the demo).
pub fn default_rules() -> pb::PlanningRules {
    lv::rules_with_defaults(None)
}

/// The competence rule of akuttmedisinforskriften § 7 with its documented defaults.
pub fn default_competence_rule() -> pb::CompetenceRule {
    lv::competence_rule_with_defaults(None)
}
