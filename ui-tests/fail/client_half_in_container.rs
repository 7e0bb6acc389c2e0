//! A half moved into a local container (an `Option`, a tuple, a struct) is still
//! owed its end: the container dropped on a normal path without ending it, moving it
//! out or handing the container on leaks the half.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session::client::{Receiver, Sender};
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_examples::pb::{HelloRequest, HelloResponse};

type Client = GreetingServiceClient<Channel>;

struct Chat {
    tx: Sender<HelloRequest>,
    rx: Receiver<HelloResponse>,
}

#[tonic_session::client]
async fn in_an_option(mut client: Client) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    let _finished = tx.finish();
    let _pending = Some(rx);
    Ok(())
}

#[tonic_session::client]
async fn in_a_struct(mut client: Client) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    let chat = Chat { tx, rx };
    let _ = &chat;
    Ok(())
}

fn main() {}
