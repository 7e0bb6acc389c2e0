//! The four RPC kinds, session-style; no `#[tonic::async_trait]` needed.
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_examples::pb::greeting_service_server::{GreetingService, GreetingServiceServer};
use tonic_session_examples::pb::{HelloRequest, HelloResponse};

#[derive(Clone)]
struct Greeter;

#[tonic_session::service]
impl GreetingService for Greeter {
    async fn hello(&self, request: Request<HelloRequest>) -> Result<Response<HelloResponse>, Status> {
        Ok(Response::new(HelloResponse { message: request.into_inner().name }))
    }

    async fn hello_server_stream(
        &self,
        request: Request<HelloRequest>,
        mut tx: Sender<HelloResponse>,
    ) -> Result<Finished, Status> {
        tx.send(HelloResponse { message: request.into_inner().name }).await?;
        Ok(tx.finish())
    }

    async fn hello_client_stream(
        &self,
        request: Request<Receiver<HelloRequest>>,
    ) -> Result<Response<HelloResponse>, Status> {
        let mut rx = request.into_inner();
        let mut count = 0;
        while rx.message().await?.is_some() {
            count += 1;
        }
        Ok(Response::new(HelloResponse { message: count.to_string() }))
    }

    async fn hello_bi_streams(
        &self,
        request: Request<Receiver<HelloRequest>>,
        mut tx: Sender<HelloResponse>,
    ) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        while let Some(request) = rx.message().await? {
            tx.send(HelloResponse { message: request.name }).await?;
        }
        Ok(tx.finish())
    }
}

fn main() {
    let _server = GreetingServiceServer::new(Greeter);
}
