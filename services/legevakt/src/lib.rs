//! Legevakt (out-of-hours) shift planning between the service and the general roster optimiser:
//! the plain plan data, its compilation into the scheduler's model, the exact explanation of a
//! roster in legevakt terms, and exports to iCalendar, CSV and HTML. Pure: no I/O, no clock.
//!
//! * [`plan`]: the input of one plan version ([`plan::PlanInput`]) and its shift occurrences;
//! * [`compile`]: [`plan::PlanInput`] → [`allmenn_scheduler::model::Model`] with the maps back;
//! * [`explain`]: the exact score, violations, costs, totals and fairness of a set of
//!   assignments, and validation of manual edits and swaps;
//! * [`solve`]: compile, optimise and explain in one call;
//! * [`export`]: iCalendar (RFC 5545), CSV and a printable HTML roster grid.
#![forbid(unsafe_code)]

pub mod compile;
pub mod explain;
pub mod export;
pub mod plan;
pub mod solve;
