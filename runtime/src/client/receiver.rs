//! The receiving half of a server-streaming or bidi call.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use tokio::time::{Instant, Sleep, sleep_until};

use tonic::metadata::MetadataMap;
use tonic::{CancellationHandle, Response, Status, Streaming};

use crate::outbox::Closable;

use super::tokens::Cancelled;

/// The call, until the response headers arrive.
pub(crate) type CallFuture<U> =
    Pin<Box<dyn Future<Output = Result<Response<Streaming<U>>, Status>> + Send>>;

#[allow(
    clippy::large_enum_variant,
    reason = "`Open` is where a receiver spends its life; boxing it would cost an allocation per call"
)]
enum State<U> {
    /// Waiting for the response headers (bidi: the call went out, the server has
    /// not answered yet).
    Calling(CallFuture<U>),
    Open(Streaming<U>),
    /// The final status was read: OK, or the error.
    Ended(Result<(), Status>),
}

/// The receiving half of a client's server-streaming or bidi call.
///
/// Neither `Clone` nor `Copy`, and [`message`](Receiver::message) takes `&mut self`:
/// one stream never has two concurrent receivers.
///
/// `message` returns `Ok(None)` only after the server ended the call with OK; an
/// error status, with its code, message and metadata, comes back as `Err`. A client
/// that stops reading early ends the half on purpose: [`finish`](Receiver::finish)
/// reads on to the final status (so a trailing error is not lost), and
/// [`cancel`](Receiver::cancel) abandons the call. Dropped otherwise, the receiver
/// cancels the call (RST_STREAM).
pub struct Receiver<U> {
    state: State<U>,
    headers: Option<MetadataMap>,
    trailers: Option<MetadataMap>,
    /// Bidi: resets the call even while its request stream is still open (dropping
    /// the response stream alone would not while hyper holds the sending side).
    cancel: Option<CancellationHandle>,
    /// The call's deadline, when the session knows it.
    deadline: Option<Pin<Box<Sleep>>>,
    /// Bidi: the sending half's outbox, closed once the call is over so a send
    /// fails at once rather than after hyper notices.
    outbound: Option<Arc<dyn Closable>>,
}

/// One step of reading.
#[allow(
    clippy::large_enum_variant,
    reason = "a transient value, matched at once; boxing would allocate on every call"
)]
enum Step<U> {
    Headers(Result<Response<Streaming<U>>, Status>),
    Item(Option<Result<U, Status>>),
    Expired,
}

/// Proof that a receiving half was read to its end and the call succeeded: the
/// value of [`Receiver::finish`].
#[must_use]
#[derive(Debug)]
pub struct Ended {
    trailers: MetadataMap,
}

impl Ended {
    /// The trailing metadata the server sent with its OK status.
    pub fn trailers(&self) -> &MetadataMap {
        &self.trailers
    }
}

impl<U> Receiver<U> {
    pub(crate) fn calling(
        call: CallFuture<U>,
        cancel: Option<CancellationHandle>,
        deadline: Option<Instant>,
    ) -> Self {
        Receiver {
            state: State::Calling(call),
            headers: None,
            trailers: None,
            cancel,
            deadline: deadline.map(|at| Box::pin(sleep_until(at))),
            outbound: None,
        }
    }

    pub(crate) fn open(
        response: Response<Streaming<U>>,
        cancel: Option<CancellationHandle>,
        deadline: Option<Instant>,
    ) -> Self {
        let (headers, stream, _) = response.into_parts();
        Receiver {
            state: State::Open(stream),
            headers: Some(compact(headers)),
            trailers: None,
            cancel,
            deadline: deadline.map(|at| Box::pin(sleep_until(at))),
            outbound: None,
        }
    }

    /// Ties the sending half of the same (bidi) call to this one.
    pub(crate) fn with_outbound(mut self, outbound: Arc<dyn Closable>) -> Self {
        self.outbound = Some(outbound);
        self
    }

    /// The call is over: nothing more can be sent on it. A call that failed is reset
    /// at once: the request stream may still be open (tonic's own timer fails a call
    /// before its response headers, the server still reading), and a `finish` of the
    /// sending half after this must not reach the server as a clean half-close.
    fn end(&mut self, ended: Result<(), Status>) {
        match &ended {
            Err(status) => self.abort(Some(status)),
            Ok(()) => {
                if let Some(outbound) = self.outbound.take() {
                    outbound.close();
                }
            }
        }
        self.state = State::Ended(ended);
    }

    /// The call failed (with `status`, a later send's error then) or was left:
    /// reset it, and turn a later `finish` of the sending half into an abandonment,
    /// never a clean half-close.
    fn abort(&mut self, status: Option<&Status>) {
        if let Some(cancel) = self.cancel.take() {
            cancel.cancel();
        }
        if let Some(outbound) = self.outbound.take() {
            outbound.abandon(status);
        }
    }

    /// Waits for the next step; the deadline is looked at first, so it wins over
    /// tonic's own timer on the same call (which would answer CANCELLED).
    fn poll_step(&mut self, cx: &mut Context<'_>) -> Poll<Step<U>> {
        if let Some(deadline) = self.deadline.as_mut()
            && deadline.as_mut().poll(cx).is_ready()
        {
            return Poll::Ready(Step::Expired);
        }
        match &mut self.state {
            State::Calling(call) => call.as_mut().poll(cx).map(Step::Headers),
            State::Open(stream) => Pin::new(stream).poll_next(cx).map(Step::Item),
            State::Ended(_) => Poll::Ready(Step::Item(None)),
        }
    }

