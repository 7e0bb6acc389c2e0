//! Clients that read their response streams to the end in the shapes real code
//! takes: raw code (no attribute), but nothing on their paths leaves a stream
//! before `None`.
use tonic::transport::Channel;
use tonic::{Request, Status};

/// `break 'outer` only where the stream said `None`.
pub async fn labelled(mut client: RouteGuideClient<Channel>) -> Result<u32, Status> {
    let mut features = client.list_features(Request::new(everywhere())).await?.into_inner();
    let mut n = 0;
    'outer: loop {
        loop {
            match features.message().await? { //~ unannotated_client
                Some(_) => {
                    n += 1;
                    continue 'outer;
                }
                None => break 'outer,
            }
        }
    }
    Ok(n)
}

/// Stops looking at the first match, then reads the rest to the end.
pub async fn then_drained(mut client: RouteGuideClient<Channel>, name: &str) -> Result<bool, Status> {
    let mut features = client.list_features(Request::new(everywhere())).await?.into_inner();
    let mut found = false;
    while let Some(feature) = features.message().await? { //~ unannotated_client
        if feature.name == name {
            found = true;
            break;
        }
    }
    while features.message().await?.is_some() {}
    Ok(found)
}

/// `let else` whose `else` is the end of the stream.
pub async fn let_else(mut client: RouteGuideClient<Channel>) -> Result<Vec<Feature>, Status> {
    let mut features = client.list_features(Request::new(everywhere())).await?.into_inner();
    let mut got = Vec::new();
    loop {
        let Some(feature) = features.message().await? else { //~ unannotated_client
            break;
        };
        got.push(feature);
    }
    Ok(got)
}

/// Handed to a helper that reads it: out of this function's sight, not reported.
pub async fn through_a_helper(mut client: RouteGuideClient<Channel>) -> Result<usize, Status> {
    let mut features = client.list_features(Request::new(everywhere())).await?.into_inner();
    let first = features.message().await?; //~ unannotated_client
    let rest = drain(&mut features).await?;
    Ok(rest + usize::from(first.is_some()))
}

/// A unary call's `into_inner()` is its reply message, not a stream: nothing to
/// read to an end.
pub async fn unary_reply(mut client: RouteGuideClient<Channel>) -> Result<String, Status> {
    let feature = client.get_feature(Request::new(origin())).await?.into_inner();
    Ok(feature.name)
}
