//! Code ported from plain tonic: `.into_inner()` on what a streaming call returns.
//! Inside the attribute that is already the session's half; the error says so.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

// A server-streaming call, as tonic's examples read it.
#[tonic_session::client]
async fn list(mut client: Client) -> Result<usize, Status> {
    let mut stream = client.hello_server_stream(hello("a")).await?.into_inner();
    let mut count = 0;
    while let Some(_reply) = stream.message().await? {
        count += 1;
    }
    Ok(count)
}

// A bidi call whose request stream the port built itself.
#[tonic_session::client]
async fn chat(mut client: Client) -> Result<usize, Status> {
    let outbound = tokio_stream::iter(vec![hello("a"), hello("b")]);
    let response = client.hello_bi_streams(outbound).await?;
    let mut inbound = response.into_inner();
    let mut count = 0;
    while let Some(_reply) = inbound.message().await? {
        count += 1;
    }
    Ok(count)
}

fn main() {}
