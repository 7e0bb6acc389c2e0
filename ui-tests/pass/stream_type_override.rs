//! tonic-build names the stream type after the proto method (`GetHTTPStatus` ->
//! `GetHTTPStatusStream`), which the Rust name `get_http_status` cannot give back:
//! `#[tonic_session(stream_type = ..)]` names it. The trait is written out here as
//! tonic-build would generate it.
use tonic::codegen::tokio_stream::Stream;
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Sender};

#[tonic::async_trait]
pub trait Health: Send + Sync + 'static {
    type GetHTTPStatusStream: Stream<Item = Result<u32, Status>> + Send + 'static;

    async fn get_http_status(&self, request: Request<u32>) -> Result<Response<Self::GetHTTPStatusStream>, Status>;
}

#[derive(Clone)]
struct Checker;

#[tonic_session::service]
impl Health for Checker {
    #[tonic_session(stream_type = GetHTTPStatusStream)]
    async fn get_http_status(&self, request: Request<u32>, mut tx: Sender<u32>) -> Result<Finished, Status> {
        tx.send(request.into_inner()).await?;
        Ok(tx.finish())
    }
}

fn main() {}
