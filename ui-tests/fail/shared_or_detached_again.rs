//! concurrent_send and detached_half in forms beyond the plain ones: a half inside
//! an `Option` behind a `Mutex`, and a half moved into `spawn_blocking` whose handle
//! is dropped.
use std::sync::Mutex;

use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

#[tonic_session::client]
async fn behind_a_lock(mut client: Client) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    let shared = Mutex::new(Some(tx));
    let _ = &shared;
    let _ended = rx.cancel();
    Ok(())
}

#[tonic_session::client]
async fn blocking(mut client: Client) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    tokio::task::spawn_blocking(move || {
        let _half_closed = tx.finish();
    });
    let _ended = rx.finish().await?;
    Ok(())
}

fn main() {}
