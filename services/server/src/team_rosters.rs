//! `allmenn.v1.TeamRosterService`. Its capability (teams, needs, the care-team assignment) has not
//! landed yet: every method answers UNIMPLEMENTED through the generated default, never fake data.

use allmenn_proto::v1::team_roster_service_server::TeamRosterService;
use allmenn_store::Store;

/// The team-roster service over a store.
#[derive(Clone, Debug)]
pub struct TeamRosters {
    #[allow(dead_code, reason = "used once the team capability lands")]
    store: Store,
}

impl TeamRosters {
    /// A service backed by `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl TeamRosterService for TeamRosters {}
