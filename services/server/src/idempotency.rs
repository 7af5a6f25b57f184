//! Runs a mutation in one write transaction, idempotently: with a `request_id`, the first response is
//! stored in the same transaction and a retry gets it back without changing anything (tonic may drop
//! a handler after its commit, and clients retry on UNAVAILABLE, so this is what makes retries safe).

use allmenn_store::{Store, StoreError, Transaction, idempotency};
use futures::future::BoxFuture;
use prost::Message;

use crate::error::{ApiError, Violations};

/// Longest accepted `request_id`.
const MAX_REQUEST_ID_CHARS: usize = 128;

/// Validates a `request_id` (optional; when present, 1–128 printable ASCII characters).
pub fn check_request_id(violations: &mut Violations, request_id: &str) {
    if request_id.len() > MAX_REQUEST_ID_CHARS || !request_id.bytes().all(|byte| byte.is_ascii_graphic()) {
        violations
            .add("request_id", "must be at most 128 printable ASCII characters (a UUID is recommended)");
    }
}

/// Runs `mutation` in a write transaction and commits, honouring `request_id` as described above.
pub async fn run<Request, Response, Mutation>(
    store: &Store,
    method: &'static str,
    request_id: &str,
    request: &Request,
    mutation: Mutation,
) -> Result<Response, ApiError>
where
    Request: Message,
    Response: Message + Default,
    Mutation: for<'t> FnOnce(&'t Transaction) -> BoxFuture<'t, Result<Response, ApiError>>,
{
    let transaction = store.begin_write().await?;
    if request_id.is_empty() {
        let response = mutation(&transaction).await?;
        transaction.commit().await.map_err(StoreError::from_db)?;
        return Ok(response);
    }
    let fingerprint = idempotency::fingerprint(&request.encode_to_vec());
    if let Some(stored) = idempotency::stored_response(&transaction, request_id, method, fingerprint).await? {
        return decode(&stored);
    }
    let response = match mutation(&transaction).await {
        Ok(response) => response,
        Err(error) => {
            // A duplicate sent at the same time may have waited on the first's locks and failed on
            // what the first did (ALREADY_ON_LIST for its own enrolment): once the first has
            // committed, answer as it did.
            drop(transaction);
            return match idempotency::stored_response(store.connection(), request_id, method, fingerprint)
                .await
            {
                Ok(Some(stored)) => decode(&stored),
                _ => Err(error),
            };
        }
    };
    match idempotency::record(&transaction, request_id, method, fingerprint, response.encode_to_vec()).await {
        Ok(()) => {
            transaction.commit().await.map_err(StoreError::from_db)?;
            Ok(response)
        }
        Err(StoreError::RequestIdRace) => {
            // A concurrent retry committed first: discard this attempt and answer as it did.
            drop(transaction);
            let stored = idempotency::stored_response(store.connection(), request_id, method, fingerprint)
                .await?
                .ok_or(StoreError::RequestIdRace)?;
            decode(&stored)
        }
        Err(error) => Err(error.into()),
    }
}

fn decode<Response: Message + Default>(stored: &[u8]) -> Result<Response, ApiError> {
    Response::decode(stored).map_err(|_| ApiError::Store(StoreError::RequestIdReused))
}
