//! Entities of the legevakt capability: districts, staff, shift types, exemptions, unavailability,
//! plans with cover, requests, versions and assignments, solves, swaps and fairness adjustments.

pub mod cover_requirement;
pub mod district;
pub mod exemption;
pub mod fairness_adjustment;
pub mod plan_assignment;
pub mod plan_solve;
pub mod plan_version;
pub mod shift_plan;
pub mod shift_request;
pub mod shift_swap;
pub mod shift_type;
pub mod staff_member;
pub mod unavailability;
