//! Polling the handler body only when it asked to be polled.
//!
//! hyper polls a response stream again right after each message it takes. A body
//! that was not woken in between has nothing new to do, but polling it polls every
//! future it awaits: for a bidi handler waiting on its request stream, a trip
//! through two body layers and h2's connection-wide lock per message. So the body
//! gets a waker of its own: waking it marks the body and wakes the
//! stream's task, and the stream polls the body only when it is marked.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Wake, Waker};

/// The handler body's waker, and whether the body is due a poll.
pub(crate) struct BodyWake {
    shared: Arc<Shared>,
    waker: Waker,
    /// The task waker in `shared.task`, so an unchanged one is seen without the lock.
    registered: Option<Waker>,
    /// The stream itself asked for a poll (no wake-up involved).
    marked: bool,
}

struct Shared {
    woken: AtomicBool,
    /// The task polling the response stream. A wake leaves it in place, so it is
    /// registered again only when the task's waker changes.
    task: Mutex<Option<Waker>>,
}

impl Wake for Shared {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        let task = self.task.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(task) = task.as_ref() {
            task.wake_by_ref();
        }
    }
}

impl BodyWake {
    /// Marked, so the body's first poll happens.
    pub(crate) fn new() -> Self {
        let shared = Arc::new(Shared {
            woken: AtomicBool::new(false),
            task: Mutex::new(None),
        });
        let waker = Waker::from(Arc::clone(&shared));
        BodyWake {
            shared,
            waker,
            registered: None,
            marked: true,
        }
    }

    /// Whether the body should be polled now; unmarks it. `task` is the waker of the
    /// task polling the stream, which the body's waker wakes from now on.
    #[inline]
    pub(crate) fn take_mark(&mut self, task: &Waker) -> bool {
        // Registered before the mark is read: a wake after the read finds the task.
        if !self
            .registered
            .as_ref()
            .is_some_and(|registered| registered.will_wake(task))
        {
            let mut slot = self
                .shared
                .task
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            *slot = Some(task.clone());
            self.registered = Some(task.clone());
        }
        let woken = self.shared.woken.load(Ordering::Relaxed)
            && self.shared.woken.swap(false, Ordering::AcqRel);
        std::mem::take(&mut self.marked) | woken
    }

    /// Marks the body without waking the task: for the stream itself, which knows
    /// it will look again (the body waits for room the stream is making).
    pub(crate) fn mark(&mut self) {
        self.marked = true;
    }

    /// The waker the body is polled with.
    pub(crate) fn waker(&self) -> &Waker {
        &self.waker
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counting_task::CountingTask;

    #[test]
    fn a_mark_comes_from_a_wake_or_from_the_stream_and_is_taken_once() {
        let (task, task_waker) = CountingTask::new();
        let mut body = BodyWake::new();
        assert!(body.take_mark(&task_waker), "the first poll is due");
        assert!(!body.take_mark(&task_waker), "nothing woke the body");

        body.waker().wake_by_ref();
        assert_eq!(task.wakes(), 1, "the task is woken");
        assert!(body.take_mark(&task_waker));
        assert!(!body.take_mark(&task_waker));
        body.waker().wake_by_ref();
        assert_eq!(task.wakes(), 2, "a wake leaves the task registered");
        assert!(body.take_mark(&task_waker));

        body.mark();
        assert_eq!(task.wakes(), 2, "a mark wakes nobody");
        assert!(body.take_mark(&task_waker));
    }
}
