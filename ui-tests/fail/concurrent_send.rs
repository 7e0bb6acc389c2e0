//! concurrent_send: one stream's sending half used from two tasks or futures,
//! cloned, or shared through a lock or a reference count (rule 2), client and server.
use std::sync::{Arc, Mutex};

use tonic::{Request, Status};
use tonic::transport::Channel;
use tonic_session::server::{Finished, Sender};
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_ui_tests::Feed;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

// Moved into two tasks: the second `async move` shares it.
#[tonic_session::client]
async fn two_tasks(mut client: Client) -> Result<(), Status> {
    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    let first = tokio::spawn(async move { tx.send(hello("a")).await });
    let second = tokio::spawn(async move {
        tx.send(hello("b")).await?;
        Ok(tx.finish())
    });
    let _ = (first.await, second.await);
    let _ended = rx.finish().await?;
    Ok(())
}

// Made shareable: an upload behind `Arc<Mutex<_>>`.
#[tonic_session::client]
async fn behind_a_lock(mut client: Client) -> Result<(), Status> {
    let upload = client.hello_client_stream(..).await?;
    let shared = Arc::new(Mutex::new(upload));
    drop(shared);
    Ok(())
}

// A task per message, each moving the same half: the loop comes round again.
#[tonic_session::client]
async fn task_per_message(mut client: Client) -> Result<(), Status> {
    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    let mut tasks = Vec::new();
    for name in ["a", "b"] {
        tasks.push(tokio::spawn(async move { tx.send(hello(name)).await }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let _ended = rx.finish().await?;
    Ok(())
}

// Cloned.
#[tonic_session::client]
async fn cloned(mut client: Client) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    let other = tx.clone();
    let _ = (tx.finish(), other.finish(), rx.cancel());
    Ok(())
}

#[derive(Clone)]
struct TwoFutures;

// Server: two futures of one `join!` sending on the same half.
#[tonic_session::service]
impl Feed for TwoFutures {
    async fn watch(&self, _request: Request<u32>, mut tx: Sender<String>) -> Result<Finished, Status> {
        let (a, b) = tokio::join!(
            async { tx.send("a".to_owned()).await },
            async { tx.send("b".to_owned()).await },
        );
        a?;
        b?;
        Ok(tx.finish())
    }
}

#[derive(Clone)]
struct Counted;

// Server: the half behind an `Arc`.
#[tonic_session::service]
impl Feed for Counted {
    async fn watch(&self, _request: Request<u32>, tx: Sender<String>) -> Result<Finished, Status> {
        let shared = Arc::new(tx);
        drop(shared);
        Err(Status::unavailable("shared"))
    }
}

fn main() {
    let _ = (two_tasks, behind_a_lock, task_per_message, cloned);
}
