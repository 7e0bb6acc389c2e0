//! A raw server-streaming handler with `async_stream`.
use std::pin::Pin;

use tokio_stream::Stream;
use tonic::{Request, Response, Status};

type ResponseStream = Pin<Box<dyn Stream<Item = Result<Event, Status>> + Send>>;

pub struct Events;

#[tonic::async_trait]
impl Watcher for Events { //~ unannotated_service
    type WatchStream = ResponseStream;

    async fn watch(&self, request: Request<Query>) -> Result<Response<Self::WatchStream>, Status> {
        let query = request.into_inner();
        let stream = async_stream::try_stream! {
            for event in lookup(&query).await? {
                yield event;
            }
        };
        Ok(Response::new(Box::pin(stream)))
    }
}
