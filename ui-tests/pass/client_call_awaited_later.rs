//! Like a tonic call, a session call is a future: it may be awaited later.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

#[tonic_session::client]
async fn later(mut client: GreetingServiceClient<Channel>) -> Result<(), Status> {
    let call = client.hello_bi_streams(..);
    let (tx, rx) = call.await?;
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    Ok(())
}

fn main() {
    let _ = later;
}
