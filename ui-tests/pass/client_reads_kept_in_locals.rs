//! A reply kept in a local and looked at later is still the read it came from:
//! where the local is `None` the stream ended. An error status bound to a name the
//! code uses ends the stream too (it is the call's final status, kept). A read
//! under a timer ends where its inner `Option` is `None`.
use std::time::Duration;

use tonic::{Code, Status};
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

#[tonic_session::client]
async fn matched_later(mut client: Client) -> Result<usize, Status> {
    let mut rx = client.hello_server_stream(hello("a")).await?;
    let mut count = 0;
    loop {
        let reply = rx.message().await?;
        match reply {
            Some(_) => count += 1,
            None => break,
        }
    }
    Ok(count)
}

#[tonic_session::client]
async fn let_else_later(mut client: Client) -> Result<Vec<String>, Status> {
    let mut rx = client.hello_server_stream(hello("b")).await?;
    let mut all = Vec::new();
    loop {
        let next = rx.message().await?;
        let Some(reply) = next else { break };
        all.push(reply.message);
    }
    Ok(all)
}

#[tonic_session::client]
async fn tested_later(mut client: Client) -> Result<(), Status> {
    let mut rx = client.hello_server_stream(hello("c")).await?;
    let first = rx.message().await?;
    if first.is_some() {
        // One is all this caller wants.
        let _cancelled = rx.cancel();
        return Ok(());
    }
    Ok(())
}

#[tonic_session::client]
async fn error_status_kept(mut client: Client) -> Result<usize, Status> {
    let mut rx = client.hello_server_stream(hello("d")).await?;
    let mut count = 0;
    loop {
        match rx.message().await {
            Ok(Some(_)) => count += 1,
            Ok(None) => break,
            Err(status) if status.code() == Code::Cancelled => break,
            Err(status) => return Err(status),
        }
    }
    Ok(count)
}

#[tonic_session::client]
async fn read_under_a_timer(mut client: Client) -> Result<usize, Status> {
    let mut rx = client.hello_server_stream(hello("e")).await?;
    let mut count = 0;
    loop {
        match tokio::time::timeout(Duration::from_secs(5), rx.message()).await {
            Ok(Ok(Some(_))) => count += 1,
            Ok(Ok(None)) => break,
            Ok(Err(status)) => return Err(status),
            Err(_elapsed) => {
                let _cancelled = rx.cancel();
                return Err(Status::deadline_exceeded("no reply within 5 s"));
            }
        }
    }
    Ok(count)
}

fn main() {}
