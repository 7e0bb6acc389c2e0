//! A raw bidi handler: reads `Streaming`, answers through mpsc.
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

pub struct Chat;

#[tonic::async_trait]
impl RouteGuide for Chat { //~ unannotated_service
    type RouteChatStream = ReceiverStream<Result<RouteNote, Status>>;

    async fn route_chat(
        &self,
        request: Request<Streaming<RouteNote>>,
    ) -> Result<Response<Self::RouteChatStream>, Status> {
        let mut inbound = request.into_inner();
        let (tx, rx) = mpsc::channel(32);
        tokio::spawn(async move { //~ detached_half
            while let Ok(Some(note)) = inbound.message().await {
                tx.send(Ok(note)).await; //~ ignored_send_error
            }
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}
