//! Raw clients that read a streaming response through the `Stream` extensions
//! (tokio-stream's `next`, futures' `try_next`) and upload a stream made of an
//! iterator: streaming code outside the attribute all the same.
use futures::TryStreamExt;
use tokio_stream::StreamExt;
use tonic::transport::Channel;
use tonic::{Request, Status};

pub async fn count(mut client: RouteGuideClient<Channel>) -> Result<u32, Status> {
    let mut features = client.list_features(Request::new(everywhere())).await?.into_inner();
    let mut n = 0;
    while let Some(feature) = features.next().await { //~ unannotated_client
        feature?;
        n += 1;
    }
    Ok(n)
}

pub async fn names(mut client: RouteGuideClient<Channel>) -> Result<Vec<String>, Status> {
    let mut features = client.list_features(Request::new(everywhere())).await?.into_inner();
    let mut names = Vec::new();
    while let Some(feature) = features.try_next().await? { //~ unannotated_client
        names.push(feature.name);
    }
    Ok(names)
}

pub async fn record(mut client: RouteGuideClient<Channel>, points: Vec<Point>) -> Result<RouteSummary, Status> {
    let summary = client.record_route(tokio_stream::iter(points)).await?; //~ unannotated_client
    Ok(summary.into_inner())
}

pub async fn record_later(mut client: RouteGuideClient<Channel>, points: Vec<Point>) -> Result<RouteSummary, Status> {
    let request = Request::new(futures::stream::iter(points));
    let summary = client.record_route(request).await?; //~ unannotated_client
    Ok(summary.into_inner())
}

/// Not streaming: a unary reply, and an iterator that is no request stream.
pub async fn unary(mut client: RouteGuideClient<Channel>, points: Vec<Point>) -> Result<usize, Status> {
    let feature = client.get_feature(Request::new(points[0].clone())).await?.into_inner();
    let near = points.iter().filter(|point| point.near(&feature)).count();
    Ok(near)
}
