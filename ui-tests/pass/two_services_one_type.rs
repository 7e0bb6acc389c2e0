//! One type serving two services whose streaming handlers share a name: the items
//! the attribute generates for each impl do not clash.
use tonic::codegen::tokio_stream::Stream;
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Sender};

#[tonic::async_trait]
pub trait Prices: Send + Sync + 'static {
    type WatchStream: Stream<Item = Result<u64, Status>> + Send + 'static;
    async fn watch(&self, request: Request<String>) -> Result<Response<Self::WatchStream>, Status>;
}

#[tonic::async_trait]
pub trait Orders: Send + Sync + 'static {
    type WatchStream: Stream<Item = Result<String, Status>> + Send + 'static;
    async fn watch(&self, request: Request<u64>) -> Result<Response<Self::WatchStream>, Status>;
}

#[derive(Clone)]
struct Exchange;

#[tonic_session::service]
impl Prices for Exchange {
    async fn watch(&self, _request: Request<String>, mut tx: Sender<u64>) -> Result<Finished, Status> {
        tx.send(42).await?;
        Ok(tx.finish())
    }
}

#[tonic_session::service]
impl Orders for Exchange {
    async fn watch(&self, request: Request<u64>, mut tx: Sender<String>) -> Result<Finished, Status> {
        tx.send(request.into_inner().to_string()).await?;
        Ok(tx.finish())
    }
}

fn main() {}
