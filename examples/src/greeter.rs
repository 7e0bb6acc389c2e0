//! The service: one handler per RPC kind.

use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};

use crate::pb::greeting_service_server::GreetingService;
use crate::pb::{HelloRequest, HelloResponse};

/// How many greetings `HelloServerStream` sends.
pub const GREETINGS: u32 = 3;

/// The greeter. `Clone`, so each streaming handler body owns a handle.
#[derive(Clone, Debug, Default)]
pub struct Greeter;

/// The greeting for `name`: `Hello, {name}!`.
pub fn greet(name: &str) -> HelloResponse {
    HelloResponse {
        message: format!("Hello, {name}!"),
    }
}

#[tonic_session::service]
impl GreetingService for Greeter {
    /// Unary: passes through the attribute untouched.
    async fn hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloResponse>, Status> {
        Ok(Response::new(greet(&request.into_inner().name)))
    }

    /// Server streaming: a few greetings, with a response header set before the first.
    async fn hello_server_stream(
        &self,
        request: Request<HelloRequest>,
        mut tx: Sender<HelloResponse>,
    ) -> Result<Finished, Status> {
        tx.with_headers(|headers| headers.insert("x-greetings", GREETINGS.into()));
        let name = request.into_inner().name;
        for i in 1..=GREETINGS {
            tx.send(greet(&format!("{name} #{i}"))).await?;
        }
        Ok(tx.finish())
    }

    /// Client streaming: one greeting for everyone who sent a name, after a complete
    /// upload (an aborted one is an error, never a short list).
    async fn hello_client_stream(
        &self,
        request: Request<Receiver<HelloRequest>>,
    ) -> Result<Response<HelloResponse>, Status> {
        let mut rx = request.into_inner();
        let mut names = Vec::new();
        while let Some(request) = rx.message().await? {
            names.push(request.name);
        }
        Ok(Response::new(greet(&names.join(", "))))
    }

    /// Bidi streaming: a greeting for each name, as it arrives.
    async fn hello_bi_streams(
        &self,
        request: Request<Receiver<HelloRequest>>,
        mut tx: Sender<HelloResponse>,
    ) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        while let Some(request) = rx.message().await? {
            tx.send(greet(&request.name)).await?;
        }
        Ok(tx.finish())
    }
}
