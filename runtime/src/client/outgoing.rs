//! What the client's sending halves share: the outbox feeding the request stream,
//! and the handle that resets the call if the half is abandoned.

use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Poll, ready};

use tokio::time::Instant;
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
    /// Sends refused because the call is over.
    refusals: Refusals,
}

impl<T> Outgoing<T> {
    /// A sending side, the request that carries its stream, and the signal that
    /// hyper took the request.
    pub(crate) fn new() -> (Outgoing<T>, Request<RequestStream<T>>, Arc<Dispatch>) {
        let outbox = Arc::new(Outbox::new());
        let dispatch = Arc::new(Dispatch::default());
        let mut request = Request::new(RequestStream::new(
            Arc::clone(&outbox),
            Arc::clone(&dispatch),
        ));
        let cancel = Some(request.cancellation_handle());
        let out = Outgoing {
            outbox,
            cancel,
            deadline: None,
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
        // Nothing stages for a request stream: hyper polls it on the connection's task.
        poll_fn(
            |cx| match ready!(self.outbox.poll_push(&mut message, 0, cx)) {
                Ok(_queued_in) => Poll::Ready(Ok(())),
                Err(refused) => self
                    .refusals
                    .poll_refuse(refused, &mut message, cx)
                    .map(Err),
            },
        )
        .await
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
