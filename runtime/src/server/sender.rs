//! The server's sending half of a response stream.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use tonic::metadata::MetadataMap;
use tonic::{Code, Status};

use crate::inline_stage::{StageIn, Staged};
use crate::outbox::{Outbox, SenderState};
use crate::refused::{MethodName, Refusals};
use crate::send_error::SendError;

/// The sending half of a server response stream.
///
/// A streaming handler written under [`#[tonic_session::service]`](crate::service)
/// receives exactly one. It is neither `Clone` nor `Copy` and [`send`](Sender::send)
/// takes `&mut self`, so one stream never has two concurrent senders (grpc-go's
/// "never call `SendMsg` from two goroutines").
///
/// The only way to end the stream cleanly is [`finish`](Sender::finish), whose
/// [`Finished`] token the handler must return. Dropping the sender without finishing
/// (an early `?`, a panic, a cancelled task) ends the RPC with an error status: a
/// client can never mistake an abandoned stream for a complete one.
///
/// The sender may be moved into a task the handler spawns; when the client goes
/// away, [`send`](Sender::send) fails and [`closed`](Sender::closed) resolves.
///
/// ```
/// use tonic::Status;
/// use tonic_session::server::{Finished, Sender};
///
/// async fn count_to(n: u32, mut tx: Sender<u32>) -> Result<Finished, Status> {
///     for i in 1..=n {
///         tx.send(i).await?; // fails (and stops us) once the client is gone
///     }
///     Ok(tx.finish())
/// }
/// ```
pub struct Sender<T> {
    outbox: Arc<Outbox<T>>,
    /// Where the body sends while its stream polls it (see `inline_stage`).
    stage: StageIn<T>,
    finished: bool,
    /// The body poll of the last message queued through the outbox's lock.
    queued_in: u64,
    /// The body poll of the last message staged without it (see `inline_stage`).
    staged_in: u64,
    /// Sends refused because the call is over.
    refusals: Refusals,
}

/// Proof that a server stream was finished cleanly; only [`Sender::finish`] makes one.
///
/// A session handler returns `Result<Finished, Status>`, so a handler that never
/// finishes its sender cannot return `Ok`.
#[must_use = "return it from the handler: `Ok(tx.finish())`"]
#[derive(Debug)]
pub struct Finished {
    _private: (),
}

impl<T: Send + 'static> Sender<T> {
    /// Sends one message, waiting while the session's small buffer is full.
    ///
    /// Returns an error, with the message, once the client has gone away or the RPC
    /// has ended: a producer that propagates it with `?` stops promptly.
    pub fn send(&mut self, message: T) -> impl Future<Output = Result<(), SendError<T>>> {
        // A future of our own rather than an `async fn`: the message is moved once
        // into it and once into the session, which shows at millions per second.
        Sending {
            sender: self,
            message: Some(message),
        }
    }
}

/// The future of one [`Sender::send`].
struct Sending<'a, T> {
    sender: &'a mut Sender<T>,
    /// `None` once handed over.
    message: Option<T>,
}

// Nothing is pinned: the message only moves out.
impl<T> Unpin for Sending<'_, T> {}

impl<T: Send + 'static> Future for Sending<'_, T> {
    type Output = Result<(), SendError<T>>;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Sending { sender, message } = self.get_mut();
        let address = sender.outbox.address();
        match sender.stage.push(address, sender.queued_in, message, cx) {
            Staged::In(generation) => {
                sender.staged_in = generation;
                Poll::Ready(Ok(()))
            }
            Staged::Full { foreign } => {
                if foreign {
                    sender.outbox.wait_for_room(cx.waker());
                }
                Poll::Pending
            }
            Staged::Locked => sender.poll_locked(message, cx),
        }
    }
}

impl<T: Send + 'static> Sender<T> {
    /// A send that is not staged: through the outbox's lock.
    fn poll_locked(
        &mut self,
        message: &mut Option<T>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), SendError<T>>> {
        match ready!(self.outbox.poll_push(message, self.staged_in, cx)) {
            Ok(queued_in) => {
                self.queued_in = queued_in;
                Poll::Ready(Ok(()))
            }
            // The client left or the call is over: its status is the server's own.
            Err(refused) => self
                .refusals
                .poll_refuse(refused, message, cx, || None)
                .map(Err),
        }
    }
}

