//! A half dropped on purpose is an abandoned call, whatever the syntax: `drop(x)` (the
//! fix is `x.cancel()`, which says so), `let _ = x;` (binds nothing, moves nothing),
//! or a half only printed.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

#[tonic_session::client]
async fn dropped(mut client: Client) -> Result<(), Status> {
    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    tx.send(hello("a")).await?;
    drop(tx);
    let _ended = rx.finish().await?;
    Ok(())
}

#[tonic_session::client]
async fn wildcard(mut client: Client) -> Result<(), Status> {
    let rx = client.hello_server_stream(hello("b")).await?;
    let _ = rx;
    Ok(())
}

#[tonic_session::client]
async fn printed(mut client: Client) -> Result<(), Status> {
    let rx = client.hello_server_stream(hello("c")).await?;
    println!("{:?}", rx);
    Ok(())
}

fn main() {}
