//! Each RPC kind called inside `#[tonic_session::client]`: unary as in tonic,
//! server streaming with its request, client streaming and bidi with `..`.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

#[tonic_session::client]
async fn every_kind(mut client: GreetingServiceClient<Channel>) -> Result<(), Status> {
    let _reply = client.hello(hello("unary")).await?.into_inner();

    let mut rx = client.hello_server_stream(hello("server")).await?;
    while let Some(_reply) = rx.message().await? {}
    let _ended = rx.finish().await?;

    let mut upload = client.hello_client_stream(..).await?;
    upload.send(hello("client")).await?;
    let _reply = upload.finish().await?.into_inner();

    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    tx.send(hello("bidi")).await?;
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    Ok(())
}

fn main() {
    let _ = every_kind;
}
