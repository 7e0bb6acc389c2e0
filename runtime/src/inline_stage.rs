//! The lock-free path for a handler body that sends from the stream's own task.
//!
//! A server `Sender` owns the writing end of a small single-producer ring, its
//! `ResponseStream` the reading end. While the stream polls the handler body it marks
//! its thread (a plain-`Copy` thread-local: which outbox, which body poll, which
//! waker). A `Sender` of that outbox polled during that poll (the body sending
//! inline) pushes into its ring with no lock and no read-modify-write, as
//! `async_stream!` hands its items over; the stream yields the ring's messages once
//! the poll has returned. Every other send (a sender on another task, or one that
//! switched paths within a poll) takes the locked path in `Outbox`.
//!
//! Order across the two paths is kept by generations: each body poll has one
//! (`Outbox` starts the next when the stream takes what a poll left). A sender whose
//! staged messages are not taken yet waits before pushing through the lock, so a
//! sender handed to another thread mid-poll never overtakes what it staged. A sender
//! whose last locked push was made in the current generation keeps to the lock for
//! the rest of it, so what one take finds is either a locked batch or a staged one,
//! never both full (the bound stays `2 * BATCH`).

use std::cell::Cell;
use std::task::{Context, Waker};

use sync_wrapper::SyncWrapper;

use crate::waker_id::WakerId;

/// How many messages a body sending inline stages before it yields to the encoder.
/// Every staged message is one the encoder could already have taken, and its heap
/// parts stay allocated until then: a batch that fits glibc's per-thread cache of
/// freed blocks (7 of a size) keeps every allocation on its fast path.
pub(crate) const INLINE_BATCH: usize = 7;

/// The body poll running on this thread, if any.
#[derive(Clone, Copy)]
struct Polling {
    /// The address of the outbox whose sender may stage; 0 when no body is polled.
    owner: usize,
    generation: u64,
    /// The stream's waker, by identity: a sender polled with it needs no wake-up
    /// when the ring is full, since the stream polls the body again once it is empty.
    waker: WakerId,
}

const NOT_POLLING: Polling = Polling {
    owner: 0,
    generation: 0,
    waker: WakerId::NONE,
};

thread_local! {
    static POLLING: Cell<Polling> = const { Cell::new(NOT_POLLING) };
}

/// A new ring of `INLINE_BATCH` slots: the sender's end and the stream's end.
pub(crate) fn ring<T>() -> (StageIn<T>, StageOut<T>) {
    let (producer, consumer) = rtrb::RingBuffer::new(INLINE_BATCH);
    (StageIn(SyncWrapper::new(producer)), StageOut(consumer))
}

/// The sender's end. `SyncWrapper` keeps `Sender` `Sync` (its `closed` future borrows
/// it): the ring is only touched through `&mut`.
pub(crate) struct StageIn<T>(SyncWrapper<rtrb::Producer<T>>);

/// What an inline push did.
pub(crate) enum Staged {
    /// Staged in the body poll of this generation.
    In(u64),
    /// The ring is full; the stream polls the body again once it has yielded the
    /// ring, but a sender polled under another waker (a combinator's) must be woken
    /// then: `foreign` says so.
    Full { foreign: bool },
    /// Not polled inline (or it queued in this poll already): take the locked path.
    Locked,
}

impl<T> StageIn<T> {
    /// Stages `message` if the stream of the outbox at `owner` is polling its body on
    /// this thread and the sender's last locked push (`queued_in`) was made before
    /// this poll. The message stays in `message` unless staged.
    #[inline(always)]
    pub(crate) fn push(
        &mut self,
        owner: usize,
        queued_in: u64,
        message: &mut Option<T>,
        cx: &Context<'_>,
    ) -> Staged {
        let Ok(polling) = POLLING.try_with(Cell::get) else {
            return Staged::Locked;
        };
        if polling.owner != owner || queued_in >= polling.generation {
            return Staged::Locked;
        }
        let Some(value) = message.take() else {
            return Staged::In(polling.generation);
        };
        match self.0.get_mut().push(value) {
            Ok(()) => Staged::In(polling.generation),
            Err(rtrb::PushError::Full(value)) => {
                *message = Some(value);
                Staged::Full {
                    foreign: WakerId::of(cx.waker()) != polling.waker,
                }
            }
        }
    }
}

