//! The bounded hand-off between a sending half and the stream tonic polls for it:
//! a server `Sender` and its `ResponseStream`, or a client `Sender` and its request
//! stream.
//!
//! One mutex guards everything; each side takes it once per operation. The stream
//! takes a whole batch at a time (a buffer swap), once per poll of the handler body,
//! so the per-message cost is one lock in `send`. The stream registers its waker
//! only when it found nothing, and a handler that sends from the stream's own task
//! skips the lock altogether (`inline_stage`), so it never wakes itself. A stream
//! whose last take found nothing skips the lock until there is news (`Parked`):
//! hyper polls a stream again after every frame, and those polls would find nothing.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use tonic::Status;
use tonic::metadata::MetadataMap;

use crate::waker_id::WakerId;

/// How many messages one side of the hand-off holds at most. The session layer holds
/// at most twice this per direction: one batch queued, one batch being yielded. A
/// smaller batch makes tonic flush a client upload at every batch; 64 lets a sender
/// on another task run as far ahead as raw `mpsc::channel(128)` does.
pub(crate) const BATCH: usize = 64;

/// The generation of a session's first body poll (see `inline_stage`): above a new
/// sender's `queued_in` (0), so the body may stage from its first poll.
pub(crate) const FIRST_GENERATION: u64 = 1;

/// What became of the sending half.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SenderState {
    /// Still held by the handler.
    Open,
    /// `finish` was called: a clean end once the queue drains.
    Finished,
    /// Dropped without `finish`: never a clean end.
    Abandoned,
}

/// Response headers: editable until they are committed to the wire.
enum Headers {
    Pending(MetadataMap),
    Committed,
}

struct State<T> {
    queue: VecDeque<T>,
    sender: SenderState,
    /// The response stream is gone (the peer left, or the RPC is over).
    closed: bool,
    /// The status the call ends with, where a half said: the error a client call's
    /// receiving half read, the OK status (with trailers) a server sender finished
    /// with. Boxed: most calls never have one.
    end_status: Option<Box<Status>>,
    /// A receive on the request stream asked for the headers to go out.
    commit_requested: bool,
    /// The generation of the current (or next) body poll (see `inline_stage`).
    polls: u64,
    /// The last body poll whose staged messages the stream has taken.
    gathered: u64,
    /// The sending half is parked until there is room.
    room_wanted: bool,
    headers: Headers,
    /// The sending half, waiting for room or for `closed`.
    producer: Option<Waker>,
    /// The response side, waiting for a message, an end or a header commit.
    consumer: Option<Waker>,
}

/// Shared state of one sending direction.
pub(crate) struct Outbox<T> {
    state: Mutex<State<T>>,
    /// Something for the response side happened since its last take: a message, the
    /// sender's end, a header commit request. Written only under the lock.
    news: AtomicBool,
}

/// What the response side learned from one look at the outbox.
pub(crate) struct Snapshot {
    pub(crate) sender: SenderState,
    pub(crate) commit_requested: bool,
    /// The generation of the next body poll (see `inline_stage`).
    pub(crate) generation: u64,
    /// The handler body waits for room, which this take made: poll it again.
    pub(crate) room_for_body: bool,
    /// The take found nothing and left the response side's waker registered.
    pub(crate) registered: bool,
}

/// What the response side remembers of its last take: whether it found nothing,
/// with which waker left registered. Until the outbox has news, another take with
/// that waker would find nothing again and change nothing, so it can be skipped.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Parked(WakerId);

impl Parked {
    /// Not parked: the next look at the outbox takes the lock.
    pub(crate) const NOT: Parked = Parked(WakerId::NONE);

    /// After a take whose `snapshot` the response side answers with `Pending`.
    pub(crate) fn after(snapshot: &Snapshot, waker: &Waker) -> Parked {
        if snapshot.registered {
            Parked(WakerId::of(waker))
        } else {
            Parked::NOT
        }
    }
}

impl<T> Outbox<T> {
    pub(crate) fn new() -> Self {
        Outbox {
            state: Mutex::new(State {
                // Grown as messages come: a parked or quiet session holds no batch's
                // worth of room (2 KiB for a 32-byte message), and a streaming one
                // reaches its batch in a few doublings and keeps it.
                queue: VecDeque::new(),
                sender: SenderState::Open,
                closed: false,
                end_status: None,
                commit_requested: false,
                polls: FIRST_GENERATION,
                gathered: 0,
                room_wanted: false,
                headers: Headers::Pending(MetadataMap::new()),
                producer: None,
                consumer: None,
            }),
            news: AtomicBool::new(false),
        }
    }

