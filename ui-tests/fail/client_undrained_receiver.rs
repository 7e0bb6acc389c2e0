//! A client receiving half that some normal path leaves neither read to its end
//! nor cancelled (nor handed on): a trailing error status would be lost.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

// Reads the three messages it expects, then walks away: a trailing error is lost.
#[tonic_session::client]
async fn reads_three(mut client: Client) -> Result<Vec<String>, Status> {
    let mut rx = client.hello_server_stream(hello("ferris")).await?;
    let mut got = Vec::new();
    for _ in 0..3 {
        if let Some(reply) = rx.message().await? {
            got.push(reply.message);
        }
    }
    Ok(got)
}

// Half-closes, then never reads the final status.
#[tonic_session::client]
async fn never_drained(mut client: Client) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    let _half_closed = tx.finish();
    let _ = &rx;
    Ok(())
}

// Drained in one match arm, forgotten in the other.
#[tonic_session::client]
async fn one_arm(mut client: Client, mode: u8) -> Result<(), Status> {
    let rx = client.hello_server_stream(hello("x")).await?;
    match mode {
        0 => {
            let _ended = rx.finish().await?;
        }
        _ => {}
    }
    Ok(())
}

fn main() {}
