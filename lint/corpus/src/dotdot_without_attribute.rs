//! Session calls written in helpers that lack the attribute: `..` means nothing
//! without it.
use tonic::transport::Channel;
use tonic::Status;

pub async fn record(mut client: RouteGuideClient<Channel>) -> Result<(), Status> {
    let mut upload = client.record_route(..).await?; //~ unannotated_client
    upload.send(point(1, 2)).await?;
    let _summary = upload.finish().await?;
    Ok(())
}

pub struct Chatter {
    client: RouteGuideClient<Channel>,
}

impl Chatter {
    pub async fn chat(&mut self) -> Result<(), Status> {
        let (tx, rx) = self.client.route_chat(..).await?; //~ unannotated_client
        let _half_closed = tx.finish();
        let _ended = rx.finish().await?;
        Ok(())
    }
}
