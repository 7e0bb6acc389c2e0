//! As with tonic's own calls, an owned client must be `mut` to call it.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

#[tonic_session::client]
async fn not_mut(client: GreetingServiceClient<Channel>) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    let _cancelled = (tx.cancel(), rx.cancel());
    Ok(())
}

fn main() {}
