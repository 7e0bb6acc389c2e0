//! The inserted checks never move, borrow or rename what the code did not: a
//! `move` block with a `tx` of its own, a field named like a half, after the outer
//! half was handed on.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

struct Config {
    tx: u32,
    client: &'static str,
}

#[tonic_session::client]
async fn own_names(mut client: Client, config: Config) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    let task = tokio::spawn(async move {
        let _ended = rx.finish().await?;
        Ok::<(), Status>(())
    });
    let _half_closed = tx.finish();
    // A block of its own declaring `tx`, and fields named `tx` and `client`, after
    // both were moved or ended: nothing here names the outer ones.
    let other = tokio::spawn(async move {
        let tx = config.tx + 1;
        let _where = config.client;
        tx
    });
    let _ = other.await;
    task.await.map_err(|err| Status::internal(err.to_string()))?
}

fn main() {}
