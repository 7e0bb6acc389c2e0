//! Two producers, each a clone of the sender, each spawned and forgotten.
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

pub struct Merge;

#[tonic::async_trait]
impl Feed for Merge { //~ unannotated_service
    type MergedStream = ReceiverStream<Result<Item, Status>>;

    async fn merged(&self, _request: Request<Sources>) -> Result<Response<Self::MergedStream>, Status> {
        let (tx, rx) = mpsc::channel(64);
        let left = tx.clone();
        tokio::spawn(async move { //~ detached_half
            while let Some(item) = next_left().await {
                left.send(Ok(item)).await.ok(); //~ ignored_send_error
            }
        });
        tokio::spawn(async move { //~ detached_half
            while let Some(item) = next_right().await {
                let _ = tx.send(Ok(item)).await; //~ ignored_send_error
            }
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}
