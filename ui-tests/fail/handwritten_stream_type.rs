//! The attribute generates `type HelloServerStreamStream`; a hand-written one clashes.
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_examples::pb::greeting_service_server::GreetingService;
use tonic_session_examples::pb::{HelloRequest, HelloResponse};

#[derive(Clone)]
struct Greeter;

#[tonic_session::service]
impl GreetingService for Greeter {
    type HelloServerStreamStream = tonic_session::server::ResponseStream<HelloResponse>;

    async fn hello_server_stream(
        &self,
        _request: Request<HelloRequest>,
        tx: Sender<HelloResponse>,
    ) -> Result<Finished, Status> {
        Ok(tx.finish())
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
