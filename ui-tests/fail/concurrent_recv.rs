//! concurrent_recv: one stream's receiving half used from two tasks or futures,
//! cloned, or shared through a lock or a reference count (rule 3), client and server.
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use tonic_session::server::Receiver;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_ui_tests::Tally;

type Client = GreetingServiceClient<Channel>;

// Two futures of one `select!` reading the same half.
#[tonic_session::client]
async fn two_readers(mut client: Client) -> Result<(), Status> {
    let mut rx = client.hello_server_stream(HelloRequest::default()).await?;
    tokio::select! {
        first = rx.message() => drop(first),
        second = rx.message() => drop(second),
    }
    rx.cancel();
    Ok(())
}

// Behind `Rc<RefCell<_>>`.
#[tonic_session::client]
async fn behind_a_refcell(mut client: Client) -> Result<(), Status> {
    let rx = client.hello_server_stream(HelloRequest::default()).await?;
    let shared = Rc::new(RefCell::new(rx));
    drop(shared);
    Ok(())
}

// Cloned.
#[tonic_session::client]
async fn cloned(mut client: Client) -> Result<(), Status> {
    let rx = client.hello_server_stream(HelloRequest::default()).await?;
    let other = rx.clone();
    let _ = (rx.cancel(), other.cancel());
    Ok(())
}

#[derive(Clone)]
struct TwoTasks;

// Server: the request's half moved into two tasks.
#[tonic_session::service]
impl Tally for TwoTasks {
    async fn add(&self, request: Request<Receiver<u32>>) -> Result<Response<u64>, Status> {
        let mut rx = request.into_inner();
        let first = tokio::spawn(async move { rx.message().await });
        let second = tokio::spawn(async move { rx.message().await });
        let (a, b) = (first.await, second.await);
        let total = [a, b].into_iter().flatten().flatten().flatten().map(u64::from).sum();
        Ok(Response::new(total))
    }
}

#[derive(Clone)]
struct Locked;

// Server: the half behind `Arc<Mutex<_>>`.
#[tonic_session::service]
impl Tally for Locked {
    async fn add(&self, request: Request<Receiver<u32>>) -> Result<Response<u64>, Status> {
        let rx = request.into_inner();
        let shared = Arc::new(Mutex::new(rx));
        drop(shared);
        Ok(Response::new(0))
    }
}

fn main() {
    let _ = (two_readers, behind_a_refcell, cloned);
}
