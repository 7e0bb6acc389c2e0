//! Clean: client code written with the attribute.
use tonic::transport::Channel;
use tonic::Status;

#[tonic_session::client]
pub async fn record(mut client: RouteGuideClient<Channel>, points: Vec<Point>) -> Result<u32, Status> {
    let mut upload = client.record_route(..).await?;
    for point in points {
        upload.send(point).await?;
    }
    Ok(upload.finish().await?.into_inner().point_count)
}

#[tonic_session::client]
impl Monitor {
    pub async fn first(&mut self) -> Result<Option<Feature>, Status> {
        let mut rx = self.client.list_features(everywhere()).await?;
        let first = rx.message().await?;
        let _ended = rx.finish().await?;
        Ok(first)
    }
}
