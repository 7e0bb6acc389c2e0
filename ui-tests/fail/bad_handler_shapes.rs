//! Signatures that name a session half but fit no RPC kind.
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_examples::pb::greeting_service_server::GreetingService;
use tonic_session_examples::pb::{HelloRequest, HelloResponse};

#[derive(Clone)]
struct Greeter;

#[tonic_session::service]
impl GreetingService for Greeter {
    // A server-streaming handler needs its request too.
    async fn hello_server_stream(&self, tx: Sender<HelloResponse>) -> Result<Finished, Status> {
        Ok(tx.finish())
    }

    // Handlers are async.
    fn hello_client_stream(
        &self,
        _request: Request<Receiver<HelloRequest>>,
    ) -> Result<Response<HelloResponse>, Status> {
        Ok(Response::new(HelloResponse::default()))
    }

    // The sending half comes second, the request first.
    async fn hello_bi_streams(
        &self,
        tx: Sender<HelloResponse>,
        _request: Request<Receiver<HelloRequest>>,
    ) -> Result<Finished, Status> {
        Ok(tx.finish())
    }

    async fn hello(&self, request: Request<HelloRequest>) -> Result<Response<HelloResponse>, Status> {
        Ok(Response::new(HelloResponse { message: request.into_inner().name }))
    }
}

fn main() {}
