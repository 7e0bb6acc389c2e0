//! Producers that see a send fail and go on sending: the client is gone, and the
//! loop keeps producing for no one (grpc-go's documentation: stop when `Send`
//! fails). The last one stops, as it should.
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

pub struct Guide;

#[tonic::async_trait]
impl RouteGuide for Guide { //~ unannotated_service
    type ListFeaturesStream = ReceiverStream<Result<Feature, Status>>;
    type RouteChatStream = ReceiverStream<Result<RouteNote, Status>>;

    async fn list_features(
        &self,
        request: Request<Rectangle>,
    ) -> Result<Response<Self::ListFeaturesStream>, Status> {
        let (tx, rx) = mpsc::channel(4);
        let features = self.features.clone();
        let producer = tokio::spawn(async move {
            for feature in features.iter() {
                if let Err(err) = tx.send(Ok(feature.clone())).await { //~ ignored_send_error
                    tracing::warn!("client gone: {err}");
                }
            }
        });
        self.producers.lock().push(producer);
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    async fn route_chat(
        &self,
        request: Request<tonic::Streaming<RouteNote>>,
    ) -> Result<Response<Self::RouteChatStream>, Status> {
        let (tx, rx) = mpsc::channel(4);
        let notes = self.notes.clone();
        let mut lost = 0;
        for note in notes.iter() {
            match tx.send(Ok(note.clone())).await {
                Ok(()) => {}
                Err(_) => lost += 1,
            }
        }
        tx.send(Ok(RouteNote::summary(lost))).await.map_err(|_| Status::cancelled("gone"))?; //~ ignored_send_error
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    async fn record_route(
        &self,
        request: Request<tonic::Streaming<Point>>,
    ) -> Result<Response<Self::ListFeaturesStream>, Status> {
        let (tx, rx) = mpsc::channel(4);
        for feature in self.features.iter() {
            if tx.send(Ok(feature.clone())).await.is_err() {
                break;
            }
        }
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}
