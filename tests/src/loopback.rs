//! A tonic server on 127.0.0.1 with a free port, and a channel to it.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::service::Routes;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Endpoint, Server};
use tonic_session::server::{Drain, SessionLayer};

/// Serves `routes` with `builder` on `incoming` until `shutdown`, on a task of its
/// own (a macro: each layer stack is a type of its own).
macro_rules! spawn_server {
    ($builder:expr, $routes:expr, $incoming:expr, $shutdown:expr) => {{
        let mut builder = $builder;
        let (routes, incoming, shutdown) = ($routes, $incoming, $shutdown);
        tokio::spawn(async move {
            builder
                .add_routes(routes)
                .serve_with_incoming_shutdown(incoming, shutdown)
                .await
                .expect("server");
        })
    }};
}

/// A running server; dropping it shuts the server down.
pub struct Loopback {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Loopback {
    /// Serves `routes` behind [`SessionLayer`].
    pub async fn start(routes: Routes) -> Loopback {
        Self::start_with(routes, true).await
    }

    /// Serves `routes`, with or without [`SessionLayer`].
    pub async fn start_with(routes: Routes, session_layer: bool) -> Loopback {
        Self::serve(routes, session_layer.then(SessionLayer::new), None).await
    }

    /// Serves `routes` behind a [`SessionLayer`] with `drain`: [`shutdown`](Self::shutdown)
    /// ends the sessions still running `grace` after it is called.
    pub async fn start_draining(routes: Routes, drain: &Drain, grace: Duration) -> Loopback {
        let (incoming, addr) = incoming().await;
        let (stop, stopped) = oneshot::channel::<()>();
        let incoming = drain.incoming(incoming);
        let shutdown = drain.shutdown(
            async {
                let _ = stopped.await;
            },
            grace,
        );
        let builder = Server::builder().layer(SessionLayer::new().drain(drain));
        let task = spawn_server!(builder, routes, incoming, shutdown);
        Loopback {
            addr,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Serves `routes` behind `layer` (a [`SessionLayer`] with settings).
    pub async fn start_with_layer(routes: Routes, layer: SessionLayer) -> Loopback {
        Self::serve(routes, Some(layer), None).await
    }

    /// Serves `routes` behind [`SessionLayer`] with HTTP/2 flow-control windows of
    /// `window` bytes per stream and per connection: a client that sends more than
    /// that to a handler that does not read is held back at once.
    pub async fn start_with_window(routes: Routes, window: u32) -> Loopback {
        Self::serve(routes, Some(SessionLayer::new()), Some(window)).await
    }

    async fn serve(routes: Routes, layer: Option<SessionLayer>, window: Option<u32>) -> Loopback {
        let (incoming, addr) = incoming().await;
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async {
            let _ = stopped.await;
        };
        let builder = Server::builder()
            .initial_stream_window_size(window)
            .initial_connection_window_size(window);
        let task = match layer {
            Some(layer) => spawn_server!(builder.layer(layer), routes, incoming, shutdown),
            None => spawn_server!(builder, routes, incoming, shutdown),
        };
        Loopback {
            addr,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// A new connection to the server.
    pub async fn channel(&self) -> Channel {
        connect(self.addr).await
    }

    /// A channel that connects on its first call, not now.
    pub fn lazy_channel(&self) -> Channel {
        Endpoint::from_shared(format!("http://{}", self.addr))
            .expect("endpoint")
            .connect_lazy()
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task");
        }
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Connections to a free loopback port, with TCP_NODELAY as tonic's own
/// `Server::serve` sets it; and the port's address.
async fn incoming() -> (TcpIncoming, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    (TcpIncoming::from(listener).with_nodelay(Some(true)), addr)
}

/// A new connection to a gRPC server on `addr` (ours, a proxy, or a peer).
pub async fn connect(addr: SocketAddr) -> Channel {
    Endpoint::from_shared(format!("http://{addr}"))
        .expect("endpoint")
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await
        .unwrap_or_else(|err| panic!("connect to {addr}: {err}"))
}

/// Tasks alive on the current runtime.
pub fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// The number of alive tasks once the runtime is quiet: the fewest seen over 50 ms,
/// so tasks still winding down from earlier calls do not inflate a baseline.
pub async fn quiet_tasks() -> usize {
    let until = tokio::time::Instant::now() + Duration::from_millis(50);
    let mut fewest = alive_tasks();
    while tokio::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(2)).await;
        fewest = fewest.min(alive_tasks());
    }
    fewest
}

/// Waits (up to 5 s) for the number of alive tasks to come back to `baseline`
/// (or below); returns the last count seen.
pub async fn settle_tasks(baseline: usize) -> usize {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let alive = alive_tasks();
        if alive <= baseline || tokio::time::Instant::now() >= deadline {
            return alive;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Asserts that the alive tasks come back to `baseline` (or below) within 5 s: no
/// task outlived the call.
pub async fn assert_no_task_outlived(baseline: usize) {
    let alive = settle_tasks(baseline).await;
    assert!(
        alive <= baseline,
        "{alive} tasks alive, {baseline} before the call: a task outlived it"
    );
}
