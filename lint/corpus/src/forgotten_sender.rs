//! A sender leaked on purpose "so the stream stays open".
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

pub struct Keep;

#[tonic::async_trait]
impl Feed for Keep { //~ unannotated_service
    type MergedStream = ReceiverStream<Result<Item, Status>>;

    async fn merged(&self, _request: Request<Sources>) -> Result<Response<Self::MergedStream>, Status> {
        let (tx, rx) = mpsc::channel(1);
        std::mem::forget(tx); //~ forgotten_half
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}
