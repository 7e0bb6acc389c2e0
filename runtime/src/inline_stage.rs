//! The lock-free path for a handler body that sends from the stream's own task.
//!
//! While a server `ResponseStream` polls its handler body, it lends the body a small
//! staging buffer through a thread-local. A `Sender` of that same outbox polled
//! during that poll (the body sending inline) pushes into the buffer with no atomic
//! operation, as `async_stream!` hands its items over; the stream gathers the buffer
//! when the poll returns. Every other send (a sender on another task, or one that
//! switched paths within a poll) takes the locked path in `Outbox`.
//!
//! Order across the two paths is kept by generations: each body poll has one
//! (`Outbox` starts the next when it gathers a poll's stage). A sender whose staged messages are not gathered yet waits
//! before pushing through the lock, so a sender handed to another thread mid-poll
//! never overtakes what it staged. A sender whose last locked push was made during
//! the current poll keeps to the lock for the rest of it, so one gathered batch never
//! holds both a full queue and a full stage (the bound stays `2 * BATCH`).

use std::any::Any;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::task::{Context, Poll, Waker};

/// How many messages a body sending inline stages before it yields to the encoder.
/// Every staged message is one the encoder could already have taken, and its heap
/// parts stay allocated until then: glibc's per-thread cache keeps 7 freed blocks of
/// a size, so a batch of 7 allocates from it every time where 8 took one block per
/// batch through the slow path (callgrind, `bench/`: 10 instructions per message),
/// and 64 sent every free there (0.77x `async_stream!`).
pub(crate) const INLINE_BATCH: usize = 7;

thread_local! {
    /// The buffer lent to the body being polled on this thread, if any.
    static LENT: RefCell<Option<Lent>> = const { RefCell::new(None) };
}

struct Lent {
    /// The address of the outbox whose senders may use the buffer.
    owner: usize,
    generation: u64,
    /// A `VecDeque<T>` of the outbox's message type: the stream swaps it in whole.
    buffer: Box<dyn Any + Send>,
    /// A sender that found the buffer full and returned `Pending`.
    parked: Option<Waker>,
}

/// The stream's side: the buffer it lends for each body poll.
pub(crate) struct Stage<T> {
    /// Between polls; `None` only if a lend could not give it back. Boxed once, so
    /// lending it as `Box<dyn Any>` moves a pointer instead of allocating per poll.
    #[allow(
        clippy::box_collection,
        reason = "lent as Box<dyn Any> without reboxing"
    )]
    buffer: Option<Box<VecDeque<T>>>,
}

/// What a body poll left behind.
pub(crate) struct Gathered<'a, T> {
    /// Messages staged during the poll, in order.
    pub(crate) staged: &'a mut VecDeque<T>,
    /// A sender waiting for the buffer to empty, if it is not the stream's own task.
    pub(crate) parked: Option<Waker>,
}

impl<T: Send + 'static> Stage<T> {
    pub(crate) fn new() -> Self {
        Stage {
            buffer: Some(Box::new(VecDeque::with_capacity(INLINE_BATCH))),
        }
    }

    /// Runs `poll` (one poll of the body) with the buffer lent to the senders of the
    /// outbox at `owner` on this thread. The lend ends when `poll` returns or unwinds.
    pub(crate) fn lend<R>(
        &mut self,
        owner: usize,
        generation: u64,
        poll: impl FnOnce() -> R,
    ) -> (R, Gathered<'_, T>) {
        let buffer = self
            .buffer
            .take()
            .unwrap_or_else(|| Box::new(VecDeque::with_capacity(INLINE_BATCH)));
        let lent = Lent {
            owner,
            generation,
            buffer,
            parked: None,
        };
        let guard = LendGuard {
            previous: Some(
                LENT.try_with(|slot| slot.replace(Some(lent)))
                    .ok()
                    .flatten(),
            ),
        };
        let result = poll();
        let mut parked = None;
        if let Some(lent) = guard.end()
            && lent.owner == owner
            && let Ok(buffer) = lent.buffer.downcast::<VecDeque<T>>()
        {
            self.buffer = Some(buffer);
            parked = lent.parked;
        }
        let staged = self.buffer.get_or_insert_with(Box::default);
        (result, Gathered { staged, parked })
    }
}

