//! Serving the examples: a tonic server with the session layer.

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_session::server::SessionLayer;

use crate::Greeter;
use crate::pb::greeting_service_server::GreetingServiceServer;

/// Serves the greeter on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    serve_routes(listener, greeter(), shutdown).await
}

/// The greeter's routes.
fn greeter() -> Routes {
    Routes::new(GreetingServiceServer::new(Greeter))
}

/// Serves `routes` on `listener`, behind the session layer, until `shutdown`.
pub async fn serve_routes(
    listener: TcpListener,
    routes: Routes,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    // TCP_NODELAY, as tonic's own `Server::serve` sets it.
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    Server::builder()
        .layer(SessionLayer::new())
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await
}

/// A server on a loopback port in a task of its own.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), tonic::transport::Error>>,
}

impl Running {
    /// Serves the greeter on a free port of 127.0.0.1.
    pub async fn start() -> std::io::Result<Running> {
        Running::start_routes(greeter()).await
    }

    /// Serves `routes` on a free port of 127.0.0.1.
    pub async fn start_routes(routes: Routes) -> std::io::Result<Running> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_routes(listener, routes, async {
            let _ = stopped.await;
        }));
        Ok(Running { addr, stop, task })
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(self) -> Result<(), Box<dyn std::error::Error>> {
        let _ = self.stop.send(());
        self.task.await??;
        Ok(())
    }
}

/// The `--addr HOST:PORT` argument of the example binaries, or `default`.
pub fn addr_arg(default: &str) -> Result<SocketAddr, String> {
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
