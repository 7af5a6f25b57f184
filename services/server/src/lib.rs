//! The Allmenn gRPC server: patient lists, team rosters and legevakt shift plans over one tonic
//! server, with health, reflection, graceful shutdown and migrations at start-up.
//!
//! [`app::Application`] is what `main` runs and what the end-to-end tests boot, so tests exercise the
//! server exactly as it is deployed.
#![forbid(unsafe_code)]

pub mod app;
pub mod clock;
pub mod config;
pub mod convert;
pub mod demo;
pub mod error;
pub mod idempotency;
pub mod legevakt;
pub mod patient_lists;
pub mod team_rosters;
pub mod telemetry;
