//! A waker's identity, to tell without a clone whether a waker is one seen before.

use std::task::Waker;

/// A waker's identity (data and vtable addresses), as `Waker::will_wake` compares.
/// Meaningful only while a clone of the waker it was taken from is alive somewhere:
/// that keeps the addresses from being reused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct WakerId(usize, usize);

impl WakerId {
    /// No waker: equal to no real waker's identity.
    pub(crate) const NONE: WakerId = WakerId(0, 0);

    pub(crate) fn of(waker: &Waker) -> Self {
        WakerId(
            waker.data().addr(),
            std::ptr::from_ref(waker.vtable()).addr(),
        )
    }
}