/// Puts back whatever was lent before, even if the poll unwinds, so a lend never
/// outlives its poll.
struct LendGuard {
    /// `Some` while the lend lasts: what to put back.
    previous: Option<Option<Lent>>,
}

impl LendGuard {
    /// Ends the lend and returns what was lent.
    fn end(mut self) -> Option<Lent> {
        let previous = self.previous.take().flatten();
        LENT.try_with(|slot| slot.replace(previous)).ok().flatten()
    }
}

impl Drop for LendGuard {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            let _ = LENT.try_with(|slot| slot.replace(previous));
        }
    }
}

/// Stages `message` if a buffer of the outbox at `owner` is lent on this thread and
/// the sender's last locked push (`queued_in`) was made before this poll. Returns the
/// poll's generation once staged, `Pending` when the buffer is full (the stream
/// gathers it when the poll returns), or `None`: take the locked path.
pub(crate) fn push<T: Send + 'static>(
    owner: usize,
    queued_in: u64,
    message: &mut Option<T>,
    cx: &mut Context<'_>,
) -> Option<Poll<u64>> {
    LENT.try_with(|slot| {
        let mut slot = slot.try_borrow_mut().ok()?;
        let lent = slot.as_mut()?;
        if lent.owner != owner || queued_in >= lent.generation {
            return None;
        }
        let buffer = lent.buffer.downcast_mut::<VecDeque<T>>()?;
        if buffer.len() >= INLINE_BATCH {
            match &lent.parked {
                Some(parked) if parked.will_wake(cx.waker()) => {}
                _ => lent.parked = Some(cx.waker().clone()),
            }
            return Some(Poll::Pending);
        }
        if let Some(message) = message.take() {
            buffer.push_back(message);
        }
        Some(Poll::Ready(lent.generation))
    })
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    fn push_now(owner: usize, queued_in: u64, message: u32) -> Option<Poll<u64>> {
        let mut cx = Context::from_waker(Waker::noop());
        push(owner, queued_in, &mut Some(message), &mut cx)
    }

    #[test]
    fn only_the_owner_stages_and_only_during_the_lend() {
        let mut stage = Stage::<u32>::new();
        assert_eq!(push_now(1, 0, 7), None, "nothing lent");
        let (results, gathered) = stage.lend(1, 3, || {
            [push_now(1, 0, 7), push_now(2, 0, 8), push_now(1, 3, 9)]
        });
        assert_eq!(
            results,
            [Some(Poll::Ready(3)), None, None],
            "owner 2 and a sender that queued in this poll take the locked path"
        );
        assert_eq!(*gathered.staged, [7]);
        assert_eq!(push_now(1, 0, 7), None, "the lend ended with the poll");
    }

    #[test]
    fn a_full_buffer_parks_the_sender_until_gathered() {
        let mut stage = Stage::<u32>::new();
        let (results, gathered) = stage.lend(1, 1, || {
            (0..=INLINE_BATCH as u32)
                .map(|i| push_now(1, 0, i))
                .collect::<Vec<_>>()
        });
        assert_eq!(results.last(), Some(&Some(Poll::Pending)));
        assert!(gathered.parked.is_some());
        assert_eq!(gathered.staged.len(), INLINE_BATCH);
    }

    #[test]
    fn nested_lends_restore_the_outer_one_even_on_unwind() {
        let mut outer = Stage::<u32>::new();
        let (_, gathered) = outer.lend(1, 1, || {
            let mut inner = Stage::<u32>::new();
            let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                inner.lend(2, 1, || panic!("body panicked"))
            }));
            assert!(unwound.is_err());
            assert_eq!(
                push_now(1, 0, 5),
                Some(Poll::Ready(1)),
                "outer lend is back"
            );
            assert_eq!(push_now(2, 0, 6), None, "inner lend is gone");
        });
        assert_eq!(gathered.staged.len(), 1);
    }
}
