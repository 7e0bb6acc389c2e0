//! Ending sessions when a server shuts down.
//!
//! tonic's `serve_with_shutdown` stops taking calls at the signal, then waits for
//! every connection to close, for as long as that takes: a session that streams
//! forever, or a client that stalled, holds the server up without end. A [`Drain`]
//! gives the sessions in flight a grace period after the signal, then ends each one
//! still running with `UNAVAILABLE`: the handler body is dropped (its receive or
//! send fails first if it was waiting on one), the client gets the status, and the
//! connections close, so `serve_with_shutdown` returns.
//!
//! One kind of stream no session can end by itself: a response that waits for a
//! client that stopped reading (HTTP/2 flow control). hyper then holds a chunk it
//! cannot send and polls nothing else of that stream until the client reads. For
//! those, a server that takes its connections through [`Drain::incoming`] has them
//! closed a moment after the sessions were ended.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::sync::futures::OwnedNotified;
use tokio::time::{Sleep, sleep_until};
use tonic::Status;

use crate::deadline::{self, RequestDeadline};

/// Ends a server's sessions a grace period after its shutdown signal. Cheap to
/// clone; give one to [`SessionLayer::drain`](super::SessionLayer::drain) and pass
/// [`shutdown`](Drain::shutdown) to `serve_with_shutdown`.
///
/// ```no_run
/// # async fn serve(routes: tonic::service::Routes) -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use tonic::transport::server::TcpIncoming;
/// use tonic_session::server::{Drain, SessionLayer};
///
/// let drain = Drain::new();
/// // Any future: tokio's `signal::ctrl_c()`, a message from the supervisor, ...
/// let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// let signal = async {
///     let _ = stopped.await;
/// };
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:50051").await?;
/// tonic::transport::Server::builder()
///     .layer(SessionLayer::new().drain(&drain))
///     .add_routes(routes)
///     .serve_with_incoming_shutdown(
///         drain.incoming(TcpIncoming::from(listener)),
///         drain.shutdown(signal, Duration::from_secs(5)),
///     )
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Drain(Arc<Ended>);

#[derive(Debug, Default)]
pub(super) struct Ended {
    ended: AtomicBool,
    bell: Arc<Notify>,
    /// Set (and rung) when connections taken through `Drain::incoming` must close.
    pub(super) closed: AtomicBool,
    pub(super) close_bell: Arc<Notify>,
}

/// How long after ending the sessions a drain closes the connections still open:
/// long enough for their final statuses to go out where the client still reads.
const CLOSE_AFTER_END: Duration = Duration::from_millis(250);

impl Drain {
    /// A drain no signal has started.
    pub fn new() -> Self {
        Drain::default()
    }

    /// The shutdown future for `serve_with_shutdown`: completes when `signal` does,
    /// so the server stops taking calls; `grace` later every session still running
    /// is ended with `UNAVAILABLE`, and a moment after that connections taken
    /// through [`incoming`](Drain::incoming) that are still open are closed.
    pub fn shutdown(
        &self,
        signal: impl Future<Output = ()> + Send + 'static,
        grace: Duration,
    ) -> impl Future<Output = ()> + Send + 'static {
        let drain = self.clone();
        async move {
            signal.await;
            tokio::spawn(async move {
                tokio::time::sleep(grace).await;
                drain.end_sessions();
                tokio::time::sleep(CLOSE_AFTER_END).await;
                drain.close_connections();
            });
        }
    }

    /// Ends every session in flight now, and every later one as soon as it starts.
    pub fn end_sessions(&self) {
        self.0.ended.store(true, Ordering::SeqCst);
        self.0.bell.notify_waiters();
    }

    /// Closes every connection taken through [`incoming`](Drain::incoming) now
    /// (its reads and writes fail), and every later one at once.
    pub fn close_connections(&self) {
        self.0.closed.store(true, Ordering::SeqCst);
        self.0.close_bell.notify_waiters();
    }

    pub(super) fn ended(&self) -> &Arc<Ended> {
        &self.0
    }

    pub(crate) fn watch(&self) -> DrainWatch {
        DrainWatch(Arc::clone(&self.0))
    }
}

/// What `SessionLayer` puts in a request's extensions when it has a [`Drain`].
#[derive(Clone, Debug)]
pub(crate) struct DrainWatch(Arc<Ended>);

/// The status of a session a drain ended.
pub(crate) fn drained() -> Status {
    Status::unavailable("tonic-session: the server is shutting down; the call did not finish")
}

/// What can end a server session before its handler does: the request's deadline
/// (`DEADLINE_EXCEEDED`) and the server's drain (`UNAVAILABLE`).
pub(crate) struct Stop {
    deadline: Option<Pin<Box<Sleep>>>,
    drain: Option<(DrainWatch, Pin<Box<OwnedNotified>>)>,
}

impl Stop {
    /// The stops of a request, as `SessionLayer` recorded them; `None` if it has none.
    pub(crate) fn of<R>(request: &tonic::Request<R>) -> Option<Stop> {
        let deadline = request.extensions().get::<RequestDeadline>();
        let drain = request.extensions().get::<DrainWatch>();
        if deadline.is_none() && drain.is_none() {
            return None;
        }
        Some(Stop {
            deadline: deadline.map(|RequestDeadline(at)| Box::pin(sleep_until(*at))),
            drain: drain.map(|watch| {
                let bell = Box::pin(Arc::clone(&watch.0.bell).notified_owned());
                (watch.clone(), bell)
            }),
        })
    }

    /// Ready with the status to end the session with, once it must end.
    pub(crate) fn poll_stop(&mut self, cx: &mut Context<'_>) -> Poll<Status> {
        if let Some(deadline) = self.deadline.as_mut()
            && deadline.as_mut().poll(cx).is_ready()
        {
            return Poll::Ready(deadline::exceeded());
        }
        if let Some((watch, bell)) = self.drain.as_mut() {
            // The flag covers a drain that ended before this session's bell existed.
            if bell.as_mut().poll(cx).is_ready() || watch.0.ended.load(Ordering::SeqCst) {
                return Poll::Ready(drained());
            }
        }
        Poll::Pending
    }
}

pin_project_lite::pin_project! {
    /// `work` run until it ends or its [`Stop`] says the session must end; holds
    /// `work` as a field, in place (see [`Caught`](super::caught::Caught)).
    pub(crate) struct UntilStopped<W> {
        stop: Option<Stop>,
        #[pin]
        work: W,
    }
}

/// Runs `work` until it ends or `stop` says the session must end.
pub(crate) fn until_stopped<W>(stop: Option<Stop>, work: W) -> UntilStopped<W> {
    UntilStopped { stop, work }
}

impl<T, W: Future<Output = Result<T, Status>>> Future for UntilStopped<W> {
    type Output = Result<T, Status>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Some(stop) = this.stop
            && let Poll::Ready(status) = stop.poll_stop(cx)
        {
            return Poll::Ready(Err(status));
        }
        this.work.poll(cx)
    }
}
