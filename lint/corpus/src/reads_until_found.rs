//! Clients that stop reading a response stream part way, on some paths only: the
//! call's final status is lost there (grpc-go: drain to the final status, or
//! cancel).
use tonic::transport::Channel;
use tonic::{Request, Status};

/// Returns on the first match; the rest of the stream and its status are left.
pub async fn find(mut client: RouteGuideClient<Channel>, name: &str) -> Result<Option<Feature>, Status> {
    let mut features = client.list_features(Request::new(everywhere())).await?.into_inner();
    while let Some(feature) = features.message().await? { //~ unannotated_client
        if feature.name == name {
            return Ok(Some(feature)); //~ undrained_receiver
        }
    }
    Ok(None)
}

/// A labelled `break` out of two loops, on a condition: that path leaves it.
pub async fn first_crowded(mut client: RouteGuideClient<Channel>) -> Result<u32, Status> {
    let mut features = client.list_features(Request::new(everywhere())).await?.into_inner();
    let mut seen = 0;
    'reading: loop {
        for _ in 0..3 {
            match features.message().await? { //~ unannotated_client
                Some(feature) if feature.crowded() => break 'reading, //~ undrained_receiver
                Some(_) => seen += 1,
                None => return Ok(seen),
            }
        }
    }
    Ok(seen)
}
