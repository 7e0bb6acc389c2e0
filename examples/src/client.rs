//! A client that walks through the four RPCs and prints what happened.

use tonic::transport::Channel;

use crate::pb::HelloRequest;
use crate::pb::greeting_service_client::GreetingServiceClient;

fn hello(name: &str) -> HelloRequest {
    HelloRequest {
        name: name.to_owned(),
    }
}

/// Calls each RPC of the greeter once, printing every message sent and received.
pub async fn run(channel: Channel) -> Result<(), tonic::Status> {
    let mut client = GreetingServiceClient::new(channel);

    println!("unary: sending name=\"gopher\"");
    let reply = client.hello(hello("gopher")).await?.into_inner();
    println!("unary: received {:?}", reply.message);

    println!("server streaming: sending name=\"ferris\"");
    let response = client.hello_server_stream(hello("ferris")).await?;
    let greetings = response.metadata().get("x-greetings").cloned();
    println!("server streaming: response header x-greetings={greetings:?}");
    let mut stream = response.into_inner();
    while let Some(reply) = stream.message().await? {
        println!("server streaming: received {:?}", reply.message);
    }
    println!("server streaming: ended with status OK");

    let names = ["alice", "bob", "carol"];
    println!("client streaming: sending {names:?}, then half-closing");
    let requests = tokio_stream::iter(names.map(hello));
    let reply = client.hello_client_stream(requests).await?.into_inner();
    println!("client streaming: received {:?}", reply.message);

    println!("bidi streaming: sending {names:?}");
    let requests = tokio_stream::iter(names.map(hello));
    let mut stream = client.hello_bi_streams(requests).await?.into_inner();
    while let Some(reply) = stream.message().await? {
        println!("bidi streaming: received {:?}", reply.message);
    }
    println!("bidi streaming: ended with status OK");
    Ok(())
}
