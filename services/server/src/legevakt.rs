//! `allmenn.v1.LegevaktService`: out-of-hours shift plans. Methods not yet built answer UNIMPLEMENTED
//! through the generated default, never fake data.

use allmenn_proto::v1::legevakt_service_server::LegevaktService;
use allmenn_store::Store;

/// The legevakt service over a store.
#[derive(Clone, Debug)]
pub struct Legevakt {
    #[allow(dead_code, reason = "used once the legevakt capability lands")]
    store: Store,
}

impl Legevakt {
    /// A service backed by `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl LegevaktService for Legevakt {}
