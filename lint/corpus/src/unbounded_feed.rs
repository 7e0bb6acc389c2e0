//! An unbounded channel feeding a response stream, sends never checked.
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::{Request, Response, Status};

pub struct Ticker;

#[tonic::async_trait]
impl Clock for Ticker { //~ unannotated_service
    type TicksStream = UnboundedReceiverStream<Result<Tick, Status>>;

    async fn ticks(&self, request: Request<Every>) -> Result<Response<Self::TicksStream>, Status> {
        let (tx, rx) = mpsc::unbounded_channel();
        tx.send(Ok(Tick::first())).ok(); //~ ignored_send_error
        let every = request.into_inner();
        let _ = tokio::spawn(async move { //~ detached_half
            loop {
                tokio::time::sleep(every.period()).await;
                let _ = tx.send(Ok(Tick::now())); //~ ignored_send_error
            }
        });
        Ok(Response::new(UnboundedReceiverStream::new(rx)))
    }
}
