//! A client that reads in a loop and breaks early, on the first match: the rest
//! of the stream and the call's final status are left at that `break`.
use tonic::transport::Channel;
use tonic::{Request, Status};

pub async fn until_found(mut client: RouteGuideClient<Channel>, name: &str) -> Result<bool, Status> {
    let mut stream = client.list_features(Request::new(everywhere())).await?.into_inner();
    loop {
        match stream.message().await? { //~ unannotated_client
            Some(feature) if feature.name == name => break, //~ undrained_receiver
            Some(_) => continue,
            None => return Ok(false),
        }
    }
    Ok(true)
}
