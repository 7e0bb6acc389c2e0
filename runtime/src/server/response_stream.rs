//! The response stream tonic polls: it owns the handler body and drives it, so a
//! session needs no task of its own, and dropping the stream (the client left)
//! drops the body at its next await.

use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use tonic::metadata::MetadataMap;
use tonic::{Code, Response, Status};

use super::body_wake::BodyWake;
use super::caught::poll_caught;
use super::drain::Stop;
use super::sender::Finished;
use crate::inline_stage::{INLINE_BATCH, StageOut};
use crate::outbox::{FIRST_GENERATION, Outbox, Parked, SenderState, Snapshot};

/// A streaming handler's body, boxed once per call.
pub(crate) type HandlerBody = Pin<Box<dyn Future<Output = Result<Finished, Status>> + Send>>;

/// The `type XStream` of a session handler: the messages its [`Sender`](super::Sender)
/// sends, then the status its body decided.
///
/// `#[tonic_session::service]` names it in the generated associated types; user code
/// never builds one.
pub struct ResponseStream<T> {
    outbox: Arc<Outbox<T>>,
    /// `None` once the body has returned (or panicked).
    body: Option<HandlerBody>,
    /// The body's waker: the body is polled only when it was woken (or marked).
    body_wake: BodyWake,
    /// What the body returned: `Ok` means it returned `Ok(Finished)`.
    outcome: Option<Result<(), Status>>,
    /// Messages taken from the outbox, not yet yielded.
    ready: VecDeque<T>,
    /// Messages the body staged while polled (see `inline_stage`), yielded after
    /// `ready`.
    stage: StageOut<T>,
    /// The generation of the next body poll, as the outbox last said.
    generation: u64,
    /// Whether the last look at the outbox found nothing (see `Parked`).
    parked: Parked,
    /// The end, once decided: `None` for a clean end, or the error status.
    end: Option<Option<Status>>,
    /// The end has been yielded.
    done: bool,
    /// The request's deadline (the RPC then ends with DEADLINE_EXCEEDED) and the
    /// server's drain (UNAVAILABLE).
    stop: Option<Stop>,
}

// `ready` is never pinned: the stream only moves messages in and out of it.
impl<T> Unpin for ResponseStream<T> {}

/// What one step of driving the session produced.
enum Progress {
    /// `ready` holds messages.
    Messages,
    /// The headers should go out now (sender finished, or a receive asked).
    Commit,
    /// The end is decided (`self.end` is set) and every message was yielded.
    End,
}