impl<T> Sender<T> {
    pub(crate) fn new(outbox: Arc<Outbox<T>>, stage: StageIn<T>, method: MethodName) -> Self {
        Sender {
            outbox,
            stage,
            finished: false,
            queued_in: 0,
            staged_in: 0,
            refusals: Refusals::new(method),
        }
    }

    /// Ends the stream cleanly: the client sees every message sent, then status OK.
    pub fn finish(mut self) -> Finished {
        self.finished = true;
        self.outbox.end_sender(SenderState::Finished);
        Finished { _private: () }
    }

    /// Ends the stream cleanly, as [`finish`](Sender::finish), with trailing metadata:
    /// the client sees every message sent, then status OK with `trailers` (a
    /// session client reads them from [`Ended::trailers`](crate::client::Ended::trailers)).
    ///
    /// ```
    /// # use tonic::Status;
    /// # use tonic::metadata::MetadataMap;
    /// # use tonic_session::server::{Finished, Sender};
    /// async fn count_to(n: u32, mut tx: Sender<u32>) -> Result<Finished, Status> {
    ///     for i in 1..=n {
    ///         tx.send(i).await?;
    ///     }
    ///     let mut trailers = MetadataMap::new();
    ///     trailers.insert("x-sent", n.to_string().parse().expect("digits"));
    ///     Ok(tx.finish_with_trailers(trailers))
    /// }
    /// ```
    pub fn finish_with_trailers(self, trailers: MetadataMap) -> Finished {
        self.outbox
            .set_end_status(Status::with_metadata(Code::Ok, "", trailers));
        self.finish()
    }

    /// Resolves when the client has gone away or the RPC has ended; useful in
    /// `tokio::select!` next to work that does not send.
    pub async fn closed(&self) {
        poll_fn(|cx| self.outbox.poll_closed(cx)).await
    }

    /// Whether the client has gone away or the RPC has ended.
    pub fn is_closed(&self) -> bool {
        self.outbox.is_closed()
    }

    /// Sends the response headers now, before any message.
    ///
    /// Headers otherwise wait for the first message (as in grpc-go), and a tonic
    /// client's call does not return before them: a handler that may wait long for
    /// its first message (a watch, a subscription) sends them first so the client
    /// gets its stream at once. Edits after this are refused.
    ///
    /// ```
    /// # use tonic::Status;
    /// # use tonic_session::server::{Finished, Sender};
    /// async fn watch(mut tx: Sender<String>, mut events: tokio::sync::mpsc::Receiver<String>) -> Result<Finished, Status> {
    ///     tx.send_headers(); // the client's call returns now, not at the first event
    ///     while let Some(event) = events.recv().await {
    ///         tx.send(event).await?;
    ///     }
    ///     Ok(tx.finish())
    /// }
    /// ```
    pub fn send_headers(&mut self) {
        self.outbox.request_commit();
    }

    /// Edits the response headers (metadata), if they have not been sent yet.
    ///
    /// Headers go out with the first message, at [`finish`](Sender::finish), at
    /// [`send_headers`](Sender::send_headers), at the handler's first receive on its
    /// request stream, or when the handler returns; after that this returns `None`
    /// and changes nothing.
    ///
    /// ```
    /// # use tonic_session::server::Sender;
    /// # async fn demo(mut tx: Sender<u32>) {
    /// let sent = tx.with_headers(|headers| {
    ///     headers.insert("x-shard", "7".parse().unwrap());
    /// });
    /// assert!(sent.is_some(), "no message was sent yet");
    /// # }
    /// ```
    pub fn with_headers<R>(&mut self, edit: impl FnOnce(&mut MetadataMap) -> R) -> Option<R> {
        self.outbox.edit_headers(edit)
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if !self.finished {
            self.outbox.end_sender(SenderState::Abandoned);
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
