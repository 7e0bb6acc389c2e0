//! A TCP hop between a client and the server that can be cut: the soak's way to
//! break a connection in the middle of a call, the ways networks and peers do.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// How a connection is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// Both sockets closed: each side reads a clean FIN, no HTTP/2 goodbye.
    Fin,
    /// Both sockets reset (TCP RST, `SO_LINGER` 0): each side's next read or write fails.
    Reset,
    /// The next chunk in flight, either way, forwarded only in part (a frame cut
    /// in two), then both sockets reset.
    MidFrame,
    /// The server's socket closed for writing only: the server reads a FIN while
    /// the client's connection stays open and hears what the server says.
    HalfOpen,
}

const FORWARDING: u8 = 0;
const MID_FRAME: u8 = 1;
const HALF_OPEN: u8 = 2;
/// Cut: a pump still running when aborted forwards nothing more.
const STOPPED: u8 = 3;

/// What the pumps share: the mode they forward in, and a bell to wake them.
struct Control {
    mode: AtomicU8,
    changed: Notify,
    wiring: std::sync::Mutex<Wiring>,
}

/// The connection's sockets and pumps, and whether it was cut: the accepting task
/// may still be wiring the connection when the cut comes (aborting a task that is
/// running stops it only at its next `.await`), so wiring and cutting take turns.
#[derive(Default)]
struct Wiring {
    /// Duplicates of both sockets, to reset them whatever the pumps are doing.
    sockets: Vec<TcpStream>,
    pumps: Vec<JoinHandle<()>>,
    /// `Some` once stopped; `Some(true)` when the sockets were set to reset.
    cut: Option<bool>,
}

impl Control {
    fn wiring(&self) -> std::sync::MutexGuard<'_, Wiring> {
        self.wiring.lock().expect("not poisoned")
    }

    /// Resets both sockets (RST on close) and stops forwarding.
    fn reset(&self) {
        let mut wiring = self.wiring();
        for socket in &wiring.sockets {
            // A socket already gone is as good as reset.
            let _ = socket.set_zero_linger();
        }
        self.stop_wired(&mut wiring, true);
    }

    /// Stops forwarding and closes both sockets: a FIN each way, or an RST once
    /// `reset` set them to linger zero.
    fn stop(&self) {
        self.stop_wired(&mut self.wiring(), false);
    }

    fn stop_wired(&self, wiring: &mut Wiring, reset: bool) {
        self.mode.store(STOPPED, Ordering::Release);
        for pump in wiring.pumps.drain(..) {
            pump.abort();
        }
        wiring.sockets.clear();
        wiring.cut = Some(wiring.cut.unwrap_or(false) || reset);
    }

    /// Starts the two pumps of a connection, or closes it at once (as the cut
    /// said) when the cut came first.
    fn wire(self: &Arc<Self>, client: TcpStream, server: TcpStream) -> std::io::Result<()> {
        let mut wiring = self.wiring();
        if let Some(reset) = wiring.cut {
            if reset {
                let _ = client.set_zero_linger();
                let _ = server.set_zero_linger();
            }
            return Ok(());
        }
        wiring.sockets = vec![duplicate(&client)?, duplicate(&server)?];
        let (client_read, client_write) = client.into_split();
        let (server_read, server_write) = server.into_split();
        let up = tokio::spawn(pump(client_read, server_write, Arc::clone(self), true));
        let down = tokio::spawn(pump(server_read, client_write, Arc::clone(self), false));
        wiring.pumps.extend([up, down]);
        Ok(())
    }
}

/// Forwards one connection to `target` until [`cut`](Proxy::cut) or drop.
pub struct Proxy {
    /// Where the client connects.
    pub addr: SocketAddr,
    accept: JoinHandle<()>,
    control: Arc<Control>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy").field("addr", &self.addr).finish()
    }
}

