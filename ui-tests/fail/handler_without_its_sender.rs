//! A streaming handler written in the session shape but without its sending half:
//! the error names the missing parameter and shows the shape.
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_examples::pb::greeting_service_server::GreetingService;
use tonic_session_examples::pb::{HelloRequest, HelloResponse};

#[derive(Clone)]
struct Greeter;

#[tonic_session::service]
impl GreetingService for Greeter {
    async fn hello_server_stream(&self, _request: Request<HelloRequest>) -> Result<Finished, Status> {
        Err(Status::unimplemented("forgot the sender"))
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

    async fn hello(&self, request: Request<HelloRequest>) -> Result<Response<HelloResponse>, Status> {
        Ok(Response::new(HelloResponse { message: request.into_inner().name }))
    }
}

fn main() {}
