//! Idempotent mutations: the first response to a `request_id` is stored in the mutation's own
//! transaction, and a retry with the same id gets that response back without changing anything.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use crate::{StoreError, entity::idempotency_key};

/// A stable 64-bit fingerprint (FNV-1a) of an encoded request, to tell a genuine retry from a
/// reused id. Stable across builds and platforms, unlike `std`'s hasher.
pub fn fingerprint(bytes: &[u8]) -> i64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = bytes.iter().fold(OFFSET, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(PRIME));
    i64::from_ne_bytes(hash.to_ne_bytes())
}

/// Returns the stored response for `request_id`, if the id was used before with this method and
/// request; an id reused for something else is an error.
pub async fn stored_response<C: ConnectionTrait>(
    connection: &C,
    request_id: &str,
    method: &str,
    request_fingerprint: i64,
) -> Result<Option<Vec<u8>>, StoreError> {
    let Some(row) = idempotency_key::Entity::find_by_id(request_id.to_owned())
        .one(connection)
        .await
        .map_err(StoreError::from_db)?
    else {
        return Ok(None);
    };
    if row.method != method || row.request_fingerprint != request_fingerprint {
        return Err(StoreError::RequestIdReused);
    }
    Ok(Some(row.response))
}

/// Records the response for `request_id`. A unique violation means a concurrent retry won the race;
/// the caller rolls back and answers with [`stored_response`].
pub async fn record<C: ConnectionTrait>(
    transaction: &C,
    request_id: &str,
    method: &str,
    request_fingerprint: i64,
    response: Vec<u8>,
) -> Result<(), StoreError> {
    idempotency_key::ActiveModel {
        request_id: Set(request_id.to_owned()),
        method: Set(method.to_owned()),
        request_fingerprint: Set(request_fingerprint),
        response: Set(response),
        created_at: Set(Utc::now()),
    }
    .insert(transaction)
    .await
    .map(|_| ())
    .map_err(|error| match error.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => StoreError::RequestIdRace,
        _ => StoreError::from_db(error),
    })
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn fingerprint_is_stable_and_discriminating() {
        // FNV-1a of the empty input is the offset basis; of "a" a published constant.
        assert_eq!(fingerprint(b""), i64::from_ne_bytes(0xcbf2_9ce4_8422_2325_u64.to_ne_bytes()));
        assert_eq!(fingerprint(b"a"), i64::from_ne_bytes(0xaf63_dc4c_8601_ec8c_u64.to_ne_bytes()));
        assert_ne!(fingerprint(b"request-1"), fingerprint(b"request-2"));
    }
}
