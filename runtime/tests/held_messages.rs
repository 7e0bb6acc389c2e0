//! Bounded memory: a sender that outruns its reader waits; the session never holds
//! more than `MAX_HELD_MESSAGES` messages.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_core::Stream;
use tonic_session::server::{MAX_HELD_MESSAGES, ResponseStream, Sender};

/// Sends numbers forever from a spawned task, counting what `send` accepted.
async fn open_endless(from_spawned_task: bool, sent: Arc<AtomicUsize>) -> ResponseStream<usize> {
    let response = tonic_session::__private::server_streaming(
        tonic_session::__private::as_layered(tonic::Request::new(())),
        move |_request, mut tx: Sender<usize>| async move {
            let produce = async move {
                for i in 0.. {
                    tx.send(i).await?;
                    sent.fetch_add(1, Ordering::SeqCst);
                }
                Ok(tx.finish())
            };
            if from_spawned_task {
                tokio::spawn(produce).await.expect("producer")
            } else {
                produce.await
            }
        },
    )
    .await
    .expect("headers");
    response.into_inner()
}

async fn next(stream: &mut ResponseStream<usize>) -> usize {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx))
        .await
        .expect("a message")
        .expect("not an error")
}

// The bound must stay a small constant: no deeper than the `mpsc::channel(128)` that
// hand-written tonic code uses for the same hand-off.
const _: () = assert!(MAX_HELD_MESSAGES <= 128);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_reader_bounds_what_the_session_holds() {
    for from_spawned_task in [true, false] {
        let sent = Arc::new(AtomicUsize::new(0));
        let mut stream = open_endless(from_spawned_task, Arc::clone(&sent)).await;
        let mut yielded = 0;
        for round in 0..5 {
            // Long enough for an unbounded producer to run far ahead.
            tokio::time::sleep(Duration::from_millis(30)).await;
            let held = sent.load(Ordering::SeqCst) - yielded;
            assert!(
                held <= MAX_HELD_MESSAGES,
                "round {round}: the session holds {held} messages (spawned: {from_spawned_task})"
            );
            for _ in 0..7 {
                assert_eq!(next(&mut stream).await, yielded);
                yielded += 1;
            }
        }
        // The producer was not simply stuck: it filled the session to its bound.
        if from_spawned_task {
            tokio::time::sleep(Duration::from_millis(30)).await;
            assert!(sent.load(Ordering::SeqCst) - yielded >= MAX_HELD_MESSAGES / 2);
        }
    }
}
