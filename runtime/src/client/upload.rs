//! The sending half of a client-streaming call.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use tonic::{Response, Status};

use super::outgoing::Outgoing;
use super::tokens::Cancelled;
use crate::send_error::SendError;

/// The call's reply, once the request stream is complete.
pub(crate) type ReplyFuture<R> = Pin<Box<dyn Future<Output = Result<Response<R>, Status>> + Send>>;

/// The sending half of a client-streaming call; its [`finish`](Upload::finish) is
/// the only way to the server's reply (grpc-go's `CloseAndRecv`).
///
/// Neither `Clone` nor `Copy`; [`send`](Upload::send) takes `&mut self`. Dropped
/// without `finish` or [`cancel`](Upload::cancel), it cancels the call with
/// RST_STREAM: the server never takes a partial upload for a complete one.
pub struct Upload<T, R> {
    pub(crate) out: Outgoing<T>,
    pub(crate) reply: ReplyFuture<R>,
}

impl<T, R: Send + 'static> Upload<T, R> {
    /// Sends one message, waiting while the session's small buffer is full.
    /// Fails, handing the message back, once the call is over; the error is then the
    /// call's own status (the server's, or `DEADLINE_EXCEEDED`), so `?` passes on
    /// why, and [`finish`](Upload::finish) returns the same outcome.
    pub async fn send(&mut self, message: T) -> Result<(), SendError<T>> {
        let refused = match self.out.send(message).await {
            Err(refused) if refused.without_status() => refused,
            sent => return sent,
        };
        // The call is over: its outcome is on its way, or here already. Kept for
        // `finish`.
        let outcome = crate::deadline::race(self.out.deadline, self.reply.as_mut()).await;
        let status = outcome.as_ref().err().cloned();
        self.reply = Box::pin(std::future::ready(outcome));
        Err(SendError::over(refused.into_inner(), status))
    }

    /// Half-closes the request stream, at once, and returns the server's reply to
    /// await: its response, or the status the call ended with.
    pub fn finish(self) -> Finishing<T, R> {
        let Upload { mut out, reply } = self;
        out.half_close();
        let outcome = Box::pin(crate::deadline::race(out.deadline, reply));
        Finishing { _out: out, outcome }
    }
}

impl<T, R> Upload<T, R> {
    /// Cancels the call (RST_STREAM): the server sees an aborted upload.
    pub fn cancel(mut self) -> Cancelled {
        self.out.cancel();
        Cancelled { _private: () }
    }

    /// Resolves once the call is over and nothing more can be sent.
    pub async fn closed(&self) {
        self.out.closed().await
    }

    /// Whether the call is over, so that nothing more can be sent.
    pub fn is_closed(&self) -> bool {
        self.out.is_closed()
    }
}

/// The reply of a client-streaming call whose request stream is complete, to
/// await: [`Upload::finish`]'s. Dropped before it is ready, the call is cancelled
/// and its outcome lost; inside `#[tonic_session::client]` that is the
/// `undrained_receiver` rule's error, as for a receiver dropped before its end.
#[must_use = "the call's outcome (the server's reply or its error status) is in this future: `.await` it"]
pub struct Finishing<T, R> {
    /// The sending side, kept (half-closed) until the reply is in.
    _out: Outgoing<T>,
    outcome: ReplyFuture<R>,
}

// Never pinned through: only the boxed outcome is polled.
impl<T, R> Unpin for Finishing<T, R> {}

impl<T, R> Future for Finishing<T, R> {
    type Output = Result<Response<R>, Status>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        self.outcome.as_mut().poll(cx)
    }
}

impl<T, R> fmt::Debug for Finishing<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finishing").finish_non_exhaustive()
    }
}

impl<T, R> fmt::Debug for Upload<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