    /// Locks the state. A panic while the lock was held (only possible in our own
    /// code, never in user code) must not turn every later RPC step into a panic.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes the consumer's waker to wake once the lock is released, and records
    /// the news for `unchanged`.
    fn tell_consumer(&self, state: &mut State<T>) -> Option<Waker> {
        self.news.store(true, Ordering::Release);
        state.consumer.take()
    }

    /// Whether a take with `waker` now would find nothing and change nothing: the
    /// last take found nothing (`parked`, with this waker registered) and nothing
    /// happened since. No lock: whatever happens after this answer wakes the
    /// registered waker.
    pub(crate) fn unchanged(&self, parked: Parked, waker: &Waker) -> bool {
        parked.0 == WakerId::of(waker) && !self.news.load(Ordering::Acquire)
    }

    /// The address that identifies this outbox to `inline_stage`.
    pub(crate) fn address(&self) -> usize {
        std::ptr::from_ref(self).addr()
    }

    /// Queues `message` if there is room, and returns the generation of the body poll
    /// it was queued in. `staged_in` is the sender's last staged body poll: its
    /// messages go first, so this waits until the stream has taken them. Gives the message
    /// back when the stream is gone.
    pub(crate) fn poll_push(
        &self,
        message: &mut Option<T>,
        staged_in: u64,
        cx: &mut Context<'_>,
    ) -> Poll<Result<u64, T>> {
        let mut state = self.lock();
        let Some(msg) = message.take() else {
            return Poll::Ready(Ok(state.polls));
        };
        if state.closed {
            return Poll::Ready(Err(msg));
        }
        if state.queue.len() >= BATCH || staged_in > state.gathered {
            *message = Some(msg);
            state.room_wanted = true;
            register(&mut state.producer, cx.waker());
            return Poll::Pending;
        }
        state.queue.push_back(msg);
        let queued_in = state.polls;
        let consumer = self.tell_consumer(&mut state);
        drop(state);
        if let Some(waker) = consumer {
            waker.wake();
        }
        Poll::Ready(Ok(queued_in))
    }

    /// Resolves once the response stream is gone.
    pub(crate) fn poll_closed(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.lock();
        if state.closed {
            return Poll::Ready(());
        }
        register(&mut state.producer, cx.waker());
        Poll::Pending
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Records the status the call ends with.
    pub(crate) fn set_end_status(&self, status: Status) {
        self.lock().end_status = Some(Box::new(status));
    }

    /// The status the call ends with, if a half said (for a refused send's error).
    pub(crate) fn end_status(&self) -> Option<Status> {
        self.lock().end_status.as_deref().cloned()
    }

    /// The status the call ends with, taken (for the end of a response stream).
    pub(crate) fn take_end_status(&self) -> Option<Status> {
        self.lock().end_status.take().map(|status| *status)
    }

    /// Records how the sending half ended (`Finished` or `Abandoned`); the first
    /// word is final.
    pub(crate) fn end_sender(&self, how: SenderState) {
        let mut state = self.lock();
        if state.sender == SenderState::Open {
            state.sender = how;
        }
        let consumer = self.tell_consumer(&mut state);
        drop(state);
        if let Some(waker) = consumer {
            waker.wake();
        }
    }

    /// Asks for the response headers to be sent now (the handler said so, or is
    /// about to wait for the peer, which may itself wait for our headers).
    pub(crate) fn request_commit(&self) {
        let mut state = self.lock();
        if state.commit_requested {
            return;
        }
        state.commit_requested = true;
        let consumer = self.tell_consumer(&mut state);
        drop(state);
        if let Some(waker) = consumer {
            waker.wake();
        }
    }

    /// Runs `edit` on the response headers if they have not been sent yet.
    pub(crate) fn edit_headers<R>(&self, edit: impl FnOnce(&mut MetadataMap) -> R) -> Option<R> {
        match &mut self.lock().headers {
            Headers::Pending(map) => Some(edit(map)),
            Headers::Committed => None,
        }
    }

    /// Takes the response headers for sending; later edits are refused.
    pub(crate) fn commit_headers(&self) -> MetadataMap {
        match std::mem::replace(&mut self.lock().headers, Headers::Committed) {
            Headers::Pending(map) => map,
            Headers::Committed => MetadataMap::new(),
        }
    }

    /// Moves every queued message into `into` (which must be empty) and reports the
    /// sender's state. `staged` is how many messages the body poll that just ended
    /// staged (see `inline_stage`), `None` if no body was polled: taking after a body
    /// poll ends that poll's generation, and the next poll gets a new one. Queued
    /// messages go out before staged ones. `waker` is the response side's: it is
    /// registered when nothing was found, so a later push, end or commit request
    /// wakes it. `body` is the waker of the handler body the response side polls: a
    /// sender parked with it is not woken when room is made, the snapshot says so.
    pub(crate) fn take(
        &self,
        into: &mut VecDeque<T>,
        staged: Option<usize>,
        waker: &Waker,
        body: Option<&Waker>,
    ) -> Snapshot {
        debug_assert!(into.is_empty());
        let mut state = self.lock();
        // The buffers take turns: nothing is copied.
        std::mem::swap(&mut state.queue, into);
        if staged.is_some() {
            // Within one generation a sender either queues or stages, never both
            // (see `inline_stage`), so queued messages are never the newer.
            state.gathered = state.polls;
            state.polls += 1;
        }
        let found = !into.is_empty() || staged.is_some_and(|staged| staged > 0);
        if found {
            state.consumer = None;
        } else {
            register(&mut state.consumer, waker);
        }
        // What this take saw is all there was: later news sets it again.
        self.news.store(false, Ordering::Relaxed);
        // A producer parked with the body's waker is the handler body on our task:
        // waking it would wake our own task; the response side marks it instead.
        let room_made = state.room_wanted && found;
        let producer = if room_made {
            state.room_wanted = false;
            state.producer.take()
        } else {
            None
        };
        let room_for_body = match (&producer, body) {
            (Some(parked), Some(body)) => parked.will_wake(body),
            _ => false,
        };
        let snapshot = Snapshot {
            sender: state.sender,
            commit_requested: state.commit_requested,
            generation: state.polls,
            room_for_body,
            registered: !found,
        };
        drop(state);
        if let Some(producer) = producer
            && !room_for_body
        {
            producer.wake();
        }
        snapshot
    }

    /// Parks a sender that found its stage full while polled under a waker that is
    /// not the stream's (a combinator in the handler body): the next take wakes it.
    pub(crate) fn wait_for_room(&self, waker: &Waker) {
        let mut state = self.lock();
        state.room_wanted = true;
        register(&mut state.producer, waker);
    }

    /// The response stream is gone: refuse further messages and wake the sender.
    pub(crate) fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        state.queue.clear();
        let producer = state.producer.take();
        drop(state);
        if let Some(waker) = producer {
            waker.wake();
        }
    }
}

