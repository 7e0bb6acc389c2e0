//! A response stream kept in a struct behind an `RwLock`, for "any task" to read.
use std::sync::Arc;

use tokio::sync::RwLock;
use tonic::Streaming;

pub struct Subscription {
    pub events: Arc<RwLock<Streaming<Event>>>, //~ concurrent_recv
}

pub async fn subscribe(mut client: EventsClient<Channel>) -> Result<Subscription, tonic::Status> {
    let events = client.subscribe(Request::new(all())).await?.into_inner();
    Ok(Subscription {
        events: Arc::new(RwLock::new(events)), //~ concurrent_recv
    })
}
