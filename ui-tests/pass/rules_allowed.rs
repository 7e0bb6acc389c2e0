//! Every rule allowed with its reason, in every place an allow can go: on a `let`,
//! on a function, on an impl method, on an impl, on an associated type.
use std::sync::{Arc, Mutex};

use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;
use tonic::{Request, Response, Status, Streaming};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_ui_tests::{Echo, Feed, Tally};

type Client = GreetingServiceClient<Channel>;

#[tonic_session::client]
async fn on_lets(mut client: Client) -> Result<(), Status> {
    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    #[tonic_session::allow(ignored_send_error, reason = "best effort: the reply below reports any failure")]
    let _ = tx.send(HelloRequest::default()).await;
    #[tonic_session::allow(concurrent_send, reason = "a test double shares the half, one user at a time")]
    let shared = Arc::new(Mutex::new(tx));
    drop(shared);
    #[tonic_session::allow(detached_half, reason = "the reader logs on its own; its result is not needed")]
    let _ = tokio::spawn(async move { rx.finish().await.map(drop) });
    Ok(())
}

#[tonic_session::client]
#[tonic_session::allow(forgotten_half, unfinished_sender, reason = "process exit follows: nothing to release")]
async fn on_a_function(mut client: Client) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    std::mem::forget(tx);
    let _ended = rx.finish().await?;
    Ok(())
}

#[tonic_session::client]
#[tonic_session::allow(raw_stream, reason = "a migration: this call still feeds tonic by hand")]
async fn raw_on_a_function(mut client: Client) -> Result<(), Status> {
    let (feed, requests) = tokio::sync::mpsc::channel(1);
    drop(feed);
    let _reply = client.hello_client_stream(ReceiverStream::new(requests)).await?;
    Ok(())
}

#[derive(Clone)]
struct Legacy;

// A raw handler kept in a session service while it is migrated.
#[tonic_session::service]
impl Tally for Legacy {
    #[tonic_session::allow(raw_stream, reason = "migrated in the next release")]
    async fn add(&self, request: Request<Streaming<u32>>) -> Result<Response<u64>, Status> {
        let mut stream = request.into_inner();
        let mut total = 0;
        while let Some(n) = stream.message().await? {
            total += u64::from(n);
        }
        Ok(Response::new(total))
    }
}

#[derive(Clone)]
struct LegacyFeed;

#[tonic_session::service]
impl Feed for LegacyFeed {
    #[tonic_session::allow(raw_stream, reason = "migrated in the next release")]
    type WatchStream = ReceiverStream<Result<String, Status>>;

    async fn watch(&self, _request: Request<u32>) -> Result<Response<Self::WatchStream>, Status> {
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        drop(tx);
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}

#[derive(Clone)]
struct Lenient;

#[tonic_session::service]
#[tonic_session::allow(ignored_send_error, reason = "a heartbeat: a missed beat is harmless")]
impl Echo for Lenient {
    #[tonic_session::allow(detached_half, reason = "the reader only logs")]
    async fn chat(&self, request: Request<Receiver<String>>, mut tx: Sender<String>) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        tokio::spawn(async move { while let Ok(Some(_)) = rx.message().await {} });
        tx.send("beat".to_owned()).await.ok();
        Ok(tx.finish())
    }
}

fn main() {
    let _ = (on_lets, on_a_function, raw_on_a_function);
}
