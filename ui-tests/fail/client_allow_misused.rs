//! An allow names known rules and gives a non-empty reason, and lives where
//! `#[tonic_session::client]` reads it; it allows only the rules it names.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

#[tonic_session::client]
async fn no_reason(mut client: Client) -> Result<(), Status> {
    #[tonic_session::allow(undrained_receiver)]
    let rx = client.hello_server_stream(hello("a")).await?;
    let _cancelled = rx.cancel();
    Ok(())
}

#[tonic_session::client]
async fn empty_reason_and_unknown_rule(mut client: Client) -> Result<(), Status> {
    #[tonic_session::allow(undrained_receiver, reason = "  ")]
    let rx = client.hello_server_stream(hello("a")).await?;
    #[tonic_session::allow(concurrent_sends, reason = "typo")]
    let other = client.hello_server_stream(hello("b")).await?;
    let _cancelled = (rx.cancel(), other.cancel());
    Ok(())
}

#[tonic_session::client]
async fn wrong_rule(mut client: Client) -> Result<(), Status> {
    #[tonic_session::allow(unfinished_sender, reason = "a receiver is not a sender")]
    let rx = client.hello_server_stream(hello("a")).await?;
    let _ = &rx;
    Ok(())
}

#[tonic_session::allow(unfinished_sender, reason = "above the client attribute, it expands first")]
#[tonic_session::client]
async fn above(mut client: Client) -> Result<(), Status> {
    let _cancelled = client.hello_bi_streams(..).await?.0.cancel();
    Ok(())
}

fn main() {}
