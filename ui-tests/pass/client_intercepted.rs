//! Any generated client: here over an `InterceptedService`.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

use tonic::service::interceptor::InterceptedService;
use tonic::{Request};

fn with_token(mut request: Request<()>) -> Result<Request<()>, Status> {
    request.metadata_mut().insert("authorization", "Bearer t".parse().expect("ascii"));
    Ok(request)
}

type Client = GreetingServiceClient<InterceptedService<Channel, fn(Request<()>) -> Result<Request<()>, Status>>>;

#[tonic_session::client]
async fn intercepted(channel: Channel) -> Result<(), Status> {
    let mut client: Client = GreetingServiceClient::with_interceptor(channel, with_token as fn(_) -> _);
    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    tx.send(hello("a")).await?;
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    Ok(())
}

fn main() {
    let _ = intercepted;
}
