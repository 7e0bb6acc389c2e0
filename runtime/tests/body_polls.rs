//! The response stream polls its handler body only when the body was woken, or
//! when the stream itself made the room the body waits for; never just because
//! tonic polled the stream again. Driven by hand, on one thread, so every poll and
//! every wake is counted.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use futures_core::Stream;
use tonic::{Response, Status};
use tonic_session::server::{Finished, ResponseStream, Sender};

/// The task that polls the stream: it only counts its wake-ups.
#[derive(Default)]
struct Task(AtomicUsize);

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Task {
    fn wakes(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A handler body that counts how often it is polled.
struct Counted<F> {
    body: Pin<Box<F>>,
    polls: Arc<AtomicUsize>,
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        self.body.as_mut().poll(cx)
    }
}

/// Pending until `open` is set; keeps the waker it was last polled with.
struct Gate {
    open: Arc<AtomicBool>,
    waker: Arc<Mutex<Option<Waker>>>,
}

impl Future for Gate {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.open.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Polls `future` once with `task`'s waker; it must be ready.
fn ready_now<F: Future>(future: F, task: &Arc<Task>) -> F::Output {
    let waker = Waker::from(Arc::clone(task));
    match std::pin::pin!(future).poll(&mut Context::from_waker(&waker)) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the headers did not go out at once"),
    }
}

/// Opens a server-streaming session whose body is `body(tx)`, counting its polls.
fn open<F, Fut>(task: &Arc<Task>, polls: &Arc<AtomicUsize>, body: F) -> ResponseStream<u32>
where
    F: FnOnce(Sender<u32>) -> Fut,
    Fut: Future<Output = Result<Finished, Status>> + Send + 'static,
{
    let polls = Arc::clone(polls);
    let opened = tonic_session::__private::server_streaming(
        tonic_session::__private::as_layered(tonic::Request::new(())),
        move |_request, tx| Counted {
            body: Box::pin(body(tx)),
            polls,
        },
    );
    ready_now(opened, task)
        .map(Response::into_inner)
        .expect("headers")
}

/// Polls the stream once with `task`'s waker.
fn next(stream: &mut ResponseStream<u32>, task: &Arc<Task>) -> Poll<Option<Result<u32, Status>>> {
    let waker = Waker::from(Arc::clone(task));
    Pin::new(stream).poll_next(&mut Context::from_waker(&waker))
}

/// Reads to the end; every poll must make progress (nothing else runs here).
fn drain(stream: &mut ResponseStream<u32>, task: &Arc<Task>) -> Vec<u32> {
    let mut seen = Vec::new();
    loop {
        match next(stream, task) {
            Poll::Ready(Some(Ok(message))) => seen.push(message),
            Poll::Ready(Some(Err(status))) => panic!("ended with {status:?} after {seen:?}"),
            Poll::Ready(None) => return seen,
            Poll::Pending => panic!("the stream stalled after {seen:?}"),
        }
    }
}

#[test]
fn a_body_is_polled_again_only_when_woken() {
    let task = Arc::new(Task::default());
    let polls = Arc::new(AtomicUsize::new(0));
    let open_gate = Arc::new(AtomicBool::new(false));
    let gate_waker = Arc::new(Mutex::new(None::<Waker>));
    let gate = Gate {
        open: Arc::clone(&open_gate),
        waker: Arc::clone(&gate_waker),
    };
    let mut stream = open(&task, &polls, move |mut tx| async move {
        tx.send(0).await?;
        gate.await;
        tx.send(1).await?;
        Ok(tx.finish())
    });
    assert!(matches!(next(&mut stream, &task), Poll::Ready(Some(Ok(0)))));
    // tonic polls again after each message: nothing woke the body, so it is not polled.
    assert!(next(&mut stream, &task).is_pending());
    assert!(next(&mut stream, &task).is_pending());
    assert_eq!(polls.load(Ordering::SeqCst), 1, "polled without a wake");

    open_gate.store(true, Ordering::SeqCst);
    let woken = gate_waker
        .lock()
        .unwrap()
        .take()
        .expect("the gate kept a waker");
    woken.wake();
    assert_eq!(task.wakes(), 1, "waking the body wakes the stream's task");
    assert_eq!(drain(&mut stream, &task), [1]);
    assert_eq!(polls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_body_waiting_for_its_full_stage_is_polled_once_it_was_yielded() {
    let task = Arc::new(Task::default());
    let polls = Arc::new(AtomicUsize::new(0));
    let mut stream = open(&task, &polls, |mut tx| async move {
        for i in 0..20 {
            tx.send(i).await?;
        }
        Ok(tx.finish())
    });
    assert_eq!(drain(&mut stream, &task), Vec::from_iter(0..20));
    // 7 staged per poll (the stage's size), nothing woken: 7 + 7 + 6.
    assert_eq!(polls.load(Ordering::SeqCst), 3);
    assert_eq!(task.wakes(), 0, "the stream never wakes its own task");
}

#[test]
fn a_body_waiting_for_room_in_the_queue_is_polled_once_the_stream_took_it() {
    let task = Arc::new(Task::default());
    let polls = Arc::new(AtomicUsize::new(0));
    let full = tonic_session::server::MAX_HELD_MESSAGES as u32 / 2;
    let mut stream = open(&task, &polls, |mut tx| {
        // Queued through the lock before the body's first poll (nothing is marked
        // yet), until the queue is full: the body's first send in that same poll
        // then waits in the queue, with the body's waker.
        let noop = &mut Context::from_waker(Waker::noop());
        for i in 0..full {
            let sent = std::pin::pin!(tx.send(i)).poll(noop);
            assert!(matches!(sent, Poll::Ready(Ok(()))), "#{i} queued");
        }
        async move {
            tx.send(full).await?;
            tx.send(full + 1).await?;
            Ok(tx.finish())
        }
    });
    assert_eq!(drain(&mut stream, &task), Vec::from_iter(0..full + 2));
    assert_eq!(polls.load(Ordering::SeqCst), 2);
    assert_eq!(
        task.wakes(),
        0,
        "room for the body is no reason to wake the task"
    );
}

/// Opens a session whose body sends `0..staged` from the stream's task, then hands
/// its sender out (to the test, as to another task) and waits forever.
fn open_handing_out(
    task: &Arc<Task>,
    polls: &Arc<AtomicUsize>,
    staged: u32,
) -> (ResponseStream<u32>, Sender<u32>) {
    let handed_out = Arc::new(Mutex::new(None::<Sender<u32>>));
    let slot = Arc::clone(&handed_out);
    let stream = open(task, polls, move |mut tx| async move {
        tx.send_headers();
        for i in 0..staged {
            tx.send(i).await?;
        }
        *slot.lock().unwrap() = Some(tx);
        std::future::pending().await
    });
    let tx = handed_out.lock().unwrap().take();
    (stream, tx.expect("the body handed out its sender"))
}

#[test]
fn a_stream_that_found_nothing_is_woken_by_each_send_from_another_task() {
    let task = Arc::new(Task::default());
    let polls = Arc::new(AtomicUsize::new(0));
    let (mut stream, mut tx) = open_handing_out(&task, &polls, 0);
    for round in 0..3 {
        // Found nothing; polled again (as hyper does), still nothing.
        assert!(next(&mut stream, &task).is_pending());
        assert!(next(&mut stream, &task).is_pending());
        // Sent outside any poll of the body: through the outbox's lock.
        let sent = std::pin::pin!(tx.send(round)).poll(&mut Context::from_waker(Waker::noop()));
        assert!(matches!(sent, Poll::Ready(Ok(()))));
        assert_eq!(
            task.wakes(),
            round as usize + 1,
            "round {round}: the send woke the stream"
        );
        assert!(matches!(next(&mut stream, &task), Poll::Ready(Some(Ok(m))) if m == round));
    }
    assert!(next(&mut stream, &task).is_pending());
    let _finished = tx.finish();
    assert_eq!(task.wakes(), 4, "the finish woke it");
    assert_eq!(polls.load(Ordering::SeqCst), 1, "the body was never woken");
}

#[test]
fn a_sender_handed_off_after_a_full_stage_queues_behind_what_it_staged() {
    use tonic_session::__private::INLINE_BATCH as BATCH;
    let task = Arc::new(Task::default());
    let polls = Arc::new(AtomicUsize::new(0));
    // A full stage, then the sender goes to another task.
    let (mut stream, mut tx) = open_handing_out(&task, &polls, BATCH as u32);
    // The stream ended the body poll's generation as soon as the poll returned, so
    // the sender has nothing to wait for: it queues at once, behind the stage.
    let sent = std::pin::pin!(tx.send(BATCH as u32)).poll(&mut Context::from_waker(Waker::noop()));
    assert!(matches!(sent, Poll::Ready(Ok(()))));
    for i in 0..=BATCH as u32 {
        assert!(matches!(next(&mut stream, &task), Poll::Ready(Some(Ok(m))) if m == i));
    }
    assert!(next(&mut stream, &task).is_pending());
}
