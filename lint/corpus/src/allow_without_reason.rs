//! An allow of a rule must say why.
use tonic::{Status, Streaming};

#[tonic_session::allow(unannotated_client)] //~ allow_without_reason
pub async fn drain(mut stream: Streaming<Point>) -> Result<(), Status> {
    while stream.message().await?.is_some() {}
    Ok(())
}

#[tonic_session::allow(unannotated_client, reason = "")] //~ allow_without_reason
pub async fn drain_again(mut stream: Streaming<Point>) -> Result<(), Status> {
    while stream.message().await?.is_some() {}
    Ok(())
}
