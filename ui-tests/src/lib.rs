//! Support for the trybuild suite (`tests/ui.rs`): a one-method tonic server trait,
//! written out as tonic-build generates it, for cases about a single handler.

use tonic::codegen::tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// The server trait of `service Feed { rpc Watch(Query) returns (stream Event); }`,
/// with `u32` queries and `String` events.
#[tonic::async_trait]
pub trait Feed: Send + Sync + 'static {
    /// The response stream of `watch`.
    type WatchStream: Stream<Item = Result<String, Status>> + Send + 'static;

    /// A server-streaming RPC.
    async fn watch(&self, request: Request<u32>) -> Result<Response<Self::WatchStream>, Status>;
}
