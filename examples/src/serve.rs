//! Serving the greeter: a tonic server with the session layer.

use std::future::Future;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Server;
use tonic_session::server::SessionLayer;

use crate::Greeter;
use crate::pb::greeting_service_server::GreetingServiceServer;

/// Serves the greeter on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    Server::builder()
        .layer(SessionLayer::new())
        .add_service(GreetingServiceServer::new(Greeter))
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown)
        .await
}

/// The `--addr HOST:PORT` argument of the example binaries, or `default`.
pub fn addr_arg(default: &str) -> Result<std::net::SocketAddr, String> {
    let mut args = std::env::args().skip(1);
    let mut addr = default.to_owned();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--addr", Some(value)) => addr = value,
            _ => return Err(format!("usage: --addr HOST:PORT (got `{arg}`)")),
        }
    }
    addr.parse()
        .map_err(|err| format!("bad --addr `{addr}`: {err}"))
}
