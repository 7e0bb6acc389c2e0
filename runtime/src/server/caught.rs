//! Polling a handler future so that a panic becomes an `INTERNAL` status instead of
//! tearing down the connection task.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use tonic::Status;

/// The status a client sees when a handler panicked. The panic message stays on the
/// server (the panic hook prints it): it may hold details the client must not see.
pub(crate) fn panicked() -> Status {
    Status::internal("tonic-session: the handler panicked")
}

/// Polls `future` once; a panic is caught and reported as [`panicked`]. A future
/// that panicked must not be polled again.
#[inline(always)]
pub(crate) fn poll_caught<F: Future + ?Sized>(
    future: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<Result<F::Output, Status>> {
    match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
        Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
        Ok(Poll::Pending) => Poll::Pending,
        Err(_panic) => Poll::Ready(Err(panicked())),
    }
}

pin_project_lite::pin_project! {
    /// A future run to completion with a panic turned into [`panicked`]. A struct
    /// holding the future as a field: an `async fn` taking it would hold it twice
    /// (as its argument and as its pinned local), and a handler's future is the
    /// biggest part of a call's state.
    pub(crate) struct Caught<F> {
        #[pin]
        future: F,
        panicked: bool,
    }
}

/// Runs `future` to completion, turning a panic into [`panicked`].
pub(crate) fn caught<F: Future>(future: F) -> Caught<F> {
    Caught {
        future,
        panicked: false,
    }
}

impl<F: Future> Future for Caught<F> {
    type Output = Result<F::Output, Status>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if *this.panicked {
            // Polled again after its end: the end again, never the panicked future.
            return Poll::Ready(Err(panicked()));
        }
        let polled = poll_caught(this.future, cx);
        *this.panicked = matches!(polled, Poll::Ready(Err(_)));
        polled
    }
}
