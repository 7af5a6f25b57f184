//! sea-orm entities, one module per table. Column types are chosen so that SQLite and PostgreSQL
//! store the same values: dates as `DATE` (ISO text on SQLite, so ordering is by date), instants as
//! UTC timestamps, identifiers as UUID.

pub mod doctor_period;
pub mod gp;
pub mod idempotency_key;
pub mod legevakt;
pub mod list_change;
pub mod list_contract;
pub mod list_membership;
pub mod office;
pub mod resident;
