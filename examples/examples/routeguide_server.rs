//! RouteGuide on its own: `cargo run --example routeguide_server -- --addr
//! 127.0.0.1:10000` serves until Ctrl-C, so any gRPC RouteGuide client can use it.

use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic_session_examples::routeguide::pb::route_guide_server::RouteGuideServer;
use tonic_session_examples::routeguide::{RouteGuideService, data};
use tonic_session_examples::serve::{addr_arg, serve_routes};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = addr_arg("127.0.0.1:10000")?;
    let listener = TcpListener::bind(addr).await?;
    println!(
        "server: listening on {}; Ctrl-C stops it",
        listener.local_addr()?
    );
    let service = RouteGuideService::new(data::features());
    let routes = Routes::new(RouteGuideServer::new(service));
    serve_routes(listener, routes, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    println!("server: shut down");
    Ok(())
}