impl Proxy {
    /// Listens on a free loopback port; forwards the first connection to `target`.
    pub async fn start(target: SocketAddr) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let control = Arc::new(Control {
            mode: AtomicU8::new(FORWARDING),
            changed: Notify::new(),
            wiring: std::sync::Mutex::default(),
        });
        let shared = Arc::clone(&control);
        let accept = tokio::spawn(async move {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            let Ok(server) = TcpStream::connect(target).await else {
                return;
            };
            let _ = shared.wire(client, server);
        });
        Ok(Proxy {
            addr,
            accept,
            control,
        })
    }

    /// Breaks the connection as `how` says, whatever is in flight.
    pub fn cut(&self, how: Cut) {
        self.accept.abort();
        match how {
            Cut::Fin => self.control.stop(),
            Cut::Reset => self.control.reset(),
            Cut::MidFrame => self.arm(MID_FRAME),
            Cut::HalfOpen => self.arm(HALF_OPEN),
        }
    }

    fn arm(&self, mode: u8) {
        self.control.mode.store(mode, Ordering::Release);
        self.control.changed.notify_waiters();
        if mode == MID_FRAME {
            // A quiet connection has no chunk to cut: reset it soon anyway.
            let control = Arc::clone(&self.control);
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                control.reset();
            });
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.control.stop();
    }
}

/// A second handle on the same socket, to set its options from outside the pumps.
fn duplicate(socket: &TcpStream) -> std::io::Result<TcpStream> {
    let fd = socket2::SockRef::from(socket).try_clone()?;
    let std: std::net::TcpStream = fd.into();
    std.set_nonblocking(true)?;
    TcpStream::from_std(std)
}

/// Copies `from` to `to` until either ends or the mode says otherwise. `toward_server`:
/// this pump writes to the server (the one a half-open cut closes).
async fn pump(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    control: Arc<Control>,
    toward_server: bool,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let read = tokio::select! {
            read = from.read(&mut buffer) => read,
            () = control.changed.notified() => {
                if toward_server && control.mode.load(Ordering::Acquire) == HALF_OPEN {
                    half_close(&mut from, &mut to).await;
                    return;
                }
                continue;
            }
        };
        let Ok(read @ 1..) = read else {
            return;
        };
        match control.mode.load(Ordering::Acquire) {
            STOPPED => return,
            MID_FRAME => {
                let _ = to.write_all(&buffer[..read.div_ceil(2)]).await;
                control.reset();
                return;
            }
            HALF_OPEN if toward_server => {
                half_close(&mut from, &mut to).await;
                return;
            }
            _ => {}
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            return;
        }
    }
}

/// Closes the server's socket for writing (a FIN to the server) and swallows what
/// the client still sends, so the client's side stays open.
async fn half_close(from: &mut OwnedReadHalf, to: &mut OwnedWriteHalf) {
    let _ = to.shutdown().await;
    let mut sink = vec![0u8; 16 * 1024];
    while let Ok(1..) = from.read(&mut sink).await {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two ends of one loopback connection.
    async fn socket_pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let near = TcpStream::connect(listener.local_addr().expect("addr"));
        let (near, far) = tokio::join!(near, listener.accept());
        (near.expect("connect"), far.expect("accept").0)
    }

    fn control() -> Arc<Control> {
        Arc::new(Control {
            mode: AtomicU8::new(FORWARDING),
            changed: Notify::new(),
            wiring: std::sync::Mutex::default(),
        })
    }

    /// What one end reads within a second: `Some(0)` for a FIN, `None` for nothing.
    async fn first_read(socket: &mut TcpStream) -> Option<std::io::Result<usize>> {
        let mut byte = [0u8; 1];
        tokio::time::timeout(Duration::from_secs(1), socket.read(&mut byte))
            .await
            .ok()
    }

    #[tokio::test]
    async fn a_connection_wired_after_the_cut_is_closed_not_forwarded() {
        for reset in [false, true] {
            let (mut client, proxy_client) = socket_pair().await;
            let (proxy_server, mut server) = socket_pair().await;
            let control = control();
            if reset {
                control.reset();
            } else {
                control.stop();
            }
            control.wire(proxy_client, proxy_server).expect("wire");
            // After a reset the write itself may fail: as good as an end.
            let _ = client.write_all(b"hello").await;
            let ended =
                |read: Option<std::io::Result<usize>>| !matches!(read, None | Some(Ok(1..)));
            assert!(ended(first_read(&mut client).await), "reset: {reset}");
            assert!(ended(first_read(&mut server).await), "reset: {reset}");
        }
    }

    #[tokio::test]
    async fn a_wired_connection_forwards_until_the_cut() {
        let (mut client, proxy_client) = socket_pair().await;
        let (proxy_server, mut server) = socket_pair().await;
        let control = control();
        control.wire(proxy_client, proxy_server).expect("wire");
        client.write_all(b"h").await.expect("write");
        assert!(matches!(first_read(&mut server).await, Some(Ok(1))));
        control.stop();
        assert!(matches!(first_read(&mut client).await, Some(Ok(0))));
    }
}
