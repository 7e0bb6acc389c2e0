//! The client on its own: `cargo run --example greeting_client -- --addr 127.0.0.1:50051`.

use tonic::transport::Endpoint;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = tonic_session_examples::serve::addr_arg("127.0.0.1:50051")?;
    let channel = Endpoint::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    tonic_session_examples::client::run(channel).await?;
    Ok(())
}
