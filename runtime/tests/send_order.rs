//! Order across the two send paths: a handler body sending inline stages its
//! messages without a lock; a sender on another thread queues them under the lock.
//! One sender moving between the two must still deliver in the order it sent.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use futures_core::Stream;
use tokio::sync::oneshot;
use tonic::Status;
use tonic_session::server::{ResponseStream, Sender};

/// Everything the stream yields, then its end.
async fn read_all(mut stream: ResponseStream<u32>) -> (Vec<u32>, Option<Status>) {
    let mut seen = Vec::new();
    loop {
        match poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
            Some(Ok(message)) => seen.push(message),
            Some(Err(status)) => return (seen, Some(status)),
            None => return (seen, None),
        }
    }
}

/// The body stages `0..before`, hands its sender to another thread in the middle of
/// the poll that staged the last of them, takes it back, and sends one more.
async fn hand_off_mid_poll(before: u32) -> Vec<u32> {
    let runtime = tokio::runtime::Handle::current();
    let response = tonic_session::__private::server_streaming(
        tonic_session::__private::as_layered(tonic::Request::new(())),
        move |_request, mut tx: Sender<u32>| async move {
            // Staged: this body is polled by its own response stream (a full stage
            // ends the poll, so a large `before` reaches a later one).
            for i in 0..before {
                tx.send(i).await?;
            }
            let (back, returned) = oneshot::channel();
            std::thread::spawn(move || {
                // Another thread, while the body's poll (below) is still running:
                // these must wait until what the body staged is gathered, not
                // overtake it.
                runtime.block_on(async {
                    for i in before..before + 3 {
                        tx.send(i).await.expect("the stream is open");
                    }
                });
                let _ = back.send(tx);
            });
            // Keep the poll that staged the last ones running while the thread sends.
            std::thread::sleep(Duration::from_millis(50));
            let mut tx = returned
                .await
                .map_err(|_| Status::internal("thread gone"))?;
            // Back on the body: staged again, after what the thread queued.
            tx.send(before + 3).await?;
            Ok(tx.finish())
        },
    )
    .await
    .expect("headers");
    let (seen, end) = read_all(response.into_inner()).await;
    assert!(end.is_none(), "a clean end, got {end:?}");
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_handed_to_another_thread_mid_poll_keeps_its_order() {
    assert_eq!(hand_off_mid_poll(2).await, [0, 1, 2, 3, 4, 5]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_off_in_a_later_poll_keeps_the_order_too() {
    // Several stages gathered before the hand-off: each poll's generation is new.
    let before = 41;
    assert_eq!(
        hand_off_mid_poll(before).await,
        (0..before + 4).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inline_sender_yields_to_the_encoder_in_small_batches() {
    // 1,000 messages from the body: all arrive, in order, then a clean end.
    let response = tonic_session::__private::server_streaming(
        tonic_session::__private::as_layered(tonic::Request::new(())),
        |_request, mut tx: Sender<u32>| async move {
            for i in 0..1000 {
                tx.send(i).await?;
            }
            Ok(tx.finish())
        },
    )
    .await
    .expect("headers");
    let (seen, end) = read_all(response.into_inner()).await;
    assert_eq!(seen, (0..1000).collect::<Vec<_>>());
    assert!(end.is_none(), "a clean end, got {end:?}");
}

/// Polls its future under a waker of its own, and only after that waker was woken,
/// as `FuturesUnordered` and other task-set combinators do.
struct OnlyWhenWoken<F> {
    inner: Pin<Box<F>>,
    flag: Arc<WokenFlag>,
}

struct WokenFlag {
    woken: AtomicBool,
    outer: Mutex<Option<Waker>>,
}

impl Wake for WokenFlag {
    fn wake(self: Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        if let Some(outer) = self.outer.lock().expect("not poisoned").take() {
            outer.wake();
        }
    }
}

impl<F: Future> Future for OnlyWhenWoken<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        *self.flag.outer.lock().expect("not poisoned") = Some(cx.waker().clone());
        if !self.flag.woken.swap(false, Ordering::SeqCst) {
            return Poll::Pending;
        }
        let waker = Waker::from(Arc::clone(&self.flag));
        self.inner.as_mut().poll(&mut Context::from_waker(&waker))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_inside_a_combinator_is_woken_when_its_stage_was_taken() {
    // The body's sends run under the combinator's waker, not the stream's: a send
    // that finds the stage full must be woken once it is taken, or the body stalls.
    let response = tonic_session::__private::server_streaming(
        tonic_session::__private::as_layered(tonic::Request::new(())),
        |_request, mut tx: Sender<u32>| async move {
            let sends = async move {
                for i in 0..100 {
                    tx.send(i).await?;
                }
                Ok(tx.finish())
            };
            OnlyWhenWoken {
                inner: Box::pin(sends),
                flag: Arc::new(WokenFlag {
                    woken: AtomicBool::new(true),
                    outer: Mutex::new(None),
                }),
            }
            .await
        },
    )
    .await
    .expect("headers");
    let read = tokio::time::timeout(Duration::from_secs(10), read_all(response.into_inner()));
    let (seen, end) = read
        .await
        .expect("the body stalled: its send was never woken");
    assert_eq!(seen, (0..100).collect::<Vec<_>>());
    assert!(end.is_none(), "a clean end, got {end:?}");
}
