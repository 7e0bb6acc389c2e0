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

/// The error in the value a leaking half is bound to: its type is an error, and
/// the check in its initialiser says nothing.
#[tonic_session::client]
async fn typo_in_the_value(mut client: Client) -> Result<(), Status> {
    let rx = client.hello_server_stream(HelloRequest::default()).await.unwrapp()?;
    Ok(())
}

/// The same for halves bound by a pattern (checked by a statement).
#[tonic_session::client]
async fn typo_in_a_pair(mut client: Client) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await.expectt("open")?;
    Ok(())
}

fn main() {}