fn register(slot: &mut Option<Waker>, waker: &Waker) {
    match slot {
        Some(existing) if existing.will_wake(waker) => {}
        _ => *slot = Some(waker.clone()),
    }
}

/// An outbox seen without its message type: what another half needs to tell it
/// that the call is over.
pub(crate) trait Closable: Send + Sync {
    /// The call is over: refuse further messages.
    fn close(&self);

    /// The call failed (with `status`, when known) or was left: refuse further
    /// messages, and take the sending half as abandoned, so a later `finish` is
    /// never a clean end.
    fn abandon(&self, status: Option<&Status>);
}

impl<T: Send> Closable for Outbox<T> {
    fn close(&self) {
        Outbox::close(self)
    }

    fn abandon(&self, status: Option<&Status>) {
        if let Some(status) = status {
            self.set_end_status(status.clone());
        }
        self.end_sender(SenderState::Abandoned);
        Outbox::close(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counting_task::CountingTask;

    /// Takes with `waker` and returns what the response side would remember.
    fn take(outbox: &Outbox<u32>, waker: &Waker) -> (usize, Parked) {
        let mut into = VecDeque::new();
        let snapshot = outbox.take(&mut into, None, waker, None);
        (into.len(), Parked::after(&snapshot, waker))
    }

    #[test]
    fn only_an_empty_take_with_the_same_waker_and_no_news_since_can_be_skipped() {
        let outbox = Outbox::<u32>::new();
        let (_, waker) = CountingTask::new();
        let (_, other) = CountingTask::new();
        let cx = &mut Context::from_waker(Waker::noop());
        assert!(!outbox.unchanged(Parked::NOT, &waker), "never looked");

        let (found, parked) = take(&outbox, &waker);
        assert_eq!(found, 0);
        assert!(outbox.unchanged(parked, &waker));
        assert!(
            !outbox.unchanged(parked, &other),
            "another waker is not registered"
        );

        assert!(outbox.poll_push(&mut Some(1), 0, cx).is_ready());
        assert!(!outbox.unchanged(parked, &waker), "a message is news");
        let (found, after_found) = take(&outbox, &waker);
        assert_eq!(found, 1);
        assert!(
            !outbox.unchanged(after_found, &waker),
            "a take that found something leaves no waker registered"
        );

        let (_, parked) = take(&outbox, &waker);
        outbox.request_commit();
        assert!(
            !outbox.unchanged(parked, &waker),
            "a commit request is news"
        );

        let (_, parked) = take(&outbox, &waker);
        outbox.end_sender(SenderState::Finished);
        assert!(
            !outbox.unchanged(parked, &waker),
            "the sender's end is news"
        );
        let (_, parked) = take(&outbox, &waker);
        assert!(outbox.unchanged(parked, &waker), "and a take saw it");
    }
}
