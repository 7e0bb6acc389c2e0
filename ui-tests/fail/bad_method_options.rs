//! `#[tonic_session(..)]` takes `stream_type = Name`, on streaming handlers only.
use tonic::codegen::tokio_stream::Stream;
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};

#[tonic::async_trait]
pub trait Health: Send + Sync + 'static {
    type WatchStream: Stream<Item = Result<u32, Status>> + Send + 'static;

    async fn check(&self, request: Request<u32>) -> Result<Response<u32>, Status>;
    async fn watch(&self, request: Request<u32>) -> Result<Response<Self::WatchStream>, Status>;
    async fn upload(&self, request: Request<tonic::Streaming<u32>>) -> Result<Response<u32>, Status>;
}

#[derive(Clone)]
struct Checker;

#[tonic_session::service]
impl Health for Checker {
    #[tonic_session(stream_type = CheckStream)]
    async fn check(&self, request: Request<u32>) -> Result<Response<u32>, Status> {
        Ok(Response::new(request.into_inner()))
    }

    #[tonic_session(stream = WatchStream)]
    async fn watch(&self, _request: Request<u32>, tx: Sender<u32>) -> Result<Finished, Status> {
        Ok(tx.finish())
    }

    #[tonic_session(stream_type = UploadStream)]
    async fn upload(&self, _request: Request<Receiver<u32>>) -> Result<Response<u32>, Status> {
        Ok(Response::new(0))
    }
}

fn main() {}
