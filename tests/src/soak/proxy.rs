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

/// What the pumps share: the mode they forward in, and a bell to wake them.
struct Control {
    mode: AtomicU8,
    changed: Notify,
    /// Duplicates of both sockets, to reset them whatever the pumps are doing.
    sockets: std::sync::Mutex<Vec<TcpStream>>,
    pumps: std::sync::Mutex<Vec<JoinHandle<()>>>,
}

impl Control {
    /// Resets both sockets (RST on close) and stops forwarding.
    fn reset(&self) {
        for socket in self.sockets.lock().expect("not poisoned").iter() {
            // A socket already gone is as good as reset.
            let _ = socket.set_zero_linger();
        }
        self.stop();
    }

    /// Stops forwarding and closes both sockets: a FIN each way, or an RST once
    /// `reset` set them to linger zero.
    fn stop(&self) {
        for pump in self.pumps.lock().expect("not poisoned").drain(..) {
            pump.abort();
        }
        self.sockets.lock().expect("not poisoned").clear();
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
            sockets: std::sync::Mutex::new(Vec::new()),
            pumps: std::sync::Mutex::new(Vec::new()),
        });
        let shared = Arc::clone(&control);
        let accept = tokio::spawn(async move {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            let Ok(server) = TcpStream::connect(target).await else {
                return;
            };
            let _ = connect(client, server, &shared);
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

/// Starts the two pumps of a connection.
fn connect(client: TcpStream, server: TcpStream, control: &Arc<Control>) -> std::io::Result<()> {
    let duplicates = vec![duplicate(&client)?, duplicate(&server)?];
    *control.sockets.lock().expect("not poisoned") = duplicates;
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let up = tokio::spawn(pump(client_read, server_write, Arc::clone(control), true));
    let down = tokio::spawn(pump(server_read, client_write, Arc::clone(control), false));
    control
        .pumps
        .lock()
        .expect("not poisoned")
        .extend([up, down]);
    Ok(())
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
