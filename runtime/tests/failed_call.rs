//! A client call that failed before its sending half finished: the request stream
//! must never end cleanly afterwards, whatever the sending half does.
//!
//! Found by the fault soak: tonic's own timer failed a bidi call before its response
//! headers came, the server still reading; the client then finished its sending
//! half, as the rules ask, and the server saw a clean end of a request stream it
//! never got in full. (Over the wire this needs a server that tells a reset from a
//! half-close, which plain tonic does not: `SessionLayer` does, so the soak sees it.)

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;

use futures_core::Stream;
use tokio::sync::oneshot;
use tonic::{Request, Response, Status, Streaming};
use tonic_session::client::{self, RequestStream};

type Slot = Arc<Mutex<Option<RequestStream<u32>>>>;

/// A bidi call whose transport takes the request stream (as hyper does), then
/// fails with the status sent on `fail` (as tonic's own timer does).
async fn failing_bidi(
    slot: Slot,
    fail: oneshot::Receiver<Status>,
) -> (client::Sender<u32>, client::Receiver<u32>) {
    client::bidi((), move |request: Request<RequestStream<u32>>| async move {
        let mut stream = request.into_inner();
        // The first poll tells the session the request went out.
        poll_fn(|cx| {
            let _ = Pin::new(&mut stream).poll_next(cx);
            Poll::Ready(())
        })
        .await;
        *slot.lock().unwrap() = Some(stream);
        let status = fail.await.unwrap_or_else(|_| Status::internal("test gone"));
        Err::<Response<Streaming<u32>>, Status>(status)
    })
    .await
    .expect("the request went out")
}

/// Polls the request stream until it has nothing ready; `true` if it ended.
fn ended_cleanly(slot: &Slot) -> bool {
    let mut guard = slot.lock().unwrap();
    let stream = guard.as_mut().expect("the transport kept the stream");
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        match Pin::new(&mut *stream).poll_next(&mut cx) {
            Poll::Ready(Some(_)) => continue,
            Poll::Ready(None) => return true,
            Poll::Pending => return false,
        }
    }
}

#[tokio::test]
async fn finishing_after_the_call_failed_is_never_a_clean_half_close() {
    let slot = Slot::default();
    let (fail, failed) = oneshot::channel();
    let (mut tx, mut rx) = failing_bidi(slot.clone(), failed).await;
    tx.send(1).await.unwrap();
    let _ = fail.send(Status::cancelled("Timeout expired"));
    let status = rx.message().await.expect_err("the call failed");
    assert_eq!(status.message(), "Timeout expired");
    let _half_closed = tx.finish();
    assert!(
        !ended_cleanly(&slot),
        "a failed call's request stream ended with a clean half-close"
    );
}

#[tokio::test]
async fn finishing_after_the_receiver_was_dropped_is_never_a_clean_half_close() {
    let slot = Slot::default();
    let (_fail, failed) = oneshot::channel();
    let (mut tx, rx) = failing_bidi(slot.clone(), failed).await;
    tx.send(1).await.unwrap();
    drop(rx);
    let _half_closed = tx.finish();
    assert!(!ended_cleanly(&slot));
}

#[tokio::test]
async fn finishing_a_live_call_is_a_clean_half_close() {
    let slot = Slot::default();
    let (_fail, failed) = oneshot::channel();
    let (mut tx, _rx) = failing_bidi(slot.clone(), failed).await;
    tx.send(1).await.unwrap();
    let _half_closed = tx.finish();
    assert!(ended_cleanly(&slot));
}
