//! A client send that waits for room ends at the call's deadline, even when nothing
//! else happens: the request stream is held and never read, nobody polls the
//! receiving half, and the server (here: none) never ends the call.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use futures_core::Stream;
use tonic::{Code, Request, Status};
use tonic_session::client::{self, RequestStream};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_waiting_for_room_ends_at_the_deadline() {
    let held: Arc<Mutex<Option<RequestStream<u32>>>> = Arc::default();
    let slot = Arc::clone(&held);
    let mut request = Request::new(());
    request.set_timeout(Duration::from_millis(200));
    let (mut tx, _rx) = client::bidi::<u32, u32, _>(request, move |request| async move {
        let mut stream = request.into_inner();
        // The first poll tells the session the request went out; then the stream
        // is kept, unread, as a transport stalled by flow control keeps it.
        poll_fn(|cx| {
            let _ = Pin::new(&mut stream).poll_next(cx);
            Poll::Ready(())
        })
        .await;
        *slot.lock().unwrap() = Some(stream);
        std::future::pending().await
    })
    .await
    .expect("opened");
    let sending = async {
        for seq in 0.. {
            tx.send(seq).await?;
        }
        Ok::<(), Status>(())
    };
    // 10 times the deadline: a liveness bound, not a speed check. The bound is
    // looked at first, so its own wake-up cannot end the send.
    let status = tokio::select! {
        biased;
        () = tokio::time::sleep(Duration::from_secs(2)) => panic!("the blocked send ignored its deadline"),
        sent = sending => sent.expect_err("the stream is never read"),
    };
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(
        held.lock().unwrap().is_some(),
        "the stream was held to the end"
    );
}
