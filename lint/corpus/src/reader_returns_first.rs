//! A client that takes the first reply and returns: the final status is lost.
use tonic::transport::Channel;
use tonic::{Request, Status};

pub async fn first_feature(mut client: RouteGuideClient<Channel>) -> Result<Feature, Status> {
    let mut stream = client
        .list_features(Request::new(rectangle()))
        .await?
        .into_inner();
    let first = stream.message().await?; //~ unannotated_client
    first.ok_or_else(|| Status::not_found("no feature"))
} //~ undrained_receiver
