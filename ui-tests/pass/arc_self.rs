//! A server generated with `use_arc_self(true)`: handlers take `self: Arc<Self>`,
//! and the service need not be `Clone`.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_examples::pb_arc_self::greeting_service_server::{GreetingService, GreetingServiceServer};
use tonic_session_examples::pb_arc_self::{HelloRequest, HelloResponse};

/// Not `Clone`: it owns its counter.
struct Counting {
    calls: AtomicU64,
}

#[tonic_session::service]
impl GreetingService for Counting {
    async fn hello(self: Arc<Self>, request: Request<HelloRequest>) -> Result<Response<HelloResponse>, Status> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        Ok(Response::new(HelloResponse { message: request.into_inner().name }))
    }

    async fn hello_server_stream(
        self: Arc<Self>,
        request: Request<HelloRequest>,
        mut tx: Sender<HelloResponse>,
    ) -> Result<Finished, Status> {
        let calls = self.calls.fetch_add(1, Ordering::Relaxed);
        tx.send(HelloResponse { message: format!("{} {calls}", request.into_inner().name) }).await?;
        Ok(tx.finish())
    }

    async fn hello_client_stream(
        self: Arc<Self>,
        request: Request<Receiver<HelloRequest>>,
    ) -> Result<Response<HelloResponse>, Status> {
        let mut rx = request.into_inner();
        while rx.message().await?.is_some() {
            self.calls.fetch_add(1, Ordering::Relaxed);
        }
        Ok(Response::new(HelloResponse::default()))
    }

    async fn hello_bi_streams(
        self: std::sync::Arc<Self>,
        request: Request<Receiver<HelloRequest>>,
        mut tx: Sender<HelloResponse>,
    ) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        while let Some(request) = rx.message().await? {
            self.calls.fetch_add(1, Ordering::Relaxed);
            tx.send(HelloResponse { message: request.name }).await?;
        }
        Ok(tx.finish())
    }
}

fn main() {
    let _server = GreetingServiceServer::new(Counting { calls: AtomicU64::new(0) });
}
