//! A client that walks through the four RPCs and prints what happened, written
//! with `#[tonic_session::client]`.

use tonic::Status;
use tonic::transport::Channel;

use crate::pb::HelloRequest;
use crate::pb::greeting_service_client::GreetingServiceClient;

fn hello(name: &str) -> HelloRequest {
    HelloRequest {
        name: name.to_owned(),
    }
}

/// Calls each RPC of the greeter once, printing every message sent and received.
#[tonic_session::client]
pub async fn run(channel: Channel) -> Result<(), Status> {
    let mut client = GreetingServiceClient::new(channel);

    println!("unary: sending name=\"gopher\"");
    let reply = client.hello(hello("gopher")).await?.into_inner();
    println!("unary: received {:?}", reply.message);

    println!("server streaming: sending name=\"ferris\"");
    let mut rx = client.hello_server_stream(hello("ferris")).await?;
    let greetings = rx
        .headers()
        .and_then(|headers| headers.get("x-greetings"))
        .cloned();
    println!("server streaming: response header x-greetings={greetings:?}");
    while let Some(reply) = rx.message().await? {
        println!("server streaming: received {:?}", reply.message);
    }
    println!("server streaming: ended with status OK");

    let names = ["alice", "bob", "carol"];
    let mut upload = client.hello_client_stream(..).await?;
    for name in names {
        println!("client streaming: sending {name:?}");
        upload.send(hello(name)).await?;
    }
    println!("client streaming: half-closing");
    let reply = upload.finish().await?.into_inner();
    println!("client streaming: received {:?}", reply.message);

    let (mut tx, mut rx) = client.hello_bi_streams(..).await?;
    for name in names {
        println!("bidi streaming: sending {name:?}");
        tx.send(hello(name)).await?;
        if let Some(reply) = rx.message().await? {
            println!("bidi streaming: received {:?}", reply.message);
        }
    }
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    println!("bidi streaming: half-closed, ended with status OK");
    Ok(())
}
