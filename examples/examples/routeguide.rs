//! gRPC's RouteGuide in one process: a session server on a free loopback port, and
//! a client calling each of its four methods.

use tonic::service::Routes;
use tonic::transport::Endpoint;
use tonic_session_examples::routeguide::pb::route_guide_server::RouteGuideServer;
use tonic_session_examples::routeguide::{RouteGuideService, client, data};
use tonic_session_examples::serve::Running;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let service = RouteGuideService::new(data::features());
    let server = Running::start_routes(Routes::new(RouteGuideServer::new(service))).await?;
    println!("server: listening on {}", server.addr);

    let channel = Endpoint::from_shared(format!("http://{}", server.addr))?
        .connect()
        .await?;
    client::run(channel).await?;

    server.stop().await?;
    println!("server: shut down");
    Ok(())
}
