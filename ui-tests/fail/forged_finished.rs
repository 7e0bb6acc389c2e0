//! `Finished` only comes from `Sender::finish`; it cannot be made by hand.
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_examples::pb::greeting_service_server::GreetingService;
use tonic_session_examples::pb::{HelloRequest, HelloResponse};

#[derive(Clone)]
struct Greeter;

#[tonic_session::service]
impl GreetingService for Greeter {
    async fn hello_server_stream(
        &self,
        request: Request<HelloRequest>,
        mut tx: Sender<HelloResponse>,
    ) -> Result<Finished, Status> {
        tx.send(HelloResponse { message: request.into_inner().name }).await?;
        Ok(Finished { _private: () })
    }

    async fn hello(&self, request: Request<HelloRequest>) -> Result<Response<HelloResponse>, Status> {
        Ok(Response::new(HelloResponse { message: request.into_inner().name }))
    }

    async fn hello_client_stream(
        &self,
        _request: Request<Receiver<HelloRequest>>,
    ) -> Result<Response<HelloResponse>, Status> {
        Ok(Response::new(HelloResponse::default()))
    }

    async fn hello_bi_streams(
        &self,
        _request: Request<Receiver<HelloRequest>>,
        tx: Sender<HelloResponse>,
    ) -> Result<Finished, Status> {
        Ok(tx.finish())
    }
}

fn main() {}
