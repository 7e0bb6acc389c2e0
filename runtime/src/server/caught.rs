//! Polling a handler future so that a panic becomes an `INTERNAL` status instead of
//! tearing down the connection task.

use std::future::{Future, poll_fn};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
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

/// Runs `future` to completion, turning a panic into [`panicked`].
pub(crate) async fn caught<F: Future>(future: F) -> Result<F::Output, Status> {
    let mut future = pin!(future);
    poll_fn(|cx| poll_caught(future.as_mut(), cx)).await
}
