//! What the client's sending halves share: the outbox feeding the request stream,
//! and the handle that resets the call if the half is abandoned.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::time::{Instant, Sleep, sleep_until};
use tonic::{CancellationHandle, Request};

use super::request_stream::{Dispatch, RequestStream};
use crate::outbox::{Closable, Outbox, SenderState};
use crate::refused::{MethodName, Refusals};
use crate::send_error::SendError;

/// The sending side of one call. Dropped without `half_close` or `cancel`, it
/// cancels the call (RST_STREAM): a partial upload never looks complete.
pub(crate) struct Outgoing<T> {
    outbox: Arc<Outbox<T>>,
    cancel: Option<CancellationHandle>,
    /// The call's deadline, if its request has one.
    pub(crate) deadline: Option<Instant>,
    /// The deadline's timer, armed the first time a send has to wait.
    expiry: Option<Pin<Box<Sleep>>>,
    /// Sends refused because the call is over.
    refusals: Refusals,
}

impl<T> Outgoing<T> {
    /// A sending side, the request that carries its stream (with the metadata,
    /// extensions and deadline of `base`), and the signal that hyper took the request.
    pub(crate) fn new(
        base: Request<()>,
    ) -> (Outgoing<T>, Request<RequestStream<T>>, Arc<Dispatch>) {
        let outbox = Arc::new(Outbox::new());
        let dispatch = Arc::new(Dispatch::default());
        let (metadata, extensions, ()) = base.into_parts();
        let stream = RequestStream::new(Arc::clone(&outbox), Arc::clone(&dispatch));
        let mut request = Request::from_parts(metadata, extensions, stream);
        let cancel = Some(request.cancellation_handle());
        let out = Outgoing {
            outbox,
            cancel,
            deadline: crate::deadline::of_client_request(&request),
            expiry: None,
            refusals: Refusals::default(),
        };
        (out, request, dispatch)
    }

    /// The outbox, for the receiving half of a bidi call to close when the call
    /// is over.
    pub(crate) fn closable(&self) -> Arc<dyn Closable>
    where
        T: Send + 'static,
    {
        self.outbox.clone()
    }

    /// A handle that resets the call (for the receiving half of a bidi call).
    pub(crate) fn cancellation(&mut self) -> Option<CancellationHandle> {
        self.cancel.clone()
    }

    /// Names the call in the reports of refused sends.
    pub(crate) fn name(&mut self, method: &'static str) {
        self.refusals = Refusals::new(MethodName::Client(method));
    }

    pub(crate) async fn send(&mut self, message: T) -> Result<(), SendError<T>> {
        let mut message = Some(message);
        poll_fn(|cx| self.poll_send(&mut message, cx)).await
    }

    /// Queues `message` (nothing stages for a request stream: hyper polls it on the
    /// connection's task). A send waiting for room (the server does not read, HTTP/2
    /// flow control holds the stream) ends at the call's deadline, which resets the
    /// call: nobody may be reading the receiving half to notice.
    fn poll_send(
        &mut self,
        message: &mut Option<T>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), SendError<T>>> {
        if self.deadline.is_some_and(|at| Instant::now() >= at) {
            return self.expire(message);
        }
        match self.outbox.poll_push(message, 0, cx) {
            Poll::Ready(Ok(_queued_in)) => Poll::Ready(Ok(())),
            Poll::Ready(Err(refused)) => {
                let outbox = &self.outbox;
                let ended_with = || outbox.end_status();
                self.refusals
                    .poll_refuse(refused, message, cx, ended_with)
                    .map(Err)
            }
            Poll::Pending => {
                let Some(at) = self.deadline else {
                    return Poll::Pending;
                };
                let expiry = self.expiry.get_or_insert_with(|| Box::pin(sleep_until(at)));
                match expiry.as_mut().poll(cx) {
                    Poll::Ready(()) => self.expire(message),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    /// The deadline passed: the call is reset and `message` handed back.
    fn expire(&mut self, message: &mut Option<T>) -> Poll<Result<(), SendError<T>>> {
        self.cancel();
        self.outbox.close();
        match message.take() {
            Some(message) => Poll::Ready(Err(SendError::expired(message))),
            // Nothing was waiting: the message went out before the deadline.
            None => Poll::Ready(Ok(())),
        }
    }

    pub(crate) async fn closed(&self) {
        poll_fn(|cx| self.outbox.poll_closed(cx)).await
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.outbox.is_closed()
    }

    /// Ends the request stream cleanly after what was sent (a half-close).
    pub(crate) fn half_close(&mut self) {
        self.cancel = None;
        self.outbox.end_sender(SenderState::Finished);
    }

    /// Resets the call: the server sees an aborted request stream.
    pub(crate) fn cancel(&mut self) {
        self.outbox.end_sender(SenderState::Abandoned);
        if let Some(cancel) = self.cancel.take() {
            cancel.cancel();
        }
    }
}

impl<T> Drop for Outgoing<T> {
    fn drop(&mut self) {
        if self.cancel.is_some() {
            self.cancel();
        }
    }
}
