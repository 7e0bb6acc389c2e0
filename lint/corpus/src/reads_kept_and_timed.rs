//! Raw clients that keep a reply in a local, read under a timer, or keep the
//! final error status: each is read to its end except where a path leaves early.
//! And a producer that keeps its send's result and, on failure, sends again.
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};

/// The reply kept and matched later: `None` is the end.
pub async fn all_names(mut client: RouteGuideClient<Channel>) -> Result<Vec<String>, Status> {
    let mut features = client.list_features(Request::new(everywhere())).await?.into_inner();
    let mut names = Vec::new();
    loop {
        let next = features.message().await?; //~ unannotated_client
        match next {
            Some(feature) => names.push(feature.name),
            None => break,
        }
    }
    Ok(names)
}

/// Each reply within a second: the timer's error is not the end, so that path
/// leaves the stream unread.
pub async fn patient(mut client: RouteGuideClient<Channel>) -> Result<u32, Status> {
    let mut features = client.list_features(Request::new(everywhere())).await?.into_inner();
    let mut seen = 0;
    loop {
        match tokio::time::timeout(Duration::from_secs(1), features.message()).await { //~ unannotated_client
            Ok(Ok(Some(_))) => seen += 1,
            Ok(Ok(None)) => break,
            Ok(Err(status)) if status.code() == Code::Cancelled => break,
            Ok(Err(status)) => return Err(status),
            Err(_elapsed) => break, //~ undrained_receiver
        }
    }
    Ok(seen)
}

/// The first reply kept; when there is one, the rest is left.
pub async fn any(mut client: RouteGuideClient<Channel>) -> Result<bool, Status> {
    let mut features = client.list_features(Request::new(everywhere())).await?.into_inner();
    let first = features.message().await?; //~ unannotated_client
    if first.is_some() {
        return Ok(true); //~ undrained_receiver
    }
    Ok(false)
}

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
        let producer = tokio::spawn(async move {
            for feature in features.iter() {
                let sent = tx.send(Ok(feature.clone())).await; //~ ignored_send_error
                if let Err(err) = sent {
                    tracing::warn!("client gone: {err}");
                }
            }
        });
        self.producers.lock().push(producer);
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}
