//! The request stream of a client session: what tonic encodes and hyper sends.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use futures_core::Stream;

use crate::outbox::{Outbox, Parked, SenderState};

/// The request stream a client session hands to a tonic call, fed by its sending
/// half. It ends (a clean half-close) only after the sender's `finish`; a sender
/// dropped or cancelled instead leaves it pending while tonic resets the call.
///
/// Only the calls in [`client`](super) make one.
pub struct RequestStream<T> {
    outbox: Arc<Outbox<T>>,
    ready: VecDeque<T>,
    /// Whether the last look at the outbox found nothing (see `Parked`).
    parked: Parked,
    /// Told at the first poll: hyper has the request, so the call needs no more
    /// polling to make the request go out.
    dispatch: Option<Arc<Dispatch>>,
}

// `ready` is never pinned: the stream only moves messages in and out of it.
impl<T> Unpin for RequestStream<T> {}

impl<T> RequestStream<T> {
    pub(crate) fn new(outbox: Arc<Outbox<T>>, dispatch: Arc<Dispatch>) -> Self {
        RequestStream {
            outbox,
            ready: VecDeque::new(),
            parked: Parked::NOT,
            dispatch: Some(dispatch),
        }
    }
}

impl<T> Stream for RequestStream<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        if let Some(dispatch) = this.dispatch.take() {
            dispatch.signal();
        }
        if let Some(message) = this.ready.pop_front() {
            return Poll::Ready(Some(message));
        }
        if this.outbox.unchanged(this.parked, cx.waker()) {
            return Poll::Pending;
        }
        let snapshot = this.outbox.take(&mut this.ready, None, cx.waker(), None);
        this.parked = Parked::NOT;
        if let Some(message) = this.ready.pop_front() {
            return Poll::Ready(Some(message));
        }
        match snapshot.sender {
            SenderState::Finished => Poll::Ready(None),
            // Abandoned: the cancellation handle makes tonic reset the call; ending
            // here would be a clean half-close, a partial upload looking complete.
            SenderState::Abandoned | SenderState::Open => {
                this.parked = Parked::after(&snapshot, cx.waker());
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for RequestStream<T> {
    fn drop(&mut self) {
        self.outbox.close();
    }
}

impl<T> fmt::Debug for RequestStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestStream")
            .field("ready", &self.ready.len())
            .finish_non_exhaustive()
    }
}

/// A one-shot signal: the request stream was polled for the first time.
#[derive(Default)]
pub(crate) struct Dispatch {
    state: Mutex<(bool, Option<Waker>)>,
}

impl Dispatch {
    fn signal(&self) {
        let waker = {
            let mut state = self
                .state
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            state.0 = true;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    pub(crate) fn poll_signalled(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if state.0 {
            return Poll::Ready(());
        }
        state.1 = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counting_task::CountingTask;

    fn push(outbox: &Outbox<u32>, message: u32) {
        let pushed = outbox.poll_push(
            &mut Some(message),
            0,
            &mut Context::from_waker(Waker::noop()),
        );
        assert!(matches!(pushed, Poll::Ready(Ok(_))), "{message} queued");
    }

    #[test]
    fn a_stream_that_found_nothing_is_woken_by_whatever_comes_next() {
        let outbox = Arc::new(Outbox::new());
        let mut stream = RequestStream::new(Arc::clone(&outbox), Arc::default());
        let (task, waker) = CountingTask::new();
        let cx = &mut Context::from_waker(&waker);
        let mut poll = || Pin::new(&mut stream).poll_next(cx);
        for round in 0..3 {
            // Found nothing; polled again (as hyper does), still nothing.
            assert!(poll().is_pending());
            assert!(poll().is_pending());
            push(&outbox, round);
            assert_eq!(
                task.wakes(),
                round as usize + 1,
                "round {round}: the send woke the stream"
            );
            assert_eq!(poll(), Poll::Ready(Some(round)));
        }
        assert!(poll().is_pending());
        outbox.end_sender(SenderState::Finished);
        assert_eq!(task.wakes(), 4, "the finish woke it");
        assert_eq!(poll(), Poll::Ready(None));
    }
}
