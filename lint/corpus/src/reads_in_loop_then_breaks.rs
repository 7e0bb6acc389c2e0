//! A client that reads in a loop and breaks early: raw code (the checker does not
//! follow the loop; the attribute would).
use tonic::transport::Channel;
use tonic::{Request, Status};

pub async fn until_found(mut client: RouteGuideClient<Channel>, name: &str) -> Result<bool, Status> {
    let mut stream = client.list_features(Request::new(everywhere())).await?.into_inner();
    loop {
        match stream.message().await? { //~ unannotated_client
            Some(feature) if feature.name == name => break,
            Some(_) => continue,
            None => return Ok(false),
        }
    }
    Ok(true)
}
