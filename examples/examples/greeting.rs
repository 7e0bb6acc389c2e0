//! The whole round trip in one process: a session server on a free loopback port,
//! and a client calling each of its four RPCs.

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::transport::Endpoint;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    println!("server: listening on {addr}");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(tonic_session_examples::serve::serve(listener, async {
        let _ = stopped.await;
    }));

    let channel = Endpoint::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    tonic_session_examples::client::run(channel).await?;

    let _ = stop.send(());
    server.await??;
    println!("server: shut down");
    Ok(())
}