    /// The headers of a trailers-only answer (they hold `grpc-status`): its trailers.
    fn trailers_only(&self) -> Option<MetadataMap> {
        let headers = self.headers.as_ref()?;
        headers
            .get("grpc-status")
            .is_some()
            .then(|| headers.clone())
    }

    /// The next message; `Ok(None)` once the call ended with status OK. An error
    /// status is returned as `Err` (and again by later calls).
    pub async fn message(&mut self) -> Result<Option<U>, Status> {
        loop {
            if let State::Ended(ended) = &self.state {
                return ended.clone().map(|()| None);
            }
            match poll_fn(|cx| self.poll_step(cx)).await {
                Step::Headers(Ok(response)) => {
                    let (headers, stream, _) = response.into_parts();
                    self.headers = Some(compact(headers));
                    self.state = State::Open(stream);
                }
                Step::Headers(Err(status)) | Step::Item(Some(Err(status))) => {
                    // A call that failed past its deadline (its sending half reset it
                    // then, say) failed because of it, even before the millisecond
                    // timer fired.
                    let deadline = self.deadline.as_ref().map(|sleep| sleep.deadline());
                    let status = crate::wire_status::with_grpc_code(status);
                    let status = crate::deadline::because_of(deadline, status);
                    self.end(Err(status));
                }
                Step::Item(Some(Ok(message))) => return Ok(Some(message)),
                Step::Item(None) => {
                    if let State::Open(stream) = &mut self.state {
                        // The stream is at its end: this only collects what came. A
                        // trailers-only answer carried them in its headers.
                        let trailers = stream.trailers().await.ok().flatten();
                        self.trailers = trailers.or_else(|| self.trailers_only());
                    }
                    self.end(Ok(()));
                }
                Step::Expired => {
                    self.deadline = None;
                    if let Some(cancel) = self.cancel.take() {
                        cancel.cancel();
                    }
                    // Dropping the call or stream resets it.
                    self.end(Err(crate::deadline::exceeded()));
                }
            }
        }
    }

    /// Reads on to the end, discarding what is left, and returns the final status:
    /// `Ok` with the trailing metadata, or the error the call ended with. This is
    /// how a client that has read all it wanted learns whether the call succeeded.
    pub async fn finish(mut self) -> Result<Ended, Status> {
        while self.message().await?.is_some() {}
        Ok(Ended {
            trailers: self.trailers.take().unwrap_or_default(),
        })
    }

    /// Cancels the call (RST_STREAM): nothing more is read, and the server sees
    /// the call cancelled.
    pub fn cancel(self) -> Cancelled {
        drop(self);
        Cancelled { _private: () }
    }

    /// The response headers, once they have arrived (after the first `message`
    /// for a bidi call, at once for a server-streaming one).
    pub fn headers(&self) -> Option<&MetadataMap> {
        self.headers.as_ref()
    }
}

impl<U> Drop for Receiver<U> {
    fn drop(&mut self) {
        // Before the end, leaving is cancelling: the call is reset, not left running.
        if !matches!(self.state, State::Ended(_)) {
            self.abort(None);
        }
        if let Some(outbound) = self.outbound.take() {
            outbound.close();
        }
    }
}

impl<U> fmt::Debug for Receiver<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Calling(_) => "calling",
            State::Open(_) => "open",
            State::Ended(Ok(())) => "ended ok",
            State::Ended(Err(_)) => "ended with an error",
        };
        f.debug_struct("Receiver")
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

/// The response headers in a map of their own size. The transport decodes them into
/// a map with room to spare (six entries for the usual two); a receiver keeps them
/// for the whole call (for [`Receiver::headers`]), and a parked call should hold no
/// more than it needs.
fn compact(headers: MetadataMap) -> MetadataMap {
    let headers = headers.into_headers();
    let mut compact = http::HeaderMap::with_capacity(headers.len());
    compact.extend(headers);
    MetadataMap::from_headers(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacted_headers_keep_every_name_and_value_in_order() {
        let mut headers = http::HeaderMap::new();
        headers.insert("content-type", "application/grpc".parse().expect("ascii"));
        headers.append("x-tag", "a".parse().expect("ascii"));
        headers.append("x-tag", "b".parse().expect("ascii"));
        headers.insert("x-trace-bin", "AAEC".parse().expect("ascii"));
        let compacted = compact(MetadataMap::from_headers(headers.clone())).into_headers();
        assert_eq!(compacted, headers);
        let tags: Vec<_> = compacted.get_all("x-tag").iter().collect();
        assert_eq!(tags, ["a", "b"]);
        // A usual answer's two headers, decoded as the transport does (one at a
        // time into an empty map): room for what came, not for more.
        let mut usual = http::HeaderMap::new();
        usual.append("content-type", "application/grpc".parse().expect("ascii"));
        usual.append(
            "date",
            "Fri, 04 Dec 2026 22:26:05 GMT".parse().expect("ascii"),
        );
        let compacted = compact(MetadataMap::from_headers(usual.clone())).into_headers();
        assert_eq!(compacted, usual);
        assert_eq!((compacted.capacity(), usual.capacity()), (2, 6));
    }
}
