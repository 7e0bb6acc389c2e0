//! The example greeter written by hand with raw tonic, doing what
//! `examples/src/greeter.rs` does with tonic-session: the baseline of the build-cost
//! comparison (`build_cost`).

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use crate::pb::greeting_service_server::GreetingService;
use crate::pb::{HelloRequest, HelloResponse};

/// How many greetings `HelloServerStream` sends.
pub const GREETINGS: u32 = 3;

/// The example greeter.
#[derive(Clone, Debug, Default)]
pub struct Greeter;

fn greet(name: &str) -> HelloResponse {
    HelloResponse {
        message: format!("Hello, {name}!"),
    }
}

#[tonic::async_trait]
#[tonic_session::allow(
    unannotated_service,
    detached_half,
    reason = "the hand-written tonic server the bench measures sessions against"
)]
impl GreetingService for Greeter {
    async fn hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloResponse>, Status> {
        Ok(Response::new(greet(&request.into_inner().name)))
    }

    type HelloServerStreamStream = ReceiverStream<Result<HelloResponse, Status>>;

    async fn hello_server_stream(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<Self::HelloServerStreamStream>, Status> {
        let name = request.into_inner().name;
        let (tx, rx) = mpsc::channel(128);
        tokio::spawn(async move {
            for i in 1..=GREETINGS {
                if tx.send(Ok(greet(&format!("{name} #{i}")))).await.is_err() {
                    break;
                }
            }
        });
        let mut response = Response::new(ReceiverStream::new(rx));
        response
            .metadata_mut()
            .insert("x-greetings", GREETINGS.into());
        Ok(response)
    }

    async fn hello_client_stream(
        &self,
        request: Request<Streaming<HelloRequest>>,
    ) -> Result<Response<HelloResponse>, Status> {
        let mut stream = request.into_inner();
        let mut names = Vec::new();
        while let Some(request) = stream.message().await? {
            names.push(request.name);
        }
        Ok(Response::new(greet(&names.join(", "))))
    }

    type HelloBiStreamsStream = ReceiverStream<Result<HelloResponse, Status>>;

    async fn hello_bi_streams(
        &self,
        request: Request<Streaming<HelloRequest>>,
    ) -> Result<Response<Self::HelloBiStreamsStream>, Status> {
        let mut stream = request.into_inner();
        let (tx, rx) = mpsc::channel(128);
        tokio::spawn(async move {
            loop {
                let reply = match stream.message().await {
                    Ok(Some(request)) => Ok(greet(&request.name)),
                    Ok(None) => break,
                    Err(status) => Err(status),
                };
                let failed = reply.is_err();
                if tx.send(reply).await.is_err() || failed {
                    break;
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}
