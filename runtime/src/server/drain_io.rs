//! Connections a [`Drain`] can close: the last resort for streams no session can
//! end by itself (a response held back by a client that stopped reading).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use futures_core::Stream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::futures::OwnedNotified;
use tonic::transport::server::Connected;

use super::drain::{Drain, Ended};

impl Drain {
    /// `incoming` (tonic's `TcpIncoming`, or any stream of connections), with each
    /// connection closed when this drain closes connections (see
    /// [`shutdown`](Drain::shutdown)): its reads and writes then fail, so hyper
    /// drops it with every stream on it. For `serve_with_incoming_shutdown`.
    pub fn incoming<I>(&self, incoming: I) -> DrainedIncoming<I> {
        DrainedIncoming {
            incoming,
            ended: Arc::clone(self.ended()),
        }
    }
}

/// Connections a [`Drain`] can close; made by [`Drain::incoming`].
#[derive(Debug)]
pub struct DrainedIncoming<I> {
    incoming: I,
    ended: Arc<Ended>,
}

impl<I, IO, E> Stream for DrainedIncoming<I>
where
    I: Stream<Item = Result<IO, E>> + Unpin,
{
    type Item = Result<DrainedIo<IO>, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let ended = Arc::clone(&self.ended);
        Pin::new(&mut self.incoming).poll_next(cx).map(|next| {
            next.map(|accepted| {
                accepted.map(|io| DrainedIo {
                    io,
                    bell: Box::pin(Arc::clone(&ended.close_bell).notified_owned()),
                    ended,
                })
            })
        })
    }
}

/// One connection a [`Drain`] can close.
pub struct DrainedIo<IO> {
    io: IO,
    bell: Pin<Box<OwnedNotified>>,
    ended: Arc<Ended>,
}

impl<IO> DrainedIo<IO> {
    /// The error of a connection the drain closed, once it is (and registers to be
    /// woken when it is).
    fn closed(&mut self, cx: &mut Context<'_>) -> Option<io::Error> {
        let rung = self.bell.as_mut().poll(cx).is_ready();
        (rung || self.ended.closed.load(Ordering::SeqCst)).then(|| {
            io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "tonic-session: the server's drain closed this connection",
            )
        })
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for DrainedIo<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(closed) = self.closed(cx) {
            return Poll::Ready(Err(closed));
        }
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for DrainedIo<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(closed) = self.closed(cx) {
            return Poll::Ready(Err(closed));
        }
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(closed) = self.closed(cx) {
            return Poll::Ready(Err(closed));
        }
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(closed) = self.closed(cx) {
            return Poll::Ready(Err(closed));
        }
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

impl<IO: Connected> Connected for DrainedIo<IO> {
    type ConnectInfo = IO::ConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.io.connect_info()
    }
}
