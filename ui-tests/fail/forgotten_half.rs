//! forgotten_half: a half leaked with `mem::forget`, `ManuallyDrop` or `Box::leak`:
//! its call is neither ended nor reset, client and server.
use std::mem::ManuallyDrop;

use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use tonic_session::server::Receiver;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_ui_tests::Tally;

type Client = GreetingServiceClient<Channel>;

// `mem::forget`.
#[tonic_session::client]
async fn forgotten(mut client: Client) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    std::mem::forget(tx);
    let _ended = rx.finish().await?;
    Ok(())
}

// `ManuallyDrop`.
#[tonic_session::client]
async fn manually_dropped(mut client: Client) -> Result<(), Status> {
    let rx = client.hello_server_stream(HelloRequest::default()).await?;
    let _kept = ManuallyDrop::new(rx);
    Ok(())
}

// `Box::leak`.
#[tonic_session::client]
async fn leaked(mut client: Client) -> Result<(), Status> {
    let upload = client.hello_client_stream(..).await?;
    let _forever = Box::leak(Box::new(upload));
    Ok(())
}

#[derive(Clone)]
struct Forgetful;

// Server: the request's half forgotten.
#[tonic_session::service]
impl Tally for Forgetful {
    async fn add(&self, request: Request<Receiver<u32>>) -> Result<Response<u64>, Status> {
        let rx = request.into_inner();
        std::mem::forget(rx);
        Ok(Response::new(0))
    }
}

fn main() {
    let _ = (forgotten, manually_dropped, leaked);
}
