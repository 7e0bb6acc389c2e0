//! A producer written as in grpc-go's examples: `if err := stream.Send(..); err != nil`
//! became `if tx.send(..).await.is_err() { break }`: fine; but the first message
//! is sent with its error thrown away.
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

pub struct Prices;

#[tonic::async_trait]
impl Quotes for Prices { //~ unannotated_service
    type StreamStream = ReceiverStream<Result<Quote, Status>>;

    async fn stream(&self, request: Request<Symbol>) -> Result<Response<Self::StreamStream>, Status> {
        let (tx, rx) = mpsc::channel(8);
        let symbol = request.into_inner();
        let _ = tx.send(Ok(Quote::opening(&symbol))).await; //~ ignored_send_error
        let producer = tokio::spawn(async move {
            loop {
                let quote = next_quote(&symbol).await;
                if tx.send(Ok(quote)).await.is_err() {
                    break;
                }
            }
        });
        self.producers.lock().await.push(producer);
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}
