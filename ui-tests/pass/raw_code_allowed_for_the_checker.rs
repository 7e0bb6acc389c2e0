//! `#[tonic_session::allow]` on raw tonic code (no session attribute) is an
//! exception for `cargo tonic-session check`: it compiles, and the item is kept as
//! written, on a function, an impl and a method alike.
use std::pin::Pin;

use tokio_stream::Stream;
use tonic::{Request, Response, Status, Streaming};
use tonic_session_examples::pb::greeting_service_server::{GreetingService, GreetingServiceServer};
use tonic_session_examples::pb::{HelloRequest, HelloResponse};

type Replies = Pin<Box<dyn Stream<Item = Result<HelloResponse, Status>> + Send>>;

#[tonic_session::allow(unannotated_client, reason = "reads what a raw tonic client opened, to its end")]
pub async fn drain(mut stream: Streaming<HelloResponse>) -> Result<usize, Status> {
    let mut count = 0;
    while stream.message().await?.is_some() {
        count += 1;
    }
    Ok(count)
}

#[derive(Clone)]
struct Legacy;

#[tonic::async_trait]
#[tonic_session::allow(unannotated_service, reason = "migrated in the next release")]
impl GreetingService for Legacy {
    type HelloServerStreamStream = Replies;
    type HelloBiStreamsStream = Replies;

    async fn hello(&self, request: Request<HelloRequest>) -> Result<Response<HelloResponse>, Status> {
        Ok(Response::new(HelloResponse { message: request.into_inner().name }))
    }

    #[tonic_session::allow(ignored_send_error, detached_half, reason = "an empty stream")]
    async fn hello_server_stream(
        &self,
        _request: Request<HelloRequest>,
    ) -> Result<Response<Replies>, Status> {
        Ok(Response::new(Box::pin(tokio_stream::empty())))
    }

    async fn hello_client_stream(
        &self,
        request: Request<Streaming<HelloRequest>>,
    ) -> Result<Response<HelloResponse>, Status> {
        let mut stream = request.into_inner();
        let mut count = 0;
        while stream.message().await?.is_some() {
            count += 1;
        }
        Ok(Response::new(HelloResponse { message: count.to_string() }))
    }

    async fn hello_bi_streams(
        &self,
        _request: Request<Streaming<HelloRequest>>,
    ) -> Result<Response<Replies>, Status> {
        Ok(Response::new(Box::pin(tokio_stream::empty())))
    }
}

fn main() {
    let _server = GreetingServiceServer::new(Legacy);
    let _reader = drain;
}
