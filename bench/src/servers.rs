//! The two servers on loopback: the hand-written service as tonic users serve it, the
//! session service behind `SessionLayer`.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::{Channel, Server};
use tonic_session::server::SessionLayer;

use crate::benchpb::bench_client::BenchClient;
use crate::benchpb::bench_server::BenchServer;
use crate::raw::RawBench;
use crate::session::SessionBench;

/// A client (one channel) for each of the two servers.
pub struct Servers {
    pub raw_client: BenchClient<Channel>,
    pub session_client: BenchClient<Channel>,
}

async fn listen() -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

async fn connect(addr: SocketAddr) -> Result<BenchClient<Channel>, crate::BoxError> {
    let channel = Channel::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    Ok(BenchClient::new(channel))
}

impl Servers {
    /// Starts both servers (they run until the runtime ends) and connects to them.
    pub async fn start() -> Result<Servers, crate::BoxError> {
        let raw = RawBench::default();
        let session = SessionBench::default();
        let (raw_listener, raw_addr) = listen().await?;
        let (session_listener, session_addr) = listen().await?;
        tokio::spawn(
            Server::builder()
                .add_service(BenchServer::new(raw))
                .serve_with_incoming(TcpListenerStream::new(raw_listener)),
        );
        tokio::spawn(
            Server::builder()
                .layer(SessionLayer::new())
                .add_service(BenchServer::new(session))
                .serve_with_incoming(TcpListenerStream::new(session_listener)),
        );
        Ok(Servers {
            raw_client: connect(raw_addr).await?,
            session_client: connect(session_addr).await?,
        })
    }
}
