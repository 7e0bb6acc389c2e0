//! What the passes find: a family of rules, the point where a binding breaks one,
//! and what the path adds to the message.

use proc_macro2::Span;

/// What a binding did wrong; one family per kind of finding, since whether it is the
/// sending or the receiving rule depends on the binding's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Family {
    /// Used from two tasks or futures, cloned, or shared through a lock or a count.
    Concurrent,
    /// Moved into a task whose handle is dropped.
    Detached,
    /// Leaked with `mem::forget` and the like.
    Forgotten,
    /// The result of a send discarded.
    IgnoredSend,
    /// May reach a normal exit unfinished or undrained (client halves).
    Cleanup,
}

/// One finding: `family`, at `at` (the primary span).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Finding {
    pub(crate) family: Family,
    pub(crate) at: Span,
    /// What the path says beyond the family, for the message.
    pub(crate) detail: Detail,
}

/// What a path-sensitive finding adds to its rule's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Detail {
    /// Nothing.
    Plain,
    /// A cleanup finding at a `break` out of the loop that read the receiver: the
    /// point where the code stopped reading, before the end.
    StoppedReading,
    /// A send reached after a failed send the code went on from.
    AfterFailedSend,
}

impl Finding {
    /// A finding of `family` at `at`.
    pub(crate) fn new(family: Family, at: Span) -> Self {
        Finding {
            family,
            at,
            detail: Detail::Plain,
        }
    }
}
