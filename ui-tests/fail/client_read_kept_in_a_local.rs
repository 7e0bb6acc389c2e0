//! A reply kept in a local is the read it came from: where it was `Some`, the
//! stream goes on, and leaving then loses the final status. An error status
//! matched as `Err(_e)` is thrown away, not kept.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

#[tonic_session::client]
async fn first_reply_then_leave(mut client: Client) -> Result<(), Status> {
    let mut rx = client.hello_server_stream(hello("a")).await?;
    let first = rx.message().await?;
    if first.is_some() {
        return Ok(());
    }
    Ok(())
}

#[tonic_session::client]
async fn error_thrown_away(mut client: Client) -> Result<usize, Status> {
    let mut rx = client.hello_server_stream(hello("b")).await?;
    let mut count = 0;
    loop {
        match rx.message().await {
            Ok(Some(_)) => count += 1,
            Ok(None) => break,
            Err(_e) => break,
        }
    }
    Ok(count)
}

fn main() {}