impl<T: Send + 'static> ResponseStream<T> {
    fn new(
        outbox: Arc<Outbox<T>>,
        stage: StageOut<T>,
        body: HandlerBody,
        stop: Option<Stop>,
    ) -> Self {
        ResponseStream {
            outbox,
            body: Some(body),
            body_wake: BodyWake::new(),
            outcome: None,
            ready: VecDeque::new(),
            stage,
            generation: FIRST_GENERATION,
            parked: Parked::NOT,
            end: None,
            done: false,
            stop,
        }
    }

    /// Drives the body until there is something to report.
    fn advance(&mut self, cx: &mut Context<'_>, header_phase: bool) -> Poll<Progress> {
        if self.end.is_some() {
            return Poll::Ready(Progress::End);
        }
        if let Some(stop) = self.stop.as_mut()
            && let Poll::Ready(status) = stop.poll_stop(cx)
        {
            // Past the deadline (or the drain) nothing more goes out: the body is
            // dropped, what it queued is discarded, and the status says why.
            self.stop = None;
            self.body = None;
            self.ready.clear();
            self.stage.discard();
            self.end = Some(Some(status));
            self.outbox.close();
            return Poll::Ready(Progress::End);
        }
        // The body first if it was woken (see `body_wake`), then one look at the
        // outbox for what it and any other task sent: queued messages go before
        // staged ones, so order holds either way.
        let mut staged = None;
        if let Some(body) = self.body.as_mut()
            && self.body_wake.take_mark(cx.waker())
        {
            let waker = self.body_wake.waker();
            let polled = self
                .stage
                .marked(self.outbox.address(), self.generation, waker, || {
                    poll_caught(body.as_mut(), &mut Context::from_waker(waker))
                });
            let staged_now = self.stage.len();
            match polled {
                Poll::Ready(result) => {
                    self.body = None;
                    self.outcome = Some(result.and_then(|returned| returned.map(drop)));
                }
                // It may wait for room in the ring, which nobody wakes it for: the
                // ring is ours to empty (see `inline_stage`).
                Poll::Pending if staged_now == INLINE_BATCH => self.body_wake.mark(),
                Poll::Pending => {}
            }
            staged = Some(staged_now);
        }
        // Without a body poll (nor its return: only a poll returns), a take would
        // find what the last one did if the outbox has no news: nothing.
        if staged.is_none() && self.outbox.unchanged(self.parked, cx.waker()) {
            return Poll::Pending;
        }
        let body_waker = self.body.as_ref().map(|_| self.body_wake.waker());
        let snapshot = self
            .outbox
            .take(&mut self.ready, staged, cx.waker(), body_waker);
        if snapshot.room_for_body {
            self.body_wake.mark();
        }
        self.generation = snapshot.generation;
        match self.progress(&snapshot, header_phase) {
            Some(progress) => {
                self.parked = Parked::NOT;
                Poll::Ready(progress)
            }
            None => {
                self.parked = Parked::after(&snapshot, cx.waker());
                Poll::Pending
            }
        }
    }

    fn progress(&mut self, snapshot: &Snapshot, header_phase: bool) -> Option<Progress> {
        if !self.ready.is_empty() || !self.stage.is_empty() {
            return Some(Progress::Messages);
        }
        // Only the body's return decides the end: after an abandoned sender it
        // usually returns the error that made the sender go, a better status than ours.
        let Some(outcome) = self.outcome.take() else {
            let commit = snapshot.commit_requested || snapshot.sender == SenderState::Finished;
            return (header_phase && commit).then_some(Progress::Commit);
        };
        let end = match (outcome, snapshot.sender) {
            // An OK status as the handler's error is the stream's trailers, but only
            // after its sender finished: otherwise an abandoned stream would end OK.
            (Err(status), SenderState::Finished) => Some(status),
            (Err(status), _) if status.code() == Code::Ok => Some(Status::internal(
                "tonic-session: the handler returned status OK without finishing its sender",
            )),
            (Err(status), _) => Some(status),
            // A clean end; the OK status with trailers, if the sender finished with one.
            (Ok(()), SenderState::Finished) => self.outbox.take_end_status(),
            (Ok(()), _) => Some(Status::internal(
                "tonic-session: the handler returned `Finished` without finishing its own sender",
            )),
        };
        self.end = Some(end);
        self.outbox.close();
        Some(Progress::End)
    }

    /// Runs the body until the response headers can go out: the first message, the
    /// sender's finish, a receive on the request stream, or the body's return. An
    /// error before any message becomes the status of the call (trailers-only).
    fn poll_headers(&mut self, cx: &mut Context<'_>) -> Poll<Result<MetadataMap, Status>> {
        let progress = ready!(self.advance(cx, true));
        if let (Progress::End, Some(Some(status))) = (progress, &self.end) {
            return Poll::Ready(Err(status.clone()));
        }
        Poll::Ready(Ok(self.outbox.commit_headers()))
    }
}

impl<T: Send + 'static> Stream for ResponseStream<T> {
    type Item = Result<T, Status>;

    /// The next message, then the status the body decided. The fast path (a staged
    /// message while none is queued: queued ones go first) stays small, so tonic's
    /// encoder inlines it.
    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.ready.is_empty()
            && let Some(message) = this.stage.pop()
        {
            return Poll::Ready(Some(Ok(message)));
        }
        this.poll_session(cx)
    }
}

impl<T: Send + 'static> ResponseStream<T> {
    /// `poll_next` past its fast path: queued messages, then staged ones, then the
    /// session driven until it has more or ends.
    #[inline(never)]
    fn poll_session(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Status>>> {
        loop {
            if let Some(message) = self.ready.pop_front() {
                return Poll::Ready(Some(Ok(message)));
            }
            if let Some(message) = self.stage.pop() {
                return Poll::Ready(Some(Ok(message)));
            }
            if self.done {
                return Poll::Ready(None);
            }
            // Each batch spends one unit of tokio's cooperative budget, as a raw
            // receiver's `recv_many` does: a body that produces as fast as it can
            // yields its worker now and then, so the connection gets to write the
            // headers and the first messages instead of waiting until HTTP/2's
            // window is full (and a peer's reset is read in time).
            let budget = ready!(tokio::task::coop::poll_proceed(cx));
            let progress = ready!(self.advance(cx, false));
            budget.made_progress();
            if let Progress::End = progress {
                self.done = true;
                return Poll::Ready(self.end.take().flatten().map(Err));
            }
        }
    }
}

impl<T> Drop for ResponseStream<T> {
    fn drop(&mut self) {
        self.outbox.close();
    }
}

impl<T> fmt::Debug for ResponseStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseStream")
            .field("running", &self.body.is_some())
            .field("ready", &self.ready.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// Drives `body` until the headers can go out, then hands tonic the response.
pub(crate) async fn respond<T: Send + 'static>(
    outbox: Arc<Outbox<T>>,
    stage: StageOut<T>,
    body: HandlerBody,
    stop: Option<Stop>,
) -> Result<Response<ResponseStream<T>>, Status> {
    let mut stream = ResponseStream::new(outbox, stage, body, stop);
    let headers = poll_fn(|cx| stream.poll_headers(cx)).await?;
    Ok(Response::from_parts(headers, stream, Default::default()))
}
