//! The RouteGuide client on its own: `cargo run --example routeguide_client -- --addr
//! 127.0.0.1:10000`.

use tonic::transport::Endpoint;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = tonic_session_examples::serve::addr_arg("127.0.0.1:10000")?;
    let channel = Endpoint::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    tonic_session_examples::routeguide::client::run(channel).await?;
    Ok(())
}
