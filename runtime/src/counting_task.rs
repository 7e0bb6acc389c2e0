//! For unit tests: a task that only counts how often it is woken.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Wake, Waker};

#[derive(Default)]
pub(crate) struct CountingTask(AtomicUsize);

impl CountingTask {
    /// A new task and a waker of it.
    pub(crate) fn new() -> (Arc<CountingTask>, Waker) {
        let task = Arc::new(CountingTask::default());
        let waker = Waker::from(Arc::clone(&task));
        (task, waker)
    }

    pub(crate) fn wakes(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Wake for CountingTask {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}
