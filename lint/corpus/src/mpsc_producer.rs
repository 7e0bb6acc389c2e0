//! A raw server-streaming handler, the way tonic's examples write it: mpsc, a
//! spawned producer, a `ReceiverStream`.
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

pub struct Guide;

#[tonic::async_trait]
impl RouteGuide for Guide { //~ unannotated_service
    type ListFeaturesStream = ReceiverStream<Result<Feature, Status>>;

    async fn list_features(
        &self,
        request: Request<Rectangle>,
    ) -> Result<Response<Self::ListFeaturesStream>, Status> {
        let (tx, rx) = mpsc::channel(4);
        let features = self.features.clone();
        tokio::spawn(async move { //~ detached_half
            for feature in features.iter() {
                let _ = tx.send(Ok(feature.clone())).await; //~ ignored_send_error
            }
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}