/// The stream's end: it marks the thread for each body poll and yields what was
/// staged.
pub(crate) struct StageOut<T>(rtrb::Consumer<T>);

impl<T> StageOut<T> {
    /// Runs `poll` (one poll of the body) with this thread marked for the senders of
    /// the outbox at `owner`. The mark ends when `poll` returns or unwinds, and the
    /// mark of an enclosing poll (a session polled inside another's body) comes back.
    #[inline(always)]
    pub(crate) fn marked<R>(
        &self,
        owner: usize,
        generation: u64,
        waker: &Waker,
        poll: impl FnOnce() -> R,
    ) -> R {
        let polling = Polling {
            owner,
            generation,
            waker: WakerId::of(waker),
        };
        let _restore = Restore(POLLING.try_with(|cell| cell.replace(polling)).ok());
        poll()
    }

    /// The oldest staged message.
    #[inline(always)]
    pub(crate) fn pop(&mut self) -> Option<T> {
        self.0.pop().ok()
    }

    /// How many messages are staged.
    pub(crate) fn len(&self) -> usize {
        self.0.slots()
    }

    /// Whether nothing is staged.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Drops every staged message.
    pub(crate) fn discard(&mut self) {
        while self.0.pop().is_ok() {}
    }
}

/// Puts back the mark that was there before a body poll, even if the poll unwinds.
struct Restore(Option<Polling>);

impl Drop for Restore {
    fn drop(&mut self) {
        if let Some(previous) = self.0 {
            let _ = POLLING.try_with(|cell| cell.set(previous));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push_now(stage: &mut StageIn<u32>, owner: usize, queued_in: u64, message: u32) -> Staged {
        let cx = Context::from_waker(Waker::noop());
        stage.push(owner, queued_in, &mut Some(message), &cx)
    }

    fn generation(staged: Staged) -> Option<u64> {
        match staged {
            Staged::In(generation) => Some(generation),
            _ => None,
        }
    }

    #[test]
    fn only_the_owner_stages_and_only_during_the_poll() {
        let (mut input, mut output) = ring::<u32>();
        let (mut other, _) = ring::<u32>();
        assert!(matches!(push_now(&mut input, 1, 0, 7), Staged::Locked));
        let results = output.marked(1, 3, Waker::noop(), || {
            [
                generation(push_now(&mut input, 1, 0, 7)),
                generation(push_now(&mut other, 2, 0, 8)),
                generation(push_now(&mut input, 1, 3, 9)),
            ]
        });
        assert_eq!(
            results,
            [Some(3), None, None],
            "owner 2 and a sender that queued in this poll take the locked path"
        );
        assert_eq!(output.pop(), Some(7));
        assert_eq!(output.pop(), None);
        assert!(matches!(push_now(&mut input, 1, 0, 7), Staged::Locked));
    }

    #[test]
    fn a_full_ring_tells_a_foreign_waker_apart_from_the_streams() {
        let (mut input, output) = ring::<u32>();
        let stream_waker = Waker::noop();
        let (own, foreign) = output.marked(1, 1, stream_waker, || {
            for i in 0..INLINE_BATCH as u32 {
                assert_eq!(generation(push_now(&mut input, 1, 0, i)), Some(1));
            }
            let own = push_now(&mut input, 1, 0, 99);
            let (_, other_waker) = crate::counting_task::CountingTask::new();
            let foreign = input.push(1, 0, &mut Some(99), &Context::from_waker(&other_waker));
            (own, foreign)
        });
        assert!(matches!(own, Staged::Full { foreign: false }));
        assert!(matches!(foreign, Staged::Full { foreign: true }));
        assert_eq!(output.len(), INLINE_BATCH);
    }

    #[test]
    fn nested_polls_restore_the_outer_mark_even_on_unwind() {
        let (mut outer_in, mut outer_out) = ring::<u32>();
        let (mut inner_in, inner_out) = ring::<u32>();
        outer_out.marked(1, 1, Waker::noop(), || {
            let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                inner_out.marked(2, 1, Waker::noop(), || panic!("body panicked"))
            }));
            assert!(unwound.is_err());
            assert_eq!(
                generation(push_now(&mut outer_in, 1, 0, 5)),
                Some(1),
                "outer mark is back"
            );
            assert!(
                matches!(push_now(&mut inner_in, 2, 0, 6), Staged::Locked),
                "inner mark is gone"
            );
        });
        assert_eq!(outer_out.pop(), Some(5));
    }
}
