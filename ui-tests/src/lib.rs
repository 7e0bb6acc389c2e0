//! Support for the trybuild suite (`tests/ui.rs`): one-method tonic server traits,
//! written out as tonic-build generates them, for cases about a single handler.

use tonic::codegen::tokio_stream::Stream;
use tonic::{Request, Response, Status, Streaming};

/// The server trait of `service Feed { rpc Watch(Query) returns (stream Event); }`,
/// with `u32` queries and `String` events.
#[tonic::async_trait]
pub trait Feed: Send + Sync + 'static {
    /// The response stream of `watch`.
    type WatchStream: Stream<Item = Result<String, Status>> + Send + 'static;

    /// A server-streaming RPC.
    async fn watch(&self, request: Request<u32>) -> Result<Response<Self::WatchStream>, Status>;
}

/// The server trait of `service Tally { rpc Add(stream Number) returns (Total); }`,
/// with `u32` numbers and a `u64` total.
#[tonic::async_trait]
pub trait Tally: Send + Sync + 'static {
    /// A client-streaming RPC.
    async fn add(&self, request: Request<Streaming<u32>>) -> Result<Response<u64>, Status>;
}

/// The server trait of `service Echo { rpc Chat(stream Line) returns (stream Line); }`,
/// with `String` lines.
#[tonic::async_trait]
pub trait Echo: Send + Sync + 'static {
    /// The response stream of `chat`.
    type ChatStream: Stream<Item = Result<String, Status>> + Send + 'static;

    /// A bidi-streaming RPC.
    async fn chat(
        &self,
        request: Request<Streaming<String>>,
    ) -> Result<Response<Self::ChatStream>, Status>;
}
