//! The whole round trip in one process: a session server on a free loopback port,
//! and a client calling each of its four RPCs.

use tonic::transport::Endpoint;
use tonic_session_examples::serve::Running;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = Running::start().await?;
    println!("server: listening on {}", server.addr);

    let channel = Endpoint::from_shared(format!("http://{}", server.addr))?
        .connect()
        .await?;
    tonic_session_examples::client::run(channel).await?;

    server.stop().await?;
    println!("server: shut down");
    Ok(())
}
