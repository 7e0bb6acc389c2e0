//! A TCP hop between a client and the server that can be cut: the soak's way to
//! drop a connection in the middle of a call, as a failing network does.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Forwards one connection to `target` until [`cut`](Proxy::cut) or drop.
#[derive(Debug)]
pub struct Proxy {
    /// Where the client connects.
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Proxy {
    /// Listens on a free loopback port; forwards the first connection to `target`.
    pub async fn start(target: SocketAddr) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            let Ok(mut server) = TcpStream::connect(target).await else {
                return;
            };
            // Ends when either side closes, or when the task is aborted.
            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
        });
        Ok(Proxy { addr, task })
    }

    /// Drops both sockets at once, whatever is in flight: the server and the client
    /// see their connection end with no HTTP/2 goodbye.
    pub fn cut(&self) {
        self.task.abort();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
