//! The optimisers behind Allmenn: a general shift-rostering model with an exact evaluator and a local-search optimiser.
//!
//! * [`model`]: the one rostering model (employees × days × shift types) that both the legevakt
//!   domain and the Curtois–Qu benchmark compile into;
//! * [`cq`]: reader for the Curtois–Qu benchmark files (instances and roster grids);
//! * [`evaluate`]: the exact evaluator (hard violations and the weighted soft objective, with
//!   breakdowns per kind, employee and day);
//! * [`optimise`]: the roster optimiser (annealing with incremental scoring and dynamic-programming
//!   row re-optimisation; seeded, time-limited, cancellable, multi-threaded).
#![forbid(unsafe_code)]

pub mod cq;
pub mod evaluate;
pub mod model;
pub mod optimise;
