//! The greeter on its own: `cargo run --example greeting_server -- --addr 127.0.0.1:50051`
//! serves until Ctrl-C, so any gRPC client can be pointed at it.

use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = tonic_session_examples::serve::addr_arg("127.0.0.1:50051")?;
    let listener = TcpListener::bind(addr).await?;
    println!(
        "server: listening on {}; Ctrl-C stops it",
        listener.local_addr()?
    );
    tonic_session_examples::serve::serve(listener, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    println!("server: shut down");
    Ok(())
}
