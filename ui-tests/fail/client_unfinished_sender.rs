//! A client sending half that some normal path leaves neither finished nor
//! cancelled (nor handed on): the call would be reset, never completed.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

// Sent to, never finished.
#[tonic_session::client]
async fn never_finished(mut client: Client) -> Result<(), Status> {
    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    tx.send(hello("a")).await?;
    let _ended = rx.finish().await?;
    Ok(())
}

// Finished on one branch only.
#[tonic_session::client]
async fn one_branch(mut client: Client, polite: bool) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    if polite {
        let _half_closed = tx.finish();
    }
    let _ended = rx.finish().await?;
    Ok(())
}

// An upload whose reply is never asked for: a normal `return` drops it.
#[tonic_session::client]
async fn upload_dropped(mut client: Client, names: Vec<String>) -> Result<usize, Status> {
    let mut upload = client.hello_client_stream(..).await?;
    for name in &names {
        upload.send(hello(name)).await?;
    }
    return Ok(names.len());
}

fn main() {}
