//! The two servers on loopback: the hand-written service as tonic users serve it, the
//! session service behind `SessionLayer`.

use std::net::SocketAddr;

use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};
use tonic_session::server::SessionLayer;

use crate::benchpb::bench_client::BenchClient;
use crate::benchpb::bench_server::BenchServer;
use crate::raw::RawBench;
use crate::session::SessionBench;

/// Clients of the two servers: one connection each for the stream variants, and
/// one each for the round-trip pairs (ping-pong, unary). A connection that has
/// streamed runs later round trips slower: ping-pong on the session's streaming
/// connection, after the session's server-streaming variants, read 0.984-0.991 of
/// raw where it read 0.999-1.004 on a connection of its own (3 runs each), and raw
/// after raw streams lost as much. The raw connection streams three variants, the
/// session's two, so sharing them would tilt the pairs by each side's history.
pub struct Servers {
    pub raw_client: BenchClient<Channel>,
    pub session_client: BenchClient<Channel>,
    /// For the round-trip pairs only.
    pub raw_round_trips: BenchClient<Channel>,
    /// For the round-trip pairs only.
    pub session_round_trips: BenchClient<Channel>,
}

/// A loopback listener whose connections have `TCP_NODELAY`, as tonic's
/// `Server::serve` and `Channel` set by default (`serve_with_incoming` leaves the
/// sockets it is given as they are).
fn listen() -> std::io::Result<(TcpIncoming, SocketAddr)> {
    let incoming =
        TcpIncoming::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?.with_nodelay(Some(true));
    let addr = incoming.local_addr()?;
    Ok((incoming, addr))
}

async fn connect(addr: SocketAddr) -> Result<BenchClient<Channel>, crate::BoxError> {
    let channel = Channel::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    Ok(BenchClient::new(channel))
}

/// Windows for thousands of streams on one connection: what a user serving them
/// raises (tonic leaves the number of concurrent streams unlimited).
const SCALED_CONNECTION_WINDOW: u32 = 16 * 1024 * 1024;

/// `connections` clients of `addr`, each on a connection of its own with the
/// connection window raised as on the scaled servers.
pub async fn connect_scaled(
    addr: SocketAddr,
    connections: usize,
) -> Result<Vec<BenchClient<Channel>>, crate::BoxError> {
    let mut clients = Vec::with_capacity(connections);
    for _ in 0..connections {
        let channel = Channel::from_shared(format!("http://{addr}"))?
            .initial_connection_window_size(SCALED_CONNECTION_WINDOW)
            .connect()
            .await?;
        clients.push(BenchClient::new(channel));
    }
    Ok(clients)
}

/// Starts both servers (they run until the runtime ends), their windows raised for
/// thousands of streams if `scaled`; their addresses, raw first.
async fn serve_both(scaled: bool) -> Result<[SocketAddr; 2], crate::BoxError> {
    let raw = RawBench::default();
    let session = SessionBench::default();
    let (raw_listener, raw_addr) = listen()?;
    let (session_listener, session_addr) = listen()?;
    let builder = || {
        let builder = Server::builder();
        if scaled {
            builder.initial_connection_window_size(SCALED_CONNECTION_WINDOW)
        } else {
            builder
        }
    };
    tokio::spawn(
        builder()
            .add_service(BenchServer::new(raw))
            .serve_with_incoming(raw_listener),
    );
    tokio::spawn(
        builder()
            .layer(SessionLayer::new())
            .add_service(BenchServer::new(session))
            .serve_with_incoming(session_listener),
    );
    Ok([raw_addr, session_addr])
}

/// Both servers set for thousands of streams; their addresses, raw first.
pub async fn start_scaled() -> Result<[SocketAddr; 2], crate::BoxError> {
    serve_both(true).await
}

/// Runs `work` on a new multi-thread runtime, with both servers started and
/// connected to: the frame of the bench's modes that measure one thing.
pub fn with_servers<T, F, Fut>(work: F) -> Result<T, crate::BoxError>
where
    F: FnOnce(Servers) -> Fut,
    Fut: std::future::Future<Output = Result<T, crate::BoxError>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async { work(Servers::start().await?).await })
}

impl Servers {
    /// Starts both servers (they run until the runtime ends) and connects to them.
    pub async fn start() -> Result<Servers, crate::BoxError> {
        let [raw_addr, session_addr] = serve_both(false).await?;
        Ok(Servers {
            raw_client: connect(raw_addr).await?,
            session_client: connect(session_addr).await?,
            raw_round_trips: connect(raw_addr).await?,
            session_round_trips: connect(session_addr).await?,
        })
    }
}
