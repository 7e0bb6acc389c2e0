//! An unrelated error in annotated code (a misspelt method) is rustc's own error,
//! alone: the rules add nothing about the half it was called on.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

#[tonic_session::client]
async fn typo(mut client: Client) -> Result<(), Status> {
    let rx = client.hello_server_stream(HelloRequest::default()).await?;
    let _ended = rx.finnish().await?;
    Ok(())
}

fn main() {}
