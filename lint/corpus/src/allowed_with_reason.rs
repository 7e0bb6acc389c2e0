//! Clean: raw code kept raw on purpose, each exception with its reason, and a
//! producer that checks its sends and keeps its task.
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

pub struct Legacy;

#[tonic::async_trait]
#[tonic_session::allow(unannotated_service, reason = "migrated in the next release; tracked in #412")]
impl Feed for Legacy {
    type MergedStream = ReceiverStream<Result<Item, Status>>;

    async fn merged(&self, _request: Request<Sources>) -> Result<Response<Self::MergedStream>, Status> {
        let (tx, rx) = mpsc::channel(8);
        let producer = tokio::spawn(async move {
            while let Some(item) = next().await {
                if tx.send(Ok(item)).await.is_err() {
                    break;
                }
            }
        });
        self.tasks.lock().await.push(producer);
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}

#[tonic_session::allow(unannotated_client, reason = "reads what a raw tonic client opened, to its end")]
pub async fn drain(mut stream: Streaming<Point>) -> Result<u32, Status> {
    let mut count = 0;
    while stream.message().await?.is_some() {
        count += 1;
    }
    Ok(count)
}
