//! On raw code, an allow for the checker is checked like any other: it names rules
//! the checker knows and gives its reason.
use tonic::{Status, Streaming};
use tonic_session_examples::pb::HelloResponse;

#[tonic_session::allow(unannotated_client)]
pub async fn no_reason(mut stream: Streaming<HelloResponse>) -> Result<(), Status> {
    while stream.message().await?.is_some() {}
    Ok(())
}

#[tonic_session::allow(unannotated_clients, reason = "a typo")]
pub async fn unknown_rule(mut stream: Streaming<HelloResponse>) -> Result<(), Status> {
    while stream.message().await?.is_some() {}
    Ok(())
}

fn main() {}
