//! Items the generated code names. Not a public API: no stability promise.

pub use crate::client::classify::{
    Awaited, AwaitedOther, AwaitedStreaming, CallHandle, Outbound, Peek, PeekOther, PeekRequest,
    ReplyOutcome, SendingBidi, SendingCall, SendingUpload, StreamingOutcome, configure, outbound,
};
pub use crate::server::entry::{bidi_streaming, client_streaming, server_streaming};
pub use tonic;
pub use tonic::async_trait;

/// How many messages a handler body sending from its stream's task stages per poll
/// (for the runtime's own tests).
pub const INLINE_BATCH: usize = crate::inline_stage::INLINE_BATCH;

/// A binding the attributes found breaking a rule (or maybe breaking it). The
/// generated code gives session halves an impl that fails to compile with the
/// rule's message; every other type gets this no-op.
pub struct RuleCheck<'a, T>(pub &'a T);

/// The no-op check for anything that is not a session half.
pub trait NotAHalf {
    /// Nothing to check.
    fn created_here(&self) {}
}

impl<T> NotAHalf for RuleCheck<'_, T> {}
